import type { PartnerSafeUpdate } from '../domain/partnerSafe.js';
import type { SlackMessage } from './handoffMessage.js';
import { userText } from './mrkdwn.js';

/** A post for the partner-facing channel. It takes only the partner-safe projection of a handoff. */
export function partnerUpdate(update: PartnerSafeUpdate): SlackMessage {
  const account = userText(update.accountName, 150);
  const contact = `${userText(update.partnerContactName, 120)} (${userText(update.partnerOrg, 150)})`;
  const text =
    update.event === 'accepted'
      ? `:white_check_mark: *${account}*: accepted. ${userText(update.aeName, 120)} is taking it forward with ${contact}.`
      : `*${account}*: not taken forward for now. ${userText(update.reasonWording ?? '', 300)} Thank you, ${contact}, for bringing it.`;
  return {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}
