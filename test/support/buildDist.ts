import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The checkout's root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Builds dist/ from src/ for the tests that run the built commands (test/globalSetup.ts, test/postgres/globalSetup.ts):
 * esbuild transpiles each source file as `tsc -p tsconfig.build.json` would emit it (same layout, ES2022 modules,
 * source maps) in about a second instead of twenty; the types are checked by `npm run typecheck`, which CI runs
 * before the tests. `npm start` and `npm run bench` still build with tsc.
 */
export async function buildDist(): Promise<void> {
  const src = join(ROOT, 'src');
  const entryPoints = (readdirSync(src, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(src, file));
  await build({
    entryPoints,
    outdir: join(ROOT, 'dist'),
    outbase: src,
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
  });
}
