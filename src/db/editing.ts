import Database from 'better-sqlite3';
import { type AppDatabase, checkWritable } from './client.js';
import { openExisting } from './readOnly.js';
import { sqliteStore } from './store.js';

/**
 * An existing database opened by a command that writes a few rows beside the app (`npm run config -- import
 * --apply`): as readOnly.ts's `openExisting` says (not created, not migrated, refused when it needs migrating or a
 * newer version migrated it), and no lock taken. The app may run on it: its one short transaction takes turns with
 * the app's through SQLite's own locking (BEGIN IMMEDIATE and a busy timeout), and the app's WAL journal mode, kept in
 * the file, is left as it is. One connection reads and writes: the command does one thing at a time.
 */
export function openDatabaseToEdit(path: string): AppDatabase {
  checkWritable(path);
  return openExisting(
    path,
    new Database(path, { fileMustExist: true, timeout: 5000 }),
    'foreign_keys = ON',
    (db) => sqliteStore(db, db),
  );
}
