/**
 * `npm run migrate-to-postgres -- FILE`: copies the SQLite database FILE (the app's DATABASE_PATH, or a backup from
 * `npm run backup`) into the empty Postgres database DATABASE_URL (src/db/pg/moveToPostgres.ts): applies this
 * version's Postgres migrations, copies every table in one transaction, checks the counts and a sample of rows on
 * both sides, and prints a table of tables and rows. Needs no Slack token. See docs/operations.md, "Moving to
 * Postgres".
 *
 * FILE is only read, in one read transaction (a consistent snapshot even while the app writes it; what the app writes
 * afterwards is not copied, so the move itself is made with the app stopped, which it warns about). Exit code 1, with
 * what to do, when the target already holds data (a second run), FILE was migrated by a newer or an older version,
 * Postgres cannot be reached or refuses a row, or the copy does not read back the same (then nothing was kept); 2 for
 * a wrong command line.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { exitFailed, exitWithUsage } from './cliExit.js';
import { lockPathOf } from './db/lock.js';
import { readHolder } from './db/lockFiles.js';
import { DatabaseNewerError } from './db/migrationsCheck.js';
import { MoveRefusedError } from './db/pg/moveErrors.js';
import { type MoveReport, moveToPostgres } from './db/pg/moveToPostgres.js';
import { DatabaseNeedsMigrationError } from './db/readOnly.js';

const USAGE =
  'Usage: npm run migrate-to-postgres -- FILE\n' +
  "  FILE  the SQLite database to copy: the app's DATABASE_PATH, or a backup from npm run backup\n" +
  'The target is DATABASE_URL (postgres://user:password@host:5432/database), an empty database: the command\n' +
  'applies this version\'s Postgres migrations to it, then copies. See docs/operations.md, "Moving to Postgres".\n';

function usage(message: string): never {
  return exitWithUsage(message, USAGE);
}

function failed(message: string): never {
  return exitFailed(message);
}

/** What went wrong, for the admin (exit code 1): no stack trace for what a person can fix. */
function explain(path: string, error: unknown): never {
  if (error instanceof MoveRefusedError) failed(error.message);
  if (error instanceof DatabaseNewerError)
    failed(
      `The SQLite file ${path} was migrated by a newer version of this app than this one, whose Postgres schema lacks its newest tables and columns, so nothing was copied. Run migrate-to-postgres of the version that migrated it (the one the app runs).`,
    );
  if (error instanceof DatabaseNeedsMigrationError)
    failed(
      `The SQLite file ${path} lacks ${error.pending} migration${error.pending === 1 ? '' : 's'} of this version (an older version of the app last ran on it), so nothing was copied. Upgrade first: start this version of the app on it once (npm start applies the migrations), then stop it (or take a backup with npm run backup) and run this again.`,
    );
  if (error instanceof pg.DatabaseError)
    failed(
      `Postgres stopped the move: ${error.message} (${error.code}). The copy was rolled back: nothing was kept in Postgres.`,
    );
  if (error instanceof Database.SqliteError)
    failed(`Could not read the SQLite file ${path}: ${error.message} (${error.code}). Nothing was copied.`);
  throw error;
}

/** The app process running on the file, from its lock's holder file (read only: the lock is never taken). */
function appRunningOn(path: string): string | undefined {
  const holder = readHolder(lockPathOf(path));
  if (!holder || holder.host !== hostname()) return undefined;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return `pid ${holder.pid}, since ${holder.startedAt}`;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Which triggers were kept from firing during the copy (`table.trigger` each), by table. */
function triggersLine(triggers: string[]): string {
  if (triggers.length === 0) return 'No trigger had to be kept from firing during the copy.';
  const tables = [...new Set(triggers.map((name) => name.split('.')[0]))];
  return `The ${plural(triggers.length, 'trigger')} of ${tables.join(', ')} were off during the copy and are on again.`;
}

/** The table of tables and rows, and what was checked. */
function formatReport(path: string, report: MoveReport, seconds: number): string {
  const width = Math.max(5, ...report.tables.map((t) => t.table.length));
  const line = (name: string, sqlite: string, postgres: string) =>
    `  ${name.padEnd(width)}  ${sqlite.padStart(10)}  ${postgres.padStart(10)}`;
  const total = (side: 'sqlite' | 'postgres') => report.tables.reduce((sum, t) => sum + t[side], 0);
  const sampled = report.tables.reduce((sum, t) => sum + t.sampled, 0);
  const { applied, known } = report.migrations;
  return [
    `Copied ${path} into ${report.target} (${applied === 0 ? `its ${known} migrations were already applied` : `applied ${applied} of ${known} migrations first`}):`,
    '',
    line('table', 'SQLite', 'Postgres'),
    ...report.tables.map((t) => line(t.table, `${t.sqlite}`, `${t.postgres}`)),
    line('total', `${total('sqlite')}`, `${total('postgres')}`),
    '',
    `Checked: the row counts of all ${report.tables.length} tables are equal, and ${sampled} sampled rows (the first, the last and some evenly spaced by primary key, in each table) read back equal on both engines.`,
    `${triggersLine(report.triggers)} New ids continue after the copied ones. ${seconds.toFixed(1)} s.`,
    `The SQLite file was not changed. Next: start the app with DATABASE_URL set to this database (and DATABASE_PATH and BACKUP_DIR unset): it then runs on Postgres, as one process or several replicas (docs/deploy.md, "Several replicas on Postgres"). Back Postgres up with pg_dump or your provider's backups.`,
    '',
  ].join('\n');
}

function parse(): { file: string } {
  let args: ReturnType<typeof parseOptions>;
  const parseOptions = () =>
    parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  try {
    args = parseOptions();
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  if (args.values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const [file, ...extra] = args.positionals;
  if (!file || extra.length > 0) usage('Give exactly one SQLite file to copy.');
  return { file };
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { file } = parse();
  if (!existsSync(file)) failed(`There is no SQLite file at ${file}. Nothing was copied.`);
  const url = process.env.DATABASE_URL?.trim();
  if (!url)
    failed(
      'Set DATABASE_URL to the Postgres database to copy into: postgres://user:password@host:5432/database (an empty database; its owner may run this).',
    );
  const running = appRunningOn(file);
  if (running)
    process.stderr.write(
      `Note: the app is running on ${file} (${running}). This copies the database as it is now; what the app writes afterwards will not be in Postgres. For the move itself, stop the app first.\n`,
    );
  const started = performance.now();
  try {
    const report = await moveToPostgres({
      sourcePath: file,
      targetUrl: url,
      progress: ({ table, copied, done }) => {
        if (done) process.stderr.write(`copied ${table}: ${plural(copied, 'row')}\n`);
      },
    });
    process.stdout.write(formatReport(file, report, (performance.now() - started) / 1000));
  } catch (error) {
    explain(file, error);
  }
}

await main();
