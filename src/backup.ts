/**
 * `npm run backup -- <file> [--force]`: a consistent copy of the database at DATABASE_PATH (default
 * ./data/handoff.db), taken while the app runs, checked with `PRAGMA integrity_check`, then named <file>
 * (src/db/backup.ts). Needs no Slack token. Prints one line: the file, its size and the time it finished.
 *
 * The live database is opened as `npm run export` opens it (openDatabaseReadOnly): never migrated or written, no
 * lock taken. Exit code 1, with one line, when the copy cannot be made or fails its check, the file exists (without
 * --force), or the database needs migrating; 2 for a wrong command line.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exitFailed, exitWithUsage } from './cliExit.js';
import { systemClock } from './clock.js';
import { backupDatabase, backupFailureReason } from './db/backup.js';

const USAGE =
  'Usage: npm run backup -- FILE [--force]\n' +
  '  FILE     where to write the copy (its folder must exist)\n' +
  '  --force  replace FILE if it exists\n' +
  'The database is DATABASE_PATH (default ./data/handoff.db); the app may be running.\n';

function usage(message: string): never {
  return exitWithUsage(message, USAGE);
}

function failed(message: string): never {
  return exitFailed(message);
}

/** What went wrong, in one line (exit code 1): no stack trace for what a person can fix. */
function explain(path: string, error: unknown): never {
  const reason = backupFailureReason(path, error);
  if (reason === undefined) throw error;
  failed(reason);
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let args: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  try {
    args = parse();
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  if (args.values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const [target, ...extra] = args.positionals;
  if (!target || extra.length > 0) usage('Give exactly one file to write the backup to.');
  if (process.env.DATABASE_URL?.trim())
    failed(
      'DATABASE_URL is set: the app\'s data is in Postgres, which this command does not copy. Back it up with pg_dump (pg_dump --format=custom --file FILE "$DATABASE_URL") or your provider\'s backups: docs/deploy.md, "Backups on Postgres".',
    );
  const path = process.env.DATABASE_PATH?.trim() || './data/handoff.db';
  if (!existsSync(path)) failed(`There is no database at ${path} (DATABASE_PATH).`);
  try {
    const { bytes } = await backupDatabase(path, target, { force: args.values.force ?? false });
    process.stdout.write(
      `Backed up ${path} to ${target}: ${bytes} bytes, integrity ok, at ${systemClock.now().toISOString()}\n`,
    );
  } catch (error) {
    explain(path, error);
  }
}

await main();
