import { afterEach, describe, expect, it, vi } from 'vitest';
import { realTimers } from '../../src/runtime/timers.js';
import { DEFAULT_SLACK_TIMEOUTS } from '../../src/slackClients.js';
import { removeKeptDatabase } from '../support/databaseKey.js';
import { auditExactlyOnce, outboxRows, retryAfterViolations } from '../support/drill.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { sendHandoff, submitAndSend } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import { outboxDrained } from '../support/ownerFlow.js';
import { people } from '../support/people.js';

/**
 * The machine's clock steps (an NTP correction, a restored VM): the business clock the rows are scheduled on and the
 * wall clock the outbox stamps Slack-side times with (`Timers.now()`, here `realTimers.now` stepped by a spy) both
 * jump, while real time (the monotonic clock, Slack's own clock) goes on. Waiting messages must go out within a
 * minute, once each; a step must neither stretch a wait by an hour nor cut one short.
 */

const HOUR = 3_600_000;
const ENV = {
  SWEEP_SCHEDULE: '0 0 1 1 *',
  // The wait before looking for a post whose answer was lost (production: 30 s).
  OUTBOX_UNCERTAIN_WAIT_MS: '200',
};
const PAGE = '<html><head><title>503 Service Unavailable</title></head><body>edge</body></html>';

/** Steps the outbox's wall clock (`Timers.now()`) by `ms` from real time; undone after each test. */
const stepWallClock = (ms: number) => vi.spyOn(realTimers, 'now').mockImplementation(() => Date.now() + ms);

const pending = async (h: Harness) => (await outboxRows(h)).filter((r) => r.status === 'pending');
const dm = (slack: FakeSlack, userId: string) => slack.messages(slack.dmChannelFor(userId));

describe('the clock steps across a restart', () => {
  let slack: FakeSlack | undefined;
  let databasePath: string | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await slack?.stop();
    if (databasePath) removeKeptDatabase(databasePath);
    slack = databasePath = undefined;
  });
  // Registered after the clean-up above, so run before it: each app stops before its Slack and database go.
  const start = harnessPerTest({ env: ENV });

  /**
   * A first run (its fake Slack kept for the second): a handoff whose two posts fail as `fail` says, until both wait
   * for a retry after one attempt. Resolves with the app, still running; stopped, it keeps its database.
   */
  async function firstRun(fail: (slack: FakeSlack) => void, now?: string) {
    const first = await start(now ? { now } : {});
    slack = first.slack;
    databasePath = first.databaseKey;
    fail(first.slack);
    await submitAndSend(first);
    await waitFor(
      async () =>
        (await pending(first)).length === 2 && (await pending(first)).every((r) => r.attempts === 1),
    );
    return { first, slack: first.slack };
  }

  it('back an hour: messages waiting for a retry and a new handoff DM go out within a minute, once each', async () => {
    // The first run's clock is an hour ahead (business and wall); NTP corrects it while the app is restarted.
    stepWallClock(HOUR);
    // The AE's packet reaches Slack but its answer is lost (a 503 page); the author's confirmation does not get
    // through at all. Both wait for a retry, scheduled on the clock that is an hour ahead.
    // Each failure names its conversation: the outbox may reach either first (on Postgres it does, either way).
    const { first, slack } = await firstRun((slack) => {
      slack.fail(
        'chat.postMessage',
        { status: 503, body: PAGE, afterProcessing: true, channel: people.ae.id },
        1,
      );
      slack.fail('chat.postMessage', { status: 503, body: PAGE, channel: people.author.id });
    }, '2026-11-23T15:00:00Z');
    expect(dm(slack, people.ae.id)).toHaveLength(1);
    expect(dm(slack, people.author.id)).toHaveLength(0);
    const retryAt = Math.min(...(await pending(first)).map((r) => r.nextAttemptAt.getTime()));
    await first.stop({ keepDatabase: true });

    slack.clearFailures();
    vi.restoreAllMocks();
    const app = await start({ slack, databasePath, now: '2026-11-23T14:00:00Z' });
    // The retries were scheduled an hour "ahead" of the clock as it is now.
    expect(retryAt - app.clock.now().getTime()).toBeGreaterThan(HOUR - 60_000);
    // A new handoff to the same AE: its DM waits behind the first packet in that conversation.
    const second = await sendHandoff(app, { accountName: 'Contoso Freight', accountDomain: 'contoso.com' });
    expect(second.handoff.id).toBe(2);
    await outboxDrained(app);
    await quiet(app);
    // Nothing waited for the hour: the business clock never moved past the restart.
    expect(app.clock.now().toISOString()).toBe('2026-11-23T14:00:00.000Z');
    // The first packet once (found by looking back past the mark stamped an hour ahead), the second packet once.
    expect(dm(slack, people.ae.id)).toHaveLength(2);
    expect(dm(slack, people.author.id)).toHaveLength(2);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === people.ae.id)).toHaveLength(1);
    await auditExactlyOnce(app);
    expect(
      app.logs.find((l) => String(l.msg).startsWith('outbox messages scheduled on a clock ahead')),
    ).toMatchObject({ due: 2 });
  });

  it('forward an hour: delivers without duplicates', async () => {
    // Both posts reach Slack; both answers are lost.
    const { first, slack } = await firstRun((slack) =>
      slack.fail('chat.postMessage', { status: 502, body: PAGE, afterProcessing: true }, 2),
    );
    await first.stop({ keepDatabase: true });

    stepWallClock(HOUR);
    const app = await start({ slack, databasePath, now: '2026-11-23T15:00:00Z' });
    await outboxDrained(app);
    await quiet(app);
    expect(dm(slack, people.ae.id)).toHaveLength(1);
    expect(dm(slack, people.author.id)).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
    await auditExactlyOnce(app);
  });
});

describe('the clock steps while the app runs', () => {
  const start = harnessPerTest({ env: ENV });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a step forward does not cut short the wait before looking for a post Slack is still working on', async () => {
    // The outbox client gives up after 0.3 s; Slack stores each post 1 s after it arrived.
    const app = await start({
      env: { OUTBOX_UNCERTAIN_WAIT_MS: '2500' },
      timeouts: { ...DEFAULT_SLACK_TIMEOUTS, outboxMs: 300 },
    });
    app.slack.fail('chat.postMessage', { delayMs: 1000 });
    await submitAndSend(app);
    await waitFor(
      async () => (await pending(app)).filter((r) => r.lastError?.startsWith('request failed')).length === 2,
    );
    // The clock jumps an hour forward: the retries are due, but Slack has not finished the posts yet.
    stepWallClock(HOUR);
    app.clock.advance(HOUR);
    app.app.outbox.kick();
    // The look the kick started has passed over them: it waits the real time still to go, not the step.
    await app.app.outbox.idle();
    expect(app.slack.calls.filter((c) => c.method === 'conversations.history')).toHaveLength(0);
    await outboxDrained(app);
    await quiet(app);
    // Looked for after the real wait, found, not posted again.
    expect(dm(app.slack, people.ae.id)).toHaveLength(1);
    expect(dm(app.slack, people.author.id)).toHaveLength(1);
    expect(app.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
    await auditExactlyOnce(app);
  });

  it('a 429 block ends after its real duration although the clock stepped back an hour in the middle', async () => {
    const app = await start();
    app.slack.fail('chat.postMessage', { retryAfter: 2 }, 1);
    await submitAndSend(app);
    const limited = await waitFor(
      () => app.slack.calls.find((c) => c.method === 'chat.postMessage' && c.status === 429),
      4000,
      'the 429',
    );
    // Inside the 2 s block (once the outbox has taken the 429 in), the clock steps back an hour (business and wall).
    await waitFor(
      async () => (await outboxRows(app)).some((r) => r.lastError === 'rate limited for 2s'),
      4000,
      'the 429 recorded',
    );
    app.clock.advance(-HOUR);
    stepWallClock(-HOUR);
    app.app.outbox.kick();
    await waitFor(
      () => dm(app.slack, people.ae.id).length === 1 && dm(app.slack, people.author.id).length === 1,
      6000,
      'both posts',
    );
    const retried = app.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === limited.args.channel)
      .at(-1);
    // Not before the 2 s Slack asked for, and not an hour later either.
    expect((retried?.at ?? 0) - limited.at).toBeGreaterThanOrEqual(2000 - 20);
    expect(retryAfterViolations(app.slack.calls, 'chat.postMessage', 2000)).toEqual([]);
    await outboxDrained(app);
    await auditExactlyOnce(app);
  });
});
