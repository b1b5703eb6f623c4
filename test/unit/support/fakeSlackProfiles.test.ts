import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../support/clock.js';
import { platformError, slackClient } from '../../support/fakeClients.js';
import { FakeSlack, type FakeSlackOptions } from '../../support/fakeSlack.js';

let fake: FakeSlack;

const client = () => slackClient(fake, fake.token, { rejectRateLimitedCalls: true });

async function start(opts: FakeSlackOptions = {}): Promise<void> {
  fake = await FakeSlack.start(opts);
  fake.addUser({
    id: 'U1',
    team_id: fake.teamId,
    name: 'ada',
    real_name: 'Ada Lovelace',
    tz: 'Europe/London',
  });
  fake.addUser({ id: 'U2', team_id: fake.teamId, name: 'grace', real_name: 'Grace Hopper' });
}

const statusOf = async (user: string) => {
  const { profile } = await client().users.profile.get({ user });
  return {
    status_text: profile?.status_text,
    status_emoji: profile?.status_emoji,
    status_expiration: profile?.status_expiration,
  };
};
const CLEARED = { status_text: '', status_emoji: '', status_expiration: 0 };

afterEach(async () => {
  await fake?.stop();
});

describe('users.profile.get', () => {
  beforeEach(() => start());

  it('answers the profile in Slack’s shape (no status by default, names normalized: accents removed), the bot’s without a user, user_not_found', async () => {
    expect(await platformError(client().users.profile.get({ user: 'UNOPE' }))).toMatchObject({
      ok: false,
      error: 'user_not_found',
    });
    expect(fake.calls.map((c) => ({ method: c.method, ok: c.ok, status: c.status }))).toEqual([
      { method: 'users.profile.get', ok: false, status: 200 },
    ]);
    expect(fake.callsTo('users.profile.get')).toEqual([]);
    const res = await client().users.profile.get({ user: 'U1' });
    expect(res.ok).toBe(true);
    expect(res.profile).toEqual({
      title: '',
      phone: '',
      skype: '',
      real_name: 'Ada Lovelace',
      real_name_normalized: 'Ada Lovelace',
      display_name: 'ada',
      display_name_normalized: 'ada',
      fields: {},
      status_text: '',
      status_text_canonical: '',
      status_emoji: '',
      status_emoji_display_info: [],
      status_expiration: 0,
      avatar_hash: '',
      first_name: 'Ada',
      last_name: 'Lovelace',
      team: fake.teamId,
    });
    expect(fake.callsTo('users.profile.get').map((c) => c.args)).toEqual([{ user: 'U1' }]);
    fake.addUser({ id: 'U3', team_id: fake.teamId, name: 'zoë', real_name: 'Zoë Ångström' });
    const { profile } = await client().users.profile.get({ user: 'U3' });
    expect(profile).toMatchObject({
      real_name: 'Zoë Ångström',
      real_name_normalized: 'Zoe Angstrom',
      display_name_normalized: 'zoe',
    });
    expect((await client().users.profile.get({})).profile).toMatchObject({
      display_name: 'bot',
      bot_id: fake.botId,
      api_app_id: fake.appId,
      always_active: true,
    });
  });

  it('shows a status set with setStatus, in users.info too; none, or null: until changed; expired: cleared (real time by default); one given with addUser; users() hands out copies; setStatus throws for an unknown user', async () => {
    fake.setStatus('U1', { text: 'In a meeting', emoji: ':spiral_calendar_pad:' });
    expect(await statusOf('U1')).toEqual({
      status_text: 'In a meeting',
      status_emoji: ':spiral_calendar_pad:',
      status_expiration: 0,
    });
    fake.setStatus('U1', { text: 'Out sick', emoji: ':face_with_thermometer:', expiration: null });
    expect(await statusOf('U1')).toEqual({
      status_text: 'Out sick',
      status_emoji: ':face_with_thermometer:',
      status_expiration: 0,
    });
    // Other users keep theirs (none).
    expect(await statusOf('U2')).toEqual(CLEARED);
    fake.setStatus('U1', { text: 'Lunch', emoji: ':sandwich:', expiration: new Date(Date.now() - 1_000) });
    expect(await statusOf('U1')).toEqual(CLEARED);
    fake.setStatus('U1', { text: 'On vacation', emoji: ':palm_tree:' });
    const { user } = await client().users.info({ user: 'U1' });
    expect(user?.profile).toMatchObject({
      real_name: 'Ada Lovelace',
      display_name: 'ada',
      status_text: 'On vacation',
      status_emoji: ':palm_tree:',
      status_expiration: 0,
    });
    fake.addUser({
      id: 'U3',
      team_id: fake.teamId,
      name: 'ken',
      profile: { status_text: 'Travelling', status_emoji: ':airplane:' },
    });
    expect(await statusOf('U3')).toEqual({
      status_text: 'Travelling',
      status_emoji: ':airplane:',
      status_expiration: 0,
    });
    const copy = fake.users().find((u) => u.id === 'U3');
    expect(copy?.profile).toEqual({ status_text: 'Travelling', status_emoji: ':airplane:' });
    if (copy?.profile) copy.profile.status_text = 'changed';
    expect((await statusOf('U3')).status_text).toBe('Travelling');
    expect(() => fake.setStatus('UNOPE', { text: 'x', emoji: ':x:' })).toThrow(/no user UNOPE/);
  });
});

describe('status expiry by the fake’s clock', () => {
  it('follows the `now` option (a test clock), or fake.now set later', async () => {
    const clock = new TestClock(new Date('2026-03-02T09:00:00Z'));
    await start({ now: () => clock.now().getTime() });
    fake.setStatus('U1', { text: 'Offsite', emoji: ':tent:', expiration: new Date('2026-03-02T17:00:00Z') });
    expect(await statusOf('U1')).toEqual({
      status_text: 'Offsite',
      status_emoji: ':tent:',
      status_expiration: Date.parse('2026-03-02T17:00:00Z') / 1000,
    });
    clock.set('2026-03-02T16:59:59Z');
    expect((await statusOf('U1')).status_text).toBe('Offsite');
    // At its expiration Slack clears it.
    clock.set('2026-03-02T17:00:00Z');
    expect(await statusOf('U1')).toEqual(CLEARED);
    const { user } = await client().users.info({ user: 'U1' });
    expect(user?.profile).toMatchObject(CLEARED);
    // Replaced later as fake.now.
    fake.setStatus('U1', { text: 'Offsite', emoji: ':tent:', expiration: new Date('2030-01-01T00:00:00Z') });
    expect((await statusOf('U1')).status_text).toBe('Offsite');
    fake.now = () => Date.parse('2030-01-01T00:00:01Z');
    expect(await statusOf('U1')).toEqual(CLEARED);
  });
});

describe('usergroups.users.list', () => {
  beforeEach(() => start());

  it('lists a group’s members (its own copy, replaced when added again, empty too); refuses an unknown group or none; reset() keeps groups and statuses', async () => {
    expect((await platformError(client().usergroups.users.list({ usergroup: 'S0NOPE' }))).error).toBe(
      'no_such_subteam',
    );
    const missing = await platformError(client().apiCall('usergroups.users.list', {}));
    expect(missing.error).toBe('invalid_arguments');
    expect(missing.response_metadata?.messages).toEqual(['[ERROR] missing required field: usergroup']);
    expect(fake.calls.map((c) => [c.method, c.ok])).toEqual([
      ['usergroups.users.list', false],
      ['usergroups.users.list', false],
    ]);
    fake.addUserGroup('S0EMEA', ['U1', 'U2', 'W0EXTERNAL']);
    const res = await client().usergroups.users.list({ usergroup: 'S0EMEA' });
    expect(res.ok).toBe(true);
    expect(res.users).toEqual(['U1', 'U2', 'W0EXTERNAL']);
    expect(fake.callsTo('usergroups.users.list').map((c) => c.args)).toEqual([{ usergroup: 'S0EMEA' }]);
    const members = ['U1'];
    fake.addUserGroup('S0EMEA', members);
    members.push('U2');
    expect((await client().usergroups.users.list({ usergroup: 'S0EMEA' })).users).toEqual(['U1']);
    fake.addUserGroup('S0EMPTY', []);
    expect((await client().usergroups.users.list({ usergroup: 'S0EMPTY' })).users).toEqual([]);
    fake.setStatus('U1', { text: 'Away', emoji: ':zzz:' });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect((await client().usergroups.users.list({ usergroup: 'S0EMEA' })).users).toEqual(['U1']);
    expect((await statusOf('U1')).status_text).toBe('Away');
    fake.addUserGroup('S0EMEA', ['U2']);
    expect((await client().usergroups.users.list({ usergroup: 'S0EMEA' })).users).toEqual(['U2']);
  });
});
