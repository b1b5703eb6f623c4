import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemClock } from './clock.js';
import { startHandoffApp } from './compose.js';
import { ConfigError, loadConfig } from './config.js';
import { startCheckpointer } from './db/checkpointer.js';
import { checkWritable, DatabaseUnwritableError, openDatabase } from './db/client.js';
import { DatabaseInUseError, type DatabaseLock, DatabaseLockError, lockDatabase } from './db/lock.js';
import { DatabaseNewerError, databaseReadyMessage } from './db/migrationsCheck.js';
import { makePrivateFolder } from './db/privateFiles.js';
import { type AppStorage, PostgresStartError, postgresStorage, sqliteStorage } from './db/storage.js';
import { createLogger, type Logger } from './logger.js';
import { retentionLines, uninstallLine } from './retention/ageOut.js';
import { secretsOf } from './secrets.js';
import { APP_VERSION } from './version.js';

/**
 * `npm start`: the settings, the database (SQLite's file, locked to one process and created and migrated; or Postgres's
 * when DATABASE_URL is set, migrated), then the app (compose.ts) and its signals.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = orExit(
    () => loadConfig(process.env),
    [ConfigError],
    'See docs/configuration.md or .env.example.',
  );

  // The settings' secrets are masked in every line, whatever library writes it (logger.ts).
  const logger = createLogger(config.logLevel, process.stdout, secretsOf(process.env));
  const storage = config.databaseUrl
    ? await orExitAsync(() => postgresStorage(config.databaseUrl as string, logger), [PostgresStartError])
    : openSqlite(config.databasePath, logger);
  logger.info(
    {
      version: APP_VERSION,
      engine: storage.engine,
      database: storage.where,
      migrationsApplied: storage.migrations.applied,
    },
    databaseReadyMessage(storage.migrations),
  );
  // What is kept, and for how long: the retention in force, said at every start.
  logger.info(
    { retention: config.retention, outboxRetentionDays: config.outbox.retentionDays },
    `data retention: ${[
      ...retentionLines(config.retention, config.outbox.retentionDays),
      uninstallLine(config.retention.uninstallDeleteAfterDays),
    ].join('; ')}`,
  );
  // A stray rejection (a library's, or a bug) is logged, never allowed to take the whole app down with it.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  let starting: ReturnType<typeof startHandoffApp> | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    let code = 0;
    try {
      // A signal during the start stops what the start built (once it is built), not nothing.
      const running = await starting?.catch(() => undefined);
      await running?.stop();
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      code = 1;
    } finally {
      await storage.close();
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  starting = startHandoffApp({
    config,
    db: storage.db,
    storage,
    ...(storage.bell ? { bell: storage.bell } : {}),
    clock: systemClock,
    logger,
  });
  await starting;
}

/**
 * The SQLite file at `path` as `npm start` opens it: its lock first (one process per file: src/db/lock.ts), then the
 * database, created and migrated, and its WAL checkpoints on a worker thread. Closing stops all three.
 */
function openSqlite(path: string, logger: Logger): AppStorage {
  const lock: DatabaseLock = orExit(() => {
    // First whether the files can be written at all: that message says what to fix (the lock's would not).
    makePrivateFolder(dirname(path));
    checkWritable(path);
    return lockDatabase(path);
  }, [DatabaseInUseError, DatabaseLockError, DatabaseUnwritableError]);
  // However the process ends; the operating system would release the lock anyway, this also removes the holder file.
  process.once('exit', () => lock.release());
  // A database from a newer version (a rollback of the code alone) is refused, said plainly, nothing written.
  const database = orExit(() => openDatabase(path), [DatabaseNewerError]);
  const checkpointer = startCheckpointer(database.sqlite, logger);
  const storage = sqliteStorage(database);
  return {
    ...storage,
    async close() {
      await checkpointer.stop();
      await storage.close();
      lock.release();
    },
  };
}

/** orExit for a start that is asynchronous (Postgres's). */
async function orExitAsync<T>(
  start: () => Promise<T>,
  known: (new (...args: never[]) => Error)[],
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    return orExit(() => {
      throw error;
    }, known);
  }
}

/**
 * `start()`, or, when it throws one of the errors the start explains (a setting, the lock, the database), that
 * message (and `hint`) on stderr and exit code 1. Anything else is thrown on.
 */
function orExit<T>(start: () => T, known: (new (...args: never[]) => Error)[], hint?: string): T {
  try {
    return start();
  } catch (error) {
    if (!known.some((kind) => error instanceof kind)) throw error;
    process.stderr.write(`${(error as Error).message}\n${hint ? `${hint}\n` : ''}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
