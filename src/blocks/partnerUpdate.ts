import type { PartnerEvent, PartnerSafeUpdate } from '../domain/partnerSafe.js';
import type { SlackMessage } from './handoffMessage.js';
import { userText } from './mrkdwn.js';

const STATUS: Record<PartnerEvent, string> = {
  accepted: ':white_check_mark: Accepted',
  declined: 'Not taken forward',
  reassigned: ':arrows_counterclockwise: With a new account executive',
  withdrawn: 'Closed for now',
  meeting_held: ':handshake: Meeting held',
  opportunity_created: ':chart_with_upwards_trend: Opportunity open',
  won: ':trophy: Won',
  lost: 'Closed, not won',
};

/** One event, as a thread reply (or the first words of the thread). Takes only the partner-safe projection. */
export function partnerUpdate(update: PartnerSafeUpdate): SlackMessage {
  const account = userText(update.accountName, 150);
  const contact = `${userText(update.partnerContactName, 120)} (${userText(update.partnerOrg, 150)})`;
  const ae = userText(update.aeName, 120);
  const reason = userText(update.reasonWording ?? '', 300);
  const text = {
    accepted: `:white_check_mark: *${account}*: accepted. ${ae} is taking it forward with ${contact}.`,
    declined: `*${account}*: not taken forward for now. ${reason} Thank you, ${contact}, for bringing it.`,
    reassigned: `:arrows_counterclockwise: *${account}*: now with ${ae} on our side, who will pick it up with ${contact}.`,
    withdrawn: `*${account}*: we have closed this handoff for now. Thank you, ${contact}; we will be in touch if that changes.`,
    meeting_held: `:handshake: *${account}*: ${ae} met the customer. Thank you, ${contact}, for the introduction.`,
    opportunity_created: `:chart_with_upwards_trend: *${account}*: there is now an open opportunity, with ${ae} leading it.`,
    won: `:trophy: *${account}*: won! Thank you, ${contact}, for bringing it to us.`,
    lost: `*${account}*: closed without a win. ${reason} Thank you, ${contact}, for bringing it.`,
  }[update.event];
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', verbatim: true, text } }] };
}

/** Where the partner's next move is still ahead of them. */
const NEXT_MOVE_AHEAD: ReadonlySet<PartnerEvent> = new Set<PartnerEvent>(['accepted', 'reassigned']);

/** The thread's parent: one line per deal, updated in place to show where it stands now. */
export function partnerThreadParent(update: PartnerSafeUpdate): SlackMessage {
  const account = userText(update.accountName, 150);
  const lines = [
    `*${account}* · brought by ${userText(update.partnerContactName, 120)} (${userText(update.partnerOrg, 150)})`,
    `*Status:* ${STATUS[update.event]} · our AE: ${userText(update.aeName, 120)}`,
  ];
  // The partner's agreed next move is news while the deal is being taken up; after the meeting, or once it is closed
  // (won, lost, not taken forward, withdrawn), the parent no longer asks the partner for it.
  if (update.partnerNextMove && NEXT_MOVE_AHEAD.has(update.event)) {
    lines.push(
      `*Next from ${userText(update.partnerOrg, 150)}:* ${userText(update.partnerNextMove, 800)}${update.partnerNextMoveDate ? ` (by ${userText(update.partnerNextMoveDate, 20)})` : ''}`,
    );
  }
  const latest = partnerUpdate(update).text;
  return {
    text: `${account}: ${STATUS[update.event].replace(/^:[a-z_]+: /, '')}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', verbatim: true, text: lines.join('\n') } },
      { type: 'context', elements: [{ type: 'mrkdwn', verbatim: true, text: `Latest: ${latest}` }] },
    ],
  };
}
