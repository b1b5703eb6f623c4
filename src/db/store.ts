import { AsyncLocalStorage } from 'node:async_hooks';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as schema from './schema.js';
import type { AnyDb, AnyTx } from './types.js';

/**
 * Transactions that can wait: the repositories are asynchronous so that a Postgres pool can stand behind
 * them, and a transaction's body awaits them. On SQLite, whose one writing connection has one transaction at a time,
 * that brings two hazards the synchronous code never had, and this module removes both:
 * - while a transaction's body awaits, another request's statements could run on the same connection, inside it
 *   (and be rolled back with it). So transactions take turns (an async mutex; `BEGIN IMMEDIATE` once it is held),
 *   and reads outside a transaction use a second, read-only connection, which sees only what is committed (WAL), as a
 *   second client of a Postgres pool would.
 * - a transaction that waits for another of the same process never ends. A transaction started inside one is refused
 *   at once, and in the tests a read through the read-only connection inside one fails too (it would not see the
 *   transaction's own writes): the transaction's executor must be passed down.
 */
const open = new AsyncLocalStorage<{ open: boolean }>();

/** Refuses what cannot work inside a transaction (see above). */
export function outsideTransaction(what: string): void {
  if (open.getStore()?.open)
    throw new Error(`${what} inside a transaction: pass the transaction's executor down`);
}

/** Runs `fn` as the body of a transaction: a transaction started inside it is refused (see above). */
export async function asTransactionBody<T>(fn: () => Promise<T> | T): Promise<T> {
  const scope = { open: true };
  try {
    return await open.run(scope, fn);
  } finally {
    scope.open = false;
  }
}

/**
 * Where a read outside a transaction may run instead of the read-only connection: the writing connection, while no
 * transaction is open on it (store.ts `sqliteStore`). The read-only connection's page cache is dropped whenever the
 * writer commits, which under load is every few milliseconds, so each of its reads starts cold; the writer's stays
 * warm. Asked at the moment of the read: better-sqlite3 runs a statement synchronously, so no transaction can begin
 * or commit between the check and the read, and a read never sees a transaction's uncommitted writes.
 */
const IDLE_WRITER = Symbol('idle writer');

const COMPACT = Symbol('compact');

/**
 * Rewrites the SQLite file whole and empties its WAL (`VACUUM`, then a truncating checkpoint), so that nothing removed
 * can be read back from the file (issue 57's erasure). Nothing on Postgres, where that takes a VACUUM FULL of each
 * table touched, which locks it against the app (the erasure's report says so: erasure/unreachable.ts), or on a
 * database opened for reading. Blocks this process's writes while it runs: a second or so for 100 MB.
 */
export async function compactFile(exec: object): Promise<boolean> {
  const compact = (exec as { [COMPACT]?: () => Promise<void> })[COMPACT];
  if (!compact) return false;
  await compact();
  return true;
}

/** The writing connection when it has no transaction open (see IDLE_WRITER); undefined otherwise, or on Postgres. */
export function idleWriterOf(exec: object): object | undefined {
  return (exec as { [IDLE_WRITER]?: () => object | undefined })[IDLE_WRITER]?.();
}

/** Whether the tests run (vitest): a read outside the transaction from inside one is then an error, not a stale read. */
const strict = process.env.VITEST !== undefined;

type Drizzle = BetterSQLite3Database<typeof schema> & { $client: import('better-sqlite3').Database };

/** The SQLite database: `reader` for reads outside a transaction, `writer` inside `transaction`, one at a time. */
export function sqliteStore(writer: Drizzle, reader: Drizzle): AnyDb {
  let tail: Promise<void> = Promise.resolve();
  const connection = writer.$client;
  const begin = connection.prepare('BEGIN IMMEDIATE');
  const commit = connection.prepare('COMMIT');
  const rollback = connection.prepare('ROLLBACK');
  async function transaction<T>(fn: (tx: AnyTx) => Promise<T> | T): Promise<T> {
    outsideTransaction('A transaction');
    const before = tail;
    let release!: () => void;
    tail = new Promise((resolve) => {
      release = resolve;
    });
    await before;
    const scope = { open: true };
    try {
      begin.run();
      try {
        const result = await open.run(scope, () => fn(writer as unknown as AnyTx));
        commit.run();
        return result;
      } catch (error) {
        if (connection.inTransaction) rollback.run();
        throw error;
      }
    } finally {
      scope.open = false;
      release();
    }
  }
  Object.defineProperty(reader, IDLE_WRITER, {
    value: () => (connection.inTransaction ? undefined : writer),
  });
  // After an erasure: the file rewritten whole (VACUUM), so no earlier version of a row stays in a page's free space,
  // and the WAL emptied. Queued behind the transactions, as one of them.
  Object.defineProperty(reader, COMPACT, {
    value: async () => {
      const before = tail;
      let release!: () => void;
      tail = new Promise((resolve) => {
        release = resolve;
      });
      await before;
      try {
        connection.exec('VACUUM');
        connection.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        release();
      }
    },
  });
  const guarded = strict
    ? new Proxy(reader, {
        get(target, property, receiver) {
          if (property !== 'transaction')
            outsideTransaction('A read through the database (not the transaction)');
          return Reflect.get(target, property, receiver);
        },
      })
    : reader;
  return Object.assign(guarded as unknown as AnyDb, { transaction });
}

/** A database opened for reading only (`npm run export`, the doctor): it has no transaction to give. */
export function readOnlyStore(reader: Drizzle): AnyDb {
  const transaction = () => Promise.reject(new Error('This database was opened for reading only.'));
  return Object.assign(reader as unknown as AnyDb, { transaction });
}
