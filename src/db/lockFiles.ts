import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * The files of the one-process lock (lock.ts): where they are, who holds them, whether this process could hold them,
 * and the errors a refused start shows. Nothing here opens a lock file: closing any descriptor of a file drops the
 * POSIX locks this process holds on it.
 */

/** Who holds a database's lock, as the holder wrote it down. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export class DatabaseInUseError extends Error {
  constructor(
    readonly databasePath: string,
    readonly lockPath: string,
    /** Undefined when the holder file is missing or unreadable (or the holder had not written it yet). */
    readonly holder: LockHolder | undefined,
  ) {
    const who = holder
      ? `pid ${holder.pid} on host ${holder.host}, running since ${holder.startedAt}`
      : `pid unknown: ${holderPath(lockPath)} is missing or unreadable`;
    super(
      [
        `Another process is using the database ${databasePath} (${who}).`,
        'Only one app process may run per database file: two would both send the same Slack messages.',
        'Stop that process before starting this one, or set DATABASE_PATH to another file.',
        `The lock on ${lockPath} is released by the operating system when that process exits, even if it crashed;` +
          ' do not delete that file to get around it.',
      ].join('\n'),
    );
    this.name = 'DatabaseInUseError';
  }
}

/** The lock cannot be taken for another reason than another holder: which file, what is wrong, and the fix. */
export class DatabaseLockError extends Error {
  constructor(
    readonly databasePath: string,
    readonly lockPath: string,
    problem: string,
    fix?: string,
  ) {
    super(
      `Could not lock the database ${databasePath} (lock file ${lockPath}): ${problem}${fix ? `.\n${fix}` : ''}`,
    );
    this.name = 'DatabaseLockError';
  }
}

/** The folder of the locks named after a database file's identity (see above). */
export const IDENTITY_LOCK_DIR = '/tmp/cosell-handoff-locks';

/** The lock file of a database: next to the real file (symbolic links followed, as SQLite does for its -wal). */
export function lockPathOf(databasePath: string): string {
  const path = resolve(databasePath);
  const real = existsSync(path) ? realpathSync(path) : join(realpathSync(dirname(path)), basename(path));
  return `${real}.lock`;
}

/** The lock file named after an existing database file's device and inode: the same for every path to the file. */
export function identityLockPathOf(databasePath: string): string {
  const { dev, ino } = statSync(databasePath, { bigint: true });
  return join(IDENTITY_LOCK_DIR, `${dev}-${ino}.lock`);
}

export const holderPath = (lockPath: string) => `${lockPath}.json`;

export function readHolder(lockPath: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(holderPath(lockPath), 'utf8')) as Partial<LockHolder>;
    if (
      typeof holder.pid !== 'number' ||
      typeof holder.host !== 'string' ||
      typeof holder.startedAt !== 'string'
    )
      return undefined;
    return { pid: holder.pid, host: holder.host, startedAt: holder.startedAt };
  } catch {
    return undefined;
  }
}

export const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/**
 * Why this process could not open an existing lock file for writing, and the fix; undefined when it can (or the
 * file does not exist yet, and SQLite creates it). Only looks at the file: opening and closing it here would drop
 * the locks this process may hold on it.
 */
export function whyUnwritable(lockPath: string): { problem: string; fix: string } | undefined {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(lockPath);
  } catch {
    return undefined;
  }
  if (stat.isSymbolicLink())
    return {
      problem: 'it is a symbolic link, which a lock file never is',
      fix: `Delete ${lockPath} (no lock is held through it), then start again.`,
    };
  try {
    accessSync(lockPath, constants.R_OK | constants.W_OK);
    return undefined;
  } catch (error) {
    const code = codeOf(error);
    const uid = process.geteuid?.();
    const gid = process.getegid?.();
    if (code === 'EPERM')
      return {
        problem:
          'it is immutable (or append-only), so it opens read-only, and a read-only file holds no write lock: ' +
          'other processes would not be kept out',
        fix: `Run \`chattr -i ${lockPath}\` as root (\`lsattr ${lockPath}\` shows the attributes; \`chattr -a\` for append-only), then start again.`,
      };
    if (code === 'EROFS')
      return {
        problem:
          'it is on a read-only file system, so it holds no write lock: other processes would not be kept out',
        fix: 'Put the database on a writable file system (DATABASE_PATH).',
      };
    if (code === 'EACCES' && uid !== undefined && stat.uid !== uid)
      return {
        problem:
          `it is owned by uid ${stat.uid} and may not be written by uid ${uid}, which runs the app (a start as ` +
          'another user, such as root, leaves it so), so it opens read-only, and a read-only file holds no write ' +
          'lock: other processes would not be kept out',
        fix: `Run \`chown ${uid}:${gid} ${lockPath}\` as root (or delete it while no app process runs on this database), then start again.`,
      };
    if (code === 'EACCES')
      return {
        problem: `its permissions (${(stat.mode & 0o777).toString(8)}) do not let the app write it, so it opens read-only, and a read-only file holds no write lock: other processes would not be kept out`,
        fix: `Run \`chmod u+w ${lockPath}\`, then start again.`,
      };
    return {
      problem: `it cannot be opened for writing (${code})`,
      fix: 'Make it readable and writable by the user running the app.',
    };
  }
}

/** The identity locks' folder, sticky and writable by all (like /tmp), made when missing. */
export function identityLockDir(databasePath: string): void {
  const fail = (problem: string, fix: string) => {
    throw new DatabaseLockError(databasePath, IDENTITY_LOCK_DIR, problem, fix);
  };
  try {
    mkdirSync(IDENTITY_LOCK_DIR, { mode: 0o1777 });
    // The mode asked for is cut by the umask.
    chmodSync(IDENTITY_LOCK_DIR, 0o1777);
  } catch (error) {
    if (codeOf(error) !== 'EEXIST')
      fail(`the folder cannot be made (${(error as Error).message})`, 'Make /tmp writable.');
  }
  const stat = lstatSync(IDENTITY_LOCK_DIR);
  if (!stat.isDirectory())
    fail('it is not a folder', `Delete ${IDENTITY_LOCK_DIR} (the app makes it again), then start again.`);
  try {
    accessSync(IDENTITY_LOCK_DIR, constants.W_OK | constants.X_OK);
  } catch {
    fail(
      `the folder may not be written by uid ${process.geteuid?.()}, which runs the app`,
      `Run \`chmod 1777 ${IDENTITY_LOCK_DIR}\` as root, then start again.`,
    );
  }
}

/** Makes the identity lock file, writable by all, when missing (never opens an existing one: see above). */
export function createShared(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o666);
  } catch {
    return; // there already (or cannot be made: take() says why)
  }
  try {
    fchmodSync(fd, 0o666);
  } finally {
    closeSync(fd);
  }
}

/** The holder's line beside a lock, written whole and then renamed, so a refused process never reads half of it. */
export function writeHolder(lockPath: string, written: string, shared: boolean): void {
  const temporary = `${holderPath(lockPath)}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, written, { mode: shared ? 0o666 : 0o644 });
    renameSync(temporary, holderPath(lockPath));
  } catch {
    // Only the refusal's message needs it ("pid unknown" without it); the lock itself holds. (In the sticky shared
    // folder another user's holder file cannot be replaced: it is then written over in place, if it lets us.)
    rmSync(temporary, { force: true });
    if (shared)
      try {
        writeFileSync(holderPath(lockPath), written);
      } catch {
        // Not ours to write.
      }
  }
}

/** Removes the holder file if it is still the one this holder wrote (once released, it may be the next holder's). */
export function removeHolder(lockPath: string, written: string): void {
  try {
    if (readFileSync(holderPath(lockPath), 'utf8') === written) rmSync(holderPath(lockPath), { force: true });
  } catch {
    // Already gone (or not ours to remove).
  }
}
