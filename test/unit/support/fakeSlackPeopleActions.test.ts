import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsReceiver, slackAnswer, slackClient } from '../../support/fakeClients.js';
import { FakeSlack } from '../../support/fakeSlack.js';
import { slackSignature } from '../../support/signing.js';

/**
 * What people do in Slack that Slack tells the app about (fakeSlack/peopleActions.ts): a status set in the client,
 * the app removed from a channel and invited back, its bot token revoked, the app uninstalled. Each changes what the
 * Web API answers before its event reaches the app, and the event is Slack's, signed.
 */

const SECRET = 'people-actions-secret';
const TEAM = 'T0INTERNAL';
let fake: FakeSlack;
let app: Awaited<ReturnType<typeof appServer>>;

/** Stands in for the app's events URL: records each event, and what the Web API said while it was being received. */
const appServer = (lookUp: () => Promise<unknown>) =>
  eventsReceiver(async (body, headers) => {
    const ts = Number(headers['x-slack-request-timestamp']);
    const signed = headers['x-slack-signature'] === slackSignature(SECRET, ts, body);
    const { event } = JSON.parse(body) as { event: Record<string, unknown> };
    return { event, signed, seen: await lookUp() };
  });

const client = () => slackClient(fake);
/** The error Slack answers a call with, or 'ok'. */
const answer = (call: (c: WebClient) => Promise<unknown>) => slackAnswer(call(client()));

const isMember = async (channel: string) =>
  ((await client().conversations.info({ channel })).channel as { is_member: boolean }).is_member;

beforeEach(async () => {
  fake = await FakeSlack.start({ teamId: TEAM, now: () => Date.parse('2026-12-08T15:00:00Z') });
  fake.addUser({ id: 'U0AE', team_id: TEAM, name: 'jordan', real_name: 'Jordan Seller' });
  fake.addChannel({ id: 'C0PUB', name: 'ext-meridian', members: ['U0AE', fake.botUserId] });
  fake.addChannel({ id: 'G0PRIV', name: 'deal-desk', is_private: true, members: ['U0AE', fake.botUserId] });
});
afterEach(async () => {
  await app?.close();
  await fake.stop();
});

describe('FakeSlack: what people do in Slack, told to the app', () => {
  it('changeStatus: the profile changes, then user_status_changed carries it, at the fake’s time', async () => {
    app = await appServer(async () => (await client().users.profile.get({ user: 'U0AE' })).profile);
    fake.subscribeEvents(app.url, SECRET);
    const back = new Date('2026-12-15T05:00:00Z');
    const delivery = await fake.changeStatus('U0AE', {
      text: 'Vacation',
      emoji: ':palm_tree:',
      expiration: back,
    });
    expect(delivery.status).toBe(200);
    const [got] = app.received;
    expect(got?.signed).toBe(true);
    expect(got?.event).toStrictEqual({
      type: 'user_status_changed',
      user: {
        id: 'U0AE',
        team_id: TEAM,
        name: 'jordan',
        profile: {
          status_text: 'Vacation',
          status_emoji: ':palm_tree:',
          status_expiration: back.getTime() / 1000,
          real_name: 'Jordan Seller',
          display_name: 'jordan',
        },
        updated: Date.parse('2026-12-08T15:00:00Z') / 1000,
      },
      cache_ts: Date.parse('2026-12-08T15:00:00Z') / 1000,
      event_ts: `${Date.parse('2026-12-08T15:00:00Z') / 1000}.000000`,
    });
    // By the time the app hears of it, Slack already answers the new status.
    expect(got?.seen).toMatchObject({ status_text: 'Vacation', status_emoji: ':palm_tree:' });
    // setStatus changes the profile alone: no event.
    fake.setStatus('U0AE', { text: '', emoji: '' });
    expect(fake.events).toHaveLength(1);
  });

  it('removeApp and inviteApp: the bot leaves and joins, then channel_left / group_left and member_joined_channel', async () => {
    app = await appServer(async () => ({ pub: await isMember('C0PUB') }));
    fake.subscribeEvents(app.url, SECRET);
    await fake.removeApp('C0PUB', 'U0AE');
    await fake.removeApp('G0PRIV', 'U0AE');
    expect(fake.channels().map((c) => c.members)).toEqual([['U0AE'], ['U0AE']]);
    await fake.inviteApp('C0PUB', 'U0AE');
    expect(app.received.map((r) => ({ ...r.event, event_ts: typeof r.event.event_ts }))).toEqual([
      { type: 'channel_left', channel: 'C0PUB', actor_id: 'U0AE', event_ts: 'string' },
      { type: 'group_left', channel: 'G0PRIV', actor_id: 'U0AE', event_ts: 'string' },
      {
        type: 'member_joined_channel',
        user: fake.botUserId,
        channel: 'C0PUB',
        channel_type: 'C',
        team: TEAM,
        inviter: 'U0AE',
        event_ts: 'string',
      },
    ]);
    expect(app.received.map((r) => r.seen)).toEqual([{ pub: false }, { pub: false }, { pub: true }]);
    expect(app.received.every((r) => r.signed)).toBe(true);
    expect(await answer((c) => c.chat.postMessage({ channel: 'C0PUB', text: 'back' }))).toBe('ok');
    expect(await answer((c) => c.chat.postMessage({ channel: 'G0PRIV', text: 'gone' }))).toBe(
      'not_in_channel',
    );
    // What Slack would not let happen is a mistake of the caller.
    await expect(fake.removeApp('G0PRIV', 'U0AE')).rejects.toThrow(/not in G0PRIV/);
    await expect(fake.inviteApp('C0PUB', 'U0AE')).rejects.toThrow(/already in C0PUB/);
    await expect(fake.removeApp('C0NONE', 'U0AE')).rejects.toThrow(/no channel/);
  });

  it('revokeBotToken: the token is answered token_revoked before tokens_revoked arrives; events still come; an uninstall then sends only app_uninstalled', async () => {
    app = await appServer(() => answer((c) => c.auth.test()));
    fake.subscribeEvents(app.url, SECRET);
    expect(await answer((c) => c.auth.test())).toBe('ok');
    await fake.revokeBotToken();
    expect(app.received[0]).toMatchObject({
      event: { type: 'tokens_revoked', tokens: { bot: [fake.botUserId] } },
      signed: true,
      seen: 'token_revoked',
    });
    expect(fake.tokenLoss).toBe('tokens_revoked');
    // The bot user is deactivated and out of its channels; it cannot be invited back.
    expect(fake.channels().every((c) => !c.members.includes(fake.botUserId))).toBe(true);
    await expect(fake.inviteApp('C0PUB', 'U0AE')).rejects.toThrow(/bot user is gone/);
    // Another token is still not this app's.
    expect(await slackAnswer(slackClient(fake, 'xoxb-someone-else').auth.test())).toBe('invalid_auth');
    // The app is still installed: a status change is still told.
    await fake.changeStatus('U0AE', { text: 'Out sick', emoji: ':face_with_thermometer:' });
    expect(app.received.map((r) => r.event.type)).toEqual(['tokens_revoked', 'user_status_changed']);
    // Revoked twice is a mistake; an uninstall after it sends only app_uninstalled.
    await expect(fake.revokeBotToken()).rejects.toThrow(/already gone/);
    const deliveries = await fake.uninstallApp();
    expect(deliveries.map((d) => d.envelope.event.type)).toEqual(['app_uninstalled']);
    expect(app.received.map((r) => r.event.type)).toEqual([
      'tokens_revoked',
      'user_status_changed',
      'app_uninstalled',
    ]);
  });

  it('uninstallApp: the token is refused, app_uninstalled then tokens_revoked, then no event at all', async () => {
    app = await appServer(() => answer((c) => c.chat.postMessage({ channel: 'C0PUB', text: 'hi' })));
    fake.subscribeEvents(app.url, SECRET);
    const deliveries = await fake.uninstallApp();
    expect(deliveries.map((d) => [d.envelope.event, d.status])).toEqual([
      [{ type: 'app_uninstalled' }, 200],
      [{ type: 'tokens_revoked', tokens: { bot: [fake.botUserId] } }, 200],
    ]);
    expect(app.received.map((r) => r.seen)).toEqual(['token_revoked', 'token_revoked']);
    expect(fake.tokenLoss).toBe('app_uninstalled');
    expect(fake.eventsUrl).toBeUndefined();
    // Slack sends an uninstalled app nothing: the status changes, the app is not told.
    const later = await fake.changeStatus('U0AE', { text: 'Vacation', emoji: ':palm_tree:' });
    expect(later.status).toBeUndefined();
    expect(app.received).toHaveLength(2);
    await expect(fake.uninstallApp()).rejects.toThrow(/not installed/);
  });
});
