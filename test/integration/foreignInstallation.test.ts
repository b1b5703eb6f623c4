import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { actionTable } from '../../src/handlers/actions/index.js';
import { SUBCOMMANDS } from '../../src/handlers/commands/subcommands.js';
import type { HandlerDeps } from '../../src/handlers/deps.js';
import { eventTable } from '../../src/handlers/events/index.js';
import { viewTable } from '../../src/handlers/views/index.js';
import { account } from '../support/crmFlow.js';
import { dbSnapshot } from '../support/dbSnapshot.js';
import { EventSender, slackEvent } from '../support/fakeSlack/events.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { dmOf, json, outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import { blockAction, viewSubmission } from '../support/payloads.js';
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
  afterEach(async () => {
    await h.stop();
  });

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
    const requests = fromElsewhere(handoff.id, dm.ts);
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

type ForeignRequest = { name: string } & (
  | { kind: 'interaction'; payload: unknown }
  | { kind: 'command'; fields: Record<string, string> }
  | { kind: 'event'; event: ForeignEvent }
);
type ForeignEvent = Parameters<EventSender['deliver']>[0];

/** Built without their dependencies (a listener reads them only when it runs): their keys are what the app routes. */
const unused = new Proxy({} as HandlerDeps, {
  get: (_target, key) => {
    throw new Error(`a route table read ${String(key)} when built`);
  },
});

const elsewhereUser = (id: string) => ({ id, team_id: ELSEWHERE });

/**
 * One request of every kind the app routes (handlers/routes.ts): each action id (a prefixed one with a suffix), each
 * view callback, each shortcut and slash command of manifest.json (each subcommand), each event type; all naming
 * another workspace only, as another installation's requests do.
 */
function fromElsewhere(handoffId: number, messageTs: string): ForeignRequest[] {
  const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as {
    features: { shortcuts: { type: string; callback_id: string }[]; slash_commands: { command: string }[] };
  };
  const actions = actionTable(unused);
  const actionIds = [...Object.keys(actions.exact), ...Object.keys(actions.prefixed).map((p) => `${p}won`)];
  const clicks: ForeignRequest[] = actionIds.map((actionId) => ({
    name: `click ${actionId}`,
    kind: 'interaction',
    payload: blockAction({
      actionId,
      value: String(handoffId),
      user: elsewhereUser(people.ae.id),
      teamId: ELSEWHERE,
      messageTs,
      channelId: 'D0ELSEWHERE',
    }),
  }));
  const submits: ForeignRequest[] = Object.keys(viewTable(unused)).map((callbackId) => {
    const payload = viewSubmission({
      callbackId,
      values: {},
      user: elsewhereUser(people.author.id),
      teamId: ELSEWHERE,
      privateMetadata: JSON.stringify({ handoffId }),
    });
    return {
      name: `submit ${callbackId}`,
      kind: 'interaction',
      payload: {
        ...payload,
        view: { ...payload.view, team_id: ELSEWHERE, app_installed_team_id: ELSEWHERE },
      },
    };
  });
  const shortcuts: ForeignRequest[] = manifest.features.shortcuts.map((shortcut) => ({
    name: `shortcut ${shortcut.callback_id}`,
    kind: 'interaction',
    payload: {
      type: shortcut.type === 'global' ? 'shortcut' : 'message_action',
      callback_id: shortcut.callback_id,
      trigger_id: '7.7.trigger',
      action_ts: '1700000001.000200',
      team: { id: ELSEWHERE, domain: 'elsewhere' },
      user: { ...elsewhereUser(people.author.id), username: 'author' },
      api_app_id: 'A0APP',
      token: 'legacy-verification-token',
      is_enterprise_install: false,
      enterprise: null,
      ...(shortcut.type === 'global'
        ? {}
        : {
            channel: { id: 'C0ELSEWHERE', name: 'deals' },
            message: { type: 'message', ts: messageTs, text: 'a deal', user: people.author.id },
            message_ts: messageTs,
            response_url: 'https://hooks.slack.com/app/T0ELSEWHERE/1/abc',
          }),
    },
  }));
  const texts = ['', 'Northwind Traders', ...SUBCOMMANDS.map((c) => `${c.name} ${handoffId}`)];
  const commands: ForeignRequest[] = manifest.features.slash_commands.flatMap(({ command }) =>
    texts.map((text) => ({
      name: `${command} ${text}`,
      kind: 'command' as const,
      fields: { command, text, team_id: ELSEWHERE, team_domain: 'elsewhere', user_id: people.author.id },
    })),
  );
  const events: ForeignRequest[] = Object.keys(eventTable(unused)).map((type) => ({
    name: `event ${type}`,
    kind: 'event',
    event: {
      type,
      user: people.ae.id,
      channel: 'C0ELSEWHERE',
      tab: 'home',
      team_ids: [ELSEWHERE],
      event_ts: '1700000002.000300',
      // One body for every type (they stop before any listener reads them), so typed as none of them.
    } as unknown as ForeignEvent,
  }));
  return [...clicks, ...submits, ...shortcuts, ...commands, ...events];
}
