import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemClock } from './clock.js';
import { startHandoffApp } from './compose.js';
import { ConfigError, loadConfig } from './config.js';
import { startCheckpointer } from './db/checkpointer.js';
import { checkWritable, DatabaseUnwritableError, openDatabase } from './db/client.js';
import { DatabaseInUseError, type DatabaseLock, DatabaseLockError, lockDatabase } from './db/lock.js';
import { createLogger } from './logger.js';

/**
 * `npm start`: the settings, the database's lock (one process per file), the database (created and migrated), then the
 * app (compose.ts) and its signals.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee docs/configuration.md or .env.example.\n`);
      process.exit(1);
    }
    throw error;
  }

  // One process per database file, before anything opens it, talks to Slack or runs the outbox (src/db/lock.ts).
  let lock: DatabaseLock;
  try {
    // First whether the files can be written at all: that message says what to fix (the lock's would not).
    mkdirSync(dirname(config.databasePath), { recursive: true });
    checkWritable(config.databasePath);
    lock = lockDatabase(config.databasePath);
  } catch (error) {
    if (
      error instanceof DatabaseInUseError ||
      error instanceof DatabaseLockError ||
      error instanceof DatabaseUnwritableError
    ) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // However the process ends; the operating system would release the lock anyway, this also removes the holder file.
  process.once('exit', () => lock.release());

  const logger = createLogger(config.logLevel);
  const database = openDatabase(config.databasePath);
  logger.info({ databasePath: config.databasePath }, 'database ready');
  const checkpointer = startCheckpointer(database.sqlite, logger);
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
      await checkpointer.stop();
      database.close();
      lock.release();
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  starting = startHandoffApp({ config, db: database.db, clock: systemClock, logger });
  await starting;
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
