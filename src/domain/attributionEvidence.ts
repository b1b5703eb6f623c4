import {
  type AttributionBasis,
  type Classification,
  createdDay,
  createdDaysAnywhere,
} from './attribution.js';
import { isoDateIn } from './businessDays.js';
import { CRM_SYSTEMS, type CrmSystem } from './crmFacts.js';
import { EARLIEST_ZONE, LATEST_ZONE } from './zones.js';

/**
 * "Review attribution": the CRM's read-back says a linked record was created on a day that gives the
 * handoff the other class, and the read-back may not change it itself (the record was linked when the class was
 * decided, a person's correction stands, or the author's zone is not known and the day depends on it). Credit is
 * fixed at entry and changed only by an audited decision (seed 002): RevOps get an item with the evidence.
 */

/** How the handoff's class was set: the rule at send, the author's choice on the review, a person, the read-back. */
export type ClassSetBy = 'rule' | 'author' | 'correction' | 'readBack';

/** What the item shows and keeps (the `evidence` column): the CRM's record, the days, the classes. */
export interface ReviewEvidence {
  /** The CRM's name for people: "Salesforce". */
  crm: string;
  system: CrmSystem;
  recordId: string;
  /** The record's name as the handoff keeps it; null when not known. */
  recordName: string | null;
  /** The record's creation day in the author's zone; with `createdLatest`, one of two days (the zone not known). */
  createdOn: string;
  createdLatest?: string;
  /** The partner's first action; with `touchLatest`, one of two days; `touchFromSending`: the day it was sent. */
  touchOn: string;
  touchLatest?: string;
  touchFromSending?: boolean;
  /** The class the rule gives from these days. */
  ruleClass: Classification;
  /** The days may give either class: the author's zone, not known, would decide. */
  ambiguous: boolean;
  /** The handoff's class when the item was opened, and how it was set. */
  classification: Classification;
  setBy: ClassSetBy;
  /** Whoever corrected it last (a user id), when a person did. */
  correctedBy?: string;
  /** What makes two items the same evidence (never opened again once decided). */
  key: string;
}

/** The handoff as the check reads it. */
export interface EvidenceHandoff {
  classification: Classification | null;
  attribution: AttributionBasis | null;
  partnerTouchOn: string | null;
  sentAt: Date;
  crmSystem: CrmSystem | null;
  crmRecordId: string | null;
  crmRecordName: string | null;
}

/** A day that may be one of several: the earliest and the latest it can be. */
interface Days {
  earliest: string;
  latest: string;
}

const one = (day: string): Days => ({ earliest: day, latest: day });

/** The partner's first action as kept; else the day of sending (in the author's zone, or wherever they were). */
function touchOf(h: EvidenceHandoff, zone: string | undefined): Days & { fromSending: boolean } {
  if (h.partnerTouchOn) return { ...one(h.partnerTouchOn), fromSending: false };
  if (zone) return { ...one(isoDateIn(h.sentAt, zone)), fromSending: true };
  return {
    earliest: isoDateIn(h.sentAt, EARLIEST_ZONE),
    latest: isoDateIn(h.sentAt, LATEST_ZONE),
    fromSending: true,
  };
}

/**
 * The record's creation day: in the author's zone when kept; else the day the class was decided with, when it was
 * decided from this very record; else the days the CRM's moment falls on somewhere.
 */
function createdOf(
  h: EvidenceHandoff,
  record: { createdOn: string | null; createdAt: string | null },
  zone: string | undefined,
): Days | undefined {
  if (zone) {
    const day = createdDay(record, zone);
    return day ? one(day) : undefined;
  }
  const kept = h.attribution?.opportunity;
  if (kept?.createdOn && kept.system === h.crmSystem && kept.id === h.crmRecordId) return one(kept.createdOn);
  const { earliest, latest } = createdDaysAnywhere(record);
  return earliest && latest ? { earliest, latest } : undefined;
}

/**
 * Another CRM opportunity decided the class at entry and existed when the partner acted: by the rule it keeps the
 * handoff partner-influenced, whenever the linked one was created.
 */
function otherExisted(h: EvidenceHandoff, touch: Days): boolean {
  const o = h.attribution?.opportunity;
  if (h.attribution?.basis !== 'crm' || !o || (o.system === h.crmSystem && o.id === h.crmRecordId))
    return false;
  return !o.createdOn || o.createdOn <= touch.earliest;
}

const OTHER: Record<Classification, Classification> = {
  partner_sourced: 'partner_influenced',
  partner_influenced: 'partner_sourced',
};

/**
 * The evidence when a linked record's creation day contradicts the handoff's class (the rule: created after the
 * partner's first action, sourced; on or before it, influenced), or may contradict it in the author's zone when that
 * is not known. Undefined when it agrees, or says nothing (no class, no link, no creation date).
 */
export function contradiction(
  h: EvidenceHandoff,
  record: { createdOn: string | null; createdAt: string | null; crm: string },
  how: { setBy: ClassSetBy; correctedBy?: string },
): ReviewEvidence | undefined {
  const current = h.classification;
  if (!current || !h.crmSystem || !h.crmRecordId) return undefined;
  const zone = h.attribution?.zone;
  const created = createdOf(h, record, zone);
  if (!created) return undefined;
  const touch = touchOf(h, zone);
  const other = otherExisted(h, touch);
  const possible: Record<Classification, boolean> = {
    partner_sourced: !other && created.latest > touch.earliest,
    partner_influenced: other || created.earliest <= touch.latest,
  };
  const ruleClass = OTHER[current];
  if (!possible[ruleClass]) return undefined;
  const ambiguous = possible[current];
  return {
    crm: record.crm,
    system: h.crmSystem,
    recordId: h.crmRecordId,
    recordName: h.crmRecordName,
    createdOn: created.earliest,
    ...(created.latest !== created.earliest ? { createdLatest: created.latest } : {}),
    touchOn: touch.earliest,
    ...(touch.latest !== touch.earliest ? { touchLatest: touch.latest } : {}),
    ...(touch.fromSending ? { touchFromSending: true } : {}),
    ruleClass,
    ambiguous,
    classification: current,
    setBy: how.setBy,
    ...(how.correctedBy ? { correctedBy: how.correctedBy } : {}),
    key: [
      `${h.crmSystem}:${h.crmRecordId}`,
      `${created.earliest}..${created.latest}`,
      `${touch.earliest}..${touch.latest}`,
      current,
    ].join('|'),
  };
}

/** How the class was set, from the handoff's basis (a person's correction is the caller's to know). */
export function setByOf(attribution: AttributionBasis | null): ClassSetBy {
  const choice = attribution?.choice;
  if (choice === 'author' || choice === 'none') return 'author';
  if (choice === 'link') return 'readBack';
  return 'rule';
}

const CLASSES = new Set<string>(['partner_sourced', 'partner_influenced']);
const SET_BY = new Set<string>(['rule', 'author', 'correction', 'readBack']);

/** The evidence as stored (a JSON column), or undefined when it does not read as one. */
export function evidenceFrom(value: unknown): ReviewEvidence | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const strings = ['crm', 'recordId', 'createdOn', 'touchOn', 'key'].every((k) => typeof e[k] === 'string');
  if (!strings || !(CRM_SYSTEMS as readonly unknown[]).includes(e.system)) return undefined;
  if (!CLASSES.has(String(e.ruleClass)) || !CLASSES.has(String(e.classification))) return undefined;
  if (!SET_BY.has(String(e.setBy))) return undefined;
  return value as ReviewEvidence;
}
