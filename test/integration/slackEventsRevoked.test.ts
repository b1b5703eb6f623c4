import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { handoffs, outbox } from '../../src/db/schema.js';
import { account } from '../support/crmFlow.js';
import { EventSender, type FakeEvent, slackEvent } from '../support/fakeSlack/events.js';
import { submitAndSend } from '../support/flow.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness, waitFor } from '../support/harness.js';
import { outboxDrained, QUIET } from '../support/ownerFlow.js';
import { people, TEAM } from '../support/people.js';

/**
 * `app_uninstalled` and `tokens_revoked` (of the bot token): Slack says the token is gone for good. Nothing more is
 * sent (every message waits), `/healthz` says so, all data stays; a restart with a working token delivers what waited.
 */

async function deliver(h: Harness, event: FakeEvent): Promise<void> {
  const sender = new EventSender({ teamId: TEAM, botUserId: h.slack.botUserId, appId: 'A0APP' });
  sender.subscribe(h.eventsUrl, SIGNING_SECRET);
  expect((await sender.deliver(event)).status).toBe(200);
}

async function health(h: Harness) {
  const response = await fetch(`${h.baseUrl}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const aeDms = (h: Harness) => h.slack.messages(h.slack.dmChannelFor(people.ae.id));
const revokedLogs = (h: Harness) =>
  h.logs.filter((l) => String(l.msg).startsWith('Slack says the app was uninstalled'));

/** Sends a handoff while the app is cut off: stored, its messages queued, nothing reaching Slack. */
async function sendWhileRevoked(h: Harness, name: string) {
  const { answer } = await submitAndSend(h, account(name));
  expect(answer).toEqual({ response_action: 'clear' });
  const handoff = h.database.db.select().from(handoffs).all().at(-1);
  expect(handoff).toMatchObject({ accountName: name, status: 'sent' });
  // A full look for what is due, now: it sends nothing.
  h.app.outbox.kick();
  await h.app.outbox.idle();
  return handoff;
}

describe('the app uninstalled, or its bot token revoked', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it('app_uninstalled: nothing more is sent, /healthz says so, data stays; a restart delivers what waited', async () => {
    const h = await startHarness({ env: QUIET });
    const databasePath = h.config.databasePath;
    let current = h;
    stops.push(async () => {
      await current.stop();
      await h.slack.stop();
      rmSync(dirname(databasePath), { recursive: true, force: true });
    });
    expect((await health(h)).status).toBe(200);

    await deliver(h, slackEvent.appUninstalled());
    // Slack sends tokens_revoked too (in any order), and may retry: logged once.
    await deliver(h, slackEvent.tokensRevoked({ bot: [h.slack.botUserId] }));
    await deliver(h, slackEvent.appUninstalled());
    expect(await health(h)).toEqual({
      status: 503,
      body: { ok: false, database: 'ok', slack: 'disconnected', revoked: 'app_uninstalled' },
    });
    expect(revokedLogs(h)).toHaveLength(1);
    expect(revokedLogs(h)[0]?.level).toBe(50);

    const posts = h.slack.callsTo('chat.postMessage').length;
    const queued = h.database.db.select().from(outbox).all().length;
    const handoff = await sendWhileRevoked(h, 'Uninstalled Account');
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(posts);
    expect(aeDms(h)).toEqual([]);
    // Everything queued waits as it was: pending, never tried, nothing parked or cancelled.
    const waiting = h.database.db.select().from(outbox).all().slice(queued);
    expect(waiting.filter((r) => r.handoffId === handoff?.id).length).toBeGreaterThan(0);
    expect(waiting.map((r) => [r.status, r.attempts])).toEqual(waiting.map(() => ['pending', 0]));
    // /healthz does not ask Slack again (no answer can bring the token back).
    const authTests = h.slack.callsTo('auth.test').length;
    expect((await health(h)).status).toBe(503);
    expect(h.slack.callsTo('auth.test')).toHaveLength(authTests);

    // The admin reinstalls and restarts with the (new) token: the outbox resumes and delivers what waited.
    await h.stop({ keepDatabase: true });
    current = await startHarness({ slack: h.slack, databasePath, env: QUIET });
    await waitFor(() => aeDms(current).length === 1, 8000, 'the AE DM after the restart');
    await outboxDrained(current);
    expect((await health(current)).status).toBe(200);
    expect(current.database.db.select().from(handoffs).all()).toHaveLength(1);
  });

  it('tokens_revoked of a user token only changes nothing; of the bot token, it stops the outbox', async () => {
    const h = await startHarness({ env: QUIET });
    stops.push(() => h.stop());

    // User tokens of the app (it has none, but Slack lists what it revoked): deliveries go on.
    await deliver(h, slackEvent.tokensRevoked({ oauth: [people.owner.id] }));
    await deliver(h, slackEvent.tokensRevoked({ oauth: [people.owner.id], bot: [] }));
    const { answer } = await submitAndSend(h, account('Still Connected'));
    expect(answer).toEqual({ response_action: 'clear' });
    await waitFor(() => aeDms(h).length === 1, 8000, 'the AE DM');
    await quiet(h);
    expect((await health(h)).status).toBe(200);
    expect(revokedLogs(h)).toEqual([]);

    await deliver(h, slackEvent.tokensRevoked({ oauth: [people.owner.id], bot: [h.slack.botUserId] }));
    expect(await health(h)).toEqual({
      status: 503,
      body: { ok: false, database: 'ok', slack: 'disconnected', revoked: 'tokens_revoked' },
    });
    expect(revokedLogs(h)).toHaveLength(1);
    const posts = h.slack.callsTo('chat.postMessage').length;
    const queued = h.database.db.select().from(outbox).all().length;
    await sendWhileRevoked(h, 'Revoked Account');
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(posts);
    expect(aeDms(h)).toHaveLength(1);
    const waiting = h.database.db.select().from(outbox).all().slice(queued);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
  });
});
