import type { UsersInfoResponse } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  slackAnswer as answer,
  authorizeUrl as appAuthorizeUrl,
  eventsReceiver,
  exchangeCode,
  OAUTH_APP,
  slackClient,
} from '../../support/fakeClients.js';
import { FakeSlack, type FakeWorkspace } from '../../support/fakeSlack.js';

/**
 * The fake's own workspace as a workspace of an Enterprise Grid org (the `enterprise` option of FakeSlack.start),
 * auth.teams.list, an org-wide install's access granted and revoked per workspace, and `enterprise_user` in
 * users.info.
 */

const TEAM = 'T0INTERNAL';
const ORG = 'E0ORG';
const APP = { ...OAUTH_APP, orgDeploy: true };

let fake: FakeSlack;
let stopReceiver: (() => Promise<unknown>) | undefined;

afterEach(async () => {
  await stopReceiver?.();
  stopReceiver = undefined;
  await fake.stop();
});

const client = (token: string) => slackClient(fake, token);
const authorizeUrl = () => appAuthorizeUrl(fake);

/** An org-wide install through the authorize page and oauth.v2.access, by `installer`. */
const installOrgWide = (installer: string) =>
  exchangeCode(fake, fake.approveInstall(authorizeUrl(), { enterprise: ORG, installer }));

/** Subscribes the fake's events to a local server that answers 200; the bodies it received. */
async function receiveEvents(): Promise<unknown[]> {
  const app = await eventsReceiver((body) => JSON.parse(body) as unknown);
  stopReceiver = app.close;
  fake.subscribeEvents(app.url, 'secret');
  return app.received;
}

describe('FakeSlack without the enterprise option', () => {
  it('belongs to no org: no enterprise ids, no enterprise_user, auth.teams.list lists its one workspace', async () => {
    fake = await FakeSlack.start({ teamId: TEAM });
    fake.addUser({ id: 'U0ADA', team_id: TEAM, name: 'ada' });
    expect(fake.enterpriseId).toBeUndefined();
    expect(fake.botUserId).toBe('UBOT');
    const a = client(fake.token);
    const info = await a.users.info({ user: 'U0ADA' });
    expect(info.user).not.toHaveProperty('enterprise_user');
    expect((await a.team.info({})).team).not.toHaveProperty('enterprise_id');
    expect(await a.auth.teams.list({})).toMatchObject({
      ok: true,
      teams: [{ id: TEAM, name: 'Acme Corp' }],
      response_metadata: { next_cursor: '' },
    });
    const delivery = await fake.deliver({ type: 'app_uninstalled' });
    expect(Object.keys(delivery.envelope)).toEqual([
      'token',
      'team_id',
      'api_app_id',
      'event',
      'type',
      'event_id',
      'event_time',
      'authorizations',
      'event_context',
      'is_ext_shared_channel',
    ]);
    expect(delivery.envelope.authorizations).toEqual([
      { team_id: TEAM, user_id: 'UBOT', is_bot: true, is_enterprise_install: false },
    ]);
  });
});

describe('FakeSlack: the own workspace in an Enterprise Grid org', () => {
  let east: FakeWorkspace;

  async function startInOrg(opts: { orgWide?: boolean; botUserId?: string } = {}): Promise<void> {
    fake = await FakeSlack.start({
      teamId: TEAM,
      oauthApp: APP,
      ...(opts.botUserId ? { botUserId: opts.botUserId } : {}),
      enterprise: {
        id: ORG,
        name: 'Globex',
        ...(opts.orgWide === undefined ? {} : { orgWide: opts.orgWide }),
      },
    });
    fake.addUser({ id: 'W0ADA', team_id: TEAM, name: 'ada' });
    fake.addUser({ id: 'U0OWNER', team_id: TEAM, name: 'owner' });
    east = fake.addWorkspace({ id: 'T0EAST', name: 'Globex East', enterpriseId: ORG });
  }

  it('makes the org first and the own workspace one of its workspaces, with the org’s bot user', async () => {
    await startInOrg();
    const org = fake.enterprise(ORG);
    expect(fake.enterpriseId).toBe(ORG);
    expect(fake.botUserId).toBe('W0ORGBOT');
    expect(fake.botId).toBe('B0ORGBOT');
    expect([fake, east].map((w) => [w.teamId, w.enterpriseId, w.botUserId])).toEqual([
      [TEAM, ORG, 'W0ORGBOT'],
      ['T0EAST', ORG, 'W0ORGBOT'],
    ]);
    // The workspace token keeps working in the own workspace, and names the org.
    expect(await client(fake.token).auth.test()).toMatchObject({
      team_id: TEAM,
      user_id: 'W0ORGBOT',
      enterprise_id: ORG,
      is_enterprise_install: false,
    });
    expect((await client(fake.token).team.info({})).team).toMatchObject({
      id: TEAM,
      enterprise_id: ORG,
      enterprise_name: 'Globex',
    });
    // Installed org-wide by default, as addEnterprise: the org token works at once.
    expect((await client(org.token).auth.test()).enterprise_id).toBe(ORG);
  });

  it('keeps the bot user given as botUserId (seeded data naming UBOT), in every workspace of the org', async () => {
    await startInOrg({ botUserId: 'UBOT' });
    expect(fake.botUserId).toBe('UBOT');
    expect(east.botUserId).toBe('UBOT');
    expect(fake.users().find((u) => u.id === 'UBOT')).toMatchObject({ is_bot: true, team_id: TEAM });
  });

  it('installs org-wide through OAuth (a workspace install before names the org, not org-wide); the org token then acts in the own workspace and the org’s others', async () => {
    await startInOrg({ orgWide: false });
    const org = fake.enterprise(ORG);
    expect(await answer(client(org.token).auth.test())).toBe('invalid_auth');
    // Not installed org-wide: no team access to change; a workspace install names the org, not org-wide.
    expect(() => org.revoke(TEAM)).toThrow(/not installed org-wide/);
    expect(
      await exchangeCode(fake, fake.approveInstall(authorizeUrl(), { installer: 'U0OWNER' })),
    ).toMatchObject({
      team: { id: TEAM, name: 'Acme Corp' },
      enterprise: { id: ORG, name: 'Globex' },
      is_enterprise_install: false,
      bot_user_id: 'W0ORGBOT',
    });
    // Before: the own workspace's events name the team and the org, not an org-wide install.
    const before = await fake.changeStatus('W0ADA', { text: 'in', emoji: ':wave:' });
    expect(before.envelope).toMatchObject({
      team_id: TEAM,
      enterprise_id: ORG,
      context_team_id: TEAM,
      context_enterprise_id: ORG,
    });
    expect(before.envelope.authorizations).toEqual([
      { enterprise_id: ORG, team_id: TEAM, user_id: 'W0ORGBOT', is_bot: true, is_enterprise_install: false },
    ]);

    // An app not enabled for org-wide installs cannot be installed so; the seeded owner installs this one.
    fake.oauthApp = OAUTH_APP;
    expect(() => fake.approveInstall(authorizeUrl(), { enterprise: ORG, installer: 'U0OWNER' })).toThrow(
      /org_deploy_not_enabled/,
    );
    fake.oauthApp = APP;
    const res = await installOrgWide('U0OWNER');
    expect(res).toMatchObject({
      ok: true,
      team: null,
      enterprise: { id: ORG, name: 'Globex' },
      is_enterprise_install: true,
      bot_user_id: 'W0ORGBOT',
      access_token: org.token,
    });

    const o = client(res.access_token ?? '');
    expect(await o.auth.test()).toMatchObject({
      team_id: ORG,
      enterprise_id: ORG,
      user_id: 'W0ORGBOT',
      is_enterprise_install: true,
    });
    // Where Slack needs team_id with the org token; elsewhere the conversation, person or view says.
    for (const method of ['usergroups.list', 'usergroups.users.list'])
      expect(await answer(o.apiCall(method, {}))).toBe('missing_argument');
    expect(await answer(o.chat.postMessage({ channel: 'C0NOWHERE', text: 'no' }))).toBe('channel_not_found');
    expect(await answer(o.usergroups.list({ team_id: TEAM }))).toBe('ok');
    expect((await o.users.info({ user: 'W0ADA' })).user?.team_id).toBe(TEAM);
    // Views of the own workspace: a Home tab, and a modal opened with one of its trigger ids.
    await o.views.publish({ user_id: 'W0ADA', view: { type: 'home', blocks: [] } });
    expect(fake.homeView('W0ADA')).toMatchObject({ type: 'home', team_id: TEAM });
    const opened = await o.views.open({
      trigger_id: fake.issueTriggerId(),
      view: { type: 'modal', title: { type: 'plain_text', text: 'Hi' }, blocks: [] },
    });
    expect(fake.view(opened.view?.id ?? '')).toMatchObject({ type: 'modal' });

    // After: the own workspace's events carry the org-wide authorization.
    const after = await fake.changeStatus('W0ADA', { text: 'out', emoji: ':zzz:' });
    expect(after.envelope).toMatchObject({
      team_id: TEAM,
      enterprise_id: ORG,
      context_team_id: TEAM,
      context_enterprise_id: ORG,
    });
    expect(after.envelope.authorizations).toEqual([
      { enterprise_id: ORG, team_id: null, user_id: 'W0ORGBOT', is_bot: true, is_enterprise_install: true },
    ]);
    // Any event, as the own workspace, in the same shape.
    const home = await fake.deliver({ type: 'app_uninstalled' });
    expect(home.envelope).toMatchObject({ team_id: TEAM, enterprise_id: ORG, context_enterprise_id: ORG });
    expect(home.envelope.authorizations[0]).toMatchObject({ team_id: null, is_enterprise_install: true });
  });
});

describe('FakeSlack: auth.teams.list and team access of an org-wide install', () => {
  async function startOrgOfThree(): Promise<void> {
    fake = await FakeSlack.start({ teamId: TEAM, enterprise: { id: ORG, name: 'Globex' } });
    fake.addUser({ id: 'W0ADA', team_id: TEAM, name: 'ada' });
    const east = fake.addWorkspace({ id: 'T0EAST', name: 'Globex East', enterpriseId: ORG });
    const west = fake.addWorkspace({ id: 'T0WEST', name: 'Globex West', enterpriseId: ORG });
    east.addUser({ id: 'W0EVE', team_id: 'T0EAST', name: 'eve' });
    west.addUser({ id: 'W0WES', team_id: 'T0WEST', name: 'wes' });
    west.addChannel({ id: 'C0WEST', name: 'west-deals', members: [west.botUserId, 'W0WES'] });
  }

  it('lists the org’s workspaces for the org token, page by page', async () => {
    await startOrgOfThree();
    const o = client(fake.enterprise(ORG).token);
    expect(await o.auth.teams.list({})).toMatchObject({
      ok: true,
      teams: [
        { id: TEAM, name: 'Acme Corp' },
        { id: 'T0EAST', name: 'Globex East' },
        { id: 'T0WEST', name: 'Globex West' },
      ],
      response_metadata: { next_cursor: '' },
    });
    const first = await o.auth.teams.list({ limit: 2 });
    expect(first.teams?.map((t) => t.id)).toEqual([TEAM, 'T0EAST']);
    const cursor = first.response_metadata?.next_cursor ?? '';
    expect(cursor).not.toBe('');
    const second = await o.auth.teams.list({ limit: 2, cursor });
    expect(second.teams?.map((t) => t.id)).toEqual(['T0WEST']);
    expect(second.response_metadata?.next_cursor).toBe('');
    // Paging all of them with the SDK's paginate.
    const ids: string[] = [];
    for await (const page of o.paginate('auth.teams.list', { limit: 1 })) {
      ids.push(...((page as { teams?: { id: string }[] }).teams ?? []).map((t) => t.id));
    }
    expect(ids).toEqual([TEAM, 'T0EAST', 'T0WEST']);
    expect(await answer(o.auth.teams.list({ limit: 0 }))).toBe('invalid_limit');
    expect(await answer(o.auth.teams.list({ limit: 1001 }))).toBe('invalid_limit');
    expect(await answer(o.auth.teams.list({ cursor: 'bogus' }))).toBe('invalid_cursor');
    // A workspace token lists its own workspace.
    expect((await client(fake.workspaceOf('T0EAST').token).auth.teams.list({})).teams).toEqual([
      { id: 'T0EAST', name: 'Globex East' },
    ]);
  });

  it('revokes and grants a workspace: the org token, auth.teams.list and events follow', async () => {
    await startOrgOfThree();
    const org = fake.enterprise(ORG);
    const west = fake.workspaceOf('T0WEST');
    const received = await receiveEvents();
    const o = client(org.token);

    const revoked = await org.revoke('T0WEST');
    expect(revoked.status).toBe(200);
    expect(revoked.envelope).toMatchObject({
      team_id: 'T0WEST',
      enterprise_id: ORG,
      event: { type: 'team_access_revoked', team_ids: ['T0WEST'] },
      authorizations: [{ enterprise_id: ORG, team_id: null, is_enterprise_install: true }],
    });
    expect((await o.auth.teams.list({})).teams?.map((t) => t.id)).toEqual([TEAM, 'T0EAST']);
    expect(await answer(o.usergroups.list({ team_id: 'T0WEST' }))).toBe('team_access_not_granted');
    expect(await answer(o.chat.postMessage({ channel: 'C0WEST', text: 'no' }))).toBe('channel_not_found');
    // Its events are recorded, not sent; the others' still are.
    const quiet = await west.changeStatus('W0WES', { text: 'off', emoji: ':zzz:' });
    expect(quiet.status).toBeUndefined();
    expect((await fake.changeStatus('W0ADA', { text: 'in', emoji: ':wave:' })).status).toBe(200);
    expect(received).toHaveLength(2);
    expect(() => org.revoke('T0WEST')).toThrow(/already revoked/);
    expect(() => org.revoke('T0NOBODY')).toThrow(/not a workspace of E0ORG/);

    const granted = await org.grant('T0WEST');
    expect(granted.envelope.event).toMatchObject({ type: 'team_access_granted', team_ids: ['T0WEST'] });
    expect((await o.auth.teams.list({})).teams?.map((t) => t.id)).toEqual([TEAM, 'T0EAST', 'T0WEST']);
    await o.chat.postMessage({ channel: 'C0WEST', text: 'back' });
    expect(west.messages('C0WEST').map((m) => m.text)).toEqual(['back']);
    expect((await west.changeStatus('W0WES', { text: 'on', emoji: ':sun:' })).status).toBe(200);
    expect(() => org.grant('T0WEST')).toThrow(/already granted/);
  });
});

describe('FakeSlack: enterprise_user of an org’s people', () => {
  it('answers users.info with enterprise_user; team_id stays the person’s workspace', async () => {
    fake = await FakeSlack.start({ teamId: TEAM, enterprise: { id: ORG, name: 'Globex' } });
    fake.addTeam({ id: 'T0PARTNER', name: 'Partner Co' });
    fake.addUser({ id: 'W0ADA', team_id: TEAM, name: 'ada' });
    fake.addUser({ id: 'U0EXT', team_id: 'T0PARTNER', name: 'pat' });
    const east = fake.addWorkspace({ id: 'T0EAST', name: 'Globex East', enterpriseId: ORG });
    // Ada is a member of East too (the same person in the org).
    east.addUser({ id: 'W0ADA', team_id: TEAM, name: 'ada' });
    east.addUser({ id: 'W0EVE', team_id: 'T0EAST', name: 'eve' });
    const outside = fake.addWorkspace({ id: 'T0OUT', name: 'Outside' });
    outside.addUser({ id: 'U0OLI', team_id: 'T0OUT', name: 'oli' });

    const a = client(fake.token);
    const ada = (await a.users.info({ user: 'W0ADA' })).user;
    expect(ada?.team_id).toBe(TEAM);
    expect(ada?.enterprise_user).toEqual({
      id: 'W0ADA',
      enterprise_id: ORG,
      enterprise_name: 'Globex',
      is_admin: false,
      is_owner: false,
      teams: [TEAM, 'T0EAST'],
    });
    // A person of an external organization met in a shared channel is not the org's.
    expect((await a.users.info({ user: 'U0EXT' })).user).not.toHaveProperty('enterprise_user');

    const o = client(fake.enterprise(ORG).token);
    const inEast = async (user: string) =>
      ((await o.apiCall('users.info', { user, team_id: 'T0EAST' })) as UsersInfoResponse).user;
    const eastMembers = [await inEast('W0ORGBOT'), await inEast('W0EVE')];
    expect(eastMembers.map((u) => [u?.id, u?.team_id, u?.enterprise_user?.teams])).toEqual([
      // The org's one bot user is in both workspaces: its own one first.
      ['W0ORGBOT', 'T0EAST', ['T0EAST', TEAM]],
      ['W0EVE', 'T0EAST', ['T0EAST']],
    ]);
    expect((await o.users.info({ user: 'W0EVE' })).user?.enterprise_user?.enterprise_id).toBe(ORG);

    // Outside the org: no enterprise_user.
    expect((await client(outside.token).users.info({ user: 'U0OLI' })).user).not.toHaveProperty(
      'enterprise_user',
    );
  });
});
