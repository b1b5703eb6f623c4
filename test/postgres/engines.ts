import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { type AppDatabase, openDatabase } from '../../src/db/client.js';
import * as pgSchema from '../../src/db/pg/schema.js';
import { createDatabase } from '../support/postgres.js';

/** drizzle-kit's output for Postgres (drizzle.pg.config.ts). */
export const PG_MIGRATIONS_FOLDER = join(import.meta.dirname, '..', '..', 'migrations-pg');

export interface PgDatabase {
  db: NodePgDatabase<typeof pgSchema>;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

/** A new database on the run's server (named after the test file), with the Postgres migrations applied. */
export async function openPostgres(name: string): Promise<PgDatabase> {
  const url = await createDatabase(name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const db = drizzle(pool, { schema: pgSchema });
  await migrate(db, { migrationsFolder: PG_MIGRATIONS_FOLDER });
  return { db, pool, url, close: () => pool.end() };
}

/** A SQLite file migrated by the app's own openDatabase (src/db/client.ts), in a folder removed by `close()`. */
export function openSqlite(): AppDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'pg-parity-'));
  const database = openDatabase(join(dir, 'handoff.db'));
  return {
    ...database,
    close: () => {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
