import { setTimeout as delay } from 'node:timers/promises';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { asTransactionBody, outsideTransaction } from '../store.js';
import type { Db, Tx } from '../types.js';
import { applyPostgresMigrations } from './migrations.js';
import * as pgSchema from './schema.js';

export interface PostgresDatabase {
  /** Reads on the pool, and `transaction` on a client of it (the repositories written for both engines). */
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * A Postgres database for the repositories written for both engines (db/engine.ts): a pool on `url`, its migrations
 * applied (refusing a database a newer version migrated). Each transaction runs on its own client of the pool, so
 * transactions of one process run side by side, as those of several replicas do; the guarded updates keep them
 * apart. A transaction started inside one is refused, as on SQLite (it would hold a second client while waiting).
 * What the app starts on when DATABASE_URL is set (db/storage.ts).
 */
/** How many times a transaction runs at most when Postgres ends it for a deadlock or a serialization failure. */
const RETRIES = 3;

/**
 * A deadlock (40P01) or a serialization failure (40001): Postgres rolled the whole transaction back, and running it
 * again is the documented remedy. Two transactions that lock a handoff and its outbox rows in opposite orders (the
 * sweep cancelling a reminder the worker is delivering) can meet so. Transaction bodies only read and write the
 * database (Slack is called by the outbox, after commits), so running one again repeats nothing outside it.
 */
function retryable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}

export async function openPostgresDatabase(
  url: string,
  opts: {
    max?: number;
    /** A client's connection failed (the server restarted): the pool drops it and connects anew when asked. */
    onConnectionError?: (error: Error) => void;
  } = {},
): Promise<PostgresDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    // What pg_stat_activity shows for the app's connections (docs/deploy.md, what to monitor).
    application_name: 'cosell-handoff',
    // A server that does not answer fails the request after this, instead of keeping it (and its Slack ack) forever.
    connectionTimeoutMillis: 10_000,
  });
  // Without a listener, a client's error (the server restarted, the link dropped) would end the process: the pool
  // listens on idle clients only, and a client in use (inside a transaction) emits it too. The statement in flight
  // fails with the same error, which its caller handles; the pool drops the client once it is released.
  const onError = opts.onConnectionError ?? (() => {});
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  try {
    const client = await pool.connect();
    try {
      await applyPostgresMigrations(client, url);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  const postgres = drizzle(pool, { schema: pgSchema });
  // drizzle's own, kept before `transaction` below takes its name on the same object.
  const begin = postgres.transaction.bind(postgres);
  const transaction = async <T>(fn: (tx: Tx) => Promise<T> | T): Promise<T> => {
    outsideTransaction('A transaction');
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await begin((tx) => asTransactionBody(() => fn(tx as unknown as Tx)));
      } catch (error) {
        if (attempt >= RETRIES || !retryable(error)) throw error;
        // Postgres rolled it back whole: run it again, a little later, so the two do not meet the same way.
        await delay(5 * attempt + Math.random() * 10 * attempt);
      }
    }
  };
  // The type is SQLite's (db/engine.ts explains why a Postgres table passes for its twin); `$client` is the pool.
  const db = Object.assign(postgres as unknown as Db, { transaction });
  return { db, pool, close: () => pool.end() };
}
