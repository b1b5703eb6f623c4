import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { platformError as errorData, eventsReceiver, slackClient } from '../../support/fakeClients.js';
import { type EventDelivery, FakeSlack } from '../../support/fakeSlack.js';
import { startHarness } from '../../support/harness.js';
import {
  channels,
  PARTNER_TEAM,
  PARTNER_TEAM_NAME,
  RIVAL_TEAM,
  RIVAL_TEAM_NAME,
  TEAM,
  teams,
} from '../../support/people.js';

const SECRET = 'teams-test-signing-secret';

let fake: FakeSlack;

const client = () => slackClient(fake);
const platformError = async (call: Promise<unknown>) => (await errorData(call)).error;

/** The sharing fields of conversations.info, as the app would read them. */
async function sharing(channel: string) {
  const res = await client().conversations.info({ channel });
  const c = res.channel as Record<string, unknown>;
  return { shared_team_ids: c.shared_team_ids, is_shared: c.is_shared, is_ext_shared: c.is_ext_shared };
}

/** A server standing in for the app's events URL: records raw requests, answers with `status`. */
async function eventsServer(
  answer: () => { status: number; body: string } = () => ({ status: 200, body: '' }),
) {
  let onRequest: ((body: string) => Promise<unknown>) | undefined;
  const app = await eventsReceiver(
    async (body, headers) => ({ headers, body, seenSharing: await onRequest?.(body) }),
    answer,
  );
  return {
    ...app,
    /** Runs while the request is held, before the answer (what the app could look up on receiving it). */
    whileReceiving(fn: (body: string) => Promise<unknown>) {
      onRequest = fn;
    },
  };
}

beforeEach(async () => {
  fake = await FakeSlack.start();
});
afterEach(async () => {
  await fake.stop();
});

describe('FakeSlack: teams and team.info', () => {
  it('answers team.info for the own team (Slack’s shape, as auth.test names it), known external teams, else team_not_found', async () => {
    const res = await client().team.info();
    expect(res.ok).toBe(true);
    expect(res.team).toEqual({
      id: 'T0INTERNAL',
      name: 'Acme Corp',
      domain: 'acme',
      email_domain: '',
    });
    expect((await client().team.info({ team: 'T0INTERNAL' })).team?.name).toBe('Acme Corp');
    const auth = await client().auth.test();
    expect([auth.team, auth.url]).toEqual(['Acme Corp', 'https://acme.slack.com/']);
    fake.reset();
    expect(await platformError(client().team.info({ team: PARTNER_TEAM }))).toBe('team_not_found');
    fake.addTeam({ id: PARTNER_TEAM, name: PARTNER_TEAM_NAME, domain: 'meridian' });
    fake.addTeam({ id: RIVAL_TEAM, name: RIVAL_TEAM_NAME });
    expect((await client().team.info({ team: PARTNER_TEAM })).team).toMatchObject({
      id: PARTNER_TEAM,
      name: 'Meridian Cloud Consulting',
      domain: 'meridian',
      email_domain: '',
    });
    // No domain given: the name, lowercased, with hyphens.
    expect((await client().team.info({ team: RIVAL_TEAM })).team).toMatchObject({
      id: 'T0RIVAL',
      name: 'Tailspin Integrators',
      domain: 'tailspin-integrators',
    });
    expect(await platformError(client().team.info({ team: 'T0NOBODY' }))).toBe('team_not_found');
    expect(fake.calls.map((c) => [c.method, c.args.team, c.ok])).toEqual([
      ['team.info', PARTNER_TEAM, false],
      ['team.info', PARTNER_TEAM, true],
      ['team.info', RIVAL_TEAM, true],
      ['team.info', 'T0NOBODY', false],
    ]);
    expect(fake.teams().map((t) => t.id)).toEqual([TEAM, PARTNER_TEAM, RIVAL_TEAM]);
  });

  it('lets the own team be renamed (addTeam, or the teamName / teamDomain options)', async () => {
    fake.addTeam({ id: fake.teamId, name: 'Contoso Ltd', domain: 'contoso' });
    expect((await client().team.info()).team).toMatchObject({ name: 'Contoso Ltd', domain: 'contoso' });
    expect((await client().auth.test()).url).toBe('https://contoso.slack.com/');
    const other = await FakeSlack.start({ teamId: 'T0OTHER', teamName: 'Fabrikam', teamDomain: 'fab' });
    try {
      const res = await slackClient(other).team.info();
      expect(res.team).toMatchObject({ id: 'T0OTHER', name: 'Fabrikam', domain: 'fab' });
    } finally {
      await other.stop();
    }
  });
});

describe('FakeSlack: sharing channels (Slack Connect)', () => {
  beforeEach(() => {
    fake.addTeam(teams.partner);
    fake.addTeam(teams.rival);
    fake.addChannel({ id: 'C1', name: 'deals', members: [fake.botUserId] });
  });

  it('shares and unshares, as conversations.info then answers, with Slack’s event shapes', async () => {
    expect(await sharing('C1')).toEqual({ shared_team_ids: [TEAM], is_shared: false, is_ext_shared: false });

    const shared = await fake.shareChannel('C1', PARTNER_TEAM);
    // No subscription: only the state changed; nothing was delivered.
    expect(shared.status).toBeUndefined();
    expect(shared.url).toBeUndefined();
    expect(shared.envelope).toStrictEqual({
      token: 'legacy-verification-token',
      team_id: TEAM,
      api_app_id: 'AFAKEAPP',
      event: {
        type: 'channel_shared',
        connected_team_id: PARTNER_TEAM,
        channel: 'C1',
        event_ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
      },
      type: 'event_callback',
      event_id: expect.stringMatching(/^Ev[A-Z0-9]{10}$/),
      event_time: Math.floor(Number(shared.envelope.event.event_ts)),
      authorizations: [{ team_id: TEAM, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
      event_context: expect.stringMatching(/^4-[A-Za-z0-9_-]+$/),
      // The channel is shared with the partner's organization from this event on.
      is_ext_shared_channel: true,
    });
    expect(Math.abs(shared.envelope.event_time - Date.now() / 1000)).toBeLessThan(60);
    expect(await sharing('C1')).toEqual({
      shared_team_ids: [TEAM, PARTNER_TEAM],
      is_shared: true,
      is_ext_shared: true,
    });

    await fake.shareChannel('C1', RIVAL_TEAM);
    expect((await sharing('C1')).shared_team_ids).toEqual([TEAM, PARTNER_TEAM, RIVAL_TEAM]);

    const firstGone = await fake.unshareChannel('C1', PARTNER_TEAM);
    expect(firstGone.envelope.event).toStrictEqual({
      type: 'channel_unshared',
      previously_connected_team_id: PARTNER_TEAM,
      channel: 'C1',
      is_ext_shared: true,
      event_ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
    });
    expect(await sharing('C1')).toEqual({
      shared_team_ids: [TEAM, RIVAL_TEAM],
      is_shared: true,
      is_ext_shared: true,
    });

    const lastGone = await fake.unshareChannel('C1', RIVAL_TEAM);
    expect(lastGone.envelope.event).toMatchObject({
      type: 'channel_unshared',
      previously_connected_team_id: RIVAL_TEAM,
      is_ext_shared: false,
    });
    expect(await sharing('C1')).toEqual({ shared_team_ids: [TEAM], is_shared: false, is_ext_shared: false });

    // Every event recorded, in order, each with its own id and a later ts.
    const events = fake.events.map((d) => d.envelope);
    expect(events.map((e) => e.event.type)).toEqual([
      'channel_shared',
      'channel_shared',
      'channel_unshared',
      'channel_unshared',
    ]);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(4);
    const ts = events.map((e) => Number(e.event.event_ts));
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    expect(new Set(ts).size).toBe(4);
    expect(fake.channels().find((c) => c.id === 'C1')).toMatchObject({ shared_team_ids: [TEAM] });

    // reset() forgets the events, keeps teams, shared state and the subscription.
    fake.subscribeEvents('http://127.0.0.1:9/never', SECRET);
    fake.unsubscribeEvents();
    await fake.shareChannel('C1', PARTNER_TEAM);
    fake.subscribeEvents('http://127.0.0.1:9/kept', SECRET);
    fake.reset();
    expect(fake.events).toEqual([]);
    expect(fake.eventsUrl).toBe('http://127.0.0.1:9/kept');
    expect(fake.teams().map((t) => t.id)).toEqual([TEAM, PARTNER_TEAM, RIVAL_TEAM]);
    expect((await sharing('C1')).shared_team_ids).toEqual([TEAM, PARTNER_TEAM]);
  });

  it('keeps a channel of several partners externally shared until the last one leaves; refuses what Slack could not do, changing nothing', async () => {
    fake.addChannel({ ...channels.multi, members: [fake.botUserId] });
    expect((await fake.unshareChannel(channels.multi.id, RIVAL_TEAM)).envelope.event.is_ext_shared).toBe(
      true,
    );
    expect((await fake.unshareChannel(channels.multi.id, PARTNER_TEAM)).envelope.event.is_ext_shared).toBe(
      false,
    );
    expect(await sharing(channels.multi.id)).toEqual({
      shared_team_ids: [TEAM],
      is_shared: false,
      is_ext_shared: false,
    });
    // The fixture the channel was added from is untouched.
    expect(channels.multi.shared_team_ids).toEqual([TEAM, PARTNER_TEAM, RIVAL_TEAM]);
    // And so is what channels() handed out before.
    const copy = fake.channels().find((c) => c.id === channels.multi.id);
    copy?.shared_team_ids?.push('T0MUTATED');
    expect((await sharing(channels.multi.id)).shared_team_ids).toEqual([TEAM]);
    fake.reset();
    fake.addChannel({ ...channels.partner, members: [fake.botUserId] });
    await expect(fake.shareChannel('CNOPE', PARTNER_TEAM)).rejects.toThrow(/no channel CNOPE/);
    await expect(fake.shareChannel('C1', 'T0NOBODY')).rejects.toThrow(/no team T0NOBODY/);
    await expect(fake.shareChannel('C1', TEAM)).rejects.toThrow(/own team/);
    await expect(fake.shareChannel(channels.partner.id, PARTNER_TEAM)).rejects.toThrow(/already shared/);
    await expect(fake.unshareChannel('C1', PARTNER_TEAM)).rejects.toThrow(/not shared with/);
    await expect(fake.unshareChannel(channels.partner.id, TEAM)).rejects.toThrow(/own team/);
    expect(fake.events).toEqual([]);
    expect(await sharing('C1')).toEqual({ shared_team_ids: [TEAM], is_shared: false, is_ext_shared: false });
    expect((await sharing(channels.partner.id)).shared_team_ids).toEqual([TEAM, PARTNER_TEAM]);
  });
});

describe('FakeSlack: delivering sharing events to the app', () => {
  let servers: Awaited<ReturnType<typeof eventsServer>>[] = [];
  beforeEach(() => {
    fake.addTeam(teams.partner);
    fake.addTeam(teams.rival);
    fake.addChannel({ id: 'C1', name: 'deals', members: [fake.botUserId] });
  });
  afterEach(async () => {
    for (const s of servers) await s.close();
    servers = [];
  });
  const serve = async (...args: Parameters<typeof eventsServer>) => {
    const s = await eventsServer(...args);
    servers.push(s);
    return s;
  };

  it('POSTs the envelope as JSON, signed as Slack signs, after the state changed; resolves with the answer as it is', async () => {
    let status = 200;
    const app = await serve(() => ({ status, body: 'acked' }));
    // What the app would see if it looked the channel up on receiving the event.
    app.whileReceiving(() => sharing('C1'));
    fake.subscribeEvents(app.url, SECRET);
    expect(fake.eventsUrl).toBe(app.url);

    const delivery = await fake.shareChannel('C1', PARTNER_TEAM);
    // Resolved once the app answered: the request is already in.
    expect(app.received).toHaveLength(1);
    expect(delivery).toMatchObject({ url: app.url, status: 200, body: 'acked' });
    const [request] = app.received;
    if (!request) throw new Error('no request');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toStrictEqual(delivery.envelope);
    expect(delivery.envelope.event).toMatchObject({
      type: 'channel_shared',
      connected_team_id: PARTNER_TEAM,
    });
    expect(request.seenSharing).toEqual({
      shared_team_ids: [TEAM, PARTNER_TEAM],
      is_shared: true,
      is_ext_shared: true,
    });

    const gone = await fake.unshareChannel('C1', PARTNER_TEAM);
    const second = app.received[1];
    expect(second && JSON.parse(second.body)).toStrictEqual(gone.envelope);
    expect(gone.envelope.event).toStrictEqual({
      type: 'channel_unshared',
      previously_connected_team_id: PARTNER_TEAM,
      channel: 'C1',
      is_ext_shared: false,
      event_ts: gone.envelope.event.event_ts,
    });
    expect(second?.seenSharing).toEqual({ shared_team_ids: [TEAM], is_shared: false, is_ext_shared: false });
    status = 401;
    expect((await fake.shareChannel('C1', PARTNER_TEAM)).status).toBe(401);
    status = 500;
    expect((await fake.shareChannel('C1', RIVAL_TEAM)).status).toBe(500);
    expect(fake.events.map((d: EventDelivery) => [d.envelope.event.type, d.status])).toEqual([
      ['channel_shared', 200],
      ['channel_unshared', 200],
      ['channel_shared', 401],
      ['channel_shared', 500],
    ]);
  });

  it('follows a new subscription (an app restarted on another port), and stops when unsubscribed', async () => {
    const before = await serve();
    const after = await serve();
    fake.subscribeEvents(before.url, SECRET);
    await fake.shareChannel('C1', PARTNER_TEAM);
    fake.subscribeEvents(after.url, SECRET);
    // The stopped app's unsubscribe does not end its successor's subscription.
    fake.unsubscribeEvents(before.url);
    expect((await fake.shareChannel('C1', RIVAL_TEAM)).url).toBe(after.url);
    expect([before.received.length, after.received.length]).toEqual([1, 1]);
    fake.unsubscribeEvents(after.url);
    const quiet = await fake.unshareChannel('C1', RIVAL_TEAM);
    expect(quiet.status).toBeUndefined();
    expect([before.received.length, after.received.length]).toEqual([1, 1]);
    expect((await sharing('C1')).shared_team_ids).toEqual([TEAM, PARTNER_TEAM]);
  });

  it('rejects when the app cannot be reached; the channel is shared all the same', async () => {
    const gone = await serve();
    fake.subscribeEvents(gone.url, SECRET);
    await gone.close();
    servers = [];
    await expect(fake.shareChannel('C1', PARTNER_TEAM)).rejects.toThrow(/could not deliver channel_shared/);
    expect((await sharing('C1')).shared_team_ids).toEqual([TEAM, PARTNER_TEAM]);
  });
});

it('the harness subscribes a reused fake Slack to each app it starts, and unsubscribes it on stop', async () => {
  fake.addTeam(teams.partner);
  fake.addChannel({ ...channels.internal, members: [fake.botUserId] });
  const first = await startHarness({ slack: fake });
  const firstUrl = first.eventsUrl;
  expect(fake.eventsUrl).toBe(firstUrl);
  await first.stop();
  expect(fake.eventsUrl).toBeUndefined();
  const h = await startHarness({ slack: fake });
  try {
    expect(h.eventsUrl).not.toBe(firstUrl);
    expect(await fake.shareChannel(channels.internal.id, PARTNER_TEAM)).toMatchObject({
      url: h.eventsUrl,
      status: 200,
    });
  } finally {
    await h.stop();
  }
});
