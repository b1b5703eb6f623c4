import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The code's shape, checked on every run: no import cycle, not even of types; queries only in src/db/;
 * no file over 400 lines but the two that are literals; no function over 80 lines; Block Kit renderers and rules
 * never reach up into the use cases. A refactoring that breaks one of these fails here, naming the file.
 */

const SRC = resolve(import.meta.dirname, '../../src');

/** The .ts files under `dir`, at any depth. */
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));

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

/** The longest a function may be, counted from its first line to its last (its doc comment not counted). */
const FUNCTION_LINES_MAX = 80;

/**
 * Functions allowed over FUNCTION_LINES_MAX, as `<file under src/> <name>` (names as `functionsOf` gives them). None
 * now: the last ones (the packet modal, the review's submit, the settings, the surfaces) have been split. A new
 * entry needs a reason as good as a Block Kit literal that reads best whole.
 */
const LONG_FUNCTIONS_ALLOWED = new Set<string>([]);

/**
 * The feature modules: each stands on the core and imports it; the core imports none of them, not
 * even a type. A feature that must hear of every change of a handoff is handed to the core by the composition root
 * (core/lifecycle.ts `Hearer`).
 */
const FEATURES = [
  'packets',
  'escalation',
  'partners',
  'outcomes',
  'crm',
  'revops',
  'home',
  'program',
  'install',
  'retention',
  'erasure',
];

/** What the core stands on: the store, the rules, the renderers, and the clock and logger at the root. */
const BELOW_CORE = ['core/', 'db/', 'domain/', 'blocks/', 'clock.ts', 'logger.ts'];

/**
 * The core, the features and the use-case folders. The renderers (blocks/) import nothing from them, not even a type:
 * the arrow runs one way, features → core → blocks → domain. A shape a renderer reads lives in domain/ or in blocks/.
 */
const ABOVE_BLOCKS = ['core', ...FEATURES, 'outbox', 'handlers', 'compose', 'runtime'];

/** A function's name: its own, the variable or property it is assigned to, or `<enclosing> › anonymous`. */
function functionName(node: ts.FunctionLikeDeclaration, enclosing: string | undefined): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  return enclosing ? `${enclosing} › anonymous` : 'anonymous';
}

/**
 * Every function of a file with its length in lines, found with the TypeScript compiler's own parser: declarations,
 * arrow functions, function expressions and methods, nested ones included.
 */
function functionsOf(file: string): { file: string; name: string; lines: number }[] {
  const sourceFile = ts.createSourceFile(file, source.get(file) ?? '', ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => sourceFile.getLineAndCharacterOfPosition(pos).line;
  const found: { file: string; name: string; lines: number }[] = [];
  const visit = (node: ts.Node, enclosing: string | undefined): void => {
    let inside = enclosing;
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) ||
      ts.isMethodDeclaration(node)
    ) {
      inside = functionName(node, enclosing);
      found.push({ file: name(file), name: inside, lines: lineOf(node.end) - lineOf(node.getStart()) + 1 });
    }
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(sourceFile, undefined);
  return found;
}

/** A file's folder, as the layers count them: its first folder under src/, none for the entry files at the root. */
function folderOf(file: string): string | undefined {
  const parts = name(file).split('/');
  return parts.length === 1 ? undefined : parts[0];
}

/** Every pair of folders that import each other (types too), as `a ⇄ b` with a before b. */
function twoWayFolders(): string[] {
  const arrows = new Set<string>();
  for (const file of files) {
    const from = folderOf(file);
    for (const target of importsOf(file)) {
      const to = folderOf(target);
      if (from && to && from !== to) arrows.add(`${from} → ${to}`);
    }
  }
  return [...arrows]
    .map((arrow) => arrow.split(' → ') as [string, string])
    .filter(([a, b]) => a < b && arrows.has(`${b} → ${a}`))
    .map(([a, b]) => `${a} ⇄ ${b}`)
    .sort();
}

/** The imports (`a → b`) of the files `from` matches whose target `forbidden` says they may not import. */
const upward = (
  from: RegExp,
  forbidden: (target: string) => boolean,
  imports = (file: string) => importsOf(file).map(name),
) =>
  files
    .filter((file) => from.test(name(file)))
    .flatMap((file) =>
      imports(file)
        .filter(forbidden)
        .map((target) => `${name(file)} → ${target}`),
    );
const aboveBlocks = (target: string) => ABOVE_BLOCKS.some((folder) => target.startsWith(`${folder}/`));

describe('the shape of src/', () => {
  it('has no folders importing each other both ways (types too)', () => {
    expect(twoWayFolders()).toEqual([]);
  });

  it('has a core that imports no feature: the features stand on it', () => {
    expect(upward(/^core\//, (target) => !BELOW_CORE.some((below) => target.startsWith(below)))).toEqual([]);
  });

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
      .filter((f) => f.lines > 400);
    expect(long).toEqual([]);
  });

  it('keeps history out of the code: at most 50 citations of an issue, the why said instead', () => {
    const cited = files.flatMap((file) => [...(source.get(file) ?? '').matchAll(/\b[Ii]ssues? \d+/g)]);
    expect(cited.length).toBeLessThanOrEqual(50);
  });

  it(`has no function over ${FUNCTION_LINES_MAX} lines but those being split now`, () => {
    const long = files
      .flatMap(functionsOf)
      .filter((f) => f.lines > FUNCTION_LINES_MAX && !LONG_FUNCTIONS_ALLOWED.has(`${f.file} ${f.name}`));
    expect(long).toEqual([]);
  });

  it('keeps rules and renderers below the use cases: domain/ and blocks/ import no value of the core or a feature', () => {
    const valueImports = (file: string) =>
      [
        ...(source.get(file) ?? '').matchAll(/(?:^|\n)import (?!type )[^;]*?from '(\.{1,2}\/[^']+)\.js'/g),
      ].map((m) => name(resolve(dirname(file), `${m[1]}.ts`)));
    expect(upward(/^(domain|blocks)\//, aboveBlocks, valueImports)).toEqual([]);
  });

  it('blocks/ imports nothing from the feature and use-case folders', () => {
    expect(upward(/^blocks\//, aboveBlocks)).toEqual([]);
  });
});
