import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type Written = { kind: 'written' } | { kind: 'refused'; message: string };

/** What a refused write says, by the system's code: one line, what to do, no stack trace. */
function refusal(path: string, error: unknown): Written {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const folder = dirname(path);
  const message: Record<string, string> = {
    EEXIST: `${path} already exists: choose another file, or add --force to replace it.`,
    ELOOP: `${path} is a symbolic link: the manifest is not written through it. Give the file itself, or add --force to replace the link with the manifest.`,
    ENOENT: `The folder ${folder} does not exist: make it first, or choose another file.`,
    ENOTDIR: `${folder} is not a folder: choose another file.`,
    EISDIR: `${path} is a folder: give a file name (like ${join(path, 'manifest.json')}).`,
    EACCES: `This user may not write ${path} (${folder}): choose another file.`,
    EPERM: `This user may not write ${path} (${folder}): choose another file.`,
    EROFS: `${folder} is on a read-only file system: choose another file.`,
  };
  if (typeof code !== 'string') throw error;
  return {
    kind: 'refused',
    message: message[code] ?? `Could not write ${path}: ${(error as Error).message}.`,
  };
}

/** Writes `text` to a file made here and only here: O_CREAT|O_EXCL|O_NOFOLLOW (an existing name, a link included, is refused). */
function writeNew(path: string, text: string): void {
  const fd = openSync(
    path,
    constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_WRONLY,
    0o644,
  );
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * `--out FILE`: the manifest written to FILE, never over an existing file without `force` (a `.env` given by mistake
 * stays as it was), never through a symbolic link (with `force`, the link itself is replaced: the manifest is written
 * beside it under a new name and renamed over it, so the file it pointed at is untouched).
 */
export function writeManifest(path: string, text: string, force: boolean): Written {
  try {
    if (!force) {
      writeNew(path, text);
      return { kind: 'written' };
    }
    if (existsSync(path) && statSync(path).isDirectory()) return refusal(path, { code: 'EISDIR' });
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}`);
    writeNew(temporary, text);
    try {
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return { kind: 'written' };
  } catch (error) {
    // O_EXCL answers EEXIST for an existing link; say which it is.
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EEXIST' && isLink(path)) return refusal(path, { code: 'ELOOP' });
    return refusal(path, error);
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
