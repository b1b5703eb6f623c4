import type { PartnerSafeUpdate } from '../domain/partnerSafe.js';
import type { SlackMessage } from './handoffMessage.js';
import { userText } from './mrkdwn.js';

/** A post for the partner-facing channel. It takes only the partner-safe projection of a handoff. */
export function partnerUpdate(update: PartnerSafeUpdate): SlackMessage {
  const account = userText(update.accountName, 150);
  const contact = `${userText(update.partnerContactName, 120)} (${userText(update.partnerOrg, 150)})`;
  const ae = userText(update.aeName, 120);
  const text = {
    accepted: `:white_check_mark: *${account}*: accepted. ${ae} is taking it forward with ${contact}.`,
    declined: `*${account}*: not taken forward for now. ${userText(update.reasonWording ?? '', 300)} Thank you, ${contact}, for bringing it.`,
    reassigned: `:arrows_counterclockwise: *${account}*: now with ${ae} on our side, who will pick it up with ${contact}.`,
    withdrawn: `*${account}*: we have closed this handoff for now. Thank you, ${contact}; we will be in touch if that changes.`,
  }[update.event];
  return {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}
