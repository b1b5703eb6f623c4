import { setTimeout as delay } from 'node:timers/promises';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { MigrationsApplied } from '../migrationsCheck.js';
import { inBackground } from '../priority.js';
import { storageRefusalOf } from '../storageErrors.js';
import { asTransactionBody, outsideTransaction } from '../store.js';
import type { AnyDb, AnyTx } from '../types.js';
import { type OutboxBell, outboxBell } from './bell.js';
import { applyPostgresMigrations } from './migrations.js';

export interface PostgresDatabase {
  /** Reads on the pool, and `transaction` on a client of it (the repositories written for both engines). */
  db: AnyDb;
  pool: pg.Pool;
  /** The migrations this open applied (their tags; none when the database was current or another replica did). */
  migrations: MigrationsApplied;
  /** Rows other processes queue in the outbox, heard as they commit (bell.ts): it connects on the first subscriber. */
  bell: OutboxBell;
  close(): Promise<void>;
}

/** How many times a transaction runs at most when Postgres ends it for a deadlock or a serialization failure. */
const RETRIES = 3;

/**
 * Contention as runtime/storageHealth.ts names it (a deadlock, a serialization failure, a lock not available): Postgres rolled the whole transaction back, and running it
 * again is the documented remedy. Two transactions that lock a handoff and its outbox rows in opposite orders (the
 * sweep cancelling a reminder the worker is delivering) can meet so. Transaction bodies only read and write the
 * database (Slack is called by the outbox, after commits), so running one again repeats nothing outside it.
 */
const retryable = (error: unknown) => storageRefusalOf(error)?.contention === true;

/**
 * A pool of the app's (the app's own, the doctor's, the export's): a server that does not answer fails a request
 * after 10 s instead of keeping it (and its Slack ack) forever, and a client's error (the server restarted, the link
 * dropped) is not the process's: without a listener it would end it. The pool listens on idle clients only, and a
 * client in use (inside a transaction) emits it too; the statement in flight fails with the same error, which its
 * caller handles, and the pool drops the client once it is released.
 */
export function appPool(
  url: string,
  opts: {
    max: number;
    name: string;
    options?: string;
    onError?: (error: Error) => void;
    /** Connections of their own for the work that can wait (`RoutedPool` below); none: one pool for all. */
    background?: number;
    /**
     * The app's own connections: they tell the outbox's trigger not to ring its bell (`cosell.bell` = 'app',
     * migrations-pg 0028), since the app rings it itself after its commits (bell.ts `ring`).
     */
    app?: boolean;
  },
): pg.Pool {
  const config = (max: number): pg.PoolConfig => ({
    connectionString: url,
    max,
    // What pg_stat_activity shows for these connections (docs/deploy.md, what to monitor).
    application_name: opts.name,
    connectionTimeoutMillis: 10_000,
    ...(opts.options ? { options: opts.options } : {}),
    // The session's setting for the trigger, before the connection's first user has it: pg-pool awaits its hook
    // (a query sent from the 'connect' event ran beside the user's first, which pg 9 will refuse).
    ...(opts.app
      ? {
          onConnect: (client: pg.ClientBase) =>
            client.query("select set_config('cosell.bell', 'app', false)"),
        }
      : {}),
  });
  const onError = opts.onError ?? (() => {});
  const listen = (pool: pg.Pool) => {
    pool.on('error', onError);
    pool.on('connect', (client) => {
      client.on('error', onError);
    });
    return pool;
  };
  if (!opts.background) return listen(new pg.Pool(config(opts.max)));
  const background = listen(new pg.Pool(config(opts.background)));
  return listen(new RoutedPool(config(opts.max), background));
}

/**
 * The app's pool with a second, smaller one beside it for the work that can wait (db/priority.ts `asBackground`: the
 * outbox's deliveries, the scheduled jobs, what a listener does after its ack). A connection, and a transaction, is
 * taken from the pool of the caller's kind, so a storm of deliveries (each 429 a short transaction of its own) queues
 * on its own connections and a Slack request finds one free. Both pools connect as the app
 * (`application_name` `cosell-handoff`), so the counts in docs/deploy.md hold; `end` ends both. A subclass, so
 * drizzle takes it for a pool (it opens each transaction on a client of it).
 */
class RoutedPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly background: pg.Pool,
  ) {
    super(config);
  }

  // pg's `connect` and `query` overloads (a callback or a promise) pass through as they came.
  override connect(...args: unknown[]): never {
    type Connect = (...a: unknown[]) => never;
    return inBackground()
      ? (this.background.connect as Connect).apply(this.background, args)
      : (super.connect as Connect)(...args);
  }

  override query(...args: unknown[]): never {
    type Query = (...a: unknown[]) => never;
    return inBackground()
      ? (this.background.query as Query).apply(this.background, args)
      : (super.query as Query)(...args);
  }

  override async end(): Promise<void> {
    await Promise.all([super.end(), this.background.end()]);
  }
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
    /** Connections of their own for the work that can wait (`RoutedPool`); unset: one pool for all (the tools). */
    background?: number;
    /** The app's: it rings the outbox's bell itself, so its connections ask the trigger not to (`appPool`). */
    app?: boolean;
    /** A client's connection failed (the server restarted): the pool drops it and connects anew when asked. */
    onConnectionError?: (error: Error) => void;
  } = {},
): Promise<PostgresDatabase> {
  const pool = appPool(url, {
    max: opts.max ?? 10,
    name: 'cosell-handoff',
    ...(opts.background ? { background: opts.background } : {}),
    ...(opts.app ? { app: true } : {}),
    ...(opts.onConnectionError ? { onError: opts.onConnectionError } : {}),
  });
  let migrations: MigrationsApplied;
  try {
    const client = await pool.connect();
    try {
      const { tags, known } = await applyPostgresMigrations(client, url);
      migrations = { applied: tags, known };
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  // Without the schema: drizzle builds a relational query builder for every table in each transaction it opens, and
  // the app uses none (its queries name their tables).
  const postgres = drizzle(pool);
  // drizzle's own, kept before `transaction` below takes its name on the same object.
  const begin = postgres.transaction.bind(postgres);
  const transaction = async <T>(fn: (tx: AnyTx) => Promise<T> | T): Promise<T> => {
    outsideTransaction('A transaction');
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await begin((tx) => asTransactionBody(() => fn(tx as unknown as AnyTx)));
      } catch (error) {
        if (attempt >= RETRIES || !retryable(error)) throw error;
        // Postgres rolled it back whole: run it again, a little later, so the two do not meet the same way.
        await delay(5 * attempt + Math.random() * 10 * attempt);
      }
    }
  };
  // The type is SQLite's (db/engine.ts explains why a Postgres table passes for its twin); `$client` is the pool.
  const db = Object.assign(postgres as unknown as AnyDb, { transaction });
  const bell = outboxBell(url, opts.onConnectionError ? { onLost: opts.onConnectionError } : {});
  const close = async () => {
    await bell.close();
    await pool.end();
  };
  return { db, pool, migrations, bell, close };
}
