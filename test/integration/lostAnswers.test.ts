import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { acceptHandoff } from '../support/acceptFlow.js';
import { auditExactlyOnce, outboxRows } from '../support/drill.js';
import type { Failure } from '../support/fakeSlack.js';
import { aeUser, sendHandoff, submitAndSend } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import { outboxDrained } from '../support/ownerFlow.js';
import { blockAction } from '../support/payloads.js';
import { channels, people } from '../support/people.js';

/**
 * Slack processed the call, and the answer was lost on the way back in some shape: an edge's HTML page with a 200, a
 * JSON body cut short, a 502/503/504 page. The outbox must treat each as "may have been posted": look for the earlier
 * copy before posting again, so the AE gets one packet and the partner channel one post. And an edge that keeps
 * answering with HTML is transient: the message waits (retried with backoff) and goes out when the edge recovers,
 * however many attempts that takes, instead of being parked for an admin.
 */

const ENV = {
  SWEEP_SCHEDULE: '0 0 1 1 *',
  // The wait before looking for a post whose answer was lost (production: 30 s).
  OUTBOX_UNCERTAIN_WAIT_MS: '50',
};

/** An edge's error page, long enough that logging it whole would show. */
const PAGE = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>502 Bad Gateway</h1><p>cloud edge</p>
${'<p>the rest of the page, which no log line should carry</p>\n'.repeat(60)}</body></html>`;

const pending = async (h: Harness) => (await outboxRows(h)).filter((r) => r.status === 'pending');
const posts = (h: Harness) => h.slack.calls.filter((c) => c.method === 'chat.postMessage');

const start = harnessPerTest();

/** Moves the business clock a minute at a time (past the backoffs) and wakes the worker, until nothing is pending. */
async function driveUntilDrained(h: Harness): Promise<void> {
  for (let step = 0; step < 60 && (await pending(h)).length > 0; step += 1) {
    h.clock.advance(60_000);
    h.app.outbox.kick();
    await quiet(h);
  }
  expect(await pending(h)).toEqual([]);
  await quiet(h);
}

/** Accepts as the AE from the packet's DM: Accept, then the accept modal submitted with its defaults. */
async function accept(h: Harness, handoffId: number, dm: { ts: string }, aeDm: string) {
  expect(await acceptHandoff(h, { handoffId, user: aeUser, messageTs: dm.ts, channelId: aeDm })).toEqual({});
}

describe('a lost answer of any shape: every post reaches Slack exactly once', () => {
  /**
   * Sends a handoff whose two posts (the AE's packet, the author's confirmation) are processed by Slack but answered
   * with `sendShapes`, then accepts it with two of its three new posts (the decision notice, the partner thread's
   * parent and its reply) answered with `acceptShapes`; each conversation must end up with one copy of each message.
   */
  async function drill(sendShapes: Failure[], acceptShapes: Failure[]) {
    const app = await start({ env: ENV });
    for (const shape of sendShapes)
      app.slack.fail('chat.postMessage', { ...shape, afterProcessing: true }, 1);
    expect((await submitAndSend(app)).answer).toEqual({ response_action: 'clear' });
    const aeDm = app.slack.dmChannelFor(people.ae.id);
    const authorDm = app.slack.dmChannelFor(people.author.id);
    // Both posts were processed (stored) and both answers were lost: the rows are pending and uncertain.
    await waitFor(
      () => posts(app).filter((c) => c.processed).length === sendShapes.length,
      4000,
      'the lost answers',
    );
    await waitFor(
      async () => (await pending(app)).filter((r) => r.uncertainSince && r.attempts === 1).length === 2,
    );
    await driveUntilDrained(app);
    expect(app.slack.messages(aeDm)).toHaveLength(1);
    expect(app.slack.messages(authorDm)).toHaveLength(1);
    // Found by looking, not posted again.
    expect(app.slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(2);
    expect(posts(app)).toHaveLength(sendShapes.length);

    const handoff = (
      await app.database.db.select().from(app.tables.handoffs).orderBy(app.tables.handoffs.id)
    )[0] as HandoffRow;
    const dm = app.slack.messages(aeDm)[0] as { ts: string };
    for (const shape of acceptShapes)
      app.slack.fail('chat.postMessage', { ...shape, afterProcessing: true }, 1);
    await accept(app, handoff.id, dm, aeDm);
    await waitFor(
      () => posts(app).filter((c) => c.processed).length === sendShapes.length + acceptShapes.length,
      4000,
      'the lost answers after Accept',
    );
    await driveUntilDrained(app);
    // The thread's parent and the acceptance's reply, once each.
    expect(app.slack.messages(channels.partner.id)).toHaveLength(2);
    expect(app.slack.messages(authorDm)).toHaveLength(2);
    expect(app.slack.messages(aeDm)).toHaveLength(1);
    // Every post once: the ones whose answer was lost were found, not posted again; the third new one was answered.
    expect(posts(app)).toHaveLength(sendShapes.length + acceptShapes.length + 1);
    await auditExactlyOnce(app);
    // The log says what happened, readably, without the page.
    const edge = app.logs.filter((l) => String(l.msg).includes('edge failure'));
    expect(edge.length).toBeGreaterThanOrEqual(sendShapes.length + acceptShapes.length);
    for (const line of edge) {
      expect(JSON.stringify(line)).not.toContain('the rest of the page');
      expect(line.uncertain).toBe(true);
    }
    expect(
      app.logs.filter((l) => l.msg === 'outbox message was already posted; not posting it twice'),
    ).toHaveLength(sendShapes.length + acceptShapes.length);
    return app;
  }

  it('a 200 with an HTML page, and a 200 with JSON cut short', async () => {
    const app = await drill([{ body: PAGE }, { truncateAt: 40 }], [{ truncateAt: 12 }, { body: PAGE }]);
    const errors = app.logs.filter((l) => String(l.msg).includes('edge failure')).map((l) => String(l.error));
    expect(errors).toContainEqual(
      expect.stringMatching(/^edge failure: an HTML page instead of Slack's answer: <!DOCTYPE/),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(/^edge failure: not Slack's JSON \(cut short or garbled\): \{"ok":true/),
    );
  });

  it('a 502, a 503 and a 504 with an HTML page', async () => {
    const app = await drill(
      [
        { status: 502, body: PAGE },
        { status: 503, body: PAGE },
      ],
      [
        { status: 504, body: PAGE },
        { status: 502, body: PAGE },
      ],
    );
    const line = app.logs.find((l) => l.error === 'HTTP 503');
    expect(line?.msg).toContain('edge failure');
    expect(String(line?.answer)).toMatch(/^<!DOCTYPE html> <html><head><title>502 Bad Gateway/);
    expect(String(line?.answer).length).toBeLessThanOrEqual(101);
  });
});

describe('an edge answering with HTML for longer than every attempt allows', () => {
  it('never parks the message: it waits, retried with backoff, and goes out once when the edge recovers; an ephemeral is not shown twice', async () => {
    // OUTBOX_MAX_ATTEMPTS is 8 (production's): a refusal would be parked after 8 attempts.
    const app = await start({ env: ENV });
    const { handoff, dm, aeDm } = await sendHandoff(app);
    await outboxDrained(app);
    // First, an ephemeral Slack showed before its 502 page is not shown twice (it cannot be looked for).
    const responseUrl = app.slack.responseUrl();
    app.slack.fail('response_url', { status: 502, body: PAGE, afterProcessing: true }, 1);
    // Someone other than the AE clicks Accept: the refusal is an ephemeral through the click's response URL.
    const answer = await app.interact(
      blockAction({
        actionId: ACTION_ID.accept,
        value: String(handoff.id),
        user: { id: people.member.id, team_id: people.member.team_id },
        responseUrl,
      }),
    );
    expect(answer.status).toBe(200);
    const shown = await waitFor(
      () => app.slack.responses.find((r) => r.url === responseUrl),
      4000,
      'the ephemeral, shown before the 502',
    );
    expect(String(shown.body.text)).toContain('Nothing was changed');
    // The row is left uncertain; its retry cancels it rather than showing it again.
    await waitFor(
      async () => (await outboxRows(app)).find((r) => r.method === 'response_url' && r.attempts > 0),
      4000,
      'the failed attempt recorded',
    );
    await driveUntilDrained(app);
    expect(app.slack.responses.filter((r) => r.url === responseUrl)).toHaveLength(1);
    const row = (await outboxRows(app)).find((r) => r.method === 'response_url');
    expect(row?.status).toBe('cancelled');
    await quiet(app);
    // The edge in front of Slack answers every post with its page (200, text/html); nothing reaches Slack.
    app.slack.fail('chat.postMessage', { body: PAGE });
    await accept(app, handoff.id, dm, aeDm);
    const partnerRow = async () => (await outboxRows(app)).find((r) => r.audience === 'partner');
    await waitFor(async () => (await partnerRow())?.attempts === 1, 4000, 'the first attempt');
    expect((await partnerRow())?.nextAttemptAt.getTime()).toBe(app.clock.now().getTime() + 1000);
    // Twelve attempts, with the clock moved past each backoff (1 s, 2 s, 4 s, ... up to 5 minutes).
    for (let attempt = 2; attempt <= 12; attempt += 1) {
      app.clock.advance(5 * 60_000);
      app.app.outbox.kick();
      await waitFor(async () => ((await partnerRow())?.attempts ?? 0) >= attempt, 4000, `attempt ${attempt}`);
      expect((await partnerRow())?.status).toBe('pending');
    }
    expect((await pending(app)).every((r) => r.status === 'pending')).toBe(true);
    expect((await outboxRows(app)).filter((r) => r.status === 'dead')).toEqual([]);
    expect((await partnerRow())?.lastError).toMatch(/^edge failure: an HTML page instead of Slack's answer/);
    // Backoff grew and stopped at 5 minutes: an outage is not hammered.
    expect((await partnerRow())?.nextAttemptAt.getTime()).toBe(app.clock.now().getTime() + 5 * 60_000);
    expect(app.logs.some((l) => l.msg === 'outbox message parked after repeated refusals')).toBe(false);
    expect(app.slack.messages(channels.partner.id)).toHaveLength(0);

    // The edge recovers: each waiting message goes out once.
    app.slack.clearFailures();
    await driveUntilDrained(app);
    // The thread's parent and the acceptance's reply behind it.
    expect(app.slack.messages(channels.partner.id)).toHaveLength(2);
    expect((await partnerRow())?.status).toBe('delivered');
    await outboxDrained(app);
    await auditExactlyOnce(app);
  });
});
