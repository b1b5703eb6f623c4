import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { getTableColumns, is, Table } from 'drizzle-orm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as schema from '../../../src/db/schema.js';

/**
 * The installation is an explicit key (src/db/owned.ts): every query the repositories build of a table whose rows
 * carry their installation names it, in its condition (`own(exec, table)`), its joins' conditions, and the rows it
 * inserts (`ownRow(exec, row)`). A query over every installation is in a function that takes an `AnyInstallation`
 * executor. Read from the source with the TypeScript parser: a query that names no installation fails here, with its
 * file and line.
 */

const DB = resolve(import.meta.dirname, '../../../src/db');

/** The files whose queries are read: the repositories and the database's own modules (not the schema, nor the move). */
const files = readdirSync(DB, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .filter((file) => !file.startsWith('schema') && !file.startsWith('pg/'))
  .map((file) => join(DB, file));

/** The schema's tables whose rows carry no installation, by the name the code imports them under. */
const unkeyed = new Set(
  Object.entries(schema)
    .filter(([, value]) => is(value, Table) && !('installationId' in getTableColumns(value as Table)))
    .map(([name]) => name),
);

const BUILDERS = new Set(['from', 'update', 'delete', 'insert']);
const JOINS = new Set(['leftJoin', 'rightJoin', 'innerJoin', 'fullJoin']);
/** What naming the installation looks like in a query's text. */
const NAMES_IT = /\bown(Row)?\(|installationId|installation_id/;
/** What an insert's conflict clause says: the installation in its target is no row's installation. */
const CONFLICTS = new Set(['onConflictDoUpdate', 'onConflictDoNothing']);

/** The statement a node is part of (its whole query chain, and what prepares it). */
function statementOf(node: ts.Node): ts.Node {
  let at: ts.Node = node;
  while (at.parent && !ts.isSourceFile(at.parent) && !ts.isBlock(at.parent)) at = at.parent;
  return at;
}

/** Whether a function around `node` takes an executor of every installation. */
function acrossInstallations(node: ts.Node, file: ts.SourceFile): boolean {
  for (let at: ts.Node | undefined = node; at; at = at.parent)
    if (
      ts.isFunctionLike(at) &&
      at.parameters.some((p) => /\bAny(Installation|Executor|Tx|Db)\b/.test(p.type?.getText(file) ?? ''))
    )
      return true;
  return false;
}

/** Whether `node` is an argument of a conflict clause (`onConflictDoUpdate({ target: ... })`). */
function inConflictClause(node: ts.Node, statement: ts.Node): boolean {
  for (let at = node.parent; at && at !== statement; at = at.parent)
    if (
      ts.isCallExpression(at) &&
      ts.isPropertyAccessExpression(at.expression) &&
      CONFLICTS.has(at.expression.name.text) &&
      at.arguments.some((arg) => arg.pos <= node.pos && node.end <= arg.end)
    )
      return true;
  return false;
}

/**
 * Whether an insert's statement gives its rows an installation: `ownRow(...)`, or an `installationId` property written
 * out, outside its conflict clause (a target naming the column stamps no row).
 */
function stampsRows(statement: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node) => {
    if (found) return;
    const stamps =
      (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'ownRow') ||
      ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'installationId');
    if (stamps && !inConflictClause(node, statement)) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(statement);
  return found;
}

/** The last name of a table expression (`t.handoffs`, `handoffs`), or undefined for anything else. */
function tableName(node: ts.Expression | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return undefined;
}

/**
 * Whether a query names its installation: a join in its own condition, an insert by stamping its rows, another builder
 * anywhere in its statement.
 */
function namesIt(node: ts.CallExpression, method: string, file: ts.SourceFile): boolean {
  if (method === 'insert') return stampsRows(statementOf(node));
  if (JOINS.has(method)) return NAMES_IT.test(node.arguments[1]?.getText(file) ?? '');
  return NAMES_IT.test(statementOf(node).getText(file));
}

/** The queries of one file that name no installation, as `file:line what`. */
function unnamed(path: string, text = readFileSync(path, 'utf8')): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const table = tableName(node.arguments[0]);
      const keyed = table !== undefined && !unkeyed.has(table);
      if (keyed && (BUILDERS.has(method) || JOINS.has(method)) && !acrossInstallations(node, file)) {
        if (!namesIt(node, method, file)) {
          const line = file.getLineAndCharacterOfPosition(node.expression.name.getStart(file)).line + 1;
          found.push(`${relative(DB, path)}:${line} ${method}(${table})`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('every query names its installation', () => {
  it('in the repositories and the database modules', () => {
    const missing = files.flatMap((f) => unnamed(f));
    expect(missing).toEqual([]);
  });

  it('finds a query, a join and an insert that name none (a conflict target stamps no row), passes one over every installation', () => {
    const code = [
      'const a = (exec: Executor) => exec.select().from(handoffs).where(eq(handoffs.id, 1));',
      'const b = (exec: Executor) => exec.select().from(handoffs).where(own(exec, handoffs));',
      'const c = (exec: Executor) => exec.select().from(t.handoffs).where(own(exec, t.handoffs))',
      '  .leftJoin(decisions, eq(decisions.handoffId, t.handoffs.id));',
      'const d = (tx: Tx) => tx.insert(outbox).values(row);',
      'const e = (tx: Tx) => tx.insert(outbox).values(ownRow(tx, row));',
      'const f = (exec: AnyInstallation) => exec.select().from(outbox);',
      'const g = (exec: Executor) => exec.select().from(installations);',
      'const h = (tx: Tx) => tx.insert(covers).values(row).onConflictDoUpdate({ target: [covers.installationId], set });',
      'const i = (tx: Tx) => tx.insert(covers).values({ ...row, installationId: tx.installationId });',
      'const j = (tx: Tx) => tx.insert(covers).values(row).onConflictDoUpdate({ target, set: { installationId: 2 } });',
    ].join('\n');
    expect(unnamed(join(DB, 'example.ts'), code)).toEqual([
      'example.ts:1 from(handoffs)',
      'example.ts:4 leftJoin(decisions)',
      'example.ts:5 insert(outbox)',
      'example.ts:9 insert(covers)',
      'example.ts:11 insert(covers)',
    ]);
  });
});
