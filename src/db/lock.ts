import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';

/**
 * One app process per database file, enforced: two would both run the outbox worker and send the same Slack
 * messages. The first process holds an operating-system lock on a small companion SQLite file next to the database
 * (`<database>.lock`); a second one, in another process or in the same one, is refused at once.
 *
 * The lock is SQLite's own: the companion file is opened with `locking_mode=EXCLUSIVE` and an exclusive transaction
 * is begun and never ended, which holds POSIX advisory (fcntl) locks on it for the life of the connection. The kernel
 * drops those locks when the process ends, however it ends (SIGKILL and crashes included), so a dead holder never
 * leaves a stale lock behind. POSIX locks belong to a process, not to a connection: SQLite's unix layer keeps track
 * of its locks per file across all connections in the process (worker threads included) and refuses a second
 * connection there too, and it keeps a refused connection's file descriptor open while the lock is held, since
 * closing any descriptor of the file would drop the process's locks on it. For that reason nothing else may open
 * the lock file itself; the holder's pid, host and start time go to a plain file beside it (`<database>.lock.json`)
 * so that a refusal can name the holder. The main database file is not locked this way: the app opens several
 * connections to it (the checkpoint worker thread has its own).
 */
export interface DatabaseLock {
  /** The companion lock file ('' for an in-memory database, which needs no lock). */
  readonly lockPath: string;
  /** Gives the lock up (the holder file first, then the lock). Safe to call more than once. */
  release(): void;
}

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

/** The lock file of a database: next to the real file (symbolic links followed, as SQLite does for its -wal). */
export function lockPathOf(databasePath: string): string {
  const path = resolve(databasePath);
  const real = existsSync(path) ? realpathSync(path) : join(realpathSync(dirname(path)), basename(path));
  return `${real}.lock`;
}

const holderPath = (lockPath: string) => `${lockPath}.json`;

function readHolder(lockPath: string): LockHolder | undefined {
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

const isBusy = (error: unknown) =>
  error instanceof Database.SqliteError && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED');

/**
 * Takes the database's lock for as long as this process runs (or until `release`), creating the database's folder
 * and the lock file if missing. Throws DatabaseInUseError at once when another process, or another lock in this one,
 * holds it.
 */
export function lockDatabase(databasePath: string): DatabaseLock {
  if (databasePath === ':memory:') return { lockPath: '', release: () => {} };
  mkdirSync(dirname(resolve(databasePath)), { recursive: true });
  const lockPath = lockPathOf(databasePath);
  let sqlite: Database.Database | undefined;
  try {
    // timeout 0: no busy wait, a held lock answers SQLITE_BUSY at once.
    sqlite = new Database(lockPath, { timeout: 0 });
    // No journal file next to it (nothing is ever written to this database), and the lock kept until close.
    sqlite.pragma('journal_mode = MEMORY');
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    sqlite?.close();
    if (isBusy(error)) throw new DatabaseInUseError(resolve(databasePath), lockPath, readHolder(lockPath));
    throw new Error(
      `Could not lock the database ${resolve(databasePath)} (lock file ${lockPath}): ${(error as Error).message}`,
    );
  }

  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const written = `${JSON.stringify(holder)}\n`;
  // Written whole and then renamed, so a refused process never reads half of it.
  const temporary = `${holderPath(lockPath)}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, written);
    renameSync(temporary, holderPath(lockPath));
  } catch {
    // Only the refusal's message needs it ("pid unknown" without it); the lock itself holds.
    rmSync(temporary, { force: true });
  }

  const held = sqlite;
  return {
    lockPath,
    release() {
      if (!held.open) return;
      // The holder file goes first, while the lock is still held: once it is released, it may be the next holder's.
      try {
        if (readFileSync(holderPath(lockPath), 'utf8') === written)
          rmSync(holderPath(lockPath), { force: true });
      } catch {
        // Already gone.
      }
      held.close();
    },
  };
}
