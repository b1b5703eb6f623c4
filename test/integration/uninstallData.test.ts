import { describe, expect, it } from 'vitest';
import { account } from '../support/crmFlow.js';
import { removeKeptDatabase } from '../support/databaseKey.js';
import { stopsAfterEach } from '../support/edge-helpers.js';
import { slackEvent } from '../support/fakeSlack/events.js';
import { sendHandoff } from '../support/flow.js';
import { deliverEvent, type Harness, startHarness, waitFor } from '../support/harness.js';
import { QUIET } from '../support/ownerFlow.js';

/**
 * UNINSTALL_DELETE_AFTER_DAYS (issue 57 item 3), through the real app on both engines: Slack's `app_uninstalled`
 * event, signed, to a deployment on SLACK_BOT_TOKEN. Unset: everything stays. 0: the workspace's data is deleted at
 * once. 30: 30 days later, by the daily job, unless the app was installed again (a start with a working token).
 */

const DAY = 86_400_000;

/** How many rows the workspace has where its people and their words are. */
async function kept(h: Harness) {
  const t = h.tables;
  const count = async (table: (typeof t)[keyof typeof t]) =>
    (await h.database.db.select().from(table as typeof t.handoffs)).length;
  return {
    handoffs: await count(t.handoffs),
    events: await count(t.handoffEvents),
    outbox: await count(t.outbox),
    facts: await count(t.metricFacts),
  };
}

async function installation(h: Harness) {
  const [row] = await h.database.db.select().from(h.tables.installations);
  return row;
}

const deletedLogs = (h: Harness) =>
  h.logs.filter((l) => String(l.msg).startsWith("an uninstalled workspace's data deleted"));

describe('what an uninstall does to the workspace’s data', () => {
  const stops = stopsAfterEach();

  async function start(env: Record<string, string>, restarted = false) {
    const h = await startHarness({ env: { ...QUIET, ...env } });
    // A test that starts the app again on the same data stops it itself.
    if (!restarted) stops.push(() => h.stop());
    await sendHandoff(h, account('Northwind Logistics'));
    const before = await kept(h);
    expect(before.handoffs).toBe(1);
    expect(before.events).toBeGreaterThan(0);
    expect(before.facts).toBeGreaterThan(0);
    return { h, before };
  }

  it('unset: everything stays, and the installation is not even marked', async () => {
    const { h, before } = await start({});
    await deliverEvent(h, slackEvent.appUninstalled());
    h.clock.advance(400 * DAY);
    expect(h.app.scheduler.jobNames).not.toContain('data-retention');
    expect(await kept(h)).toMatchObject({
      handoffs: before.handoffs,
      events: before.events,
      facts: before.facts,
    });
    expect(await installation(h)).toMatchObject({ uninstalledAt: null, dataDeletedAt: null });
    expect(deletedLogs(h)).toEqual([]);
  });

  it('0: deleted at once, the touch log and metrics included; the installation row stays with no person in it', async () => {
    const { h } = await start({ UNINSTALL_DELETE_AFTER_DAYS: '0' });
    const uninstalledAt = h.clock.now();
    await deliverEvent(h, slackEvent.appUninstalled());
    await waitFor(async () => (await kept(h)).handoffs === 0, 4000, 'the data deleted');
    expect(await kept(h)).toEqual({ handoffs: 0, events: 0, outbox: 0, facts: 0 });
    expect(await installation(h)).toMatchObject({
      uninstalledAt,
      dataDeletedAt: uninstalledAt,
      installerUserId: null,
    });
    expect(deletedLogs(h)).toHaveLength(1);
    // Slack's second word of it (tokens_revoked, a retry) deletes nothing more and logs nothing more.
    await deliverEvent(h, slackEvent.tokensRevoked({ bot: [h.slack.botUserId] }));
    await h.app.scheduler.runNow('data-retention');
    expect(deletedLogs(h)).toHaveLength(1);
  });

  it('30: kept for 30 days, then deleted by the daily job; a reinstall before then keeps it', async () => {
    const { h, before } = await start({ UNINSTALL_DELETE_AFTER_DAYS: '30' }, true);
    const databasePath = h.databaseKey;
    let running = h;
    stops.push(async () => {
      await running.stop();
      await h.slack.stop();
      removeKeptDatabase(databasePath);
    });
    await deliverEvent(h, slackEvent.appUninstalled());
    const uninstalledAt = (await installation(h))?.uninstalledAt;
    expect(uninstalledAt).toEqual(h.clock.now());
    h.clock.advance(29 * DAY);
    await h.app.scheduler.runNow('data-retention');
    expect((await kept(h)).handoffs).toBe(before.handoffs);

    // Installed again (a start with a working token), then uninstalled no more: nothing is ever deleted.
    await h.stop({ keepDatabase: true });
    const again = await startHarness({
      slack: h.slack,
      databasePath,
      now: h.clock.now().toISOString(),
      env: { ...QUIET, UNINSTALL_DELETE_AFTER_DAYS: '30' },
    });
    running = again;
    expect(await installation(again)).toMatchObject({ uninstalledAt: null, dataDeletedAt: null });
    again.clock.advance(40 * DAY);
    await again.app.scheduler.runNow('data-retention');
    expect((await kept(again)).handoffs).toBe(before.handoffs);

    // Uninstalled for good: 30 days on, the daily job deletes it all. Kept before Slack's event was answered.
    await deliverEvent(again, slackEvent.appUninstalled());
    expect((await installation(again))?.uninstalledAt).toEqual(again.clock.now());
    again.clock.advance(30 * DAY - 60_000);
    await again.app.scheduler.runNow('data-retention');
    expect((await kept(again)).handoffs).toBe(before.handoffs);
    again.clock.advance(60_000);
    await again.app.scheduler.runNow('data-retention');
    expect(await kept(again)).toEqual({ handoffs: 0, events: 0, outbox: 0, facts: 0 });
    expect(deletedLogs(again)).toHaveLength(1);
  });
});
