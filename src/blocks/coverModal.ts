import type { ModalView } from '@slack/types';
import type { CoverRow } from '../db/schema.js';
import { ACTION_ID, CALLBACK_ID, COVER_BLOCK_ID } from './ids.js';
import { mention } from './mrkdwn.js';
import { context, pt, section } from './parts.js';

/**
 * `/handoff cover`: the AE names who answers for them while they are away, and until when. New handoffs to them
 * offer the cover (the author may send to the cover instead), and escalation policies can notify it.
 */
export function coverModal(opts: {
  current?: CoverRow | undefined;
  until?: string;
  cover?: string;
}): ModalView {
  const current = opts.current;
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.cover,
    title: pt('Cover while away'),
    submit: pt('Save cover'),
    close: pt('Cancel'),
    private_metadata: '{}',
    blocks: [
      section(
        current
          ? `${mention(current.coverUserId)} answers for you until *${current.until}*. Change it here, or type \`/handoff cover off\` to end it.`
          : 'Name who answers for you while you are away. New handoffs sent to you will offer them to the sender, and escalations can reach them.',
      ),
      {
        type: 'input',
        block_id: COVER_BLOCK_ID.cover,
        label: pt('Who covers for you'),
        element: {
          type: 'users_select',
          action_id: ACTION_ID.value,
          ...((opts.cover ?? current?.coverUserId)
            ? { initial_user: opts.cover ?? current?.coverUserId }
            : {}),
        },
      },
      {
        type: 'input',
        block_id: COVER_BLOCK_ID.until,
        label: pt('Until (the last day)'),
        element: {
          type: 'datepicker',
          action_id: ACTION_ID.value,
          ...((opts.until ?? current?.until) ? { initial_date: opts.until ?? current?.until } : {}),
        },
      },
      context('Only your own cover. Your colleague is told by DM, with the dates.'),
    ],
  };
}

/** To the person named as cover: who named them, from and until which day, and what it means for them. */
export function coverNamedMessage(c: { aeUserId: string; coverUserId: string; from: string; until: string }) {
  const ae = mention(c.aeUserId);
  return {
    text: `You cover for a colleague from ${c.from} until ${c.until}.`,
    blocks: [
      section(
        `:busts_in_silhouette: ${ae} named you to answer for them from *${c.from}* until *${c.until}* (the last day). While it lasts, new handoffs sent to ${ae} offer you to the sender instead, owners may reassign ${ae}'s handoffs to you, and escalation policies may tell you of them or give them to you. Nothing to do now.`,
      ),
    ],
  };
}

/** To a cover replaced by someone else, or whose cover the AE ended: they no longer answer for the AE. */
export function coverEndedMessage(
  c: { aeUserId: string; until: string },
  why: 'replaced' | 'ended' = 'replaced',
) {
  const because = {
    replaced: `${mention(c.aeUserId)} named someone else to answer for them`,
    ended: `${mention(c.aeUserId)} ended their cover (\`/handoff cover off\`)`,
  }[why];
  return {
    text: 'You no longer cover for a colleague.',
    blocks: [
      section(`:white_check_mark: ${because}: you no longer cover for them (it was until ${c.until}).`),
    ],
  };
}
