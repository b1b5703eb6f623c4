import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The files that hold the app's data (the database and its `-wal` and `-shm`, backups, exports) are the service
 * user's alone: 0600, their new folders 0700, whatever the umask of whoever started the command (outside systemd's
 * `UMask=0027` a shell's 022 would make them world-readable). SQLite gives a database it creates 0644 less the umask,
 * and its `-wal` and `-shm` the database file's own mode, so the app creates the database file itself first.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** `path`'s folder and any missing parents, made 0700 (folders that exist are left as they are). */
export function makePrivateFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates `path` empty with mode 0600 if it is missing (an existing file, the database of a running install, is left
 * as it is). Never follows a symbolic link there: O_EXCL refuses any existing name, a link included.
 */
export function createPrivateFileIfMissing(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  try {
    // The umask may have cut the mode asked for (never widened it): set it exactly.
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/** A file made by `createPrivateTemporary`: its path, and whether that path is still the file that was made. */
export interface PrivateTemporary {
  path: string;
  /** False when something replaced the name since it was made (a link planted in a folder others can write). */
  unchanged(): boolean;
}

/**
 * A new empty file with mode 0600 beside `target`, under a name nobody can guess (`.<name>.partial-<random>`), made
 * with O_CREAT|O_EXCL|O_NOFOLLOW: a symbolic link or any file planted under that name is refused, never followed.
 */
export function createPrivateTemporary(target: string): PrivateTemporary {
  const path = join(dirname(target), `.${basename(target)}.partial-${randomBytes(9).toString('base64url')}`);
  const fd = openSync(
    path,
    constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_WRONLY,
    PRIVATE_FILE_MODE,
  );
  let identity: { dev: number; ino: number };
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
    const { dev, ino } = fstatSync(fd);
    identity = { dev, ino };
  } finally {
    closeSync(fd);
  }
  return {
    path,
    unchanged() {
      try {
        const now = lstatSync(path);
        return now.isFile() && now.dev === identity.dev && now.ino === identity.ino;
      } catch {
        return false;
      }
    },
  };
}

/**
 * Writes `data` to `path`: a new file is made 0600 (whatever the umask); an existing one is replaced in place and
 * keeps the mode its owner gave it.
 */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, PRIVATE_FILE_MODE);
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
  }
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
}
