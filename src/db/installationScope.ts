import { getTableColumns, is, Placeholder, type Table } from 'drizzle-orm';
import type { Db, Executor, Tx } from './types.js';

/**
 * Every row of the app's tables carries its installation (`installation_id`, issue 55; not `installations` itself,
 * nor the health probe). The app writes through an executor scoped to its installation: each insert it makes is
 * stamped with that installation, whatever the caller passed, and each transaction it opens is scoped the same. An
 * unscoped executor (the command-line tools, the migrations) writes the column's default, 1: a deployment's first
 * installation, which a database from before installation keys becomes whole.
 *
 * Reads are not filtered by installation yet: a deployment serves one installation at a time (install/store.ts
 * refuses another while one is in force), and a query scoped to its installation is the next part of issue 55.
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
  return (exec as unknown as Record<symbol, InstallationScope | undefined>)[SCOPE]?.id;
}

/**
 * The executor under the scope, for a statement prepared once and run by every scope (db/prepared.ts): its insert
 * names the installation as the placeholder `installationId`, which each run fills with its executor's.
 */
export function unscopedOf<E extends Executor>(exec: E): E {
  return (exec as unknown as Record<symbol, E | undefined>)[UNSCOPED] ?? exec;
}

/** `builder.values` with every row stamped with the scope's installation, when the table has the column. */
function stamped<B extends { values(rows: unknown): unknown }>(
  builder: B,
  table: Table,
  scope: InstallationScope,
): B {
  const installationId = scope.id;
  if (installationId === undefined || !('installationId' in getTableColumns(table))) return builder;
  const values = builder.values.bind(builder);
  const stamp = (row: unknown) =>
    is((row as { installationId?: unknown }).installationId, Placeholder)
      ? row
      : { ...(row as object), installationId };
  return Object.assign(builder, {
    values: (rows: unknown) => values(Array.isArray(rows) ? rows.map(stamp) : stamp(rows)),
  });
}

/** `exec` scoped to an installation: its inserts stamped, its transactions' executors scoped too. */
export function scopedTo<E extends Executor | Tx | Db>(exec: E, installation: InstallationScope | number): E {
  const scope = typeof installation === 'number' ? { id: installation } : installation;
  return new Proxy(exec, {
    get(target, key) {
      if (key === SCOPE) return scope;
      if (key === UNSCOPED) return target;
      if (key === 'insert')
        return (table: Table) =>
          stamped(
            (target as Executor).insert(table as never) as { values(rows: unknown): unknown },
            table,
            scope,
          );
      if (key === 'transaction' && 'transaction' in target)
        return <T>(fn: (tx: Tx) => Promise<T> | T) =>
          (target as Db).transaction((tx) => fn(scopedTo(tx, scope)));
      return Reflect.get(target, key, target);
    },
  });
}
