import { nextAction, realMove } from './scoring.js';
import { SCORING_RULES, type ScoringInput } from './scoringModel.js';
import { proof } from './scoringProof.js';
import { dealWords, fillerKind } from './scoringWords.js';

export interface ReadinessItem {
  label: string;
  met: boolean;
}

/** What the app's conflict check found on the account: only the kinds matter here (packets/checks.ts). */
type CheckedFindings = readonly { kind: 'duplicate' | 'conflict' | 'reseller' }[];

/** Another partner's handoff, or a reseller registered on the account: a channel conflict to settle before sending. */
export const hasConflict = (findings: CheckedFindings) =>
  findings.some((f) => f.kind === 'conflict' || f.kind === 'reseller');

/**
 * The channel-conflict item: a real note holds, and so does the app's own check when it found no conflict (it looked
 * for other partners' handoffs and registered resellers). `null`: no check is on record, so only a note counts.
 */
function conflictItem(p: ScoringInput, findings: CheckedFindings | null, deal: Set<string>): ReadinessItem {
  if (p.riskNote?.trim() && !fillerKind(p.riskNote, deal))
    return { label: 'The channel-conflict check is done and noted', met: true };
  if (findings && !hasConflict(findings))
    return {
      label:
        'The channel-conflict check is done: the app found no other partner and no registered reseller on this account',
      met: true,
    };
  return { label: 'The channel-conflict check is done and noted', met: false };
}

/**
 * DOMAIN.md's "hand off now only when all hold", from the packet and the conflict check alone, so the review and the
 * AE's packet (rendered from the stored handoff) give one verdict. A ticked box or a note that is filler does not hold.
 */
export function readiness(p: ScoringInput, findings: CheckedFindings | null): ReadinessItem[] {
  const deal = dealWords(p);
  return [
    {
      label: 'The seller next move is concrete and doable this week',
      met: nextAction(p, deal).score === 2,
    },
    { label: "The account is on the AE's priority list", met: p.onPriorityList },
    {
      label: 'The partner agreed their next move in writing',
      met: p.partnerAgreedInWriting && realMove(p.partnerNextMove, SCORING_RULES.partnerMoveWords, deal),
    },
    { label: 'The evidence link supports the claims', met: proof(p).score === 2 },
    conflictItem(p, findings, deal),
  ];
}
