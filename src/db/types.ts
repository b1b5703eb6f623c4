import type Database from 'better-sqlite3';
import type { RunResult } from 'better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

/** The database or a transaction: repositories accept either (reads outside a transaction, writes inside one). */
export type Executor = Omit<BaseSQLiteDatabase<'sync', RunResult, typeof schema>, 'transaction'>;

declare const writes: unique symbol;
/** A transaction's executor: the only one writes take (the database outside a transaction only reads). */
export type Tx = Executor & { readonly [writes]: true };

/**
 * The app's database: reads outside a transaction, and `transaction` for every write (see db/store.ts: on SQLite, a
 * read-only connection for the reads and one writing connection whose transactions take turns).
 */
export type Db = Executor & {
  /** The connection the reads outside a transaction use. */
  $client: Database.Database;
  /** Runs `fn` in one transaction, after any other transaction of this process: committed when it resolves. */
  transaction<T>(fn: (tx: Tx) => Promise<T> | T): Promise<T>;
};
