import type Database from 'better-sqlite3';
import type { RunResult } from 'better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

/** drizzle's database or transaction, across installations: its queries name none unless they say so. */
export type AnyExecutor = Omit<BaseSQLiteDatabase<'sync', RunResult, typeof schema>, 'transaction'>;

/**
 * The database or a transaction of one installation: repositories accept either (reads outside a transaction, writes
 * inside one), and name `installationId` in every query they build (db/owned.ts). A statement prepared once for every
 * installation is built on one whose `installationId` is the placeholder each run binds (db/prepared.ts).
 */
export type Executor = AnyExecutor & { readonly installationId: number };

declare const writes: unique symbol;
/** A transaction's executor: the only one writes take (the database outside a transaction only reads). */
export type Tx = Executor & { readonly [writes]: true };
/** A transaction across installations (the command-line tools, the install router, the migrations' own writes). */
export type AnyTx = AnyExecutor & { readonly [writes]: true };

/** What a database gives besides its queries. */
interface Transactions<T> {
  /** The connection the reads outside a transaction use. */
  $client: Database.Database;
  /** Runs `fn` in one transaction, after any other transaction of this process: committed when it resolves. */
  transaction<R>(fn: (tx: T) => Promise<R> | R): Promise<R>;
}

/**
 * The app's database, as one installation sees it: reads outside a transaction, and `transaction` for every write
 * (see db/store.ts: on SQLite, a read-only connection for the reads and one writing connection whose transactions take
 * turns).
 */
export type Db = Executor & Transactions<Tx>;

/** The database across installations: what opening it gives (db/storage.ts), and what `ownedBy` keys. */
export type AnyDb = AnyExecutor & Transactions<AnyTx>;
