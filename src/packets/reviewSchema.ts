import { z } from 'zod';
import { CRM_SYSTEMS } from '../domain/crmFacts.js';
import { PARTNER_VISIBLE_FIELDS, type PartnerVisibleField } from '../domain/internalText.js';
import { HANDOFF_STATUSES } from '../domain/lifecycle.js';
import { FIELD_NAMES } from '../domain/packet.js';
import { COMPONENTS } from '../domain/scoringModel.js';
import type { Review } from './types.js';

/**
 * The review as its draft keeps it (JSON, written by `submitPacket`), read back through a schema instead of a cast:
 * a draft that does not read as a review (corrupted, or saved by a version that kept other fields) is no draft, and
 * Send answers as it does for a missing one. Objects are loose, so a field this schema does not list is kept as
 * stored, never dropped. The `Review` annotation makes a missing or mistyped required field a compile error.
 */

/** A key that may be absent from the JSON (undefined is not stored) but is required, possibly undefined, in `Review`. */
const maybe = <T extends z.ZodType>(schema: T) => schema.optional().transform((value) => value);

const nullableString = z.string().nullable();
const person = { id: z.string(), teamId: z.string(), name: z.string(), timeZone: maybe(z.string()) };
const partnerRef = z.looseObject({ id: z.number(), name: z.string() });
const crmSystem = z.enum(CRM_SYSTEMS);

/** The packet's fields come from the registry (domain/packetFields.ts), each stored as a plain value. */
const plainValue = (value: unknown) =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);
function isStoredPacket(value: unknown): value is Review['packet'] {
  if (typeof value !== 'object' || value === null) return false;
  const fields = new Map(Object.entries(value));
  return (
    FIELD_NAMES.every((field) => fields.has(field) && plainValue(fields.get(field))) &&
    typeof fields.get('partnerTouchOn') === 'string'
  );
}

const conflictOrDuplicate = {
  handoffId: z.number(),
  accountName: z.string(),
  partnerOrg: z.string(),
  status: z.enum(HANDOFF_STATUSES),
  aeUserId: z.string(),
};
const finding = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('duplicate'), ...conflictOrDuplicate }),
  z.looseObject({ kind: z.literal('conflict'), ...conflictOrDuplicate }),
  z.looseObject({ kind: z.literal('reseller'), resellerName: z.string(), accountName: z.string() }),
]);

const crmOpportunity = z.looseObject({
  system: crmSystem,
  id: z.string(),
  name: z.string(),
  stage: z.string(),
  createdOn: nullableString,
  createdAt: nullableString.optional(),
  closed: z.boolean(),
  closedOn: nullableString,
  linked: z.boolean().optional(),
});

const crmCheck = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('off') }),
  z.looseObject({ kind: z.literal('unreached'), crm: z.string(), undecided: z.boolean().optional() }),
  z.looseObject({
    kind: z.literal('checked'),
    crm: z.string(),
    systems: z.array(crmSystem),
    opportunities: z.array(crmOpportunity),
    pick: z.string().optional(),
    unconfirmed: z.string().optional(),
    searched: z.looseObject({ name: z.string(), domain: nullableString }).optional(),
  }),
]);

const confirm = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('alias'), typed: z.string(), partner: partnerRef }),
  z.looseObject({ kind: z.literal('workspace'), teamName: z.string(), partnerName: z.string() }),
]);

export const reviewSchema: z.ZodType<Review> = z.looseObject({
  packet: z.custom<Review['packet']>(isStoredPacket),
  ae: z.looseObject(person),
  scorecard: z.looseObject({
    components: z.array(
      z.looseObject({
        id: z.enum(COMPONENTS),
        score: z.union([z.literal(0), z.literal(1), z.literal(2)]),
        reason: z.string(),
      }),
    ),
    total: z.number(),
    band: z.enum(['ready', 'fix', 'keep_building']),
  }),
  readiness: z.array(z.looseObject({ label: z.string(), met: z.boolean() })),
  classification: z.enum(['partner_sourced', 'partner_influenced']),
  classificationReason: z.string(),
  findings: z.array(finding),
  overrideNeeded: z.array(z.enum(['below_lowest_band', 'duplicate'])),
  partnerChannelExternal: z.boolean(),
  partner: z.looseObject({ id: z.number().nullable(), name: z.string() }),
  partnerChannel: z
    .looseObject({
      id: z.string(),
      name: z.string(),
      external: z.array(z.looseObject({ teamId: z.string(), teamName: maybe(z.string()) })),
    })
    .nullable(),
  confirm: maybe(confirm),
  internalText: z.array(
    z.looseObject({
      field: z.custom<PartnerVisibleField>(
        (value) => typeof value === 'string' && Object.hasOwn(PARTNER_VISIBLE_FIELDS, value),
      ),
      matches: z.array(z.string()),
    }),
  ),
  authorLastScores: z.array(z.number()),
  attributionDetails: z.boolean().optional(),
  crm: z
    .looseObject({
      system: crmSystem,
      id: z.string(),
      name: nullableString,
      stage: nullableString,
      checked: z.boolean(),
    })
    .optional(),
  crmCheck: crmCheck.optional(),
  absence: z
    .looseObject({
      status: nullableString,
      until: nullableString,
      cover: z.looseObject({ ...person, until: z.string() }).nullable(),
    })
    .optional(),
  fromPool: z
    .looseObject({
      name: z.string(),
      title: z.string().optional(),
      skipped: z.array(z.looseObject({ user: z.string(), why: z.string() })),
      why: z.string().optional(),
    })
    .optional(),
  authorTimeZone: z.string().optional(),
  deadline: z
    .looseObject({
      dueAt: z.string(),
      timeZone: z.string(),
      businessDays: z.number(),
      skipped: z.array(z.looseObject({ date: z.string(), why: z.string() })),
      holidayRegions: z.array(z.string()),
      holidaysBy: z.enum(['zone', 'setting', 'person', 'none']),
    })
    .optional(),
  editOf: z.number().optional(),
  fromEditCount: z.number().optional(),
});
