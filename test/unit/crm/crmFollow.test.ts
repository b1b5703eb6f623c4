import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type CrmPollResult, createCrmFollow } from '../../../src/crm/crmFollow.js';
import { createLogger } from '../../../src/logger.js';
import { TestClock } from '../../support/clock.js';

/** CRM read-back follows the app's clock: one poll per CRM_POLL_SECONDS however often the minute job calls it. */

function setup(opts: { connected?: boolean; pollSeconds?: number; result?: CrmPollResult } = {}) {
  const clock = new TestClock(new Date('2025-03-03T09:00:00Z'));
  const logged: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write: (chunk: Buffer, _e, done) => {
        logged.push(chunk.toString());
        done();
      },
    }),
  );
  let polls = 0;
  const follow = createCrmFollow({
    clock,
    logger,
    connected: opts.connected ?? true,
    pollSeconds: opts.pollSeconds ?? 300,
    poll: async () => {
      polls += 1;
      return opts.result ?? { closed: 0, failed: [] };
    },
  });
  return { clock, follow, logged, polls: () => polls };
}

describe('createCrmFollow', () => {
  it('polls at the first call, then only once CRM_POLL_SECONDS have passed on the app clock', async () => {
    const { clock, follow, polls } = setup({ pollSeconds: 300 });
    await follow();
    expect(polls()).toBe(1);
    for (let minute = 1; minute < 5; minute += 1) {
      clock.advance(60_000);
      await follow();
    }
    expect(polls()).toBe(1);
    clock.advance(59_999);
    await follow();
    expect(polls()).toBe(1);
    clock.advance(1);
    await follow();
    expect(polls()).toBe(2);
    // Calls without the clock moving (the real minute passes, the app's clock does not) never poll again.
    await follow();
    await follow();
    expect(polls()).toBe(2);
  });

  it.each([
    ['counts from the last poll, not from the last call', { pollSeconds: 120 }, [90_000, 30_000], 2],
    [
      'a big step of the clock polls once, not once per missed period',
      { pollSeconds: 60 },
      [3_600_000, 0],
      2,
    ],
    ['does nothing with no CRM connected', { connected: false }, [86_400_000], 0],
  ])('%s', async (_, opts, steps, expected) => {
    const { clock, follow, polls } = setup(opts);
    await follow();
    for (const ms of steps) {
      clock.advance(ms);
      await follow();
    }
    expect(polls()).toBe(expected);
  });

  it('logs a poll that closed a handoff or could not read a CRM, and not a quiet one', async () => {
    const quiet = setup();
    await quiet.follow();
    expect(quiet.logged.join('')).not.toContain('CRM read-back');
    const closed = setup({ result: { closed: 2, failed: ['Salesforce'] } });
    await closed.follow();
    expect(closed.logged.join('')).toContain('CRM read-back');
    expect(closed.logged.join('')).toContain('"closed":2');
  });
});
