import { readFileSync } from 'node:fs';
import { actionTable } from '../../src/handlers/actions/index.js';
import { SUBCOMMANDS } from '../../src/handlers/commands/subcommands.js';
import type { HandlerDeps } from '../../src/handlers/deps.js';
import { eventTable } from '../../src/handlers/events/index.js';
import { viewTable } from '../../src/handlers/views/index.js';
import type { EventSender } from './fakeSlack/events.js';
import { blockAction, viewSubmission } from './payloads.js';
import { people } from './people.js';

export type ForeignRequest = { name: string } & (
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

/**
 * One request of every kind the app routes (handlers/routes.ts): each action id (a prefixed one with a suffix), each
 * view callback, each shortcut and slash command of manifest.json (each subcommand), each event type; all naming
 * the workspace `teamId` only, as another installation's requests do, about `handoffId` and its people.
 */
export function requestsFrom(teamId: string, handoffId: number, messageTs: string): ForeignRequest[] {
  const elsewhereUser = (id: string) => ({ id, team_id: teamId });
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
      teamId: teamId,
      messageTs,
      channelId: 'D0ELSEWHERE',
    }),
  }));
  const submits: ForeignRequest[] = Object.keys(viewTable(unused)).map((callbackId) => {
    const payload = viewSubmission({
      callbackId,
      values: {},
      user: elsewhereUser(people.author.id),
      teamId: teamId,
      privateMetadata: JSON.stringify({ handoffId }),
    });
    return {
      name: `submit ${callbackId}`,
      kind: 'interaction',
      payload: {
        ...payload,
        view: { ...payload.view, team_id: teamId, app_installed_team_id: teamId },
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
      team: { id: teamId, domain: 'elsewhere' },
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
            response_url: `https://hooks.slack.com/app/${teamId}/1/abc`,
          }),
    },
  }));
  const texts = ['', 'Northwind Traders', ...SUBCOMMANDS.map((c) => `${c.name} ${handoffId}`)];
  const commands: ForeignRequest[] = manifest.features.slash_commands.flatMap(({ command }) =>
    texts.map((text) => ({
      name: `${command} ${text}`,
      kind: 'command' as const,
      fields: { command, text, team_id: teamId, team_domain: 'elsewhere', user_id: people.author.id },
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
      team_ids: [teamId],
      event_ts: '1700000002.000300',
      // One body for every type (they stop before any listener reads them), so typed as none of them.
    } as unknown as ForeignEvent,
  }));
  return [...clicks, ...submits, ...shortcuts, ...commands, ...events];
}
