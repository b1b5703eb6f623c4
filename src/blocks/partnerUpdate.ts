import { stepDate } from '../domain/firstStep.js';
import type { PartnerSafeUpdate, PartnerStage } from '../domain/partnerSafe.js';
import type { SlackMessage } from './message.js';
import { userText } from './mrkdwn.js';

const STATUS: Record<PartnerStage, string> = {
  considering: ':hourglass_flowing_sand: With our team',
  accepted: ':white_check_mark: Accepted',
  declined: 'Not taken forward',
  withdrawn: 'Closed for now',
  meeting_held: ':handshake: Meeting held',
  opportunity_created: ':chart_with_upwards_trend: Opportunity open',
  won: ':trophy: Won',
  lost: 'Closed, not won',
};

/** Accepted, and nobody is taking it forward now: the partner reads it honestly. */
const FINDING = ':mag: Finding the right person';

/**
 * One event the partner may know of, as a thread reply (and the parent's "Latest" line). Takes only the partner's
 * view (domain/partnerView.ts), which names our AE only once they accepted.
 */
export function partnerUpdate(update: PartnerSafeUpdate): SlackMessage {
  const account = userText(update.accountName, 150);
  const contact = `${userText(update.partnerContactName, 120)} (${userText(update.partnerOrg, 150)})`;
  // Only set in the stages after an acceptance; "our team" otherwise, never a name.
  const ae = update.aeName === null ? 'our team' : userText(update.aeName, 120);
  // At the start of a sentence (an accept whose AE was taken back since: issue 51).
  const who = update.aeName === null ? 'Our team' : ae;
  const reason = userText(update.reasonWording ?? '', 300);
  const next = update.nextStep ? ` ${nextStepLine(update.nextStep)}.` : '';
  const text = {
    considering: `:hourglass_flowing_sand: *${account}*: with our team. We will update you here.`,
    accepted: update.finding
      ? `:mag: *${account}*: accepted; we are finding the right person on our side to take it forward with ${contact}. We will update you here.`
      : update.afterDecline
        ? `:white_check_mark: *${account}*: taken forward after all. ${who} is taking it forward with ${contact}.${next}`
        : `:white_check_mark: *${account}*: accepted. ${who} is taking it forward with ${contact}.${next}`,
    declined: `*${account}*: not taken forward for now. ${reason ? `${reason} ` : ''}Thank you, ${contact}, for bringing it.`,
    withdrawn: `*${account}*: we have closed this handoff for now. Thank you, ${contact}; we will be in touch if that changes.`,
    meeting_held: `:handshake: *${account}*: ${ae} met the customer. Thank you, ${contact}, for the introduction.`,
    opportunity_created: `:chart_with_upwards_trend: *${account}*: there is now an open opportunity, with ${ae} leading it.`,
    won: `:trophy: *${account}*: won! Thank you, ${contact}, for bringing it to us.`,
    lost: `*${account}*: closed without a win. ${reason} Thank you, ${contact}, for bringing it.`,
  }[update.event];
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', verbatim: true, text } }] };
}

/** Our AE's first step, as the partner reads it: "Next: Intro call with Dana Whitfield by Tue 2 Dec". */
export const nextStepLine = (step: { text: string; due: string }) =>
  `*Next:* ${userText(step.text, 150)} by ${stepDate(step.due)}`;

/**
 * The partner's own next move as they read it, dated as our step is: "Dana sends the plan by Wed 2 Dec", or after a
 * move written as a sentence, a sentence of its own: "Dana sends the plan. By Wed 2 Dec."
 */
export function partnerMoveText(move: string, date: string | null): string {
  const text = userText(move, 800).trimEnd();
  if (!date) return text;
  const by = userText(stepDate(date), 20);
  return /[.!?]$/.test(text) ? `${text} By ${by}.` : `${text} by ${by}`;
}

/** Stages whose parent can show the partner's next move (the deal taken up, not closed): the view decides whether. */
const SHOWS_NEXT_MOVE: ReadonlySet<PartnerSafeUpdate['event']> = new Set([
  'accepted',
  'meeting_held',
  'opportunity_created',
] as const);

/**
 * The thread's parent: one line per deal, updated in place to show where it stands now (the partner's view). Our AE
 * is named once they accepted; the partner's next move shows while it is ahead of them and still true (the view
 * holds it back otherwise).
 */
export function partnerThreadParent(update: PartnerSafeUpdate): SlackMessage {
  const account = userText(update.accountName, 150);
  const stage = update.finding ? FINDING : STATUS[update.event];
  const status = `*Status:* ${stage}${update.aeName === null ? '' : ` · our AE: ${userText(update.aeName, 120)}`}`;
  const lines = [
    `*${account}* · brought by ${userText(update.partnerContactName, 120)} (${userText(update.partnerOrg, 150)})`,
    status,
  ];
  // Our AE's first step, named as theirs (the partner's own next move follows, named as the partner's).
  if (update.nextStep)
    lines.push(
      `*Next from ${update.aeName === null ? 'our team' : userText(update.aeName, 120)}:* ${userText(update.nextStep.text, 150)} by ${stepDate(update.nextStep.due)}`,
    );
  // The view says whether the move is still ahead and true (after a step too: domain/partnerView.ts).
  if (update.partnerNextMove && SHOWS_NEXT_MOVE.has(update.event)) {
    lines.push(
      `*Next from ${userText(update.partnerOrg, 150)}:* ${partnerMoveText(update.partnerNextMove, update.partnerNextMoveDate)}`,
    );
  }
  const latest = partnerUpdate(update).text;
  return {
    text: `${account}: ${stage.replace(/^:[a-z_]+: /, '')}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', verbatim: true, text: lines.join('\n') } },
      { type: 'context', elements: [{ type: 'mrkdwn', verbatim: true, text: `Latest: ${latest}` }] },
    ],
  };
}
