import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import {
  type MigrationsApplied,
  newestApplied,
  pendingTags,
  readJournal,
  refuseNewerDatabase,
} from './migrationsCheck.js';
import { createPrivateFileIfMissing, makePrivateFolder } from './privateFiles.js';
import * as schema from './schema.js';
import { isStorageOutage, probeSqlite, sqliteErrorOf } from './storageErrors.js';
import { sqliteStore } from './store.js';
import type { AnyDb } from './types.js';

export type { AnyDb, AnyExecutor, AnyTx, Db, Executor, Tx } from './types.js';

export interface AppDatabase {
  db: AnyDb;
  /** The writing connection (migrations, checkpoints, backups, the health probe). */
  sqlite: Database.Database;
  /** The migrations this open applied (their tags, oldest first; none when the file was current), of `known`. */
  migrations: MigrationsApplied;
  close(): void;
}

/** drizzle-kit output, at the project root both from src/ (tests) and dist/ (production). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * drizzle prepares each query's SQL anew, and SQLite's prepare is most of what a small query costs. The app runs a
 * fixed set of queries, so statements are kept by their SQL text (at most `max`, oldest dropped first) and handed
 * out again whenever they are not in the middle of an iteration.
 */
function cacheStatements(sqlite: Database.Database, max = 1000): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const hit = cache.get(source);
    // drizzle switches statements to raw mode when it maps columns itself: hand them out in the default mode.
    if (hit && !hit.busy) return hit.reader ? hit.raw(false) : hit;
    const statement = prepare(source);
    if (!hit) {
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}

/** The database cannot be opened for writing: the start stops with this message (what failed, and what to check). */
export class DatabaseUnwritableError extends Error {
  constructor(path: string, problem: string) {
    super(
      `The database at ${path} cannot be written: ${problem}. Check that the disk has space and that the file, its directory and its -wal and -shm files are writable by the user running the app.`,
    );
    this.name = 'DatabaseUnwritableError';
  }
}

/**
 * The files SQLite writes must be writable before it opens them: a read-only `-shm` is mapped into memory and the
 * process then dies of SIGBUS without a word, and a read-only database file is opened read-only without complaint.
 */
export function checkWritable(path: string): void {
  if (path === ':memory:') return;
  for (const file of [dirname(path), path, `${path}-wal`, `${path}-shm`]) {
    if (!existsSync(file)) continue;
    try {
      accessSync(file, constants.W_OK);
    } catch {
      throw new DatabaseUnwritableError(path, `${file} is not writable`);
    }
  }
}

/**
 * Opens (creating if needed) the SQLite file, sets the pragmas, applies pending migrations and makes one real write:
 * a database the app cannot write stops the start with a readable message instead of failing every click later.
 */
export function openDatabase(path: string): AppDatabase {
  if (path !== ':memory:') {
    makePrivateFolder(dirname(path));
    checkWritable(path);
    // 0600 whatever the umask; SQLite gives the -wal and -shm the database file's own mode (db/privateFiles.ts).
    createPrivateFileIfMissing(path);
  }
  const sqlite = new Database(path);
  let reader: Database.Database | undefined;
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    // What is deleted or rewritten is overwritten with zeros in the file, not left in free space: data retention and an
    // erasure on request leave no readable trace (a little more writing for each delete).
    sqlite.pragma('secure_delete = ON');
    cacheStatements(sqlite);
    const writer = drizzle(sqlite, { schema });
    refuseNewerDatabase(sqlite, path, MIGRATIONS_FOLDER);
    const journal = readJournal(MIGRATIONS_FOLDER);
    const migrations = { applied: pendingTags(journal, newestApplied(sqlite)), known: journal.length };
    // drizzle's migrator reads and hashes every migration file even when none is pending (as drizzle's own check,
    // pendingTags applies only those newer than the newest applied).
    if (migrations.applied.length > 0) migrate(writer, { migrationsFolder: MIGRATIONS_FOLDER });
    probeSqlite(sqlite, new Date());
    reader = path === ':memory:' ? sqlite : new Database(path, { readonly: true, fileMustExist: true });
    if (reader !== sqlite) {
      reader.pragma('busy_timeout = 5000');
      cacheStatements(reader);
    }
    const db = sqliteStore(writer, drizzle(reader, { schema }));
    const opened = reader;
    return {
      db,
      sqlite,
      migrations,
      close: () => {
        if (opened.open) opened.close();
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (error) {
    if (reader?.open && reader !== sqlite) reader.close();
    sqlite.close();
    const sqliteError = sqliteErrorOf(error);
    if (sqliteError && isStorageOutage(sqliteError))
      throw new DatabaseUnwritableError(path, `${sqliteError.code}: ${sqliteError.message}`);
    throw error;
  }
}
