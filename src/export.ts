/**
 * `npm run export -- --since 2026-01-01 [--until 2026-03-31] [--out touch-log.csv]`: the touch log CSV (the same
 * file RevOps get in Slack) for scheduled jobs. Reads DATABASE_PATH and the reporting timezone (DIGEST_TIMEZONE,
 * else DEFAULT_TIMEZONE); needs no Slack token. Writes the CSV to --out, or to standard output.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from './clock.js';
import { openDatabase } from './db/client.js';
import { logMismatches } from './db/repositories/events.js';
import { touchLogCsv } from './services/exportCsv.js';
import { parseExportRange } from './services/exports.js';

const USAGE =
  'Usage: npm run export -- [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--out FILE]\n' +
  '  --since  first day of handoffs sent (default: the beginning)\n' +
  '  --until  last day, included (default: now)\n' +
  '  --out    write the CSV to FILE (default: standard output)\n' +
  'Times are days in DIGEST_TIMEZONE or DEFAULT_TIMEZONE (default UTC); the database is DATABASE_PATH.\n';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}`);
  process.exit(2);
}

function main(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let args: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        out: { type: 'string' },
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
  const path = process.env.DATABASE_PATH?.trim() || './data/handoff.db';
  if (!existsSync(path)) fail(`There is no database at ${path} (DATABASE_PATH).`);
  const database = openDatabase(path);
  try {
    const mismatches = logMismatches(database.db);
    if (mismatches.length > 0) {
      process.stderr.write(
        `warning: ${mismatches.length} handoff(s) whose state does not match the touch log, e.g. #${mismatches[0]?.handoffId}\n`,
      );
    }
    const { csv, rows } = touchLogCsv(database.db, range);
    if (args.values.out) {
      writeFileSync(args.values.out, csv);
      process.stderr.write(`Wrote ${rows} handoff(s) to ${args.values.out}\n`);
    } else {
      process.stdout.write(csv);
    }
  } finally {
    database.close();
  }
}

main();
