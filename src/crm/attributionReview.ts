import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { insertReview, lastPersonCorrection, reviewsOf } from '../db/repositories/attributionReviews.js';
import { findHandoff, type HandoffRow } from '../db/repositories/handoffs.js';
import { queueMetricsHomes } from '../db/repositories/homeViews.js';
import { contradiction, evidenceFrom, type ReviewEvidence, setByOf } from '../domain/attributionEvidence.js';
import type { Logger } from '../logger.js';
import type { CrmStates } from './types.js';

/**
 * "Review attribution", after each read of a CRM: a linked record whose creation day contradicts the
 * handoff's class, where the read-back may not change the class itself (relinked.ts changes it for a record linked
 * after the class was decided, unless a person corrected it, or the author's zone is unknown and the day depends on
 * it), opens one item for RevOps with the evidence. Never a second while one is open; never again for the same
 * evidence once decided. The handoff is read again first: a class the read-back just corrected agrees.
 */
export async function openAttributionReviews(
  deps: { db: Db; clock: Clock; logger: Logger },
  handoffs: readonly HandoffRow[],
  states: CrmStates,
  crm: string,
): Promise<number> {
  let opened = 0;
  const seen = new Set<number>();
  for (const h of handoffs) {
    if (seen.has(h.id)) continue;
    seen.add(h.id);
    const state = h.crmRecordId ? states.get(h.crmRecordId) : undefined;
    // Not readable now (deleted, hidden): looked at again at the next poll.
    if (!state) continue;
    const record = { createdOn: state.createdOn ?? null, createdAt: state.createdAt ?? null, crm };
    // Most records agree: checked on the row as read, before any transaction (how it was set changes no verdict).
    if (!contradiction(h, record, { setBy: 'rule' })) continue;
    const evidence = await openReview(deps.db, h.id, record, deps.clock.now());
    if (!evidence) continue;
    opened += 1;
    deps.logger.info(
      {
        handoffId: h.id,
        system: evidence.system,
        recordId: evidence.recordId,
        ruleClass: evidence.ruleClass,
      },
      `${crm}: the linked record's creation date contradicts the handoff's class; "Review attribution" opened for RevOps`,
    );
  }
  return opened;
}

/** Opens the item in one transaction with the check (two polls at once open one); the evidence when opened. */
function openReview(
  db: Db,
  handoffId: number,
  record: { createdOn: string | null; createdAt: string | null; crm: string },
  now: Date,
): Promise<ReviewEvidence | undefined> {
  return db.transaction(async (tx) => {
    const h = await findHandoff(tx, handoffId);
    if (!h) return undefined;
    const correctedBy = await lastPersonCorrection(tx, h.id);
    const how = correctedBy
      ? { setBy: 'correction' as const, correctedBy }
      : { setBy: setByOf(h.attribution) };
    const evidence = contradiction(h, record, how);
    if (!evidence) return undefined;
    const earlier = await reviewsOf(tx, h.id);
    const same = (e: unknown) => evidenceFrom(e)?.key === evidence.key;
    if (earlier.some((r) => r.status === 'open' || same(r.evidence))) return undefined;
    await insertReview(tx, {
      handoffId: h.id,
      evidence: evidence as unknown as Record<string, unknown>,
      openedAt: now,
    });
    // RevOps' Homes show the open items: published again with it.
    await queueMetricsHomes(tx, `review:${h.id}:${now.getTime()}`, now);
    return evidence;
  });
}
