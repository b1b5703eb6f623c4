import type { Logger } from '../logger.js';
import type { AppDatabase } from './client.js';
import type { MigrationsApplied } from './migrationsCheck.js';
import type { OutboxBell } from './pg/bell.js';
import { PostgresNewerError } from './pg/moveErrors.js';
import { openPostgresDatabase } from './pg/store.js';
import { PG_PROBE_SQL, probeSqlite, type StorageProbe } from './storageErrors.js';
import type { AnyDb } from './types.js';

/**
 * The database the app runs on, whichever engine: SQLite's file by default, Postgres when DATABASE_URL is
 * set. The repositories are the one seam between the engines (db/engine.ts); what the app needs beyond them is here:
 * the health probe's write, and closing.
 */
export interface AppStorage extends StorageProbe {
  engine: 'sqlite' | 'postgres';
  db: AnyDb;
  /** Where the data is, for logs and messages: the file, or the server and database (never the password). */
  where: string;
  /** The migrations opening it applied (logged at start). */
  migrations: MigrationsApplied;
  /** Postgres: rows other processes queue in the outbox, heard as they commit (db/pg/bell.ts). */
  bell?: OutboxBell;
  close(): Promise<void>;
}

/** A SQLite database opened by openDatabase (db/client.ts), as the app's storage. */
export function sqliteStorage(database: AppDatabase): AppStorage & { database: AppDatabase } {
  const { sqlite } = database;
  return {
    database,
    engine: 'sqlite',
    db: database.db,
    where: sqlite.name,
    migrations: database.migrations,
    probe: async (at) => probeSqlite(sqlite, at),
    busy: () => sqlite.inTransaction,
    close: async () => database.close(),
  };
}

/** DATABASE_URL without its password (and query), for logs and messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return 'the DATABASE_URL given';
  }
}

/** The app cannot start on the Postgres database: what failed, and what to check. */
export class PostgresStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresStartError';
  }
}

/**
 * The app's connections to Postgres, per process: 7 for Slack's requests and 3 of their own for the work that can
 * wait (the outbox, the scheduled jobs: db/priority.ts), so a backlog of deliveries never holds the connection an
 * Accept needs within Slack's 3 s. Ten in all, as before the split (docs/deploy.md).
 */
export const APP_CONNECTIONS = { requests: 7, background: 3 } as const;

/**
 * Opens the Postgres database at `url` for the app: its pools, this version's migrations applied, one real write. A
 * server that cannot be reached, a database a newer version migrated, or one the app cannot write stops the start with
 * a message saying which (PostgresStartError).
 */
export async function postgresStorage(
  url: string,
  logger: Logger,
  opts: { max?: number; background?: number } = {},
): Promise<AppStorage> {
  const where = redactedUrl(url);
  let opened: Awaited<ReturnType<typeof openPostgresDatabase>>;
  try {
    opened = await openPostgresDatabase(url, {
      max: opts.max ?? APP_CONNECTIONS.requests,
      background: opts.background ?? APP_CONNECTIONS.background,
      // The app rings the outbox's bell itself after its commits (compose/wire.ts), not its trigger.
      app: true,
      onConnectionError: (error) =>
        logger.warn({ err: error }, 'a Postgres connection was lost; the next request opens another'),
    });
  } catch (error) {
    if (error instanceof PostgresNewerError)
      throw new PostgresStartError(
        `The Postgres database ${where} was migrated by a newer version of this app: start that version (this one would not understand its data). Nothing was changed.`,
      );
    const reason = error instanceof Error ? error.message : String(error);
    throw new PostgresStartError(
      `Could not open the Postgres database ${where}: ${reason}. Check DATABASE_URL (host, port, database, user and password) and that the server is running and accepts connections from this machine.`,
    );
  }
  const { db, pool } = opened;
  const probe = async (at: Date) => {
    await pool.query(PG_PROBE_SQL, [at]);
  };
  try {
    await probe(new Date());
  } catch (error) {
    await opened.close();
    throw new PostgresStartError(
      `The Postgres database ${where} does not accept writes: ${(error as Error).message}. Check that the user in DATABASE_URL may write to it and that the server is not a read-only standby.`,
    );
  }
  return {
    engine: 'postgres',
    db,
    where,
    migrations: opened.migrations,
    bell: opened.bell,
    probe,
    busy: () => false,
    close: opened.close,
  };
}
