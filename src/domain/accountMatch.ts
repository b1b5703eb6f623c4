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

/** A text's words, accents dropped, in their case (an account's leading word must be written as a name). */
const wordsOf = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .match(/[\p{L}\p{N}]+/gu) ?? [];

/** Whether `words` hold `key`'s words in a row (both keyed as `accountKey` keys a name). */
function holdsInRow(words: readonly string[], key: readonly string[]): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i + key.length <= words.length; i++)
    if (key.every((k, j) => words[i + j] === k)) return true;
  return false;
}

/**
 * The accounts among `rows` that `text` names: in full ("Northwind Logistics", spelled as `accountKey` keys it) or by
 * its first word written as a name ("Northwind approved…", at least 4 letters, unless another account of that first
 * word is named in full). Used to tell which handoff a message is about, and which account a packet's text is about.
 */
export function accountsNamedIn<H extends { accountName: string }>(rows: readonly H[], text: string): H[] {
  const words = wordsOf(text);
  const keyed = accountKey(text).split(' ');
  const keys = new Map(rows.map((h) => [h, accountKey(h.accountName).split(' ').filter(Boolean)] as const));
  const inFull = rows.filter((h) => holdsInRow(keyed, keys.get(h) ?? []));
  const fullLeads = new Set(inFull.map((h) => keys.get(h)?.[0]));
  const byLead = rows.filter((h) => {
    const lead = keys.get(h)?.[0];
    return (
      lead !== undefined &&
      lead.length >= 4 &&
      !/^\d+$/.test(lead) &&
      !fullLeads.has(lead) &&
      words.some((w) => w.toLowerCase() === lead && /^\p{Lu}/u.test(w))
    );
  });
  return [...new Set([...inFull, ...byLead])];
}

/**
 * The other accounts `text` names and not `account` (`known`: account names, this one's among them or not), each
 * once, as first known; none when the text also names `account`. An empty `account` (not typed yet): every one named.
 */
export function otherAccountsNamed(text: string, account: string, known: readonly string[]): string[] {
  const own = accountKey(account);
  const rows = [...new Map(known.map((name) => [accountKey(name), name] as const)).entries()]
    .filter(([key]) => key !== '')
    .map(([key, accountName]) => ({ key, accountName }));
  if (own && !rows.some((r) => r.key === own)) rows.push({ key: own, accountName: account });
  const named = accountsNamedIn(rows, text);
  if (own && named.some((r) => r.key === own)) return [];
  return named.map((r) => r.accountName);
}
