import type { KnownBlock, ModalView } from '@slack/types';
import type { AttributionReviewRow, HandoffRow } from '../db/schema.js';
import { type Classification, recordWord } from '../domain/attribution.js';
import { evidenceFrom, type ReviewEvidence } from '../domain/attributionEvidence.js';
import { ACTION_ID, ATTRIBUTION_REVIEW_BLOCK_ID, CALLBACK_ID } from './ids.js';
import { counted, mention, userText } from './mrkdwn.js';
import { button, context, pt, section } from './parts.js';

/**
 * "Review attribution" in RevOps' App Home: each open item says what the CRM says in words, with
 * Keep and Change buttons; either asks for a reason in a modal. Internal only: never in a partner's view.
 */

/** The open items as the Home shows them: the oldest first, and how many are open in all. */
export interface ReviewItems {
  items: { review: AttributionReviewRow; handoff: HandoffRow }[];
  total: number;
}

/** At most this many items are read for the Home (the blocks that fit are shown). */
export const REVIEW_ITEMS_SHOWN = 3;

/** Slack refuses a Home tab of more blocks: the items take the room the rest of the Home leaves. */
export const HOME_BLOCKS_MAX = 100;

const CLASS_WORD: Record<Classification, string> = {
  partner_sourced: 'partner-sourced',
  partner_influenced: 'partner-influenced',
};

/** "sent as partner-sourced by the rule", "partner-influenced by a person's correction (@Rita)". */
function howSet(e: ReviewEvidence): string {
  const cls = CLASS_WORD[e.classification];
  switch (e.setBy) {
    case 'author':
      return `sent as ${cls} by the author's choice on the review`;
    case 'correction':
      return `${cls} by a person's correction${e.correctedBy ? ` (${mention(e.correctedBy)})` : ''}`;
    case 'readBack':
      return `${cls} by the CRM read-back's correction`;
    default:
      return `sent as ${cls} by the rule`;
  }
}

/** How the creation day stands to the partner's first action ("before", "on the day of", "after"). */
function relation(created: string, touch: string): string {
  if (created < touch) return 'before';
  return created === touch ? 'on the day of' : 'after';
}

/**
 * The evidence in words: "Handoff #12 (Litware, Meridian Cloud): sent as partner-sourced by the rule. Salesforce says
 * its opportunity “Litware renewal” was created on 2026-10-26, before the partner's first action on 2026-11-03: the
 * rule would make it partner-influenced." Escaped for mrkdwn.
 */
export function reviewItemText(
  h: Pick<HandoffRow, 'id' | 'accountName' | 'partnerOrg'>,
  e: ReviewEvidence,
): string {
  const name = e.recordName ? `“${userText(e.recordName, 120)}”` : userText(e.recordId, 40);
  const record = `${userText(e.crm, 40)} says its ${recordWord([e.system])} ${name}`;
  const touch = `${e.touchLatest ? `${e.touchOn} or ${e.touchLatest}` : e.touchOn}${e.touchFromSending ? ' (the day it was sent)' : ''}`;
  const rule = CLASS_WORD[e.ruleClass];
  const created = e.createdLatest ? `${e.createdOn} or ${e.createdLatest} (by time zone)` : e.createdOn;
  const exact = !e.createdLatest && !e.touchLatest;
  const evidence = e.ambiguous
    ? `${record} was created on ${created}, and the partner first acted on ${touch}. The author's time zone is not known: in some zones the rule would make it ${rule}.`
    : `${record} was created on ${created}, ${exact ? relation(e.createdOn, e.touchOn) : e.ruleClass === 'partner_sourced' ? 'after' : 'on or before'} the partner's first action on ${touch}: the rule would make it ${rule}.`;
  return `Handoff #${h.id} (${userText(h.accountName, 150)}, ${userText(h.partnerOrg, 100)}): ${howSet(e)}. ${evidence}`;
}

/** The buttons' words: "Keep partner-sourced", "Change to partner-influenced". */
const keepText = (e: ReviewEvidence) => `Keep ${CLASS_WORD[e.classification]}`;
const changeText = (e: ReviewEvidence) => `Change to ${CLASS_WORD[e.ruleClass]}`;

/**
 * The open items for RevOps' Home, within `room` blocks (Slack takes 100 per Home tab): a heading, each item's words
 * and its two buttons, a line for those not shown, and a divider. Nothing when none is open.
 */
export function reviewItemBlocks(reviews: ReviewItems | undefined, room: number): KnownBlock[] {
  if (!reviews || reviews.total === 0 || room < 2) return [];
  const heading = section(
    `*Review attribution* (RevOps): ${counted(reviews.total, 'handoff')} whose class the CRM contradicts. Credit stays as it is until you decide, with a reason.`,
  );
  const blocks: KnownBlock[] = [heading];
  let shown = 0;
  for (const { review, handoff } of reviews.items) {
    const e = evidenceFrom(review.evidence);
    // Two blocks for the item, and room kept for the line about the rest and the divider.
    if (!e || blocks.length + 4 > room) continue;
    blocks.push(section(reviewItemText(handoff, e)), {
      type: 'actions',
      block_id: `attribution_review_${review.id}`,
      elements: [
        button({ text: keepText(e), actionId: ACTION_ID.reviewKeep, value: String(review.id) }, handoff),
        button(
          {
            text: changeText(e),
            actionId: ACTION_ID.reviewChange,
            value: String(review.id),
            style: 'primary',
          },
          handoff,
        ),
      ],
    });
    shown += 1;
  }
  if (shown < reviews.total)
    blocks.push(context(`${reviews.total - shown} more after these: each shows once one above is decided.`));
  blocks.push({ type: 'divider' });
  return blocks;
}

/** Keep or Change, asked with a reason (required): the decision is audited. */
export function reviewDecisionModal(
  h: Pick<HandoffRow, 'id' | 'accountName' | 'partnerOrg'>,
  review: { id: number },
  e: ReviewEvidence,
  decision: 'keep' | 'change',
): ModalView {
  const what =
    decision === 'keep'
      ? `*${keepText(e)}*: the class stays; your decision and reason are kept with this review.`
      : `*${changeText(e)}*: corrected as \`/handoff classify\` does (an audit record, the touch log), and every message showing the handoff follows.`;
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.attributionReview,
    private_metadata: JSON.stringify({ reviewId: review.id, decision }),
    title: pt('Review attribution'),
    submit: pt(decision === 'keep' ? 'Keep it' : 'Change it'),
    close: pt('Cancel'),
    blocks: [
      section(reviewItemText(h, e)),
      context(what),
      {
        type: 'input',
        block_id: ATTRIBUTION_REVIEW_BLOCK_ID,
        label: pt('Why'),
        hint: pt('Required. Kept in the audit record with your name.'),
        element: { type: 'plain_text_input', action_id: ACTION_ID.value, multiline: true, max_length: 500 },
      },
    ],
  };
}
