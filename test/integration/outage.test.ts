import { describe, expect, it } from 'vitest';
import { acceptHandoff, openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { outboxRows } from '../support/drill.js';
import { slackEvent } from '../support/fakeSlack/events.js';
import { aeUser, sendHandoff, submitAndSend } from '../support/flow.js';
import { deliverEvent, type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import { accept } from '../support/partnerFlow.js';
import { channels, people, TEAM } from '../support/people.js';
import { editsByMessage } from '../support/surfaceEdits.js';

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
