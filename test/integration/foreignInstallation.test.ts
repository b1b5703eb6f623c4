import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { account } from '../support/crmFlow.js';
import { dbSnapshot } from '../support/dbSnapshot.js';
import { EventSender, slackEvent } from '../support/fakeSlack/events.js';
import { sendHandoff } from '../support/flow.js';
import { requestsFrom } from '../support/foreignRequests.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { dmOf, json, outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import { blockAction } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';

/**
 * Issue 50 item 24: one signing secret serves every workspace an app is installed in, so a request Slack signed can
 * be another installation's. Through the real receiver, signed: an `app_uninstalled` of another workspace does not
 * stop this install, a status change there moves nothing here, and a command or a click from there is not answered.
 * Each is logged; the same requests from this workspace still act. And every route the app has (each action id, view
 * callback, shortcut, subcommand and event type, read from the route tables and manifest.json), tried from another
 * workspace, stores nothing and says nothing (issue 55 item 3, for a deployment of one installation).
 */

const ELSEWHERE = 'T0ELSEWHERE';

function eventsFrom(h: Harness, teamId: string): EventSender {
  const sender = new EventSender({ teamId, botUserId: h.slack.botUserId, appId: 'A0APP' });
  sender.subscribe(h.eventsUrl, SIGNING_SECRET);
  return sender;
}

const ignored = (h: Harness) =>
  h.logs.filter((l) => l.msg === 'a Slack request for another installation of the app: ignored');

async function health(h: Harness) {
  const response = await fetch(`${h.baseUrl}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('requests for another installation of the app', () => {
  let h: Harness;
  afterEach(() => h.stop());

  it('an app_uninstalled of another workspace does not stop this one', async () => {
    h = await startHarness({ env: QUIET });
    const delivery = await eventsFrom(h, ELSEWHERE).deliver(slackEvent.appUninstalled());
    expect(delivery.status).toBe(200);
    expect(await health(h)).toEqual({ status: 200, body: { ok: true, database: 'ok', slack: 'ok' } });
    expect(h.logs.filter((l) => String(l.msg).startsWith('Slack says the app was uninstalled'))).toEqual([]);
    expect(ignored(h)).toEqual([
      expect.objectContaining({
        level: 40,
        teamId: ELSEWHERE,
        event: 'app_uninstalled',
        why: 'another workspace',
      }),
    ]);
    // Still delivering: a handoff sent now reaches its AE.
    await sendHandoff(h, account('Still Installed'));
  });

  it('a status change of another workspace moves nothing here; the same from this workspace does', async () => {
    h = await startHarness({ env: QUIET });
    await sendHandoff(h, account('Foreign Status'));
    await outboxDrained(h);
    const away = slackEvent.userStatusChanged(people.ae, { text: 'Vacation', emoji: ':palm_tree:' });
    expect((await eventsFrom(h, ELSEWHERE).deliver(away)).status).toBe(200);
    await quiet(h);
    const notices = () => dmOf(h, people.author.id).filter((m) => json(m.blocks).includes('is away'));
    expect(notices()).toEqual([]);
    expect(ignored(h)).toHaveLength(1);
    // Our own workspace's event is acted on.
    expect((await eventsFrom(h, TEAM).deliver(away)).status).toBe(200);
    await waitForDm(h, people.author.id, 'is away', 'the owner told');
  });

  it('a command or a click from another workspace is not answered', async () => {
    h = await startHarness({ env: QUIET });
    const { handoff, dm } = await sendHandoff(h, account('Foreign Click'));
    await outboxDrained(h);
    const said = () =>
      h.slack.responses.length + h.slack.calls.filter((c) => c.method.startsWith('chat.')).length;
    const before = said();
    const command = await h.command({ team_id: ELSEWHERE, user_id: people.author.id, text: 'help' });
    expect(command.status).toBe(200);
    expect(await command.text()).toBe('');
    const click = await h.interact(
      blockAction({
        actionId: ACTION_ID.accept,
        value: String(handoff.id),
        user: { id: people.ae.id, team_id: ELSEWHERE },
        teamId: ELSEWHERE,
        messageTs: dm.ts,
      }),
    );
    expect(click.status).toBe(200);
    await quiet(h);
    const [row] = await h.database.db.select().from(h.tables.handoffs);
    expect(row?.status).toBe('sent');
    expect(ignored(h).map((l) => [l.type, l.teamId])).toEqual([
      ['slash_command', ELSEWHERE],
      ['block_actions', ELSEWHERE],
    ]);
    // From this workspace the same command is answered.
    expect(said()).toBe(before);
    const ours = await h.command({ user_id: people.author.id, text: 'help' });
    expect(ours.status).toBe(200);
    await quiet(h);
    expect(said()).toBeGreaterThan(before);
  });

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
    // Each one logged, as another workspace's; none reached a listener.
    expect(ignored(h)).toHaveLength(requests.length);
    expect(ignored(h).every((l) => l.why === 'another workspace' && l.teamId === ELSEWHERE)).toBe(true);
    expect(await dbSnapshot(h)).toEqual(before.db);
    expect(h.slack.calls.slice(before.calls).map((c) => c.method)).toEqual([]);
    expect(h.slack.responses).toHaveLength(before.responses);
  });
});
