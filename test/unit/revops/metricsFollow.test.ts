import { describe, expect, it } from 'vitest';
import { createMetricsFollow, METRICS_FOLLOW_MS } from '../../../src/revops/metricsFollow.js';
import { TestClock } from '../../support/clock.js';

/** RevOps Homes follow the figures: republished at most once a minute of the app's clock, and only after a change. */

function setup(opts: { homes?: number; startEvent?: number } = {}) {
  const clock = new TestClock(new Date('2025-03-03T09:00:00Z'));
  let latest = opts.startEvent ?? 7;
  const queued: { token: string; at: string }[] = [];
  let wakes = 0;
  const follow = createMetricsFollow({
    clock,
    latestEvent: async () => latest,
    queueHomes: async (token, at) => {
      queued.push({ token, at: at.toISOString() });
      return opts.homes ?? 1;
    },
    onOutboxWrite: () => {
      wakes += 1;
    },
  });
  return {
    clock,
    follow,
    queued,
    change: () => {
      latest += 1;
    },
    wakes: () => wakes,
  };
}

describe('createMetricsFollow', () => {
  it('waits a minute of the app clock after start, then republishes once for a change', async () => {
    const { clock, follow, queued, change, wakes } = setup();
    change();
    await follow();
    clock.advance(METRICS_FOLLOW_MS - 1);
    await follow();
    expect(queued).toEqual([]);
    clock.advance(1);
    await follow();
    expect(queued).toEqual([{ token: '8', at: '2025-03-03T09:01:00.000Z' }]);
    expect(wakes()).toBe(1);
  });

  it('republishes nothing while no handoff changed, however much time passes; the next change then republishes at once', async () => {
    const { clock, follow, queued, change } = setup();
    for (let minute = 0; minute < 10; minute += 1) {
      clock.advance(METRICS_FOLLOW_MS);
      await follow();
    }
    expect(queued).toEqual([]);
    // The quiet minutes do not reset the wait.
    change();
    await follow();
    expect(queued).toHaveLength(1);
  });

  it('at most once a minute of the app clock, counted from the last republish', async () => {
    const { clock, follow, queued, change } = setup();
    clock.advance(METRICS_FOLLOW_MS);
    change();
    await follow();
    expect(queued).toHaveLength(1);
    // Changes keep coming; calls within the minute (the real minute passing while the app's clock does not) wait.
    change();
    await follow();
    clock.advance(30_000);
    change();
    await follow();
    expect(queued).toHaveLength(1);
    clock.advance(30_000);
    await follow();
    expect(queued.map((q) => q.token)).toEqual(['8', '10']);
  });

  it('does not wake the outbox when no RevOps Home was queued', async () => {
    const { clock, follow, queued, change, wakes } = setup({ homes: 0 });
    clock.advance(METRICS_FOLLOW_MS);
    change();
    await follow();
    expect(queued).toHaveLength(1);
    expect(wakes()).toBe(0);
  });
});
