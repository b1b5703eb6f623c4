import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { account } from '../support/crmFlow.js';
import { removeKeptDatabase } from '../support/databaseKey.js';
import { healthOf, stopsAfterEach } from '../support/edge-helpers.js';
import { slackEvent } from '../support/fakeSlack/events.js';
import { submitAndSend } from '../support/flow.js';
import { deliverEvent, type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import { harnessEngine } from '../support/harnessEngine.js';
import { outboxDrained, QUIET } from '../support/ownerFlow.js';
import { channels, people } from '../support/people.js';

/**
 * `app_uninstalled` and `tokens_revoked` (of the bot token): Slack says the token is gone for good. Nothing more is
 * sent (every message waits), the scheduled jobs that call Slack pause, `/healthz` says so, all data stays; a restart
 * with a working token delivers what waited and the paused jobs catch up.
 */

const aeDms = (h: Harness) => h.slack.messages(h.slack.dmChannelFor(people.ae.id));
const revokedLogs = (h: Harness) =>
  h.logs.filter((l) => String(l.msg).startsWith('Slack says the app was uninstalled'));

/** Sends a handoff while the app is cut off: stored, its messages queued, nothing reaching Slack. */
async function sendWhileRevoked(h: Harness, name: string) {
  const { answer } = await submitAndSend(h, account(name));
  expect(answer).toEqual({ response_action: 'clear' });
  const handoff = (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)).at(-1);
  expect(handoff).toMatchObject({ accountName: name, status: 'sent' });
  // A full look for what is due, now: it sends nothing.
  h.app.outbox.kick();
  await h.app.outbox.idle();
  return handoff;
}

describe('the app uninstalled, or its bot token revoked', () => {
  const stops = stopsAfterEach();

  it('tokens_revoked of a user token changes nothing; of the bot token, or app_uninstalled: nothing more is sent, /healthz says so, data stays; a restart delivers what waited', async () => {
    const h = await startHarness({ env: QUIET });
    const databasePath = h.databaseKey;
    let current = h;
    stops.push(async () => {
      await current.stop();
      await h.slack.stop();
      removeKeptDatabase(databasePath);
    });
    // User tokens of the app revoked (it has none, but Slack lists what it revoked): deliveries go on.
    await deliverEvent(h, slackEvent.tokensRevoked({ oauth: [people.owner.id] }));
    await deliverEvent(h, slackEvent.tokensRevoked({ oauth: [people.owner.id], bot: [] }));
    const { answer } = await submitAndSend(h, account('Still Connected'));
    expect(answer).toEqual({ response_action: 'clear' });
    await waitFor(() => aeDms(h).length === 1, 8000, 'the AE DM');
    await quiet(h);
    expect((await healthOf(h)).status).toBe(200);
    expect(revokedLogs(h)).toEqual([]);

    // The bot token revoked: disconnected. Slack sends app_uninstalled too (in any order), and may retry: logged once.
    await deliverEvent(h, slackEvent.tokensRevoked({ oauth: [people.owner.id], bot: [h.slack.botUserId] }));
    await deliverEvent(h, slackEvent.appUninstalled());
    await deliverEvent(h, slackEvent.appUninstalled());
    expect(await healthOf(h)).toEqual({
      status: 503,
      body: { ok: false, database: 'ok', slack: 'disconnected', revoked: 'tokens_revoked' },
    });
    expect(revokedLogs(h)).toHaveLength(1);
    expect(revokedLogs(h)[0]?.level).toBe(50);

    const posts = h.slack.callsTo('chat.postMessage').length;
    const queued = (await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id)).length;
    const handoff = await sendWhileRevoked(h, 'Uninstalled Account');
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(posts);
    expect(aeDms(h)).toHaveLength(1);
    // Everything queued waits as it was: pending, never tried, nothing parked or cancelled.
    const waiting = (await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id)).slice(
      queued,
    );
    expect(waiting.filter((r) => r.handoffId === handoff?.id).length).toBeGreaterThan(0);
    expect(waiting.map((r) => [r.status, r.attempts])).toEqual(waiting.map(() => ['pending', 0]));
    // /healthz does not ask Slack again (no answer can bring the token back).
    const authTests = h.slack.callsTo('auth.test').length;
    expect((await healthOf(h)).status).toBe(503);
    expect(h.slack.callsTo('auth.test')).toHaveLength(authTests);

    // The admin reinstalls and restarts with the (new) token: the outbox resumes and delivers what waited.
    await h.stop({ keepDatabase: true });
    current = await startHarness({ slack: h.slack, databasePath, env: QUIET });
    await waitFor(() => aeDms(current).length === 2, 8000, 'the AE DM after the restart');
    await outboxDrained(current);
    expect((await healthOf(current)).status).toBe(200);
    expect(
      await current.database.db.select().from(current.tables.handoffs).orderBy(current.tables.handoffs.id),
    ).toHaveLength(2);
  });

  it('told to one of two processes on the database: the other stops too, and its sweep expires nothing', async () => {
    // Issue 50 item 23: Slack sends the event to one replica; the state lives in the database, read by every one.
    const a = await startHarness({ env: QUIET, now: '2026-11-25T10:00:00Z' });
    stops.push(async () => {
      await a.stop({ keepDatabase: true });
      await a.slack.stop();
      removeKeptDatabase(a.databaseKey);
    });
    const b = await startHarness({
      env: QUIET,
      now: '2026-11-25T10:00:00Z',
      slack: a.slack,
      databasePath: a.databaseKey,
    });
    stops.push(() => b.stop({ keepDatabase: true }));
    const { answer } = await submitAndSend(a, account('Two Replicas Account'));
    expect(answer).toEqual({ response_action: 'clear' });
    // On SQLite each process takes itself to be the only one (production locks the file to one): both may post.
    await waitFor(() => aeDms(a).length > 0, 8000, 'the AE DM');
    await quiet(a);
    await quiet(b);
    expect((await healthOf(b)).status).toBe(200);

    await deliverEvent(a, slackEvent.appUninstalled());
    // B heard nothing from Slack, and reads it from the database.
    expect(await healthOf(b)).toEqual({
      status: 503,
      body: { ok: false, database: 'ok', slack: 'disconnected', revoked: 'app_uninstalled' },
    });
    expect(revokedLogs(b)).toHaveLength(1);
    // Past the deadline: B's sweep, as its tick would run it, makes no call and expires nothing.
    const before = b.slack.calls.length;
    b.clock.set('2026-11-30T15:00:00Z');
    await b.app.scheduler.runNow('response-window-sweep');
    await quiet(b);
    const [handoff] = await b.database.db.select().from(b.tables.handoffs);
    expect(handoff?.status).toBe('sent');
    expect(b.slack.calls.slice(before).map((c) => c.method)).toEqual([]);
    // A handoff sent through B waits in the outbox like one sent through A (the review's reads of Slack aside).
    const posts = b.slack.calls.length;
    await sendWhileRevoked(b, 'Sent Through B');
    const sent = b.slack.calls.slice(posts).map((c) => c.method);
    expect(sent.filter((m) => m.startsWith('chat.') || m.startsWith('views.publish'))).toEqual([]);
  });

  it('the scheduled jobs that call Slack pause (logged once), local ones go on; a restart catches up', async () => {
    const onSqlite = harnessEngine() === 'sqlite';
    const backupDir = mkdtempSync(join(tmpdir(), 'handoff-revoked-backups-'));
    const env = {
      ...QUIET,
      DIGEST_CHANNEL_ID: channels.internal.id,
      DIGEST_SCHEDULE: '0 9 * * 1',
      DIGEST_TIMEZONE: 'UTC',
      // Backups copy the SQLite file; on Postgres they are pg_dump's, outside the app.
      ...(onSqlite ? { BACKUP_DIR: backupDir } : {}),
    };
    // In use on Wednesday 25th: a handoff due Monday 30th 10:00 UTC, the digest's slot Monday 30th 09:00.
    const h = await startHarness({ env, now: '2026-11-25T10:00:00Z' });
    const databasePath = h.databaseKey;
    let current = h;
    stops.push(async () => {
      await current.stop();
      await h.slack.stop();
      removeKeptDatabase(databasePath);
      rmSync(backupDir, { recursive: true, force: true });
    });
    const { answer } = await submitAndSend(h, account('Paused Jobs Account'));
    expect(answer).toEqual({ response_action: 'clear' });
    await waitFor(() => aeDms(h).length === 1, 8000, 'the AE DM');
    await quiet(h);
    const handoff = (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)).at(
      -1,
    );
    const statusNow = async (app: Harness) =>
      (await app.database.db.select().from(app.tables.handoffs).orderBy(app.tables.handoffs.id)).find(
        (row) => row.id === handoff?.id,
      )?.status;
    const digestPosts = (app: Harness) => app.slack.messages(channels.internal.id);
    const pausedLogs = (app: Harness) =>
      app.logs.filter((l) => String(l.msg).startsWith('Slack takes no calls from the app'));

    await deliverEvent(h, slackEvent.appUninstalled());
    const before = h.slack.calls.length;
    // Past the deadline and the digest's slot: every job runs as its tick would, twice.
    h.clock.set('2026-11-30T15:00:00Z');
    expect(h.app.scheduler.jobNames).toEqual(
      expect.arrayContaining(['weekly-digest', ...(onSqlite ? ['database-backup'] : [])]),
    );
    for (const name of [...h.app.scheduler.jobNames, ...h.app.scheduler.jobNames])
      await h.app.scheduler.runNow(name);
    await quiet(h);
    // No call to Slack: not the sweep's status reads, not the digest's chart upload.
    expect(h.slack.calls.slice(before).map((c) => c.method)).toEqual([]);
    expect(await statusNow(h)).toBe('sent');
    expect(digestPosts(h)).toEqual([]);
    // The backup is local work: it went on.
    if (onSqlite)
      expect(readdirSync(backupDir).filter((f) => /^handoff-\d{8}-\d{4}\.db$/.test(f))).toHaveLength(1);
    expect(pausedLogs(h)).toHaveLength(1);
    expect(pausedLogs(h)[0]).toMatchObject({ level: 40, reason: 'app_uninstalled' });
    expect(pausedLogs(h)[0]?.paused).toEqual([
      'response-window-sweep',
      'channel-access-recheck',
      'escalation-pools',
      'channel-sharing-recheck',
      'weekly-digest',
      'weekly-digest-held',
    ]);

    // Reinstalled, restarted with the (new) token: the sweep at start expires the handoff, and the digest catches up
    // on the slot it missed.
    await h.stop({ keepDatabase: true });
    current = await startHarness({ env, now: '2026-11-30T15:00:00Z', slack: h.slack, databasePath });
    await current.app.scheduler.caughtUp;
    expect(await statusNow(current)).toBe('expired');
    await waitFor(() => digestPosts(current).length === 1, 8000, 'the digest caught up');
    expect(
      current.logs.some(
        (l) => l.msg === 'catching up on the latest scheduled run' && l.job === 'weekly-digest',
      ),
    ).toBe(true);
    expect(pausedLogs(current)).toEqual([]);
  });
});
