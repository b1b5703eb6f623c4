import { DateTime } from 'luxon';
import { OUTCOMES, type Outcome } from './outcomes.js';

/**
 * The trust signals (DOMAIN.md) over a period, computed from the touch log. Definitions, in the README too:
 * - sent: handoffs sent in the period. Per AE: requests to that AE (sends and reassignments to them).
 * - answers: each response window ends accepted, declined or expired (silence); rates are over the answers that
 *   ended in the period, so a handoff still open counts nowhere yet. An expiry stays counted as silence when the
 *   owner then extends the window and the AE answers late; the late answer counts too, and its time to decision
 *   runs from the original request.
 * - time to decision: business hours (the AE's calendar) from the request to the accept or decline, for decisions
 *   in the period; median and 90th percentile by linear interpolation between ranks.
 * - repeat use: AEs who accepted in the period and had accepted an earlier handoff (in a group: from the same
 *   partner, or from the same author), over all AEs who accepted in the period.
 * - help requests: AE-initiated asks for partner help made in the period (per author: the ones they took).
 * - score: average over handoffs sent in the period; last three: each author's three latest, as of the period end.
 * - outcomes: steps recorded in the period, by the handoff's classification.
 */
export interface MetricEvent {
  type: 'sent' | 'reassigned' | 'accepted' | 'declined' | 'expired' | Outcome;
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
  sent: number;
  accepted: number;
  declined: number;
  expired: number;
  /** accepted + declined + expired */
  answered: number;
  acceptanceRate: number | null;
  declineRate: number | null;
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
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (rank - low);
}

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const zeroOutcomes = (): OutcomeCounts => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;

type Dimension = 'all' | 'partner' | 'ae' | 'author';

/** Folds events into one group's stats. `dimension` says which "earlier accept" counts as repeat use. */
function statsOf(events: readonly MetricEvent[], help: number, dimension: Dimension, ae?: string): Stats {
  let sent = 0;
  let accepted = 0;
  let declined = 0;
  let expired = 0;
  const hours: number[] = [];
  const scores: number[] = [];
  const accepting = new Set<string>();
  const repeat = new Set<string>();
  const outcomes = { sourced: zeroOutcomes(), influenced: zeroOutcomes() };
  for (const e of events) {
    switch (e.type) {
      case 'sent':
        if (dimension !== 'ae' || e.aeUserId === ae) sent += 1;
        if (e.score !== null) scores.push(e.score);
        break;
      case 'reassigned':
        if (dimension === 'ae') sent += 1;
        break;
      case 'accepted':
      case 'declined': {
        if (e.type === 'accepted') {
          accepted += 1;
          accepting.add(e.aeUserId);
          const earlier =
            dimension === 'partner'
              ? e.earlierAcceptSamePartner
              : dimension === 'author'
                ? e.earlierAcceptSameAuthor
                : e.earlierAccept;
          if (earlier) repeat.add(e.aeUserId);
        } else declined += 1;
        if (e.businessHours !== null) hours.push(e.businessHours);
        break;
      }
      case 'expired':
        expired += 1;
        break;
      default:
        outcomes[e.classification === 'partner_sourced' ? 'sourced' : 'influenced'][e.type] += 1;
    }
  }
  const answered = accepted + declined + expired;
  return {
    sent,
    accepted,
    declined,
    expired,
    answered,
    acceptanceRate: rate(accepted, answered),
    declineRate: rate(declined, answered),
    silenceRate: rate(expired, answered),
    medianHours: percentile(hours, 50),
    p90Hours: percentile(hours, 90),
    acceptingAes: accepting.size,
    repeatAes: repeat.size,
    repeatRate: rate(repeat.size, accepting.size),
    helpRequests: help,
    averageScore: scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length,
    outcomes,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Most active first, then by name, so the top of every list is where the volume is. */
const byVolume = (a: GroupStats, b: GroupStats) =>
  b.sent + b.answered - (a.sent + a.answered) || a.label.localeCompare(b.label);

/** Monday 00:00 of the week holding `at`, in `timeZone`. */
export function weekStartOf(at: Date, timeZone: string): DateTime {
  return DateTime.fromJSDate(at, { zone: timeZone }).startOf('week');
}

export function computeMetrics(input: {
  from: Date;
  to: Date;
  timeZone: string;
  events: readonly MetricEvent[];
  helpRequests: readonly HelpRequestFact[];
  lastScores: ReadonlyMap<string, number[]>;
}): ProgramMetrics {
  const { events, helpRequests, timeZone } = input;
  const overall = statsOf(events, helpRequests.length, 'all');

  const partnerLabels = new Map<string, string>();
  for (const e of events) partnerLabels.set(e.partnerKey, e.partnerOrg);
  for (const h of helpRequests)
    if (h.partnerKey && h.partnerOrg) partnerLabels.set(h.partnerKey, h.partnerOrg);
  const helpByPartner = groupBy(helpRequests, (h) => h.partnerKey);
  const eventsByPartner = groupBy(events, (e) => e.partnerKey);
  const partnerKeys = new Set([...eventsByPartner.keys(), ...helpByPartner.keys()]);
  const byPartner = [...partnerKeys]
    .map((key) => ({
      key,
      label: partnerLabels.get(key) ?? key,
      ...statsOf(eventsByPartner.get(key) ?? [], helpByPartner.get(key)?.length ?? 0, 'partner'),
    }))
    .sort(byVolume);

  const helpByAe = groupBy(helpRequests, (h) => h.requestedByUserId);
  const eventsByAe = groupBy(events, (e) => e.aeUserId);
  const aeKeys = new Set([...eventsByAe.keys(), ...helpByAe.keys()]);
  const byAe = [...aeKeys]
    .map((key) => ({
      key,
      label: key,
      ...statsOf(eventsByAe.get(key) ?? [], helpByAe.get(key)?.length ?? 0, 'ae', key),
    }))
    .sort(byVolume);

  const helpByAuthor = groupBy(helpRequests, (h) => h.claimedByUserId);
  const eventsByAuthor = groupBy(events, (e) => e.authorUserId);
  const authorKeys = new Set([...eventsByAuthor.keys(), ...helpByAuthor.keys(), ...input.lastScores.keys()]);
  const byAuthor = [...authorKeys]
    .map((key) => ({
      key,
      label: key,
      ...statsOf(eventsByAuthor.get(key) ?? [], helpByAuthor.get(key)?.length ?? 0, 'author'),
      lastScores: input.lastScores.get(key) ?? [],
    }))
    .sort(byVolume);

  // Every week the period touches, oldest first, including empty ones (a gap is information too).
  const weeks: WeekStats[] = [];
  const eventsByWeek = groupBy(events, (e) => weekStartOf(e.at, timeZone).toISODate());
  const last = input.to.getTime() - 1;
  for (
    let week = weekStartOf(input.from, timeZone);
    week.toMillis() <= last && last >= input.from.getTime();
    week = week.plus({ weeks: 1 })
  ) {
    const key = week.toISODate() ?? '';
    const s = statsOf(eventsByWeek.get(key) ?? [], 0, 'all');
    weeks.push({
      weekStart: key,
      sent: s.sent,
      accepted: s.accepted,
      declined: s.declined,
      expired: s.expired,
      acceptanceRate: s.acceptanceRate,
      medianHours: s.medianHours,
    });
  }

  return { from: input.from, to: input.to, timeZone, overall, byPartner, byAe, byAuthor, weeks };
}
