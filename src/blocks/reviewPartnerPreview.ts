import type { KnownBlock } from '@slack/types';
import { PARTNER_VISIBLE_FIELDS } from '../domain/internalText.js';
import { partnerSafeUpdate } from '../domain/partnerSafe.js';
import type { Review } from '../domain/review.js';
import { ACTION_ID, CONFIRM_OPTION, REVIEW_BLOCK_ID } from './ids.js';
import { channelLink, userText } from './mrkdwn.js';
import { partnerThreadParent } from './partnerUpdate.js';
import { context, pt, section } from './parts.js';

/** Lines under a title, as many as fit in `max` characters, then a count of the rest. */
export function linesWithin(title: string, lines: string[], max: number): string {
  let text = title;
  for (const [index, line] of lines.entries()) {
    const rest = lines.length - index;
    if (text.length + line.length + 1 + 20 > max) return `${text}\n…and ${rest} more`;
    text += `\n${line}`;
  }
  return text;
}

const confirmBox = (blockId: string, label: string, option: string, hint: string): KnownBlock => ({
  type: 'input',
  block_id: blockId,
  label: pt(label),
  hint: pt(hint),
  element: {
    type: 'checkboxes',
    action_id: ACTION_ID.value,
    options: [{ text: pt(option), value: CONFIRM_OPTION }],
  },
});

type PartnerChannel = NonNullable<Review['partnerChannel']>;

/**
 * What the partner will read, rendered by the code that posts it (the thread's first message, as when the AE
 * accepts), the partner match to confirm, and partner-visible text that reads as internal.
 */
export function partnerPreview(review: Review): KnownBlock[] {
  const channel = review.partnerChannel;
  if (!channel) {
    return [
      section(
        `:no_entry_sign: *No partner channel.* ${userText(review.packet.partnerOrg, 150)} will hear nothing about this handoff in Slack: no decision or outcome is posted anywhere they can read it. Keep them posted yourself, or go back and choose the Slack Connect channel you share with them.`,
      ),
    ];
  }
  return [...partnerMatch(review, channel), ...partnerPost(review, channel), ...internalTextCheck(review)];
}

/** The partner the channel belongs to, or the workspace it is shared with, to confirm as the packet's partner. */
function partnerMatch(review: Review, channel: PartnerChannel): KnownBlock[] {
  const confirm = review.confirm;
  if (confirm?.kind === 'alias') {
    return [
      section(
        `:link: ${channelLink(channel.id)} belongs to *${userText(confirm.partner.name, 150)}*. Is “${userText(confirm.typed, 150)}” the same partner? If it is, the name is remembered; if not, go back and choose ${userText(confirm.typed, 150)}'s own channel.`,
      ),
      confirmBox(
        REVIEW_BLOCK_ID.confirmPartner,
        'Same partner?',
        'Yes, the same partner',
        'Required: nothing about one partner is ever posted in another partner’s channel.',
      ),
    ];
  }
  if (confirm?.kind === 'workspace') {
    return [
      section(
        `:link: ${channelLink(channel.id)} is shared with the Slack workspace *${userText(confirm.teamName, 150)}*. Is that *${userText(confirm.partnerName, 150)}*? If it is, the channel and that workspace become ${userText(confirm.partnerName, 150)}'s in the partner directory.`,
      ),
      confirmBox(
        REVIEW_BLOCK_ID.confirmPartner,
        'Same partner?',
        'Yes, that workspace is this partner',
        'Required: nothing about one partner is ever posted in another partner’s channel.',
      ),
    ];
  }
  return [];
}

/** The thread's first message as the partner will read it when the AE accepts. */
function partnerPost(review: Review, channel: PartnerChannel): KnownBlock[] {
  const post = partnerThreadParent(
    partnerSafeUpdate({ ...review.packet, aeName: review.ae.name }, 'accepted'),
  );
  return [
    section(
      `*What ${userText(review.packet.partnerOrg, 150)} will read* in ${channelLink(channel.id)} (a Slack Connect channel shared with the partner) when the AE accepts; later updates reply under it:`,
    ),
    ...(post.blocks as KnownBlock[]),
    // The preview names the AE the packet was written for; sent to the cover, the partner reads the cover's name.
    ...(review.absence?.cover
      ? [
          context(
            `If you send it to ${userText(review.absence.cover.name, 120)} (${userText(review.ae.name, 120)}'s cover), ${userText(review.packet.partnerOrg, 150)} reads *${userText(review.absence.cover.name, 120)}* as our AE instead.`,
          ),
        ]
      : []),
    context(
      'Only the fields marked :eye: in the packet reach the partner. Internal notes, the score, the conflict note, the evidence link and CRM ids never do.',
    ),
  ];
}

/** Partner-visible text that reads as internal: quoted, with a box to confirm it may be shared as written. */
function internalTextCheck(review: Review): KnownBlock[] {
  if (review.internalText.length === 0) return [];
  const lines = review.internalText.map(
    (f) =>
      `• *${PARTNER_VISIBLE_FIELDS[f.field]}*: ${f.matches
        .slice(0, 5)
        .map((m) => `“${userText(m, 60)}”`)
        .join(', ')}${f.matches.length > 5 ? ` and ${f.matches.length - 5} more` : ''}`,
  );
  return [
    section(
      linesWithin(
        ':warning: *This reads as internal, and the partner will read it word for word.* Go back and edit it, or confirm it may be shared as written:',
        lines,
        3000,
      ),
    ),
    confirmBox(
      REVIEW_BLOCK_ID.confirmInternalText,
      'Shared as written?',
      'Yes, the partner may read this',
      'Required while the text above is unchanged.',
    ),
  ];
}
