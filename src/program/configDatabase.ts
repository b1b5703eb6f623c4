import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { DatabaseUnwritableError } from '../db/client.js';
import { openDatabaseToEdit } from '../db/editing.js';
import { DatabaseNewerError } from '../db/migrationsCheck.js';
import { openPostgresReadOnly } from '../db/pg/readOnly.js';
import { openPostgresDatabase } from '../db/pg/store.js';
import { DatabaseNeedsMigrationError, openDatabaseReadOnly } from '../db/readOnly.js';
import { redactedUrl } from '../db/storage.js';
import type { AnyDb } from '../db/types.js';

/**
 * The database `npm run config` reads and writes, opened as the other commands open it (`npm run export`): the SQLite
 * file at DATABASE_PATH, or Postgres at DATABASE_URL; never created or migrated (the app migrates when it starts), and
 * refused, in one line, when it needs migrating or a newer version migrated it. Only `import --apply` opens it to
 * write; everything else reads it as the export does. No lock is taken: the app may run, and it rereads the program
 * within seconds of an import.
 */
export interface ConfigDatabase {
  db: AnyDb;
  /** Where the program is, for the messages: the file, or the server and database (never the password). */
  where: string;
  close(): Promise<void>;
}

/** The database cannot be used, said for the person running the command (exit code 1). */
export class ConfigDatabaseRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigDatabaseRefusal';
  }
}

const AGAIN = 'then run this command again';

function sqliteRefusal(path: string, error: unknown): never {
  if (error instanceof DatabaseNeedsMigrationError)
    throw new ConfigDatabaseRefusal(
      `The database at ${path} needs migrating (${error.pending} of this version's migrations not applied): start the app on it once (npm start), ${AGAIN}.`,
    );
  if (error instanceof DatabaseNewerError || error instanceof DatabaseUnwritableError)
    throw new ConfigDatabaseRefusal(error.message);
  if (error instanceof Database.SqliteError)
    throw new ConfigDatabaseRefusal(
      `Could not open the database at ${path}: ${error.message} (${error.code}).`,
    );
  throw error;
}

function openSqlite(path: string, write: boolean): ConfigDatabase {
  if (!existsSync(path)) throw new ConfigDatabaseRefusal(`There is no database at ${path} (DATABASE_PATH).`);
  try {
    const database = write ? openDatabaseToEdit(path) : openDatabaseReadOnly(path);
    return { db: database.db, where: path, close: async () => database.close() };
  } catch (error) {
    sqliteRefusal(path, error);
  }
}

async function openPostgres(url: string, write: boolean): Promise<ConfigDatabase> {
  const where = redactedUrl(url);
  const unreachable = (error: unknown) =>
    new ConfigDatabaseRefusal(`Could not reach the Postgres database ${where}: ${(error as Error).message}.`);
  const reader = await openPostgresReadOnly(url).catch((error: unknown) => {
    throw unreachable(error);
  });
  const { pending, newer } = reader.migrations;
  if (newer || pending > 0 || !write) {
    if (!newer && pending === 0) return { db: reader.db, where, close: reader.close };
    await reader.close();
    throw new ConfigDatabaseRefusal(
      newer
        ? `The Postgres database ${where} was migrated by a newer version of this app: run this command with that version.`
        : `The Postgres database ${where} needs migrating (${pending} of this version's migrations not applied): start the app on it once (npm start), ${AGAIN}.`,
    );
  }
  await reader.close();
  // Current (checked above): opening it to write applies no migration.
  const writer = await openPostgresDatabase(url, { max: 2 }).catch((error: unknown) => {
    throw unreachable(error);
  });
  return { db: writer.db, where, close: writer.close };
}

/** Opens the program's database named by the settings (`env`): to read, or to write when `write`. */
export async function openConfigDatabase(
  env: NodeJS.ProcessEnv,
  opts: { write: boolean },
): Promise<ConfigDatabase> {
  const url = env.DATABASE_URL?.trim();
  if (url) return openPostgres(url, opts.write);
  return openSqlite(env.DATABASE_PATH?.trim() || './data/handoff.db', opts.write);
}
