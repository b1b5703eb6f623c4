import { and, eq, isNotNull, isNull, ne, notLike, or, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { logEvent } from '../../db/repositories/events.js';
import { type HandoffRow, updateIfUnchanged } from '../../db/repositories/handoffs.js';
import { requestRefresh } from '../../db/repositories/surfaces.js';
import { classificationCorrections, handoffs } from '../../db/schema.js';
import { type AttributionBasis, CLASSIFICATION_LABEL, classOf } from '../../domain/attribution.js';
import { isoDateIn } from '../../domain/businessDays.js';
import type { CrmSystem } from '../../domain/crmLink.js';
import { HANDOFF_STATUSES } from '../../domain/lifecycle.js';
import { EARLIEST_ZONE, LATEST_ZONE } from '../../domain/zones.js';
import { crmRecordWord } from './index.js';

/** The link as `classified_link` keeps it. */
const linkOf = (h: Pick<HandoffRow, 'crmSystem' | 'crmRecordId'>) => `${h.crmSystem}:${h.crmRecordId}`;

/**
 * Classified handoffs linked to a record of this CRM that their class was not decided with: an opportunity recorded
 * after sending ("Opportunity created"), or a link the CRM could not confirm at review. Read once each.
 */
export function relinkedHandoffs(db: Db, system: CrmSystem): HandoffRow[] {
  return db
    .select()
    .from(handoffs)
    .where(
      and(
        eq(handoffs.crmSystem, system),
        isNotNull(handoffs.crmRecordId),
        isNotNull(handoffs.classification),
        or(
          isNull(handoffs.classifiedLink),
          ne(handoffs.classifiedLink, sql`${handoffs.crmSystem} || ':' || ${handoffs.crmRecordId}`),
        ),
      ),
    )
    .all();
}

/** Whether a person (RevOps) corrected the class: their correction stands, the CRM does not overrule it. */
function correctedByPerson(db: Executor, handoffId: number): boolean {
  return (
    db
      .select({ id: classificationCorrections.id })
      .from(classificationCorrections)
      .where(
        and(
          eq(classificationCorrections.handoffId, handoffId),
          notLike(classificationCorrections.correctedByUserId, 'crm:%'),
        ),
      )
      .get() !== undefined
  );
}

/**
 * The partner's first action (YYYY-MM-DD), as stored. Handoffs sent before it was kept have none: it was the
 * author's today when sending, and their zone is not kept, so it is one of the days the moment of sending falls on
 * somewhere (the earliest and the latest; the same day for most of the day).
 */
function touchOf(h: Pick<HandoffRow, 'partnerTouchOn' | 'sentAt'>): {
  earliest: string;
  latest: string;
  known: boolean;
} {
  if (h.partnerTouchOn) return { earliest: h.partnerTouchOn, latest: h.partnerTouchOn, known: true };
  return {
    earliest: isoDateIn(h.sentAt, EARLIEST_ZONE),
    latest: isoDateIn(h.sentAt, LATEST_ZONE),
    known: false,
  };
}

/**
 * The class a later-linked record gives, from its creation date (the rule: created after the partner's first action,
 * sourced; on or before it, influenced). A change is made like a RevOps correction: the handoff's class and reason,
 * an audit record (by `crm:<system>`, with the reason), a `classification_corrected` event, and every message showing
 * the handoff refreshed. Either way the link is marked as read. Returns the correction made, if any.
 */
export function correctFromLink(
  db: Db,
  h: HandoffRow,
  record: { createdOn: string | null | undefined; label: string },
  now: Date,
): { from: string; to: string } | undefined {
  const link = linkOf(h);
  const from = h.classification;
  const createdOn = record.createdOn ?? null;
  const touch = touchOf(h);
  const early = classOf(createdOn, touch.earliest);
  // Unknown first action, and the creation date on the day of sending: the author's zone (not kept) would decide.
  const to = early === classOf(createdOn, touch.latest) ? early : undefined;
  const guard = { statuses: HANDOFF_STATUSES, cycle: h.cycle };
  return db.transaction((tx) => {
    if (!from || !createdOn || !to || to === from || correctedByPerson(tx, h.id)) {
      updateIfUnchanged(tx, h.id, guard, { classifiedLink: link });
      return undefined;
    }
    const name = `“${h.crmRecordName ?? h.crmRecordId}”`;
    const word = crmRecordWord(h.crmSystem as CrmSystem);
    // Of the two possible days of sending, the one that makes the sentence true wherever the author was.
    const on = (day: string) => (touch.known ? day : `${day} (the day it was sent)`);
    const reason =
      to === 'partner_sourced'
        ? `Linked after sending to ${record.label} ${word} ${name}, created on ${createdOn}, after the partner's first action on ${on(touch.latest)}.`
        : `Linked after sending to ${record.label} ${word} ${name}, which existed on ${createdOn}, before or on the partner's first action on ${on(touch.earliest)}.`;
    const attribution: AttributionBasis = {
      basis: 'crm',
      crm: record.label,
      opportunity: {
        system: h.crmSystem as CrmSystem,
        id: h.crmRecordId as string,
        name: h.crmRecordName ?? (h.crmRecordId as string),
        createdOn,
      },
      choice: 'link',
    };
    const row = updateIfUnchanged(tx, h.id, guard, {
      classification: to,
      classificationReason: reason,
      attribution,
      classifiedLink: link,
      updatedAt: now,
    });
    if (!row) return undefined;
    tx.insert(classificationCorrections)
      .values({
        handoffId: h.id,
        fromClassification: from,
        toClassification: to,
        reason: `${CLASSIFICATION_LABEL[to]} by the ${record.label} read-back: ${reason}`,
        correctedByUserId: `crm:${h.crmSystem}`,
        correctedAt: now,
      })
      .run();
    logEvent(tx, {
      type: 'classification_corrected',
      before: h,
      after: row,
      actor: null,
      at: now,
      detail: { from, to, source: record.label, recordId: h.crmRecordId, createdOn },
    });
    // The packet shows the classification: every message showing the handoff follows.
    requestRefresh(tx, row.id, now);
    return { from, to };
  });
}
