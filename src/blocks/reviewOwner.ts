import type { KnownBlock } from '@slack/types';
import { ownerPassedOver } from '../domain/ownerRule.js';
import type { Review } from '../domain/review.js';
import { ACTION_ID, REVIEW_BLOCK_ID } from './ids.js';
import { mention, plain, userText } from './mrkdwn.js';
import { context, pt } from './parts.js';

/**
 * The account's owner in the CRM, in the review: who it is, that the packet goes to them (a pool's round
 * robin skipped, nobody's turn used), or, when the author chose someone else, the box that asks why (logged).
 */
export function ownerBlocks(review: Review): KnownBlock[] {
  const owner = review.accountOwner;
  if (!owner || review.editOf !== undefined) return [];
  const reason = userText(owner.reason, 300);
  if (owner.notInSlack) return [context(`:bust_in_silhouette: ${userText(owner.notInSlack, 500)}`)];
  if (review.routedToOwner)
    return [
      context(
        `:dart: ${reason}: sent to ${mention(review.ae.id)} first, not to the next AE of the *${plain(review.routedToOwner.title ?? review.routedToOwner.pool, 60)}* pool. Nobody's round-robin turn is used.`,
      ),
    ];
  if (!ownerPassedOver(review)) return [context(`:dart: ${reason}.`)];
  return [
    context(`:dart: ${reason}, not ${mention(review.ae.id)}.`),
    {
      type: 'input',
      block_id: REVIEW_BLOCK_ID.ownerReason,
      label: pt(plain(`Why not ${owner.name}?`, 150)),
      hint: pt(plain(`${owner.reason}. Your reason is kept in the handoff's history.`, 2000)),
      element: { type: 'plain_text_input', action_id: ACTION_ID.value, multiline: true, max_length: 500 },
    },
  ];
}
