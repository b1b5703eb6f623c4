import type { KnownBlock, ModalView } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import {
  DECLINE_NOTE_MAX,
  DECLINE_REASON_CODES,
  DECLINE_REASONS,
  type DeclineReason,
} from '../domain/decline.js';
import { ACTION_ID, CALLBACK_ID, DECLINE_BLOCK_ID } from './ids.js';
import { channelLink, mention, plain, userText } from './mrkdwn.js';
import { context } from './parts.js';

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

/** The modal's state after a reason was picked: the reason, the note typed so far, and the partner's words for it. */
export interface DeclinePicked {
  reason: DeclineReason;
  note: string | null;
  /** What the partner would read, as the decline posts it (mrkdwn); null: they read nothing of it. */
  partnerWords: string | null;
}

/** What the partner will read, under the reason: a prompt until one is picked, then the very words, quoted. */
function partnerPreview(h: HandoffRow, picked: DeclinePicked | undefined): KnownBlock[] {
  const partner = userText(h.partnerOrg, 150);
  const block = (text: string): KnownBlock => ({
    type: 'section',
    block_id: DECLINE_BLOCK_ID.preview,
    text: { type: 'mrkdwn', verbatim: true, text },
  });
  if (!h.partnerChannelId)
    return [block(`:no_entry_sign: No partner channel: ${partner} reads nothing of this decline in Slack.`)];
  if (!picked) return [block(`_Choose a reason to see what ${partner} will read._`)];
  if (picked.partnerWords === null)
    return [block(`${partner} reads nothing new: they were already told it is not taken forward.`)];
  return [
    context(`*What ${partner} will read* in ${channelLink(h.partnerChannelId)}, word for word:`),
    block(picked.partnerWords.replace(/^/gm, '>')),
  ];
}

/**
 * The small modal the Decline button opens: a coded reason and an optional internal note, and, as the reason
 * changes (the select dispatches each change), the partner's words for it. `metadata`: the one it was opened with,
 * kept as the modal is updated (the packet version the AE read).
 */
export function declineModal(
  h: HandoffRow,
  opts: { fromHome?: boolean; picked?: DeclinePicked; metadata?: DeclineMetadata } = {},
): ModalView {
  const metadata = opts.metadata ?? decisionMetadata(h, opts);
  const option = (code: DeclineReason) => ({
    text: { type: 'plain_text' as const, text: plain(DECLINE_REASONS[code].label, 75) },
    value: code,
  });
  const { picked } = opts;
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
          text: `Declining *${userText(h.accountName, 150)}* (via ${userText(h.partnerOrg, 150)}). The partner reads only the wording shown below for the reason you pick; your note goes to ${h.ownerUserId === h.authorUserId ? `the owner, ${mention(h.ownerUserId)},` : `the owner, ${mention(h.ownerUserId)}, and the author, ${mention(h.authorUserId)},`} and stays internal.`,
        },
      },
      {
        type: 'input',
        block_id: DECLINE_BLOCK_ID.reason,
        dispatch_action: true,
        label: { type: 'plain_text', text: 'Reason' },
        element: {
          type: 'static_select',
          action_id: ACTION_ID.declineReason,
          placeholder: { type: 'plain_text', text: 'Choose a reason' },
          options: DECLINE_REASON_CODES.map(option),
          ...(picked ? { initial_option: option(picked.reason) } : {}),
        },
      },
      ...partnerPreview(h, picked),
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
          ...(picked?.note ? { initial_value: picked.note.slice(0, DECLINE_NOTE_MAX) } : {}),
        },
      },
    ],
  };
}
