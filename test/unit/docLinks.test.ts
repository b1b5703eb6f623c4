import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link of the README and docs/ leads somewhere: a file or folder of the repository,
 * and where it names a heading of a Markdown file (`#anchor`), that heading, by GitHub's slugs. Links to the web are
 * not followed.
 */

const root = join(import.meta.dirname, '..', '..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown outside fenced code blocks, where a heading is not a heading. */
const unfenced = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');
/** Markdown outside code, inline code too, where a link is not a link. */
const prose = (text: string) => unfenced(text).replace(/`[^`\n]*`/g, '');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, heading] of unfenced(readFileSync(file, 'utf8')).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const slug = (heading as string)
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replaceAll(' ', '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    found.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return found;
}

/** The relative links of one page that lead nowhere, as `page: target`. */
function broken(page: string): string[] {
  const text = prose(readFileSync(join(root, page), 'utf8'));
  const targets = [...text.matchAll(/\]\(<?([^)\s>]+)>?(?: "[^"]*")?\)/g)].map((m) => m[1] as string);
  const wrong: string[] = [];
  for (const target of targets) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [path = '', anchor] = target.split('#');
    const file = path === '' ? join(root, page) : join(root, dirname(page), decodeURI(path));
    const exists = existsSync(file);
    const ok =
      exists &&
      (anchor === undefined ||
        !statSync(file).isFile() ||
        !file.endsWith('.md') ||
        anchors(file).has(decodeURIComponent(anchor)));
    if (!ok)
      wrong.push(`${page}: ${target}${exists ? ' (no such heading)' : ` (no ${relative(root, file)})`}`);
  }
  return wrong;
}

describe('the links of the README and docs/', () => {
  it('leads every relative link to a file of the repository, and each #anchor to a heading (reading some links: not vacuous)', () => {
    const all = pages.flatMap((page) => [...readFileSync(join(root, page), 'utf8').matchAll(/\]\(/g)]);
    expect(pages.length).toBeGreaterThan(5);
    expect(all.length).toBeGreaterThan(50);
    expect(broken('README.md').length).toBe(0);
    expect(pages.flatMap(broken)).toEqual([]);
  });
});

/** Words as `wc -w` counts them: runs of non-space. */
const words = (page: string) => readFileSync(join(root, page), 'utf8').split(/\s+/).filter(Boolean).length;

describe('the size of docs/', () => {
  const docs = pages.filter((page) => page.startsWith('docs/'));

  it('keeps each page, one concern, under 3,000 words, the whole of docs/ within 50,000, and the README about 200 lines', () => {
    expect(docs.map((page) => [page, words(page)]).filter(([, n]) => (n as number) >= 3000)).toEqual([]);
    expect(docs.reduce((sum, page) => sum + words(page), 0)).toBeLessThanOrEqual(50_000);
    expect(readFileSync(join(root, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });
});
