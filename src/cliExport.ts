/**
 * What `npm run export` (export.ts) makes of its command line and its settings, and how it words a database it cannot
 * read: pure, so the tests check the wording of each case without starting the command.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { readCommandLine } from './cliExit.js';
import { DatabaseNeedsMigrationError } from './db/readOnly.js';
import { type ExportRange, parseExportRange } from './revops/exports.js';

export const EXPORT_USAGE =
  'Usage: npm run export -- [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--out FILE] [--installation ID]\n' +
  '  --since         first day of handoffs sent (default: the beginning)\n' +
  '  --until         last day, included (default: now)\n' +
  '  --out           write the CSV to FILE (default: standard output)\n' +
  '  --installation  the workspace (T…) or org (E…) whose handoffs to export, when the app serves several\n' +
  'Times are days in DIGEST_TIMEZONE or DEFAULT_TIMEZONE (default UTC); the database is DATABASE_PATH.\n';

/** The export asked for: the help, a wrong command line (its message; exit code 2 with the usage), or what to read. */
export type ExportRequest =
  | { kind: 'help' }
  | { kind: 'usage'; message: string }
  | {
      kind: 'run';
      range: ExportRange;
      url: string | undefined;
      path: string;
      out: string | undefined;
      installation: string | undefined;
    };

/** The command line and the environment, checked in the order the command reports them. */
export function exportRequest(argv: string[], env: NodeJS.ProcessEnv, now: Date): ExportRequest {
  const line = readCommandLine<{ since?: string; until?: string; out?: string; installation?: string }>(
    argv,
    {
      since: { type: 'string' },
      until: { type: 'string' },
      out: { type: 'string' },
      installation: { type: 'string' },
    },
  );
  if (line.kind !== 'values') return line;
  const { values } = line;
  const timeZone = env.DIGEST_TIMEZONE?.trim() || env.DEFAULT_TIMEZONE?.trim() || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return { kind: 'usage', message: `The reporting timezone "${timeZone}" is not an IANA time zone.` };
  }
  const range = parseExportRange(values.since, values.until, now, timeZone);
  if (range.kind === 'invalid') return { kind: 'usage', message: range.message };
  const url = env.DATABASE_URL?.trim() || undefined;
  const path = env.DATABASE_PATH?.trim() || './data/handoff.db';
  if (!url && !existsSync(path))
    return { kind: 'usage', message: `There is no database at ${path} (DATABASE_PATH).` };
  const installation = values.installation?.trim() || undefined;
  return { kind: 'run', range, url, path, out: values.out, installation };
}

/** What the database at `path` refused, in one line (exit code 1); undefined for an error that is not one of those. */
export function unreadableMessage(path: string, error: unknown): string | undefined {
  if (error instanceof DatabaseNeedsMigrationError) {
    const { pending } = error;
    return `The database at ${path} needs migrating (${pending} migration${pending === 1 ? ' of this version is' : 's of this version are'} not applied): start the app on it once (npm start), then export again.`;
  }
  if (error instanceof Database.SqliteError)
    return `Could not read the database at ${path}: ${error.message} (${error.code}).`;
  return undefined;
}
