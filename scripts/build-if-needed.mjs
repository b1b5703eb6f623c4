/**
 * `npm start`'s prestart, and the first step of `npm run backup`, `config`, `doctor`, `export` and `manifest`: builds dist/
 * (`npm run build`, which is tsc, a development dependency) only when it must and can, so that these commands also run
 * where only the production dependencies are installed (`npm ci --omit=dev`, the container image). Run from the
 * package's folder (npm runs scripts there). Its one argument is the built file the command runs (default
 * dist/main.js, `npm start`'s).
 *
 * - The built file exists and is not older than any file of src/ or the tsconfig files: nothing to do (no src/, as in
 *   the image: nothing to compare, nothing to do).
 * - It is missing or older, and TypeScript is installed (node_modules/.bin/tsc, after `npm ci`): builds.
 * - It is missing and TypeScript is not installed: exits 1 with what to do.
 * - It is older but TypeScript is not installed: says so and runs what is built as it is (times can be off after a
 *   copy that does not keep them; refusing would stop a working deployment for that).
 *
 * First of all, the Node.js is checked against package.json's engines (node-version.mjs): an older one exits 1 with
 * one line saying what is needed, instead of the app's stack trace.
 *
 * What the build prints goes to stderr, so that a command's own output (the manifest, the CSV) is all of its stdout.
 * Plain JavaScript with no dependency, so that it runs before anything is built, on any Node.js.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkNodeVersion } from './node-version.mjs';

const root = process.cwd();
checkNodeVersion(join(root, 'package.json'));
const entry = process.argv[2] ?? 'dist/main.js';
const target = join(root, entry);
const tsc = join(root, 'node_modules', '.bin', 'tsc');

/** The newest file the build reads (src/ and the tsconfig files), or undefined when there is none. */
function newestInput() {
  const files = ['tsconfig.json', 'tsconfig.build.json'].map((name) => join(root, name));
  const src = join(root, 'src');
  if (existsSync(src)) {
    for (const name of readdirSync(src, { recursive: true, encoding: 'utf8' })) files.push(join(src, name));
  }
  let newest;
  for (const file of files) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) continue;
    const { mtimeMs } = stat;
    if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

/** Why dist/ must be built, or undefined when it is current. */
function staleness() {
  if (!existsSync(target)) return `${entry} is missing`;
  const newest = newestInput();
  if (newest && newest.mtimeMs > statSync(target).mtimeMs)
    return `${entry} is older than ${relative(root, newest.file)}`;
  return undefined;
}

function build() {
  // Through the npm that runs this script (npm_execpath), so that `npm run build` means the same thing here. Its
  // stdout (npm's banner, tsc's errors) goes to stderr: the command's stdout is its own output.
  const npm = process.env.npm_execpath;
  const stdio = ['inherit', process.stderr.fd, 'inherit'];
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio })
    : spawnSync('npm', ['run', 'build'], { cwd: root, stdio, shell: process.platform === 'win32' });
  if (result.error) {
    process.stderr.write(`Could not run npm run build: ${result.error.message}\n`);
    return 1;
  }
  return result.status ?? 1;
}

const why = staleness();
if (why === undefined) process.exit(0);
if (existsSync(tsc)) {
  process.stderr.write(`${why}: building it (npm run build).\n`);
  process.exit(build());
}
if (!existsSync(target)) {
  process.stderr.write(
    `${why}, and TypeScript is not installed here (production dependencies only), so the app cannot be built.\n` +
      'Run `npm ci && npm run build` (then this command again), or use the container image (docs/deploy.md).\n',
  );
  process.exit(1);
}
process.stderr.write(
  `${why}, and TypeScript is not installed here: running what is built as it is. ` +
    'Run `npm ci && npm run build` to build it from the current sources.\n',
);
