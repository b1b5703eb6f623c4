import { existsSync, linkSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import type { Logger } from '../logger.js';
import { lockPathOf } from './lockFiles.js';
import { createPrivateTemporary } from './privateFiles.js';
import { DatabaseNeedsMigrationError, openDatabaseReadOnly } from './readOnly.js';

/**
 * A consistent copy of the database while the app runs (`npm run backup`), by SQLite's online backup API. The live
 * database is opened as `npm run export` opens it (openDatabaseReadOnly: never migrated, written or locked); the copy
 * is made in one step, inside one read transaction, so it is the database as of one commit and a write by the app
 * meanwhile cannot restart it. The copy is written beside the target under a temporary name nobody can guess, made
 * 0600 with O_EXCL|O_NOFOLLOW (db/privateFiles.ts: a link planted there is refused, never followed), checked with
 * `PRAGMA integrity_check`, and only then given the target's name: a failed or interrupted backup leaves no file that
 * looks like a backup, and a backup is the service user's alone whatever the umask.
 */

/** The copy failed SQLite's integrity check (the first problems it reported); no file was left at the target. */
export class BackupCheckError extends Error {
  constructor(
    readonly target: string,
    readonly problems: string[],
  ) {
    super(`The copy for ${target} failed SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`);
    this.name = 'BackupCheckError';
  }
}

/** The target exists (and `force` was not given), or has a -wal or -journal beside it (a database in use). */
export class BackupTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupTargetError';
  }
}

export interface BackupResult {
  target: string;
  bytes: number;
}

/**
 * `PRAGMA integrity_check` on a closed database file: [] when SQLite says "ok", else the problems it lists (or the
 * corruption that stopped the check itself).
 */
export function integrityProblems(path: string): string[] {
  const sqlite = new Database(path, { fileMustExist: true });
  try {
    const rows = sqlite.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((row) => row.integrity_check);
    return problems.length === 1 && problems[0] === 'ok' ? [] : problems;
  } catch (error) {
    if (error instanceof Database.SqliteError && ['SQLITE_CORRUPT', 'SQLITE_NOTADB'].includes(error.code)) {
      return [`${error.message} (${error.code})`];
    }
    throw error;
  } finally {
    sqlite.close();
  }
}

/** The backup could not be written where it was asked to go (the folder, not the database, is at fault). */
export class BackupWriteError extends Error {
  constructor(
    readonly target: string,
    /** The system's or SQLite's code (EACCES, ENOENT, SQLITE_FULL…) and what it said. */
    readonly code: string,
    readonly problem: string,
  ) {
    super(`Could not write the backup ${target}: ${problem}`);
    this.name = 'BackupWriteError';
  }
}

/** What SQLite says when the copy cannot be written (the source is read in one transaction opened before). */
const WRITE_SIDE = /^SQLITE_(CANTOPEN|FULL|READONLY|PERM|IOERR)/;

/** The files SQLite and the lock keep beside a database: a backup must never be written over one of them. */
const COMPANIONS = ['-wal', '-shm', '-journal'] as const;

/** `path` with symbolic links resolved, also when the file itself does not exist yet (its folder's real path then). */
function realPathOf(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  try {
    return join(realpathSync(dirname(absolute)), basename(absolute));
  } catch {
    return absolute;
  }
}

/** Which of the database's own files `target` is (by real path, or the same file by another name), if any. */
function databaseFileAt(source: string, target: string): string | undefined {
  const real = realPathOf(source);
  const own = new Map<string, string>([[real, 'the database itself']]);
  for (const suffix of COMPANIONS) own.set(`${real}${suffix}`, `the database's ${suffix} file`);
  own.set(lockPathOf(source), "the database's lock file");
  const named = own.get(realPathOf(target));
  if (named) return named;
  if (!existsSync(target)) return undefined;
  const { dev, ino } = statSync(target);
  for (const [file, name] of own) {
    if (!existsSync(file)) continue;
    const other = statSync(file);
    if (other.dev === dev && other.ino === ino) return name;
  }
  return undefined;
}

/**
 * Refuses a target that is the database or one of its files (its -wal, -shm, -journal or lock file: replacing a live
 * -wal loses what it holds), exists without `force`, or has SQLite's side files beside it.
 */
function checkTarget(source: string, target: string, force: boolean): void {
  const own = databaseFileAt(source, target);
  if (own === 'the database itself')
    throw new BackupTargetError(`${target} is the database itself: choose another file.`);
  if (own)
    throw new BackupTargetError(
      `${target} is ${own} (${source}): writing over it would damage the database. Choose another file.`,
    );
  if (existsSync(`${target}-wal`) || existsSync(`${target}-journal`)) {
    throw new BackupTargetError(
      `${target} has a -wal or -journal file beside it (a database in use, or not closed cleanly): choose another file.`,
    );
  }
  if (existsSync(target) && !force) {
    throw new BackupTargetError(
      `${target} already exists: choose another file, or add --force to replace it.`,
    );
  }
}

/** Runs a step that writes beside `target`: a file-system refusal there is the target folder's fault (BackupWriteError). */
function writable<T>(target: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (error instanceof BackupTargetError || typeof code !== 'string') throw error;
    throw new BackupWriteError(target, code, (error as Error).message);
  }
}

function noClobberLink(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BackupTargetError(`${to} already exists: choose another file, or add --force to replace it.`);
    }
    throw error;
  }
}

/**
 * Copies the database at `source` to `target` and checks the copy. Throws DatabaseNeedsMigrationError (from
 * openDatabaseReadOnly), SQLite's errors, BackupTargetError or BackupCheckError; the live database is never written.
 */
export async function backupDatabase(
  source: string,
  target: string,
  opts: { force?: boolean } = {},
): Promise<BackupResult> {
  const force = opts.force ?? false;
  checkTarget(source, target, force);
  const temporary = writable(target, () => createPrivateTemporary(target));
  const partial = temporary.path;
  try {
    const live = openDatabaseReadOnly(source);
    try {
      // All pages in the second step (the first only starts the backup): one read transaction, one commit's state.
      await live.sqlite.backup(partial, { progress: () => 0x7fffffff });
    } catch (error) {
      if (error instanceof Database.SqliteError && WRITE_SIDE.test(error.code))
        throw new BackupWriteError(target, error.code, error.message);
      throw error;
    } finally {
      live.close();
    }
    if (!temporary.unchanged())
      throw new BackupTargetError(
        `${partial} was replaced while the backup was written (another user can write ${dirname(target)}): no backup was kept. Write backups into a folder only this user can write.`,
      );
    const problems = integrityProblems(partial);
    if (problems.length > 0) throw new BackupCheckError(target, problems);
    checkTarget(source, target, force);
    // Without --force, a hard link fails if the target appeared meanwhile; with it, rename replaces it atomically.
    writable(target, () => (force ? renameSync(partial, target) : noClobberLink(partial, target)));
    return { target, bytes: statSync(target).size };
  } finally {
    for (const file of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`])
      rmSync(file, { force: true });
  }
}

/**
 * Why a backup failed, in one line a person can act on (`npm run backup` prints it; the scheduled backup logs it), or
 * undefined for an error nobody planned for (a bug: the caller shows it whole).
 */
export function backupFailureReason(source: string, error: unknown): string | undefined {
  if (error instanceof DatabaseNeedsMigrationError) {
    return `The database at ${source} needs migrating (${error.pending} pending), so this version of the app does not back it up: back it up with the version that runs on it, or stop that app and copy the file.`;
  }
  if (error instanceof BackupCheckError) {
    return `${error.message}. No backup was written; the database at ${source} may be damaged.`;
  }
  if (error instanceof BackupTargetError) return error.message;
  if (error instanceof BackupWriteError) {
    const folder = dirname(error.target);
    const what = error.code === 'ENOENT' ? `the folder ${folder} does not exist` : error.problem;
    return `Could not write the backup ${error.target}: ${what}. Check that ${folder} exists, has room and that this user may write it; the database at ${source} was not touched.`;
  }
  if (error instanceof Database.SqliteError) {
    return `Could not back up the database at ${source}: ${error.message} (${error.code}).`;
  }
  if (error instanceof TypeError && /directory does not exist/.test(error.message)) {
    return `Could not write the backup: ${error.message}.`;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return `Could not write the backup: ${(error as Error).message}.`;
  return undefined;
}

/** The scheduled backups' own files: only these are ever deleted to keep BACKUP_KEEP of them. */
const SCHEDULED_NAME = /^handoff-\d{8}-\d{4}\.db$/;

/** The daily cron schedule of a time of day (hh:mm): 03:30 is `30 3 * * *`. */
export function dailyAt(hhmm: string): string {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return `${minutes} ${hours} * * *`;
}

/** The file a scheduled backup of `slot` is written to: `handoff-YYYYMMDD-HHMM.db`, the slot's time in `timeZone`. */
export function scheduledBackupName(slot: Date, timeZone: string): string {
  return `handoff-${DateTime.fromJSDate(slot, { zone: timeZone }).toFormat('yyyyLLdd-HHmm')}.db`;
}

export interface ScheduledBackups {
  dir: string;
  keep: number;
  timeZone: string;
}

/**
 * One scheduled backup (the `database-backup` job): the database copied into the backup folder by `backupDatabase`,
 * as `npm run backup` does, then the oldest scheduled backups beyond `keep` deleted (files of the backups' own name
 * pattern only, oldest by the date in their name; nothing is deleted after a failed backup). A slot whose file exists
 * is taken already: nothing to do. Never throws: a failure is logged as an error with its reason.
 */
export async function takeScheduledBackup(
  source: string,
  settings: ScheduledBackups,
  slot: Date,
  logger: Logger,
): Promise<void> {
  const name = scheduledBackupName(slot, settings.timeZone);
  const target = join(settings.dir, name);
  if (existsSync(target)) {
    logger.info({ file: target }, 'scheduled backup: this slot was backed up already');
    return;
  }
  let bytes: number;
  try {
    ({ bytes } = await backupDatabase(source, target));
  } catch (error) {
    const reason = backupFailureReason(source, error) ?? String(error);
    logger.error({ err: error, file: target, reason }, `scheduled backup failed: ${reason}`);
    return;
  }
  const removed = pruneScheduledBackups(settings.dir, settings.keep, logger);
  logger.info({ file: target, bytes, removed }, 'scheduled backup written, integrity ok');
}

/** Deletes the oldest scheduled backups beyond `keep`; returns the names deleted. */
function pruneScheduledBackups(dir: string, keep: number, logger: Logger): string[] {
  const names = readdirSync(dir)
    .filter((name) => SCHEDULED_NAME.test(name))
    .sort();
  const old = names.slice(0, Math.max(0, names.length - keep));
  const removed: string[] = [];
  for (const name of old) {
    try {
      rmSync(join(dir, name));
      removed.push(name);
    } catch (error) {
      logger.error({ err: error, file: join(dir, name) }, 'scheduled backup: could not delete an old backup');
    }
  }
  return removed;
}
