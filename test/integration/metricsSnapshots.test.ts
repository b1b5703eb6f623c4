import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src/db/client.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import type { PeriodKey } from '../../src/domain/periods.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics, type MetricsDeps, type Overview } from '../../src/revops/metrics.js';
import { createBackgroundWork } from '../../src/runtime/background.js';
import { addEvent, addHandoff } from '../contract/seed.js';
import { seedAcceptedHandoffs } from '../support/bulkAccepted.js';
import { TestClock } from '../support/clock.js';
import { freshDatabase } from '../support/unitrest-freshDatabase.js';

/**
 * The App Home's snapshots of the metrics (`overview`, `refreshSnapshots`) over a real, migrated SQLite file.
 *
 * Whether a computation is "slow" is real time: with `maxWaitMs: 0` the App Home does not wait at all, but a
 * computation that ends within the same turns of the event loop as the call can still win the race against the
 * timer. The seed is therefore large enough (8,000 metric events, four batches of the reader, each batch several
 * milliseconds) that the first computation of any period always spans the timer. Everything else is the injected
 * clock.
 */

const ZONE = 'UTC';
const T0 = new Date('2026-11-23T14:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Bulk handoffs, each sent and accepted: 2 × BULK metric events, all inside the 30-day period. */
const BULK = 4000;

/** BULK handoffs sent evenly over [T0 − 25 days, T0 − 1 day), each accepted two hours later. */
function seedBulk(database: AppDatabase, count = BULK) {
  seedAcceptedHandoffs(database.sqlite, { count, from: T0.getTime() - 25 * DAY, spanMs: 24 * DAY });
}

/** One more handoff sent at `at`, by a new author to a new AE for a new partner, with its touch-log event. */
async function sendOne(database: AppDatabase, at: Date): Promise<void> {
  const over = {
    authorUserId: 'U0NEWAUTHOR',
    aeUserId: 'U0NEWAE',
    partnerKey: 'new-partner',
    partnerOrg: 'New Partner',
  };
  const db = firstInstallationOf(database.db);
  const handoffId = await addHandoff(db, at, over);
  await addEvent(db, { handoffId, type: 'sent', at, aeUserId: 'U0NEWAE' });
}

type Figures = Extract<Overview, { kind: 'figures' }>;
type Computing = Extract<Overview, { kind: 'computing' }>;

function asFigures(o: Overview): Figures {
  expect(o.kind).toBe('figures');
  return o as Figures;
}

function asComputing(o: Overview): Computing {
  expect(o.kind).toBe('computing');
  const computing = o as Computing;
  expect(computing.refresh).toBeTypeOf('function');
  return computing;
}

/** The figures' `refresh`, which must be there. */
function refreshOf(o: Overview): () => Promise<void> {
  expect(o.refresh).toBeTypeOf('function');
  return o.refresh as () => Promise<void>;
}

const periodStart = (key: PeriodKey, at: Date) =>
  DateTime.fromJSDate(at, { zone: ZONE })
    .minus({ days: { '7d': 7, '30d': 30, '90d': 90, '365d': 365 }[key] })
    .toJSDate();

describe('App Home metrics snapshots over a seeded, migrated SQLite file', () => {
  let database: AppDatabase;
  let clock: TestClock;
  const metricsWith = (over: Partial<MetricsDeps> = {}) =>
    createMetrics({ db: firstInstallationOf(database.db), clock, timeZone: ZONE, trendWeeks: 12, ...over });
  /** The period's figures as the digest computes them, at `at`. */
  const figuresAt = (key: PeriodKey, at: Date) => metricsWith().compute(key, at);

  beforeEach(() => {
    database = freshDatabase('metrics-snapshots-');
    clock = new TestClock(T0);
    seedBulk(database);
  });
  afterEach(() => database.close());

  /** With maxWaitMs 0: the first call says "computing"; resolves once its computation has landed. */
  async function firstSnapshot(m: ReturnType<typeof metricsWith>, key: PeriodKey = '30d') {
    const first = asComputing(await m.overview(key));
    await expect(first.refresh()).resolves.toBeUndefined();
  }

  // Without maxWaitMs, a second later (well within the minute a snapshot would be kept); with it, for a period
  // computed within it, ten minutes later (refreshSnapshots leaves such a period alone).
  it.each([
    ['without maxWaitMs', {}, 1000],
    ['with maxWaitMs, for a period computed within it', { maxWaitMs: 60_000 }, 10 * MINUTE],
  ])(
    '%s computes every time: figures as of now, never from a snapshot, nothing to refresh',
    async (_what, over, later) => {
      const m = metricsWith(over);
      const first = asFigures(await m.overview('30d'));
      expect(first).not.toHaveProperty('refresh');
      expect(first.fromSnapshot).toBe(false);
      expect(first.asOf).toEqual(T0);
      // The seed is what the tests assume: every bulk event in the 30-day period.
      expect(first.metrics.overall.sent).toBe(BULK);
      expect(first.metrics.overall.accepted).toBe(BULK);
      expect(first.weeks.reduce((n, w) => n + w.sent, 0)).toBe(BULK);

      // One more send, and later: computed again.
      await sendOne(database, T0);
      clock.advance(later);
      const second = asFigures(await m.overview('30d'));
      expect(second).not.toHaveProperty('refresh');
      expect(second.fromSnapshot).toBe(false);
      expect(second.asOf).toEqual(clock.now());
      expect(second.metrics.overall.sent).toBe(BULK + 1);
      expect({ metrics: second.metrics, weeks: second.weeks }).toEqual(await figuresAt('30d', clock.now()));

      // No snapshot to keep fresh: the background refresh has nothing to do.
      clock.advance(DAY / 2);
      await expect(m.refreshSnapshots(0)).resolves.toBe(0);
    },
  );

  it('maxWaitMs 0: the first calls say "computing" and share one computation; its figures are then served as of the first call, the same for a minute', async () => {
    const m = metricsWith({ maxWaitMs: 0 });
    // A second call 5 s later shares the computation the first one started.
    const firstCall = m.overview('30d');
    clock.advance(5_000);
    const [first, second] = (await Promise.all([firstCall, m.overview('30d')])).map(asComputing);
    expect(Object.keys(first ?? {}).sort()).toEqual(['kind', 'refresh']);
    // Joined later, the computation is still the one the first call started (as of T0, not as of the second call
    // or the join).
    clock.advance(5_000);
    await expect(Promise.all([first?.refresh(), second?.refresh()])).resolves.toEqual([undefined, undefined]);

    clock.advance(5_000);
    const served = asFigures(await m.overview('30d'));
    expect(served.fromSnapshot).toBe(true);
    expect(served.asOf).toEqual(T0);
    expect(served).not.toHaveProperty('refresh');
    expect(served.metrics.overall.sent).toBe(BULK);
    expect(served.metrics.to).toEqual(T0);
    expect(served.metrics.from).toEqual(periodStart('30d', T0));

    // Less than a minute later: no refresh is offered and the same figures are served, new events or not.
    await sendOne(database, new Date(T0.getTime() + 1000));
    clock.set(new Date(T0.getTime() + 59_999));
    const again = asFigures(await m.overview('30d'));
    expect(again).not.toHaveProperty('refresh');
    expect(again.fromSnapshot).toBe(true);
    expect(again.asOf).toEqual(T0);
    // The very same computation (not an equal one): nothing was recomputed.
    expect(again.metrics).toBe(served.metrics);
    expect(again.weeks).toBe(served.weeks);
    expect(again.metrics.overall.sent).toBe(BULK);
  });

  it('serves exactly the figures of its time: program() and trend() as of asOf, not as of now', async () => {
    const m = metricsWith({ maxWaitMs: 0 });
    // Sent one minute before T0: in the snapshot. Sent at T0 itself: not (periods end at `to`, excluded).
    await sendOne(database, new Date(T0.getTime() - MINUTE));
    await sendOne(database, T0);
    await firstSnapshot(m);

    // Later sends, and half a minute later: the snapshot is still the one served.
    clock.advance(20_000);
    await sendOne(database, clock.now());
    clock.advance(10_000);
    const served = asFigures(await m.overview('30d'));
    expect(served.fromSnapshot).toBe(true);
    expect(served.asOf).toEqual(T0);
    expect(served.metrics.overall.sent).toBe(BULK + 1);

    const direct = metricsWith();
    expect(served.metrics).toEqual(await direct.program(periodStart('30d', T0), T0));
    expect(served.metrics).toEqual(await direct.forPeriod('30d', T0));
    expect(served.weeks).toEqual(await direct.trend(T0));
    expect({ metrics: served.metrics, weeks: served.weeks }).toEqual(await direct.compute('30d', T0));

    // The check has teeth: the figures as of now differ (the two later sends).
    const now = await direct.compute('30d', clock.now());
    expect(now.metrics.overall.sent).toBe(BULK + 3);
    expect(now.weeks).not.toEqual(served.weeks);
  });

  it('a minute later with new events: the old figures are served with a refresh, which starts only when called (after the tab is shown), as of that moment', async () => {
    const m = metricsWith({ maxWaitMs: 0 });
    await firstSnapshot(m);
    const old = asFigures(await m.overview('30d'));
    expect(old.metrics.overall.sent).toBe(BULK);

    clock.advance(30_000);
    await sendOne(database, clock.now());
    clock.set(new Date(T0.getTime() + 60_000)); // exactly refreshAfterMs: old enough
    const stale = asFigures(await m.overview('30d'));
    expect(stale.fromSnapshot).toBe(true);
    expect(stale.asOf).toEqual(T0);
    expect(stale.metrics).toBe(old.metrics);
    const refresh = refreshOf(stale);

    // Not called: nothing recomputes, and the next look still gets the figures of T0 (and a refresh).
    clock.advance(10_000);
    const still = asFigures(await m.overview('30d'));
    expect(still.asOf).toEqual(T0);
    expect(still.metrics).toBe(old.metrics);
    refreshOf(still);

    clock.advance(5_000);
    const calledAt = clock.now();
    await expect(refresh()).resolves.toBeUndefined();
    const fresh = asFigures(await m.overview('30d'));
    expect(fresh.fromSnapshot).toBe(true);
    expect(fresh.asOf).toEqual(calledAt);
    expect(fresh).not.toHaveProperty('refresh');
    expect(fresh.metrics.overall.sent).toBe(BULK + 1);
    expect({ metrics: fresh.metrics, weeks: fresh.weeks }).toEqual(await figuresAt('30d', fresh.asOf));
  });

  it('refreshes called while a recomputation runs join it, are offered even for figures under a minute old, and do nothing once newer figures replaced theirs', async () => {
    const m = metricsWith({ maxWaitMs: 0 });
    await firstSnapshot(m);

    // Two minutes later, two looks at the old figures; the first refresh starts (as of T0 + 2 min), the second,
    // called 10 s later while it runs, joins it.
    clock.advance(2 * MINUTE);
    const startedAt = clock.now();
    const first = asFigures(await m.overview('30d'));
    const second = asFigures(await m.overview('30d'));
    const third = asFigures(await m.overview('30d'));
    for (const o of [first, second, third]) expect(o.asOf).toEqual(T0);
    const firstRefresh = refreshOf(first)();
    clock.advance(10_000);
    const secondRefresh = refreshOf(second)();
    await expect(Promise.all([firstRefresh, secondRefresh])).resolves.toEqual([undefined, undefined]);
    const after = asFigures(await m.overview('30d'));
    expect(after.asOf).toEqual(startedAt);
    expect(after).not.toHaveProperty('refresh');

    // Figures 10 s old (no refresh of their own), but a background refresh is running: a refresh is offered, and
    // calling it joins the running one.
    const background = m.refreshSnapshots(1000);
    const backgroundAt = clock.now();
    const during = asFigures(await m.overview('30d'));
    expect(during.asOf).toEqual(startedAt);
    clock.advance(5_000);
    await expect(refreshOf(during)()).resolves.toBeUndefined();
    await expect(background).resolves.toBe(1);
    expect(asFigures(await m.overview('30d')).asOf).toEqual(backgroundAt);

    // A refresh handed out with figures newer ones have since replaced computes nothing more.
    clock.advance(1_000);
    await refreshOf(third)();
    expect(asFigures(await m.overview('30d')).asOf).toEqual(backgroundAt);
  });

  it('refreshSnapshots recomputes slow periods asked for within a day and older than everyMs, and says how many', async () => {
    const m = metricsWith({ maxWaitMs: 0 });
    // Nothing asked for yet: nothing to refresh.
    await expect(m.refreshSnapshots(0)).resolves.toBe(0);

    await firstSnapshot(m, '30d');
    await firstSnapshot(m, '7d');
    const asOf = async (key: PeriodKey) => asFigures(await m.overview(key)).asOf;

    // Two minutes later, figures are younger than everyMs (5 min): nothing to do.
    clock.advance(2 * MINUTE);
    await expect(m.refreshSnapshots(5 * MINUTE)).resolves.toBe(0);

    // Ten minutes after T0 both are older than 5 min: both recomputed, one after the other, as of now.
    clock.set(new Date(T0.getTime() + 10 * MINUTE));
    await expect(m.refreshSnapshots(5 * MINUTE)).resolves.toBe(2);
    // Looking at 30d (fresh: no refresh offered) counts as asking for it; 7d was last asked for at T0.
    expect(await asOf('30d')).toEqual(clock.now());

    // A day and five minutes after T0: 7d was asked for over a day ago, 30d 23 h 55 min ago.
    clock.set(new Date(T0.getTime() + DAY + 5 * MINUTE));
    await expect(m.refreshSnapshots(5 * MINUTE)).resolves.toBe(1);
    const refreshedAt = clock.now();
    const thirty = asFigures(await m.overview('30d'));
    expect(thirty.asOf).toEqual(refreshedAt);
    expect(thirty).not.toHaveProperty('refresh');
    // 7d kept its figures of T0 + 10 min (opening it now offers a refresh, as the App Home would run).
    const seven = asFigures(await m.overview('7d'));
    expect(seven.asOf).toEqual(new Date(T0.getTime() + 10 * MINUTE));
    refreshOf(seven);
    // The refreshed figures are the period's figures of their time.
    expect({ metrics: thirty.metrics, weeks: thirty.weeks }).toEqual(await figuresAt('30d', refreshedAt));
  });

  it("the app's stop waits for the computation running, then starts no more (the database closes next)", async () => {
    const background = createBackgroundWork(createLogger('silent'));
    const m = metricsWith({ maxWaitMs: 0, background });
    const computed: number[] = [];
    m.onComputed((weeks) => computed.push(weeks.length));
    const first = asComputing(await m.overview('30d'));
    let landed = false;
    void first.refresh().then(() => {
      landed = true;
    });
    await background.drain();
    expect(landed).toBe(true);
    expect(computed).toEqual([12]);
    // No new computation: a period never computed cannot be, and refreshes and the minute job do nothing.
    await expect(m.overview('90d')).rejects.toThrow('stopping');
    clock.advance(10 * MINUTE);
    const old = asFigures(await m.overview('30d'));
    await refreshOf(old)();
    expect(computed).toEqual([12]);
    expect(await m.refreshSnapshots(MINUTE)).toBe(0);
  });
});
