import type { Db } from '../db/client.js';
import { hasCorrectionByPerson, insertClassificationCorrection } from '../db/repositories/crm.js';
import { logEvent } from '../db/repositories/events.js';
import { type HandoffRow, updateIfUnchanged } from '../db/repositories/handoffs.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import {
  type AttributionBasis,
  CLASSIFICATION_LABEL,
  type Classification,
  createdDay,
  createdDaysAnywhere,
} from '../domain/attribution.js';
import { isoDateIn } from '../domain/businessDays.js';
import type { CrmSystem } from '../domain/crmFacts.js';
import { HANDOFF_STATUSES } from '../domain/lifecycle.js';
import { EARLIEST_ZONE, LATEST_ZONE } from '../domain/zones.js';
import { crmRecordWord } from './index.js';

/** The link as `classified_link` keeps it. */
const linkOf = (h: Pick<HandoffRow, 'crmSystem' | 'crmRecordId'>) => `${h.crmSystem}:${h.crmRecordId}`;

/** A day that may be one of several: the earliest and the latest it can be, and whether those are one day. */
interface Days {
  earliest: string;
  latest: string;
  known: boolean;
}

/**
 * The partner's first action (YYYY-MM-DD), as stored. Handoffs sent before it was kept have none: it was the
 * author's today when sending, that day in the author's zone when it is kept; otherwise one of the days the moment of
 * sending falls on somewhere (the earliest and the latest; the same day for most of the day).
 */
function touchOf(h: Pick<HandoffRow, 'partnerTouchOn' | 'sentAt'>, zone: string | undefined): Days {
  if (h.partnerTouchOn) return { earliest: h.partnerTouchOn, latest: h.partnerTouchOn, known: true };
  if (zone) {
    const day = isoDateIn(h.sentAt, zone);
    return { earliest: day, latest: day, known: true };
  }
  return {
    earliest: isoDateIn(h.sentAt, EARLIEST_ZONE),
    latest: isoDateIn(h.sentAt, LATEST_ZONE),
    known: false,
  };
}

/**
 * The record's creation day, in the author's zone (kept with the handoff's attribution since it was). Not kept: the
 * days the CRM's moment falls on somewhere (a moment at 23:30 UTC is that day in New York, the next in Tokyo).
 */
function createdDaysOf(
  record: { createdOn: string | null | undefined; createdAt?: string | null | undefined },
  zone: string | undefined,
): Days | undefined {
  const o = { createdOn: record.createdOn ?? null, createdAt: record.createdAt ?? null };
  if (zone) {
    const day = createdDay(o, zone);
    return day ? { earliest: day, latest: day, known: true } : undefined;
  }
  const { earliest, latest } = createdDaysAnywhere(o);
  return earliest && latest ? { earliest, latest, known: earliest === latest } : undefined;
}

/**
 * The class the rule gives wherever the days may be (created after the first action: sourced; on or before it:
 * influenced), or undefined when the possible days disagree: the author's zone, not known, would decide.
 */
function classEverywhere(created: Days, touch: Days): Classification | undefined {
  if (created.earliest > touch.latest) return 'partner_sourced';
  if (created.latest <= touch.earliest) return 'partner_influenced';
  return undefined;
}

/**
 * The class a later-linked record gives, from its creation date (the rule: created after the partner's first action,
 * sourced; on or before it, influenced). A change is made like a RevOps correction: the handoff's class and reason,
 * an audit record (by `crm:<system>`, with the reason), a `classification_corrected` event, and every message showing
 * the handoff refreshed. Either way the link is marked as read. Returns the correction made, if any.
 */
export async function correctFromLink(
  db: Db,
  h: HandoffRow,
  record: { createdOn: string | null | undefined; createdAt?: string | null | undefined; label: string },
  now: Date,
): Promise<{ from: string; to: string } | undefined> {
  const link = linkOf(h);
  const from = h.classification;
  // The author's zone, kept with the class since it was: the days compared are theirs.
  const zone = h.attribution?.zone;
  const created = createdDaysOf(record, zone);
  const touch = touchOf(h, zone);
  // Zone not kept, and the days the moments fall on somewhere disagree on the class: the author's zone would decide.
  const to = created ? classEverywhere(created, touch) : undefined;
  const createdOn = created?.known ? created.earliest : (record.createdOn ?? null);
  const guard = { statuses: HANDOFF_STATUSES, cycle: h.cycle };
  return db.transaction(async (tx) => {
    if (!from || !created || !to || to === from || (await hasCorrectionByPerson(tx, h.id))) {
      await updateIfUnchanged(tx, h.id, guard, { classifiedLink: link });
      return undefined;
    }
    const name = `“${h.crmRecordName ?? h.crmRecordId}”`;
    const word = crmRecordWord(h.crmSystem as CrmSystem);
    // Of the possible days, those that make the sentence true wherever the author was.
    const on = (day: string) => (touch.known ? day : `${day} (the day it was sent)`);
    const createdWhen = created.known
      ? `on ${created.earliest}`
      : `between ${created.earliest} and ${created.latest} (by time zone)`;
    const reason =
      to === 'partner_sourced'
        ? `Linked after sending to ${record.label} ${word} ${name}, created ${createdWhen}, after the partner's first action on ${on(touch.latest)}.`
        : `Linked after sending to ${record.label} ${word} ${name}, which existed ${createdWhen}, before or on the partner's first action on ${on(touch.earliest)}.`;
    const attribution: AttributionBasis = {
      basis: 'crm',
      crm: record.label,
      opportunity: {
        system: h.crmSystem as CrmSystem,
        id: h.crmRecordId as string,
        name: h.crmRecordName ?? (h.crmRecordId as string),
        createdOn,
        ...(record.createdAt ? { createdAt: record.createdAt } : {}),
      },
      choice: 'link',
      ...(zone ? { zone } : {}),
    };
    const row = await updateIfUnchanged(tx, h.id, guard, {
      classification: to,
      classificationReason: reason,
      attribution,
      classifiedLink: link,
      updatedAt: now,
    });
    if (!row) return undefined;
    await insertClassificationCorrection(tx, {
      handoffId: h.id,
      fromClassification: from,
      toClassification: to,
      reason: `${CLASSIFICATION_LABEL[to]} by the ${record.label} read-back: ${reason}`,
      correctedByUserId: `crm:${h.crmSystem}`,
      correctedAt: now,
    });
    await logEvent(tx, {
      type: 'classification_corrected',
      before: h,
      after: row,
      actor: null,
      at: now,
      detail: { from, to, source: record.label, recordId: h.crmRecordId, createdOn },
    });
    // The packet shows the classification: every message showing the handoff follows.
    await requestRefresh(tx, row.id, now);
    return { from, to };
  });
}
