import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { acceptHandoff, openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { auditExactlyOnce, outboxRows } from '../support/drill.js';
import { slackEvent } from '../support/fakeSlack/events.js';
import type { Failure } from '../support/fakeSlack.js';
import { aeUser, sendHandoff, submitAndSend } from '../support/flow.js';
import { deliverEvent, type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import { outboxDrained } from '../support/ownerFlow.js';
import { accept } from '../support/partnerFlow.js';
import { blockAction } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';
import { editsByMessage } from '../support/surfaceEdits.js';

/**
 * Slack failing while the outbox delivers: an outage (5xx, 429s, a partner channel the app was removed from, a
 * refusal for good) loses nothing and sends nothing twice. And Slack processed the call, but the answer was lost on
 * the way back in some shape: an edge's HTML page with a 200, a JSON body cut short, a 502/503/504 page. The outbox
 * must treat each as "may have been posted": look for the earlier copy before posting again, so the AE gets one packet
 * and the partner channel one post. An edge that keeps answering with HTML is transient: the message waits (retried
 * with backoff) and goes out when the edge recovers, however many attempts that takes, instead of being parked.
 */

const start = harnessPerTest();
const pending = async (h: Harness) => (await outboxRows(h)).filter((r) => r.status === 'pending');

describe('a Slack outage during delivery loses nothing and sends nothing twice', () => {
  it('retries with backoff through 500s, then delivers every message exactly once', async () => {
    const h = await start();
    h.slack.fail('chat.postMessage', { status: 500 });
    h.slack.fail('chat.update', { status: 500 });
    const { answer } = await submitAndSend(h);
    expect(answer).toEqual({ response_action: 'clear' });
    await waitFor(
      async () => (await pending(h)).every((r) => r.attempts >= 1) && (await pending(h)).length > 0,
    );
    const failed = await pending(h);
    expect(failed.map((r) => r.lastError)).toEqual(failed.map(() => 'HTTP 500'));
    // Backoff: the next attempt waits, it does not hammer a failing Slack.
    await quiet(h);
    expect((await pending(h)).every((r) => r.attempts === 1)).toBe(true);

    h.clock.advance(60_000);
    await waitFor(async () => (await pending(h)).every((r) => r.attempts >= 2), 4000, 'second attempt');

    h.slack.clearFailures();
    h.clock.advance(10 * 60_000);
    const aeDm = h.slack.dmChannelFor(people.ae.id);
    const [dm] = await waitFor(
      () => h.slack.messages(aeDm).length === 1 && h.slack.messages(aeDm),
      8000,
      'AE DM',
    );
    await waitFor(async () => (await pending(h)).length === 0, 8000, 'empty outbox');
    expect(h.slack.messages(h.slack.dmChannelFor(people.author.id))).toHaveLength(1);

    // The outage again while the AE accepts: the update, the notices and the partner post wait, then land once.
    // (The accept is recorded when its modal is submitted, issue 51: the modal opened before Slack went down.)
    const handoffId = (await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id))[0]
      ?.handoffId;
    const modal = await openAcceptModal(h, {
      handoffId: Number(handoffId),
      user: aeUser,
      ...(dm ? { messageTs: dm.ts } : {}),
      channelId: aeDm,
    });
    h.slack.fail('*', { status: 503 });
    expect(await submitAccept(h, modal, { user: aeUser })).toEqual({});
    // The AE's packet and the author's confirmation brought up to date, the decision notice, the partner thread's
    // parent and its reply; each conversation's first tried (the notice waits behind the confirmation's update, the
    // reply behind its parent, in order).
    await waitFor(
      async () =>
        (await pending(h)).length === 5 && (await pending(h)).filter((r) => r.attempts >= 1).length === 3,
    );
    h.slack.clearFailures();
    h.clock.advance(10 * 60_000);
    await waitFor(async () => (await pending(h)).length === 0, 8000, 'recovered outbox');
    await quiet(h);
    expect(h.slack.messages(channels.partner.id)).toHaveLength(2);
    // Each message edited once: the AE's packet and the author's confirmation.
    expect([...editsByMessage(h.slack).values()]).toEqual([1, 1]);
    expect(h.slack.messages(h.slack.dmChannelFor(people.author.id))).toHaveLength(2);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(5);
  });

  it('honours Retry-After on a 429 (not a failed attempt), and schedules what an Accept owes under it for the end of the wait', async () => {
    const h = await start();
    h.slack.fail('chat.postMessage', { retryAfter: 30 }, 2);
    const limitedAt = h.clock.now().getTime();
    await submitAndSend(h);
    await waitFor(
      async () => (await pending(h)).filter((r) => r.lastError === 'rate limited for 30s').length === 2,
      4000,
      'rate limited',
    );
    for (const row of await pending(h)) expect(row.nextAttemptAt.getTime()).toBe(limitedAt + 30_000);
    // The wait is not a failed attempt: nothing counted, so a later failure's backoff starts at 1 s.
    expect((await pending(h)).map((r) => r.attempts)).toEqual([0, 0]);
    const [handoff] = await h.database.db.select().from(h.tables.handoffs);
    if (!handoff) throw new Error('no handoff');
    await accept(h, handoff.id);
    // The Accept's change expanded by the worker: its posts (in other conversations too) queued behind the wait.
    const posts = async () => (await pending(h)).filter((r) => r.method === 'chat.postMessage');
    await waitFor(
      async () =>
        (await pending(h)).every((r) => r.method !== 'handoff.change') && (await posts()).length > 2,
      4000,
      'the change expanded',
    );
    // Due when the wait ends, not now: the worker's looks for due rows pass over them until then.
    for (const row of await posts()) expect(row.nextAttemptAt.getTime()).toBe(limitedAt + 30_000);
    h.clock.advance(29_000);
    await quiet(h);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    h.clock.advance(1_000);
    await waitFor(async () => (await pending(h)).length === 0, 6000, 'delivery after Retry-After');
    expect(h.slack.messages(h.slack.dmChannelFor(people.ae.id))).toHaveLength(1);
    expect(h.slack.messages(channels.partner.id)).toHaveLength(2);
  });

  it('parks a message Slack keeps refusing for good (here invalid_blocks), without blocking other conversations', async () => {
    const h = await start({ env: { OUTBOX_MAX_ATTEMPTS: '2' } });
    const { handoff, dm, aeDm } = await sendHandoff(h);
    // The author's confirmation is in Slack too before posts start failing.
    await quiet(h);
    h.slack.fail('chat.postMessage', { error: 'invalid_blocks' }, 100);
    expect(
      await acceptHandoff(h, { handoffId: handoff.id, user: aeUser, messageTs: dm.ts, channelId: aeDm }),
    ).toEqual({});
    // The in-place DM update is another method and still goes through.
    await waitFor(
      () => h.slack.callsTo('chat.update').some((c) => c.args.channel === aeDm),
      4000,
      'DM update',
    );
    const rows = async () => outboxRows(h);
    // Each retry waits on the injected clock: move it on until no row is left pending. The partner reply
    // threaded under the refused parent waits for it, then is parked once the parent is (its own reason).
    for (let i = 0; i < 20 && (await rows()).some((r) => r.status === 'pending'); i += 1) {
      h.clock.advance(60_000);
      await quiet(h);
    }
    const parked = (await rows()).filter((r) => r.status === 'dead');
    expect(parked.map((r) => [r.audience, r.lastError])).toEqual([
      ['internal', 'invalid_blocks'],
      ['partner', 'invalid_blocks'],
      ['partner', 'target_message_not_posted'],
    ]);
    expect(h.logs.some((l) => l.msg === 'outbox message parked after repeated refusals')).toBe(true);
  });

  it('a partner channel the app was removed from: every waiting handoff’s owner is told; sent at once when the app is invited back', async () => {
    const h = await start();
    const first = await sendHandoff(h);
    const second = await sendHandoff(h, {
      accountName: 'Fabrikam Freight',
      accountDomain: 'fabrikam.com',
      ownerUserId: people.owner.id,
    });
    h.slack.addChannel({ ...channels.partner, members: [] });
    for (const { handoff } of [first, second]) await accept(h, handoff.id);
    const invited = (userId: string) =>
      h.slack
        .messages(h.slack.dmChannelFor(userId))
        .filter((m) => JSON.stringify(m.blocks).includes('/invite @Handoff'));
    // The first update in line is retried with backoff; at its next refusal the owner waiting behind it hears too.
    for (let i = 0; i < 10 && invited(people.owner.id).length === 0; i += 1) {
      h.clock.advance(5_000);
      await quiet(h);
    }
    await waitFor(() => invited(people.author.id).length >= 1, 4000, 'the first owner told');
    await waitFor(() => invited(people.owner.id).length === 1, 4000, 'the second owner told');

    h.slack.addChannel({ ...channels.partner, members: [h.slack.botUserId] });
    await deliverEvent(h, slackEvent.memberJoinedChannel(h.slack.botUserId, channels.partner.id, TEAM));
    // No clock move: the invite itself releases what waited.
    // Each handoff's thread: its parent and the acceptance's reply.
    await waitFor(() => h.slack.messages(channels.partner.id).length === 4, 6000, 'both partner threads');
    await quiet(h);
    expect(h.slack.messages(channels.partner.id)).toHaveLength(4);
  });
});

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

const posts = (h: Harness) => h.slack.calls.filter((c) => c.method === 'chat.postMessage');

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
async function acceptFromDm(h: Harness, handoffId: number, dm: { ts: string }, aeDm: string) {
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
    await acceptFromDm(app, handoff.id, dm, aeDm);
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
    await acceptFromDm(app, handoff.id, dm, aeDm);
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
