import { expect, it } from 'vitest';
import { commandReply } from '../../src/blocks/commandReplies.js';
import { helpReplies } from '../../src/blocks/helpRequest.js';
import { ACTION_ID, CALLBACK_ID, HELP_BLOCK_ID, HELP_LIMITS, SHORTCUT_ID } from '../../src/blocks/ids.js';
import { accountKey } from '../../src/domain/accountMatch.js';
import { FakeSlack, type StoredMessage } from '../support/fakeSlack.js';
import { ackBody, type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import { globalShortcut } from '../support/matrix.js';
import {
  authorUser,
  buttonValues,
  dmOf,
  ephemeralAt,
  json,
  type SlackUser,
  slashReply,
} from '../support/ownerFlow.js';
import { aeSlackUser as aeUser, memberUser, mrkdwnStrings } from '../support/partnerFlow.js';
import { blockAction, viewSubmission } from '../support/payloads.js';
import { channels, PARTNER_TEAM, people, TEAM } from '../support/people.js';

/** Partner-help requests (AE-initiated), driven through the real app as Slack would send them. */

const QUIET = { SWEEP_SCHEDULE: '0 0 1 1 *' };
const HELP_CHANNEL = channels.internal.id;
const HELP_ENV = { ...QUIET, PARTNER_HELP_CHANNEL_ID: HELP_CHANNEL };

const partnerUser: SlackUser = { id: people.partner.id, team_id: PARTNER_TEAM };

const input = (value: string | null) => ({ [ACTION_ID.value]: { type: 'plain_text_input', value } });

/** The request modal submitted as Slack sends it (an empty optional input is null). */
function helpSubmission(opts: {
  account?: string | null;
  ask?: string | null;
  partner?: string | null;
  user?: SlackUser;
  viewId?: string;
}) {
  return viewSubmission({
    callbackId: CALLBACK_ID.helpRequest,
    user: opts.user ?? aeUser,
    ...(opts.viewId ? { viewId: opts.viewId } : {}),
    values: {
      [HELP_BLOCK_ID.account]: input(opts.account === undefined ? 'Northwind Logistics' : opts.account),
      [HELP_BLOCK_ID.ask]: input(opts.ask === undefined ? 'An intro to their CIO, please.' : opts.ask),
      [HELP_BLOCK_ID.partner]: input(opts.partner ?? null),
    },
  });
}

interface OpenedView {
  callback_id: string;
  blocks: { type: string; block_id?: string; element?: { initial_value?: string; max_length?: number } }[];
}

const lastOpenedView = (h: Harness) => h.slack.callsTo('views.open').at(-1)?.args.view as OpenedView;
const rows = async (h: Harness) =>
  await h.database.db.select().from(h.tables.helpRequests).orderBy(h.tables.helpRequests.id);
const channelPosts = (h: Harness) => h.slack.messages(HELP_CHANNEL);

/** Submits and expects the modal to close (Bolt's empty ack). */
async function submitOk(h: Harness, payload: unknown) {
  const response = await h.interact(payload);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('');
}

/** Clicks "I'll take it" on a channel post; returns the response URL to read the ephemeral. */
async function clickTake(h: Harness, value: string, user: SlackUser, post?: StoredMessage) {
  const responseUrl = h.slack.responseUrl();
  const response = await h.interact(
    blockAction({
      actionId: ACTION_ID.helpClaim,
      value,
      user,
      channelId: HELP_CHANNEL,
      ...(post ? { messageTs: post.ts } : {}),
      responseUrl,
      triggerId: h.slack.issueTriggerId(),
    }),
  );
  expect(response.status).toBe(200);
  return responseUrl;
}

/** The reply to a `/handoff …` command, read at its response URL. */
const slash = (h: Harness, text: string, user: SlackUser = aeUser) => slashReply(h, user, text);

const start = harnessPerTest({ env: HELP_ENV });

it('opening the request modal: `/handoff ask Northwind` fills in the account; `/handoff ask` and the global shortcut open it empty', async () => {
  const h = await start();
  const response = await h.command({ text: 'ask Northwind', user_id: people.ae.id });
  expect(response.status).toBe(200);
  await waitFor(() => h.slack.callsTo('views.open').length === 1, 4000, 'views.open');
  const view = lastOpenedView(h);
  expect(view.callback_id).toBe(CALLBACK_ID.helpRequest);
  const account = view.blocks.find((b) => b.block_id === HELP_BLOCK_ID.account);
  expect(account?.element?.initial_value).toBe('Northwind');
  expect(account?.element?.max_length).toBe(HELP_LIMITS.account);
  expect(view.blocks.map((b) => b.block_id).filter(Boolean)).toEqual([
    HELP_BLOCK_ID.account,
    HELP_BLOCK_ID.ask,
    HELP_BLOCK_ID.partner,
  ]);
  await h.command({ text: 'ask', user_id: people.ae.id });
  await waitFor(() => h.slack.callsTo('views.open').length === 2, 4000, 'views.open');
  const empty = lastOpenedView(h).blocks.find((b) => b.block_id === HELP_BLOCK_ID.account);
  expect(empty?.element?.initial_value).toBeUndefined();
  await globalShortcut(h, SHORTCUT_ID.helpRequest, aeUser);
  await waitFor(() => h.slack.callsTo('views.open').length === 3, 4000, 'views.open');
  const shortcut = lastOpenedView(h);
  expect(shortcut.callback_id).toBe(CALLBACK_ID.helpRequest);
  expect(shortcut.blocks.find((b) => b.block_id === HELP_BLOCK_ID.account)?.element?.initial_value).toBe(
    undefined,
  );
  // Refused to a Slack Connect user (a DM, no modal): authorizationMatrix.test.ts.
  await quiet(h);
  expect(h.slack.callsTo('views.open')).toHaveLength(3);
  expect(await rows(h)).toHaveLength(0);
});

// Submitting and taking a request.
// Many clicks at once make one claimer: races.test.ts.
it('stores it, posts it with a button to take it, DMs the requester; refuses forged and external takes; the first member takes it, later clicks change nothing', async () => {
  const h = await start();
  await submitOk(
    h,
    helpSubmission({
      account: '  Northwind Logistics  ',
      ask: 'Who knows their data stack?\nAn intro to the CIO would help.',
      partner: 'Meridian Cloud Consulting',
    }),
  );
  const [row] = await rows(h);
  expect(await rows(h)).toHaveLength(1);
  expect(row).toMatchObject({
    requestedByUserId: people.ae.id,
    requestedByTeamId: TEAM,
    accountName: 'Northwind Logistics',
    accountKey: accountKey('Northwind Logistics'),
    partnerOrg: 'Meridian Cloud Consulting',
    partnerKey: accountKey('Meridian Cloud Consulting'),
    ask: 'Who knows their data stack?\nAn intro to the CIO would help.',
    status: 'open',
    claimedByUserId: null,
    claimedAt: null,
    createdAt: h.clock.now(),
  });
  const id = row?.id as number;

  const post = await waitFor(() => channelPosts(h)[0], 8000, 'the channel post');
  expect(post.text).toBe(`Partner help request #${id}: Northwind Logistics`);
  const shown = json(post.blocks);
  expect(shown).toContain(`<@${people.ae.id}> asks for partner help on *Northwind Logistics*`);
  expect(shown).toContain('>Who knows their data stack?\\n>An intro to the CIO would help.');
  expect(shown).toContain('Partner in mind: Meridian Cloud Consulting');
  expect(buttonValues(post)).toEqual({ [ACTION_ID.helpClaim]: String(id) });

  const dm = await waitFor(() => dmOf(h, people.ae.id)[0], 8000, 'the requester DM');
  expect(dm.text).toBe(
    `Your request for partner help on *Northwind Logistics* went to <#${HELP_CHANNEL}>. I will tell you when someone takes it.`,
  );
  // Nothing goes anywhere a partner reads.
  await quiet(h);
  expect(h.slack.messages(channels.partner.id)).toHaveLength(0);
  expect(channelPosts(h)).toHaveLength(1);

  // Forged values get a clean reply (no crash); an external (Slack Connect) click is refused and logged. The
  // request stays open.
  for (const value of [
    'abc',
    '999',
    '1; drop table help_requests',
    '99999999999999999999',
    '-1',
    '',
    '1.5',
  ]) {
    const text = await ephemeralAt(h, await clickTake(h, value, authorUser, post));
    expect(text, value).toBe(helpReplies.notFound());
  }
  expect(h.logs.some((l) => l.msg === 'unhandled error in a Slack listener')).toBe(false);
  expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  expect(await ephemeralAt(h, await clickTake(h, String(id), partnerUser, post))).toBe(
    commandReply.external(),
  );
  // A payload without user.team_id is not ours either.
  expect(await ephemeralAt(h, await clickTake(h, String(id), { id: people.author.id }, post))).toBe(
    commandReply.external(),
  );
  const refusals = h.logs.filter((l) => l.msg === 'help claim refused: external');
  expect(refusals).toHaveLength(2);
  expect(refusals[0]).toMatchObject({ userId: people.partner.id, teamId: PARTNER_TEAM, requestId: id });
  await quiet(h);
  expect((await rows(h))[0]).toMatchObject({ status: 'open', claimedByUserId: null });
  expect(h.slack.callsTo('chat.update')).toHaveLength(0);

  // The first internal member to click takes it: row claimed, post updated without the button, requester told.
  h.clock.advance(60 * 60_000);
  const responseUrl = await clickTake(h, String(id), authorUser, post);
  await waitFor(
    () => dmOf(h, people.ae.id).some((m) => m.text?.includes('took your request')),
    8000,
    'the requester told',
  );
  expect((await rows(h))[0]).toMatchObject({
    status: 'claimed',
    claimedByUserId: people.author.id,
    claimedAt: h.clock.now(),
  });
  const updated = await waitFor(() => channelPosts(h).find((m) => m.edited), 8000, 'the post updated');
  expect(updated.ts).toBe(post.ts);
  expect(channelPosts(h)).toHaveLength(1);
  expect(json(updated.blocks)).toContain(`Taken by <@${people.author.id}>. Request #${id}.`);
  expect(buttonValues(updated)).toEqual({});
  expect(dmOf(h, people.ae.id).at(-1)?.text).toBe(
    `<@${people.author.id}> from partner marketing took your request for partner help on *Northwind Logistics*.`,
  );
  // The taker gets no ephemeral: the updated post says it.
  await quiet(h);
  expect(h.slack.responses.filter((r) => r.url === responseUrl)).toHaveLength(0);

  // A click by someone else, or by the taker again, hears who took it, and nothing changes.
  const claimed = (await rows(h))[0];
  const updates = h.slack.callsTo('chat.update').length;
  h.clock.advance(5 * 60_000);
  for (const user of [memberUser, authorUser])
    expect(await ephemeralAt(h, await clickTake(h, String(id), user, post))).toBe(
      `<@${people.author.id}> already took this request.`,
    );
  await quiet(h);
  expect((await rows(h))[0]).toEqual(claimed);
  expect(h.slack.callsTo('chat.update')).toHaveLength(updates);
  expect(dmOf(h, people.ae.id)).toHaveLength(2);
});

const TYPED = {
  account: 'Northwind <!here>',
  ask: 'Hey <!channel> & <@U0OWNER>, see <https://evil.example|this>',
  partner: 'Meridian <!everyone>',
};
const expectInert = (texts: string[]) => {
  for (const text of texts) {
    expect(text).not.toMatch(/<!(channel|here|everyone)>/);
    expect(text).not.toContain('<@U0OWNER>');
    expect(text).not.toContain('<https://evil.example');
  }
};

it('keeps typed mentions and links inert in the blocks and notification text of the post, its update, and the DMs', async () => {
  const h = await start();
  await submitOk(h, helpSubmission(TYPED));
  const id = (await rows(h))[0]?.id as number;
  await waitFor(() => channelPosts(h).length === 1, 8000, 'the channel post');
  await waitFor(() => dmOf(h, people.ae.id).length === 1, 8000, 'the requester DM');
  // Clicked without the message's ts: the app finds its post itself.
  await clickTake(h, String(id), authorUser);
  await waitFor(() => dmOf(h, people.ae.id).length === 2, 8000, 'the claimed DM');
  await waitFor(() => h.slack.callsTo('chat.update').length === 1, 8000, 'the post updated');
  const calls = [...h.slack.callsTo('chat.postMessage'), ...h.slack.callsTo('chat.update')];
  expectInert(calls.flatMap((c) => mrkdwnStrings({ blocks: c.args.blocks })));
  expectInert(dmOf(h, people.ae.id).map((m) => m.text ?? ''));
  const blocks = json(calls.find((c) => c.args.channel === HELP_CHANNEL)?.args.blocks);
  expect(blocks).toContain('Hey &lt;!channel&gt; &amp; &lt;@U0OWNER&gt;');
  expect(blocks).toContain('Meridian &lt;!everyone&gt;');
  expect(blocks).toContain('*Northwind &lt;!here&gt;*');
  const toChannel = calls.filter((c) => c.args.channel === HELP_CHANNEL);
  expect(toChannel).toHaveLength(2);
  // Slack parses the top-level text as mrkdwn (it is the notification): <!here> there pings the channel.
  expectInert(toChannel.map((c) => String(c.args.text)));
});

it('the same view submitted twice (a double click, a retry) stores one request and posts once; bad submissions are answered inline, storing nothing', async () => {
  const h = await start();
  const payload = helpSubmission({ viewId: 'V0HELPTWICE' });
  const answers = await Promise.all([h.interact(payload), h.interact(payload)]);
  expect(answers.map((a) => a.status)).toEqual([200, 200]);
  const retry = await h.interact(payload, {
    headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
  });
  expect(retry.status).toBe(200);
  await waitFor(() => channelPosts(h).length === 1, 8000, 'the channel post');
  await waitFor(() => dmOf(h, people.ae.id).length === 1, 8000, 'the requester DM');
  await quiet(h);
  expect(await rows(h)).toHaveLength(1);
  expect(channelPosts(h)).toHaveLength(1);
  expect(dmOf(h, people.ae.id)).toHaveLength(1);
  expect(
    (await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id)).filter((r) =>
      r.dedupeKey.startsWith('help:'),
    ),
  ).toHaveLength(2);

  // Whitespace-only, oversized (forged past max_length) and Slack Connect submissions: answered inline, nothing stored.
  const tooLong = (limit: number) => `Keep it under ${limit} characters.`;
  const refusals: [Parameters<typeof helpSubmission>[0], Record<string, string>][] = [
    [{ account: '   \n\t ' }, { [HELP_BLOCK_ID.account]: 'Name the account.' }],
    [{ ask: ' \n \n ' }, { [HELP_BLOCK_ID.ask]: 'Say what help you need.' }],
    [
      { account: null, ask: '  ' },
      { [HELP_BLOCK_ID.account]: 'Name the account.', [HELP_BLOCK_ID.ask]: 'Say what help you need.' },
    ],
    [{ ask: 'x'.repeat(HELP_LIMITS.ask + 1) }, { [HELP_BLOCK_ID.ask]: tooLong(HELP_LIMITS.ask) }],
    [
      { partner: 'p'.repeat(HELP_LIMITS.partner + 1) },
      { [HELP_BLOCK_ID.partner]: tooLong(HELP_LIMITS.partner) },
    ],
    [
      { account: 'a'.repeat(HELP_LIMITS.account + 1) },
      { [HELP_BLOCK_ID.account]: tooLong(HELP_LIMITS.account) },
    ],
    [
      { user: partnerUser },
      { [HELP_BLOCK_ID.account]: 'Partner-help requests are for the team that runs this app.' },
    ],
  ];
  for (const [opts, errors] of refusals)
    expect(await ackBody(await h.interact(helpSubmission(opts))), JSON.stringify(opts)).toEqual({
      response_action: 'errors',
      errors,
    });
  expect(h.logs.some((l) => l.msg === 'help request refused: external')).toBe(true);
  await quiet(h);
  expect(await rows(h)).toHaveLength(1);
  expect(channelPosts(h)).toHaveLength(1);
  // Exactly at the limit is fine (after trimming the surrounding spaces).
  await submitOk(h, helpSubmission({ ask: ` ${'y'.repeat(HELP_LIMITS.ask)} ` }));
  await waitFor(() => channelPosts(h).length === 2, 8000, 'the channel post');
  expect(await rows(h)).toHaveLength(2);
  expect((await rows(h))[1]?.ask).toHaveLength(HELP_LIMITS.ask);
});

// Configuration.
const refusal = (h: Harness) =>
  h.logs.find((l) => String(l.msg).startsWith('PARTNER_HELP_CHANNEL_ID is not confirmed internal'));
/** A harness on a fake Slack of its own, set up before the app starts. */
async function withFake(setUp: (fake: FakeSlack) => void, env: Record<string, string> = {}) {
  const fake = await FakeSlack.start();
  for (const user of Object.values(people)) fake.addUser(user);
  setUp(fake);
  return { h: await start({ slack: fake, env }), fake };
}
/** `/handoff ask` and a forged submission of the modal: not set up, no modal, nothing stored. */
async function expectNotSetUp(h: Harness) {
  expect(await slash(h, 'ask Northwind')).toBe(helpReplies.notConfigured());
  expect(await ackBody(await h.interact(helpSubmission({})))).toEqual({
    response_action: 'errors',
    errors: { [HELP_BLOCK_ID.account]: helpReplies.notConfigured() },
  });
  await quiet(h);
  expect(h.slack.callsTo('views.open')).toHaveLength(0);
  expect(await rows(h)).toHaveLength(0);
}

it('without PARTNER_HELP_CHANNEL_ID, `/handoff ask` says it is not set up and opens no modal', async () => {
  const h = await start({ env: { PARTNER_HELP_CHANNEL_ID: '' } });
  expect(h.app.program.settings.get('partnerHelpChannelId')).toBeUndefined();
  await globalShortcut(h, SHORTCUT_ID.helpRequest, aeUser);
  await waitFor(
    () => dmOf(h, people.ae.id).some((m) => m.text === helpReplies.notConfigured()),
    4000,
    'the shortcut reply',
  );
  await expectNotSetUp(h);
});

it('refuses the Slack Connect partner channel at start (error logged) and then says it is not set up', async () => {
  const h = await start({ env: { PARTNER_HELP_CHANNEL_ID: channels.partner.id } });
  expect(refusal(h)).toMatchObject({
    level: 50,
    channelId: channels.partner.id,
    reason: 'shared externally',
  });
  await expectNotSetUp(h);
  expect(h.slack.messages(channels.partner.id)).toHaveLength(0);
});

it('refuses a private channel the app cannot see at start (not confirmable), even once the app is invited later', async () => {
  // A private Slack Connect channel the app is not in: conversations.info answers channel_not_found.
  const sharedPrivate = {
    id: 'G0PRIVEXT',
    name: 'ext-meridian-private',
    is_private: true,
    is_shared: true,
    is_ext_shared: true,
    shared_team_ids: [TEAM, PARTNER_TEAM],
    members: [] as string[],
  };
  const { h, fake } = await withFake((fake) => fake.addChannel(sharedPrivate), {
    PARTNER_HELP_CHANNEL_ID: sharedPrivate.id,
  });
  // Later someone invites the app there: a request must still never land in a partner's channel.
  fake.addChannel({ ...sharedPrivate, members: [fake.botUserId] });
  await expectNotSetUp(h);
  expect(fake.messages(sharedPrivate.id)).toEqual([]);
  expect(refusal(h)).toMatchObject({ level: 50, channelId: sharedPrivate.id });
  await h.stop();
  await fake.stop();
});

it('refuses a channel whose sharing Slack cannot confirm at start (lookup failing)', async () => {
  const { h, fake } = await withFake((fake) => {
    fake.addChannel({ ...channels.internal, members: [fake.botUserId] });
    fake.fail('conversations.info', { error: 'internal_error' });
  });
  expect(refusal(h)).toMatchObject({ level: 50, channelId: HELP_CHANNEL, reason: 'lookup failed' });
  fake.clearFailures();
  await expectNotSetUp(h);
  await h.stop();
  await fake.stop();
});
// Counted in the program metrics (by requester, partner and taker, within the period): metrics.test.ts and
// metricsSeeded.test.ts.
