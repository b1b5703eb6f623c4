import type { RequestContext } from '../core/requestContext.js';
import { isoDateIn } from '../domain/businessDays.js';
import { parseAttributionDates } from '../domain/packet.js';
import { saveReclassified } from './attribution.js';
import { draftBeforeSend, reviewOfDraft } from './drafts.js';
import {
  type AttributionDetailsInput,
  type AttributionDetailsResult,
  EARLIEST_ZONE,
  LATEST_ZONE,
  type PacketServiceDeps,
} from './types.js';

/**
 * The attribution details given on the review (asked only when the packet names a CRM opportunity of unknown
 * creation date), applied before Send: kept with the draft, so the handoff is stored with them and classified by
 * them. When they change the classification the review is shown again first, so what is sent is what was read.
 */
export async function applyAttributionDetails(
  deps: Pick<PacketServiceDeps, 'db' | 'clock' | 'windows'>,
  req: RequestContext & { draftId: number; details: AttributionDetailsInput },
): Promise<AttributionDetailsResult> {
  const { db } = deps;
  // Whatever Send would refuse (not found, someone else's, already sent), it refuses as before.
  const draft = await draftBeforeSend(db, req);
  if (!draft) return { kind: 'unchanged' };
  const review = reviewOfDraft(draft);
  // A draft that does not read as a review: Send refuses it as missing.
  if (!review?.attributionDetails || !review.packet.crmOpportunity) return { kind: 'unchanged' };
  const now = deps.clock.now();
  const dates = parseAttributionDates(
    req.details,
    isoDateIn(now, EARLIEST_ZONE),
    isoDateIn(now, LATEST_ZONE),
  );
  if (!dates.ok) return { kind: 'invalid', errors: dates.errors };
  const packet = {
    ...review.packet,
    opportunityCreatedOn: dates.opportunityCreatedOn,
    // Empty: the day of sending, as when the packet was submitted.
    partnerTouchOn: dates.partnerTouchOn ?? deps.windows.todayOf(now, review.authorTimeZone),
  };
  if (
    packet.opportunityCreatedOn === review.packet.opportunityCreatedOn &&
    packet.partnerTouchOn === review.packet.partnerTouchOn
  ) {
    return { kind: 'unchanged' };
  }
  return saveReclassified(db, draft, { ...review, packet }, review, now);
}
