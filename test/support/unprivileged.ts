import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The built app staged once by test/globalSetup.ts (stageAppForNobody). */
    unprivilegedApp: { root: string; node: string } | undefined;
  }
}

/**
 * The unprivileged user of the tests that need a real other user: root may write any file, so a file read-only for
 * the app, or a lock file someone else owns, needs the app to run as someone else.
 */
export const NOBODY = 65534;
export const asRoot = process.getuid?.() === 0;

const checkout = join(import.meta.dirname, '..', '..');

/** Where the unprivileged user runs the built app from: `root` holds dist/ and what it needs; `node` runs it. */
export interface UnprivilegedApp {
  root: string;
  node: string;
  /** Removes the copy, if one was made. */
  dispose(): void;
}

/** Whether the unprivileged user can run `node` with `args` to a zero exit. */
function nobodyRuns(node: string, args: string[]): boolean {
  return spawnSync(node, args, { uid: NOBODY, gid: NOBODY, stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/** Whether the unprivileged user can start `node` and read the built entry point under `root`. */
function nobodyCanRun(node: string, root: string): boolean {
  const entry = join(root, 'dist', 'main.js');
  return nobodyRuns(node, [
    '-e',
    'require("node:fs").accessSync(process.argv[1], require("node:fs").constants.R_OK)',
    entry,
  ]);
}

/** Hard links `from` at `to` (a copy when they are on different file systems or linking is refused), recursively. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (entry.isFile()) linkOrCopy(source, target);
  }
}

function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

/** The packages the built app may load: every installed top-level package that package-lock.json does not mark dev. */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(checkout, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path]) => path.startsWith('node_modules/') && !path.slice(13).includes('/node_modules/'))
    .filter(([path, entry]) => !entry.dev && existsSync(join(checkout, path)))
    .map(([path]) => path);
}

/**
 * The built app as the unprivileged user can run it. Usually the checkout itself. A Node.js installed in a private
 * folder (under /root) is hard-linked (copied across file systems) into a folder that user can read. A checkout in a
 * private folder (a clone under /root, or in `mktemp -d`) is staged there too: the built app, what it reads at run
 * time (package.json, migrations/, manifest.json) and the production packages, about 1 s to link and 2 s to remove,
 * so only when the checkout cannot be read. Run once by test/globalSetup.ts after it has built dist/; `dispose()`
 * when the run ends.
 */
export function stageAppForNobody(): UnprivilegedApp {
  // Only root can start a process as another user; the tests that use this run as root.
  if (!asRoot || nobodyCanRun(process.execPath, checkout))
    return { root: checkout, node: process.execPath, dispose: () => {} };
  const root = mkdtempSync(join(tmpdir(), 'handoff-app-'));
  chmodSync(root, 0o755);
  const dispose = () => rmSync(root, { recursive: true, force: true });
  try {
    let node = process.execPath;
    if (!nobodyRuns(node, ['-e', ''])) {
      node = join(root, 'node');
      linkOrCopy(process.execPath, node);
    }
    if (nobodyCanRun(node, checkout)) return { root: checkout, node, dispose };
    for (const name of ['package.json', 'manifest.json']) linkOrCopy(join(checkout, name), join(root, name));
    for (const name of ['dist', 'migrations', ...productionPackages()])
      linkTree(join(checkout, name), join(root, name));
    if (!nobodyCanRun(node, root))
      throw new Error(
        `user ${NOBODY} cannot run the app copied to ${root}: is ${tmpdir()} readable by every user?`,
      );
    return { root, node, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/**
 * In a test file: the app test/globalSetup.ts staged for the run, or (under a configuration without that global
 * setup) one staged for this file, to `dispose()` in `afterAll`.
 */
export function unprivilegedApp(): UnprivilegedApp {
  const staged = inject('unprivilegedApp');
  return staged ? { ...staged, dispose: () => {} } : stageAppForNobody();
}
