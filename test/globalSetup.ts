import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';
import { stageAppForNobody } from './support/unprivileged.js';

/**
 * Builds dist/ once before the test files that start the built app (the entry point, the export CLI, the checkpoint
 * worker, the crash drill): building it in each of them would let one test read files another is rewriting. Then
 * stages it for the tests that run it as an unprivileged user (test/support/unprivileged.ts).
 *
 * esbuild transpiles each source file as `tsc -p tsconfig.build.json` would emit it (same layout, ES2022 modules,
 * source maps) in about a second instead of twenty; the types are checked by `npm run typecheck`, which CI runs
 * before the tests. `npm start` and `npm run bench` still build with tsc.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = join(import.meta.dirname, '..');
  const src = join(root, 'src');
  const entryPoints = (readdirSync(src, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(src, file));
  await build({
    entryPoints,
    outdir: join(root, 'dist'),
    outbase: src,
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
  });
  // The tests that run the built app as another user share one copy it can read, when the checkout is private.
  const app = stageAppForNobody();
  project.provide('unprivilegedApp', { root: app.root, node: app.node });
  return app.dispose;
}
