import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { type AtRisk, findAtRisk, lastScores } from '../db/repositories/handoffs.js';
import { helpRequestsIn, metricEvents } from '../db/repositories/metrics.js';
import { computeMetrics, type ProgramMetrics, type WeekStats, weekStartOf } from '../domain/metrics.js';

/** The periods RevOps can pick in the App Home: trailing days up to now. */
export const PERIODS = {
  '7d': { days: 7, label: 'Last 7 days' },
  '30d': { days: 30, label: 'Last 30 days' },
  '90d': { days: 90, label: 'Last 90 days' },
  '365d': { days: 365, label: 'Last 12 months' },
} as const;
export type PeriodKey = keyof typeof PERIODS;
export const DEFAULT_PERIOD: PeriodKey = '30d';

export const isPeriodKey = (value: unknown): value is PeriodKey =>
  typeof value === 'string' && Object.hasOwn(PERIODS, value);

export interface MetricsDeps {
  db: Db;
  clock: Clock;
  /** Weeks start on Monday in this zone. */
  timeZone: string;
  trendWeeks: number;
}

/** The trust metrics, read from the touch log for any period. */
export function createMetrics(deps: MetricsDeps) {
  const { db, clock, timeZone } = deps;

  function program(from: Date, to: Date): ProgramMetrics {
    const help = helpRequestsIn(db, from, to);
    const metrics = computeMetrics({
      from,
      to,
      timeZone,
      events: metricEvents(db, from, to),
      helpRequests: help,
      lastScores: new Map(),
    });
    // The authors of the period (their handoffs moved, or they took a request for help): each one's last three
    // scores as of the period end, one indexed query each.
    for (const author of metrics.byAuthor) author.lastScores = lastScores(db, author.key, 3, to);
    return metrics;
  }

  function forPeriod(key: PeriodKey, now = clock.now()): ProgramMetrics {
    const to = now;
    const from = DateTime.fromJSDate(now, { zone: timeZone }).minus({ days: PERIODS[key].days }).toJSDate();
    return program(from, to);
  }

  /** Week by week, the last `trendWeeks` weeks up to `to` (the current week so far included). */
  function trend(to = clock.now()): WeekStats[] {
    const from = weekStartOf(new Date(to.getTime() - 1), timeZone)
      .minus({ weeks: deps.trendWeeks - 1 })
      .toJSDate();
    return program(from, to).weeks;
  }

  /** Open handoffs due within a day, unanswered expiries and stalled deals. */
  function atRisk(now = clock.now(), limit = 10): AtRisk {
    return findAtRisk(db, new Date(now.getTime() + 24 * 3_600_000), limit);
  }

  return { program, forPeriod, trend, atRisk };
}

export type Metrics = ReturnType<typeof createMetrics>;
