/** Graphemes (what a reader sees as one character: an emoji with its modifiers, a letter with its accents). */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The longest start of `text` at most `max` UTF-16 code units long (how Salesforce counts a field's length) that ends
 * between two graphemes: never inside an emoji's surrogate pair (a lone surrogate is no character, and
 * `encodeURIComponent` refuses it, so a look-up by the cut text would fail), nor between an emoji and its modifier.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}
