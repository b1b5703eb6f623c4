import type { ModalView } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { DECLINE_NOTE_MAX, DECLINE_REASON_CODES, DECLINE_REASONS } from '../domain/decline.js';
import { ACTION_ID, CALLBACK_ID, DECLINE_BLOCK_ID } from './ids.js';
import { mention, plain, userText } from './mrkdwn.js';

export interface DeclineMetadata {
  handoffId: number;
  /** Opened from the App Home: refresh it once the decline is recorded. */
  fromHome?: boolean;
  /** The packet version the Decline was clicked on (absent: never edited). */
  editCount?: number;
}

/** What a decision's modal (decline, accept) carries: the handoff, where it was opened, the packet version read. */
export const decisionMetadata = (h: HandoffRow, opts: { fromHome?: boolean } = {}): DeclineMetadata => ({
  handoffId: h.id,
  ...(opts.fromHome ? { fromHome: true } : {}),
  ...(h.editCount > 0 ? { editCount: h.editCount } : {}),
});

/** The small modal the Decline button opens: a coded reason and an optional internal note. */
export function declineModal(h: HandoffRow, opts: { fromHome?: boolean } = {}): ModalView {
  const metadata = decisionMetadata(h, opts);
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.decline,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Decline handoff' },
    submit: { type: 'plain_text', text: 'Decline' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text: `Declining *${userText(h.accountName, 150)}* (via ${userText(h.partnerOrg, 150)}). The partner sees only a polite wording of the reason; your note goes to ${h.ownerUserId === h.authorUserId ? `the owner, ${mention(h.ownerUserId)},` : `the owner, ${mention(h.ownerUserId)}, and the author, ${mention(h.authorUserId)},`} and stays internal.`,
        },
      },
      {
        type: 'input',
        block_id: DECLINE_BLOCK_ID.reason,
        label: { type: 'plain_text', text: 'Reason' },
        element: {
          type: 'static_select',
          action_id: ACTION_ID.value,
          placeholder: { type: 'plain_text', text: 'Choose a reason' },
          options: DECLINE_REASON_CODES.map((code) => ({
            text: { type: 'plain_text', text: plain(DECLINE_REASONS[code].label, 75) },
            value: code,
          })),
        },
      },
      {
        type: 'input',
        block_id: DECLINE_BLOCK_ID.note,
        optional: true,
        label: { type: 'plain_text', text: 'Note for the owner (internal)' },
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          multiline: true,
          max_length: DECLINE_NOTE_MAX,
          placeholder: { type: 'plain_text', text: 'What would make this one work, or who owns the account' },
        },
      },
    ],
  };
}
