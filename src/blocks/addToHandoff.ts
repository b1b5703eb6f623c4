import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { type AboutReason, type AddRefusal, EXCERPT_MAX } from '../domain/messageLinks.js';
import { standing } from './handoffList.js';
import { ACTION_ID, ADD_TO_HANDOFF_BLOCK_ID, CALLBACK_ID } from './ids.js';
import type { SlackMessage } from './message.js';
import { plain, userText } from './mrkdwn.js';
import { context, notifyText, pt, section } from './parts.js';

/**
 * "Add to handoff", as people read it: the modal that picks the handoff, what it says once the
 * message is added, and the replies of the shortcut. What the history shows of an added message is
 * `historyLine` (history.ts).
 */

/** Slack shows at most 100 options in a select. */
export const PICK_MAX = 100;

/** One handoff as an option: its number, account and partner, in Slack's 75 characters. */
function option(h: HandoffRow): PlainTextOption {
  return {
    text: pt(plain(`#${h.id} ${h.accountName.replace(/\s+/g, ' ')} · ${h.partnerOrg}`, 75)),
    value: String(h.id),
  };
}

/** The excerpt as a quote, escaped (nothing typed in it pings anyone or links anywhere). */
const quoted = (excerpt: string) =>
  excerpt === '' ? '_(a message with no text: its link is kept)_' : `>${userText(excerpt, EXCERPT_MAX + 40)}`;

/** Why the handoff is preselected, as the select's hint says it (plain text). */
function aboutHint(about: { handoff: HandoffRow; why: AboutReason }): string {
  return about.why === 'thread'
    ? `This message is in the thread of handoff #${about.handoff.id}.`
    : `The message names ${plain(about.handoff.accountName.replace(/\s+/g, ' '), 80)}.`;
}

/**
 * The modal: the message (its excerpt), then the person's open handoffs in a select, the channel's partner's first
 * (`matched` of them), the one the message is about preselected (`about`; none when it cannot be told, rather than a
 * guess). `metadata` carries the message to the submission.
 */
export function addToHandoffModal(
  rows: readonly HandoffRow[],
  opts: {
    excerpt: string;
    matched: number;
    about?: { handoff: HandoffRow; why: AboutReason } | undefined;
    metadata: string;
  },
): ModalView {
  const shown = rows.slice(0, PICK_MAX);
  const options = shown.map(option);
  const about = opts.about && shown.some((h) => h.id === opts.about?.handoff.id) ? opts.about : undefined;
  const where =
    opts.matched > 0
      ? "This channel's partner's handoffs come first."
      : 'Your open handoffs: the ones you sent, own or answer as the AE.';
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.addToHandoff,
    private_metadata: opts.metadata,
    title: pt('Add to handoff'),
    submit: pt('Add'),
    close: pt('Cancel'),
    blocks: [
      section(quoted(opts.excerpt)),
      {
        type: 'input',
        block_id: ADD_TO_HANDOFF_BLOCK_ID,
        label: pt('Handoff'),
        element: {
          type: 'static_select',
          action_id: ACTION_ID.value,
          placeholder: pt('One of your open handoffs'),
          options,
          ...(about ? { initial_option: option(about.handoff) } : {}),
        },
        hint: pt(about ? `${aboutHint(about)} ${where}` : where),
      },
      context(
        `The handoff's history keeps a link to the message and its first ${EXCERPT_MAX} characters, with your name; a linked CRM record gets them as an activity. The partner is never told.`,
      ),
    ],
  };
}

/** After Add: where the message now is. Replaces the modal. */
export function messageAddedModal(h: HandoffRow, opts: { already: boolean }): ModalView {
  const where = `handoff #${h.id} *${userText(h.accountName, 150)}* (${standing(h)})`;
  const crm = h.crmSystem ? ' It goes to its CRM record as an activity too.' : '';
  return {
    type: 'modal',
    title: pt(opts.already ? 'Already added' : 'Message added'),
    close: pt('Close'),
    clear_on_close: true,
    blocks: [
      section(
        opts.already
          ? `:memo: This message was already added to ${where}. Nothing was added twice.`
          : `:memo: Added to ${where}. Its history (View) shows it, with a link to the message.${crm} The partner is never told.`,
      ),
    ],
  };
}

/**
 * Why Add was refused, in the modal, under the select (plain text: Slack shows errors as typed). A handoff the
 * person may not add to reads as one not found: no hint that it exists.
 */
export function addRefusalText(refusal: AddRefusal | 'none_picked' | 'stale', handoffId?: number): string {
  const which = handoffId === undefined ? 'That handoff' : `Handoff #${handoffId}`;
  switch (refusal) {
    case 'external':
      return 'Add to handoff is for the team that runs this app. Nothing was added.';
    case 'not_found':
    case 'not_allowed':
      return `${which} is not one of the open handoffs you sent, own or answer as the AE. Nothing was added.`;
    case 'not_now':
      return `${which} is closed now (declined, withdrawn, won or lost). Nothing was added.`;
    case 'none_picked':
      return 'Pick the handoff to add the message to.';
    case 'stale':
      return 'This form is out of date. Use Add to handoff on the message again. Nothing was added.';
  }
}

/** The shortcut's replies, only to the person who used it (an ephemeral where they are). */
export const addReplies = {
  external: () =>
    'Add to handoff is for the team that runs this app. If you brought a deal, your contact there will share updates in your shared channel.',
  none: () =>
    'You have no open handoff to add this message to. Add to handoff offers the open handoffs you sent, own or answer as the AE (`/handoff list` shows them).',
  /** The message is added, and yet the app could not mark it with :memo:. */
  notMarked: (h: HandoffRow, why: 'not_in_channel' | 'failed'): SlackMessage => {
    const reason =
      why === 'not_in_channel'
        ? 'the app is not in this conversation, so it could not mark the message with :memo:'
        : 'Slack did not take the :memo: mark on the message just now';
    const text = notifyText(
      h,
      `the message is added. Only ${reason}: nothing went wrong with the attachment, it is in the handoff's history.`,
    );
    const blocks: KnownBlock[] = [section(text)];
    return { text, blocks };
  },
};
