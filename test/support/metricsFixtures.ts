import type { AfterAcceptStats, OutcomeCounts, Stats } from '../../src/domain/metrics.js';

/** Outcome counts with every step at `n`. */
export const outcomeCounts = (n = 0): OutcomeCounts => ({
  meeting_held: n,
  opportunity_created: n,
  won: n,
  lost: n,
});

/** The figures after the Accept of a group with nothing in it, overridden by what the case expects. */
export function afterAccept(over: Partial<AfterAcceptStats> = {}): AfterAcceptStats {
  return {
    stepsDone: 0,
    onTime: 0,
    onTimeMoved: 0,
    idle: 0,
    handedBack: 0,
    commitmentsEnded: 0,
    keptRate: null,
    medianHours: null,
    p90Hours: null,
    ...over,
  };
}

/** The stats of a group with nothing in it, overridden by what the case expects. */
export function stats(over: Partial<Stats> = {}): Stats {
  return {
    sent: 0,
    requests: 0,
    accepted: 0,
    declined: 0,
    expired: 0,
    expiredAway: 0,
    answered: 0,
    windowsClosed: 0,
    acceptanceRate: null,
    declineRate: null,
    silenceRate: null,
    medianHours: null,
    p90Hours: null,
    acceptingAes: 0,
    repeatAes: 0,
    repeatRate: null,
    helpRequests: 0,
    averageScore: null,
    outcomes: { sourced: outcomeCounts(), influenced: outcomeCounts() },
    afterAccept: afterAccept(),
    ...over,
  };
}

/** Rounds every number (deeply) so interpolated and divided values compare exactly. */
export function rounded<T>(value: T): T {
  if (typeof value === 'number') return (Math.round(value * 1e9) / 1e9) as T;
  if (Array.isArray(value)) return value.map(rounded) as T;
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)])) as T;
}
