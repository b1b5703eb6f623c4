import { fillerKind } from './scoringWords.js';

/**
 * Partner-visible text that says nothing the partner can use: the partner reads these fields word for word in their
 * channel, so filler ("tbd", "n/a", "-", "asdf") or a near-empty move, or a first name alone as the contact, is
 * refused when the packet is reviewed, on the field, whatever the score. The author writes it properly.
 */
export type FillerField = 'accountName' | 'partnerOrg' | 'partnerContactName' | 'partnerNextMove';

/** A partner next move needs this many words to say who does what. */
export const NEXT_MOVE_MIN_WORDS = 3;

const words = (text: string) => text.match(/[\p{L}\p{N}]+/gu) ?? [];

/** Why the text cannot be shown to the partner as it is (an inline error), or undefined when it can. */
export function partnerFiller(field: FillerField, text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined; // Required fields say so themselves.
  const shown = trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed;
  if (field === 'partnerNextMove') {
    const filler = fillerKind(trimmed);
    if (filler || words(trimmed).length < NEXT_MOVE_MIN_WORDS)
      return `The partner reads this word for word, and “${shown}” tells them nothing. Say who does what next, like “Dana introduces Ken Ito, their CFO”.`;
    return undefined;
  }
  if (fillerKind(trimmed, undefined, 'name'))
    return `The partner reads this word for word, and “${shown}” is a placeholder. Write the real name.`;
  if (field === 'partnerContactName' && words(trimmed).length < 2)
    return `The partner reads this word for word: give the contact's full name, not “${shown}” alone.`;
  return undefined;
}
