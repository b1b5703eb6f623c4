import { and, Column, eq, is, Placeholder, type SQL, sql, Table } from 'drizzle-orm';
import type { Db, Executor, Tx } from './types.js';

/**
 * Every row of the app's tables carries its installation (`installation_id`, issue 55; not `installations` itself,
 * nor the health probe). The app writes through an executor scoped to its installation: each insert it makes is
 * stamped with that installation, whatever the caller passed, and each transaction it opens is scoped the same. An
 * unscoped executor (the command-line tools, the migrations) writes the column's default, 1: a deployment's first
 * installation, which a database from before installation keys becomes whole.
 *
 * Reads are scoped the same: a select, update or delete through a scoped executor sees only its installation's rows.
 * An unscoped executor (the command-line tools) sees every installation's.
 */

const SCOPE = Symbol('installation');
const UNSCOPED = Symbol('unscoped');

/**
 * The installation a deployment writes for, once it is known: an OAuth deployment knows it before it starts (it waits
 * for its install); a token deployment once start has recorded its workspace (compose/wire.ts). Until then nothing is
 * stamped (a first start's settings, read into the program before Slack is asked, are the first installation's).
 */
export interface InstallationScope {
  id: number | undefined;
}

/** The installation `exec` writes for; undefined: not scoped, or not known yet. */
export function installationOf(exec: Executor): number | undefined {
  const id = (exec as unknown as Record<symbol, Scope | undefined>)[SCOPE]?.id;
  return typeof id === 'number' ? id : undefined;
}

/**
 * The executor under the scope, for a statement prepared once and run by every scope (db/prepared.ts): its insert
 * names the installation as the placeholder `installationId`, which each run fills with its executor's.
 */
export function unscopedOf<E extends Executor>(exec: E): E {
  return (exec as unknown as Record<symbol, E | undefined>)[UNSCOPED] ?? exec;
}

/** What a scope filters and stamps by: an installation's id, or the placeholder a prepared statement binds per run. */
type ScopeId = number | Placeholder;

interface Scope {
  id: ScopeId | undefined;
}

/** A table's installation column, when it has one (an alias's is its own); undefined for a subquery or a view. */
function installationColumn(source: unknown): Column | undefined {
  if (!is(source, Table)) return undefined;
  const column = (source as unknown as { installationId?: unknown }).installationId;
  return is(column, Column) ? column : undefined;
}

/** `builder.values` with every row stamped with the scope's installation, when the table has the column. */
function stamped<B extends { values(rows: unknown): unknown }>(builder: B, table: Table, scope: Scope): B {
  const installationId = scope.id;
  if (installationId === undefined || installationColumn(table) === undefined) return builder;
  const values = builder.values.bind(builder);
  const stamp = (row: unknown) =>
    is((row as { installationId?: unknown }).installationId, Placeholder)
      ? row
      : { ...(row as object), installationId };
  return Object.assign(builder, {
    values: (rows: unknown) => values(Array.isArray(rows) ? rows.map(stamp) : stamp(rows)),
  });
}

/** A condition, or drizzle's function of the query's fields that gives one. */
type Condition = SQL | undefined | ((...fields: unknown[]) => SQL | undefined);

/** `own` and `condition`, in whichever form drizzle was given it. */
const both = (own: SQL, condition: Condition): Condition =>
  typeof condition === 'function' ? (...fields) => and(own, condition(...fields)) : and(own, condition);

const JOINS = ['leftJoin', 'rightJoin', 'innerJoin', 'fullJoin'] as const;

/**
 * A select, update or delete of `table` kept to the scope's rows: its `where` is the scope's from the start, and a
 * `where` the caller adds is joined to it; a table joined to a select is joined on its scope's rows too (in the join's
 * condition, so a left join still gives its row of nulls). The builder's methods are drizzle's own, wrapped on this
 * one builder.
 */
function restricted<B extends object>(query: B, table: unknown, scope: Scope): B {
  const column = installationColumn(table);
  const id = scope.id;
  if (column === undefined || id === undefined) return query;
  const own = eq(column, id);
  const builder = query as unknown as Record<string, (...args: unknown[]) => unknown>;
  const where = builder.where?.bind(query);
  if (where) {
    where(own);
    builder.where = (condition) => where(both(own, condition as Condition));
  }
  for (const join of JOINS) {
    const original = builder[join]?.bind(query);
    if (!original) continue;
    builder[join] = (joined, on) => {
      const theirs = installationColumn(joined);
      return original(joined, theirs === undefined ? on : both(eq(theirs, id), on as Condition));
    };
  }
  return query;
}

/** `select(...)`'s builder, whose `from` gives a select kept to the scope's rows. */
function scopedSelect<B extends object>(builder: B, scope: Scope): B {
  const b = builder as unknown as { from(source: unknown): object };
  const from = b.from.bind(builder);
  return Object.assign(builder, { from: (source: unknown) => restricted(from(source), source, scope) });
}

/** `update(table)`'s builder, whose `set` gives an update kept to the scope's rows. */
function scopedUpdate<B extends object>(builder: B, table: unknown, scope: Scope): B {
  const b = builder as unknown as { set(values: unknown): object };
  const set = b.set.bind(builder);
  return Object.assign(builder, { set: (values: unknown) => restricted(set(values), table, scope) });
}

/** The methods of drizzle's database and transactions that build a query, scoped; the rest are theirs unchanged. */
const SCOPED: Record<string, (target: Executor, scope: Scope) => unknown> = {
  insert: (target, scope) => (table: Table) =>
    stamped(target.insert(table as never) as { values(rows: unknown): unknown }, table, scope),
  select: (target, scope) => (fields?: never) => scopedSelect(target.select(fields as never), scope),
  selectDistinct: (target, scope) => (fields?: never) =>
    scopedSelect(target.selectDistinct(fields as never), scope),
  update: (target, scope) => (table: Table) => scopedUpdate(target.update(table as never), table, scope),
  delete: (target, scope) => (table: Table) => restricted(target.delete(table as never), table, scope),
};

/**
 * `exec` scoped to an installation: its inserts stamped, its selects, updates and deletes kept to that installation's
 * rows (joined tables too), its transactions' executors scoped the same. What a query writes in raw SQL about another
 * table (a subquery in a `sql` template) it scopes itself, by the outer row's `installation_id`.
 */
export function scopedTo<E extends Executor | Tx | Db>(exec: E, installation: InstallationScope | number): E {
  return scopedBy(exec, typeof installation === 'number' ? { id: installation } : installation);
}

/**
 * The same, for a statement prepared once and run by every installation (db/prepared.ts): its rows are kept to, and
 * stamped with, the placeholder `installationId`, which each run binds to its executor's installation.
 */
export function scopedForPrepared<E extends Executor>(exec: E): E {
  return scopedBy(exec, { id: sql.placeholder('installationId') });
}

function scopedBy<E extends Executor | Tx | Db>(exec: E, scope: Scope): E {
  return new Proxy(exec, {
    get(target, key) {
      if (key === SCOPE) return scope;
      if (key === UNSCOPED) return target;
      // The explicit key (db/owned.ts): what the repositories name in their queries.
      if (key === 'installationId') return scope.id;
      if (typeof key === 'string' && key in SCOPED) return SCOPED[key]?.(target as Executor, scope);
      if (key === 'transaction' && 'transaction' in target)
        return <T>(fn: (tx: Tx) => Promise<T> | T) =>
          (target as Db).transaction((tx) => fn(scopedBy(tx, scope)));
      return Reflect.get(target, key, target);
    },
  });
}

/**
 * `column` (an installation column) is the executor's installation: for a subquery written in SQL, which the scope
 * cannot see into. Always true for an unscoped executor, or one whose installation is not known yet.
 */
export function ownRows(exec: Executor, column: Column): SQL {
  const id = (exec as unknown as Record<symbol, Scope | undefined>)[SCOPE]?.id;
  return id === undefined ? sql`true` : eq(column, id);
}
