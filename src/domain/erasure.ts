/**
 * Erasing a person on request (issue 77 item 4): how they are named, and what their data becomes.
 * Their Slack id turns into a pseudonym everywhere (`ERASED` and 8 characters, one per erasure), so the counts per AE
 * and per author stay apart and the metrics stay right, and nobody can tell who it was; their name, email and words
 * about them turn into ERASED_TEXT.
 *
 * A name is a person's, not a string of letters: it is erased as a whole word (Unicode letters and digits on both
 * sides are another word), never inside "accepted" or "Meridian". Where their full name or id stood (the handoffs
 * that name them), a part of it alone ("Lee" for Lee Park) is them too, and is erased there only.
 */

import { REMOVED_TEXT } from './retention.js';

export const ERASED_PREFIX = 'ERASED';
export const ERASED_TEXT = '(erased)';
/** What the partner reads for an erased person: their own contact, or our AE (domain/partnerSafe.ts). */
export const ERASED_FOR_PARTNER = { contact: 'your contact', ours: 'our team' } as const;

/** A Slack user id (as typed, or as Slack escapes a mention: `<@U0AE|jordan>`). */
const SLACK_ID = /^<?@?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?$/;
/** An email (as typed, or as Slack links it: `<mailto:a@b.com|a@b.com>`). */
const EMAIL = /^<?(?:mailto:)?([^\s@<>|]+@[^\s@<>|]+\.[^\s@<>|]+)(?:\|[^>]*)?>?$/i;

export type NamedBy = 'slack_id' | 'email' | 'name';

/** Who to erase, as the terms the search looks for. */
export interface Person {
  namedBy: NamedBy;
  /** Slack ids: whole values become the pseudonym, and so do they inside text. */
  ids: string[];
  /** Full names and emails: erased as whole words anywhere, ignoring case. */
  words: string[];
  /**
   * The parts of their names (a first name, a last name): erased as whole words, as written or in capitals, only in
   * the handoffs that name them (`inHandoff`).
   */
  parts: string[];
  /** Other people's full names that share one of the parts: left as they are where a part is erased. */
  others: string[];
}

/** A person the app knows by name (the inventory's name columns), to tell one person from another. */
export interface KnownPerson {
  name: string;
  /** Their Slack id, when the name is an AE's. */
  id: string | null;
  /** What they are to the app, for the admin's list: "partner contact", "AE". */
  as: string;
}

/** The fewest letters a part of a name has: fewer is an initial, not a name. */
export const MIN_PART_LETTERS = 2;

const letters = (text: string) => (text.match(/\p{L}/gu) ?? []).length;
/** A name's parts (split at spaces), without the punctuation around them ("(Lee," is Lee). */
const partsOf = (name: string) =>
  name
    .split(/\s+/)
    .map((part) => part.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((part) => part !== '');
const fold = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
/** A name the app stored for someone who is no longer there (erased, or removed by retention): nobody's. */
const isTombstone = (name: string) => name.includes(ERASED_TEXT) || name.includes(REMOVED_TEXT);

/** How the person was named; a problem (with why) when it cannot be searched for safely. */
export function personOf(typed: string): { person: Person } | { problem: string } {
  const value = typed.trim().normalize('NFC');
  const id = SLACK_ID.exec(value)?.[1];
  if (id) return { person: { namedBy: 'slack_id', ids: [id], words: [], parts: [], others: [] } };
  const email = EMAIL.exec(value)?.[1];
  if (email) return { person: { namedBy: 'email', ids: [], words: [email], parts: [], others: [] } };
  const name = value.replace(/\s+/g, ' ');
  if (name.startsWith(ERASED_PREFIX)) return { problem: 'That is already an erased person’s pseudonym.' };
  const parts = partsOf(name);
  if (parts.length === 0 || parts.some((part) => letters(part) < MIN_PART_LETTERS))
    return {
      problem: `Name the person by their Slack id, their email or their full name (each part of a name at least ${MIN_PART_LETTERS} letters).`,
    };
  return { person: { namedBy: 'name', ids: [], words: [name], parts: [], others: [] } };
}

const listed = (known: readonly KnownPerson[]) =>
  known.map((k) => `${k.name} (${k.as}${k.id ? `, ${k.id}` : ''})`).join('; ');

/**
 * A name, as the person the app knows by it: the one known person whose name it is or is a part of (their full name
 * and Slack id are then erased too). Refused, listing them, when it is a part of more than one person's name; a
 * single word that is nobody's name is refused too (it would be erased wherever the word stands). A name of several
 * words that the app knows nobody by (someone named in a packet's words) is searched as typed.
 */
export function resolveName(
  person: Person,
  known: readonly KnownPerson[],
): { person: Person } | { problem: string } {
  if (person.namedBy !== 'name') return { person };
  const typed = person.words[0] ?? '';
  const pattern = wordPattern(typed, 'iu');
  const byPerson = new Map<string, KnownPerson>();
  for (const k of known)
    if (!isTombstone(k.name) && new RegExp(pattern).test(k.name.normalize('NFC')))
      byPerson.set(`${fold(k.name)}\u0000${k.id ?? ''}`, k);
  const candidates = [...byPerson.values()];
  if (candidates.length > 1)
    return {
      problem: `“${typed}” names more than one person: ${listed(candidates)}. Name the one to erase by their Slack id, their email or their whole name.`,
    };
  const [one] = candidates;
  if (!one) {
    if (partsOf(typed).length > 1) return { person };
    return {
      problem: `“${typed}” is too short to be a person: it is nobody’s whole name the app knows (partner contacts, AEs), and a single word would be erased wherever it stands. Name them by their Slack id, their email or their full name.`,
    };
  }
  // A part of their name typed alone ("Ted" of Ted Lasso) is searched as a part (withNames), not anywhere.
  const words =
    fold(one.name) === fold(typed) || partsOf(typed).length < 2
      ? [one.name.trim()]
      : [one.name.trim(), typed];
  return { person: { ...person, ids: one.id ? [one.id] : [], words } };
}

/**
 * The person with everything they are known by: the names the app stored for their Slack id (an AE's name on their
 * handoffs), the parts of their names, and the other known people's names that share a part (kept where it is
 * erased).
 */
export function withNames(
  person: Person,
  names: readonly string[],
  known: readonly KnownPerson[] = [],
): Person {
  const words = [...person.words];
  // A stored name of one word ("Jo") is searched as a part: only where their id or full name stood.
  const single: string[] = [];
  for (const name of names) {
    const trimmed = name.trim().normalize('NFC');
    if (isTombstone(trimmed)) continue;
    if (partsOf(trimmed).length < 2) single.push(...partsOf(trimmed));
    else if (!words.some((w) => fold(w) === fold(trimmed))) words.push(trimmed);
  }
  const parts = [
    ...new Set(
      [
        ...words
          .filter((w) => !w.includes('@'))
          .flatMap((name) => {
            const split = partsOf(name);
            return split.length > 1 ? split : [];
          }),
        ...single,
      ].filter((part) => letters(part) >= MIN_PART_LETTERS && !words.some((w) => fold(w) === fold(part))),
    ),
  ];
  const mine = new Set(words.map(fold));
  const others = [
    ...new Set(
      known
        .map((k) => k.name.trim().normalize('NFC'))
        .filter(
          (name) =>
            !isTombstone(name) &&
            !mine.has(fold(name)) &&
            partsOf(name).some((part) => parts.some((p) => fold(p) === fold(part))),
        ),
    ),
  ];
  return { ...person, words, parts, others };
}

/** The person as searched everywhere: their ids, full names and emails, not the parts of their names. */
export function anywhere(person: Person): Person {
  let found = partless.get(person);
  if (!found) {
    found = person.parts.length === 0 ? person : { ...person, parts: [], others: [] };
    partless.set(person, found);
  }
  return found;
}
const partless = new WeakMap<Person, Person>();

/** The person as searched in a row of `handoffId`: with the parts of their names where the handoff names them. */
export const inHandoff = (person: Person, scope: readonly number[], handoffId: number | null) =>
  handoffId !== null && scope.includes(handoffId) ? person : anywhere(person);

/**
 * The person as searched in a row: with the parts of their name where its handoff names them, or the row itself does
 * (an unsent packet naming them as its contact).
 */
export const inRow = (
  person: Person,
  scope: readonly number[],
  row: { handoffId: number | null; values: unknown },
) =>
  inHandoff(person, scope, row.handoffId) === person || names(row.values, anywhere(person))
    ? person
    : anywhere(person);

/** A new pseudonym, from random bytes given (8 uppercase hex characters after the prefix). */
export const pseudonymOf = (random: Uint8Array) =>
  `${ERASED_PREFIX}${Buffer.from(random.slice(0, 4)).toString('hex').toUpperCase()}`;

export const isPseudonym = (id: string) => id.startsWith(ERASED_PREFIX);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A letter, digit or combining mark: next to one, a name is a part of another word. */
const WORDY = '[\\p{L}\\p{N}\\p{M}]';

/** A term as a whole word: no letter or digit (any script) right before or after it; spaces inside it any spaces. */
function wordPattern(term: string, flags: string): RegExp {
  const body = term.trim().split(/\s+/).map(escapeRegExp).join('\\s+');
  if (term.includes('@'))
    // An email: not a part of a longer address either (x.ada@…, ada@acme.example.org).
    return new RegExp(`(?<![\\p{L}\\p{N}._%+-])${body}(?![\\p{L}\\p{N}_-]|\\.[\\p{L}\\p{N}])`, flags);
  const before = /^[\p{L}\p{N}]/u.test(term) ? `(?<!${WORDY})` : '';
  const after = /[\p{L}\p{N}\p{M}]$/u.test(term) ? `(?!${WORDY})` : '';
  return new RegExp(`${before}${body}${after}`, flags);
}

interface Patterns {
  ids: RegExp[];
  words: RegExp | null;
  /** A part alone, as written or in capitals (a word that only looks like a name part, "will", is not one). */
  parts: RegExp | null;
  others: RegExp | null;
}

const compiled = new WeakMap<Person, Patterns>();

function patternsOf(person: Person): Patterns {
  let patterns = compiled.get(person);
  if (!patterns) {
    const any = (terms: string[], flags: string) =>
      terms.length === 0
        ? null
        : new RegExp(
            [...terms]
              .sort((a, b) => b.length - a.length)
              .map((t) => wordPattern(t, flags).source)
              .join('|'),
            flags,
          );
    patterns = {
      // A whole id only: U0AE is not erased inside U0AE2.
      ids: person.ids.map((id) => new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(id)}(?![A-Za-z0-9])`, 'g')),
      words: any(person.words, 'giu'),
      parts: any([...new Set(person.parts.flatMap((p) => [p, p.toUpperCase()]))], 'gu'),
      others: any(person.others, 'giu'),
    };
    compiled.set(person, patterns);
  }
  return patterns;
}

/** `text` with what `pattern` matches replaced by `erasedAs`, capitalised where a sentence starts ("Our team is"). */
function replaced(text: string, pattern: RegExp, erasedAs: string, before = ''): string {
  return text.replace(pattern, (_match, ...args) => {
    const at = args.find((arg) => typeof arg === 'number') as number;
    const preceding = before + text.slice(0, at);
    return /(^|[.!?:]\**\s+)$/.test(preceding)
      ? erasedAs.charAt(0).toUpperCase() + erasedAs.slice(1)
      : erasedAs;
  });
}

/** `text` with each lone part replaced, outside the other people's names that share it. */
function withoutParts(text: string, patterns: Patterns, erasedAs: string): string {
  const { parts, others } = patterns;
  if (!parts) return text;
  if (!others) return replaced(text, parts, erasedAs);
  let out = '';
  let from = 0;
  for (const kept of text.matchAll(others)) {
    out += replaced(text.slice(from, kept.index), parts, erasedAs, out) + kept[0];
    from = kept.index + kept[0].length;
  }
  return out + replaced(text.slice(from), parts, erasedAs, out);
}

/** Whether a value (text, or JSON of any depth) names the person. */
export function names(value: unknown, person: Person): boolean {
  return scrubbed(value, person, `${ERASED_PREFIX}X`) !== value;
}

/**
 * The value without the person: their ids replaced by the pseudonym, their names and emails by `erasedAs`
 * (ERASED_TEXT; what the partner reads in a partner channel's post), in text and in JSON of any depth (keys stay).
 * The same value (===) when nothing named them.
 */
export function scrubbed<T>(value: T, person: Person, pseudonym: string, erasedAs: string = ERASED_TEXT): T {
  if (typeof value === 'string') {
    const patterns = patternsOf(person);
    let text: string = value;
    for (const id of patterns.ids) text = text.replace(id, pseudonym);
    if (patterns.words) text = replaced(text, patterns.words, erasedAs);
    text = withoutParts(text, patterns, erasedAs);
    return (text === value ? value : text) as T;
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => scrubbed(item, person, pseudonym, erasedAs));
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(
      ([k, v]) => [k, scrubbed(v, person, pseudonym, erasedAs)] as const,
    );
    const changed = entries.some(([k, v]) => v !== (value as Record<string, unknown>)[k]);
    return (changed ? Object.fromEntries(entries) : value) as T;
  }
  return value;
}

/** A sentence stored with an erased person in it, as the partner reads it: their contact, not a tombstone. */
export const forPartner = (text: string) =>
  text.includes(ERASED_TEXT)
    ? replaced(text, new RegExp(escapeRegExp(ERASED_TEXT), 'g'), ERASED_FOR_PARTNER.contact)
    : text;
