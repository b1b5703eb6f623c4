import { expect } from 'vitest';
import { ACTION_ID, ADD_TO_HANDOFF_BLOCK_ID, CALLBACK_ID, SHORTCUT_ID } from '../../src/blocks/ids.js';
import type { StoredMessage } from './fakeSlack.js';
import { type Harness, waitFor } from './harness.js';
import { viewSubmission } from './payloads.js';
import { TEAM } from './people.js';

/** "Add to handoff" (issue 52 item 5), sent as Slack sends it: the message shortcut, and its modal's submission. */

export type ShortcutUser = { id: string; team_id?: string };

/** The message the shortcut is used on: a person's, as the fake Slack stores it. */
export function storedMessage(h: Harness, channel: string, ts: string): StoredMessage {
  const found = h.slack.messages(channel).find((m) => m.ts === ts);
  if (!found) throw new Error(`no message ${ts} in ${channel}`);
  return found;
}

/** The "Add to handoff" message shortcut on `message`, by `user`; resolves with its response URL and trigger. */
export async function useShortcut(
  h: Harness,
  opts: { user: ShortcutUser; channel: { id: string; name: string }; message: StoredMessage },
): Promise<{ responseUrl: string; triggerId: string }> {
  const responseUrl = h.slack.responseUrl();
  const triggerId = h.slack.issueTriggerId();
  const { message, user, channel } = opts;
  const response = await h.interact({
    type: 'message_action',
    callback_id: SHORTCUT_ID.addToHandoff,
    trigger_id: triggerId,
    response_url: responseUrl,
    message_ts: message.ts,
    message: {
      type: 'message',
      user: message.user,
      ts: message.ts,
      text: message.text ?? '',
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    },
    channel: { id: channel.id, name: channel.name },
    user: { id: user.id, name: user.id.toLowerCase(), ...(user.team_id ? { team_id: user.team_id } : {}) },
    team: { id: TEAM, domain: 'acme' },
    token: 'legacy-verification-token',
    action_ts: '1795442400.000300',
    api_app_id: 'A0APP',
    is_enterprise_install: false,
  });
  expect(response.status).toBe(200);
  return { responseUrl, triggerId };
}

export interface AddModal {
  callback_id: string;
  private_metadata: string;
  blocks: {
    type: string;
    block_id?: string;
    element?: {
      options?: { value: string; text: { text: string } }[];
      initial_option?: { value: string };
    };
  }[];
}

/** The modal the shortcut opened with this trigger. */
export async function openedAddModal(h: Harness, triggerId: string): Promise<AddModal> {
  const call = await waitFor(
    () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId),
    4000,
    'the Add to handoff modal',
  );
  const view = call.args.view as AddModal;
  expect(view.callback_id).toBe(CALLBACK_ID.addToHandoff);
  return view;
}

/** The handoff ids the modal offers, in order, and the one preselected. */
export function offered(view: AddModal): { ids: number[]; initial: number | undefined } {
  const select = view.blocks.find((b) => b.block_id === ADD_TO_HANDOFF_BLOCK_ID)?.element;
  const initial = select?.initial_option?.value;
  return {
    ids: (select?.options ?? []).map((o) => Number(o.value)),
    initial: initial === undefined ? undefined : Number(initial),
  };
}

/** The modal submitted with `handoffId` picked (null: nothing picked). */
export function addSubmission(opts: {
  metadata: string;
  handoffId: number | null;
  user: ShortcutUser;
  viewId?: string;
}) {
  return viewSubmission({
    callbackId: CALLBACK_ID.addToHandoff,
    privateMetadata: opts.metadata,
    user: opts.user,
    ...(opts.viewId ? { viewId: opts.viewId } : {}),
    values: {
      [ADD_TO_HANDOFF_BLOCK_ID]: {
        [ACTION_ID.value]: {
          type: 'static_select',
          selected_option:
            opts.handoffId === null
              ? null
              : { value: String(opts.handoffId), text: { type: 'plain_text', text: `#${opts.handoffId}` } },
        },
      },
    },
  });
}

/** Submits and returns Bolt's answer (`{}` when it closed the modal). */
export async function submitAdd(h: Harness, payload: unknown): Promise<Record<string, unknown>> {
  const response = await h.interact(payload);
  expect(response.status).toBe(200);
  const text = await response.text();
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/**
 * A message written by `user` in `channel` (a thread reply with `threadTs`), then the shortcut on it and its modal:
 * what a test starts from.
 */
export async function shortcutOnNewMessage(
  h: Harness,
  opts: {
    user: ShortcutUser;
    channel: { id: string; name: string };
    author: string;
    text: string;
    threadTs?: string;
  },
): Promise<{ ts: string; responseUrl: string; triggerId: string }> {
  const ts = h.slack.postAsPerson({
    channel: opts.channel.id,
    user: opts.author,
    text: opts.text,
    ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}),
  });
  const message = storedMessage(h, opts.channel.id, ts);
  return { ts, ...(await useShortcut(h, { user: opts.user, channel: opts.channel, message })) };
}
