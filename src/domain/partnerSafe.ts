import { DECLINE_REASONS, type DeclineReason } from './decline.js';

/**
 * The allow-list of what may be shown in a partner-facing (possibly Slack Connect) channel. Renderers for partner
 * channels take only this shape, so an internal field (notes, conflict, evidence, score, classification) cannot
 * reach a partner by accident.
 */
export interface PartnerSafeUpdate {
  accountName: string;
  partnerOrg: string;
  partnerContactName: string;
  aeName: string;
  event: 'accepted' | 'declined' | 'reassigned' | 'withdrawn';
  /** Partner-safe wording of a decline reason code; never the AE's note. */
  reasonWording?: string;
}

interface HandoffForPartner {
  accountName: string;
  partnerOrg: string;
  partnerContactName: string;
  aeName: string;
}

export function partnerSafeUpdate(
  handoff: HandoffForPartner,
  event: PartnerSafeUpdate['event'],
  reasonCode?: DeclineReason | null,
): PartnerSafeUpdate {
  return {
    accountName: handoff.accountName,
    partnerOrg: handoff.partnerOrg,
    partnerContactName: handoff.partnerContactName,
    aeName: handoff.aeName,
    event,
    ...(event === 'declined' ? { reasonWording: DECLINE_REASONS[reasonCode ?? 'other'].partnerSafe } : {}),
  };
}
