import { existsSync, readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { type AppDatabase, MIGRATIONS_FOLDER } from './client.js';
import { readJournal, refuseNewerDatabase } from './migrationsCheck.js';
import * as schema from './schema.js';
import { readOnlyStore } from './store.js';

/**
 * The database opened for reading only, by `npm run export` (the app itself opens it with client.ts's
 * openDatabase, which migrates and writes).
 */

/** The database lacks migrations this version of the app has; only the app applies them (`openDatabase`). */
export class DatabaseNeedsMigrationError extends Error {
  constructor(
    readonly path: string,
    /** How many of this version's migrations the database has not had. */
    readonly pending: number,
  ) {
    super(
      `The database at ${path} needs migrating (${pending} migration${pending === 1 ? ' of this version is' : 's of this version are'} not applied): start the app on it once (npm start) to apply them.`,
    );
    this.name = 'DatabaseNeedsMigrationError';
  }
}

/**
 * How many of the migrations in `folder` the database has not had, read as drizzle's migrator decides it (a
 * migration is applied when the newest one recorded in `__drizzle_migrations` is not older than it), without
 * creating that table or writing anything.
 */
export function pendingMigrations(sqlite: Database.Database, folder = MIGRATIONS_FOLDER): number {
  const entries = readJournal(folder);
  const recorded = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  const newest = recorded
    ? (sqlite.prepare('select max(created_at) as at from __drizzle_migrations').get() as { at: unknown }).at
    : null;
  return entries.filter((entry) => newest === null || Number(newest) < entry.when).length;
}

/** A file's identity and last change: equal before and after a read, nothing wrote it in between. */
function unchanged(before: ReturnType<typeof statFile>, after: ReturnType<typeof statFile>): boolean {
  return (
    before.dev === after.dev &&
    before.ino === after.ino &&
    before.size === after.size &&
    before.mtimeNs === after.mtimeNs &&
    before.ctimeNs === after.ctimeNs
  );
}
const statFile = (path: string) => statSync(path, { bigint: true });

/** No -wal (and no rollback journal) beside the database: then the file alone is the whole database. */
const alone = (path: string) => !existsSync(`${path}-wal`) && !existsSync(`${path}-journal`);

/**
 * The read-only connection. SQLite itself, even read-only, creates a -wal and a -shm beside a WAL-mode database that
 * has none (and leaves them, owned by whoever ran it), and cannot open it at all in a folder it may not write. So:
 * - No -wal beside the file (no app has it open: a running app always has its -wal; nor did one crash with work in
 *   it): the file alone is the whole database. It is read into memory and opened there, with its header's file
 *   format set from WAL (2) to rollback (1), as SQLite's sqlite3_deserialize requires; nothing on disk is opened by
 *   SQLite, locked or written. If the file changed while it was read, or a -wal appeared (an app started meanwhile),
 *   the copy is not used.
 * - Otherwise (an app running, or its crash's -wal waiting): SQLite opens the file read-only and reads the -wal
 *   through the -shm index like any reader, so what the app committed and has not yet checkpointed is read too. It
 *   writes neither the database nor the -wal; it writes the -shm only when it may (shared memory readers use), and
 *   reads -wal and -shm files it may not write as they are (SQLite's read-only WAL support).
 * (better-sqlite3 opens no URIs, so SQLite's `immutable` and `readonly_shm` options are out of reach.)
 */
function readOnlyConnection(path: string): Database.Database {
  if (alone(path)) {
    const before = statFile(path);
    const image = readFileSync(path);
    if (alone(path) && unchanged(before, statFile(path))) {
      if (image.length >= 20) {
        if (image[18] === 2) image[18] = 1;
        if (image[19] === 2) image[19] = 1;
      }
      return new Database(image, { readonly: true });
    }
  }
  return new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
}

/**
 * An existing database opened beside the app, by a command: neither created nor migrated here (only the app
 * migrates: one a newer version migrated is refused with DatabaseNewerError, one that lacks this version's migrations
 * with DatabaseNeedsMigrationError). `pragma` says how the connection is used; `storeOf` makes its store.
 */
export function openExisting(
  path: string,
  sqlite: Database.Database,
  pragma: string,
  storeOf: (db: ReturnType<typeof drizzle<typeof schema>>) => AppDatabase['db'],
): AppDatabase {
  try {
    sqlite.pragma(pragma);
    refuseNewerDatabase(sqlite, path, MIGRATIONS_FOLDER);
    const pending = pendingMigrations(sqlite);
    if (pending > 0) throw new DatabaseNeedsMigrationError(path, pending);
    return {
      db: storeOf(drizzle(sqlite, { schema })),
      sqlite,
      // Nothing applied (a database that lacked any was refused above).
      migrations: { applied: [], known: readJournal(MIGRATIONS_FOLDER).length },
      close: () => {
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/**
 * Opens an existing database for reading only (`npm run export`): no migration, no health probe, no pragma that
 * writes, and no file changed or created beside it (see readOnlyConnection). SQLite's own errors (not a database, a
 * -wal without its -shm in a folder it may not write) are thrown as they are. The app uses openDatabase.
 */
export function openDatabaseReadOnly(path: string): AppDatabase {
  return openExisting(path, readOnlyConnection(path), 'query_only = ON', readOnlyStore);
}
