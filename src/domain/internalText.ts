/**
 * Text in a partner-visible field that reads as if it was meant for us only: the partner reads those fields word
 * for word, so the review asks the author to edit it or confirm. Deliberately simple and explainable: a list of
 * words and phrases, and a percentage or an amount next to money words.
 */

import { fieldRecord, PACKET_FIELDS, PARTNER_VISIBLE, type PartnerVisibleField } from './packet.js';

/** The packet fields the partner reads (`partner` in the registry, packetFields.ts), and what the modal calls them. */
export const PARTNER_VISIBLE_FIELDS = fieldRecord(PARTNER_VISIBLE, (field) => {
  const { form } = PACKET_FIELDS[field];
  return 'label' in form ? form.label : PACKET_FIELDS[field].label;
});

export type { PartnerVisibleField };

export interface InternalTextFinding {
  field: PartnerVisibleField;
  /** The words that look internal, as typed, in order of appearance. */
  matches: string[];
}

const PHRASES = [
  'internal',
  'internally',
  'confidential',
  'private',
  'secret',
  'do not share',
  "don't share",
  'dont share',
  'not for the partner',
  'not for partner',
  'do not mention',
  "don't mention",
  'dont mention',
  'do not forward',
  'nda',
  'fyi only',
  'between us',
  'off the record',
  'fee',
  'fees',
  'commission',
  'commissions',
  'margin',
  'margins',
  'rebate',
  'rebates',
  'discount',
  'discounts',
  'kickback',
  'spiff',
  'spiffs',
  'payout',
  'quota',
  'markup',
];

const MONEY_WORDS =
  /\b(?:fee|fees|commission|commissions|margin|margins|rebate|rebates|discount|discounts|payout|markup|referral|cut|share)\b/i;
const PERCENT_OR_AMOUNT =
  /(?:\b\d+(?:[.,]\d+)?\s?%|[$€£]\s?\d[\d,.]*\s?[kKmM]?\b|\b\d[\d,.]*\s?(?:USD|EUR|GBP)\b)/g;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PHRASE_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${PHRASES.map((p) => escapeRegExp(p).replace(/ /g, '\\s+').replace(/'/g, "['’]")).join('|')})(?![\\p{L}\\p{N}])`,
  'giu',
);

/** The internal-looking words in one text, in order, each once. */
export function internalWords(text: string): string[] {
  const found: { at: number; word: string }[] = [];
  for (const m of text.matchAll(PHRASE_RE)) found.push({ at: m.index ?? 0, word: m[0] });
  // A percentage or an amount only counts within a few words of a money word ("15% referral fee", "fee of $2k").
  for (const m of text.matchAll(PERCENT_OR_AMOUNT)) {
    const at = m.index ?? 0;
    const around = text.slice(Math.max(0, at - 40), at + m[0].length + 40);
    if (MONEY_WORDS.test(around)) found.push({ at, word: m[0].trim() });
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.at - b.at)
    .map((f) => f.word)
    .filter((word) => {
      const key = word.toLowerCase().replace(/\s+/g, ' ');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Every partner-visible field with internal-looking text. */
export function findInternalText(
  packet: Partial<Record<PartnerVisibleField, string | null | undefined>>,
): InternalTextFinding[] {
  return PARTNER_VISIBLE.flatMap((field) => {
    const value = packet[field];
    if (!value) return [];
    const matches = internalWords(value);
    return matches.length > 0 ? [{ field, matches }] : [];
  });
}
