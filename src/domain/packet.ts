import { DateTime } from 'luxon';
import { z } from 'zod';
import { accountDomain } from './accountMatch.js';
import { PACKET_FIELDS } from './packetFields.js';
import type { Dates } from './packetRules.js';

export { PACKET_FIELDS } from './packetFields.js';
export { isHttpUrl, normaliseUrl, RESPONSE_WINDOW, windowMaxOf } from './packetRules.js';

/**
 * The handoff packet: the fields of DOMAIN.md as partner marketing fills them, each described once in the registry
 * (packetFields.ts). Everything here is read from it: the field names and their subsets, the limits, the schema.
 */

type Spec = typeof PACKET_FIELDS;
export type PacketField = keyof Spec;

/** The fields whose registry entry matches `Cond` (e.g. `{ edit: true }`). */
export type FieldWhere<Cond> = { [F in PacketField]: Spec[F] extends Cond ? F : never }[PacketField];
export type EditableField = FieldWhere<{ edit: true }>;
export type LockedField = FieldWhere<{ edit: { locked: string } }>;
export type LimitedField = FieldWhere<{ rule: { max: number } }>;
export type ExportedField = FieldWhere<{ csv: string }>;
export type PartnerVisibleField = FieldWhere<{ partner: true }>;
export type FlagField = FieldWhere<{ rule: { input: 'flag' } }>;

/** Every packet field, in the packet's order. */
// Object.keys types its keys as strings; they are the registry's own.
export const FIELD_NAMES = Object.keys(PACKET_FIELDS) as PacketField[];

export const isPacketField = (value: unknown): value is PacketField =>
  typeof value === 'string' && Object.hasOwn(PACKET_FIELDS, value);

/** A record of `fields`, each mapped to a value. */
export function fieldRecord<K extends PacketField, T>(
  fields: readonly K[],
  value: (field: K) => T,
): Record<K, T> {
  // Object.fromEntries types its keys as strings; they are exactly `fields`.
  return Object.fromEntries(fields.map((field) => [field, value(field)])) as Record<K, T>;
}

/** `fields` of a record with the packet's fields, each with its own type. */
export function pickFields<T extends Record<K, unknown>, K extends PacketField>(
  from: T,
  fields: readonly K[],
): Pick<T, K> {
  // fieldRecord types every value as the union of the fields' types; each is its own field's.
  return fieldRecord(fields, (field) => from[field]) as Pick<T, K>;
}

export const EDITABLE_FIELDS = FIELD_NAMES.filter((f): f is EditableField => PACKET_FIELDS[f].edit === true);
export const LOCKED_FIELDS = FIELD_NAMES.filter((f): f is LockedField => PACKET_FIELDS[f].edit !== true);
export const EXPORTED_FIELDS = FIELD_NAMES.filter((f): f is ExportedField => PACKET_FIELDS[f].csv !== null);
export const PARTNER_VISIBLE = FIELD_NAMES.filter((f): f is PartnerVisibleField => PACKET_FIELDS[f].partner);
export const FLAG_FIELDS = FIELD_NAMES.filter((f): f is FlagField => PACKET_FIELDS[f].rule.input === 'flag');

/** The most characters of each text field (and the evidence link). */
export const FIELD_LIMITS = fieldRecord(
  FIELD_NAMES.filter((f): f is LimitedField => 'max' in PACKET_FIELDS[f].rule),
  (field) => PACKET_FIELDS[field].rule.max,
);

/** The packet as validated: each field's value as its rule reads it. */
export type Packet = { [F in PacketField]: z.output<ReturnType<Spec[F]['rule']['schema']>> };
/** The raw form input, per field (the schema decides what is valid; a missing field is empty). */
export type PacketInput = Partial<Record<PacketField, unknown>>;
export type PacketErrors = Partial<Record<PacketField, string>>;

type Shape = { [F in PacketField]: z.ZodType<Packet[F]> };

/**
 * `today`: the earliest calendar date anywhere (dates before it are past); `latest`: the latest one; `windowMax`: the
 * longest response window the program allows (SCORE_MAX_WINDOW_DAYS).
 */
export function packetSchema(
  today: string,
  latest = DateTime.fromISO(today).plus({ days: 2 }).toISODate() ?? today,
  windowMax?: number,
) {
  const dates: Dates = { today, latest, windowMax };
  // Object.fromEntries loses each key's own type: every value is its field's rule's schema, which is what Shape says.
  const shape = Object.fromEntries(
    FIELD_NAMES.map((field) => [field, PACKET_FIELDS[field].rule.schema(dates)]),
  ) as Shape;
  return z.object(shape);
}

/** One field on its own: its value when it parses. */
function keepValid<F extends PacketField>(
  field: F,
  shape: Shape,
  input: PacketInput,
  valid: Partial<Packet>,
) {
  const one = shape[field].safeParse(input[field]);
  if (one.success) valid[field] = one.data;
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
  windowMax?: number,
): { ok: true; packet: Packet } | { ok: false; errors: PacketErrors; valid: Partial<Packet> } {
  const schema = packetSchema(today, latest, windowMax);
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, packet: result.data };
  const errors: PacketErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (isPacketField(field) && !errors[field]) errors[field] = issue.message;
  }
  // Each field on its own (the schema has no rule across fields): what parses is usable, what does not has its error.
  const raw: PacketInput = typeof input === 'object' && input !== null ? input : {};
  const valid: Partial<Packet> = {};
  for (const field of FIELD_NAMES) if (!errors[field]) keepValid(field, schema.shape, raw, valid);
  return { ok: false, errors, valid };
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
