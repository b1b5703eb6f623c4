import { DateTime } from 'luxon';
import { z } from 'zod';
import { isKnownRegion } from '../domain/holidays.js';
import type { PersonBody } from '../domain/ownDays.js';
import { PARTNER_NOTIFY, type PartnerBody, type PartnerContact } from '../domain/partnerPart.js';
import { WEIGHTS } from '../domain/scoreWeights.js';
import { COMPONENTS } from '../domain/scoringModel.js';
import { settingsSchema } from './settings.js';

/**
 * The parts of the partner program that are data, one row each: what a part's value looks like, whether
 * there is one of it or one per key (a pool, a policy, a person), and what it is called where people read it. Adding
 * a part is an entry here; the pool, policy, routes and limits parts are checked together as the policy file is
 * (program/book.ts), the others by their schema here.
 */

const USER = /^[UW][A-Z0-9]{2,}$/;
const USERGROUP = /^S[A-Z0-9]{2,}$/;
const userId = z.string().regex(USER, { error: 'must be a Slack user id like U012ABCDEF' });
const isoDate = z
  .string()
  // A value not shaped like a date is named once (abort: the calendar check below is not run on it).
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date like 2026-12-24', abort: true })
  .refine((d) => DateTime.fromISO(d).isValid, { error: 'is not a date of the calendar' });

/** People holding a role: listed, and/or the members of a Slack user group. */
export const peopleSchema = z.strictObject({
  users: z.array(userId).max(200).default([]),
  usergroup: z
    .string()
    .regex(USERGROUP, { error: 'must be a Slack user group id like S012ABCDEF' })
    .optional(),
});
export type People = z.infer<typeof peopleSchema>;

/** The program roles as data: who administers it, who is RevOps. */
export const rolesSchema = z.strictObject({
  admin: peopleSchema.default({ users: [] }),
  revops: peopleSchema.default({ users: [] }),
});
export type RolesBody = z.infer<typeof rolesSchema>;

const region = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isKnownRegion, {
    error: (i) => `"${String(i.input)}" is not a holiday region like US, DE-BY or GB-SCT`,
  });

/** Whose public holidays count for everyone: each person's country from their time zone, none, or these regions. */
export const holidaysSchema = z.strictObject({
  everyone: z.union([z.literal('by_zone'), z.literal('none'), z.array(region).min(1).max(10)]),
});
export type HolidaysBody = z.infer<typeof holidaysSchema>;

/** The default working week, ISO numbered: 1 Monday … 5 Friday (a person may name their own, any of 1..7). */
export const WORKING_DAYS = [1, 2, 3, 4, 5] as const;
/** Every day of the week, ISO numbered: 1 Monday … 7 Sunday. */
export const WEEK_DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const clockTime = z
  .string()
  // A value not shaped like a time is named once (abort: the end-after-start check is not run on it).
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time of day like 09:00', abort: true });

/** A person's own business hours, as BUSINESS_DAY_START and BUSINESS_DAY_END are given. */
export const hoursSchema = z
  .strictObject({ start: clockTime, end: clockTime })
  .refine((h) => h.end > h.start, { error: 'the day must end after it starts', path: ['end'] });
export type OwnHours = z.infer<typeof hoursSchema>;

/** One person's own days: their holiday regions, their working week and hours, and a pause from their pools. */
export const personSchema = z.strictObject({
  /** Their own holiday regions, or `none` (unset: their time zone's country, or everyone's setting). */
  regions: z.union([z.literal('none'), z.array(region).min(1).max(5)]).optional(),
  /** The days of the week they work, ISO numbered 1..7 (unset: Monday to Friday). */
  workingDays: z
    .array(z.number().int().min(1).max(7))
    .min(1, { error: 'name at least one working day' })
    .max(7)
    .refine((days) => new Set(days).size === days.length, { error: 'names a day twice' })
    .optional(),
  /** Their own business hours (unset: the deployment's). */
  hours: hoursSchema.optional(),
  /** Out of their pools' round robin: through this date (YYYY-MM-DD, in their calendar), or until they resume. */
  paused: z.union([z.literal('until_resumed'), isoDate]).optional(),
}) satisfies z.ZodType<PersonBody>;
// The shapes the schemas read are in domain/ (ownDays.ts, partnerPart.ts), where the renderers read them too.
export type { PersonBody } from '../domain/ownDays.js';
export {
  PARTNER_NOTIFY,
  type PartnerBody,
  type PartnerContact,
  type PartnerNotify,
} from '../domain/partnerPart.js';

/** A partner's own part (keyed by its id in the partner directory): its internal partner managers, and what they hear. */
/** A person at the partner: their name and role, as a packet's partner contact is written. */
export const contactSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'name the contact' }).max(80, { error: 'at most 80 characters' }),
  role: z.string().trim().max(80, { error: 'at most 80 characters' }).optional(),
}) satisfies z.ZodType<PartnerContact>;

export const partnerSchema = z.strictObject({
  managers: z.array(userId).max(20, { error: 'at most 20 partner managers' }),
  /** Everyone in this Slack user group is one of its partner managers too. */
  usergroup: z
    .string()
    .regex(USERGROUP, { error: 'must be a Slack user group id like S012ABCDEF' })
    .optional(),
  /** What its managers are told in their DMs (unset: all, the decisions and the outcomes). */
  notify: z.enum(PARTNER_NOTIFY).optional(),
  /** The people at the partner we deal with (its managers keep the list): a name, and their role. */
  contacts: z.array(contactSchema).max(20, { error: 'at most 20 contacts' }).optional(),
}) satisfies z.ZodType<PartnerBody>;

/** The score's weights: each of the nine components 0 to 3 (domain/scoreWeights.ts). */
export const scoringSchema = z.strictObject({
  weights: z
    .record(z.enum(COMPONENTS), z.union(WEIGHTS.map((w) => z.literal(w))))
    .refine((w) => Object.values(w).some((v) => v > 0), { error: 'give at least one component a weight' }),
});
export type ScoringBody = z.infer<typeof scoringSchema>;

export const managersSchema = z.record(userId, userId);
export const closuresSchema = z.array(isoDate).max(366);

export interface ProgramKind {
  /** One value (`-` is its key), or one per key. */
  keyed: boolean;
  /** Read with the policy file's own rules, together with the other book parts (program/book.ts). */
  book: boolean;
  /** The value's schema (book parts: checked with the file's rules instead). */
  schema?: z.ZodType;
  /** What it is, in a sentence of the history ("the *emea* pool", "Dana's days"). */
  label: string;
}

export const PROGRAM_KINDS = {
  pool: { keyed: true, book: true, label: 'pool' },
  policy: { keyed: true, book: true, label: 'escalation policy' },
  routes: { keyed: false, book: true, label: 'which policy applies' },
  limits: { keyed: false, book: true, label: 'escalation limits' },
  managers: { keyed: false, book: false, schema: managersSchema, label: 'managers' },
  closures: { keyed: false, book: false, schema: closuresSchema, label: 'company closures' },
  holidays: { keyed: false, book: false, schema: holidaysSchema, label: 'public holidays' },
  roles: { keyed: false, book: false, schema: rolesSchema, label: 'roles' },
  person: { keyed: true, book: false, schema: personSchema, label: 'own days' },
  partner: { keyed: true, book: false, schema: partnerSchema, label: 'partner managers' },
  settings: { keyed: false, book: false, schema: settingsSchema, label: 'settings' },
  scoring: { keyed: false, book: false, schema: scoringSchema, label: "the score's weights" },
} as const satisfies Record<string, ProgramKind>;

export type ProgramKindName = keyof typeof PROGRAM_KINDS;
export const PROGRAM_KIND_NAMES = Object.keys(PROGRAM_KINDS) as ProgramKindName[];
/** The key of a part there is one of. */
export const SINGLE = '-';
