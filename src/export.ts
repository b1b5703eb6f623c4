/**
 * `npm run export -- --since 2026-01-01 [--until 2026-03-31] [--out touch-log.csv] [--installation T…]`: the touch
 * log CSV (the same file RevOps get in Slack) for scheduled jobs, of one installation's handoffs (issue 55): the one
 * --installation names, or the database's only one. Reads DATABASE_PATH (or Postgres's DATABASE_URL, on read-only
 * connections, one snapshot) and the reporting timezone (DIGEST_TIMEZONE,
 * else DEFAULT_TIMEZONE); needs no Slack token. Writes the CSV to --out, or to standard output.
 *
 * It only reads the database (openDatabaseReadOnly): it neither migrates nor writes it, creates no file beside it,
 * works on a database it may not write and beside a running app, and takes no lock. A database that needs migrating
 * is refused with one line and exit code 1 (the app migrates it when it starts).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { oneInstallation } from './cliInstallation.js';
import { systemClock } from './clock.js';
import type { AppDatabase, Executor } from './db/client.js';
import { openPostgresReadOnly, readSnapshot } from './db/pg/readOnly.js';
import { writePrivateFile } from './db/privateFiles.js';
import { DatabaseNeedsMigrationError, openDatabaseReadOnly } from './db/readOnly.js';
import { logMismatches } from './db/repositories/events.js';
import { redactedUrl } from './db/storage.js';
import { touchLogCsv } from './revops/exportCsv.js';
import { parseExportRange } from './revops/exports.js';

const USAGE =
  'Usage: npm run export -- [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--out FILE] [--installation ID]\n' +
  '  --since         first day of handoffs sent (default: the beginning)\n' +
  '  --until         last day, included (default: now)\n' +
  '  --out           write the CSV to FILE (default: standard output)\n' +
  '  --installation  the workspace (T…) or org (E…) whose handoffs to export, when the app serves several\n' +
  'Times are days in DIGEST_TIMEZONE or DEFAULT_TIMEZONE (default UTC); the database is DATABASE_PATH.\n';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}`);
  process.exit(2);
}

/** What the database refused, in one line (exit code 1): no stack trace for what a person can fix. */
function unreadable(path: string, error: unknown): never {
  if (error instanceof DatabaseNeedsMigrationError) {
    const { pending } = error;
    process.stderr.write(
      `The database at ${path} needs migrating (${pending} migration${pending === 1 ? ' of this version is' : 's of this version are'} not applied): start the app on it once (npm start), then export again.\n`,
    );
    process.exit(1);
  }
  if (error instanceof Database.SqliteError) {
    process.stderr.write(`Could not read the database at ${path}: ${error.message} (${error.code}).\n`);
    process.exit(1);
  }
  throw error;
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let args: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        out: { type: 'string' },
        installation: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  try {
    args = parse();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (args.values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const timeZone = process.env.DIGEST_TIMEZONE?.trim() || process.env.DEFAULT_TIMEZONE?.trim() || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    fail(`The reporting timezone "${timeZone}" is not an IANA time zone.`);
  }
  const range = parseExportRange(args.values.since, args.values.until, systemClock.now(), timeZone);
  if (range.kind === 'invalid') fail(range.message);
  const url = process.env.DATABASE_URL?.trim();
  const path = process.env.DATABASE_PATH?.trim() || './data/handoff.db';
  if (!url && !existsSync(path)) fail(`There is no database at ${path} (DATABASE_PATH).`);
  const which = args.values.installation?.trim() || undefined;
  const { mismatches, csv, rows } = url
    ? await readTouchLogPostgres(url, range, which)
    : await readTouchLog(path, range, which);
  if (mismatches.length > 0) {
    process.stderr.write(
      `warning: ${mismatches.length} handoff(s) whose state does not match the touch log, e.g. #${mismatches[0]?.handoffId}\n`,
    );
  }
  if (args.values.out) {
    // A new file is the user's alone (0600), whatever the umask: the touch log names people and deals.
    writePrivateFile(args.values.out, csv);
    process.stderr.write(`Wrote ${rows} handoff(s) to ${args.values.out}\n`);
  } else {
    process.stdout.write(csv);
  }
}

type TouchLog = { mismatches: Awaited<ReturnType<typeof logMismatches>>; csv: string; rows: number };

const readBoth = async (
  db: Executor,
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
  const opened = await openPostgresReadOnly(url).catch((error: unknown) => {
    process.stderr.write(`Could not reach the Postgres database ${where}: ${(error as Error).message}.\n`);
    process.exit(1);
  });
  try {
    const { pending, newer } = opened.migrations;
    if (newer || pending > 0) {
      process.stderr.write(
        newer
          ? `The Postgres database ${where} was migrated by a newer version of this app: export with that version.\n`
          : `The Postgres database ${where} needs migrating (${pending} of this version's migrations not applied): start the app on it once (npm start), then export again.\n`,
      );
      process.exit(1);
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
