import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Builds dist/ once before the test files that start the built app (the entry point, the export CLI, the checkpoint
 * worker, the crash drill): building it in each of them would let one test read files another is rewriting.
 *
 * esbuild transpiles each source file as `tsc -p tsconfig.build.json` would emit it (same layout, ES2022 modules,
 * source maps) in about a second instead of twenty; the types are checked by `npm run typecheck`, which CI runs
 * before the tests. `npm start` and `npm run bench` still build with tsc.
 */
export default async function setup(): Promise<void> {
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
}
