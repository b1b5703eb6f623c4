import type { Outcome } from './outcomes.js';

/** What the trust signals are computed from, and what they are (see metrics.ts for the definitions). */

export interface MetricEvent {
  /**
   * `expired_away`: an expiry while the AE was known to be away (status, days away given): not their silence, not in W.
   * `taken_back`: the escalation policy took an accepted deal back after its first step went quiet (accepted, then
   * idle); `handed_back`: the AE gave it back themselves.
   */
  type:
    | 'sent'
    | 'reassigned'
    | 'accepted'
    | 'declined'
    | 'expired'
    | 'expired_away'
    | 'taken_back'
    | 'handed_back'
    | Outcome;
  at: Date;
  handoffId: number;
  aeUserId: string;
  businessHours: number | null;
  partnerKey: string;
  partnerOrg: string;
  authorUserId: string;
  classification: 'partner_sourced' | 'partner_influenced' | null;
  score: number | null;
  earlierAccept: boolean;
  earlierAcceptSamePartner: boolean;
  earlierAcceptSameAuthor: boolean;
  /**
   * On the outcome step that was the AE's first step done (its businessHours are then the business hours
   * from the accept to it): whether it was done by the step's latest date, and how many new dates the AE gave it.
   */
  firstStep?: { onTime: boolean; newDates: number };
}

export interface HelpRequestFact {
  requestedByUserId: string;
  partnerKey: string | null;
  partnerOrg: string | null;
  claimedByUserId: string | null;
}

export type OutcomeCounts = Record<Outcome, number>;

export interface Stats {
  /** New handoffs sent in the period. */
  sent: number;
  /** AE answer windows opened in the period: sends and reassignments. */
  requests: number;
  accepted: number;
  declined: number;
  expired: number;
  /** Windows that expired while the AE was known to be away: not their silence (not in expired, nor in W). */
  expiredAway: number;
  /** accepted + declined: an expiry is not an answer. */
  answered: number;
  /** AE windows that closed in the period: accepted + declined + expired. */
  windowsClosed: number;
  /** accepted of answered */
  acceptanceRate: number | null;
  /** declined of answered */
  declineRate: number | null;
  /** expired of windowsClosed */
  silenceRate: number | null;
  medianHours: number | null;
  p90Hours: number | null;
  acceptingAes: number;
  repeatAes: number;
  repeatRate: number | null;
  helpRequests: number;
  averageScore: number | null;
  outcomes: { sourced: OutcomeCounts; influenced: OutcomeCounts };
  /** After the Accept: the first steps the AEs committed to (domain/afterAcceptMetrics.ts). */
  afterAccept: AfterAcceptStats;
}

/**
 * After the Accept, over the period: the first steps AEs gave when accepting, how soon and how faithfully
 * they were done, and the deals that came back.
 */
export interface AfterAcceptStats {
  /** First steps done in the period: the first outcome step recorded after an accept with a first step. */
  stepsDone: number;
  /** Of them, done on or before the step's latest date, in the AE's calendar (a new date counts). */
  onTime: number;
  /** Of the ones on time, those whose date the AE had moved (New date) before. */
  onTimeMoved: number;
  /** Accepted, then idle: deals the escalation policy took back in the period after their first step went quiet. */
  idle: number;
  /** Deals their AE handed back in the period: counted apart, neither idle nor a commitment broken. */
  handedBack: number;
  /** Commitments that ended in the period: first steps done + deals taken back idle. */
  commitmentsEnded: number;
  /** onTime of commitmentsEnded: commitments kept on time. */
  keptRate: number | null;
  /** Business hours (the AE's calendar) from the accept to the first step done: median and 90th percentile. */
  medianHours: number | null;
  p90Hours: number | null;
}

export interface GroupStats extends Stats {
  key: string;
  label: string;
}

export interface AuthorStats extends GroupStats {
  lastScores: number[];
}

export interface WeekStats {
  /** Monday of the week (YYYY-MM-DD) in the metrics timezone. */
  weekStart: string;
  sent: number;
  accepted: number;
  declined: number;
  expired: number;
  acceptanceRate: number | null;
  medianHours: number | null;
}

export interface ProgramMetrics {
  from: Date;
  to: Date;
  timeZone: string;
  overall: Stats;
  byPartner: GroupStats[];
  byAe: GroupStats[];
  byAuthor: AuthorStats[];
  weeks: WeekStats[];
}

/** Percentile by linear interpolation between closest ranks (Excel's PERCENTILE.INC); null for no values. */
