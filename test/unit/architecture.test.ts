import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The code's shape, checked on every run (issue 32): no import cycle, not even of types; queries only in src/db/;
 * no file over 400 lines but the two that are literals; Block Kit renderers and rules never reach up into the use
 * cases. A refactoring that breaks one of these fails here, naming the file.
 */

const SRC = resolve(import.meta.dirname, '../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

const files = filesUnder(SRC);
const source = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
const name = (file: string) => relative(SRC, file);

/** Every relative import of a file (values and types, and re-exports), as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = source.get(file) ?? '';
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+'(\.{1,2}\/[^']+)\.js'/g)];
  return found.map((m) => resolve(dirname(file), `${m[1]}.ts`)).filter((target) => source.has(target));
}

/** The first cycle in the import graph, as a path of file names (empty: none). */
function firstCycle(): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of importsOf(file)) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next].map(name);
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle.length > 0) return cycle;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return [];
  };
  for (const file of files) {
    if (state.has(file)) continue;
    const cycle = visit(file);
    if (cycle.length > 0) return cycle;
  }
  return [];
}

/** Files allowed over 400 lines: Block Kit literals and the schema (one table per concern already). */
const LONG_ALLOWED = new Set(['db/schema.ts', 'blocks/packetModal.ts']);

describe('the shape of src/', () => {
  it('has no import cycle, counting type-only imports', () => {
    expect(firstCycle()).toEqual([]);
  });

  it('queries the database only in src/db/: nothing else imports drizzle-orm', () => {
    const querying = files.filter(
      (file) => !name(file).startsWith('db/') && /from 'drizzle-orm/.test(source.get(file) ?? ''),
    );
    expect(querying.map(name)).toEqual([]);
  });

  it('has no file over 400 lines but the literals', () => {
    const long = files
      .map((file) => ({ file: name(file), lines: (source.get(file) ?? '').split('\n').length }))
      .filter((f) => f.lines > 400 && !LONG_ALLOWED.has(f.file));
    expect(long).toEqual([]);
  });

  it('keeps rules and renderers below the use cases: domain/ and blocks/ import no service value', () => {
    const upward = files
      .filter((file) => /^(domain|blocks)\//.test(name(file)))
      .flatMap((file) =>
        [...(source.get(file) ?? '').matchAll(/(?:^|\n)import (?!type )[^;]*?from '(\.{1,2}\/[^']+)\.js'/g)]
          .map((m) => name(resolve(dirname(file), `${m[1]}.ts`)))
          .filter((target) => /^(services|escalation|partners|packets|outbox|handlers)\//.test(target))
          .map((target) => `${name(file)} → ${target}`),
      );
    expect(upward).toEqual([]);
  });
});
