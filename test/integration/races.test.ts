import { describe, expect, it } from 'vitest';
import { ACCEPT_BLOCK_ID, ACTION_ID, CALLBACK_ID } from '../../src/blocks/ids.js';
import { deliveryId } from '../../src/outbox/kinds/earlierPost.js';
import { DEFAULT_SLACK_TIMEOUTS } from '../../src/slackClients.js';
import { acceptHandoff, acceptValues, openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import {
  auditExactlyOnce,
  deliveryOf,
  helpSubmission,
  outboxRows,
  type SlackUser,
} from '../support/drill.js';
import { aeUser, sendHandoff, submitAndSend } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, SIGNING_SECRET, waitFor } from '../support/harness.js';
import { type OpenedModal, outboxDrained } from '../support/ownerFlow.js';
import { clickOutcome, threadReplies, topLevel } from '../support/partnerFlow.js';
import {
  appHomeOpened,
  blockAction,
  declineSubmission,
  eventCallback,
  packetSubmission,
  reviewSubmission,
  viewSubmission,
} from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';
import { postEvent } from '../support/signing.js';
import { editsByMessage } from '../support/surfaceEdits.js';

/**
 * Duplicates and races beyond a double click: bursts of concurrent clicks and submits, Slack redelivering
 * interactions and events, and a post whose answer was lost although Slack took it.
 */

const QUIET = { SWEEP_SCHEDULE: '0 0 1 1 *' };
/** An outbox client that gives up after 0.5 s, and a Slack that answers later than that. */
const FAST_OUTBOX = { ...DEFAULT_SLACK_TIMEOUTS, outboxMs: 500 };
const SLOW_ANSWER_MS = 800;
const user = (p: { id: string }): SlackUser => ({ id: p.id, team_id: TEAM });
const retryHeaders = (n: number) => ({
  'x-slack-retry-num': String(n),
  'x-slack-retry-reason': 'http_timeout',
});

/** Every row of a table, oldest first. */
const rows = <T extends 'decisions' | 'handoffEvents' | 'drafts' | 'handoffs' | 'outbox' | 'helpRequests'>(
  h: Harness,
  table: T,
) => h.database.db.select().from(h.tables[table]).orderBy(h.tables[table].id);
const decisionRows = (h: Harness) => rows(h, 'decisions');
const decisionEvents = async (h: Harness) =>
  (await rows(h, 'handoffEvents')).filter((e) => e.type === 'accepted' || e.type === 'declined');
/** The change happened once: every message showing it was edited at most once (one at least). */
const editedOnce = (h: Harness) => {
  expect([...editsByMessage(h.slack).values()].every((n) => n === 1)).toBe(true);
  expect(editsByMessage(h.slack).size).toBeGreaterThanOrEqual(1);
};
/** An event delivered, and redelivered three times at once (X-Slack-Retry-Num 1..3): each answered 200. */
async function deliverFourTimes(h: Harness, event: object) {
  const deliveries = await Promise.all([
    postEvent(h.eventsUrl, SIGNING_SECRET, event),
    ...[1, 2, 3].map((n) => postEvent(h.eventsUrl, SIGNING_SECRET, event, { headers: retryHeaders(n) })),
  ]);
  expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200, 200]);
}
const dmOf = (h: Harness, userId: string) => h.slack.messages(h.slack.dmChannelFor(userId));
const postsTo = (h: Harness, channel: string) =>
  h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && c.args.channel === channel);

/** The AE's accept modal for the handoff, submitted as Slack sends it (with its defaults). */
async function acceptOnce(h: Harness, handoffId: number, messageTs: string, channelId: string) {
  const responseUrl = h.slack.responseUrl({ channel: channelId, ts: messageTs });
  const modal = await openAcceptModal(h, { handoffId, user: aeUser, responseUrl, messageTs, channelId });
  return viewSubmission({
    user: aeUser,
    callbackId: CALLBACK_ID.accept,
    privateMetadata: modal.private_metadata,
    values: acceptValues(modal),
    viewId: 'V0ACCEPTONCE',
  });
}
const declineOnce = (handoffId: number) =>
  declineSubmission({
    handoffId,
    user: aeUser,
    reason: 'partner_not_fit',
    note: 'internal only',
    viewId: 'V0DECLINEONCE',
  });

describe('duplicates and races', () => {
  const start = harnessPerTest();

  // The accept is recorded when the accept modal is submitted (issue 51): the race is between twenty of those
  // submissions (twenty Accept clicks, each its modal) and five decline submissions.
  it('twenty Accept submissions and five decline submits at once: one decision, one event, one partner post, one owner notice', async () => {
    const app = await start({ env: QUIET });
    const { handoff, dm, aeDm } = await sendHandoff(app, { ownerUserId: people.owner.id });
    await outboxDrained(app);
    const modals: OpenedModal[] = [];
    for (let i = 0; i < 20; i += 1)
      modals.push(
        await openAcceptModal(app, {
          handoffId: handoff.id,
          user: aeUser,
          responseUrl: app.slack.responseUrl(),
          messageTs: dm.ts,
          channelId: aeDm,
        }),
      );
    // Opening them decided nothing and told nobody anything.
    expect(await decisionRows(app)).toEqual([]);
    expect(app.slack.responses).toEqual([]);
    const [acceptAnswers, answers] = await Promise.all([
      Promise.all(modals.map((modal) => submitAccept(app, modal, { user: aeUser }))),
      Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          app.interact(
            declineSubmission({
              handoffId: handoff.id,
              user: aeUser,
              reason: 'timing',
              viewId: `V0DECLINE${i}`,
            }),
          ),
        ),
      ),
    ]);
    // (submitAccept checked each accept submission was answered 200.)
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const declineBodies = await Promise.all(answers.map((a) => a.text()));
    await outboxDrained(app);
    await quiet(app);

    const [decision, ...more] = await decisionRows(app);
    expect(more).toEqual([]);
    expect((await decisionEvents(app)).map((e) => [e.handoffId, e.type])).toEqual([
      [handoff.id, decision?.decision],
    ]);
    // The winning decline (if any) closed its modal; the others were told inline it is already decided.
    const declineWins = declineBodies.filter((b) => b === '').length;
    expect(declineWins).toBe(decision?.decision === 'declined' ? 1 : 0);
    for (const body of declineBodies.filter((b) => b !== ''))
      expect(JSON.parse(body)).toMatchObject({ response_action: 'errors' });

    // One thread: its parent and the decision's reply.
    expect(topLevel(app)).toHaveLength(1);
    expect(app.slack.messages(channels.partner.id)).toHaveLength(2);
    // The owner: told they own it, then of the decision; the author: the confirmation, then the decision.
    expect(dmOf(app, people.owner.id)).toHaveLength(2);
    expect(dmOf(app, people.author.id)).toHaveLength(2);
    editedOnce(app);
    expect(dmOf(app, people.ae.id)).toHaveLength(1);
    // Every losing accept submission hears the state once, inline in its own modal; nothing else is said.
    const losers = decision?.decision === 'accepted' ? 19 : 20;
    const acceptLosers = acceptAnswers.filter((a) => JSON.stringify(a) !== '{}');
    expect(acceptLosers).toHaveLength(losers);
    for (const answer of acceptLosers) {
      expect(answer).toMatchObject({ response_action: 'errors' });
      expect(String(answer.errors?.[ACCEPT_BLOCK_ID.step])).toContain(`already ${decision?.decision}`);
    }
    expect(app.slack.responses).toHaveLength(0);
    await auditExactlyOnce(app);
  });

  // The accept is recorded when the accept modal is submitted (issue 51): that submission is what Slack redelivers.
  it.each([
    ['Accept', ['accepted', null, null]],
    ['decline', ['declined', 'partner_not_fit', 'internal only']],
  ] as const)(
    'Slack redelivering the same %s submission (X-Slack-Retry-Num 1..3, http_timeout) records one decision and posts once',
    async (which, recorded) => {
      const app = await start({ env: QUIET });
      const { handoff, dm, aeDm } = await sendHandoff(app);
      await outboxDrained(app);
      const submission = await (which === 'Accept'
        ? acceptOnce(app, handoff.id, dm.ts, aeDm)
        : declineOnce(handoff.id));
      const first = await app.interact(submission);
      expect(first.status).toBe(200);
      expect(await first.text()).toBe('');
      for (let n = 1; n <= 3; n += 1)
        expect((await app.interact(submission, { headers: retryHeaders(n) })).status).toBe(200);
      await outboxDrained(app);
      await quiet(app);
      expect((await decisionRows(app)).map((d) => [d.decision, d.reasonCode, d.note])).toEqual([recorded]);
      expect(await decisionEvents(app)).toHaveLength(1);
      // The thread's parent and the decision's reply, once.
      expect(app.slack.messages(channels.partner.id)).toHaveLength(2);
      expect(dmOf(app, people.author.id)).toHaveLength(2);
      // The AE's packet edited in place, no message added; no ephemeral to anyone.
      editedOnce(app);
      expect(dmOf(app, people.ae.id)).toHaveLength(1);
      expect(app.slack.responses).toHaveLength(0);
      await auditExactlyOnce(app);
    },
  );

  it('a retried app_home_opened event may publish the Home again but posts nothing', async () => {
    const app = await start({ env: QUIET });
    await sendHandoff(app);
    await outboxDrained(app);
    const posts = app.slack.calls.filter((c) => c.method === 'chat.postMessage').length;
    const event = appHomeOpened(people.ae.id, 'Ev0HOMERETRY');
    await deliverFourTimes(app, event);
    await waitFor(() => app.slack.callsTo('views.publish').length >= 1, 4000, 'the Home');
    await quiet(app);
    const published = app.slack.callsTo('views.publish');
    expect(published.length).toBeGreaterThanOrEqual(1);
    expect(published.length).toBeLessThanOrEqual(4);
    expect(new Set(published.map((c) => JSON.stringify(c.args.view))).size).toBe(1);
    expect(app.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(posts);
    expect((await outboxRows(app)).filter((r) => r.status === 'pending')).toEqual([]);
  });

  it('a retried member_joined_channel event releases the waiting partner update once, and tells the owner nothing more', async () => {
    const app = await start({ env: QUIET });
    const { handoff, dm, aeDm } = await sendHandoff(app);
    await outboxDrained(app);
    // The app is removed from the partner channel, then the AE accepts: the partner post waits.
    app.slack.addChannel({ ...channels.partner, members: [] });
    expect(
      await acceptHandoff(app, { handoffId: handoff.id, user: aeUser, messageTs: dm.ts, channelId: aeDm }),
    ).toEqual({});
    const invites = () =>
      dmOf(app, people.author.id).filter((m) => JSON.stringify(m.blocks).includes('/invite @Handoff'));
    await waitFor(() => invites().length === 1, 6000, 'the owner told');
    const authorDms = dmOf(app, people.author.id).length;

    app.slack.addChannel({ ...channels.partner, members: [app.slack.botUserId] });
    const joined = eventCallback(
      {
        type: 'member_joined_channel',
        user: app.slack.botUserId,
        channel: channels.partner.id,
        channel_type: 'C',
        team: TEAM,
      },
      'Ev0JOINRETRY',
    );
    await deliverFourTimes(app, joined);
    // The thread's parent and the acceptance's reply.
    await waitFor(() => app.slack.messages(channels.partner.id).length === 2, 6000, 'the partner post');
    // A late retry, after it was delivered.
    await postEvent(app.eventsUrl, SIGNING_SECRET, joined, { headers: retryHeaders(4) });
    await outboxDrained(app);
    await quiet(app);
    expect(app.slack.messages(channels.partner.id)).toHaveLength(2);
    expect(postsTo(app, channels.partner.id)).toHaveLength(2);
    // The owner's one warning, edited to say the app is back (no invite asked for any more), and no other DM.
    expect(invites()).toEqual([]);
    expect(
      dmOf(app, people.author.id).filter((m) => JSON.stringify(m.blocks).includes('I am back in')),
    ).toHaveLength(1);
    expect(dmOf(app, people.author.id)).toHaveLength(authorDms);
    await auditExactlyOnce(app);
  });

  it('ten submits of one packet modal and ten Sends of its review at once, plus retries, store one handoff and send one DM', async () => {
    const app = await start({ env: QUIET });
    const packet = packetSubmission({ viewId: 'V0PACKETBURST' });
    const submitted = await Promise.all(Array.from({ length: 10 }, () => app.interact(packet)));
    const bodies = (await Promise.all(submitted.map((r) => r.json()))) as {
      response_action?: string;
      view?: { private_metadata: string };
    }[];
    expect(bodies.map((b) => b.response_action)).toEqual(bodies.map(() => 'push'));
    const draftIds = new Set(
      bodies.map((b) => (JSON.parse(b.view?.private_metadata ?? '{}') as { draftId: number }).draftId),
    );
    expect(draftIds.size).toBe(1);
    expect(await rows(app, 'drafts')).toHaveLength(1);

    const send = reviewSubmission({ draftId: [...draftIds][0] as number, viewId: 'V0REVIEWBURST' });
    const sent = await Promise.all([
      ...Array.from({ length: 10 }, () => app.interact(send)),
      ...[1, 2, 3].map((n) => app.interact(send, { headers: retryHeaders(n) })),
    ]);
    const answers = await Promise.all(sent.map((r) => r.json()));
    expect(answers).toEqual(answers.map(() => ({ response_action: 'clear' })));
    await outboxDrained(app);
    await quiet(app);
    const [handoff, ...others] = await rows(app, 'handoffs');
    expect(others).toEqual([]);
    expect((await rows(app, 'handoffEvents')).map((e) => [e.handoffId, e.type])).toEqual([
      [handoff?.id, 'sent'],
    ]);
    expect(dmOf(app, people.ae.id)).toHaveLength(1);
    expect(dmOf(app, people.author.id)).toHaveLength(1);
    expect(await rows(app, 'outbox')).toHaveLength(2);
    await auditExactlyOnce(app);
  });

  it('twelve "I\'ll take it" clicks by three members at once: one claimer, one post update, one DM to the requester', async () => {
    const app = await start({ env: { ...QUIET, PARTNER_HELP_CHANNEL_ID: channels.internal.id } });
    const submitted = await app.interact(helpSubmission({ user: aeUser }));
    expect(submitted.status).toBe(200);
    const [request] = await rows(app, 'helpRequests');
    const post = await waitFor(() => app.slack.messages(channels.internal.id)[0], 6000, 'the help post');
    await outboxDrained(app);
    const takers = [people.author, people.member, people.owner].map(user);
    const clicks = takers.flatMap((taker) =>
      Array.from({ length: 4 }, () => ({ taker, responseUrl: app.slack.responseUrl() })),
    );
    const answers = await Promise.all(
      clicks.map(({ taker, responseUrl }) =>
        app.interact(
          blockAction({
            actionId: ACTION_ID.helpClaim,
            value: String(request?.id),
            user: taker,
            channelId: channels.internal.id,
            messageTs: post.ts,
            responseUrl,
          }),
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    await outboxDrained(app);
    await quiet(app);
    const [claimed, ...more] = await rows(app, 'helpRequests');
    expect(more).toEqual([]);
    expect(claimed?.status).toBe('claimed');
    const winner = claimed?.claimedByUserId as string;
    expect(takers.map((t) => t.id)).toContain(winner);
    editedOnce(app);
    expect(app.slack.messages(channels.internal.id)).toHaveLength(1);
    expect(JSON.stringify(app.slack.messages(channels.internal.id)[0]?.blocks)).toContain(
      `Taken by <@${winner}>`,
    );
    expect(dmOf(app, people.ae.id).filter((m) => m.text?.includes('took your request'))).toHaveLength(1);
    // Every other click, the winner's extra ones included, hears who took it, once each.
    expect(app.slack.responses).toHaveLength(11);
    expect(new Set(app.slack.responses.map((r) => r.url)).size).toBe(11);
    for (const r of app.slack.responses) expect(r.body.text).toBe(`<@${winner}> already took this request.`);
    await auditExactlyOnce(app);
  });

  it('a post whose answer is lost (client timeout) but which Slack took is found, not posted again; later edits and replies use that one copy', async () => {
    // The outbox client gives up after 0.5 s here (production: 5 s), Slack answers after 0.8 s: same race, less waiting.
    const app = await start({ env: QUIET, timeouts: FAST_OUTBOX });
    const uncertain = async () =>
      (await outboxRows(app)).filter((r) => r.status === 'pending' && r.uncertainSince);
    // Slack takes every post but answers after the outbox client gave up.
    app.slack.fail('chat.postMessage', { delayMs: SLOW_ANSWER_MS });
    expect((await submitAndSend(app)).answer).toEqual({ response_action: 'clear' });
    const aeDm = app.slack.dmChannelFor(people.ae.id);
    await waitFor(
      async () => (await uncertain()).filter((r) => r.lastError).length === 2,
      8000,
      'both posts timed out',
    );
    expect((await uncertain()).map((r) => r.lastError)).toEqual([
      expect.stringContaining('request failed'),
      expect.stringContaining('request failed'),
    ]);
    await waitFor(() => dmOf(app, people.ae.id).length === 1, 4000, 'Slack to take the AE DM anyway');
    await waitFor(() => dmOf(app, people.author.id).length === 1, 4000, 'and the confirmation');
    app.slack.clearFailures();
    // The retry is due: it looks for the earlier post by its delivery id before posting.
    app.clock.advance(60_000);
    app.app.outbox.kick();
    await outboxDrained(app);
    await quiet(app);
    expect(dmOf(app, people.ae.id)).toHaveLength(1);
    expect(dmOf(app, people.author.id)).toHaveLength(1);
    expect(postsTo(app, people.ae.id)).toHaveLength(1);
    expect(app.slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(2);
    const [dm] = dmOf(app, people.ae.id);
    const remembered = await app.database.db.select().from(app.tables.postedMessages);
    // The one copy is remembered (so is the author's confirmation: every message about a handoff is kept up to date).
    expect(remembered.filter((r) => r.channelId === aeDm)).toEqual([
      expect.objectContaining({ channelId: aeDm, ts: dm?.ts }),
    ]);
    const [handoff] = await rows(app, 'handoffs');

    // Accept: the DM update goes to the ts the lookup recorded, so the one copy shows the decision.
    expect(
      await acceptHandoff(app, {
        handoffId: handoff?.id as number,
        user: aeUser,
        ...(dm ? { messageTs: dm.ts } : {}),
        channelId: aeDm,
      }),
    ).toEqual({});
    await outboxDrained(app);
    expect(dmOf(app, people.ae.id)).toHaveLength(1);
    expect(dmOf(app, people.ae.id)[0]).toMatchObject({ ts: dm?.ts, edited: true });
    expect(JSON.stringify(dmOf(app, people.ae.id)[0]?.blocks)).toContain('*Accepted* by');
    const parent = topLevel(app)[0];
    expect(parent).toBeDefined();

    // A thread reply in the partner channel whose answer is lost: found with conversations.replies.
    app.slack.fail('chat.postMessage', { delayMs: SLOW_ANSWER_MS });
    await clickOutcome(app, 'meeting_held', handoff?.id as number);
    await waitFor(
      async () => (await uncertain()).some((r) => r.threadOf !== null && r.lastError),
      // Up to two timeouts in a row: a slow call holds up the whole outbox batch (see the report).
      15_000,
      'the thread reply to time out',
    );
    // The acceptance's reply was delivered before; the meeting's is the one whose answer is lost.
    await waitFor(() => threadReplies(app).length === 2, 4000, 'Slack to take the reply anyway');
    await waitFor(
      () => app.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 0).length === 0,
      4000,
      'every slow post answered',
    );
    app.slack.clearFailures();
    app.clock.advance(60_000);
    app.app.outbox.kick();
    await outboxDrained(app);
    await quiet(app);
    expect(threadReplies(app)).toHaveLength(2);
    expect(threadReplies(app).map((r) => r.thread_ts)).toEqual([parent?.ts, parent?.ts]);
    expect(topLevel(app)).toHaveLength(1);
    expect(app.slack.callsTo('conversations.replies').some((c) => c.args.ts === parent?.ts)).toBe(true);
    const replyRows = (await outboxRows(app)).filter((r) => r.threadOf !== null);
    expect(threadReplies(app).map(deliveryOf)).toEqual(replyRows.map((r) => deliveryId(r, app.slack.token)));
    await auditExactlyOnce(app);
  }, 40_000);

  // A redelivery of a click the app already handled (same payload, X-Slack-Retry-Num set) is silent: the AE clicked
  // once and must not read three "nothing was changed" notes: redeliveries while the accept modal is open, and one
  // after its submission recorded the accept, are silent.
  it('a redelivered Accept click adds no message for the person who clicked once', async () => {
    const app = await start({ env: QUIET });
    const { handoff, dm, aeDm } = await sendHandoff(app);
    await outboxDrained(app);
    const opened = app.slack.callsTo('views.open').length;
    const click = blockAction({
      actionId: ACTION_ID.accept,
      value: String(handoff.id),
      user: aeUser,
      triggerId: app.slack.issueTriggerId(),
      responseUrl: app.slack.responseUrl({ channel: aeDm, ts: dm.ts }),
      messageTs: dm.ts,
      channelId: aeDm,
    });
    expect((await app.interact(click)).status).toBe(200);
    const [call] = await waitFor(
      () => app.slack.callsTo('views.open').length > opened && app.slack.callsTo('views.open').slice(opened),
      4000,
      'the accept modal',
    );
    const modal = call?.args.view as OpenedModal;
    expect(modal.callback_id).toBe(CALLBACK_ID.accept);
    for (let n = 1; n <= 2; n += 1)
      expect((await app.interact(click, { headers: retryHeaders(n) })).status).toBe(200);
    await quiet(app);
    expect(await submitAccept(app, modal, { user: aeUser })).toEqual({});
    expect((await app.interact(click, { headers: retryHeaders(3) })).status).toBe(200);
    await outboxDrained(app);
    await quiet(app);
    expect(await decisionRows(app)).toHaveLength(1);
    expect(app.slack.responses.map((r) => r.body.text)).toEqual([]);
  });
});
