import { existsSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  createShared,
  DatabaseInUseError,
  DatabaseLockError,
  IDENTITY_LOCK_DIR,
  identityLockDir,
  identityLockPathOf,
  type LockHolder,
  lockPathOf,
  readHolder,
  removeHolder,
  whyUnwritable,
  writeHolder,
} from './lockFiles.js';
import { createPrivateFileIfMissing, makePrivateFolder } from './privateFiles.js';

export {
  DatabaseInUseError,
  DatabaseLockError,
  IDENTITY_LOCK_DIR,
  identityLockPathOf,
  type LockHolder,
  lockPathOf,
} from './lockFiles.js';

/**
 * One app process per database file, enforced: two would both run the outbox worker and send the same Slack
 * messages. The first process holds operating-system locks on two small companion SQLite files; a second one, in
 * another process or in the same one, is refused at once.
 *
 * - `<database>.lock`, next to the database (symbolic links followed): every process that sees the database's folder
 *   meets it, whatever the path it was given, through a bind mount, from another container or a systemd service with
 *   its own /tmp, and it stays the same when the database file is replaced (a restore, the sandbox's fresh start).
 * - `/tmp/cosell-handoff-locks/<st_dev>-<st_ino>.lock`, named after the database file's identity: every path to the
 *   same file meets it, a hard link in another folder or a name the file was moved to while the holder ran included,
 *   which no lock named after a path can do. A fixed folder, not os.tmpdir(): TMPDIR differs between users and
 *   sessions (on macOS, per user), and all of them must meet. Its files are created writable by all (the folder is
 *   sticky and writable by all, like /tmp), so that a start as root leaves nothing there that keeps the app's own
 *   user out; the holder refreshes its file's times every hour so that a /tmp cleaner (systemd-tmpfiles ages /tmp
 *   by 10 days on some systems) never takes it. To make it exist, the database file is created (empty: SQLite
 *   makes it a database when it first writes) when missing. Its limits: a process with another /tmp (a systemd
 *   service with PrivateTmp, another container) does not meet it, only the lock next to the database (so a hard link
 *   AND another /tmp still get past); and while a holder runs on a database file that was deleted under it (the
 *   sandbox deletes its own after locking it), a new file given the same inode number is refused until it stops.
 *
 * SQLite's locking on the main database file itself cannot serve: the app opens several connections to it (the
 * checkpoint worker thread has its own), SQLite shares one set of POSIX locks per file among all connections of a
 * process, and WAL connections hold shared locks on it, so an exclusive lock there would shut the app's own
 * connections out; a lock on bytes SQLite leaves alone needs fcntl or flock, which Node does not offer.
 *
 * Each lock is SQLite's own: the companion file is opened with `locking_mode=EXCLUSIVE` and an exclusive transaction
 * is begun and never ended, which holds POSIX advisory (fcntl) locks on it for the life of the connection. The kernel
 * drops those locks when the process ends, however it ends (SIGKILL and crashes included), so a dead holder never
 * leaves a stale lock behind. A lock file this process may not open for writing (owned by another user, such as the
 * root a start as root left it to; immutable; read-only) is refused with the file and the fix: SQLite would open it
 * read-only without a word, and a read-only descriptor holds no write lock, so two such processes both ran. The
 * connection proves it may write the file (a table created in the transaction, never committed) before it counts
 * as held.
 *
 * POSIX locks belong to a process, not to a connection: SQLite's unix layer keeps track of its locks per file
 * (device and inode) across all connections in the process (worker threads included) and refuses a second connection
 * there too, and it keeps a refused connection's file descriptor open while the lock is held, since closing any
 * descriptor of the file would drop the process's locks on it. For that reason nothing else may open a lock file
 * (the checks here only stat it); the holder's pid, host and start time go to a plain file beside each
 * (`<lock>.json`) so that a refusal can name the holder. The main database file is not locked this way (above).
 */
export interface DatabaseLock {
  /** The companion lock file next to the database ('' for an in-memory database, which needs no lock). */
  readonly lockPath: string;
  /** The lock file named after the database file's device and inode ('' for an in-memory database). */
  readonly identityLockPath: string;
  /** Gives the locks up (the holder files first, then the locks). Safe to call more than once. */
  release(): void;
}

const isBusy = (error: unknown) =>
  error instanceof Database.SqliteError && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED');
const isReadOnly = (error: unknown) =>
  error instanceof Database.SqliteError && error.code.startsWith('SQLITE_READONLY');
/**
 * Takes one lock file's lock, or throws: DatabaseInUseError when another holder has it, DatabaseLockError when this
 * process cannot hold it.
 */
function take(databasePath: string, lockPath: string): Database.Database {
  const unwritable = whyUnwritable(lockPath);
  if (unwritable) throw new DatabaseLockError(databasePath, lockPath, unwritable.problem, unwritable.fix);
  let sqlite: Database.Database | undefined;
  try {
    // timeout 0: no busy wait, a held lock answers SQLITE_BUSY at once.
    sqlite = new Database(lockPath, { timeout: 0 });
    // No journal file next to it (nothing is ever committed to this database), and the lock kept until close.
    sqlite.pragma('journal_mode = MEMORY');
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.exec('BEGIN EXCLUSIVE');
    // Proof that the file is open for writing (SQLite falls back to read-only without a word, and then holds no
    // write lock): a change inside the transaction, never committed, so the file stays as it was.
    sqlite.exec('CREATE TABLE IF NOT EXISTS held (since INTEGER)');
    return sqlite;
  } catch (error) {
    sqlite?.close();
    if (isBusy(error)) throw new DatabaseInUseError(databasePath, lockPath, readHolder(lockPath));
    if (isReadOnly(error))
      throw new DatabaseLockError(
        databasePath,
        lockPath,
        'SQLite could open it for reading only, and a read-only file holds no write lock: other processes would not be kept out',
        'Make it, and its folder, readable and writable by the user running the app.',
      );
    throw new DatabaseLockError(databasePath, lockPath, (error as Error).message);
  }
}

const REFRESH_MS = 60 * 60 * 1000;

/**
 * Takes the database's locks for as long as this process runs (or until `release`), creating the database's folder,
 * the database file (empty) and the lock files if missing. Throws DatabaseInUseError at once when another process,
 * or another lock in this one, holds either; DatabaseLockError when this process cannot hold them (the message says
 * which file and what to do).
 */
export function lockDatabase(databasePath: string): DatabaseLock {
  if (databasePath === ':memory:') return { lockPath: '', identityLockPath: '', release: () => {} };
  const database = resolve(databasePath);
  makePrivateFolder(dirname(database));
  const lockPath = lockPathOf(databasePath);
  const pathLock = take(database, lockPath);

  let identityLockPath = '';
  let identityLock: Database.Database;
  try {
    // The identity lock needs the file. Created only when missing: closing a descriptor of an existing database file
    // could drop locks this process holds on it.
    // Mode 0600 whatever the umask: SQLite gives its -wal and -shm the database file's mode (db/privateFiles.ts).
    if (!existsSync(database)) createPrivateFileIfMissing(database);
    identityLockDir(database);
    identityLockPath = identityLockPathOf(database);
    createShared(identityLockPath);
    identityLock = take(database, identityLockPath);
  } catch (error) {
    pathLock.close();
    if (error instanceof DatabaseInUseError || error instanceof DatabaseLockError) throw error;
    throw new DatabaseLockError(database, identityLockPath || IDENTITY_LOCK_DIR, (error as Error).message);
  }

  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const written = `${JSON.stringify(holder)}\n`;
  writeHolder(lockPath, written, false);
  writeHolder(identityLockPath, written, true);
  const refresh = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(identityLockPath, now, now);
    } catch {
      // Gone, or another user's file (only its owner may set its times): the lock next to the database still holds.
    }
  }, REFRESH_MS);
  refresh.unref();

  return {
    lockPath,
    identityLockPath,
    release() {
      if (!pathLock.open) return;
      clearInterval(refresh);
      // The holder files go first, while the locks are still held.
      removeHolder(identityLockPath, written);
      removeHolder(lockPath, written);
      identityLock.close();
      pathLock.close();
    },
  };
}
