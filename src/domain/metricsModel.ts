import type { Outcome } from './outcomes.js';

/** What the trust signals are computed from, and what they are (see metrics.ts for the definitions). */

export interface MetricEvent {
  /** `expired_away`: an expiry while the AE was known to be away (status, days away given): not their silence, not in W. */
  type: 'sent' | 'reassigned' | 'accepted' | 'declined' | 'expired' | 'expired_away' | Outcome;
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
