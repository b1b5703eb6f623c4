import { expect } from 'vitest';
import { ACTION_ID, PACKET_BLOCK_ID, SHORTCUT_ID } from '../../src/blocks/ids.js';
import { type Harness, waitFor } from './harness.js';
import { TEAM } from './people.js';

/** "Hand off this deal" (issue 52), sent as Slack sends the message shortcut, and the prefilled packet it opens. */

export interface PrefilledView {
  id?: string;
  private_metadata?: string;
  blocks: {
    type: string;
    block_id?: string;
    hint?: { text: string };
    elements?: { text?: string }[];
    element?: {
      initial_value?: string;
      initial_user?: string;
      initial_conversation?: string;
      action_id?: string;
    };
  }[];
}

/** The message shortcut on a message of `channel` by `user`; resolves with the packet view that replaced the loading one. */
export async function handOffFrom(
  h: Harness,
  opts: {
    channel: { id: string; name: string };
    ts: string;
    user?: { id: string; team_id: string };
  },
): Promise<PrefilledView> {
  const message = h.slack.messages(opts.channel.id).find((m) => m.ts === opts.ts);
  const triggerId = h.slack.issueTriggerId();
  const user = opts.user ?? { id: 'U0AUTHOR', team_id: TEAM };
  const updatesBefore = h.slack.callsTo('views.update').length;
  const response = await h.interact({
    type: 'message_action',
    callback_id: SHORTCUT_ID.handOff,
    trigger_id: triggerId,
    response_url: h.slack.responseUrl(),
    message_ts: opts.ts,
    message: {
      type: 'message',
      user: message?.user,
      ts: opts.ts,
      text: message?.text ?? '',
      ...(message?.thread_ts ? { thread_ts: message.thread_ts } : {}),
    },
    channel: opts.channel,
    user: { id: user.id, name: user.id.toLowerCase(), team_id: user.team_id },
    team: { id: TEAM, domain: 'acme' },
    token: 'legacy-verification-token',
    action_ts: '1795442400.000300',
    api_app_id: 'A0APP',
    is_enterprise_install: false,
  });
  expect(response.status).toBe(200);
  const opened = await waitFor(
    () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId),
    4000,
    'the loading view',
  );
  const viewId = (opened.response as { view?: { id?: string } }).view?.id;
  const update = await waitFor(
    () =>
      h.slack
        .callsTo('views.update')
        .slice(updatesBefore)
        .find((c) => c.args.view_id === viewId),
    6000,
    'the prefilled packet',
  );
  return update.args.view as PrefilledView;
}

/** The prefilled value of a packet input (text, user or channel). */
export function initialOf(view: PrefilledView, blockId: string): string | undefined {
  const element = view.blocks.find((b) => b.block_id === blockId)?.element;
  return element?.initial_value ?? element?.initial_user ?? element?.initial_conversation;
}

export const hintOf = (view: PrefilledView, blockId: string) =>
  view.blocks.find((b) => b.block_id === blockId)?.hint?.text;

/** The notes the prefill put under the intro (context blocks before the first header). */
export function notesOf(view: PrefilledView): string {
  const firstHeader = view.blocks.findIndex((b) => b.type === 'header');
  return view.blocks
    .slice(0, firstHeader)
    .flatMap((b) => (b.elements ?? []).map((e) => e.text ?? ''))
    .join('\n');
}

export const ACCOUNT = PACKET_BLOCK_ID.accountName;
export const VALUE = ACTION_ID.value;
