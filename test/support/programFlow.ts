import { expect } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import type { ProgramLogRow } from '../../src/db/schema.js';
import type { FakeView, RecordedCall } from './fakeSlack.js';
import { type Harness, waitFor } from './harness.js';
import { blockAction, viewSubmission } from './payloads.js';
import { TEAM } from './people.js';

/**
 * The program's pages and editors in Slack (issue 53), driven as Slack would: a page opened from the App Home
 * (views.open), an editor pushed from a page's button (views.push, with a trigger of that page), and an editor
 * submitted with its inputs as Slack sends them: every input block of the view, its initial value unless the person
 * changed it. Slack's own answer to the submission (`response_action`) is then played on the fake Slack's views.
 */

export type SlackUser = { id: string; team_id?: string };

interface Option {
  text: { type: string; text: string };
  value: string;
}

interface Element {
  type: string;
  action_id?: string;
  value?: string;
  initial_value?: string;
  initial_option?: Option;
  initial_options?: Option[];
  initial_users?: string[];
  initial_user?: string;
  initial_conversations?: string[];
  options?: Option[];
}

export interface Block {
  type: string;
  block_id?: string;
  optional?: boolean;
  label?: { text: string };
  element?: Element;
  elements?: (Element & { text?: { text: string } })[];
  accessory?: Element;
  text?: { text: string };
}

export interface ProgramView {
  id: string;
  type: string;
  callback_id: string;
  private_metadata: string;
  title?: { text: string };
  blocks: Block[];
  previous_view_id?: string | null;
  root_view_id?: string | null;
}

/** What the person changes in an input: a text or a choice's value; a list for the multi-selects and checkboxes. */
export type Answer = string | readonly string[] | null;

/** Every text a view shows (sections, contexts, button texts), one string. */
export const viewText = (view: { blocks: unknown[] }) => JSON.stringify(view.blocks);

/** The buttons of a view: action id, value and text (actions blocks and section accessories). */
export function buttonsIn(view: { blocks: Block[] }): { action_id: string; value: string; text: string }[] {
  return view.blocks
    .flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])])
    .filter((e) => e.type === 'button')
    .map((e) => ({
      action_id: e.action_id ?? '',
      value: e.value ?? '',
      text: (e as { text?: { text: string } }).text?.text ?? '',
    }));
}

function chosen(element: Element, blockId: string, values: readonly string[]): Option[] {
  return values.map((value) => {
    const option = element.options?.find((o) => o.value === value);
    if (!option) throw new Error(`${blockId}: the view offers no option "${value}"`);
    return option;
  });
}

/** One input's state as Slack sends it: what the person chose, else the view's initial value. */
function inputState(element: Element, blockId: string, answer: Answer | undefined): Record<string, unknown> {
  const type = element.type;
  const many = (initial: string[] | undefined) =>
    answer === undefined ? (initial ?? []) : Array.isArray(answer) ? [...answer] : answer ? [answer] : [];
  switch (type) {
    case 'plain_text_input':
    case 'number_input':
      return { type, value: answer === undefined ? (element.initial_value ?? null) : answer };
    case 'static_select':
    case 'radio_buttons':
      return {
        type,
        selected_option:
          answer === undefined
            ? (element.initial_option ?? null)
            : answer === null
              ? null
              : (chosen(element, blockId, [answer as string])[0] ?? null),
      };
    case 'multi_static_select':
    case 'checkboxes':
      return {
        type,
        selected_options:
          answer === undefined ? (element.initial_options ?? []) : chosen(element, blockId, many([])),
      };
    case 'multi_users_select':
      return { type, selected_users: many(element.initial_users) };
    case 'users_select':
      return { type, selected_user: answer === undefined ? (element.initial_user ?? null) : answer };
    case 'multi_conversations_select':
      return { type, selected_conversations: many(element.initial_conversations) };
    case 'timepicker':
      return {
        type,
        selected_time:
          answer === undefined ? ((element as { initial_time?: string }).initial_time ?? null) : answer,
      };
    default:
      throw new Error(`${blockId}: no state for a ${type}`);
  }
}

const isEmpty = (state: Record<string, unknown>) =>
  Object.entries(state).every(
    ([k, v]) => k === 'type' || v === null || v === '' || (Array.isArray(v) && v.length === 0),
  );

/**
 * The view's state.values on submit: every input block, its initial value unless `answers` (by block id) changes it.
 * An answer for a block the view does not have, or an option it does not offer, is a mistake of the test; a required
 * input left empty is one Slack would not submit.
 */
export function stateOf(
  view: { blocks: Block[] },
  answers: Record<string, Answer> = {},
): Record<string, Record<string, unknown>> {
  const inputs = view.blocks.filter((b) => b.type === 'input');
  for (const id of Object.keys(answers))
    if (!inputs.some((b) => b.block_id === id)) throw new Error(`the view has no input ${id}`);
  return Object.fromEntries(
    inputs.map((b) => {
      const id = b.block_id ?? '';
      const element = b.element as Element;
      const state = inputState(element, id, answers[id]);
      if (!b.optional && isEmpty(state))
        throw new Error(`${id} is required: Slack would not submit it empty`);
      return [id, { [element.action_id ?? ACTION_ID.value]: state }];
    }),
  );
}

/** The view a views.open / views.push with this trigger put up (waits for its answer). */
export async function viewOpenedBy(
  h: Harness,
  method: 'views.open' | 'views.push',
  triggerId: string,
): Promise<ProgramView> {
  const call: RecordedCall = await waitFor(
    () => h.slack.callsTo(method).find((c) => c.args.trigger_id === triggerId && c.status !== 0),
    6000,
    `the ${method} of ${triggerId}`,
  );
  expect(call.response, JSON.stringify(call.response)).toMatchObject({ ok: true });
  return (call.response as { view: ProgramView }).view;
}

/** A button's click inside a view (the App Home or a modal), as Slack sends it: no response_url, channel or message. */
function viewAction(opts: { actionId: string; value: string; user: SlackUser; triggerId: string }) {
  const { response_url: _u, channel: _c, message: _m, ...rest } = blockAction(opts);
  return rest;
}

/** A click on a button of the App Home (no response_url; a fresh trigger); resolves with the trigger id. */
export async function homeButton(
  h: Harness,
  user: SlackUser,
  actionId: string,
  value: string,
): Promise<string> {
  const triggerId = h.slack.issueTriggerId();
  const home = h.slack.homeView(user.id);
  const response = await h.interact({
    ...viewAction({ actionId, value, user, triggerId }),
    container: { type: 'view', view_id: home?.id ?? 'V0HOME' },
    view: { id: home?.id ?? 'V0HOME', type: 'home', blocks: [], private_metadata: '' },
  });
  expect(response.status).toBe(200);
  return triggerId;
}

/** A click on a button of a modal (a page's Edit or New): Slack gives a trigger of that view, and the view itself. */
export async function modalButton(
  h: Harness,
  user: SlackUser,
  view: ProgramView,
  actionId: string,
  value: string,
): Promise<string> {
  const triggerId = h.slack.issueTriggerId({ viewId: view.id });
  const current = h.slack.view(view.id) ?? (view as unknown as FakeView);
  const response = await h.interact({
    ...viewAction({ actionId, value, user, triggerId }),
    container: { type: 'view', view_id: view.id },
    view: { ...current, state: { values: {} } },
  });
  expect(response.status).toBe(200);
  return triggerId;
}

/** A page of the program, opened from `user`'s App Home. */
export async function openPage(h: Harness, user: SlackUser, page: string): Promise<ProgramView> {
  return viewOpenedBy(h, 'views.open', await homeButton(h, user, `${ACTION_ID.programOpen}:${page}`, page));
}

/** The editor pushed by Edit (or New) `value` on a page. */
export async function pushEditor(h: Harness, user: SlackUser, page: ProgramView, value: string) {
  return viewOpenedBy(h, 'views.push', await modalButton(h, user, page, ACTION_ID.programEdit, value));
}

/** The values of a page's Edit (and New) buttons. */
export const editValues = (view: { blocks: unknown[] }) =>
  buttonsIn(view as ProgramView)
    .filter((b) => b.action_id === ACTION_ID.programEdit)
    .map((b) => b.value);

/** The app's answer to a view submission (its ack body; `{}` when empty). */
export type Ack = {
  response_action?: string;
  errors?: Record<string, string>;
  view?: ProgramView;
};

/**
 * Submits an editor as `user` with `values` (state.values), as Slack sends it for the view `view` (its id, metadata
 * and place in the stack); then plays the answer on the fake Slack's views, as Slack does (`apply`: false for a view
 * the fake never opened). Resolves with the ack body and, for `update`, the view now shown.
 */
export async function submitEditor(
  h: Harness,
  user: SlackUser,
  view: ProgramView,
  values: Record<string, unknown>,
  opts: { privateMetadata?: string; apply?: boolean } = {},
): Promise<Ack> {
  const payload = viewSubmission({
    callbackId: view.callback_id,
    privateMetadata: opts.privateMetadata ?? view.private_metadata,
    viewId: view.id,
    values,
    user,
    blocks: view.blocks,
  });
  const current = h.slack.view(view.id);
  const response = await h.interact({
    ...payload,
    view: {
      ...payload.view,
      previous_view_id: current?.previous_view_id ?? null,
      root_view_id: current?.root_view_id ?? view.id,
    },
  });
  expect(response.status).toBe(200);
  const text = await response.text();
  const ack = (text === '' ? {} : JSON.parse(text)) as Ack;
  if (opts.apply !== false && current) {
    const outcome = h.slack.answerViewSubmission(view.id, ack as never);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
  }
  return ack;
}

/** Every entry of the program's log, oldest first. */
export async function programLog(h: Harness): Promise<ProgramLogRow[]> {
  const { programLog: log } = h.tables;
  return h.database.db.select().from(log).orderBy(log.id);
}

export const internalUser = (user: { id: string }): SlackUser => ({ id: user.id, team_id: TEAM });

/** What the program's buttons and editors answer someone who may not (handlers/actions/program.ts, programSubmit.ts). */
export const PROGRAM_REFUSALS = {
  /** A page or an editor not theirs: by DM (no response_url in the App Home or a modal). */
  notYours:
    'Only the program’s admins (and RevOps for the policies, a pool’s managers for their pool) can open this.',
  /** An editor's submission for a part not theirs: the modal closes, nothing is saved, and they are told by DM. */
  forbidden: 'You may not edit this part of the program (any more): nothing was saved.',
};

/** A button of a program page (Edit, New) as Slack sends it from inside the modal: no response_url. */
export function modalClick(opts: {
  actionId: string;
  value: string;
  user: SlackUser;
  triggerId: string;
  viewId?: string;
}) {
  const viewId = opts.viewId ?? 'V0PROGRAMPAGE';
  return {
    ...viewAction(opts),
    container: { type: 'view', view_id: viewId },
    view: {
      id: viewId,
      type: 'modal',
      callback_id: '',
      private_metadata: JSON.stringify({ page: 'pools' }),
      blocks: [],
      state: { values: {} },
    },
  };
}

/** An editor (as the app builds it) submitted by `user` with these answers over its initial values. */
export function editorSubmission(
  user: SlackUser,
  view: { callback_id?: string; private_metadata?: string; blocks: unknown[] },
  answers: Record<string, Answer> = {},
  viewId?: string,
) {
  return viewSubmission({
    callbackId: view.callback_id ?? '',
    privateMetadata: view.private_metadata ?? '',
    values: stateOf(view as { blocks: Block[] }, answers),
    user: user,
    blocks: view.blocks,
    ...(viewId ? { viewId } : {}),
  });
}

/**
 * Submits an editor that saves: it closes (an empty ack, nothing left on the page), and the page it was pushed on
 * shows the edit (views.update). `answers` go over the editor's initial values (`raw`: they are state.values as
 * sent). Resolves with that page as Slack shows it now.
 */
export async function savedPage(
  h: Harness,
  user: SlackUser,
  editor: ProgramView,
  answers: Record<string, Answer> | Record<string, unknown>,
  raw = false,
): Promise<ProgramView> {
  const updates = h.slack.callsTo('views.update').length;
  const values = raw ? answers : stateOf(editor, answers as Record<string, Answer>);
  expect(await submitEditor(h, user, editor, values)).toEqual({});
  const under = editor.previous_view_id as string;
  expect(h.slack.viewStack(under)).toEqual([under]);
  const call = await waitFor(
    () =>
      h.slack
        .callsTo('views.update')
        .slice(updates)
        .find((c) => c.args.view_id === under && c.status !== 0),
    6000,
    'the page updated',
  );
  expect(call.response).toMatchObject({ ok: true });
  return h.slack.view(under) as unknown as ProgramView;
}
