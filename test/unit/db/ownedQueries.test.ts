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

/** The statement a node is part of (its whole query chain, and what prepares it). */
function statementOf(node: ts.Node): ts.Node {
  let at: ts.Node = node;
  while (at.parent && !ts.isSourceFile(at.parent) && !ts.isBlock(at.parent)) at = at.parent;
  return at;
}

/** Whether a function around `node` takes an executor of every installation. */
function acrossInstallations(node: ts.Node, file: ts.SourceFile): boolean {
  for (let at: ts.Node | undefined = node; at; at = at.parent)
    if (ts.isFunctionLike(at) && at.parameters.some((p) => p.type?.getText(file).includes('AnyInstallation')))
      return true;
  return false;
}

/** The last name of a table expression (`t.handoffs`, `handoffs`), or undefined for anything else. */
function tableName(node: ts.Expression | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return undefined;
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
        // A join names it in its own condition; a builder anywhere in its statement.
        const where = JOINS.has(method)
          ? (node.arguments[1]?.getText(file) ?? '')
          : statementOf(node).getText(file);
        if (!NAMES_IT.test(where)) {
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

/** Files whose queries still rely on the executor's scope (db/installationScope.ts) rather than naming the key. */
const NOT_YET = new Set<string>([]);

describe('every query names its installation', () => {
  it('in the repositories and the database modules', () => {
    const missing = files.filter((f) => !NOT_YET.has(relative(DB, f))).flatMap((f) => unnamed(f));
    expect(missing).toEqual([]);
  });

  it('finds a query, a join and an insert that name none, and passes one over every installation', () => {
    const code = [
      'const a = (exec: Executor) => exec.select().from(handoffs).where(eq(handoffs.id, 1));',
      'const b = (exec: Executor) => exec.select().from(handoffs).where(own(exec, handoffs));',
      'const c = (exec: Executor) => exec.select().from(t.handoffs).where(own(exec, t.handoffs))',
      '  .leftJoin(decisions, eq(decisions.handoffId, t.handoffs.id));',
      'const d = (tx: Tx) => tx.insert(outbox).values(row);',
      'const e = (tx: Tx) => tx.insert(outbox).values(ownRow(tx, row));',
      'const f = (exec: AnyInstallation) => exec.select().from(outbox);',
      'const g = (exec: Executor) => exec.select().from(installations);',
    ].join('\n');
    expect(unnamed(join(DB, 'example.ts'), code)).toEqual([
      'example.ts:1 from(handoffs)',
      'example.ts:4 leftJoin(decisions)',
      'example.ts:5 insert(outbox)',
    ]);
  });
});
