import { getDomain } from 'tldts';

/** Legal-form words dropped from the end of a company name ("Northwind Logistics, Inc." is "northwind logistics"). */
const LEGAL_SUFFIXES = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'gmbh',
  'mbh',
  'ag',
  'kg',
  'se',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'plc',
  'corp',
  'corporation',
  'co',
  'company',
  'pty',
  'pte',
  'kk',
  'oy',
  'ab',
  'as',
  'aps',
  'group',
  'holding',
  'holdings',
]);

/** Letters that NFKD leaves whole, written out as people also write them: "Straße" is "Strasse", "Ørsted" "Orsted". */
const FOLDED: Record<string, string> = { ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', ł: 'l', đ: 'd', þ: 'th' };

/** `name` with ß, æ, ø, œ, ł, đ and þ written out (in the case they had). */
export function foldLetters(name: string): string {
  return name.replace(/[ßæøœłđþ]/giu, (c) => {
    const out = FOLDED[c.toLowerCase()] ?? c;
    return c === c.toLowerCase() ? out : out.toUpperCase();
  });
}

/**
 * The key two spellings of one company share: case, accents, punctuation and spacing ignored, a leading "The" and
 * trailing legal forms dropped. "The Northwind-Logistics GmbH" and "northwind logistics" match; "Northwind" and
 * "Northwind Logistics" do not (a different name is a different account).
 */
export function accountKey(name: string): string {
  const words = foldLetters(name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    // Dotted initials (S.A., L.L.C.) become one word, so the legal form can be dropped.
    .replace(/\b([a-z])\.(?=[a-z]\.?\b)/g, '$1')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  if (words[0] === 'the' && words.length > 1) words.shift();
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1] as string)) words.pop();
  return words.join(' ');
}

/** The registrable domain of a domain or URL (`https://www.eu.northwind.co.uk/x` → `northwind.co.uk`), if any. */
export function accountDomain(value: string): string | undefined {
  const trimmed = value.trim().toLowerCase();
  if (!trimmed) return undefined;
  return getDomain(trimmed.includes('://') ? trimmed : `https://${trimmed}`) ?? undefined;
}
