import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { blockAction, packetSubmission } from '../support/payloads.js';
import { postInteraction, slackSignature } from '../support/signing.js';

const now = () => Math.floor(Date.now() / 1000);
const bodyOf = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

describe('requests are verified before anything happens', () => {
  let h: Harness;
  let from = 0;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  afterEach(async () => {
    await quiet(h);
    expect(await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)).toHaveLength(
      0,
    );
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
    from = h.logs.length;
  });
  const refusals = () => h.logs.slice(from).filter((l) => l.msg === 'Slack request refused');

  it.each([
    [
      'signed with the wrong secret',
      'signature mismatch',
      () => postInteraction(h.eventsUrl, 'not-the-secret', packetSubmission()),
    ],
    ['with no signature', 'no signature', () => h.interact(packetSubmission(), { omitSignature: true })],
    [
      'correctly signed, its timestamp older than five minutes (a replay)',
      'timestamp too old',
      () => h.interact(packetSubmission(), { timestamp: now() - 6 * 60 }),
    ],
    [
      'correctly signed, dated more than five minutes in the future',
      'timestamp in the future',
      () => h.interact(packetSubmission(), { timestamp: now() + 6 * 60 }),
    ],
    [
      'whose body was changed after signing',
      'signature mismatch',
      () => {
        const timestamp = now();
        const signature = slackSignature(SIGNING_SECRET, timestamp, bodyOf(packetSubmission()));
        const tampered = packetSubmission({ values: { accountName: 'Someone Else Inc' } });
        return h.interact(tampered, { timestamp, signature });
      },
    ],
  ] as const)('rejects a request %s, and logs why', async (_, reason, send) => {
    expect((await send()).status).toBe(401);
    const hasSignature = reason !== 'no signature';
    expect(refusals()).toEqual([
      expect.objectContaining({ status: 401, reason, path: '/slack/events', hasSignature }),
    ]);
  });

  it('accepts a request dated a little in the future (clock skew within the window)', async () => {
    const response = await h.interact(packetSubmission(), { timestamp: now() + 60 });
    expect(response.status).toBe(200);
    // The packet is valid, so it was reviewed (not stored until sent): nothing to check in the tables here.
    h.slack.calls.length = 0;
  });

  it('refuses a captured request replayed after its window, and logs the refusal without secrets', async () => {
    const captured = now() - 5 * 60 - 5;
    const signature = slackSignature(SIGNING_SECRET, captured, bodyOf(packetSubmission()));
    const response = await h.interact(packetSubmission(), { timestamp: captured, signature });
    expect(response.status).toBe(401);
    await quiet(h);
    expect(refusals()).toEqual([
      expect.objectContaining({ status: 401, requestTimestamp: String(captured), hasSignature: true }),
    ]);
    const logged = JSON.stringify(h.logs);
    expect(logged).not.toContain(signature);
    expect(logged).not.toContain(SIGNING_SECRET);
    expect(logged).not.toContain(h.slack.token);
  });

  it('verifies every URL Bolt takes as /slack/events (a query, a dot segment, an encoded path) before Bolt sees it', async () => {
    // Bolt checks no signature itself (receiver.ts): any spelling of the path Bolt routes as an event must meet ours.
    const body = bodyOf(packetSubmission());
    const timestamp = now();
    const forged = slackSignature('not-the-secret', timestamp, body);
    const base = h.eventsUrl.replace(/\/slack\/events$/, '');
    for (const path of ['/slack/events?x=1', '/slack/./events', '/slack/x/../events', '/slack/events#frag']) {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-signature': forged,
          'x-slack-request-timestamp': String(timestamp),
        },
        body,
      });
      expect(response.status, path).toBe(401);
    }
  });

  it("answers a signed SSL check 200 and runs nothing smuggled beside it (Bolt's sanitising, now the receiver's)", async () => {
    // Bolt strips a payload beside ssl_check=1 only when it checks signatures itself, which it no longer does.
    const body = `ssl_check=1&${bodyOf(blockAction({ actionId: ACTION_ID.accept, value: '1' }))}`;
    const timestamp = now();
    const response = await fetch(h.eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
        'x-slack-request-timestamp': String(timestamp),
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    await quiet(h);
    // The accept never ran: it would have queued its refusal (handoff 1 does not exist) for the response_url.
    expect(await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id)).toEqual([]);
    expect(h.logs.filter((l) => l.msg === 'decision refused')).toEqual([]);
  });
});
