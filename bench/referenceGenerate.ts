/**
 * The ack section's database for a `--reference` checkout, written by that commit's own generator
 * (`bench/lib/generate.ts` there, on its own migrations), so it has the schema the reference's app expects. Run by
 * bench/run.ts as a child with the reference's root in BENCH_REFERENCE_ROOT; the options come over IPC (the cast is
 * too large for the environment), the answer is `{ result }` or `{ error }`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Generated, GenerateOptions } from './lib/generate.js';

const file = join(process.env.BENCH_REFERENCE_ROOT ?? '', 'bench', 'lib', 'generate.ts');

process.on('message', (raw) => {
  const { id, options } = raw as { id: number; options: Omit<GenerateOptions, 'now'> & { now: string } };
  void (async () => {
    if (!existsSync(file))
      throw new Error(
        `${file} does not exist: the reference's database is written by its own generator (its schema), so a commit without bench/lib/generate.ts cannot be the reference`,
      );
    const module = (await import(pathToFileURL(file).href)) as { generate?: unknown };
    if (typeof module.generate !== 'function') throw new Error(`${file} has no export generate`);
    const generate = module.generate as (options: GenerateOptions) => Generated;
    return generate({ ...options, now: new Date(options.now) });
  })().then(
    (result) => process.send?.({ id, result }),
    (error: unknown) => process.send?.({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});
