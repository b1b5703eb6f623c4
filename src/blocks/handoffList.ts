import type { ActionsBlock, KnownBlock, ModalView } from '@slack/types';
import type { HandoffEventRow, HandoffRow } from '../db/schema.js';
import { stepDate } from '../domain/firstStep.js';
import type { FollowChoice } from '../domain/following.js';
import { OUTCOME_LABEL, type Outcome } from '../domain/outcomes.js';
import { dueOrPaused } from './asks.js';
import { followBlocks } from './following.js';
import { historyLine } from './history.js';
import { ACTION_ID, CALLBACK_ID, NOTE_BLOCK_ID, NOTE_MAX } from './ids.js';
import type { SlackMessage } from './message.js';
import { aeDeadline, mention, plain, slackDate, userText } from './mrkdwn.js';
import { button, context, handoffTitle, pt, section } from './parts.js';

/** Where a handoff stands, in one line, for the person who sent or owns it. */
export function standing(h: HandoffRow): string {
  switch (h.status) {
    case 'sent':
      return `waiting for ${mention(h.aeUserId)}, ${dueOrPaused(h, undefined, aeDeadline(h.dueAt, h.aeTimeZone))}${h.moreTime === 'asked' ? `; they asked for ${h.moreTimeDays ?? ''} more business days` : ''}`;
    case 'accepted':
      return h.outcome
        ? `accepted by ${mention(h.aeUserId)}; ${OUTCOME_LABEL[h.outcome as Outcome].toLowerCase()}`
        : `accepted by ${mention(h.aeUserId)}${h.firstStep && h.firstStepDue ? `; next: ${userText(h.firstStep, 150)} by ${stepDate(h.firstStepDue)}` : ''}`;
    case 'declined':
      return `declined by ${mention(h.aeUserId)}`;
    case 'expired':
      return `expired: ${mention(h.aeUserId)} did not answer by ${slackDate(h.dueAt, h.aeTimeZone)}`;
    case 'withdrawn':
      return 'withdrawn';
    case 'taken_back':
      return `back with its owner ${mention(h.ownerUserId)}, after ${mention(h.aeUserId)} had accepted it; waiting for them to reassign or withdraw it`;
  }
}

/** View (and Edit, where the reader may still edit) for one handoff. */
export function handoffButtons(
  h: HandoffRow,
  opts: { editable: boolean; view?: boolean; notable?: boolean },
): ActionsBlock {
  const open = (text: string, actionId: string) => button({ text, actionId, value: String(h.id) }, h);
  return {
    type: 'actions',
    block_id: `handoff_open_${h.id}`,
    elements: [
      ...(opts.view === false ? [] : [open('View', ACTION_ID.view)]),
      ...(opts.editable ? [open('Edit', ACTION_ID.edit)] : []),
      // After the AE's answer there is nothing to edit: a note to the AE instead.
      ...(!opts.editable && opts.notable ? [open('Note to the AE', ACTION_ID.note)] : []),
    ],
  };
}

/** The note modal: one text the AE reads as a reply under their packet. */
export function noteModal(h: HandoffRow): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.note,
    private_metadata: JSON.stringify({ handoffId: h.id }),
    title: pt('Note to the AE'),
    submit: pt('Send note'),
    close: pt('Cancel'),
    blocks: [
      context(
        `Handoff #${h.id} *${userText(h.accountName, 150)}*, ${standing(h)}. The AE reads this as a reply under their packet; the partner never does.`,
      ),
      {
        type: 'input',
        block_id: NOTE_BLOCK_ID,
        label: pt('Note'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          multiline: true,
          max_length: NOTE_MAX,
        },
      },
    ],
  };
}

/**
 * After Send note: says it went and where the AE reads it. Closing it closes View too (opened over it from View,
 * which would show the history without the note).
 */
export function noteSentModal(h: HandoffRow): ModalView {
  return {
    type: 'modal',
    title: pt('Note sent'),
    close: pt('Close'),
    clear_on_close: true,
    blocks: [
      section(
        `:memo: Your note on handoff #${h.id} *${userText(h.accountName, 150)}* is on its way to ${mention(h.aeUserId)}, as a reply under their packet. The partner never reads it.`,
      ),
    ],
  };
}

/**
 * `/handoff list [all]`: the reader's handoffs, newest first, each with its status, AE and deadline, as of now. An
 * ephemeral reply is never brought up to date, so it says when it was true and offers only View, which opens the
 * handoff as it is when clicked (with Edit or Note to the AE there, while the reader may still use them).
 */
export function handoffList(
  rows: HandoffRow[],
  opts: { all: boolean; total: number; now: Date; timeZone: string },
): SlackMessage {
  const what = opts.all ? 'handoffs' : 'open handoffs';
  // `total` counts what was sent, owned or answered as AE.
  if (rows.length === 0) {
    const text = opts.all
      ? 'You have not sent or owned a handoff yet. Type `/handoff` to send one.'
      : 'None of your handoffs is open. Type `/handoff list all` to see the closed ones too.';
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [
    section(`*Your ${what}* (${opts.total}), newest first, as of ${slackDate(opts.now, opts.timeZone)}:`),
  ];
  for (const h of rows) {
    blocks.push(section(`${handoffTitle(h)}: ${standing(h)}`), handoffButtons(h, { editable: false }));
  }
  const footer: string[] = [
    'View shows where each stands now, and Edit or Note to the AE while you may use them.',
  ];
  if (opts.total > rows.length) footer.push(`Showing the ${rows.length} newest of ${opts.total}.`);
  if (!opts.all) footer.push('`/handoff list all` shows the closed ones too.');
  blocks.push(context(footer.join(' ')));
  return { text: `Your ${what}: ${opts.total}`, blocks };
}

/** Slack allows 100 blocks in a modal: the packet, a heading, and the latest history lines that fit. */
const MODAL_BLOCKS = 100;

/**
 * View: the packet exactly as the AE sees it (without the AE's buttons), then its history, oldest first, and Edit or
 * Note to the AE when the reader may use one now.
 */
export function handoffViewModal(
  h: HandoffRow,
  packet: SlackMessage,
  history: HandoffEventRow[],
  /** `following`: what the reader follows it for (null: not), to offer Follow or Unfollow (undefined: neither). */
  may: { editable: boolean; notable: boolean; following?: FollowChoice | null } = {
    editable: false,
    notable: false,
  },
): ModalView {
  const packetBlocks = (packet.blocks as KnownBlock[]).filter((b) => b.type !== 'actions');
  const actions = [
    ...(may.editable || may.notable
      ? [handoffButtons(h, { editable: may.editable, notable: may.notable, view: false })]
      : []),
    ...(may.following === undefined ? [] : followBlocks(h, may.following)),
  ];
  const room = MODAL_BLOCKS - packetBlocks.length - 3 - actions.length;
  const shown = history.slice(-Math.max(room, 1));
  const blocks: KnownBlock[] = [
    ...packetBlocks,
    { type: 'divider' },
    section(`*History* · ${standing(h)}`),
    ...(history.length > shown.length
      ? [context(`${history.length - shown.length} earlier entries are in the touch log export.`)]
      : []),
    ...shown.map((e) => context(historyLine(e))),
    ...actions,
  ];
  return {
    type: 'modal',
    title: pt(plain(`Handoff #${h.id}`, 24)),
    close: pt('Close'),
    blocks: blocks.slice(0, MODAL_BLOCKS),
  };
}
