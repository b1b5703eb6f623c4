import type { KnownBlock, ModalView } from '@slack/types';
import { DateTime } from 'luxon';
import { CLASSIFICATION_LABEL } from '../domain/attribution.js';
import { CRMS } from '../domain/crmFacts.js';
import { readablePolicyName } from '../domain/escalation.js';
import { describeStatus } from '../domain/lifecycle.js';
import type { Finding, Review } from '../domain/review.js';
import { absenceChoices } from '../domain/reviewAbsence.js';
import { COMPONENT_LABEL } from '../domain/scoring.js';
import { crmAttributionBlocks } from './attributionReview.js';
import { ACTION_ID, CALLBACK_ID, REVIEW_BLOCK_ID } from './ids.js';
import { mention, plain, slackDate, userText } from './mrkdwn.js';
import { context, pt, section } from './parts.js';
import { ownerBlocks } from './reviewOwner.js';
import { linesWithin, partnerPreview } from './reviewPartnerPreview.js';
import { verdictText } from './scoreVerdict.js';

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

/**
 * The attribution details step: asked only when the rule needs them, i.e. the packet names a CRM opportunity but not
 * when it was created (unknown reads as partner-influenced). Both dates are optional; Send applies them, and shows
 * the review again first when they change the classification.
 */
function attributionDetails(review: Review): KnownBlock[] {
  if (!review.attributionDetails || !review.packet.crmOpportunity) return [];
  const datepicker = (blockId: string, label: string, initial: string | null, hint: string): KnownBlock => ({
    type: 'input',
    block_id: blockId,
    optional: true,
    label: pt(label),
    hint: pt(hint),
    element: {
      type: 'datepicker',
      action_id: ACTION_ID.value,
      ...(initial ? { initial_date: initial } : {}),
    },
  });
  return [
    context(
      `*Attribution details*: when was ${userText(review.packet.crmOpportunity, 300)} created? Created after the partner's first action on this account makes this partner-sourced; on or before it, or unknown, partner-influenced.`,
    ),
    datepicker(
      REVIEW_BLOCK_ID.opportunityCreatedOn,
      'Opportunity created on',
      review.packet.opportunityCreatedOn,
      'From the CRM. Leave empty if you do not know it.',
    ),
    datepicker(
      REVIEW_BLOCK_ID.partnerTouchOn,
      "Partner's first action on this account",
      review.packet.partnerTouchOn,
      'The day the partner first acted on it; today unless it was earlier.',
    ),
  ];
}

/** The CRM record the packet links to, as the CRM showed it (internal: the partner never sees it). */
function crmLinkBlocks(review: Review): KnownBlock[] {
  const link = review.crm;
  if (!link) return [];
  const n = CRMS[link.system];
  if (!link.checked)
    return [
      context(
        `:hourglass_flowing_sand: ${n.label} did not answer in time, so ${n.record} ${plain(link.id, 40)} was not checked. It is linked by its id: each change of this handoff is written to it as ${n.activity} (held until ${n.label} answers).`,
      ),
    ];
  return [
    section(
      `*${n.label} ${n.record}*: ${userText(link.name ?? link.id, 200)}${link.stage ? ` (${userText(link.stage, 80)})` : ''}
Each change of this handoff is written to it as ${n.activity}; when it closes there, the handoff records won or lost by itself.`,
    ),
  ];
}

/**
 * The day an away AE is back, in their calendar, said so ("Wed 9 Dec, their time"): their status ends at their
 * midnight, the evening before for an author west of them.
 */
function dayOf(iso: string, review: Pick<Review, 'authorTimeZone' | 'ae'>): string {
  const zone = review.ae.timeZone ?? review.authorTimeZone ?? 'UTC';
  return `${DateTime.fromISO(iso, { zone }).toFormat('ccc d LLL')}${review.ae.timeZone ? ', their time' : ''}`;
}

/**
 * When the answer is due if sent now (in the reader's own time zone), and why a holiday moved it ("Thu 26 Nov is
 * Thanksgiving Day (US)"), or whose public holidays are skipped at all.
 */
function deadlineLine(review: Review): KnownBlock[] {
  const d = review.deadline;
  if (!d) return [];
  const name = userText(review.ae.name, 100);
  const days = `${d.businessDays} business day${d.businessDays === 1 ? '' : 's'}`;
  const skipped = d.skipped.map(
    (s) => `${DateTime.fromISO(s.date).setLocale('en-US').toFormat('ccc d LLL')} is ${userText(s.why, 120)}`,
  );
  const why =
    skipped.length > 0
      ? `${skipped.join('; ')}: not counted.`
      : d.holidaysBy === 'none'
        ? 'Public holidays are not skipped in this workspace.'
        : d.holidaysBy === 'person' && d.holidayRegions.length === 0
          ? `No public holiday is skipped for ${mention(review.ae.id)} (set for them).`
          : d.holidayRegions.length > 0
            ? `Public holidays (${d.holidayRegions.join(', ')}) are skipped like weekends.`
            : `No public holidays are skipped for ${name}: no country's are known for their time zone (${plain(d.timeZone, 60)}).`;
  return [
    context(
      `:calendar: *Answer due ${slackDate(new Date(d.dueAt), d.timeZone)}* if sent now (${days} in ${name}'s calendar). ${why}`,
    ),
  ];
}

/**
 * The AE is away (their Slack status) or has named a cover: what the review shows, and the author's choice among
 * what is possible: send to the cover, send with the window starting when they are back, or send now anyway. To pick
 * someone else, Back to edit.
 */
function absenceBlocks(review: Review): KnownBlock[] {
  const absence = review.absence;
  if (!absence) return [];
  const name = userText(review.ae.name, 100);
  const lines: string[] = [];
  if (absence.status)
    lines.push(
      `${absence.status.startsWith(':') ? '' : ':palm_tree: '}*${name} is away*${absence.until ? ` (back ${dayOf(absence.until, review)})` : ''}: ${userText(absence.status, 100)}.`,
    );
  if (absence.cover)
    lines.push(
      `${name} has named ${mention(absence.cover.id)} to answer for them until ${absence.cover.until}.`,
    );
  const options = absenceChoices(absence).map((choice) => {
    const text =
      choice === 'cover'
        ? `Send to ${plain(absence.cover?.name ?? '', 60)} (${plain(review.ae.name, 60)}'s cover)`
        : choice === 'when_back'
          ? `Window from their return (${dayOf(absence.until ?? '', review)}): send to ${plain(review.ae.name, 60)}`
          : `Send to ${plain(review.ae.name, 60)} now anyway`;
    return { text: pt(text.slice(0, 75)), value: choice };
  });
  return [
    section(lines.join('\n')),
    {
      type: 'input',
      block_id: REVIEW_BLOCK_ID.absence,
      label: pt('While they are away'),
      hint: pt('To pick someone else, go Back to edit and change the account executive.'),
      element: { type: 'radio_buttons', action_id: ACTION_ID.value, options },
    },
  ];
}

/** The review step: score, band, each component's reason, readiness, attribution and what the check found. */
export function reviewModal(draftId: number, review: Review, opts: { notice?: string } = {}): ModalView {
  const { scorecard } = review;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: plain(`${scorecard.total}/18 · ${verdictText(scorecard.band, review.readiness)}`, 150),
      },
    },
    ...(opts.notice ? [section(opts.notice)] : []),
    context(
      `${review.authorLastScores.length > 0 ? `Your last ${review.authorLastScores.length === 1 ? 'packet' : `${review.authorLastScores.length} packets`} scored ${review.authorLastScores.join(', ')}. ` : ''}Handoff of *${userText(review.packet.accountName, 150)}* (via ${userText(review.packet.partnerOrg, 150)}) to ${mention(review.ae.id)}. Use *Back to edit* to change anything; your input is kept.`,
    ),
    ...deadlineLine(review),
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
    ...crmAttributionBlocks(review),
    ...attributionDetails(review),
    ...crmLinkBlocks(review),
    ...absenceBlocks(review),
    ...ownerBlocks(review),
    ...(review.fromPool
      ? [
          context(
            `:arrows_counterclockwise: Round robin: ${mention(review.ae.id)} is the next AE of the *${plain(review.fromPool.title ?? readablePolicyName(review.fromPool.name), 60)}* pool${review.fromPool.skipped.length > 0 ? ` (skipped: ${review.fromPool.skipped.map((s) => `${mention(s.user)} ${userText(s.why, 60)}`).join('; ')})` : ''}.`,
          ),
        ]
      : []),
  ];
  if (review.findings.length > 0) {
    blocks.push(section(linesWithin('*On this account*', review.findings.map(findingLine), 3000)));
  } else {
    blocks.push(context('No other open or recent handoff and no registered reseller on this account.'));
  }
  blocks.push({ type: 'divider' }, ...partnerPreview(review));
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
    title: { type: 'plain_text', text: review.editOf === undefined ? 'Review handoff' : 'Review the edit' },
    submit: { type: 'plain_text', text: review.editOf === undefined ? 'Send to AE' : 'Save changes' },
    close: { type: 'plain_text', text: 'Back to edit' },
    blocks,
  };
}
