import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { type AppDatabase, checkWritable, MIGRATIONS_FOLDER } from './client.js';
import { readJournal, refuseNewerDatabase } from './migrationsCheck.js';
import { DatabaseNeedsMigrationError, pendingMigrations } from './readOnly.js';
import * as schema from './schema.js';
import { sqliteStore } from './store.js';

/**
 * An existing database opened by a command that writes a few rows beside the app (`npm run config -- import
 * --apply`): neither created nor migrated (only the app migrates it; one that needs it is refused with
 * DatabaseNeedsMigrationError, one a newer version migrated with DatabaseNewerError), and no lock taken. The app may
 * run on it: its one short transaction takes turns with the app's through SQLite's own locking (BEGIN IMMEDIATE and
 * a busy timeout), and the app's WAL journal mode, kept in the file, is left as it is.
 */
export function openDatabaseToEdit(path: string): AppDatabase {
  checkWritable(path);
  const sqlite = new Database(path, { fileMustExist: true, timeout: 5000 });
  try {
    sqlite.pragma('foreign_keys = ON');
    refuseNewerDatabase(sqlite, path, MIGRATIONS_FOLDER);
    const pending = pendingMigrations(sqlite);
    if (pending > 0) throw new DatabaseNeedsMigrationError(path, pending);
    // One connection reads and writes: the command does one thing at a time.
    const db = sqliteStore(drizzle(sqlite, { schema }), drizzle(sqlite, { schema }));
    return {
      db,
      sqlite,
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
