import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NOBODY, type UnprivilegedApp } from './unprivileged.js';

/** The checkout, whose dist/ test/globalSetup.ts builds once per run. */
const ROOT = join(import.meta.dirname, '..', '..');

export interface BuiltRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface BuiltOptions {
  /** The working folder: one without the repository's .env, so only `env` is read. */
  cwd: string;
  /** The environment beside PATH. */
  env?: Record<string, string>;
  /** Run by the unprivileged user, from the copy of the built app it can read. */
  nobody?: UnprivilegedApp;
}

function command(name: string, args: string[], { cwd, env = {}, nobody }: BuiltOptions) {
  const app = nobody ?? { node: process.execPath, root: ROOT };
  return {
    file: app.node,
    argv: [join(app.root, 'dist', `${name}.js`), ...args],
    options: {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      ...(nobody ? { uid: NOBODY, gid: NOBODY } : {}),
    },
  };
}

/**
 * Runs `npm run <name>` as an operator does: the built command (dist/<name>.js) in its own process, to its end (killed
 * after a minute: a hung command fails its test instead of blocking this process).
 */
export function runBuilt(name: string, args: string[], options: BuiltOptions): BuiltRun {
  const { file, argv, options: spawnOptions } = command(name, args, options);
  const { status, stdout, stderr } = spawnSync(file, argv, {
    ...spawnOptions,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status, stdout, stderr };
}

/** The same without blocking this process: for a command that talks to a server the test serves, or runs beside it. */
export function runBuiltAsync(name: string, args: string[], options: BuiltOptions): Promise<BuiltRun> {
  const { file, argv, options: spawnOptions } = command(name, args, options);
  const child = spawn(file, argv, spawnOptions);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/**
 * Every file in the folder: its name, content hash, size, modification time (ns) and mode. The contents are hashed
 * in another process: opening and closing a database file here would drop the POSIX locks this process's open
 * connection (a "running app") holds on it, and let another process delete its -wal.
 */
export function folderSnapshot(folder: string): Record<string, string> {
  const names = readdirSync(folder).sort();
  const hashes = execFileSync(
    process.execPath,
    [
      '-e',
      `const { createHash } = require('node:crypto');
       const { readFileSync } = require('node:fs');
       for (const path of process.argv.slice(1))
         console.log(createHash('sha256').update(readFileSync(path)).digest('hex'));`,
      ...names.map((name) => join(folder, name)),
    ],
    { encoding: 'utf8' },
  ).split('\n');
  const files: Record<string, string> = {};
  for (const [i, name] of names.entries()) {
    const stat = statSync(join(folder, name), { bigint: true });
    files[name] = `${hashes[i]} ${stat.size} ${stat.mtimeNs} ${stat.mode.toString(8)}`;
  }
  return files;
}

/** Runs `body` (and the commands it starts) with umask `mask`: 0 is the most permissive a shell can have. */
export async function withUmask<T>(mask: number, body: () => T | Promise<T>): Promise<T> {
  const before = process.umask(mask);
  try {
    return await body();
  } finally {
    process.umask(before);
  }
}
