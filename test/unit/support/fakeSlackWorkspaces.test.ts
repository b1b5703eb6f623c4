import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OAUTH_APP as APP,
  slackAnswer as answer,
  authorizeUrl as appAuthorizeUrl,
  eventsReceiver,
  exchangeCode,
  refreshToken,
  slackClient,
} from '../../support/fakeClients.js';
import { slackEvent } from '../../support/fakeSlack/events.js';
import { FakeSlack, type FakeWorkspace } from '../../support/fakeSlack.js';

/**
 * Several workspaces on one fake Slack (fakeSlack/tenants.ts): each installed workspace answers with its own
 * users, channels, bot and token; a channel shared by two of them is one channel; OAuth installs into any of
 * them; events say which workspace they come from. Enterprise Grid orgs: fakeSlackOrg.test.ts.
 */

const TEAM = 'T0INTERNAL';
const SECOND = 'T0SECOND';

let fake: FakeSlack;
let second: FakeWorkspace;

const client = (token: string) => slackClient(fake, token);
const authorizeUrl = () => appAuthorizeUrl(fake);
const exchange = (location: string) => exchangeCode(fake, location);

beforeEach(async () => {
  fake = await FakeSlack.start({ teamId: TEAM });
  fake.addUser({ id: 'U0ADA', team_id: TEAM, name: 'ada' });
  fake.addChannel({ id: 'C0FIRST', name: 'deals', members: [fake.botUserId, 'U0ADA'] });
  second = fake.addWorkspace({ id: SECOND, name: 'Beta Partners' });
  second.addUser({ id: 'U0BEA', team_id: SECOND, name: 'bea' });
  second.addChannel({ id: 'C0SECOND', name: 'beta-deals', members: [second.botUserId, 'U0BEA'] });
});

afterEach(async () => {
  await fake.stop();
});

describe('FakeSlack: two installed workspaces', () => {
  it('gives each workspace its own bot, token and identity (the same app), its own users and channels: refuses the other’s, posts in its own', async () => {
    expect(second).toMatchObject({ teamId: SECOND, botUserId: 'U0SECONDBOT', botId: 'B0SECONDBOT' });
    expect(second.token).toBe('xoxb-t0second-token');
    expect(fake.workspaceOf(TEAM).token).toBe(fake.token);
    expect(await client(fake.token).auth.test()).toMatchObject({
      team_id: TEAM,
      user_id: 'UBOT',
      is_enterprise_install: false,
    });
    const beta = await client(second.token).auth.test();
    expect(beta).toMatchObject({
      team_id: SECOND,
      team: 'Beta Partners',
      url: 'https://beta-partners.slack.com/',
      user_id: 'U0SECONDBOT',
      bot_id: 'B0SECONDBOT',
    });
    expect(beta.enterprise_id).toBeUndefined();
    expect(() => fake.workspaceOf('T0NOBODY')).toThrow(/no workspace T0NOBODY/);
    const a = client(fake.token);
    const b = client(second.token);
    expect((await b.users.info({ user: 'U0BEA' })).user?.team_id).toBe(SECOND);
    expect(await answer(b.users.info({ user: 'U0ADA' }))).toBe('user_not_found');
    expect(await answer(a.users.info({ user: 'U0BEA' }))).toBe('user_not_found');
    expect(await answer(b.conversations.info({ channel: 'C0FIRST' }))).toBe('channel_not_found');
    expect((await b.conversations.info({ channel: 'C0SECOND' })).channel).toMatchObject({
      is_member: true,
      context_team_id: SECOND,
      shared_team_ids: [SECOND],
    });
    // Each workspace's own setup leaves the other's untouched.
    expect(fake.users().map((u) => u.id)).toEqual(['UBOT', 'U0ADA']);
    expect(second.channels().map((c) => c.id)).toEqual(['C0SECOND']);
    expect(await answer(b.chat.postMessage({ channel: 'C0FIRST', text: 'hi' }))).toBe('channel_not_found');
    expect(await answer(b.chat.postMessage({ channel: 'U0ADA', text: 'hi' }))).toBe('channel_not_found');
    expect(await answer(b.views.publish({ user_id: 'U0ADA', view: { type: 'home', blocks: [] } }))).toBe(
      'user_not_found',
    );
    const posted = await b.chat.postMessage({ channel: 'C0SECOND', text: 'from beta' });
    expect(posted.message).toMatchObject({ user: 'U0SECONDBOT', bot_id: 'B0SECONDBOT', team: SECOND });
    expect(fake.messages('C0FIRST')).toEqual([]);
    expect(second.messages('C0SECOND').map((m) => m.text)).toEqual(['from beta']);
    await b.chat.postMessage({ channel: 'U0BEA', text: 'a DM' });
    expect(second.messages(second.dmChannelFor('U0BEA')).map((m) => m.text)).toEqual(['a DM']);
  });

  it('shares one channel between both: each bot sees it, posts in it, and sees the other’s message', async () => {
    await fake.shareChannel('C0FIRST', SECOND);
    const a = client(fake.token);
    const b = client(second.token);
    // Not in it yet on B's side: B's bot must be invited, as in Slack.
    expect((await b.conversations.info({ channel: 'C0FIRST' })).channel).toMatchObject({
      is_member: false,
      is_ext_shared: true,
      shared_team_ids: [TEAM, SECOND],
      context_team_id: SECOND,
    });
    expect(await answer(b.chat.postMessage({ channel: 'C0FIRST', text: 'early' }))).toBe('not_in_channel');
    await second.inviteApp('C0FIRST', 'U0BEA');
    await a.chat.postMessage({ channel: 'C0FIRST', text: 'from acme' });
    await b.chat.postMessage({ channel: 'C0FIRST', text: 'from beta' });
    const seenByA = (await a.conversations.history({ channel: 'C0FIRST' })).messages ?? [];
    const seenByB = (await b.conversations.history({ channel: 'C0FIRST' })).messages ?? [];
    expect(seenByA.map((m) => [m.text, m.team, m.bot_id])).toEqual([
      ['from beta', SECOND, 'B0SECONDBOT'],
      ['from acme', TEAM, 'BBOT'],
    ]);
    expect(seenByB.map((m) => m.ts)).toEqual(seenByA.map((m) => m.ts));
    expect(new Set(seenByA.map((m) => m.ts)).size).toBe(2);
    // B's own channel stays B's.
    expect(await answer(a.conversations.info({ channel: 'C0SECOND' }))).toBe('channel_not_found');

    // B leaves: the channel is gone for B, its bot is out, A keeps it.
    await fake.unshareChannel('C0FIRST', SECOND);
    expect(await answer(b.conversations.info({ channel: 'C0FIRST' }))).toBe('channel_not_found');
    expect(fake.channels().find((c) => c.id === 'C0FIRST')?.members).toEqual(['UBOT', 'U0ADA']);
    expect((await a.conversations.history({ channel: 'C0FIRST' })).messages).toHaveLength(2);
  });

  it('shares a channel of the second workspace with the first, delivering channel_shared as the second', async () => {
    const delivery = await fake.shareChannel('C0SECOND', TEAM);
    expect(delivery.envelope).toMatchObject({
      team_id: SECOND,
      event: { type: 'channel_shared', connected_team_id: TEAM, channel: 'C0SECOND' },
      authorizations: [{ team_id: SECOND, user_id: 'U0SECONDBOT', is_enterprise_install: false }],
    });
    expect((await client(fake.token).conversations.info({ channel: 'C0SECOND' })).channel).toMatchObject({
      shared_team_ids: [SECOND, TEAM],
      context_team_id: TEAM,
    });
  });

  it('names one installation in a shared channel’s event, and lists every one that sees it to the app-level token', async () => {
    fake.addTeam({ id: 'T0GAMMA', name: 'Gamma' });
    await fake.shareChannel('C0FIRST', SECOND);
    const delivery = await fake.shareChannel('C0FIRST', 'T0GAMMA');
    const { envelope } = delivery;
    expect(envelope.authorizations.map((a) => a.team_id)).toEqual([TEAM]);
    expect(envelope.is_ext_shared_channel).toBe(true);
    const app = client(fake.appLevelToken);
    type Listed = { authorizations: { team_id: string }[]; response_metadata: { next_cursor: string } };
    const list = async (args: Record<string, unknown>) =>
      (await app.apiCall('apps.event.authorizations.list', args)) as unknown as Listed;
    const listed = await list({ event_context: envelope.event_context });
    expect(listed.authorizations.map((a) => a.team_id)).toEqual([TEAM, SECOND]);
    // Pages by cursor, as Slack's cursor-paginated methods do.
    const first = await list({ event_context: envelope.event_context, limit: 1 });
    expect(first.authorizations.map((a) => a.team_id)).toEqual([TEAM]);
    const rest = await list({
      event_context: envelope.event_context,
      limit: 1,
      cursor: first.response_metadata.next_cursor,
    });
    expect(rest.authorizations.map((a) => a.team_id)).toEqual([SECOND]);
    expect(rest.response_metadata.next_cursor).toBe('');
    // What Slack refuses: a bot token, an unknown context, another token, and the app-level token for a bot's method.
    const botCall = client(fake.token).apiCall('apps.event.authorizations.list', {
      event_context: envelope.event_context,
    });
    expect(await answer(botCall)).toBe('not_allowed_token_type');
    expect(await answer(list({ event_context: 'nothing' }))).toBe('invalid_event_context');
    expect(await answer(app.auth.test())).toBe('not_allowed_token_type');
    const stranger = client('xapp-1-AOTHER-1-x').apiCall('apps.event.authorizations.list', {
      event_context: envelope.event_context,
    });
    expect(await answer(stranger)).toBe('invalid_auth');
    // An event in a channel no other organization is in: not shared, visible to its own installation alone.
    const plain = await second.deliver(slackEvent.channelLeft('C0SECOND', 'U0BEA'));
    expect(plain.envelope.is_ext_shared_channel).toBe(false);
    const alone = await list({ event_context: plain.envelope.event_context });
    expect(alone.authorizations.map((a) => a.team_id)).toEqual([SECOND]);
  });
});

describe('FakeSlack: OAuth and uninstalls per workspace', () => {
  beforeEach(() => {
    fake.oauthApp = { ...APP, tokenRotation: true };
    second.addUser({ id: 'U0BOSS', team_id: SECOND, name: 'boss' });
  });

  it('installs into the second workspace: its team, its bot, a rotating token of its own', async () => {
    expect(() => fake.approveInstall(authorizeUrl(), { team: SECOND })).toThrow(/installer_not_allowed/);
    const location = fake.approveInstall(authorizeUrl(), { team: SECOND, installer: 'U0BOSS' });
    const res = await exchange(location);
    expect(res).toMatchObject({
      ok: true,
      app_id: 'AFAKEAPP',
      team: { id: SECOND, name: 'Beta Partners' },
      enterprise: null,
      is_enterprise_install: false,
      bot_user_id: 'U0SECONDBOT',
      authed_user: { id: 'U0BOSS' },
      expires_in: 43_200,
    });
    expect(res.access_token).toBe(second.token);
    expect(res.access_token).not.toBe(fake.token);
    expect((await client(res.access_token ?? '').auth.test()).team_id).toBe(SECOND);

    // Its refresh token refreshes the second workspace's token, not the first's.
    const firstToken = fake.token;
    const refreshed = await refreshToken(fake, res.refresh_token ?? '');
    expect(refreshed).toMatchObject({ team: { id: SECOND }, bot_user_id: 'U0SECONDBOT' });
    expect(refreshed.access_token).toBe(second.token);
    expect(fake.token).toBe(firstToken);

    // The authorize page's `team` parameter picks the workspace too.
    const url = new URL(authorizeUrl());
    url.searchParams.set('team', SECOND);
    second.installer = 'U0BOSS';
    const page = await fetch(url, { redirect: 'manual' });
    const byPage = await exchange(page.headers.get('location') ?? '');
    expect(byPage.team).toEqual({ id: SECOND, name: 'Beta Partners' });
  });

  it('uninstalls from one workspace: its token revoked, tokens_revoked naming its bot; a reinstall brings it back', async () => {
    const [, revoked] = await second.uninstallApp();
    expect(revoked?.envelope.event).toEqual({ type: 'tokens_revoked', tokens: { bot: ['U0SECONDBOT'] } });
    expect(second.tokenLoss).toBe('app_uninstalled');
    expect(await answer(client(second.token).auth.test())).toBe('token_revoked');
    // A reinstall brings it back, with a new token.
    const location = fake.approveInstall(authorizeUrl(), { team: SECOND, installer: 'U0BOSS' });
    const res = await exchange(location);
    expect((await client(res.access_token ?? '').auth.test()).team_id).toBe(SECOND);
    expect(second.tokenLoss).toBeUndefined();
  });

  it('keeps sending the other workspaces’ events once one uninstalled', async () => {
    const { url, received, close } = await eventsReceiver();
    try {
      fake.subscribeEvents(url, 'secret');
      await second.uninstallApp();
      expect(received).toHaveLength(2);
      const quiet = await second.changeStatus('U0BEA', { text: 'away', emoji: ':palm_tree:' });
      expect(quiet.status).toBeUndefined();
      const heard = await fake.changeStatus('U0ADA', { text: 'away', emoji: ':palm_tree:' });
      expect(heard.status).toBe(200);
      expect(received).toHaveLength(3);
      expect(fake.eventsUrl).toBeDefined();
    } finally {
      await close();
    }
  });
});
