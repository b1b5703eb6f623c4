import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OAUTH_APP as APP,
  slackAnswer as answer,
  authorizeUrl as appAuthorizeUrl,
  eventsReceiver,
  eventType,
  exchangeCode,
  refreshToken,
  slackClient,
} from '../../support/fakeClients.js';
import { MASKED_SECRET, OAUTH_CODE_TTL_MS, ROTATING_TOKEN_TTL_S } from '../../support/fakeSlack/oauth.js';
import { FakeSlack } from '../../support/fakeSlack.js';

/**
 * Slack's OAuth v2 install flow on the fake (fakeSlack/oauth.ts): the authorize page answered as if the installer
 * clicked Allow, oauth.v2.access for a one-time code or a refresh token, and which bot tokens the Web API accepts.
 */

const TEAM = 'T0INTERNAL';
const START = Date.parse('2026-12-08T15:00:00Z');
const SCOPES = 'chat:write,users:read,team:read';

let fake: FakeSlack;
let clock: number;

const withToken = (token: string) => slackClient(fake, token);
const authorizeUrl = (params: Record<string, string> = {}) =>
  appAuthorizeUrl(fake, { scope: SCOPES, ...params });

/** The browser opens the authorize URL: the fake's answer, not followed. */
async function openAuthorize(params: Record<string, string> = {}) {
  const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

/** Goes through the authorize page: the code Slack sends back to the redirect URI. */
async function codeFromPage(params: Record<string, string> = {}): Promise<string> {
  const { status, location } = await openAuthorize(params);
  expect(status).toBe(302);
  return new URL(location ?? '').searchParams.get('code') ?? '';
}

const exchange = (code: string, extra: Record<string, string> = {}) => exchangeCode(fake, code, extra);

beforeEach(async () => {
  clock = START;
  fake = await FakeSlack.start({ teamId: TEAM, now: () => clock });
  fake.addUser({ id: 'U0OWNER', team_id: TEAM, name: 'olu', real_name: 'Olu Owner' });
  fake.addUser({ id: 'U0GUEST', team_id: TEAM, name: 'gus', is_restricted: true });
  fake.addChannel({ id: 'C0PUB', name: 'partner-marketing', members: ['U0OWNER', fake.botUserId] });
});
afterEach(async () => {
  await fake.stop();
});

describe('FakeSlack OAuth: no app registered', () => {
  it('oauth.v2.access answers invalid_client_id and the authorize page refuses the client id', async () => {
    expect(await answer(exchange('whatever'))).toBe('invalid_client_id');
    const page = await openAuthorize();
    expect(page.status).toBe(400);
    expect(page.body).toContain('invalid_client_id');
  });
});

describe('FakeSlack OAuth: the code flow', () => {
  beforeEach(() => {
    fake.oauthApp = { ...APP };
  });

  it('the page redirects with a code and the state; the code buys the bot token, in Slack’s shape', async () => {
    // Installed already with one scope: an install adds the scopes it asks for (Slack's grants accumulate).
    fake.grantedScopes = ['commands'];
    const page = await openAuthorize();
    expect(page.status).toBe(302);
    const location = new URL(page.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(APP.redirectUri);
    expect(location.searchParams.get('state')).toBe('st4te');
    const code = location.searchParams.get('code') ?? '';
    expect(code).not.toBe('');

    const res = await exchange(code);
    expect({ ...res, response_metadata: undefined }).toStrictEqual({
      ok: true,
      app_id: fake.appId,
      authed_user: { id: 'U0OWNER' },
      scope: `commands,${SCOPES}`,
      token_type: 'bot',
      access_token: 'xoxb-test-token',
      bot_user_id: fake.botUserId,
      team: { id: TEAM, name: 'Acme Corp' },
      enterprise: null,
      is_enterprise_install: false,
      response_metadata: undefined,
    });
    expect(fake.token).toBe('xoxb-test-token');
    // The token works, and says the scopes the install granted.
    const auth = await withToken(res.access_token ?? '').auth.test();
    expect(auth.response_metadata?.scopes).toEqual(['commands', ...SCOPES.split(',')]);
    // Recorded like any call, the client secret masked.
    const [call] = fake.callsTo('oauth.v2.access');
    expect(call?.args).toMatchObject({ client_id: APP.clientId, client_secret: MASKED_SECRET, code });
    expect(JSON.stringify(fake.calls)).not.toContain(APP.clientSecret);
  });

  it('a code is single-use, expires 10 minutes after the page issued it (the fake’s clock); an unknown one is refused the same way', async () => {
    const late = await codeFromPage();
    const inTime = await codeFromPage();
    clock += OAUTH_CODE_TTL_MS;
    expect(await answer(exchange(inTime))).toBe('ok');
    expect(await answer(exchange(inTime))).toBe('invalid_code');
    expect(await answer(exchange('123.456.nope'))).toBe('invalid_code');
    clock += 1;
    expect(await answer(exchange(late))).toBe('invalid_code');
  });

  it('client credentials: a wrong secret or client id is refused; HTTP Basic auth works as the parameters do', async () => {
    const code = await codeFromPage();
    expect(await answer(exchange(code, { client_secret: 'wrong' }))).toBe('bad_client_secret');
    expect(await answer(exchange(code, { client_id: '9999.0000' }))).toBe('invalid_client_id');
    const basic = (secret: string) =>
      fetch(`${fake.apiUrl}oauth.v2.access`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${APP.clientId}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ code, redirect_uri: APP.redirectUri }).toString(),
      }).then((r) => r.json() as Promise<{ ok: boolean; error?: string; access_token?: string }>);
    expect(await basic('wrong')).toStrictEqual({ ok: false, error: 'bad_client_secret' });
    expect(await basic(APP.clientSecret)).toMatchObject({ ok: true, access_token: fake.token });
  });

  it('redirect_uri: the page refuses one not registered; the exchange needs the one the page was given', async () => {
    const page = await openAuthorize({ redirect_uri: 'https://evil.example.com/cb' });
    expect(page.status).toBe(400);
    expect(page.body).toContain('bad_redirect_uri');
    expect(() => fake.approveInstall(authorizeUrl({ redirect_uri: 'https://evil.example.com/cb' }))).toThrow(
      /bad_redirect_uri/,
    );
    const code = await codeFromPage();
    expect(await answer(exchange(code, { redirect_uri: 'https://handoff.example.com/other' }))).toBe(
      'bad_redirect_uri',
    );
    // An empty redirect_uri is not a registered one; without redirect_uri, the page sends the browser to it.
    expect((await openAuthorize({ redirect_uri: '' })).status).toBe(400);
    const url = new URL(fake.authorizeUrl);
    url.searchParams.set('client_id', APP.clientId);
    url.searchParams.set('scope', SCOPES);
    expect(fake.approveInstall(url.href)).toMatch(
      /^https:\/\/handoff\.example\.com\/slack\/oauth_redirect\?code=/,
    );
  });

  it('approveInstall: the installer’s choice without HTTP; a guest cannot install; Cancel sends access_denied', () => {
    const allowed = new URL(fake.approveInstall(authorizeUrl()));
    expect(allowed.searchParams.get('state')).toBe('st4te');
    expect(allowed.searchParams.get('code')).toBeTruthy();
    const denied = new URL(fake.approveInstall(authorizeUrl(), { deny: true }));
    expect(Object.fromEntries(denied.searchParams)).toStrictEqual({ error: 'access_denied', state: 'st4te' });
    expect(() => fake.approveInstall(authorizeUrl(), { installer: 'U0GUEST' })).toThrow(
      /installer_not_allowed/,
    );
    fake.installer = 'U0NOBODY';
    expect(() => fake.approveInstall(authorizeUrl())).toThrow(/installer_not_allowed/);
  });

  it('scopes: the page refuses a URL asking for none, or for one the app may not ask; user scopes give authed_user a user token', async () => {
    fake.oauthApp = { ...APP, scopes: SCOPES.split(',') };
    expect((await openAuthorize({ scope: '' })).body).toContain('invalid_scope');
    const page = await openAuthorize({ scope: `${SCOPES},admin` });
    expect(page.status).toBe(400);
    expect(page.body).toContain('admin');
    const code = await codeFromPage({ user_scope: 'identity.basic' });
    const res = await exchange(code);
    expect(res.authed_user).toMatchObject({ id: 'U0OWNER', scope: 'identity.basic', token_type: 'user' });
    expect(res.authed_user?.access_token).toMatch(/^xoxp-/);
  });
});

describe('FakeSlack OAuth: token rotation', () => {
  beforeEach(() => {
    fake.oauthApp = { ...APP, tokenRotation: true };
  });

  it('expiring access tokens, single-use refresh tokens (refused with wrong credentials), token_expired past 12 hours', async () => {
    const first = await exchange(await codeFromPage());
    expect(first).toMatchObject({ ok: true, token_type: 'bot', expires_in: ROTATING_TOKEN_TTL_S });
    expect(first.access_token).toMatch(/^xoxe\.xoxb-/);
    expect(first.refresh_token).toMatch(/^xoxe-1-/);
    expect(fake.token).toBe(first.access_token);
    expect(await answer(withToken(first.access_token ?? '').auth.test())).toBe('ok');

    clock += 11 * 3600_000;
    const refresh = () => refreshToken(fake, first.refresh_token ?? '');
    const second = await refresh();
    expect(second).toMatchObject({
      ok: true,
      app_id: fake.appId,
      token_type: 'bot',
      bot_user_id: fake.botUserId,
      expires_in: ROTATING_TOKEN_TTL_S,
      team: { id: TEAM, name: 'Acme Corp' },
      enterprise: null,
      is_enterprise_install: false,
    });
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(fake.token).toBe(second.access_token);
    // The refresh token is spent.
    expect(await answer(refresh())).toBe('invalid_refresh_token');
    // The old access token lives until its own expiry.
    expect(await answer(withToken(first.access_token ?? '').auth.test())).toBe('ok');
    clock += 3600_000;
    expect(await answer(withToken(first.access_token ?? '').auth.test())).toBe('token_expired');
    const posted = withToken(second.access_token ?? '').chat.postMessage({
      channel: 'C0PUB',
      text: 'still here',
    });
    expect(await answer(posted)).toBe('ok');
    expect(fake.messages('C0PUB').map((m) => m.text)).toEqual(['still here']);
    // The long-lived token of before rotation was turned on still works, as on Slack.
    expect(await answer(withToken('xoxb-test-token').auth.test())).toBe('ok');
    // Wrong credentials or an unknown token are refused too.
    expect(await answer(refreshToken(fake, second.refresh_token ?? '', 'wrong'))).toBe('bad_client_secret');
    expect(await answer(refreshToken(fake, 'xoxe-1-unknown'))).toBe('invalid_refresh_token');
    expect(await answer(refreshToken(fake, second.refresh_token ?? ''))).toBe('ok');
  });
});

describe('FakeSlack OAuth: uninstall, then reinstall', () => {
  it('a new code after uninstallApp brings the app back with a new token; the old one stays revoked', async () => {
    fake.oauthApp = { ...APP };
    const app = await eventsReceiver(eventType);
    try {
      fake.subscribeEvents(app.url, 'secret');
      const old = fake.token;
      await fake.uninstallApp();
      expect(fake.eventsUrl).toBeUndefined();
      expect(await answer(withToken(old).auth.test())).toBe('token_revoked');

      const res = await exchange(await codeFromPage());
      expect(res.access_token).toMatch(/^xoxb-/);
      expect(res.access_token).not.toBe(old);
      expect(fake.token).toBe(res.access_token);
      expect(fake.tokenLoss).toBeUndefined();
      expect(fake.eventsUrl).toBe(app.url);
      // A new install: its scopes only.
      expect(res.scope).toBe(SCOPES);
      expect(fake.grantedScopes).toEqual(SCOPES.split(','));
      expect(await answer(withToken(res.access_token ?? '').auth.test())).toBe('ok');
      expect(await answer(withToken(old).auth.test())).toBe('token_revoked');
      // The bot user is back, in no channel: it can be invited again, and posts there.
      await fake.inviteApp('C0PUB', 'U0OWNER');
      const posted = withToken(fake.token).chat.postMessage({ channel: 'C0PUB', text: 'back' });
      expect(await answer(posted)).toBe('ok');
      // And it can be uninstalled again.
      await fake.uninstallApp();
      expect(await answer(withToken(res.access_token ?? '').auth.test())).toBe('token_revoked');
      expect(app.received).toEqual([
        'app_uninstalled',
        'tokens_revoked',
        'member_joined_channel',
        'app_uninstalled',
        'tokens_revoked',
      ]);
    } finally {
      await app.close();
    }
  });

  it('with token rotation: the revoked refresh token stays refused, the new install’s tokens work', async () => {
    fake.oauthApp = { ...APP, tokenRotation: true };
    const before = await exchange(await codeFromPage());
    await fake.revokeBotToken();
    expect(await answer(withToken(before.access_token ?? '').auth.test())).toBe('token_revoked');
    const after = await exchange(await codeFromPage());
    expect(fake.tokenLoss).toBeUndefined();
    expect(await answer(withToken(after.access_token ?? '').auth.test())).toBe('ok');
    expect(await answer(withToken(before.access_token ?? '').auth.test())).toBe('token_revoked');
    expect(await answer(refreshToken(fake, before.refresh_token ?? ''))).toBe('invalid_refresh_token');
  });
});
