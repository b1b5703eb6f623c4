import type { HandoffRow } from '../db/schema.js';
import type { SlackMessage } from './message.js';
import { userText } from './mrkdwn.js';
import { handoffTitle, notifyText, section } from './parts.js';

/**
 * To the handoff's owner when the CRM refused a write by the account's own rules (a HubSpot validation rule): what it
 * asks, in the CRM's words made plain, and how it goes out once fixed. The write is parked, never retried blindly.
 * `refusal` is the connector's sentence ("HubSpot refused the deal update: the 'Deal type' property is required by
 * your HubSpot admin's rules.").
 */
export function crmRefusedByRules(h: HandoffRow, refusal: string, outboxId: number): SlackMessage {
  const said = userText(refusal.replace(/\.$/, ''), 400);
  return {
    text: notifyText(h, 'the CRM refused a write by its own rules.'),
    blocks: [
      section(
        `:warning: Handoff ${handoffTitle(h)}: ${said}.\nOnce it is fixed in the CRM, an admin can retry it with \`/handoff outbox retry ${outboxId}\`. It is not retried until then.`,
      ),
    ],
  };
}
