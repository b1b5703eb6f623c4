import { Writable } from 'node:stream';
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { createTickHub, type TickSpec } from '../../../src/runtime/cronTicks.js';
import { latestSlot } from '../../../src/runtime/scheduler.js';
import { SteppedTimers } from '../../support/steppedTimers.js';

/**
 * One hub of ticks for every installation's scheduler: the specs of one schedule, zone and lag share one wait, the
 * hub one heartbeat, and each spec is ticked at each of its slots until it stops. Time is stepped.
 */
const MINUTE = 60_000;
const quiet = () => createLogger('info', new Writable({ write: (_c, _e, done) => done() }));

describe('the tick hub', () => {
  function installations(count: number, lagMs: (i: number) => number) {
    const timers = new SteppedTimers(Date.parse('2026-11-23T14:00:30Z'));
    const hub = createTickHub({ timers, logger: quiet() });
    const ticked: string[] = [];
    const spec = (i: number, name: string, schedule: string): TickSpec => ({
      name,
      schedule,
      timeZone: 'UTC',
      lagMs: lagMs(i),
      tick: (slot) => void ticked.push(`${i} ${name} ${slot.toISOString().slice(11, 16)}`),
    });
    const started = Array.from({ length: count }, (_, i) =>
      hub.start([spec(i, 'sweep', '* * * * *'), spec(i, 'digest', '0 9 * * 1')]),
    );
    return { timers, hub, ticked, started };
  }

  it('keeps one wait per schedule and lag, and one heartbeat, however many installations tick', async () => {
    // 60 installations over 3 lags: 2 schedules × 3 lags waits, and the heartbeat.
    const { timers, ticked } = installations(60, (i) => (i % 3) * 1000);
    expect(timers.scheduled()).toHaveLength(2 * 3 + 1);
    await timers.advance(MINUTE);
    // Every installation's sweep ticked its 14:01 slot once, at its own lag; the weekly digest did not.
    const sweeps = ticked.filter((t) => t.includes('sweep'));
    expect(sweeps).toHaveLength(60);
    expect(new Set(sweeps).size).toBe(60);
    expect(sweeps.every((t) => t.endsWith('14:01'))).toBe(true);
    expect(ticked.filter((t) => t.includes('digest'))).toEqual([]);
  });

  it('stops ticking one installation while the others go on, and clears every timer when the last stops', async () => {
    const { timers, ticked, started } = installations(3, () => 0);
    expect(timers.scheduled()).toHaveLength(2 + 1);
    started[1]?.stop();
    started[1]?.stop(); // twice: nothing more
    await timers.advance(MINUTE);
    expect(ticked.sort()).toEqual(['0 sweep 14:01', '2 sweep 14:01']);
    started[0]?.stop();
    started[2]?.stop();
    expect(timers.scheduled()).toEqual([]);
    ticked.length = 0;
    await timers.advance(5 * MINUTE);
    expect(ticked).toEqual([]);
  });

  it('ticks an installation started later at the slot the others wait for, once', async () => {
    const { timers, hub, ticked } = installations(1, () => 0);
    await timers.advance(20_000); // 14:00:50
    const late: string[] = [];
    hub.start([
      {
        name: 'sweep',
        schedule: '* * * * *',
        timeZone: 'UTC',
        tick: (slot) => void late.push(slot.toISOString().slice(11, 16)),
      },
    ]);
    await timers.advance(2 * MINUTE);
    expect(late).toEqual(['14:01', '14:02']);
    expect(ticked).toEqual(['0 sweep 14:01', '0 sweep 14:02']);
    // It joined the wait already set: still two waits and the heartbeat.
    expect(timers.scheduled()).toHaveLength(2 + 1);
  });

  it('refuses a schedule node-cron refuses, starting nothing of that scheduler', () => {
    const timers = new SteppedTimers(Date.parse('2026-11-23T14:00:30Z'));
    const hub = createTickHub({ timers, logger: quiet() });
    const tick = () => undefined;
    expect(() =>
      hub.start([
        { name: 'sweep', schedule: '* * * * *', timeZone: 'UTC', tick },
        { name: 'broken', schedule: 'every minute', timeZone: 'UTC', tick },
      ]),
    ).toThrow();
    expect(timers.scheduled()).toEqual([]);
  });
});

describe('the latest slot of a schedule', () => {
  const job = {
    name: 'weekly-digest',
    schedule: '0 9 * * 1',
    timeZone: 'Europe/Paris',
    run: () => undefined,
  };
  const WEEK = 7 * 86_400_000;

  it('walks back from each time asked, whatever was asked before, leaving no node-cron task behind; none for a schedule it cannot read', () => {
    const tasks = cron.getTasks().size;
    const at = (iso: string) => latestSlot(quiet(), job, new Date(iso), WEEK)?.toISOString();
    // Mondays 09:00 in Paris: 08:00 UTC in winter.
    expect(at('2026-11-30T08:00:00Z')).toBe('2026-11-30T08:00:00.000Z'); // a slot exactly at the time counts
    expect(at('2026-11-30T07:59:59Z')).toBe('2026-11-23T08:00:00.000Z');
    expect(at('2026-12-09T12:00:00Z')).toBe('2026-12-07T08:00:00.000Z'); // later, then earlier again
    expect(at('2026-11-24T00:00:00Z')).toBe('2026-11-23T08:00:00.000Z');
    expect(latestSlot(quiet(), job, new Date('2026-11-30T07:00:00Z'), 86_400_000)).toBeUndefined(); // none within
    expect(cron.getTasks().size).toBe(tasks);
    const odd = { ...job, schedule: 'every monday' };
    expect(latestSlot(quiet(), odd, new Date('2026-11-30T08:00:00Z'), WEEK)).toBeUndefined();
    expect(latestSlot(quiet(), odd, new Date('2026-11-30T08:00:00Z'), WEEK)).toBeUndefined();
  });
});
