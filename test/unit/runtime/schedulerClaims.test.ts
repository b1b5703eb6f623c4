import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../../src/db/client.js';
import { firstInstallationOf, ownRow } from '../../../src/db/owned.js';
import { jobClaims } from '../../../src/db/schema.js';
import type { Db } from '../../../src/db/types.js';
import { createLogger } from '../../../src/logger.js';
import { type BackgroundWork, createBackgroundWork } from '../../../src/runtime/background.js';
import { createSlotClaims } from '../../../src/runtime/jobClaims.js';
import { createScheduler, type JobSpec, type Scheduler } from '../../../src/runtime/scheduler.js';
import { TestClock } from '../../support/clock.js';
import { SteppedTimers } from '../../support/steppedTimers.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';

/**
 * Several processes on one database (replicas on Postgres; here two schedulers on one real SQLite file, as two
 * replicas would share it): each slot of a job runs in one of them, once, and a slot whose run never finished is
 * taken over by another process's catch-up once its lease has passed. Time is stepped, never waited for.
 */
const MINUTE = 60_000;
const WEEK = 7 * 86_400_000;

interface Run {
  replica: string;
  job: string;
  slot: string;
}

describe('scheduled slots claimed across processes sharing one database', () => {
  let database: AppDatabase;
  let db: Db;
  const started: { scheduler: Scheduler; background: BackgroundWork }[] = [];
  let runs: Run[] = [];
  beforeEach(() => {
    runs = [];
    database = freshDatabase('claims-');
    db = firstInstallationOf(database.db);
  });
  afterEach(async () => {
    for (const { scheduler, background } of started.splice(0)) {
      await scheduler.stop();
      await background.drain();
    }
    database.close();
  });

  function replica(
    name: string,
    jobs: (record: (job: string) => (slot: Date) => void) => JobSpec[],
    opts: { clock: TestClock; timers?: SteppedTimers },
  ) {
    const logger = createLogger('info', new Writable({ write: (_c, _e, done) => done() }));
    const background = createBackgroundWork(logger);
    const record = (job: string) => (slot: Date) =>
      void runs.push({ replica: name, job, slot: slot.toISOString() });
    const scheduler = createScheduler(jobs(record), {
      clock: opts.clock,
      logger,
      background,
      ...(opts.timers ? { timers: opts.timers } : {}),
      claims: createSlotClaims({ db: db, clock: opts.clock, holder: name }),
    });
    started.push({ scheduler, background });
    return { scheduler, background };
  }

  type Recorder = (job: string) => (slot: Date) => void;
  const minutely = (record: Recorder): JobSpec[] => [
    { name: 'sweep', schedule: '* * * * *', timeZone: 'UTC', run: record('sweep') },
  ];
  const claimRows = () => db.select().from(jobClaims).all();
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  /**
   * Stepped time from 14:00:30; the app's clock is the timers' wall clock, as the system clock is in production (the
   * jobs of one schedule tick in one timer callback, each reading the clock); `follow(...replicas)` lets their runs
   * finish.
   */
  function stepped() {
    const timers = new SteppedTimers(Date.parse('2026-11-23T14:00:30Z'));
    const clock = new TestClock(new Date(timers.now()));
    clock.now = () => new Date(timers.now());
    const follow =
      (...replicas: { background: BackgroundWork }[]) =>
      async () => {
        for (const r of replicas) await r.background.drain();
      };
    return { timers, clock, follow };
  }

  it('runs each minute’s slot in one of two replicas, once', async () => {
    const { timers, clock, follow } = stepped();
    const a = replica('a', minutely, { clock, timers });
    const b = replica('b', minutely, { clock, timers });
    await a.scheduler.start();
    await b.scheduler.start();
    await timers.advance(3 * MINUTE, follow(a, b));
    // 14:01, 14:02 and 14:03 came round in both: each ran in exactly one of them, the one holding its claim.
    const claims = claimRows();
    expect(claims.map((c) => [c.job, hhmm(c.slot), c.doneAt !== null])).toEqual([
      ['sweep', '14:01', true],
      ['sweep', '14:02', true],
      ['sweep', '14:03', true],
    ]);
    expect(runs.map((r) => r.replica)).toEqual(claims.map((c) => c.holder));
  });

  it('runs every slot of a per-process job in each replica, claiming none (what each keeps in memory)', async () => {
    const { timers, clock, follow } = stepped();
    const jobs = (record: Recorder): JobSpec[] => [
      { name: 'sweep', schedule: '* * * * *', timeZone: 'UTC', run: record('sweep') },
      { name: 'recheck', schedule: '* * * * *', timeZone: 'UTC', run: record('recheck'), perProcess: true },
    ];
    const a = replica('a', jobs, { clock, timers });
    const b = replica('b', jobs, { clock, timers });
    await a.scheduler.start();
    await b.scheduler.start();
    await timers.advance(2 * MINUTE, follow(a, b));
    const of = (job: string) =>
      runs
        .filter((r) => r.job === job)
        .map((r) => `${r.replica} ${r.slot.slice(11, 16)}`)
        .sort();
    expect(of('recheck')).toEqual(['a 14:01', 'a 14:02', 'b 14:01', 'b 14:02']);
    // The shared job beside it still runs each slot once, and only its slots are claimed.
    expect(of('sweep')).toHaveLength(2);
    const claims = claimRows();
    expect(claims.map((c) => [c.job, hhmm(c.slot)])).toEqual([
      ['sweep', '14:01'],
      ['sweep', '14:02'],
    ]);
  });

  it('after the wall clock steps back, the slots it lives again run again, even in one process', async () => {
    const { timers, clock, follow } = stepped();
    const a = replica('a', minutely, { clock, timers });
    await a.scheduler.start();
    await timers.advance(10 * MINUTE, follow(a)); // 14:01 … 14:10 ran, at 14:10:30
    expect(runs).toHaveLength(10);
    // An NTP correction of ten minutes back: 14:10:30 → 14:00:30. The slots 14:01 … 14:10 come round again.
    timers.stepWallClock(-10 * MINUTE);
    await timers.advance(10 * MINUTE, follow(a)); // to 14:10:30 on the new clock
    // Each minute of real time ran its sweep, the last slot before the step (14:10) too: not ten minutes (or, for a
    // step of an hour, an hour) without one.
    expect(runs.slice(10).map((r) => r.slot.slice(11, 16))).toEqual(
      Array.from({ length: 10 }, (_, i) => `14:${String(i + 1).padStart(2, '0')}`),
    );
    // And once each: a slot lived again is claimed once more, not on every look.
    const claims = claimRows();
    expect(claims).toHaveLength(10);
    expect(claims.every((c) => c.holder === 'a' && c.doneAt !== null)).toBe(true);
  });

  const digest = (record: Recorder): JobSpec[] => [
    {
      name: 'weekly-digest',
      schedule: '0 9 * * 1',
      timeZone: 'America/New_York',
      run: record('weekly-digest'),
      atStart: { catchUpWithinMs: WEEK },
      leaseMs: 10 * MINUTE,
    },
  ];

  it('a replica started after another caught up on a missed slot does not run it again', async () => {
    const clock = new TestClock(new Date('2026-11-23T15:00:00Z'));
    const a = replica('a', digest, { clock });
    await a.scheduler.start();
    await a.scheduler.caughtUp;
    clock.advance(MINUTE);
    const b = replica('b', digest, { clock });
    await b.scheduler.start();
    await b.scheduler.caughtUp;
    expect(runs).toEqual([{ replica: 'a', job: 'weekly-digest', slot: '2026-11-23T14:00:00.000Z' }]);
  });

  it('takes over a slot whose run never finished once its lease has passed, not before', async () => {
    const clock = new TestClock(new Date('2026-11-23T15:00:00Z'));
    // Replica a claims the slot and dies in the middle of its run (the run never ends, nor is it marked done).
    const dying = replica(
      'a',
      () => [{ ...digest(() => () => undefined)[0], run: () => new Promise(() => undefined) } as JobSpec],
      { clock },
    );
    await dying.scheduler.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(claimRows()).toMatchObject([{ holder: 'a', doneAt: null }]);
    await dying.scheduler.stop();
    started.splice(0); // its run never ends: nothing to wait for

    clock.advance(5 * MINUTE); // within a's lease: b leaves the slot to it
    const early = replica('b', digest, { clock });
    await early.scheduler.start();
    await early.scheduler.caughtUp;
    expect(runs).toEqual([]);

    clock.advance(6 * MINUTE); // a's lease has passed: c takes the slot over and runs it
    const late = replica('c', digest, { clock });
    await late.scheduler.start();
    await late.scheduler.caughtUp;
    expect(runs).toEqual([{ replica: 'c', job: 'weekly-digest', slot: '2026-11-23T14:00:00.000Z' }]);
    expect(claimRows()).toMatchObject([{ holder: 'c' }]);
    expect(claimRows()[0]?.doneAt).not.toBeNull();
  });

  it('claims and runs a tick only when its job says it has something to do; runNow and start-time runs do not ask', async () => {
    // An idle job's tick costs a read, not the claim's two transactions.
    const { timers, clock, follow } = stepped();
    let held = false;
    let asked = 0;
    const jobs = (record: Recorder): JobSpec[] => [
      {
        name: 'recheck',
        schedule: '* * * * *',
        timeZone: 'UTC',
        run: record('recheck'),
        atStart: 'run',
        due: async () => {
          asked += 1;
          return held;
        },
      },
    ];
    const a = replica('a', jobs, { clock, timers });
    await a.scheduler.start();
    const step = () => timers.advance(MINUTE, follow(a));
    // At start it runs without asking; then 14:01 and 14:02 have nothing: asked, neither claimed nor run.
    await step();
    await step();
    expect(asked).toBe(2);
    expect(runs.map((r) => r.slot.slice(11, 19))).toEqual(['14:00:30']);
    expect(claimRows()).toEqual([]);
    // Something held: 14:03 is claimed and run.
    held = true;
    await step();
    expect(runs.map((r) => r.slot.slice(11, 16))).toEqual(['14:00', '14:03']);
    expect(claimRows().map((c) => hhmm(c.slot))).toEqual(['14:03']);
    // An operator's run does not ask.
    held = false;
    await a.scheduler.runNow('recheck');
    expect(runs).toHaveLength(3);
    expect(asked).toBe(3);
  });

  it('prunes a job’s claims older than 30 days at its first run’s end, then at most once an hour', async () => {
    const day = 86_400_000;
    const at = Date.parse('2026-11-23T14:00:00Z');
    const clock = new TestClock(new Date(at));
    const claims = createSlotClaims({ db: db, clock, holder: 'a' });
    const job: JobSpec = { name: 'sweep', schedule: '* * * * *', run: () => undefined };
    const run = async (slot: number) => {
      clock.set(new Date(slot));
      expect(await claims.claim(job, new Date(slot))).toBe(true);
      await claims.finish(job, new Date(slot));
    };
    const slots = () => claimRows().length;
    // A slot 31 days old, then this minute's run: the old one is pruned at its end.
    await run(at - 31 * day);
    await run(at);
    expect(slots()).toBe(1);
    // Another old claim (another process's, say): the next 59 minutes' runs leave it; the 60th's end prunes it.
    const old = new Date(at - 40 * day);
    await db.transaction((tx) =>
      tx
        .insert(jobClaims)
        .values(ownRow(tx, { job: 'sweep', slot: old, holder: 'b', claimedAt: old, leaseUntil: old })),
    );
    const oldest = () => Math.min(...claimRows().map((c) => c.slot.getTime()));
    for (let m = 1; m < 60; m += 1) await run(at + m * MINUTE);
    expect(slots()).toBe(61);
    expect(oldest()).toBe(old.getTime());
    await run(at + 60 * MINUTE);
    expect(slots()).toBe(61);
    expect(oldest()).toBe(at);
  });
});
