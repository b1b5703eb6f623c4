import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds dist/ once before any test file runs: the process, export CLI and crash-drill tests start the built app,
 * and building it in each of them would let one test read files another is rewriting.
 */
export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
