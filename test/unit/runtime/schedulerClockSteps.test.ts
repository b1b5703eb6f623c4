import cron from 'node-cron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBackgroundWork } from '../../../src/runtime/background.js';
import {
  createScheduler,
  installationLagMs,
  type JobSpec,
  type Scheduler,
  type SlotClaims,
} from '../../../src/runtime/scheduler.js';
import type { Timers } from '../../../src/runtime/timers.js';
import { TestClock } from '../../support/clock.js';
import { SteppedTimers } from '../../support/steppedTimers.js';
import { capturedLogger } from '../../support/unitrest-logs.js';

/**
 * The machine's wall clock steps while the app runs (NTP, an operator, a restored VM). The jobs' slots are wall-clock
 * times (node-cron's reading of the schedule), so after a step back the slots of the repeated stretch come round on
 * the new clock and must run there, not a step later; after a step forward the slots stepped over run once, not once
 * each. Nothing here waits on real time: the first group fakes the process's own clocks and timers (what production
 * runs on: `Date`, `performance.now`, `setTimeout`), the second hands the scheduler a `SteppedTimers`.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Run {
  /** The wall clock when the run started (ms). */
  wall: number;
  /** The monotonic clock when it started (ms): real time. */
  real: number;
}

const started: Scheduler[] = [];
const stopAll = async () => {
  for (const scheduler of started.splice(0)) await scheduler.stop();
};

function setup(
  jobs: (record: () => void) => JobSpec[],
  opts: { timers?: Timers; now?: Date; lagMs?: number; claims?: SlotClaims } = {},
) {
  const { logger, lines } = capturedLogger();
  const timers = opts.timers;
  const wall = () => timers?.now() ?? Date.now();
  const real = () => timers?.monotonic() ?? performance.now();
  const runs: Run[] = [];
  const record = () => void runs.push({ wall: wall(), real: real() });
  const background = createBackgroundWork(logger);
  const clock = new TestClock(opts.now ?? new Date(wall()));
  const scheduler = createScheduler(jobs(record), {
    clock,
    logger,
    background,
    ...(timers ? { timers } : {}),
    ...(opts.lagMs ? { lagMs: opts.lagMs } : {}),
    ...(opts.claims ? { claims: opts.claims } : {}),
  });
  started.push(scheduler);
  return { scheduler, runs, lines, real };
}

const minutely = (record: () => void): JobSpec[] => [
  { name: 'sweep', schedule: '* * * * *', timeZone: 'UTC', run: record },
];

describe('a wall-clock step while the app runs (the process’s own clock and timers, faked)', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    });
    vi.setSystemTime(new Date('2026-11-23T14:00:30Z'));
  });
  afterEach(async () => {
    await stopAll();
    vi.useRealTimers();
  });

  it('a step back of 90 s does not hold a minutely job for the step: it runs on the new clock’s next minute', async () => {
    const { scheduler, runs, real } = setup(minutely);
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(31_000);
    expect(runs.map((r) => new Date(r.wall).toISOString().slice(11, 19))).toEqual(['14:01:00']);

    // 14:01:01 → 13:59:31. The next minute on the new clock is 29 s of real time away (14:00:00), the slot node-cron
    // planned on the old one (14:02:00) 149 s.
    vi.setSystemTime(Date.now() - 90_000);
    const stepped = real();
    await vi.advanceTimersByTimeAsync(31_000);
    expect(runs).toHaveLength(2);
    const after = runs[1] as Run;
    expect(new Date(after.wall).toISOString().slice(11, 19)).toBe('14:00:00');
    // Within the second the scheduler takes to notice a step.
    expect(after.real - stepped).toBeLessThanOrEqual(29_000 + 1000);

    // And on every minute after that, once each.
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(runs.slice(2).map((r) => new Date(r.wall).toISOString().slice(11, 19))).toEqual([
      '14:01:00',
      '14:02:00',
      '14:03:00',
    ]);
  });

  it('a step back of an hour does not stop a quarter-hourly job for the hour', async () => {
    const { scheduler, runs, real } = setup((record) => [
      { name: 'pools', schedule: '*/15 * * * *', timeZone: 'UTC', run: record },
    ]);
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(15 * MINUTE);
    expect(runs).toHaveLength(1); // 14:15
    vi.setSystemTime(Date.now() - HOUR); // 14:15:30 → 13:15:30
    const stepped = real();
    await vi.advanceTimersByTimeAsync(15 * MINUTE);
    expect(runs.map((r) => new Date(r.wall).toISOString().slice(11, 19))).toEqual(['14:15:00', '13:30:00']);
    expect((runs[1] as Run).real - stepped).toBeLessThanOrEqual(14.5 * MINUTE + 1000);
  });

  it('a step forward of an hour runs a minutely job once for the slots stepped over, then once a minute', async () => {
    const { scheduler, runs } = setup(minutely);
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(31_000); // 14:01:01, one run
    vi.setSystemTime(Date.now() + HOUR); // 15:01:01: sixty slots stepped over
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    const minutes = runs.map((r) => new Date(r.wall).toISOString().slice(11, 16));
    // One run for the hour stepped over (not sixty), then the slots of the new clock, each once.
    expect(minutes).toEqual(['14:01', '15:01', '15:02', '15:03']);
  });
});

describe('a wall-clock step while the app runs (injected timers)', () => {
  afterEach(stopAll);

  it('a sub-second step back (an NTP correction) runs no slot twice and delays none', async () => {
    const timers = new SteppedTimers(Date.parse('2026-11-23T14:00:30Z'));
    const { scheduler, runs } = setup(minutely, { timers });
    await scheduler.start();
    await timers.advance(30_200); // 14:01:00.2, just after a run
    timers.stepWallClock(-500); // 14:00:59.7: the slot 14:01 does not come round again
    await timers.advance(2 * MINUTE + 1000);
    expect(runs.map((r) => new Date(r.wall).toISOString().slice(11, 23))).toEqual([
      '14:01:00.000',
      '14:02:00.000',
      '14:03:00.000',
    ]);
  });

  it('a step back logs how far the clock stepped; stop leaves no timer and no node-cron task behind', async () => {
    const tasksBefore = cron.getTasks().size;
    const timers = new SteppedTimers(Date.parse('2026-11-23T14:00:30Z'));
    const { scheduler, lines } = setup(minutely, { timers });
    await scheduler.start();
    await timers.advance(1000);
    timers.stepWallClock(-HOUR);
    await timers.advance(1000);
    expect(lines.find((l) => String(l.msg).startsWith('the wall clock stepped'))).toMatchObject({
      level: 40,
      steppedMs: -HOUR,
    });
    await scheduler.stop();
    expect(timers.scheduled()).toEqual([]);
    expect(cron.getTasks().size).toBe(tasksBefore);
  });

  it('runs a schedule node-cron reads and cron-parser cannot (day names), on its slot in its timezone', async () => {
    // Monday 2026-11-23, 08:59:30 in New York.
    const timers = new SteppedTimers(Date.parse('2026-11-23T13:59:30Z'));
    const { scheduler, runs } = setup(
      (record) => [{ name: 'weekly', schedule: '0 9 * * Monday', timeZone: 'America/New_York', run: record }],
      { timers },
    );
    await scheduler.start();
    await timers.advance(MINUTE); // 09:00:30: this Monday's slot ran
    // A step forward to 08:58:30 the next Monday passes no slot: nothing runs until 09:00 there.
    timers.stepWallClock(7 * 86_400_000 - 2 * MINUTE);
    await timers.advance(MINUTE);
    expect(runs).toHaveLength(1);
    await timers.advance(MINUTE);
    expect(runs.map((r) => new Date(r.wall).toISOString())).toEqual([
      '2026-11-23T14:00:00.000Z',
      '2026-11-30T14:00:00.000Z',
    ]);
  });

  it('skips a slot while the job’s previous run is still going (no overlap), with a warning', async () => {
    const timers = new SteppedTimers(Date.parse('2026-11-23T14:00:30Z'));
    let release: () => void = () => undefined;
    const { scheduler, runs, lines } = setup(
      (record) => [
        {
          name: 'slow',
          schedule: '* * * * *',
          timeZone: 'UTC',
          run: async () => {
            record();
            await new Promise<void>((resolve) => {
              release = resolve;
            });
          },
        },
      ],
      { timers },
    );
    await scheduler.start();
    await timers.advance(31_000); // 14:01: starts, does not finish
    await timers.advance(MINUTE); // 14:02: skipped
    expect(runs).toHaveLength(1);
    expect(lines.some((l) => l.job === 'slow' && String(l.msg).includes('still running'))).toBe(true);
    release();
    await timers.advance(MINUTE); // 14:03: runs
    expect(runs).toHaveLength(2);
    release();
  });
});

describe('an installation’s ticks come a few seconds after the slot, for the same slot', () => {
  // The slot each tick stands for, as the claims across processes see it.
  const slots: string[] = [];
  const claims: SlotClaims = {
    claim: async (_job, slot) => {
      slots.push(slot.toISOString().slice(11, 19));
      return true;
    },
    finish: async () => undefined,
  };
  const hhmmss = (runs: Run[]) => runs.map((r) => new Date(r.wall).toISOString().slice(11, 19));
  beforeEach(() => {
    slots.length = 0;
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    });
  });
  afterEach(async () => {
    await stopAll();
    vi.useRealTimers();
  });

  it('one installation a second over 30 s, the first at the slot', () => {
    expect([undefined, 1, 2, 3, 30, 31, 100].map(installationLagMs)).toEqual([
      0, 0, 1000, 2000, 29_000, 0, 9000,
    ]);
  });

  it.each([
    ['ticks the minute at its seventh second with a lag of 7 s, naming the minute', '14:00:30', 36_000],
    ['started within a slot’s lag, ticks that slot at slot + lag', '14:01:03', 3000],
  ])('%s', async (_, now, quiet) => {
    vi.setSystemTime(new Date(`2026-11-23T${now}Z`));
    const { scheduler, runs } = setup(minutely, { lagMs: 7000, claims });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(quiet);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(hhmmss(runs)).toEqual(['14:01:07']);
    expect(slots).toEqual(['14:01:00']);
  });

  it('a clock step within the lag plans again without dropping the slot', async () => {
    vi.setSystemTime(new Date('2026-11-23T14:00:58Z'));
    const { scheduler, runs } = setup(minutely, { lagMs: 7000, claims });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(4000);
    // 14:01:02: the wall clock steps 3 s forward; the heartbeat plans the sweep again from 14:01:05.
    vi.setSystemTime(new Date('2026-11-23T14:01:05Z'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(slots).toEqual(['14:01:00']);
    expect(hhmmss(runs)).toEqual(['14:01:07']);
  });
});
