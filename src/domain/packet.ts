import { DateTime } from 'luxon';
import { z } from 'zod';
import { accountDomain } from './accountMatch.js';
import { type FillerField, partnerFiller } from './partnerFiller.js';

/**
 * The handoff packet: the eleven fields of DOMAIN.md as partner marketing fills them.
 * Limits keep every field renderable inside Slack's Block Kit limits (3000 chars per text object).
 */
export const FIELD_LIMITS = {
  accountName: 150,
  crmOpportunity: 300,
  accountDomain: 200,
  partnerOrg: 150,
  partnerContactName: 120,
  partnerContactRole: 120,
  whyPartner: 600,
  customerTrigger: 1200,
  jointValue: 1200,
  warmPath: 800,
  sellerNextMove: 400,
  partnerNextMove: 800,
  riskNote: 1200,
  evidenceUrl: 2000,
} as const;

export const RESPONSE_WINDOW = { min: 1, max: 10, default: 3 } as const;

export type PacketField =
  | keyof typeof FIELD_LIMITS
  | 'partnerNextMoveDate'
  | 'partnerAgreedInWriting'
  | 'onPriorityList'
  | 'opportunityCreatedOn'
  | 'partnerTouchOn'
  | 'aeUserId'
  | 'ownerUserId'
  | 'responseWindowDays'
  | 'partnerChannelId';

const requiredText = (field: keyof typeof FIELD_LIMITS, what: string) =>
  z
    .string({ error: `Please add ${what}.` })
    .trim()
    .min(1, `Please add ${what}.`)
    .max(FIELD_LIMITS[field], `Keep this under ${FIELD_LIMITS[field]} characters.`);

/** Required text the partner reads word for word: filler is refused on the field (domain/partnerFiller.ts). */
const partnerText = (field: FillerField, what: string) =>
  requiredText(field, what).superRefine((value, ctx) => {
    const why = partnerFiller(field, value);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });

const optionalText = (field: keyof typeof FIELD_LIMITS) =>
  z
    .string()
    .trim()
    .max(FIELD_LIMITS[field], `Keep this under ${FIELD_LIMITS[field]} characters.`)
    .nullish()
    .transform((value) => (value ? value : null));

const slackUserId = (what: string) =>
  z.string({ error: `Please choose ${what}.` }).regex(/^[UW][A-Z0-9]{2,}$/, `Please choose ${what}.`);

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** An optional calendar date that cannot be in the future (`latest`: the latest "today" anywhere). */
const pastDate = (latest: string) =>
  z
    .string()
    .regex(isoDate, 'Pick a date.')
    .refine((date) => DateTime.fromISO(date).isValid, 'Pick a date.')
    .refine((date) => date <= latest, 'This date is in the future.')
    .nullish()
    .transform((value) => value ?? null);

/** `today`: the earliest calendar date anywhere (dates before it are past); `latest`: the latest one. */
export function packetSchema(
  today: string,
  latest = DateTime.fromISO(today).plus({ days: 2 }).toISODate() ?? today,
) {
  return z.object({
    accountName: partnerText('accountName', 'the account name'),
    crmOpportunity: optionalText('crmOpportunity'),
    accountDomain: optionalText('accountDomain').refine(
      (value) => value === null || accountDomain(value) !== undefined,
      "Use the company's web domain, like northwind.com.",
    ),
    onPriorityList: z.boolean().default(false),
    opportunityCreatedOn: pastDate(latest),
    partnerTouchOn: pastDate(latest),
    partnerOrg: partnerText('partnerOrg', 'the partner organization'),
    partnerContactName: partnerText('partnerContactName', 'the partner contact (a person, not a logo)'),
    partnerContactRole: optionalText('partnerContactRole'),
    whyPartner: requiredText('whyPartner', 'why this partner matters for this account'),
    customerTrigger: requiredText('customerTrigger', 'what the customer said or did'),
    jointValue: requiredText('jointValue', 'the joint value proposition'),
    warmPath: requiredText('warmPath', 'the warm path (who knows whom)'),
    sellerNextMove: requiredText('sellerNextMove', 'one next move for the AE'),
    partnerNextMove: partnerText('partnerNextMove', 'what the partner will do next'),
    partnerNextMoveDate: z
      .string()
      .regex(isoDate, 'Pick a date.')
      .refine((date) => DateTime.fromISO(date).isValid, 'Pick a date.')
      .refine((date) => date >= today, 'This date is in the past.')
      .nullish()
      .transform((value) => value ?? null),
    partnerAgreedInWriting: z.boolean().default(false),
    riskNote: optionalText('riskNote'),
    evidenceUrl: z
      .string()
      .trim()
      .nullish()
      .transform((value) => (value ? value : null))
      .refine(
        (value) => value === null || isHttpUrl(value),
        'Use a full link starting with https:// or http://.',
      )
      // Stored normalised (spaces and brackets percent-encoded), so it renders as a Slack link at the size checked.
      .transform((value) => (value === null ? null : normaliseUrl(value)))
      .refine(
        (value) => value === null || value.length <= FIELD_LIMITS.evidenceUrl,
        `Keep the link under ${FIELD_LIMITS.evidenceUrl} characters.`,
      ),
    aeUserId: slackUserId('the account executive'),
    ownerUserId: slackUserId('the owner of the next move'),
    responseWindowDays: z.preprocess(
      (value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value),
      z.coerce
        .number({ error: 'Enter a number of business days.' })
        .int('Use a whole number of business days.')
        .min(RESPONSE_WINDOW.min, `The window is at least ${RESPONSE_WINDOW.min} business day.`)
        .max(RESPONSE_WINDOW.max, `The window is at most ${RESPONSE_WINDOW.max} business days.`),
    ),
    // Optional: a partner not on Slack Connect hears nothing in Slack, and the review says so.
    partnerChannelId: z
      .string({ error: 'Choose a channel from the list, or leave it empty.' })
      .nullish()
      .transform((value) => (value ? value : null))
      .refine(
        (value) => value === null || /^[CG][A-Z0-9]{2,}$/.test(value),
        'Choose a channel from the list, or leave it empty.',
      ),
  });
}

export type Packet = z.output<ReturnType<typeof packetSchema>>;
export type PacketInput = z.input<ReturnType<typeof packetSchema>>;

export type PacketErrors = Partial<Record<PacketField, string>>;

/** The WHATWG form of a URL, with Slack's link delimiters (| < >) percent-encoded too. */
export function normaliseUrl(value: string): string {
  return new URL(value).href.replace(/[|<>]/g, (ch) => encodeURIComponent(ch));
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

/**
 * Validates raw form input; returns the packet, or one message per field (for inline modal errors) with the fields
 * that are valid (`valid`), so the checks that need only those (the people and the channel with Slack, the account
 * against other handoffs) can still run and report in the same round.
 */
export function parsePacket(
  input: PacketInput,
  today: string,
  latest?: string,
): { ok: true; packet: Packet } | { ok: false; errors: PacketErrors; valid: Partial<Packet> } {
  const schema = packetSchema(today, latest);
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, packet: result.data };
  const errors: PacketErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0] as PacketField | undefined;
    if (field && !errors[field]) errors[field] = issue.message;
  }
  // Each field on its own (the schema has no rule across fields): what parses is usable, what does not has its error.
  const raw: Record<string, unknown> =
    typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const valid: Record<string, unknown> = {};
  for (const [field, fieldSchema] of Object.entries(schema.shape) as [PacketField, z.ZodType][]) {
    if (errors[field]) continue;
    const one = fieldSchema.safeParse(raw[field]);
    if (one.success) valid[field] = one.data;
  }
  return { ok: false, errors, valid: valid as Partial<Packet> };
}

/**
 * The attribution details the review asks for when the rule needs them (a CRM opportunity of unknown creation date):
 * both optional, neither in the future.
 */
export function parseAttributionDates(
  input: { opportunityCreatedOn?: unknown; partnerTouchOn?: unknown },
  today: string,
  latest?: string,
):
  | { ok: true; opportunityCreatedOn: string | null; partnerTouchOn: string | null }
  | { ok: false; errors: Partial<Record<'opportunityCreatedOn' | 'partnerTouchOn', string>> } {
  const { shape } = packetSchema(today, latest);
  const created = shape.opportunityCreatedOn.safeParse(input.opportunityCreatedOn ?? null);
  const touch = shape.partnerTouchOn.safeParse(input.partnerTouchOn ?? null);
  if (created.success && touch.success) {
    return { ok: true, opportunityCreatedOn: created.data, partnerTouchOn: touch.data };
  }
  return {
    ok: false,
    errors: {
      ...(created.success
        ? {}
        : { opportunityCreatedOn: created.error.issues[0]?.message ?? 'Pick a date.' }),
      ...(touch.success ? {} : { partnerTouchOn: touch.error.issues[0]?.message ?? 'Pick a date.' }),
    },
  };
}

/*
 * The packet modal asks for some fields together, in one input each, and splits them into the packet's fields, so
 * storage, scoring and rendering stay as they were:
 * - "Partner contact": the person, then their role after the first comma ("Dana Reyes, alliances lead");
 * - "Account": the name, then the company's web domain in brackets ("Northwind Logistics (northwind.com)").
 */

/** The most the combined inputs hold: both parts at their limits, and the separator. */
export const FORM_LIMITS = {
  account: FIELD_LIMITS.accountName + 3 + FIELD_LIMITS.accountDomain,
  partnerContact: FIELD_LIMITS.partnerContactName + 2 + FIELD_LIMITS.partnerContactRole,
} as const;

/** "Dana Reyes, alliances lead" → name and role (null when there is none). Anything but a string is left as is. */
export function splitContact(value: unknown): { name: unknown; role: unknown } {
  if (typeof value !== 'string') return { name: value, role: null };
  const comma = value.indexOf(',');
  if (comma < 0) return { name: value, role: null };
  const role = value.slice(comma + 1).trim();
  return { name: value.slice(0, comma), role: role || null };
}

export function joinContact(name: string | null | undefined, role: string | null | undefined): string {
  const person = (name ?? '').trim();
  const what = (role ?? '').trim();
  return what ? `${person}, ${what}` : person;
}

const DOMAIN_LIKE = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i;

/**
 * "Northwind Logistics (northwind.com)" → name and domain. Only a last bracket that holds a web domain is taken
 * ("Acme (Europe)" stays a name); a name that is itself a domain ("Booking.com") stays the name.
 */
export function splitAccount(value: unknown): { name: unknown; domain: string | null } {
  if (typeof value !== 'string') return { name: value, domain: null };
  const match = /^([\s\S]*?)\s*\(\s*([^()\s]+)\s*\)\s*$/.exec(value);
  const domain = match?.[2];
  if (!match || !domain || !DOMAIN_LIKE.test(domain.replace(/^https?:\/\//i, '').replace(/\/$/, ''))) {
    return { name: value, domain: null };
  }
  if (accountDomain(domain) === undefined) return { name: value, domain: null };
  return { name: match[1] ?? '', domain };
}

export function joinAccount(name: string | null | undefined, domain: string | null | undefined): string {
  const account = (name ?? '').trim();
  const web = (domain ?? '').trim();
  return web ? `${account} (${web})` : account;
}
