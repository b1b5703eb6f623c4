import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { deliveryId } from '../../src/outbox/kinds/earlierPost.js';
import {
  auditExactlyOnce,
  deliveryOf,
  helpSubmission,
  outboxRows,
  retryAfterViolations,
  type SlackUser,
  sendAs,
} from '../support/drill.js';
import { EventSender, slackEvent } from '../support/fakeSlack/events.js';
import { harnessPerTest, quiet, SIGNING_SECRET, waitFor } from '../support/harness.js';
import { slashReply } from '../support/ownerFlow.js';
import { blockAction } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';

/**
 * What the outbox does with a message Slack refuses for good, and with Retry-After while other posts look for
 * their earlier copy. (The sustained outage at production pacing is a drill: test/drills/outage.test.ts.)
 */

const QUIET = { SWEEP_SCHEDULE: '0 0 1 1 *' };
const user = (p: { id: string }): SlackUser => ({ id: p.id, team_id: TEAM });
const author = user(people.author);

const start = harnessPerTest();

describe('a message Slack refuses for good', () => {
  it('is tried exactly OUTBOX_MAX_ATTEMPTS times, parked, listed to an admin (only: authorizationMatrix), and delivered once on retry after the fix', async () => {
    const app = await start({
      env: {
        ...QUIET,
        OUTBOX_MAX_ATTEMPTS: '3',
        ADMIN_USER_IDS: people.owner.id,
        PARTNER_HELP_CHANNEL_ID: channels.internal.id,
      },
    });
    // Someone removes the app from the internal help channel (Slack tells it: channel_left); an AE then asks for
    // partner help. The post waits for the app to be invited back (test/integration/slackEventsChannels.test.ts).
    const events = new EventSender({ teamId: TEAM, botUserId: app.slack.botUserId, appId: 'A0APP' });
    events.subscribe(app.eventsUrl, SIGNING_SECRET);
    app.slack.addChannel({ ...channels.internal, members: [] });
    await events.deliver(slackEvent.channelLeft(channels.internal.id, people.member.id));
    const submitted = await app.interact(helpSubmission({ user: user(people.ae), account: 'Tailspin Toys' }));
    expect(submitted.status).toBe(200);
    const [request] = await app.database.db
      .select()
      .from(app.tables.helpRequests)
      .orderBy(app.tables.helpRequests.id);
    const postRow = async () =>
      (await outboxRows(app)).find((r) => r.dedupeKey === `help:${request?.id}:post`);
    const refusals = () =>
      app.slack.calls.filter(
        (c) => c.method === 'chat.postMessage' && c.args.channel === channels.internal.id,
      );

    // The requester's DM is not held up by the waiting post.
    await waitFor(
      () => app.slack.messages(app.slack.dmChannelFor(people.ae.id)).length === 1,
      4000,
      'the DM',
    );
    // The app is invited back, and Slack now refuses the post for good (posting is restricted in the channel).
    app.slack.fail('chat.postMessage', { error: 'restricted_action', channel: channels.internal.id });
    app.slack.addChannel({ ...channels.internal, members: [app.slack.botUserId] });
    await events.deliver(
      slackEvent.memberJoinedChannel(app.slack.botUserId, channels.internal.id, TEAM, people.member.id),
    );
    // Each retry waits on the injected clock: move it on until the refusals have used every attempt.
    for (let i = 0; i < 12 && (await postRow())?.status !== 'dead'; i += 1) {
      app.clock.advance(60_000);
      app.app.outbox.kick();
      await quiet(app);
    }
    expect(await postRow()).toMatchObject({ status: 'dead', attempts: 3, lastError: 'restricted_action' });
    expect(refusals().map((c) => (c.response as { error?: string }).error)).toEqual([
      'restricted_action',
      'restricted_action',
      'restricted_action',
    ]);
    // Parked means parked: no further attempts however long we wait.
    for (let i = 0; i < 3; i += 1) {
      app.clock.advance(10 * 60_000);
      app.app.outbox.kick();
      await quiet(app);
    }
    expect(refusals()).toHaveLength(3);
    const id = (await postRow())?.id as number;
    expect(
      app.logs.filter((l) => l.msg === 'outbox message parked after repeated refusals' && l.outboxId === id),
    ).toHaveLength(1);

    const slash = (who: { id: string }, text: string) => slashReply(app, who, text);

    // The admin sees it, with where it was going, how often it was tried and why it failed.
    const listed = await slash(people.owner, 'outbox');
    expect(listed).toContain('*1 parked message*');
    expect(listed).toContain(
      `#${id}: chat.postMessage to <#${channels.internal.id}>, 3 attempts, last error \`restricted_action\``,
    );

    // How to retry, with a number of the list (issue 50 item 20: `<#|all>` was typed as `#all`).
    expect(listed).toContain(
      `Retry one by its number (\`/handoff outbox retry ${id}\`), or all with \`/handoff outbox retry all\`.`,
    );

    // Slack lets the app post there again; the admin retries it (`#all`, as the list writes numbers): delivered once.
    app.slack.clearFailures();
    expect(await slash(people.owner, 'outbox retry #all')).toBe('Queued 1 parked message again.');
    await waitFor(async () => (await postRow())?.status === 'delivered', 4000, 'the retried post');
    expect(await slash(people.owner, `outbox retry ${id}`)).toBe('Nothing to retry: no such parked message.');
    await quiet(app);
    const posted = app.slack.messages(channels.internal.id);
    expect(posted.map(deliveryOf)).toEqual([
      deliveryId((await postRow()) as NonNullable<Awaited<ReturnType<typeof postRow>>>, app.slack.token),
    ]);
    expect(refusals().filter((c) => c.ok)).toHaveLength(1);
    expect(await slash(people.owner, 'outbox')).toBe(
      'No message is parked: everything the app owed Slack (and the CRM) was delivered.',
    );
    await auditExactlyOnce(app);

    // The post is remembered where it landed: taking the request edits that one copy.
    const taken = await app.interact(
      blockAction({
        actionId: ACTION_ID.helpClaim,
        value: String(request?.id),
        user: user(people.member),
        channelId: channels.internal.id,
        messageTs: posted[0]?.ts,
        responseUrl: app.slack.responseUrl(),
      }),
    );
    expect(taken.status).toBe(200);
    await waitFor(() => app.slack.messages(channels.internal.id)[0]?.edited, 4000, 'the post updated');
    expect(app.slack.messages(channels.internal.id)).toHaveLength(1);
  });
});

describe('Retry-After while other posts are still looking for their earlier copy', () => {
  // A head that first looked for an earlier copy (after a 5xx) checks the rate limit again before posting: a 429
  // that another post got meanwhile holds it too.
  it('no post is sent while the method is rate limited, even by a head that was looking for an earlier copy', async () => {
    const app = await start({ env: QUIET });
    // Both posts of a new handoff (the AE's DM, the author's confirmation) fail with a 500: both are uncertain.
    app.slack.fail('chat.postMessage', { status: 500 }, 2);
    await sendAs(app, author, {}, 'V0RETRYAFTER');
    await waitFor(
      async () => (await outboxRows(app)).every((r) => r.lastError === 'HTTP 500'),
      4000,
      'both posts to fail once',
    );
    // Their retries look first; one lookup is slow: answered only once the test releases it (no real-time delay).
    // The other post goes ahead and is rate limited for 30 s.
    let release = () => {};
    const slowLookup = new Promise<void>((resolve) => {
      release = resolve;
    });
    app.slack.fail('conversations.history', { afterProcessing: true, until: slowLookup }, 1);
    app.slack.fail('chat.postMessage', { retryAfter: 30 }, 1);
    app.clock.advance(5_000);
    app.app.outbox.kick();
    // The slow lookup is under way while the other retry posts and gets the 429 (each conversation is delivered on
    // its own: the 429 does not wait for the lookup). Only then does the lookup answer: released before the 429, the
    // slow head would post first, in the clear, and the 429 would come after it (4 posts, a race the test must not
    // leave to the machine's speed).
    await waitFor(
      () => app.slack.calls.some((c) => c.method === 'conversations.history' && c.status === 0),
      6000,
      'the slow lookup under way',
    );
    await waitFor(
      () => app.slack.calls.some((c) => c.method === 'chat.postMessage' && c.status === 429),
      6000,
      'the other retry rate limited',
    );
    expect(app.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(3);
    release();
    // Back from its lookup, the slow head sees the method held and holds off for 30 s.
    await waitFor(
      () => app.slack.calls.some((c) => c.method === 'conversations.history' && c.status !== 0 && c.args),
      6000,
      'the slow lookup to end',
    );
    await quiet(app);
    expect(app.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(3);
    expect(app.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429)).toHaveLength(
      1,
    );
    expect(retryAfterViolations(app.slack.calls, 'chat.postMessage', 30_000)).toEqual([]);
  });
});
