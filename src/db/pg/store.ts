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
  const transaction = <T>(fn: (tx: Tx) => Promise<T> | T): Promise<T> => {
    outsideTransaction('A transaction');
    return begin((tx) => asTransactionBody(() => fn(tx as unknown as Tx)));
  };
  // The type is SQLite's (db/engine.ts explains why a Postgres table passes for its twin); `$client` is the pool.
  const db = Object.assign(postgres as unknown as Db, { transaction });
  return { db, pool, close: () => pool.end() };
}
