import { afterEach, describe, expect, it } from 'vitest';
import { inBackground } from '../../../src/db/priority.js';
import { createBackgroundWork } from '../../../src/runtime/background.js';
import { createScheduler, type JobSpec, type Scheduler } from '../../../src/runtime/scheduler.js';
import { TestClock } from '../../support/clock.js';
import { signal } from '../../support/signal.js';
import { capturedLogger } from '../../support/unitrest-logs.js';

/** Monday 2026-11-23, 14:00 UTC. */
const MONDAY_AFTERNOON = '2026-11-23T14:00:00Z';
const WEEK = 7 * 86_400_000;

const started: Scheduler[] = [];
afterEach(async () => {
  for (const scheduler of started.splice(0)) await scheduler.stop();
});

function setup(now: string, jobs: (runs: { name: string; slot: Date }[]) => JobSpec[]) {
  const { logger, lines } = capturedLogger();
  const clock = new TestClock(new Date(now));
  const background = createBackgroundWork(logger);
  const runs: { name: string; slot: Date }[] = [];
  const scheduler = createScheduler(jobs(runs), { clock, logger, background });
  started.push(scheduler);
  return { scheduler, background, runs, lines, clock };
}

/** A job that records its runs in `runs`. */
const recorded = (
  runs: { name: string; slot: Date }[],
  name: string,
  schedule: string,
  more: Partial<JobSpec> = {},
): JobSpec => ({ name, schedule, run: (slot) => void runs.push({ name, slot }), ...more });
const catchUpWithinWeek = { atStart: { catchUpWithinMs: WEEK } };

describe('scheduled jobs', () => {
  it('runs a job as work that can wait (on Postgres, on the background pool: db/priority.ts)', async () => {
    const marks: boolean[] = [];
    const { scheduler } = setup(MONDAY_AFTERNOON, () => [
      { name: 'marked', schedule: '* * * * *', run: () => void marks.push(inBackground()) },
    ]);
    await scheduler.start();
    await scheduler.runNow('marked');
    expect(marks).toEqual([true]);
    expect(inBackground()).toBe(false);
  });

  // 09:00 in New York on Mondays is 14:00 UTC: just passed at 14:00 (that slot); not yet at 13:59 (last week's, the job
  // itself knows whether it ran).
  it.each([
    [MONDAY_AFTERNOON, '2026-11-23T14:00:00Z'],
    ['2026-11-23T13:59:00Z', '2026-11-16T14:00:00Z'],
  ])(
    'started at %s, catches up on the weekly slot missed while the app was down, standing for it: %s',
    async (now, slot) => {
      const { scheduler, runs } = setup(now, (runs) => [
        recorded(runs, 'weekly-digest', '0 9 * * 1', { timeZone: 'America/New_York', ...catchUpWithinWeek }),
      ]);
      await scheduler.start();
      await scheduler.caughtUp;
      expect(runs).toEqual([{ name: 'weekly-digest', slot: new Date(slot) }]);
    },
  );

  it('does not catch up on a slot older than its window, and runs an at-start job at once', async () => {
    const { scheduler, runs } = setup(MONDAY_AFTERNOON, (runs) => [
      recorded(runs, 'yearly', '0 0 1 1 *', catchUpWithinWeek),
      recorded(runs, 'sweep', '* * * * *', { atStart: 'run' }),
      recorded(runs, 'refresh', '* * * * *'),
    ]);
    await scheduler.start();
    await scheduler.caughtUp;
    expect(runs).toEqual([{ name: 'sweep', slot: new Date(MONDAY_AFTERNOON) }]);
  });

  it('logs a failing run and goes on; stop waits for a run in progress through the background tracker', async () => {
    const gate = signal();
    let finished = false;
    const { scheduler, background, lines } = setup(MONDAY_AFTERNOON, () => [
      {
        name: 'failing',
        schedule: '0 0 1 1 *',
        run: () => {
          throw new Error('boom');
        },
      },
      {
        name: 'slow',
        schedule: '0 0 1 1 *',
        run: async () => {
          await gate.fired;
          finished = true;
        },
      },
    ]);
    await scheduler.start();
    await scheduler.caughtUp;
    await scheduler.runNow('failing');
    expect(lines.some((l) => l.msg === 'failing failed' && l.level === 50)).toBe(true);
    const slow = scheduler.runNow('slow');
    expect(background.size).toBe(1);
    const drained = background.drain();
    gate.fire();
    await drained;
    await slow;
    expect(finished).toBe(true);
    // Once stopping, nothing new starts.
    expect(background.run('late work', async () => undefined)).toBe(false);
  });

  it('reads a schedule as node-cron fires it: day of month AND day of week', () => {
    const { scheduler } = setup(MONDAY_AFTERNOON, () => [
      { name: 'first-monday', schedule: '0 9 1 * 1', timeZone: 'UTC', run: () => undefined },
    ]);
    // Monday the 23rd is not the 1st: the last 1st of a month that was a Monday is 1 June 2026.
    expect(
      scheduler.lastSlot('first-monday', new Date(MONDAY_AFTERNOON), 200 * 86_400_000)?.toISOString(),
    ).toBe('2026-06-01T09:00:00.000Z');
  });

  it('starts, without a catch-up and with a warning, on a schedule node-cron accepts and cron-parser cannot read', async () => {
    const { scheduler, runs, lines } = setup(MONDAY_AFTERNOON, (runs) => [
      recorded(runs, 'weekly-digest', '0 9 * * Monday', catchUpWithinWeek),
    ]);
    await scheduler.start();
    await scheduler.caughtUp;
    expect(runs).toEqual([]);
    expect(
      lines.some((l) => l.msg === 'no catch-up: schedule not understood' && l.job === 'weekly-digest'),
    ).toBe(true);
  });

  it('finds the latest slot in a timezone across a daylight-saving change', () => {
    const { scheduler } = setup(MONDAY_AFTERNOON, () => [
      { name: 'daily', schedule: '30 8 * * *', timeZone: 'Europe/Berlin', run: () => undefined },
    ]);
    // Sunday 2026-10-25 Berlin leaves summer time: 08:30 is 07:30 UTC that day, 06:30 UTC the day before.
    expect(scheduler.lastSlot('daily', new Date('2026-10-25T10:00:00Z'), WEEK)?.toISOString()).toBe(
      '2026-10-25T07:30:00.000Z',
    );
    expect(scheduler.lastSlot('daily', new Date('2026-10-25T07:00:00Z'), WEEK)?.toISOString()).toBe(
      '2026-10-24T06:30:00.000Z',
    );
    expect(scheduler.lastSlot('daily', new Date('2026-10-25T07:00:00Z'), 60_000)).toBeUndefined();
  });
});
