import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handoffs } from '../../src/db/schema.js';
import { type Harness, SIGNING_SECRET, settle, startHarness } from '../support/harness.js';
import { packetSubmission } from '../support/payloads.js';
import { postInteraction, slackSignature } from '../support/signing.js';

describe('requests are verified before anything happens', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await settle(150);
    expect(h.database.db.select().from(handoffs).all()).toHaveLength(0);
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

  it('rejects a body that was changed after signing', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const signedBody = new URLSearchParams({ payload: JSON.stringify(packetSubmission()) }).toString();
    const signature = slackSignature(SIGNING_SECRET, timestamp, signedBody);
    const tampered = packetSubmission({ values: { accountName: 'Someone Else Inc' } });
    const response = await h.interact(tampered, { timestamp, signature });
    expect(response.status).toBe(401);
  });
});
