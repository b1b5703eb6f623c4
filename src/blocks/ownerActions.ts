import type { ActionsBlock, ModalView } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { aeDeclined, backWithOwner, lapsed, type OwnerAction } from '../domain/lifecycle.js';
import { RESPONSE_WINDOW } from '../domain/packet.js';
import { ACTION_ID, CALLBACK_ID, OWNER_BLOCK_ID } from './ids.js';
import { mention, userText } from './mrkdwn.js';
import { button, pt } from './parts.js';

/**
 * What Withdraw's confirm dialog says happens. The partner channel is told only if it heard of the handoff
 * (core/notifications.ts `withdrawMessages`). A decision is what starts the partner thread, so a handoff that can
 * still be withdrawn (open or expired) was heard of there only if an earlier AE declined it: never on its first
 * assignment. The owner's notice says afterwards which it was.
 */
function withdrawConfirmText(h: HandoffRow): string {
  if (!h.partnerChannelId)
    return "The AE's buttons stop working. There is no partner channel: nothing is posted.";
  if (backWithOwner(h.status))
    return 'The partner channel was told an AE accepted it: it is told it is closed for now.';
  return h.assignment > 1
    ? "The AE's buttons stop working. If the partner channel was told an earlier AE did not take it forward, it is told it is closed for now; otherwise nothing is posted there."
    : "The AE's buttons stop working. Nothing is posted in the partner channel: it has not heard of this handoff.";
}

/** Reassign / Extend / Withdraw, and Give N more days: the ones offered (`can` decides, see domain/lifecycle.ts). */
export function ownerActionButtons(h: HandoffRow, offered: readonly OwnerAction[]): ActionsBlock | undefined {
  const value = String(h.id);
  const elements: ActionsBlock['elements'] = [];
  // The AE's request for more time, first: it is what the owner is asked for.
  if (offered.includes('grant_more_time')) {
    const days = h.moreTimeDays ?? 0;
    elements.push(
      button(
        {
          text: `Give ${days} more day${days === 1 ? '' : 's'}`,
          actionId: ACTION_ID.grantMoreTime,
          value,
          style: 'primary',
          action: `Give ${days} more business day${days === 1 ? '' : 's'}`,
        },
        h,
      ),
    );
  }
  if (offered.includes('reassign')) {
    // One primary button per message: the owner's more time, when asked, is what they are asked for.
    const primary = offered.includes('grant_more_time') ? {} : { style: 'primary' as const };
    elements.push(button({ text: 'Reassign', actionId: ACTION_ID.reassign, value, ...primary }, h));
  }
  if (offered.includes('extend')) {
    elements.push(button({ text: 'Extend', actionId: ACTION_ID.extend, value }, h));
  }
  if (offered.includes('withdraw')) {
    elements.push(
      button(
        {
          text: 'Withdraw',
          actionId: ACTION_ID.withdraw,
          // The window it is shown for: a Withdraw on an old notice cannot withdraw a handoff that moved on.
          value: `${h.id}:${h.cycle}`,
          style: 'danger',
          confirm: {
            title: pt('Withdraw this handoff?'),
            text: { type: 'mrkdwn', text: withdrawConfirmText(h) },
            confirm: pt('Withdraw'),
            deny: pt('Keep it'),
          },
        },
        h,
      ),
    );
  }
  return elements.length > 0
    ? { type: 'actions', block_id: `${OWNER_BLOCK_ID.actions}_${h.id}`, elements }
    : undefined;
}

export interface OwnerModalMetadata {
  handoffId: number;
  /** The window the owner saw: a change since then (a decision, another action) refuses the submission. */
  cycle: number;
}

const metadata = (h: HandoffRow) =>
  JSON.stringify({ handoffId: h.id, cycle: h.cycle } satisfies OwnerModalMetadata);

const daysInput = (initial: number, label: string) => ({
  type: 'input' as const,
  block_id: OWNER_BLOCK_ID.days,
  label: pt(label),
  element: {
    type: 'number_input' as const,
    action_id: ACTION_ID.value,
    is_decimal_allowed: false,
    min_value: String(RESPONSE_WINDOW.min),
    max_value: String(RESPONSE_WINDOW.max),
    initial_value: String(initial),
  },
  hint: pt(`Business days in the AE's timezone, ${RESPONSE_WINDOW.min} to ${RESPONSE_WINDOW.max}.`),
});

/**
 * Where a handoff that can be reassigned stands, naming its AE: waiting for them, their silence or decline, or back
 * from them after they had accepted it.
 */
function whereItIs(h: HandoffRow): string {
  const ae = mention(h.aeUserId);
  if (lapsed(h.status)) return `expired without an answer from ${ae}`;
  if (aeDeclined(h.status)) return `was declined by ${ae}`;
  // Handed back by the AE, or taken back from them by the policy: it is no longer with them.
  if (backWithOwner(h.status)) return `is back from ${ae}, who had accepted it`;
  return `is with ${ae}`;
}

/** `cover`: the AE's cover, named by them and still in force: preselected as the new AE (the owner may change it). */
export function reassignModal(h: HandoffRow, cover?: string): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.reassign,
    private_metadata: metadata(h),
    title: pt('Reassign handoff'),
    submit: pt('Reassign'),
    close: pt('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text: `Handoff #${h.id} *${userText(h.accountName, 150)}* ${whereItIs(h)}. The new AE gets the packet by DM with a new window; ${mention(h.aeUserId)}'s copy will say it moved.`,
        },
      },
      {
        type: 'input',
        block_id: OWNER_BLOCK_ID.newAe,
        label: pt('New account executive'),
        ...(cover ? { hint: pt(`Preselected: the cover ${h.aeName} named. Pick anyone else instead.`) } : {}),
        element: {
          type: 'users_select',
          action_id: ACTION_ID.value,
          placeholder: pt('Who takes it now'),
          ...(cover ? { initial_user: cover } : {}),
        },
      },
      daysInput(h.responseWindowDays, 'Response window (business days)'),
    ],
  };
}

export function extendModal(h: HandoffRow): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.extend,
    private_metadata: metadata(h),
    title: pt('Extend the window'),
    submit: pt('Extend'),
    close: pt('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text: `Give ${mention(h.aeUserId)} more time to answer handoff #${h.id} *${userText(h.accountName, 150)}*. ${lapsed(h.status) ? 'The new window starts now.' : 'The days are added to the current deadline.'}`,
        },
      },
      daysInput(2, 'Extra business days'),
    ],
  };
}
