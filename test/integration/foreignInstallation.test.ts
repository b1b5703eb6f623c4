import { afterEach, describe, expect, it } from 'vitest';
import { account } from '../support/crmFlow.js';
import { dbSnapshot } from '../support/dbSnapshot.js';
import { eventsFrom, healthOf } from '../support/edge-helpers.js';
import { sendHandoff } from '../support/flow.js';
import { requestsFrom } from '../support/foreignRequests.js';
import { type Harness, quiet, startHarness } from '../support/harness.js';
import { outboxDrained, QUIET } from '../support/ownerFlow.js';

/**
 * One signing secret serves every workspace an app is installed in, so a request Slack signed can be another
 * installation's. Every route the app has (each action id, view callback, shortcut, subcommand and event type, read
 * from the route tables and manifest.json), tried from another workspace through the real receiver, signed, is logged
 * and ignored: nothing stored, nothing said, and its `app_uninstalled` does not stop this install. (The same requests
 * from this workspace act: their own tests, slackEventsStatus.test.ts for a status change.)
 */

const ELSEWHERE = 'T0ELSEWHERE';

const ignored = (h: Harness) =>
  h.logs.filter((l) => l.msg === 'a Slack request for another installation of the app: ignored');

describe('requests for another installation of the app', () => {
  let h: Harness;
  afterEach(() => h.stop());

  it('every listener the app has, tried from another workspace, is ignored: nothing stored, nothing said', async () => {
    h = await startHarness({ env: QUIET });
    const { handoff, dm } = await sendHandoff(h, account('Foreign Everything'));
    await outboxDrained(h);
    await quiet(h);
    const before = {
      db: await dbSnapshot(h),
      calls: h.slack.calls.length,
      responses: h.slack.responses.length,
    };
    const requests = requestsFrom(ELSEWHERE, handoff.id, dm.ts);
    for (const request of requests) {
      const response =
        request.kind === 'command'
          ? await h.command(request.fields)
          : request.kind === 'event'
            ? await eventsFrom(h, ELSEWHERE).deliver(request.event)
            : await h.interact(request.payload);
      expect(response.status, request.name).toBe(200);
    }
    await quiet(h);
    // Each one logged at warn, as for no installation here (a command, a click, an event …); none reached a listener.
    expect(ignored(h)).toHaveLength(requests.length);
    expect(
      ignored(h).every(
        (l) => l.why === 'no installation in force' && l.teamId === ELSEWHERE && l.level === 40,
      ),
    ).toBe(true);
    expect(new Set(ignored(h).map((l) => l.type))).toEqual(
      new Set([
        'slash_command',
        'block_actions',
        'view_submission',
        'shortcut',
        'message_action',
        'event_callback',
      ]),
    );
    expect(ignored(h).filter((l) => l.event === 'app_uninstalled')).toHaveLength(1);
    expect(await dbSnapshot(h)).toEqual(before.db);
    expect(h.slack.calls.slice(before.calls).map((c) => c.method)).toEqual([]);
    expect(h.slack.responses).toHaveLength(before.responses);
    // Another workspace's app_uninstalled stopped nothing here: still healthy, still delivering.
    expect(h.logs.filter((l) => String(l.msg).startsWith('Slack says the app was uninstalled'))).toEqual([]);
    expect(await healthOf(h)).toEqual({ status: 200, body: { ok: true, database: 'ok', slack: 'ok' } });
    await sendHandoff(h, account('Still Installed'));
  });
});
