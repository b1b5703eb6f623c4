import { DECLINE_REASONS, type DeclineReason } from './decline.js';
import { LOST_REASONS, type LostReason } from './outcomes.js';

/** What a partner may hear about: decisions, reassignment, withdrawal and the deal's outcomes. */
export type PartnerEvent =
  | 'accepted'
  | 'declined'
  | 'reassigned'
  | 'withdrawn'
  | 'meeting_held'
  | 'opportunity_created'
  | 'won'
  | 'lost';

/**
 * The allow-list of what may be shown in a partner-facing (possibly Slack Connect) channel, defined here and only
 * here. Renderers for partner channels take only this shape, so an internal field (conflict note, credit, score,
 * classification, evidence, CRM ids, internal notes) cannot reach a partner by accident.
 */
export interface PartnerSafeUpdate {
  accountName: string;
  partnerOrg: string;
  partnerContactName: string;
  aeName: string;
  partnerNextMove: string;
  partnerNextMoveDate: string | null;
  event: PartnerEvent;
  /** Partner-safe wording of a decline or lost reason code; never the internal note. */
  reasonWording?: string;
}

interface HandoffForPartner {
  accountName: string;
  partnerOrg: string;
  partnerContactName: string;
  aeName: string;
  partnerNextMove?: string;
  partnerNextMoveDate?: string | null;
}

export function partnerSafeUpdate(
  handoff: HandoffForPartner,
  event: PartnerEvent,
  declineReason?: DeclineReason | null,
  lostReason?: LostReason | null,
): PartnerSafeUpdate {
  const reasonWording =
    event === 'declined'
      ? DECLINE_REASONS[declineReason ?? 'other'].partnerSafe
      : event === 'lost'
        ? LOST_REASONS[lostReason ?? 'other'].partnerSafe
        : undefined;
  return {
    accountName: handoff.accountName,
    partnerOrg: handoff.partnerOrg,
    partnerContactName: handoff.partnerContactName,
    aeName: handoff.aeName,
    partnerNextMove: handoff.partnerNextMove ?? '',
    partnerNextMoveDate: handoff.partnerNextMoveDate ?? null,
    event,
    ...(reasonWording ? { reasonWording } : {}),
  };
}
