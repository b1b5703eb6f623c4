import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../../src');

const sources = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));

/**
 * The reads of a write's RETURNING rows in the source: a chain that ends in `.get(` (`….returning().get()`), or a
 * prepared query built with `.returning(` and then run with `.get(`. `.get()` steps the statement once and resets
 * it: on an autocommit write the commit happens in that reset, and better-sqlite3 drops its error, so a failed
 * commit looks saved. `.all()` steps to the end and throws it.
 */
function returningReadWithGet(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\.returning\([^)]*\)\s*\.get\(/g)) found.push(match[0]);
  for (const match of text.matchAll(/const (\w+) = preparedFor\(([\s\S]*?)\n\);/g)) {
    const [, name, body] = match;
    if (!body?.includes('.returning(')) continue;
    const runs = new RegExp(`\\b${name}\\([^)]*\\)\\.get\\(`);
    if (runs.test(text)) found.push(`${name}(…).get(`);
  }
  return found;
}

describe('writes that return rows report a failed commit', () => {
  it('no RETURNING row is read with .get(): each uses .all(), which throws when the commit fails (the check finds both shapes it looks for)', () => {
    const offenders = sources(SRC).flatMap((file) =>
      returningReadWithGet(readFileSync(file, 'utf8')).map(
        (what) => `${file.slice(SRC.length + 1)}: ${what}`,
      ),
    );
    expect(offenders).toEqual([]);
    expect(returningReadWithGet('db.insert(t).values(v).returning()\n    .get();')).toHaveLength(1);
    expect(
      returningReadWithGet(
        'const q = preparedFor((exec) =>\n  exec.update(t).set(v).returning().prepare(),\n);\nconst row = q(exec).get({ id });',
      ),
    ).toEqual(['q(…).get(']);
    expect(returningReadWithGet('db.insert(t).values(v).returning().all()[0];')).toEqual([]);
  });
});
