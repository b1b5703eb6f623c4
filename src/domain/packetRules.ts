import { DateTime } from 'luxon';
import { z } from 'zod';
import { accountDomain } from './accountMatch.js';
import { type FillerField, partnerFiller } from './partnerFiller.js';
import type { ComponentId } from './scoringModel.js';

/**
 * The kinds of packet field and what each registry entry says about its field (packetFields.ts holds the table).
 * A rule is how a field is checked: what the modal asks with (`input`), whether it must be given, its length limit,
 * and the zod schema that reads the raw form value into the packet's value. Limits keep every field renderable inside
 * Slack's Block Kit limits (3000 characters per text object).
 */

export const RESPONSE_WINDOW = { min: 1, max: 10, default: 3 } as const;

/** What a date rule compares with: `today`, the earliest calendar date anywhere; `latest`, the latest one. */
export interface Dates {
  today: string;
  latest: string;
  /**
   * The longest response window the program allows (SCORE_MAX_WINDOW_DAYS, the limit the score reads too; issue 77
   * item 19); RESPONSE_WINDOW.max without it.
   */
  windowMax?: number | undefined;
}

export type InputKind = 'text' | 'link' | 'date' | 'flag' | 'user' | 'channel' | 'number';

export interface Rule<Out, K extends InputKind = InputKind> {
  input: K;
  /** Empty is an error (`Please add …`, `Please choose …`). */
  required: boolean;
  /** The most characters (text and links). */
  max?: number;
  schema(dates: Dates): z.ZodType<Out>;
}

/** A rule with a length limit. */
type Limited<Out, K extends InputKind> = Rule<Out, K> & { max: number };

/** The modal's three sections, in order. */
export type Section = 'deal' | 'know' | 'who';

/** The fields whose input holds a second one (the account with its web domain, the contact with their role). */
export type JoiningField = 'accountName' | 'partnerContactName';

/** Where the packet modal asks for a field, and in which words. */
export type FormSpec =
  /** An input of its own, at a place in a section (lower first); a flag is a box of the "Confirmed" group. */
  | {
      at: readonly [Section, number];
      label: string;
      placeholder?: string;
      hint?: string;
      multiline?: true;
      /** Shown only on an edit of a packet whose opportunity had dates (the attribution dates). */
      dated?: true;
      /** A flag's option value in the "Confirmed" group. */
      option?: string;
    }
  /** Asked inside another field's input: the account's web domain in brackets, the contact's role after a comma. */
  | { within: JoiningField };

/**
 * One packet field: every fact the app's consumers need about it (docs/packet.md, "How to add a packet field"). It is
 * stored in the handoffs column of its name in snake_case (src/db/schema.ts; a test holds the two together).
 */
export interface FieldSpec {
  /** What the "edited" mark, the edit notice and the touch log call it. */
  label: string;
  rule: Rule<unknown>;
  /** The modal input's block id (its action id is always ACTION_ID.value). */
  blockId: string;
  /** Editable while the AE has not answered; or locked after sending, with what to do instead. */
  edit: true | { locked: string; caseless?: true };
  /** The partner reads it word for word (the review checks it for internal-sounding text). */
  partner: boolean;
  /** Its column in the touch-log CSV (null: not exported). */
  csv: string | null;
  /**
   * Words a person wrote, which may name someone: data retention takes them out once the handoff has aged (`removed`:
   * replaced by a line saying so, for a column that must hold text; `cleared`: emptied), and an erasure looks in
   * them. null: no such words (an id, a date, a flag, the account and partner names the metrics keep).
   */
  words: 'removed' | 'cleared' | null;
  /** The score components that read it (src/domain/scoring.ts; none when absent: a test holds the two together). */
  scored?: readonly ComponentId[];
  form: FormSpec;
}

const tooLong = (max: number) => `Keep this under ${max} characters.`;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

const requiredString = (max: number, what: string) =>
  z
    .string({ error: `Please add ${what}.` })
    .trim()
    .min(1, `Please add ${what}.`)
    .max(max, tooLong(max));

const optionalString = (max: number) =>
  z
    .string()
    .trim()
    .max(max, tooLong(max))
    .nullish()
    .transform((value) => (value ? value : null));

const calendarDate = (inRange: (date: string) => boolean, message: string) =>
  z
    .string()
    .regex(isoDate, 'Pick a date.')
    .refine((date) => DateTime.fromISO(date).isValid, 'Pick a date.')
    .refine(inRange, message)
    .nullish()
    .transform((value) => value ?? null);

/** Required text of at most `max` characters. */
export const requiredText = (max: number, what: string): Limited<string, 'text'> => ({
  input: 'text',
  required: true,
  max,
  schema: () => requiredString(max, what),
});

/** Required text the partner reads word for word: filler is refused on the field (domain/partnerFiller.ts). */
export const partnerText = (field: FillerField, max: number, what: string): Limited<string, 'text'> => ({
  input: 'text',
  required: true,
  max,
  schema: () =>
    requiredString(max, what).superRefine((value, ctx) => {
      const why = partnerFiller(field, value);
      if (why) ctx.addIssue({ code: 'custom', message: why });
    }),
});

/** Optional text: empty is null. */
export const optionalText = (max: number): Limited<string | null, 'text'> => ({
  input: 'text',
  required: false,
  max,
  schema: () => optionalString(max),
});

/** The company's web domain (optional). */
export const webDomain = (max: number): Limited<string | null, 'text'> => ({
  input: 'text',
  required: false,
  max,
  schema: () =>
    optionalString(max).refine(
      (value) => value === null || accountDomain(value) !== undefined,
      "Use the company's web domain, like northwind.com.",
    ),
});

/** A box that is ticked or not. */
export const flag: Rule<boolean, 'flag'> = {
  input: 'flag',
  required: false,
  schema: () => z.boolean().default(false),
};

/** An optional calendar date that cannot be in the future (after the latest "today" anywhere). */
export const pastDate: Rule<string | null, 'date'> = {
  input: 'date',
  required: false,
  schema: ({ latest }) => calendarDate((date) => date <= latest, 'This date is in the future.'),
};

/** An optional calendar date that cannot be in the past (before the earliest "today" anywhere). */
export const comingDate: Rule<string | null, 'date'> = {
  input: 'date',
  required: false,
  schema: ({ today }) => calendarDate((date) => date >= today, 'This date is in the past.'),
};

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

/** The WHATWG form of a URL, with Slack's link delimiters (| < >) percent-encoded too. */
export function normaliseUrl(value: string): string {
  return new URL(value).href.replace(/[|<>]/g, (ch) => encodeURIComponent(ch));
}

/** An optional http(s) link, stored normalised (so it renders as a Slack link at the size checked). */
export const link = (max: number): Limited<string | null, 'link'> => ({
  input: 'link',
  required: false,
  max,
  schema: () =>
    z
      .string()
      .trim()
      .nullish()
      .transform((value) => (value ? value : null))
      .refine(
        (value) => value === null || isHttpUrl(value),
        'Use a full link starting with https:// or http://.',
      )
      .transform((value) => (value === null ? null : normaliseUrl(value)))
      .refine((value) => value === null || value.length <= max, `Keep the link under ${max} characters.`),
});

/** A Slack user, chosen in a users select. */
export const person = (what: string): Rule<string, 'user'> => ({
  input: 'user',
  required: true,
  schema: () =>
    z.string({ error: `Please choose ${what}.` }).regex(/^[UW][A-Z0-9]{2,}$/, `Please choose ${what}.`),
});

/** The longest window a packet may ask: the program's, within RESPONSE_WINDOW. */
export const windowMaxOf = (windowMax: number | undefined) =>
  Math.min(RESPONSE_WINDOW.max, Math.max(RESPONSE_WINDOW.min, windowMax ?? RESPONSE_WINDOW.max));

/** A whole number of business days within RESPONSE_WINDOW and the program's longest (empty reads as missing). */
export const businessDays: Rule<number, 'number'> = {
  input: 'number',
  required: true,
  schema: ({ windowMax }) =>
    z.preprocess(
      (value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value),
      z.coerce
        .number({ error: 'Enter a number of business days.' })
        .int('Use a whole number of business days.')
        .min(RESPONSE_WINDOW.min, `The window is at least ${RESPONSE_WINDOW.min} business day.`)
        .max(windowMaxOf(windowMax), `The window is at most ${windowMaxOf(windowMax)} business days.`),
    ),
};

/** An optional Slack channel, chosen in a conversations select. */
export const channel: Rule<string | null, 'channel'> = {
  input: 'channel',
  required: false,
  schema: () =>
    z
      .string({ error: 'Choose a channel from the list, or leave it empty.' })
      .nullish()
      .transform((value) => (value ? value : null))
      .refine(
        (value) => value === null || /^[CG][A-Z0-9]{2,}$/.test(value),
        'Choose a channel from the list, or leave it empty.',
      ),
};
