import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** The checkout's root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Builds dist/ from src/ for the tests that run the built commands (test/globalSetup.ts, test/postgres/globalSetup.ts):
 * esbuild transpiles each source file as `tsc -p tsconfig.build.json` would emit it (same layout, ES2022 modules,
 * source maps) in about a second instead of twenty; the types are checked by `npm run typecheck`, which CI runs
 * before the tests. `npm start` and `npm run bench` still build with tsc.
 *
 * drizzle-orm alone is bundled, into shared chunks under dist/vendor/ (the app's own files keep their layout, and every
 * other package is imported from node_modules as the tsc build does). Node.js 22 and 24 parse drizzle-orm's package.json
 * (179 kB of `exports`) again for each of its ~300 files a process loads: 0.45 s of CPU at every start of a built
 * command, which the suite makes about a hundred times. From chunks, a built command starts in 0.4 s instead of 1.0 s.
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
    bundle: true,
    splitting: true,
    chunkNames: 'vendor/[name]-[hash]',
    plugins: [onlyDrizzleBundled(src)],
    platform: 'node',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    write: false,
  });
  // The chunks first: a process starting meanwhile never reads an entry whose chunk is not written yet.
  const vendor = join(outdir, 'vendor');
  const chunksFirst = [...built.outputFiles].sort(
    (a, b) => Number(!a.path.startsWith(vendor)) - Number(!b.path.startsWith(vendor)),
  );
  for (const file of chunksFirst) {
    if (sameBytes(file.path, file.contents)) continue;
    mkdirSync(dirname(file.path), { recursive: true });
    const beside = `${file.path}.${process.pid}.tmp`;
    writeFileSync(beside, file.contents);
    renameSync(beside, file.path);
  }
  pruneOldChunks(vendor, new Set(built.outputFiles.map((file) => file.path)));
}

/** Chunks of an earlier build, a day old: no run still starting the built app reads them. */
function pruneOldChunks(vendor: string, current: Set<string>): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of readdirSync(vendor)) {
    const path = join(vendor, name);
    if (!current.has(path) && statSync(path).mtimeMs < dayAgo) rmSync(path, { force: true });
  }
}

/**
 * Each source file stays a file of its own (its relative imports are left as they are), every package but
 * drizzle-orm stays an import of node_modules, and drizzle-orm's modules go into the chunks the entry points share.
 */
function onlyDrizzleBundled(src: string): Plugin {
  const drizzle = /^drizzle-orm(\/|$)/;
  return {
    name: 'only-drizzle-bundled',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (args.path.startsWith('.'))
          return args.importer.startsWith(src) ? { path: args.path, external: true } : undefined;
        return drizzle.test(args.path) ? undefined : { path: args.path, external: true };
      });
    },
  };
}

function sameBytes(path: string, contents: Uint8Array): boolean {
  try {
    return Buffer.from(contents).equals(readFileSync(path));
  } catch {
    return false;
  }
}
