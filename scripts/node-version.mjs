/**
 * Whether this Node.js is one the app runs on: package.json's `engines.node` (`>=22.12.0`). Run first by
 * build-if-needed.mjs (so by `npm start` and every `npm run` command of the app) and by the systemd units
 * (ExecStartPre): on an older Node.js the app would die at its first import with a stack trace from a dependency
 * (undici, on Node.js 20), rather than say what it needs. Plain JavaScript that Node.js 18 and 20 still parse, with no
 * dependency.
 *
 *   node scripts/node-version.mjs      # exit 0, or 1 with one line saying what is needed and how to get it
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The Node.js the README recommends, as scripts/registry-node.sh takes it. */
export const RECOMMENDED = '24.21.0';

const parse = (version) =>
  version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);

/** Whether version `a` is at least `b` (major.minor.patch). */
function atLeast(a, b) {
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i += 1) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return true;
}

/**
 * Undefined when `current` satisfies `engines` (a `>=X.Y.Z`, the one form package.json uses), otherwise the line to
 * print.
 */
export function nodeVersionProblem(current, engines) {
  const minimum = /^\s*>=\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(engines ?? '')?.[1];
  if (!minimum || atLeast(current, minimum)) return undefined;
  return (
    `This is Node.js ${current}; the app needs Node.js ${minimum} or later (package.json "engines"). ` +
    `Get Node.js ${RECOMMENDED.split('.')[0]} beside the system's: ` +
    `export PATH="$(bash scripts/registry-node.sh ${RECOMMENDED})/bin:$PATH" (README, "Node.js").`
  );
}

/** The check of this process's Node.js against the package's engines: exits 1 with the line when it fails. */
export function checkNodeVersion(
  packageJson = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'),
) {
  const engines = JSON.parse(readFileSync(packageJson, 'utf8')).engines?.node;
  const problem = nodeVersionProblem(process.versions.node, engines);
  if (problem === undefined) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) checkNodeVersion();
