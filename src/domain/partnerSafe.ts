import { DECLINE_REASONS, type DeclineReason } from './decline.js';
import { ERASED_FOR_PARTNER, ERASED_TEXT, forPartner } from './erasure.js';
import { LOST_REASONS, type LostReason, type Outcome } from './outcomes.js';

/**
 * What a partner hears of, one thread reply each: the decision on the deal they brought, its withdrawal, and its
 * outcomes. Never the routing (a send, an edit, a reminder, an expiry, a pool move, a reassignment, an extension).
 */
export type PartnerEvent = 'accepted' | 'declined' | 'withdrawn' | Outcome;

/**
 * Where the deal stands for the partner: the latest event they may know of. `considering` is a thread an earlier
 * version of the app started with a reassignment post (before a decision): the partner knows we have it, no more.
 */
export type PartnerStage = PartnerEvent | 'considering';

/** Stages in which an AE accepted the deal: the only ones that name our AE to the partner. */
const NAMES_THE_AE: ReadonlySet<PartnerStage> = new Set<PartnerStage>([
  'accepted',
  'meeting_held',
  'opportunity_created',
  'won',
  'lost',
]);

/** Whether a stage names our AE: only once that AE accepted. */
export const namesTheAe = (stage: PartnerStage) => NAMES_THE_AE.has(stage);

/**
 * The allow-list of what may be shown in a partner-facing (possibly Slack Connect) channel, defined here and only
 * here. Renderers for partner channels take only this shape, so an internal field (conflict note, credit, score,
 * classification, evidence, CRM ids, internal notes) cannot reach a partner by accident.
 */
export interface PartnerSafeUpdate {
  accountName: string;
  partnerOrg: string;
  partnerContactName: string;
  /** Our AE, by name: only once they accepted (null before that, and on a decline or a withdrawal). */
  aeName: string | null;
  /** The partner's own next move, while it is ahead of them and still true ('' and null when held back). */
  partnerNextMove: string;
  partnerNextMoveDate: string | null;
  /** The latest event the partner may know of. */
  event: PartnerStage;
  /** Partner-safe wording of a decline or lost reason code; never the internal note. */
  reasonWording?: string;
  /** Accepted after the partner was told it was not taken forward: the thread says so. */
  afterDecline?: boolean;
  /**
   * Accepted, and nobody is taking it forward now: the AE who accepted has it no more (handed back,
   * taken back) and no other AE accepted yet. The thread says we are finding the right person, never why.
   */
  finding?: boolean;
  /**
   * The first step our AE committed to when accepting, in the words they wrote for the partner (checked as the
   * packet's partner-read fields are), and its date (YYYY-MM-DD): only while it is the deal's next step. Never the
   * estimated value that was given with it.
   */
  nextStep?: { text: string; due: string };
}

interface HandoffForPartner {
  accountName: string;
  partnerOrg: string;
  partnerContactName: string;
  aeName: string;
  partnerNextMove?: string;
  partnerNextMoveDate?: string | null;
}

/** The partner-safe projection of a handoff at one stage (the AE named only in a stage after their acceptance). */
export function partnerSafeUpdate(
  handoff: HandoffForPartner,
  event: PartnerStage,
  declineReason?: DeclineReason | null,
  lostReason?: LostReason | null,
): PartnerSafeUpdate {
  const reasonWording =
    event === 'declined'
      ? DECLINE_REASONS[declineReason ?? 'other'].partnerSafe
      : event === 'lost'
        ? LOST_REASONS[lostReason ?? 'other'].partnerSafe
        : undefined;
  // A person erased on request (domain/erasure.ts) is their contact to the partner, and an erased AE our team.
  return {
    accountName: handoff.accountName,
    partnerOrg: handoff.partnerOrg,
    // A name, within a sentence: never capitalised.
    partnerContactName: handoff.partnerContactName.replaceAll(ERASED_TEXT, ERASED_FOR_PARTNER.contact),
    aeName: namesTheAe(event) && !handoff.aeName.includes(ERASED_TEXT) ? handoff.aeName : null,
    partnerNextMove: forPartner(handoff.partnerNextMove ?? ''),
    partnerNextMoveDate: handoff.partnerNextMoveDate ?? null,
    event,
    ...(reasonWording ? { reasonWording } : {}),
  };
}
