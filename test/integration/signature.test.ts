import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { blockAction, packetSubmission } from '../support/payloads.js';
import { postInteraction, slackSignature } from '../support/signing.js';

describe('requests are verified before anything happens', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await quiet(h);
    expect(await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)).toHaveLength(
      0,
    );
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
    await h.stop();
  });

  it('rejects a request signed with the wrong secret', async () => {
    const response = await postInteraction(h.eventsUrl, 'not-the-secret', packetSubmission());
    expect(response.status).toBe(401);
  });

  it('rejects a request with no signature', async () => {
    const response = await h.interact(packetSubmission(), { omitSignature: true });
    expect(response.status).toBe(401);
  });

  it('rejects a correctly signed request whose timestamp is older than five minutes (a replay)', async () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await h.interact(packetSubmission(), { timestamp: sixMinutesAgo });
    expect(response.status).toBe(401);
  });

  it('rejects a correctly signed request dated more than five minutes in the future, and logs why', async () => {
    const sixMinutesAhead = Math.floor(Date.now() / 1000) + 6 * 60;
    const response = await h.interact(packetSubmission(), { timestamp: sixMinutesAhead });
    expect(response.status).toBe(401);
    const refusal = h.logs.find((l) => l.msg === 'Slack request refused');
    expect(refusal).toMatchObject({
      reason: 'timestamp in the future',
      path: '/slack/events',
      hasSignature: true,
    });
  });

  it('accepts a request dated a little in the future (clock skew within the window)', async () => {
    const response = await h.interact(packetSubmission(), { timestamp: Math.floor(Date.now() / 1000) + 60 });
    expect(response.status).toBe(200);
    // The packet is valid, so it was reviewed (not stored until sent): nothing to check in the tables here.
    h.slack.calls.length = 0;
  });

  it('refuses a captured request replayed after its window, and logs the refusal without secrets', async () => {
    const captured = Math.floor(Date.now() / 1000) - 5 * 60 - 5;
    const body = new URLSearchParams({ payload: JSON.stringify(packetSubmission()) }).toString();
    const signature = slackSignature(SIGNING_SECRET, captured, body);
    const response = await h.interact(packetSubmission(), { timestamp: captured, signature });
    expect(response.status).toBe(401);
    await quiet(h);
    const refusal = h.logs.find((l) => l.msg === 'Slack request refused');
    expect(refusal).toMatchObject({ status: 401, requestTimestamp: String(captured) });
    const logged = JSON.stringify(h.logs);
    expect(logged).not.toContain(signature);
    expect(logged).not.toContain(SIGNING_SECRET);
    expect(logged).not.toContain(h.slack.token);
  });

  it('verifies every URL Bolt takes as /slack/events (a query, a dot segment, an encoded path) before Bolt sees it', async () => {
    // Bolt checks no signature itself (receiver.ts): any spelling of the path Bolt routes as an event must meet ours.
    const body = new URLSearchParams({ payload: JSON.stringify(packetSubmission()) }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
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
    const accept = blockAction({ actionId: ACTION_ID.accept, value: '1' });
    const body = `ssl_check=1&${new URLSearchParams({ payload: JSON.stringify(accept) }).toString()}`;
    const timestamp = Math.floor(Date.now() / 1000);
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

  it('rejects a body that was changed after signing', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const signedBody = new URLSearchParams({ payload: JSON.stringify(packetSubmission()) }).toString();
    const signature = slackSignature(SIGNING_SECRET, timestamp, signedBody);
    const tampered = packetSubmission({ values: { accountName: 'Someone Else Inc' } });
    const response = await h.interact(tampered, { timestamp, signature });
    expect(response.status).toBe(401);
  });
});
