/**
 * `npm run export -- --since 2026-01-01 [--until 2026-03-31] [--out touch-log.csv] [--installation T…]`: the touch
 * log CSV (the same file RevOps get in Slack) for scheduled jobs, of one installation's handoffs: the one
 * --installation names, or the database's only one. Reads DATABASE_PATH (or Postgres's DATABASE_URL, on read-only
 * connections, one snapshot) and the reporting timezone (DIGEST_TIMEZONE,
 * else DEFAULT_TIMEZONE); needs no Slack token. Writes the CSV to --out, or to standard output.
 *
 * It only reads the database (openDatabaseReadOnly): it neither migrates nor writes it, creates no file beside it,
 * works on a database it may not write and beside a running app, and takes no lock. A database that needs migrating
 * is refused with one line and exit code 1 (the app migrates it when it starts).
 */
import { existsSync } from 'node:fs';
import { exitFailed, exitWithUsage } from './cliExit.js';
import { EXPORT_USAGE, exportRequest, unreadableMessage } from './cliExport.js';
import { oneInstallation } from './cliInstallation.js';
import { systemClock } from './clock.js';
import type { AnyExecutor, AppDatabase } from './db/client.js';
import { openPostgresReadOnly, readSnapshot } from './db/pg/readOnly.js';
import { writePrivateFile } from './db/privateFiles.js';
import { openDatabaseReadOnly } from './db/readOnly.js';
import { logMismatches } from './db/repositories/events.js';
import { redactedUrl } from './db/storage.js';
import { touchLogCsv } from './revops/exportCsv.js';

function fail(message: string): never {
  return exitWithUsage(message, EXPORT_USAGE);
}

/** What the database refused, in one line (exit code 1): no stack trace for what a person can fix. */
function unreadable(path: string, error: unknown): never {
  const message = unreadableMessage(path, error);
  if (message === undefined) throw error;
  return exitFailed(message);
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const request = exportRequest(process.argv.slice(2), process.env, systemClock.now());
  if (request.kind === 'help') {
    process.stdout.write(EXPORT_USAGE);
    return;
  }
  if (request.kind === 'usage') fail(request.message);
  const { range, url, path, out, installation } = request;
  const { mismatches, csv, rows } = url
    ? await readTouchLogPostgres(url, range, installation)
    : await readTouchLog(path, range, installation);
  if (mismatches.length > 0) {
    process.stderr.write(
      `warning: ${mismatches.length} handoff(s) whose state does not match the touch log, e.g. #${mismatches[0]?.handoffId}\n`,
    );
  }
  if (out) {
    // A new file is the user's alone (0600), whatever the umask: the touch log names people and deals.
    writePrivateFile(out, csv);
    process.stderr.write(`Wrote ${rows} handoff(s) to ${out}\n`);
  } else {
    process.stdout.write(csv);
  }
}

type TouchLog = { mismatches: Awaited<ReturnType<typeof logMismatches>>; csv: string; rows: number };

const readBoth = async (
  db: AnyExecutor,
  range: { since: Date; until: Date },
  installKey: string | undefined,
): Promise<TouchLog> => {
  const own = await oneInstallation(db, installKey, fail);
  return { mismatches: await logMismatches(own), ...(await touchLogCsv(own, range)) };
};

/** The same from Postgres (DATABASE_URL), on read-only connections, in one snapshot. */
async function readTouchLogPostgres(
  url: string,
  range: { since: Date; until: Date },
  installKey: string | undefined,
): Promise<TouchLog> {
  const where = redactedUrl(url);
  const opened = await openPostgresReadOnly(url).catch((error: unknown) =>
    exitFailed(`Could not reach the Postgres database ${where}: ${(error as Error).message}.`),
  );
  try {
    const { pending, newer } = opened.migrations;
    if (newer || pending > 0) {
      exitFailed(
        newer
          ? `The Postgres database ${where} was migrated by a newer version of this app: export with that version.`
          : `The Postgres database ${where} needs migrating (${pending} of this version's migrations not applied): start the app on it once (npm start), then export again.`,
      );
    }
    return await readSnapshot(opened, (db) => readBoth(db, range, installKey));
  } finally {
    await opened.close();
  }
}

/** The touch log rows and the state check, read from the database opened read-only, in one read transaction. */
async function readTouchLog(
  path: string,
  range: { since: Date; until: Date },
  installKey: string | undefined,
): Promise<TouchLog> {
  let database: AppDatabase;
  try {
    database = openDatabaseReadOnly(path);
  } catch (error) {
    unreadable(path, error);
  }
  try {
    // Beside a running app, the check and the rows read the same moment: one read transaction on this connection,
    // which nothing else in this process uses.
    database.sqlite.exec('BEGIN');
    try {
      return await readBoth(database.db, range, installKey);
    } finally {
      if (database.sqlite.inTransaction) database.sqlite.exec('COMMIT');
    }
  } catch (error) {
    unreadable(path, error);
  } finally {
    database.close();
  }
}

await main();
