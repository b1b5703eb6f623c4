import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

/** The checkout's root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Builds dist/ from src/ for the tests that run the built commands (test/globalSetup.ts, test/postgres/globalSetup.ts):
 * esbuild transpiles each source file as `tsc -p tsconfig.build.json` would emit it (same layout, ES2022 modules,
 * source maps) in about a second instead of twenty; the types are checked by `npm run typecheck`, which CI runs
 * before the tests. `npm start` and `npm run bench` still build with tsc.
 *
 * Two runs in one checkout (`npm test` beside `npm run test:pg`, or a second `npm test`) must not tear each other's
 * files: esbuild builds in memory, and each file that changed is written beside its place and renamed over it, so a
 * process starting the built app reads a whole old file or a whole new one, never half of one. A file whose bytes are
 * the same is left alone: a second run rewrites nothing.
 */
export async function buildDist(outdir = join(ROOT, 'dist')): Promise<void> {
  const src = join(ROOT, 'src');
  const entryPoints = (readdirSync(src, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(src, file));
  const built = await build({
    entryPoints,
    outdir,
    outbase: src,
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    write: false,
  });
  for (const file of built.outputFiles) {
    if (sameBytes(file.path, file.contents)) continue;
    mkdirSync(dirname(file.path), { recursive: true });
    const beside = `${file.path}.${process.pid}.tmp`;
    writeFileSync(beside, file.contents);
    renameSync(beside, file.path);
  }
}

function sameBytes(path: string, contents: Uint8Array): boolean {
  try {
    return Buffer.from(contents).equals(readFileSync(path));
  } catch {
    return false;
  }
}
