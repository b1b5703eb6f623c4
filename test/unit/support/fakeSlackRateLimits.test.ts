import { WebAPIRateLimitedError } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { slackClient } from '../../support/fakeClients.js';
import { METHOD_TIERS, RateLimiter, TIERS } from '../../support/fakeSlack/rateLimits.js';
import { FakeSlack } from '../../support/fakeSlack.js';

describe('RateLimiter (Slack’s limits, as the fake Slack enforces them)', () => {
  it('lets a tier’s minute of calls through at once, then answers Retry-After until a call is refilled', () => {
    const limiter = new RateLimiter();
    const t0 = 1_000_000;
    // chat.update is Tier 3: 50 per minute.
    for (let i = 0; i < 50; i += 1) expect(limiter.check('chat.update', 'C1', t0)).toBe(0);
    // One call every 1.2 s comes back: the 51st waits 2 whole seconds (Retry-After is in seconds, rounded up).
    expect(limiter.check('chat.update', 'C1', t0)).toBe(2);
    expect(limiter.check('chat.update', 'C1', t0 + 1_000)).toBe(1);
    expect(limiter.check('chat.update', 'C1', t0 + 1_200)).toBe(0);
    expect(limiter.check('chat.update', 'C1', t0 + 1_200)).toBe(2);
    // Per method: another Tier 4 method has its own 100.
    for (let i = 0; i < 100; i += 1) expect(limiter.check('views.publish', undefined, t0)).toBe(0);
    expect(limiter.check('views.publish', undefined, t0)).toBeGreaterThan(0);
  });

  it('limits chat.postMessage per channel (about one a second, short bursts), not per method', () => {
    const limiter = new RateLimiter();
    const t0 = 5_000;
    for (let i = 0; i < 3; i += 1) expect(limiter.check('chat.postMessage', 'C1', t0)).toBe(0);
    expect(limiter.check('chat.postMessage', 'C1', t0)).toBe(1);
    // Another channel is not held back.
    expect(limiter.check('chat.postMessage', 'C2', t0)).toBe(0);
    expect(limiter.check('chat.postMessage', 'C1', t0 + 1_000)).toBe(0);
    expect(limiter.check('chat.postMessage', 'C1', t0 + 1_000)).toBe(1);
  });

  it('takes overrides, and counts unknown methods as Tier 3', () => {
    const limiter = new RateLimiter({ methods: { 'chat.update': { burst: 1, perSecond: 0.5 } } });
    expect(limiter.check('chat.update', 'C1', 0)).toBe(0);
    expect(limiter.check('chat.update', 'C1', 0)).toBe(2);
    expect(TIERS[METHOD_TIERS['reactions.add'] ?? 3]).toEqual(TIERS[3]);
    for (let i = 0; i < 50; i += 1) expect(limiter.check('reactions.add', undefined, 0)).toBe(0);
    expect(limiter.check('reactions.add', undefined, 0)).toBeGreaterThan(0);
  });
});

describe('the fake Slack with rateLimits', () => {
  let fake: FakeSlack | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  async function started(rateLimits: ConstructorParameters<typeof RateLimiter>[0] | true) {
    fake = await FakeSlack.start({ rateLimits });
    fake.addUser({ id: 'U1', team_id: fake.teamId, name: 'ada' });
    return slackClient(fake, fake.token, { rejectRateLimitedCalls: true });
  }

  it('counts each method in Slack’s tier: users.profile.get Tier 4, usergroups.users.list Tier 2, team.info Tier 3', async () => {
    expect([
      METHOD_TIERS['users.profile.get'],
      METHOD_TIERS['usergroups.users.list'],
      METHOD_TIERS['team.info'] ?? 3,
    ]).toEqual([4, 2, 3]);
    const client = await started(true);
    fake?.addUserGroup('S0EMEA', ['U1']);
    // Tier 2: 20 a minute, as a burst.
    for (let i = 0; i < TIERS[2].burst; i += 1) await client.usergroups.users.list({ usergroup: 'S0EMEA' });
    const refused = await client.usergroups.users.list({ usergroup: 'S0EMEA' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WebAPIRateLimitedError);
    expect((refused as WebAPIRateLimitedError).retryAfter).toBe(3);
    // users.profile.get has its own bucket.
    expect((await client.users.profile.get({ user: 'U1' })).ok).toBe(true);
  });

  it('reset() refills every bucket', async () => {
    const client = await started({ methods: { 'auth.test': { burst: 1, perSecond: 0.01 } } });
    await client.auth.test();
    await expect(client.auth.test()).rejects.toBeInstanceOf(WebAPIRateLimitedError);
    fake?.reset();
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });
});
