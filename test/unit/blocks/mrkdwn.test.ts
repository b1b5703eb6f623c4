import { describe, expect, it } from 'vitest';
import { counted, escapeMrkdwn, plain, safeLink, slackDate, userText } from '../../../src/blocks/mrkdwn.js';

/** mulberry32: a small seeded PRNG, so the property loops are reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const randomString = (next: () => number, alphabet: string[], length: number) =>
  Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when every `&` starts a whole entity, i.e. no entity was cut in half. */
const entitiesIntact = (text: string) => /^(?:[^&]|&amp;|&lt;|&gt;)*…?$/.test(text);

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel> now', '&lt;!channel&gt; now'],
    ['<!here>', '&lt;!here&gt;'],
    ['ping <@U123>', 'ping &lt;@U123&gt;'],
    ['<https://evil.example|click>', '&lt;https://evil.example|click&gt;'],
    ['R&D', 'R&amp;D'],
    ['&lt;', '&amp;lt;'],
  ])('%j -> %j', (raw, escaped) => {
    expect(escapeMrkdwn(raw)).toBe(escaped);
  });
});

describe('userText', () => {
  it('returns short text escaped and uncut, counting the escaped length against the limit', () => {
    expect(userText('Smith & Sons <!here>', 100)).toBe('Smith &amp; Sons &lt;!here&gt;');
    expect(userText('&&&', 15)).toBe('&amp;&amp;&amp;');
    expect(userText('&&&', 14)).toBe('&amp;&amp;…');
  });

  it('cuts with an ellipsis and never splits an entity (seeded random strings)', () => {
    const next = prng(20260302);
    for (let i = 0; i < 3000; i += 1) {
      const text = randomString(next, ['&', '<', '>', 'a'], Math.floor(next() * 60));
      const max = 1 + Math.floor(next() * 80);
      const out = userText(text, max);
      const escaped = escapeMrkdwn(text);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(entitiesIntact(out)).toBe(true);
      if (escaped.length <= max) {
        expect(out).toBe(escaped);
      } else {
        expect(out.endsWith('…')).toBe(true);
        expect(escaped.startsWith(out.slice(0, -1))).toBe(true);
      }
    }
  });
});

describe('plain', () => {
  it('keeps text within the limit, cut with an ellipsis, and never splits an emoji (surrogate pair)', () => {
    expect(plain('Northwind', 20)).toBe('Northwind');
    expect(plain('Northwind Logistics', 10)).toBe('Northwind…');
    const next = prng(7);
    for (let i = 0; i < 1000; i += 1) {
      const text = randomString(next, ['😀', 'a', '🇩🇪', 'é'], Math.floor(next() * 40));
      const max = 1 + Math.floor(next() * 50);
      const out = plain(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(LONE_SURROGATE);
    }
    expect(plain('😀😀😀', 4)).toBe('😀…');
  });
});

describe('slackDate', () => {
  const at = new Date('2026-03-02T14:30:00Z');

  it('renders a Slack date token with a fallback in the given zone', () => {
    expect(slackDate(at, 'America/New_York')).toBe(
      '<!date^1772461800^{date_short_pretty} at {time}|Mon 2 Mar 2026, 09:30 EST>',
    );
    expect(slackDate(at, 'UTC')).toMatch(/\|Mon 2 Mar 2026, 14:30 UTC>$/);
    expect(slackDate(at, 'Asia/Tokyo')).toMatch(/\|Mon 2 Mar 2026, 23:30 Tokyo time>$/);
  });
});

describe('safeLink', () => {
  it('escapes the label so it cannot inject a mention, and keeps the URL from closing the link early', () => {
    expect(safeLink('https://example.com/notes', '<!channel> & more')).toBe(
      '<https://example.com/notes|&lt;!channel&gt; &amp; more>',
    );
    const link = safeLink('https://example.com/a|<!channel>b c', 'Open');
    expect(link).toBe('<https://example.com/a%7C%3C!channel%3Eb%20c|Open>');
  });
});

describe('counted', () => {
  it('says one in the singular and any other count in the plural', () => {
    expect(counted(1, 'AE request')).toBe('1 AE request');
    expect(counted(0, 'AE request')).toBe('0 AE requests');
    expect(counted(2, 'window')).toBe('2 windows');
    expect(counted(1, 'entry', 'entries')).toBe('1 entry');
    expect(counted(3, 'entry', 'entries')).toBe('3 entries');
  });
});
