/**
 * Erasing a person on request (issue 57 item 2): how they are named, and what their data becomes. Their Slack id turns
 * into a pseudonym everywhere (`ERASED` and 8 characters, one per erasure), so the counts per AE and per author stay
 * apart and the metrics stay right, and nobody can tell who it was; their name, email and words about them turn into
 * ERASED_TEXT.
 */

export const ERASED_PREFIX = 'ERASED';
export const ERASED_TEXT = '(erased)';

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
  /** Names and emails: found and replaced anywhere, ignoring case. */
  words: string[];
}

/** The shortest name searched for: shorter would match inside other words. */
export const MIN_NAME = 3;

/** How the person was named; undefined (with why) when it cannot be searched for safely. */
export function personOf(typed: string): { person: Person } | { problem: string } {
  const value = typed.trim();
  const id = SLACK_ID.exec(value)?.[1];
  if (id) return { person: { namedBy: 'slack_id', ids: [id], words: [] } };
  const email = EMAIL.exec(value)?.[1];
  if (email) return { person: { namedBy: 'email', ids: [], words: [email] } };
  const name = value.replace(/\s+/g, ' ');
  if (name.length < MIN_NAME)
    return {
      problem: `Name the person by their Slack id, their email or their full name (at least ${MIN_NAME} characters).`,
    };
  if (name.startsWith(ERASED_PREFIX)) return { problem: 'That is already an erased person’s pseudonym.' };
  return { person: { namedBy: 'name', ids: [], words: [name] } };
}

/** The person with the names the app knows for their Slack id (an AE's name on their handoffs), searched too. */
export function withNames(person: Person, names: readonly string[]): Person {
  const words = [...person.words];
  for (const name of names)
    if (name.trim().length >= MIN_NAME && !words.some((w) => w.toLowerCase() === name.trim().toLowerCase()))
      words.push(name.trim());
  return { ...person, words };
}

/** A new pseudonym, from random bytes given (8 uppercase hex characters after the prefix). */
export const pseudonymOf = (random: Uint8Array) =>
  `${ERASED_PREFIX}${Buffer.from(random.slice(0, 4)).toString('hex').toUpperCase()}`;

export const isPseudonym = (id: string) => id.startsWith(ERASED_PREFIX);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a value (text, or JSON of any depth) names the person. */
export function names(value: unknown, person: Person): boolean {
  return scrubbed(value, person, `${ERASED_PREFIX}X`) !== value;
}

/**
 * The value without the person: their ids replaced by the pseudonym, their names and emails by ERASED_TEXT, in text
 * and in JSON of any depth (keys stay). The same value (===) when nothing named them.
 */
export function scrubbed<T>(value: T, person: Person, pseudonym: string): T {
  if (typeof value === 'string') {
    let text: string = value;
    // A whole id only: U0AE is not erased inside U0AE2.
    for (const id of person.ids)
      text = text.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(id)}(?![A-Za-z0-9])`, 'g'), pseudonym);
    for (const word of person.words) text = text.replace(new RegExp(escapeRegExp(word), 'gi'), ERASED_TEXT);
    return (text === value ? value : text) as T;
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => scrubbed(item, person, pseudonym));
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, scrubbed(v, person, pseudonym)] as const);
    const changed = entries.some(([k, v]) => v !== (value as Record<string, unknown>)[k]);
    return (changed ? Object.fromEntries(entries) : value) as T;
  }
  return value;
}
