import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { AnyDb, AnyExecutor } from '../types.js';
import { migrationState } from './migrations.js';
import { appPool } from './store.js';

/** A Postgres database for reading only (`npm run doctor`, `npm run export`): never migrated, and unable to write. */
export interface PostgresReadOnly {
  db: AnyDb;
  pool: pg.Pool;
  /** This version's migrations the database has not had, and whether a newer version migrated it. */
  migrations: { pending: number; newer: boolean; known: number };
  close(): Promise<void>;
}

/**
 * Opens the Postgres database at `url` to read: every transaction of its connections is read-only
 * (`default_transaction_read_only`), so nothing it runs can write, whatever a bug asks. The migrations are compared,
 * not applied: the caller says what a pending or newer one means. Throws node-postgres's error when the server
 * cannot be reached.
 */
export async function openPostgresReadOnly(url: string): Promise<PostgresReadOnly> {
  const pool = appPool(url, {
    max: 2,
    name: 'cosell-handoff (read-only)',
    options: '-c default_transaction_read_only=on',
  });
  try {
    const migrations = await migrationState(pool);
    // Typed as SQLite's, as in pg/store.ts (db/engine.ts says why); no transaction to give.
    const transaction = () => Promise.reject(new Error('This database was opened for reading only.'));
    const db = Object.assign(drizzle(pool) as unknown as AnyDb, { transaction });
    return { db, pool, migrations, close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * Runs `read` on one snapshot of the database (a REPEATABLE READ, read-only transaction on one client): reads beside
 * a running app all see the same moment, as the export's SQLite read transaction does.
 */
export async function readSnapshot<T>(
  opened: PostgresReadOnly,
  read: (db: AnyExecutor) => Promise<T>,
): Promise<T> {
  const client = await opened.pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    try {
      return await read(drizzle(client) as unknown as AnyExecutor);
    } finally {
      await client.query('commit');
    }
  } finally {
    client.release();
  }
}
