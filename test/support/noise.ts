import fc from 'fast-check';

/** Pieces Slack treats specially, plus text that stresses escaping and counting. */
export const special = fc.constantFrom(
  '&',
  '<',
  '>',
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0AE>',
  '<#C0INTERNAL>',
  '<#C0PARTNER>',
  '<https://evil.example.com|click me>',
  '&amp;',
  '&lt;!here&gt;',
  '😀',
  '👩‍👩‍👧',
  '🇫🇷',
  'é',
  'ß',
  '\n',
  '*bold*',
  '_it_',
  '~x~',
  '`code`',
  '…',
  ' ',
);

/**
 * Random user text for property tests: short mixes of plain strings, graphemes and Slack's special pieces, and now
 * and then one piece repeated to `longMax` code points (never splitting a surrogate pair), to push fields to limits.
 */
export function noise(opts: { maxParts: number; longMin: number; longMax: number }) {
  const chunk = fc.oneof(
    { arbitrary: fc.string({ maxLength: 12 }), weight: 3 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }), weight: 2 },
    { arbitrary: special, weight: 3 },
  );
  const long = fc
    .tuple(
      fc.oneof(special, fc.string({ minLength: 1, maxLength: 4 })),
      fc.integer({ min: opts.longMin, max: opts.longMax }),
    )
    .filter(([piece]) => piece.length > 0)
    .map(([piece, n]) =>
      Array.from(piece.repeat(Math.ceil(n / piece.length)))
        .slice(0, n)
        .join(''),
    );
  return fc.oneof(
    { arbitrary: fc.array(chunk, { maxLength: opts.maxParts }).map((parts) => parts.join('')), weight: 5 },
    { arbitrary: long, weight: 1 },
  );
}
