import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { findAtRisk, lastScores } from '../db/repositories/handoffLists.js';
import type { AtRisk } from '../db/repositories/handoffs.js';
import { helpRequestsIn, type MetricEventRow, metricEventBatches } from '../db/repositories/metrics.js';
import {
  MetricsFold,
  type ProgramMetrics,
  WeekFold,
  type WeekStats,
  weekStartOf,
} from '../domain/metrics.js';
import { PERIODS, type PeriodKey } from '../domain/periods.js';
import { zoneFor } from '../domain/zones.js';
import type { Logger } from '../logger.js';
import type { BackgroundWork } from '../runtime/background.js';

export interface MetricsDeps {
  db: Db;
  clock: Clock;
  /** The app's background work: tracked so the stop waits for it, and none started once stopping. */
  background?: Pick<BackgroundWork, 'stopping' | 'track'>;
  /** Weeks start on Monday in this zone. */
  timeZone: string;
  trendWeeks: number;
  /**
   * The App Home waits at most this long for a period's figures (METRICS_MAX_WAIT_MS). A period whose last
   * computation took longer is shown from that computation, with its time, while a new one runs in the background.
   * Unset: always compute (the digest, tests of the figures).
   */
  maxWaitMs?: number;
  /** Figures shown from an earlier computation are refreshed when they are older than this (1 minute). */
  refreshAfterMs?: number;
  /** Background computations that fail are logged here. */
  logger?: Logger;
}

/** A period's figures for the App Home, and how current they are. */
export type Overview =
  | {
      kind: 'figures';
      metrics: ProgramMetrics;
      weeks: WeekStats[];
      /** When the figures were computed: earlier than now when shown from the last computation. */
      asOf: Date;
      /** True when they come from an earlier computation (the period takes longer than maxWaitMs to compute). */
      fromSnapshot: boolean;
      /**
       * Set when newer figures are due: starts their computation (or joins the one running) and settles when it
       * is done (it never rejects). Call it once these figures are shown, so it does not slow showing them.
       */
      refresh?: () => Promise<void>;
    }
  | {
      /** The first computation of the period is taking longer than maxWaitMs: settles when it is done. */
      kind: 'computing';
      refresh: () => Promise<void>;
    };

interface Snapshot {
  metrics: ProgramMetrics;
  weeks: WeekStats[];
  asOf: Date;
  /** How long the computation took (wall time, other requests running in between). */
  tookMs: number;
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

  /** Finishes a fold, letting other requests run between its steps (each at most a few milliseconds). */
  async function finish(fold: MetricsFold, from: Date, to: Date): Promise<ProgramMetrics> {
    const metrics = await fold.finishInTurns(
      { from, to, helpRequests: helpRequestsIn(db, from, to), lastScores: new Map() },
      nextTurn,
    );
    // The authors of the period (their handoffs moved, or they took a request for help): each one's last three
    // scores as of the period end, one indexed query each, a few dozen per turn.
    for (const [i, author] of metrics.byAuthor.entries()) {
      author.lastScores = lastScores(db, author.key, 3, to);
      if (i % 25 === 24) await nextTurn();
    }
    return metrics;
  }

  async function program(from: Date, to: Date): Promise<ProgramMetrics> {
    const fold = new MetricsFold(timeZone);
    await scan(from, to, [{ from, add: (e) => fold.add(e) }]);
    return await finish(fold, from, to);
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

  /** A period's metrics and the trend up to `now`, in one read of the events the two share. */
  async function compute(
    key: PeriodKey,
    now: Date,
  ): Promise<{ metrics: ProgramMetrics; weeks: WeekStats[] }> {
    const from = periodStart(key, now);
    const weeksFrom = trendStart(now);
    const fold = new MetricsFold(timeZone);
    const weekFold = new WeekFold(timeZone);
    await scan(from < weeksFrom ? from : weeksFrom, now, [
      { from, add: (e) => fold.add(e) },
      { from: weeksFrom, add: (e) => weekFold.add(e) },
    ]);
    return { metrics: await finish(fold, from, now), weeks: weekFold.weeks(weeksFrom, now) };
  }

  // The App Home's figures, per period: the last computation, and the one running (one at a time per period).
  const snapshots = new Map<PeriodKey, Snapshot>();
  const running = new Map<PeriodKey, Promise<Snapshot>>();
  /** When someone last asked for each period: nobody looking for a day, no more background refreshes. */
  const askedAt = new Map<PeriodKey, number>();
  const refreshAfterMs = deps.refreshAfterMs ?? 60_000;

  /** Called with each new snapshot's weeks (the App Home draws its chart ahead of the next open). */
  const computedListeners: ((weeks: WeekStats[]) => void)[] = [];
  const stopping = () => deps.background?.stopping ?? false;

  function computeSnapshot(key: PeriodKey): Promise<Snapshot> {
    const already = running.get(key);
    if (already) return already;
    if (stopping()) return Promise.reject(new Error('the app is stopping'));
    const started = performance.now();
    const asOf = clock.now();
    const computing = compute(key, asOf)
      .then(({ metrics, weeks }) => {
        const snapshot = { metrics, weeks, asOf, tookMs: performance.now() - started };
        snapshots.set(key, snapshot);
        for (const listener of computedListeners) listener(weeks);
        return snapshot;
      })
      .finally(() => running.delete(key));
    running.set(key, computing);
    // The app's stop waits for it: the database closes after the last computation.
    deps.background?.track(computing.catch(() => undefined));
    return computing;
  }

  /**
   * A refresh to hand out with figures `shown`: joins the computation running when it is called, does nothing if a
   * newer snapshot came in since (another person's refresh, the minute job), and only otherwise computes anew.
   */
  const refresher = (key: PeriodKey, shown: Snapshot | undefined) => (): Promise<void> => {
    if (stopping()) return Promise.resolve();
    const current = running.get(key);
    if (current) return settled(current);
    if (shown && snapshots.get(key) !== shown) return Promise.resolve();
    return settled(computeSnapshot(key));
  };

  /** Settles when the computation is done; a failure is logged (the last figures stay). */
  const settled = (computing: Promise<Snapshot>): Promise<void> =>
    computing.then(
      () => undefined,
      (error: unknown) => deps.logger?.error({ err: error }, 'metrics computation failed'),
    );

  const figures = (s: Snapshot, fromSnapshot: boolean, refresh?: () => Promise<void>): Overview => ({
    kind: 'figures',
    metrics: s.metrics,
    weeks: s.weeks,
    asOf: s.asOf,
    fromSnapshot,
    ...(refresh ? { refresh } : {}),
  });

  /**
   * The App Home's figures for a period, within maxWaitMs: computed now when that is quick enough (a small
   * workspace, always), otherwise the last computation with its time while a newer one runs in the background.
   */
  async function overview(key: PeriodKey): Promise<Overview> {
    const maxWaitMs = deps.maxWaitMs;
    askedAt.set(key, clock.now().getTime());
    if (maxWaitMs === undefined) {
      const asOf = clock.now();
      return { kind: 'figures', ...(await compute(key, asOf)), asOf, fromSnapshot: false };
    }
    const last = snapshots.get(key);
    if (last && last.tookMs > maxWaitMs) {
      const due = running.has(key) || clock.now().getTime() - last.asOf.getTime() >= refreshAfterMs;
      return figures(last, true, due ? refresher(key, last) : undefined);
    }
    const computing = computeSnapshot(key);
    const stopWaiting = new AbortController();
    const waited = await Promise.race([
      computing,
      sleep(maxWaitMs, undefined, { signal: stopWaiting.signal }).catch(() => undefined),
    ]).finally(() => stopWaiting.abort());
    if (waited) return figures(waited, false);
    // Slower than it used to be: the last figures if there are any, or say they are on their way.
    const joined = () => settled(computing);
    return last ? figures(last, true, joined) : { kind: 'computing', refresh: joined };
  }

  /**
   * Keeps slow periods' figures current without anyone waiting (called every minute): recomputes, one after the
   * other, each slow period someone asked for in the last day whose figures are older than `everyMs`.
   */
  async function refreshSnapshots(everyMs: number): Promise<number> {
    let refreshed = 0;
    for (const [key, snapshot] of snapshots) {
      if (stopping()) break;
      const now = clock.now().getTime();
      if (snapshot.tookMs <= (deps.maxWaitMs ?? Number.POSITIVE_INFINITY)) continue;
      if (now - snapshot.asOf.getTime() < everyMs) continue;
      if (now - (askedAt.get(key) ?? 0) > 24 * 3_600_000) continue;
      await computeSnapshot(key);
      refreshed += 1;
    }
    return refreshed;
  }

  /** Open handoffs due within a day, unanswered expiries and stalled deals. */
  function atRisk(now = clock.now(), limit = 10): AtRisk {
    return findAtRisk(db, new Date(now.getTime() + 24 * 3_600_000), limit);
  }

  /** Each new snapshot's weeks, as it comes in (the App Home's chart). */
  function onComputed(listener: (weeks: WeekStats[]) => void): void {
    computedListeners.push(listener);
  }

  return { program, forPeriod, trend, compute, overview, refreshSnapshots, onComputed, atRisk };
}

export type Metrics = ReturnType<typeof createMetrics>;
