import type { KnownBlock, ModalView } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import type { HeldBackAsk, HeldBackState } from '../domain/heldBack.js';
import { describeStatus } from '../domain/lifecycle.js';
import { OUTCOME_LABEL } from '../domain/outcomes.js';
import { FIELD_LIMITS } from '../domain/packet.js';
import { ACTION_ID, CALLBACK_ID, NEXT_MOVE_BLOCK_ID } from './ids.js';
import type { SlackMessage } from './message.js';
import { channelLink, mention, userText } from './mrkdwn.js';
import { partnerMoveText } from './partnerUpdate.js';
import { button, context, handoffTitle, notifyText, pt, section } from './parts.js';

/**
 * The author's notice of partner text held back from the partner (core/heldBack.ts): what the partner no longer
 * sees and why, with Still true and Edit while it is so; afterwards, what was done, with no buttons.
 */

/** The move as the partner read it: its words and "by" date. */
const moveText = (move: string, date: string | null) => `“${partnerMoveText(move, date)}”`;

const partnerOf = (h: HandoffRow) => userText(h.partnerOrg, 150);

function why(ask: HeldBackAsk, h: HandoffRow, past: boolean): string {
  if (ask.reason === 'date_passed') return past ? 'its date had passed' : 'its date has passed';
  if (ask.reason === 'outcome_passed') {
    const step = ask.step ? `*${OUTCOME_LABEL[ask.step]}*` : 'a new step';
    return past
      ? `it was written before the deal reached ${step}`
      : `it was written before the deal reached ${step}, and neither its date nor an answer of yours since reaches past it`;
  }
  const former = userText(ask.former ?? 'the AE it names', 100);
  return past
    ? `${former} was no longer the AE`
    : `${former} is no longer the AE (${userText(h.aeName, 100)} is)`;
}

/** "You confirmed it", "<@U…> confirmed it", or "It was confirmed" when the touch log does not say who. */
function did(by: string | undefined, reader: string | undefined, verb: string, passive: string): string {
  if (by === undefined) return `It was ${passive}`;
  return `${by === reader ? 'You' : mention(by)} ${verb}`;
}

/** The value the buttons carry: the handoff and the text version they were shown for. */
export const heldBackValue = (h: Pick<HandoffRow, 'id'>, ask: Pick<HeldBackAsk, 'version'>) =>
  `${h.id}:${ask.version}`;

function buttons(h: HandoffRow, ask: HeldBackAsk): KnownBlock {
  const value = heldBackValue(h, ask);
  return {
    type: 'actions',
    elements: [
      button(
        {
          text: ask.reason === 'date_passed' ? 'Still true, without the date' : 'Still true',
          actionId: ACTION_ID.heldBackConfirm,
          value,
          style: 'primary',
        },
        h,
      ),
      button(
        { text: 'Edit', actionId: ACTION_ID.heldBackEdit, value, action: 'Edit the partner next move' },
        h,
      ),
    ],
  };
}

/** What the notice says was done, once it no longer asks. */
function done(state: HeldBackState, h: HandoffRow, reader: string | undefined): string {
  const partner = partnerOf(h);
  const verb = (active: string, passive: string) => did(state.by, reader, active, passive);
  switch (state.outcome) {
    case 'confirmed':
      return `:white_check_mark: ${verb('confirmed it as still true', 'confirmed as still true')}: ${partner} now sees ${moveText(h.partnerNextMove, h.partnerNextMoveDate)}.`;
    case 'date_dropped':
      return `:white_check_mark: ${verb('kept it without the passed date', 'kept without the passed date')}: ${partner} sees ${moveText(h.partnerNextMove, null)} again, with no date.`;
    case 'changed': {
      const now =
        h.partnerNextMove.trim() === ''
          ? `:pencil2: ${verb('removed it', 'removed')}: ${partner} sees no next move from them now.`
          : `:pencil2: ${verb('changed it', 'changed')}: ${partner} now sees ${moveText(h.partnerNextMove, h.partnerNextMoveDate)}.`;
      return state.heldNow ? `${now} It no longer holds either: a newer message asks about it.` : now;
    }
    case 'moved_on': {
      const step = h.outcome ? `it is at *${OUTCOME_LABEL[h.outcome]}*` : `it is ${describeStatus(h.status)}`;
      return `:fast_forward: The deal moved on (${step}): the thread no longer shows a next move from ${partner}, so there is nothing to update.`;
    }
    default:
      return '';
  }
}

/** The notice as it must read now. `reader`: whom the DM is written to. */
export function heldBackNotice(
  h: HandoffRow,
  state: HeldBackState,
  reader: string | undefined,
): SlackMessage {
  const { ask } = state;
  const partner = partnerOf(h);
  const where = h.partnerChannelId ? ` in ${channelLink(h.partnerChannelId)}` : '';
  // "Not shown", not "no longer sees": the partner may never have read it (a date passed before the acceptance).
  const text = notifyText(h, `${partner} is not shown your next move for them.`);
  if (state.outcome === 'open') {
    const still =
      ask.reason === 'date_passed'
        ? '*Still true, without the date* shows them the move again without the passed date'
        : '*Still true* shows it to them as it is';
    return {
      text,
      blocks: [
        section(
          `:eye: *${partner} is not shown* ${moveText(ask.move, ask.date)} in the thread${where} about handoff ${handoffTitle(h)}: ${why(ask, h, false)}.`,
        ),
        context(`Is it still true? ${still}; *Edit* lets you rewrite it or clear it. Nothing else changes.`),
        buttons(h, ask),
      ],
    };
  }
  return {
    text,
    blocks: [
      section(
        `:eye: ${moveText(ask.move, ask.date)} was held back from ${partner}${where} (handoff ${handoffTitle(h)}): ${why(ask, h, true)}.`,
      ),
      section(done(state, h, reader)),
    ],
  };
}

/** The small modal Edit opens: the partner's next move and its date, as the partner reads them. */
export function nextMoveModal(h: HandoffRow, version: string, today: string): ModalView {
  const date = h.partnerNextMoveDate && h.partnerNextMoveDate >= today ? h.partnerNextMoveDate : undefined;
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.nextMove,
    private_metadata: JSON.stringify({ handoffId: h.id, version }),
    title: pt('Partner next move'),
    submit: pt('Save'),
    close: pt('Cancel'),
    blocks: [
      context(
        `Handoff #${h.id} *${userText(h.accountName, 150)}*. :eye: ${partnerOf(h)} reads this word for word in their thread. Leave it empty to show no next move.`,
      ),
      {
        type: 'input',
        block_id: NEXT_MOVE_BLOCK_ID.move,
        label: pt('Partner next move'),
        optional: true,
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          multiline: true,
          max_length: FIELD_LIMITS.partnerNextMove,
          ...(h.partnerNextMove ? { initial_value: h.partnerNextMove } : {}),
        },
      },
      {
        type: 'input',
        block_id: NEXT_MOVE_BLOCK_ID.date,
        label: pt('Partner next move by'),
        optional: true,
        element: {
          type: 'datepicker',
          action_id: ACTION_ID.value,
          placeholder: pt('Pick a date'),
          ...(date ? { initial_date: date } : {}),
        },
      },
    ],
  };
}
