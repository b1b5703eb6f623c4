import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Db } from '../db/client.js';
import { findAtRisk, lastScores } from '../db/repositories/handoffLists.js';
import type { AtRisk } from '../db/repositories/handoffs.js';
import {
  firstStepsOf,
  helpRequestsIn,
  type MetricEventRow,
  metricEventBatches,
  takeBackEvents,
} from '../db/repositories/metrics.js';
import { keptOnTime } from '../domain/afterAcceptMetrics.js';
import {
  MetricsFold,
  type ProgramMetrics,
  WeekFold,
  type WeekStats,
  weekStartOf,
} from '../domain/metrics.js';
import { OUTCOMES } from '../domain/outcomes.js';
import { latestTodayAt } from '../domain/partnerView.js';
import { type PeriodKey, periodOf } from '../domain/periods.js';
import { goneQuiet } from '../domain/stepState.js';
import { createSnapshots, type SnapshotDeps } from './metricsSnapshots.js';

export type { Overview } from './metricsSnapshots.js';

/** The clock, the background work, the App Home's wait and refresh and the logger: revops/metricsSnapshots.ts. */
export interface MetricsDeps extends SnapshotDeps {
  db: Db;
  /** Weeks start on Monday in this zone. */
  timeZone: string;
  trendWeeks: number;
}

/** What reading the touch log for figures needs. */
type Reading = Pick<MetricsDeps, 'db' | 'timeZone' | 'trendWeeks'>;

/**
 * The trust metrics, read from the touch log for any period. A long period on a large log reads hundreds of
 * thousands of events: they are read in batches, and other requests run between batches (an Accept never waits
 * behind a RevOps App Home for more than one batch, a few milliseconds).
 */
export function createMetrics(deps: MetricsDeps) {
  const { db, clock } = deps;
  const snapshots = createSnapshots(deps, (key, now) => compute(deps, key, now));
  return {
    program: (from: Date, to: Date): Promise<ProgramMetrics> => program(deps, from, to),
    forPeriod: (key: PeriodKey, now = clock.now()): Promise<ProgramMetrics> =>
      program(deps, periodStart(deps.timeZone, key, now), now),
    trend: (to = clock.now()): Promise<WeekStats[]> => trend(deps, to),
    compute: (key: PeriodKey, now: Date) => compute(deps, key, now),
    overview: snapshots.overview,
    refreshSnapshots: snapshots.refreshSnapshots,
    onComputed: snapshots.onComputed,
    /**
     * Open handoffs due within a day, unanswered expiries and deals gone quiet: as the App Homes say it
     * (domain/stepState.ts `goneQuiet`; a step's date passed once it is before today somewhere, UTC+14 the latest).
     */
    async atRisk(now = clock.now(), limit = 10): Promise<AtRisk> {
      const risk = await findAtRisk(db, new Date(now.getTime() + 24 * 3_600_000), limit, latestTodayAt(now));
      return { ...risk, stalled: risk.stalled.filter((h) => goneQuiet(h, now)) };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Reads the events of [from, to) once, handing each to every fold whose range holds it. `firstSteps`: the outcome
 * steps that were a first step done (recorded with the business hours since the accept) say whether it kept its date.
 */
async function scan(
  db: Db,
  range: { from: Date; to: Date; firstSteps: boolean },
  folds: { from: Date; add: (e: MetricEventRow) => void }[],
) {
  for await (const batch of metricEventBatches(db, range.from, range.to)) {
    if (range.firstSteps) await markFirstSteps(db, batch);
    for (const e of batch) for (const fold of folds) if (e.at >= fold.from) fold.add(e);
    await nextTurn();
  }
}

const OUTCOME_TYPES: ReadonlySet<string> = new Set(OUTCOMES);

/**
 * After the Accept: each outcome step of the batch that was its AE's first step done is told whether it
 * was done by the step's latest date, in the AE's calendar, and how many new dates the step had (one lookup of those
 * handoffs per batch). Once done, a step's date no longer moves: the handoff's is the one it was done against.
 */
async function markFirstSteps(db: Db, batch: MetricEventRow[]): Promise<void> {
  const done = batch.filter((e) => e.businessHours !== null && OUTCOME_TYPES.has(e.type));
  if (done.length === 0) return;
  const steps = new Map(
    (
      await firstStepsOf(
        db,
        done.map((e) => e.handoffId),
      )
    ).map((s) => [s.handoffId, s]),
  );
  for (const e of done) {
    const step = steps.get(e.handoffId);
    if (step?.firstStepDue)
      e.firstStep = {
        onTime: keptOnTime(e.at, step.firstStepDue, step.aeTimeZone),
        newDates: step.stepNewDates,
      };
  }
}

/** The period's take-backs (accepted, then idle; handed back), which metric_facts does not keep, into its fold. */
async function addTakeBacks(db: Db, fold: MetricsFold, from: Date, to: Date): Promise<void> {
  for (const e of await takeBackEvents(db, from, to)) fold.add(e);
}

/** Finishes a fold, letting other requests run between its steps (each at most a few milliseconds). */
async function finish(db: Db, fold: MetricsFold, from: Date, to: Date): Promise<ProgramMetrics> {
  const metrics = await fold.finishInTurns(
    { from, to, helpRequests: await helpRequestsIn(db, from, to), lastScores: new Map() },
    nextTurn,
  );
  // The authors of the period (their handoffs moved, or they took a request for help): each one's last three
  // scores as of the period end, one indexed query each, a few dozen per turn.
  for (const [i, author] of metrics.byAuthor.entries()) {
    author.lastScores = await lastScores(db, author.key, 3, to);
    if (i % 25 === 24) await nextTurn();
  }
  return metrics;
}

async function program(deps: Reading, from: Date, to: Date): Promise<ProgramMetrics> {
  const fold = new MetricsFold(deps.timeZone);
  await scan(deps.db, { from, to, firstSteps: true }, [{ from, add: (e) => fold.add(e) }]);
  await addTakeBacks(deps.db, fold, from, to);
  return await finish(deps.db, fold, from, to);
}

const periodStart = (timeZone: string, key: PeriodKey, now: Date) => periodOf(key, now, timeZone).from;
const trendStart = (deps: Reading, to: Date) =>
  weekStartOf(new Date(to.getTime() - 1), deps.timeZone)
    .minus({ weeks: deps.trendWeeks - 1 })
    .toJSDate();

/** Week by week, the last `trendWeeks` weeks up to `to` (the current week so far included). */
async function trend(deps: Reading, to: Date): Promise<WeekStats[]> {
  const from = trendStart(deps, to);
  const weeks = new WeekFold(deps.timeZone);
  await scan(deps.db, { from, to, firstSteps: false }, [{ from, add: (e) => weeks.add(e) }]);
  return weeks.weeks(from, to);
}

/** A period's metrics and the trend up to `now`, in one read of the events the two share. */
async function compute(
  deps: Reading,
  key: PeriodKey,
  now: Date,
): Promise<{ metrics: ProgramMetrics; weeks: WeekStats[] }> {
  const from = periodStart(deps.timeZone, key, now);
  const weeksFrom = trendStart(deps, now);
  const fold = new MetricsFold(deps.timeZone);
  const weekFold = new WeekFold(deps.timeZone);
  await scan(deps.db, { from: from < weeksFrom ? from : weeksFrom, to: now, firstSteps: true }, [
    { from, add: (e) => fold.add(e) },
    { from: weeksFrom, add: (e) => weekFold.add(e) },
  ]);
  await addTakeBacks(deps.db, fold, from, now);
  return { metrics: await finish(deps.db, fold, from, now), weeks: weekFold.weeks(weeksFrom, now) };
}
