import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';

/** What this version's migrations folder holds: the tag and time of each migration (drizzle-kit's journal). */
export interface JournalEntry {
  tag: string;
  when: number;
}

export function readJournal(folder: string): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

/** What opening a database applied: logged at start, so an upgrade's log says what it changed. */
export interface MigrationsApplied {
  /** The tags of the migrations applied, oldest first; none when the database was current. */
  applied: string[];
  /** How many migrations this version knows. */
  known: number;
}

/** What `npm start` says of the migrations it applied, in its "database ready" line (with the version). */
export function databaseReadyMessage({ applied, known }: MigrationsApplied): string {
  return applied.length > 0
    ? `database ready: applied ${applied.length} of this version's ${known} migrations (${applied.join(', ')})`
    : `database ready: all ${known} of this version's migrations were already applied`;
}

/** The tags of this version's migrations that a database whose newest applied migration dates from `newest` lacks. */
export function pendingTags(entries: readonly JournalEntry[], newest: number | undefined): string[] {
  return entries.filter((entry) => newest === undefined || newest < entry.when).map((entry) => entry.tag);
}

/** The time of the newest migration applied to a SQLite database (drizzle's `__drizzle_migrations`), if any. */
export function newestApplied(sqlite: Database.Database): number | undefined {
  const table = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return undefined;
  const row = sqlite.prepare('select max(created_at) as applied from __drizzle_migrations').get() as {
    applied: number | string | null;
  };
  return row.applied === null ? undefined : Number(row.applied);
}

/**
 * The database was migrated by a newer version of the app than this one (a rollback of the code without the data):
 * this version does not know its newest tables and columns, and drizzle's migrator would carry on regardless.
 */
export class DatabaseNewerError extends Error {
  constructor(path: string, applied: number, known: JournalEntry | undefined) {
    super(
      `The database at ${path} was migrated by a newer version of this app (its latest migration dates from ${new Date(applied).toISOString()}; this version knows migrations up to ${known ? `${known.tag}, ${new Date(known.when).toISOString()}` : 'none'}). Run the newer version again, or restore the backup taken before the upgrade (docs/operations.md, "Upgrade and roll back").`,
    );
    this.name = 'DatabaseNewerError';
  }
}

/**
 * Refuses a database whose applied migrations go past what this version's folder holds. drizzle records each applied
 * migration's journal time (`created_at` in `__drizzle_migrations`) and applies only those newer than the last one, so
 * a database from a newer version is one whose last applied time is later than this version's last migration.
 */
export function refuseNewerDatabase(sqlite: Database.Database, path: string, folder: string): void {
  const newest = newestApplied(sqlite);
  if (newest === undefined) return;
  const applied = newest;
  const entries = readJournal(folder);
  const latest = entries.reduce<JournalEntry | undefined>(
    (a, e) => (a && a.when >= e.when ? a : e),
    undefined,
  );
  if (applied > (latest?.when ?? 0)) throw new DatabaseNewerError(path, applied, latest);
}
