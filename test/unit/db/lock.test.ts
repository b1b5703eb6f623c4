import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseInUseError, type DatabaseLock, lockDatabase } from '../../../src/db/lock.js';

/** Another process tries SQLite's exclusive lock on the file, as lockDatabase does, and prints what it got. */
function otherProcessTries(lockPath: string): string {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1], { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
      process.stdout.write('locked');
    } catch (error) {
      process.stdout.write(error.code);
    }`;
  return execFileSync(process.execPath, ['-e', script, lockPath], {
    cwd: join(import.meta.dirname, '..', '..', '..'),
    encoding: 'utf8',
  });
}

const asRoot = process.getuid?.() === 0;

/** Whether `chattr +i` works here (root, a file system with the immutable attribute); some CI machines have neither. */
function chattrWorks(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-chattr-'));
  const file = join(dir, 'probe');
  writeFileSync(file, '');
  const set = spawnSync('chattr', ['+i', file]);
  if (set.status === 0) spawnSync('chattr', ['-i', file]);
  rmSync(dir, { recursive: true, force: true });
  return set.status === 0;
}
const canChattr = chattrWorks();

/** What lockDatabase throws when it cannot take the lock for a reason other than another holder. */
function failure(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    if (error instanceof DatabaseInUseError)
      throw new Error(`refused as in use, not as unlockable: ${error.message}`);
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('the lock was taken');
}

function refusal(f: () => unknown): DatabaseInUseError {
  try {
    f();
  } catch (error) {
    if (error instanceof DatabaseInUseError) return error;
    throw error;
  }
  throw new Error('the lock was not refused');
}

describe('lockDatabase (one process per database file)', () => {
  let dir: string;
  const held: DatabaseLock[] = [];
  const lock = (path: string) => {
    const taken = lockDatabase(path);
    held.push(taken);
    return taken;
  };
  beforeEach(() => {
    // Real path: the lock file is named after the real file (macOS's tmpdir is behind a symbolic link).
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'handoff-lock-')));
  });
  afterEach(() => {
    for (const taken of held.splice(0)) taken.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second lock in the same process, naming the file and the holder, until the first is released', () => {
    const databasePath = join(dir, 'nested', 'handoff.db');
    const first = lock(databasePath);
    // The folder is created like the database's own; the lock file sits next to the database.
    expect(first.lockPath).toBe(`${databasePath}.lock`);
    expect(existsSync(first.lockPath)).toBe(true);

    const began = performance.now();
    const refused = refusal(() => lock(databasePath));
    // At once: no busy wait on the lock (better-sqlite3's default would wait five seconds).
    expect(performance.now() - began).toBeLessThan(1000);
    expect(refused.databasePath).toBe(databasePath);
    expect(refused.lockPath).toBe(first.lockPath);
    expect(refused.holder).toEqual({ pid: process.pid, host: hostname(), startedAt: expect.any(String) });
    expect(refused.message).toContain(
      `Another process is using the database ${databasePath} (pid ${process.pid}`,
    );
    expect(refused.message).toContain('set DATABASE_PATH to another file');

    first.release();
    first.release(); // twice is harmless
    const next = lock(databasePath);
    expect(refusal(() => lock(databasePath)).holder?.pid).toBe(process.pid);
    next.release();
  });

  it('holds the lock at the operating-system level: another process is refused, even after a refusal here', () => {
    const databasePath = join(dir, 'handoff.db');
    const first = lock(databasePath);
    expect(otherProcessTries(first.lockPath)).toBe('SQLITE_BUSY');
    // Closing any descriptor of a file drops the process's POSIX locks on it: the refused connection in this
    // process must not have done that.
    refusal(() => lock(databasePath));
    expect(otherProcessTries(first.lockPath)).toBe('SQLITE_BUSY');
    first.release();
    expect(otherProcessTries(first.lockPath)).toBe('locked');
  });

  it('writes the holder down beside the lock and removes it on release, leaving a later holder its own; without it the pid is unknown', () => {
    const databasePath = join(dir, 'handoff.db');
    const first = lock(databasePath);
    const holderFile = `${first.lockPath}.json`;
    expect(JSON.parse(readFileSync(holderFile, 'utf8'))).toEqual({
      pid: process.pid,
      host: hostname(),
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    first.release();
    expect(existsSync(holderFile)).toBe(false);

    // A holder file another holder wrote (here: after this one took the lock) is not this one's to remove.
    const second = lock(databasePath);
    writeFileSync(holderFile, '{"pid":1,"host":"elsewhere","startedAt":"then"}');
    expect(refusal(() => lock(databasePath)).message).toContain(
      'pid 1 on host elsewhere, running since then',
    );
    second.release();
    expect(existsSync(holderFile)).toBe(true);

    // Without the holder file, the pid is unknown.
    lock(databasePath);
    rmSync(holderFile);
    const refused = refusal(() => lock(databasePath));
    expect(refused.holder).toBeUndefined();
    expect(refused.message).toContain('(pid unknown:');
  });

  it('is one lock per file, however the path is spelled (relative, dot segments, a symbolic link), renamed or not', () => {
    const databasePath = join(dir, 'handoff.db');
    writeFileSync(databasePath, '');
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(databasePath, join(dir, 'elsewhere', 'linked.db'));
    lock(databasePath);
    expect(refusal(() => lock(`${dir}/./handoff.db`)).databasePath).toBe(databasePath);
    expect(refusal(() => lock(relative(process.cwd(), databasePath))).databasePath).toBe(databasePath);
    expect(refusal(() => lock(join(dir, 'elsewhere', 'linked.db'))).lockPath).toBe(`${databasePath}.lock`);
    // Renamed while the holder runs: the same lock.
    renameSync(databasePath, join(dir, 'renamed.db'));
    expect(refusal(() => lock(join(dir, 'renamed.db'))).holder?.pid).toBe(process.pid);
  });

  it('is one lock per database file, not per path: a hard link in another directory meets the same lock', () => {
    const databasePath = join(dir, 'handoff.db');
    writeFileSync(databasePath, '');
    mkdirSync(join(dir, 'elsewhere'));
    const linked = join(dir, 'elsewhere', 'linked.db');
    linkSync(databasePath, linked);
    const first = lock(databasePath);
    const refused = refusal(() => lock(linked));
    expect(refused.databasePath).toBe(linked);
    expect(refused.holder?.pid).toBe(process.pid);
    expect(refused.message).toContain(`Another process is using the database ${linked} (pid ${process.pid}`);
    // Another process, through its own path to the file, is refused by the operating system too.
    expect(first.identityLockPath).not.toBe('');
    expect(otherProcessTries(first.identityLockPath)).toBe('SQLITE_BUSY');
    // And the other way round: the link's holder keeps the original path out.
    first.release();
    const viaLink = lock(linked);
    expect(viaLink.identityLockPath).toBe(first.identityLockPath);
    expect(refusal(() => lock(databasePath)).databasePath).toBe(databasePath);
  });

  it.runIf(canChattr)(
    'refuses an immutable lock file (chattr +i: SQLite would open it read-only and lock nothing), naming the file and the fix',
    () => {
      const databasePath = join(dir, 'handoff.db');
      const { lockPath } = lock(databasePath);
      held.pop()?.release();
      execFileSync('chattr', ['+i', lockPath]);
      try {
        const error = failure(() => lock(databasePath));
        expect(error.message).toContain(
          `Could not lock the database ${databasePath} (lock file ${lockPath})`,
        );
        expect(error.message).toContain(`chattr -i ${lockPath}`);
        // Refused on the same grounds however many try: no process holds a lock on a file it cannot write.
        failure(() => lock(databasePath));
      } finally {
        execFileSync('chattr', ['-i', lockPath]);
      }
      // Writable again: it locks.
      const taken = lockDatabase(databasePath);
      taken.release();

      // The same for the lock keyed by the file's identity.
      const { identityLockPath } = taken;
      execFileSync('chattr', ['+i', identityLockPath]);
      try {
        expect(failure(() => lock(databasePath)).message).toContain(`chattr -i ${identityLockPath}`);
      } finally {
        execFileSync('chattr', ['-i', identityLockPath]);
      }
    },
  );

  // Root may write any file but an immutable one (above); test/drills/singleProcess.test.ts runs the app as an
  // unprivileged user on a lock file root left behind.
  it.runIf(!asRoot)(
    'refuses a lock file it may only read (SQLite would open it read-only and lock nothing)',
    () => {
      const databasePath = join(dir, 'handoff.db');
      const { lockPath } = lock(databasePath);
      held.pop()?.release();
      chmodSync(lockPath, 0o444);
      const error = failure(() => lock(databasePath));
      expect(error.message).toContain(`Could not lock the database ${databasePath} (lock file ${lockPath})`);
      expect(error.message).toContain(`chmod u+w ${lockPath}`);
    },
  );

  it('takes no lock for an in-memory database; names the lock file when it cannot take one for another reason', () => {
    expect(lock(':memory:').lockPath).toBe('');
    expect(lock(':memory:').lockPath).toBe('');
    const databasePath = join(dir, 'handoff.db');
    mkdirSync(`${databasePath}.lock`);
    expect(() => lock(databasePath)).toThrow(`Could not lock the database ${databasePath} (lock file`);
  });
});
