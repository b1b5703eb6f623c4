import { afterEach, describe, expect, it } from 'vitest';
import { createBackgroundWork } from '../../../src/runtime/background.js';
import { createScheduler, type JobSpec, type Scheduler } from '../../../src/runtime/scheduler.js';
import { SteppedTimers } from '../../support/steppedTimers.js';
import { capturedLogger } from '../../support/unitrest-logs.js';

/**
 * The jobs that call Slack (`callsSlack`) are held while Slack takes no call from the app (uninstalled, its token
 * revoked); local jobs go on. Once Slack takes calls again, the held jobs catch up as at start: an at-start job runs
 * at once, a job with a catch-up window runs the slot it missed, and a plain job runs at its next slot. On stepped
 * time: nothing waits.
 */

const MINUTE = 60_000;
const WEEK = 7 * 86_400_000;
/** Monday 2026-11-23, 08:56:30 UTC: the weekly job's slot (09:00) comes in three and a half minutes. */
const START = Date.parse('2026-11-23T08:56:30Z');

interface Run {
  job: string;
  /** The wall clock when it ran (hh:mm). */
  at: string;
  /** The slot it stood for (ISO). */
  slot: string;
}

const started: Scheduler[] = [];

function setup() {
  const { logger, lines } = capturedLogger();
  const timers = new SteppedTimers(START);
  const runs: Run[] = [];
  const record = (job: string) => (slot: Date) =>
    void runs.push({ job, at: new Date(timers.now()).toISOString().slice(11, 16), slot: slot.toISOString() });
  const jobs: JobSpec[] = [
    { name: 'sweep', schedule: '*/5 * * * *', callsSlack: true, run: record('sweep'), atStart: 'run' },
    {
      name: 'digest',
      schedule: '0 9 * * 1',
      callsSlack: true,
      run: record('digest'),
      atStart: { catchUpWithinMs: WEEK },
      catchUp: record('digest catch-up'),
    },
    { name: 'recheck', schedule: '*/10 * * * *', callsSlack: true, run: record('recheck') },
    { name: 'backup', schedule: '* * * * *', callsSlack: false, run: record('backup') },
  ].map((job) => ({ ...job, timeZone: 'UTC' }) as JobSpec);
  const cut: { off: string | undefined } = { off: undefined };
  const scheduler = createScheduler(jobs, {
    clock: { now: () => new Date(timers.now()) },
    logger,
    background: createBackgroundWork(logger),
    timers,
    slackCutOff: () => cut.off,
  });
  started.push(scheduler);
  const paused = () => lines.filter((l) => String(l.msg).startsWith('Slack takes no calls from the app'));
  const resumed = () => lines.filter((l) => String(l.msg).startsWith('Slack takes calls again'));
  /** Lets the runs a tick began (and the catch-ups they start) finish: no time passes. */
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { scheduler, timers, runs, cut, paused, resumed, settle };
}

describe('the jobs that call Slack, while Slack takes no call from the app', () => {
  afterEach(async () => {
    for (const scheduler of started.splice(0)) await scheduler.stop();
  });

  it('skip their slots while local jobs go on, log the pause once, and catch up once Slack takes calls again', async () => {
    const { scheduler, timers, runs, cut, paused, resumed, settle } = setup();
    await scheduler.start();
    await scheduler.caughtUp;
    // At start: the sweep runs, the weekly job catches up on last week's slot.
    expect(runs.map((r) => [r.job, r.slot])).toEqual([
      ['sweep', '2026-11-23T08:56:30.000Z'],
      ['digest catch-up', '2026-11-16T09:00:00.000Z'],
    ]);
    runs.length = 0;

    cut.off = 'app_uninstalled';
    await timers.advance(10 * MINUTE, settle); // 09:06:30: past the slots of all four at 09:00, the sweep's at 09:05
    expect(runs.map((r) => `${r.job} ${r.at}`)).toEqual(
      ['08:57', '08:58', '08:59', '09:00', '09:01', '09:02', '09:03', '09:04', '09:05', '09:06'].map(
        (at) => `backup ${at}`,
      ),
    );
    expect(paused()).toHaveLength(1);
    expect(paused()[0]).toMatchObject({
      level: 40,
      reason: 'app_uninstalled',
      paused: ['sweep', 'digest', 'recheck'],
    });
    expect(resumed()).toEqual([]);
    runs.length = 0;

    // Slack takes calls again: the next tick (the backup's, at 09:07) lets the held jobs catch up.
    cut.off = undefined;
    await timers.advance(MINUTE, settle);
    await settle();
    expect(runs.map((r) => `${r.job} ${r.at}`).sort()).toEqual([
      'backup 09:07',
      'digest catch-up 09:07',
      'sweep 09:07',
    ]);
    // The weekly job stands for the slot it missed, today at 09:00.
    expect(runs.find((r) => r.job === 'digest catch-up')?.slot).toBe('2026-11-23T09:00:00.000Z');
    expect(resumed()).toHaveLength(1);
    expect([...((resumed()[0]?.resumed as string[]) ?? [])].sort()).toEqual(['digest', 'recheck', 'sweep']);
    runs.length = 0;

    // The plain job runs at its next slot; all run on their slots again, and nothing is logged twice.
    await timers.advance(3 * MINUTE, settle); // 09:10:30
    expect(runs.map((r) => `${r.job} ${r.at}`).sort()).toEqual([
      'backup 09:08',
      'backup 09:09',
      'backup 09:10',
      'recheck 09:10',
      'sweep 09:10',
    ]);
    expect(paused()).toHaveLength(1);
    expect(resumed()).toHaveLength(1);
  });

  it('runNow (a test, an operator) is held the same way, and lets the held jobs catch up once Slack takes calls', async () => {
    const { scheduler, runs, cut, paused, resumed } = setup();
    await scheduler.start();
    await scheduler.caughtUp;
    runs.length = 0;

    cut.off = 'tokens_revoked';
    await scheduler.runNow('sweep');
    await scheduler.runNow('digest');
    await scheduler.runNow('backup');
    expect(runs.map((r) => r.job)).toEqual(['backup']);
    expect(paused()).toHaveLength(1);
    expect(paused()[0]?.reason).toBe('tokens_revoked');
    runs.length = 0;

    cut.off = undefined;
    await scheduler.runNow('backup');
    // The held sweep ran at once and the weekly job caught up on its latest slot (last week's: it is 08:56 Monday).
    expect(runs.map((r) => [r.job, r.slot])).toEqual([
      ['sweep', '2026-11-23T08:56:30.000Z'],
      ['digest catch-up', '2026-11-16T09:00:00.000Z'],
      ['backup', '2026-11-23T08:56:30.000Z'],
    ]);
    expect(resumed()).toHaveLength(1);
  });
});
