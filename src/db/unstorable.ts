/**
 * Characters that SQLite stores and Postgres refuses (error 22021 in text; 22P05 or 22P02 inside JSON):
 * - NUL (U+0000);
 * - a lone UTF-16 surrogate, half of a character (as an emoji cut in two leaves). In a text column it reaches either
 *   engine as U+FFFD (UTF-8 has no surrogates); in JSON text it is kept as its escape (JSON.stringify's `\ud83d`),
 *   which SQLite stores and Postgres's jsonb refuses.
 * The app removes both from what Slack sends (handlers/unstorable.ts); the move to Postgres names a row of an earlier
 * version's file that holds one (pg/moveCopy.ts).
 */

/**
 * NUL, or a surrogate that is not half of a pair (with the `u` flag a pair is one code point, not a surrogate). Built
 * from a string: the lint refuses a control character in a regular expression literal.
 */
export const UNSTORABLE = new RegExp(`${'\u0000'}|\\p{Cs}`, 'gu');

/** Whether `text` holds a character Postgres cannot store. */
export const holdsUnstorable = (text: string) => text.search(UNSTORABLE) >= 0;

/** `text` without the characters Postgres cannot store. */
export const withoutUnstorable = (text: string) => text.replace(UNSTORABLE, '');

/** The distinct characters of `text` that Postgres cannot store, in the order met. */
export const unstorableIn = (text: string): string[] => [...new Set(text.match(UNSTORABLE) ?? [])];

/** How a person reads one of them: "a NUL character (U+0000)", "a lone surrogate (U+D83D, half of a character)". */
export function unstorableName(character: string): string {
  const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return character === '\u0000'
    ? `a NUL character (${code})`
    : `a lone surrogate (${code}, half of a character)`;
}
