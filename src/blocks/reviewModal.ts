import type { KnownBlock, ModalView } from '@slack/types';
import { CLASSIFICATION_LABEL } from '../domain/attribution.js';
import { describeStatus } from '../domain/lifecycle.js';
import { BAND_LABEL, COMPONENT_LABEL } from '../domain/scoring.js';
import type { Finding } from '../services/checks.js';
import type { Review } from '../services/packets.js';
import { ACTION_ID, CALLBACK_ID, REVIEW_BLOCK_ID } from './ids.js';
import { channelLink, mention, plain, userText } from './mrkdwn.js';
import { context, section } from './parts.js';

export interface ReviewMetadata {
  draftId: number;
}

const SCORE_ICON = ['❌', '⚠️', '✅'] as const;

function findingLine(f: Finding): string {
  if (f.kind === 'reseller') {
    return `• *Registered reseller*: ${userText(f.resellerName, 80)} on ${userText(f.accountName, 80)}`;
  }
  const what = f.kind === 'duplicate' ? '*Duplicate*' : '*Channel conflict*';
  return `• ${what}: handoff #${f.handoffId} ${userText(f.accountName, 80)} via ${userText(f.partnerOrg, 80)}, ${describeStatus(f.status)} (AE ${mention(f.aeUserId)})`;
}

/** Lines under a title, as many as fit in `max` characters, then a count of the rest. */
function linesWithin(title: string, lines: string[], max: number): string {
  let text = title;
  for (const [index, line] of lines.entries()) {
    const rest = lines.length - index;
    if (text.length + line.length + 1 + 20 > max) return `${text}\n…and ${rest} more`;
    text += `\n${line}`;
  }
  return text;
}

/** The review step: score, band, each component's reason, readiness, attribution and what the check found. */
export function reviewModal(draftId: number, review: Review): ModalView {
  const { scorecard } = review;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: plain(`${scorecard.total}/18 · ${BAND_LABEL[scorecard.band]}`, 150) },
    },
    context(
      `${review.authorLastScores.length > 0 ? `Your last packets scored ${review.authorLastScores.join(', ')}. ` : ''}Handoff of *${userText(review.packet.accountName, 150)}* (via ${userText(review.packet.partnerOrg, 150)}) to ${mention(review.ae.id)}. Use *Back to edit* to change anything; your input is kept.`,
    ),
    section(
      scorecard.components
        .map(
          (c) => `${SCORE_ICON[c.score]} *${COMPONENT_LABEL[c.id]}* ${c.score}/2: ${userText(c.reason, 200)}`,
        )
        .join('\n'),
    ),
    { type: 'divider' },
    section(`*Readiness*\n${review.readiness.map((r) => `${r.met ? '✅' : '⬜'} ${r.label}`).join('\n')}`),
    section(
      `*Attribution*: ${CLASSIFICATION_LABEL[review.classification]}\n${userText(review.classificationReason, 500)}`,
    ),
  ];
  if (review.findings.length > 0) {
    blocks.push(section(linesWithin('*On this account*', review.findings.map(findingLine), 3000)));
  } else {
    blocks.push(context('No other open or recent handoff and no registered reseller on this account.'));
  }
  blocks.push(
    context(
      `Decisions will be posted, partner-safe, in ${channelLink(review.packet.partnerChannelId)}${review.partnerChannelExternal ? ' (a Slack Connect channel shared with the partner)' : ''}.`,
    ),
  );
  if (review.overrideNeeded.length > 0) {
    const why = review.overrideNeeded.includes('duplicate')
      ? 'This duplicates an open handoff.'
      : 'This packet is below the lowest band.';
    blocks.push({
      type: 'input',
      block_id: REVIEW_BLOCK_ID.override,
      label: { type: 'plain_text', text: 'Why send it anyway?' },
      hint: { type: 'plain_text', text: `${why} The reason is recorded with the handoff.` },
      element: {
        type: 'plain_text_input',
        action_id: ACTION_ID.value,
        multiline: true,
        max_length: 500,
      },
    });
  }
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.review,
    private_metadata: JSON.stringify({ draftId } satisfies ReviewMetadata),
    title: { type: 'plain_text', text: 'Review handoff' },
    submit: { type: 'plain_text', text: 'Send to AE' },
    close: { type: 'plain_text', text: 'Back to edit' },
    blocks,
  };
}
