import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { pendingTags, readJournal } from '../migrationsCheck.js';
import { PostgresNewerError, PostgresUnavailableError } from './moveErrors.js';

/** drizzle-kit's output for Postgres (drizzle.pg.config.ts), at the project root both from src/ and dist/. */
export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations-pg', import.meta.url));

/** The migrations recorded in the database by drizzle's migrator (its default table), newest time last. */
async function recorded(client: pg.Client | pg.Pool): Promise<number[]> {
  const table = await client.query<{ present: boolean }>(
    "select to_regclass('drizzle.__drizzle_migrations') is not null as present",
  );
  if (!table.rows[0]?.present) return [];
  const rows = await client.query<{ created_at: string | null }>(
    'select created_at from drizzle.__drizzle_migrations order by created_at',
  );
  return rows.rows.map((row) => Number(row.created_at ?? 0));
}

/**
 * Applies migrations-pg/ with drizzle's node-postgres migrator (each run in one transaction of its own, kept), after
 * refusing a database migrated by a newer version: drizzle applies only migrations newer than the last one recorded,
 * so it would carry on silently on a schema this version does not know (as src/db/migrationsCheck.ts does for SQLite).
 * Under an advisory lock, so that processes starting at once apply them once. Returns how many migrations this run
 * applied, and how many this version has.
 */
export async function applyPostgresMigrations(
  client: pg.Client,
  target: string,
): Promise<{ applied: number; known: number; tags: string[] }> {
  // Replicas starting together take turns: the second sees the first's migrations done and applies nothing.
  await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    return await migrateOnce(client, target);
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
}

/** The advisory lock key the migrations are applied under (any fixed number no other code of the app takes). */
const MIGRATION_LOCK = 7_340_021;

async function migrateOnce(
  client: pg.Client,
  target: string,
): Promise<{ applied: number; known: number; tags: string[] }> {
  const entries = readJournal(PG_MIGRATIONS_FOLDER);
  const latest = Math.max(0, ...entries.map((entry) => entry.when));
  const before = await recorded(client);
  const newest = before.at(-1) ?? 0;
  if (newest > latest) throw new PostgresNewerError(target, newest, latest);
  try {
    await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_FOLDER });
  } catch (error) {
    throw new PostgresUnavailableError(target, "apply this version's Postgres migrations", error);
  }
  const after = await recorded(client);
  // What this start applied: the journal's entries newer than the newest applied before it (a second replica: none).
  const tags = after.length > before.length ? pendingTags(entries, before.at(-1)) : [];
  return { applied: after.length - before.length, known: entries.length, tags };
}

/**
 * How the database's migrations compare with this version's, without writing anything (the doctor, the export):
 * `pending` of this version's not applied, or `newer` when a newer version migrated it.
 */
export async function migrationState(
  client: pg.Client | pg.Pool,
): Promise<{ pending: number; newer: boolean; known: number }> {
  const entries = readJournal(PG_MIGRATIONS_FOLDER);
  const newest = (await recorded(client)).at(-1);
  const latest = Math.max(0, ...entries.map((entry) => entry.when));
  return {
    pending: entries.filter((entry) => newest === undefined || newest < entry.when).length,
    newer: newest !== undefined && newest > latest,
    known: entries.length,
  };
}
