import { type Column, eq, type SQL } from 'drizzle-orm';
import { FIRST_INSTALLATION } from './columns.js';
import type { AnyDb, AnyExecutor, AnyTx, Db, Executor, Tx } from './types.js';

/**
 * The installation is an explicit key: an executor of one installation (`ownedBy`) carries its `installationId`, and
 * every repository query names it: `own(exec, table)` is the condition that keeps a select, update, delete or join to
 * that installation's rows, `ownRow(exec, row)` a row as it writes it (test/unit/db/ownedQueries.test.ts reads the
 * source for a query that names none). A query over every installation (the shared looks, the install router, the
 * command-line tools' choice of installation) takes an `AnyInstallation` executor and says so in its signature.
 */

/** An executor that reads and writes across installations: its queries name none. */
export type AnyInstallation = AnyExecutor;

/** A table whose rows carry their installation. */
interface Keyed {
  installationId: Column;
}

const ANY = Symbol('every installation');

/**
 * `exec` as one installation sees it: the same database or transaction (drizzle's own methods, inherited), with its
 * `installationId`, and transactions that are that installation's too. Nothing of drizzle's is rewritten: a query
 * names the installation itself (`own`, `ownRow`). `key` may be a prepared statement's placeholder (db/prepared.ts).
 */
export function ownedBy(exec: AnyDb, key: number): Db;
export function ownedBy(exec: AnyTx, key: number): Tx;
export function ownedBy(exec: AnyExecutor, key: number): Executor;
export function ownedBy(exec: AnyExecutor, key: number): Executor {
  const any = anyInstallationOf(exec);
  const own = Object.create(any) as Record<PropertyKey, unknown>;
  Object.defineProperty(own, 'installationId', { value: key });
  Object.defineProperty(own, ANY, { value: any });
  // Looked up at each call, as an inherited method would be.
  if (typeof (any as Partial<AnyDb>).transaction === 'function')
    own.transaction = <T>(fn: (tx: Tx) => Promise<T> | T) =>
      (any as AnyDb).transaction((tx) => fn(ownedBy(tx, key)));
  return own as unknown as Executor;
}

/** The executor across installations that `exec` is one installation's view of (itself, when it is not one). */
export function anyInstallationOf(exec: AnyDb): AnyDb;
export function anyInstallationOf(exec: AnyTx): AnyTx;
export function anyInstallationOf(exec: AnyExecutor): AnyExecutor;
export function anyInstallationOf(exec: AnyExecutor): AnyExecutor {
  return (exec as unknown as Record<symbol, AnyExecutor | undefined>)[ANY] ?? exec;
}

/** The installation an executor stands for; FIRST_INSTALLATION for one across installations. */
export function installationKeyOf(exec: AnyExecutor): number {
  return (exec as Partial<Executor>).installationId ?? FIRST_INSTALLATION;
}

/** The condition keeping a query of `table` to the executor's installation's rows. */
export function own(exec: Executor, table: Keyed): SQL {
  return eq(table.installationId, exec.installationId);
}

/** `row` as the executor's installation writes it. */
export function ownRow<R extends object>(exec: Executor, row: R): R & { installationId: number } {
  return { ...row, installationId: exec.installationId };
}

/** A database's first installation (a token deployment's, the sandbox's, a bench's): `ownedBy` it. */
export function firstInstallationOf(db: AnyDb): Db {
  return ownedBy(db, FIRST_INSTALLATION);
}
