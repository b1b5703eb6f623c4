/**
 * Edits (insert, delete, replace, swap two neighbours) to turn `a` into `b`: optimal string alignment, so `lsit` is
 * one edit from `list`. For telling a typo of a subcommand from an account name.
 */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] ?? 0, ((d[i - 2] as number[])[j - 2] ?? 0) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] ?? 0;
}

/** The words `/handoff` knows (names and aliases), and those that take a handoff number. */
export interface KnownWords {
  all: readonly string[];
  numbered: readonly string[];
}

/**
 * Whether `/handoff <text>` reads as a subcommand rather than an account name: a word followed by a handoff number
 * (`edit 5`, `status #1`), or one short word a letter or two away from a subcommand (`lsit`, `hepl`).
 */
export function looksLikeSubcommand(word: string, rest: string[], typed: string, known: KnownWords): boolean {
  // Account names are written as names ("Dell", "Office 365"); a mistyped subcommand is a lowercase word.
  if (word === '' || typed !== word) return false;
  const near = (words: readonly string[]) => words.some((k) => distance(word, k) <= 1);
  if (rest.length === 1 && /^#?\d{1,9}$/.test(rest[0] ?? '')) return near(known.numbered);
  return rest.length === 0 && word.length >= 4 && near(known.all.filter((k) => k.length >= 4));
}
