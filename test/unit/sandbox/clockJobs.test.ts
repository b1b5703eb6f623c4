import { Writable } from 'node:stream';
import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppTimes, ClockJobs } from '../../../sandbox/clockJobs.js';
import { createLogger } from '../../../src/logger.js';
import { createBackgroundWork } from '../../../src/runtime/background.js';
import { createScheduler, type JobSpec } from '../../../src/runtime/scheduler.js';
import { TestClock } from '../../support/clock.js';

/**
 * The sandbox fires the app's scheduled jobs on its own clock (sandbox/clockJobs.ts), through the real scheduler:
 * whatever would have run while the clock control jumps days ahead runs, in order, with the clock at each slot.
 */

interface Run {
  job: string;
  slot: string;
  /** What the clock read while the job ran. */
  clock: string;
}

/** The app's three jobs, with the app's default schedules: the sweep and metrics every minute, the digest weekly. */
function setup(now: string, app?: AppTimes) {
  const logger = createLogger('warn', new Writable({ write: (_c, _e, done) => done() }));
  const clock = new TestClock(new Date(now));
  const runs: Run[] = [];
  const job = (name: string, schedule: string, timeZone?: string): JobSpec => ({
    name,
    schedule,
    ...(timeZone ? { timeZone } : {}),
    run: (slot) => void runs.push({ job: name, slot: slot.toISOString(), clock: clock.now().toISOString() }),
  });
  const scheduler = createScheduler(
    [
      job('response-window-sweep', '* * * * *'),
      job('metrics-refresh', '* * * * *'),
      job('weekly-digest', '0 9 * * 1', 'America/New_York'),
    ],
    { clock, logger, background: createBackgroundWork(logger) },
  );
  const jobs = new ClockJobs(scheduler, clock, app);
  return { clock, runs, jobs };
}

const digests = (runs: Run[]) => runs.filter((r) => r.job === 'weekly-digest');

let stopping: ClockJobs | undefined;
afterEach(async () => {
  await stopping?.stop();
  stopping = undefined;
});

describe('the sandbox clock fires the scheduled jobs', () => {
  it('passing Monday 09:00 New York time runs the digest at its slot, after the sweep, with the clock there', async () => {
    // Friday 2026-11-20, 10:00 in New York (15:00 UTC) → Tuesday 2026-11-24, 10:00.
    const { clock, runs, jobs } = setup('2026-11-20T15:00:00Z');
    await jobs.advanceTo(new Date('2026-11-24T15:00:00Z'));

    // Monday 2026-11-23, 09:00 in New York is 14:00 UTC: one digest, for that slot, with the clock at the slot.
    expect(digests(runs)).toEqual([
      { job: 'weekly-digest', slot: '2026-11-23T14:00:00.000Z', clock: '2026-11-23T14:00:00.000Z' },
    ]);
    // The minute-by-minute jobs ran up to the digest's slot before it (what is at risk then), and at the end.
    const at = (iso: string) => runs.filter((r) => r.clock === iso).map((r) => r.job);
    expect(at('2026-11-23T14:00:00.000Z')).toEqual([
      'response-window-sweep',
      'metrics-refresh',
      'weekly-digest',
    ]);
    expect(at('2026-11-24T15:00:00.000Z')).toEqual(['response-window-sweep', 'metrics-refresh']);
    // Not once a minute for four days: a frequent job's run does all that is due.
    expect(runs).toHaveLength(5);
    expect(clock.now().toISOString()).toBe('2026-11-24T15:00:00.000Z');
  });

  it('runs no digest when the jump does not pass a Monday 09:00 in New York', async () => {
    // Monday 08:00 in New York → Monday 08:59: an hour before the slot in UTC terms would be wrong (Berlin, UTC).
    const { runs, jobs } = setup('2026-11-23T13:00:00Z');
    await jobs.advanceTo(new Date('2026-11-23T13:59:00Z'));
    expect(digests(runs)).toEqual([]);
    // One more minute reaches the slot, exactly.
    await jobs.advanceTo(new Date('2026-11-23T14:00:00Z'));
    expect(digests(runs).map((r) => r.slot)).toEqual(['2026-11-23T14:00:00.000Z']);
  });

  it('a jump over three Mondays runs three digests, oldest first, each at its own slot', async () => {
    const { runs, jobs } = setup('2026-11-20T15:00:00Z');
    const ran = await jobs.advanceTo(new Date('2026-12-11T15:00:00Z'));
    expect(digests(runs).map((r) => [r.slot, r.clock])).toEqual([
      ['2026-11-23T14:00:00.000Z', '2026-11-23T14:00:00.000Z'],
      ['2026-11-30T14:00:00.000Z', '2026-11-30T14:00:00.000Z'],
      ['2026-12-07T14:00:00.000Z', '2026-12-07T14:00:00.000Z'],
    ]);
    expect(ran.filter((r) => r.job === 'weekly-digest')).toHaveLength(3);
    expect(jobs.runs.map((r) => r.job)).toEqual(ran.map((r) => r.job));
  });

  it('while time passes, the once-a-second look runs the slots the sandbox clock passed (not the real clock)', async () => {
    // The sandbox clock reads Monday 08:59:30 in New York, whatever the real time is.
    const { clock, runs, jobs } = setup('2026-11-23T13:59:30Z');
    stopping = jobs;
    jobs.start(10);
    clock.advance(45_000);
    await expect.poll(() => digests(runs).length, { timeout: 5000 }).toBe(1);
    expect(digests(runs)[0]?.slot).toBe('2026-11-23T14:00:00.000Z');
    expect(runs.filter((r) => r.job === 'response-window-sweep').map((r) => r.slot)).toEqual([
      '2026-11-23T14:00:00.000Z',
    ]);
  });

  it('runs the frequent jobs when something falls due on the way, with the clock then, and lets the posts go out', async () => {
    // A window ends Friday 09:00:20 in New York (14:00:20 UTC) and a reminder is due Monday 08:00; the jump is from
    // Thursday to Tuesday. Each is handled at its minute, not when the jump ends.
    const due = ['2026-11-20T14:00:20Z', '2026-11-23T13:00:00Z'].map((iso) => new Date(iso));
    const settled: string[] = [];
    let clockNow: () => Date = () => new Date(0);
    const app: AppTimes = {
      nextDue: async (after) => due.find((d) => d > after),
      settle: async () => void settled.push(clockNow().toISOString()),
    };
    const { clock, runs, jobs } = setup('2026-11-19T15:00:00Z', app);
    clockNow = () => clock.now();
    await jobs.advanceTo(new Date('2026-11-24T15:00:00Z'));
    const sweeps = runs.filter((r) => r.job === 'response-window-sweep').map((r) => r.clock);
    expect(sweeps).toEqual([
      '2026-11-20T14:01:00.000Z',
      '2026-11-23T13:00:00.000Z',
      '2026-11-23T14:00:00.000Z',
      '2026-11-24T15:00:00.000Z',
    ]);
    // The outbox is let out after each step and after the digest: at those same times.
    expect(settled).toEqual(sweeps);
  });

  it('looks at the schedule without leaving node-cron tasks behind', async () => {
    const { clock, jobs } = setup('2026-11-20T15:00:00Z');
    const before = cron.getTasks().size;
    for (let i = 0; i < 20; i += 1) {
      clock.advance(1000);
      await jobs.advanceTo(clock.now());
    }
    await jobs.advanceTo(new Date('2026-12-20T15:00:00Z'));
    expect(cron.getTasks().size).toBe(before);
  });
});
