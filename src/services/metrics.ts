import { setImmediate as nextTurn } from 'node:timers/promises';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { type AtRisk, findAtRisk, lastScores } from '../db/repositories/handoffs.js';
import { helpRequestsIn, type MetricEventRow, metricEventBatches } from '../db/repositories/metrics.js';
import {
  MetricsFold,
  type ProgramMetrics,
  WeekFold,
  type WeekStats,
  weekStartOf,
} from '../domain/metrics.js';
import { zoneFor } from '../domain/zones.js';

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

/**
 * The trust metrics, read from the touch log for any period. A long period on a large log reads hundreds of
 * thousands of events: they are read in batches, and other requests run between batches (an Accept never waits
 * behind a RevOps App Home for more than one batch, a few milliseconds).
 */
export function createMetrics(deps: MetricsDeps) {
  const { db, clock, timeZone } = deps;

  /** Reads the events of [from, to) once, handing each to every fold whose range holds it. */
  async function scan(from: Date, to: Date, folds: { from: Date; add: (e: MetricEventRow) => void }[]) {
    for (const batch of metricEventBatches(db, from, to)) {
      for (const e of batch) for (const fold of folds) if (e.at >= fold.from) fold.add(e);
      await nextTurn();
    }
  }

  function finish(fold: MetricsFold, from: Date, to: Date): ProgramMetrics {
    const metrics = fold.finish({
      from,
      to,
      helpRequests: helpRequestsIn(db, from, to),
      lastScores: new Map(),
    });
    // The authors of the period (their handoffs moved, or they took a request for help): each one's last three
    // scores as of the period end, one indexed query each.
    for (const author of metrics.byAuthor) author.lastScores = lastScores(db, author.key, 3, to);
    return metrics;
  }

  async function program(from: Date, to: Date): Promise<ProgramMetrics> {
    const fold = new MetricsFold(timeZone);
    await scan(from, to, [{ from, add: (e) => fold.add(e) }]);
    return finish(fold, from, to);
  }

  const periodStart = (key: PeriodKey, now: Date) =>
    DateTime.fromJSDate(now, { zone: zoneFor(timeZone) })
      .minus({ days: PERIODS[key].days })
      .toJSDate();
  const trendStart = (to: Date) =>
    weekStartOf(new Date(to.getTime() - 1), timeZone)
      .minus({ weeks: deps.trendWeeks - 1 })
      .toJSDate();

  function forPeriod(key: PeriodKey, now = clock.now()): Promise<ProgramMetrics> {
    return program(periodStart(key, now), now);
  }

  /** Week by week, the last `trendWeeks` weeks up to `to` (the current week so far included). */
  async function trend(to = clock.now()): Promise<WeekStats[]> {
    const from = trendStart(to);
    const weeks = new WeekFold(timeZone);
    await scan(from, to, [{ from, add: (e) => weeks.add(e) }]);
    return weeks.weeks(from, to);
  }

  /** A period's metrics and the trend up to now, in one read of the events the two share (the App Home). */
  async function overview(
    key: PeriodKey,
    now = clock.now(),
  ): Promise<{ metrics: ProgramMetrics; weeks: WeekStats[] }> {
    const from = periodStart(key, now);
    const weeksFrom = trendStart(now);
    const fold = new MetricsFold(timeZone);
    const weekFold = new WeekFold(timeZone);
    await scan(from < weeksFrom ? from : weeksFrom, now, [
      { from, add: (e) => fold.add(e) },
      { from: weeksFrom, add: (e) => weekFold.add(e) },
    ]);
    return { metrics: finish(fold, from, now), weeks: weekFold.weeks(weeksFrom, now) };
  }

  /** Open handoffs due within a day, unanswered expiries and stalled deals. */
  function atRisk(now = clock.now(), limit = 10): AtRisk {
    return findAtRisk(db, new Date(now.getTime() + 24 * 3_600_000), limit);
  }

  return { program, forPeriod, trend, overview, atRisk };
}

export type Metrics = ReturnType<typeof createMetrics>;
