import type { HandoffRow } from '../db/schema.js';
import { CRM_SYSTEMS, CRMS } from '../domain/crmFacts.js';
import type { SlackMessage } from './message.js';
import { userText } from './mrkdwn.js';
import { handoffTitle, notifyText, section } from './parts.js';

/** The CRM and what a record is called there: "Salesforce", "opportunity". */
export interface CrmWords {
  label: string;
  record: string;
}

/**
 * To the AE who asked for it at the accept: the opportunity (deal) was created and linked, with its
 * link when the connector gives one. Internal: a DM to the AE, never a partner's view.
 */
export function crmRecordCreated(
  h: HandoffRow,
  crm: CrmWords,
  record: { id: string; name: string; url: string | undefined },
): SlackMessage {
  const name = userText(record.name, 200);
  // The connector's own address for it (the org's instance, which the connector checked before calling it).
  const url = record.url && /^https?:\/\/[^\s|<>]+$/.test(record.url) ? record.url : undefined;
  const shown = url ? `<${url}|${name}>` : `${name} (${crm.label} id ${userText(record.id, 40)})`;
  return {
    text: notifyText(h, `the ${crm.label} ${crm.record} was created.`),
    blocks: [
      section(
        `:white_check_mark: Handoff ${handoffTitle(h)}: the ${crm.label} ${crm.record} you asked for is created and linked: ${shown}. Its money now counts from ${crm.label}, and the deal's updates are logged there. Internal: the partner never sees its name, stage or amount; they read that an opportunity is open only once you record *Opportunity created* (its id is filled in for you).`,
      ),
    ],
  };
}

/** A connector's sentence starts with its CRM's label ("HubSpot: …"): the message names the CRM already. */
const LABEL_PREFIX = new RegExp(`^(${CRM_SYSTEMS.map((system) => CRMS[system].label).join('|')}): `);

/**
 * To the AE when the CRM refused the create (a validation rule, a missing permission, a field it will not take): the
 * deal is accepted all the same, what the CRM said, and how to link one later. `reason` is the connector's sentence.
 */
export function crmRecordNotCreated(h: HandoffRow, crm: CrmWords, reason: string): SlackMessage {
  const said = userText(reason.replace(LABEL_PREFIX, '').replace(/\.$/, ''), 400);
  return {
    text: notifyText(h, `the ${crm.label} ${crm.record} was not created.`),
    blocks: [
      section(
        `:warning: ${userText(h.accountName, 150)} is accepted, but the ${crm.label} ${crm.record} was not created: ${crm.label} refused it (${said}).\nYour accept, first step and estimate are kept. Create the ${crm.record} in ${crm.label} yourself (or ask your ${crm.label} admin about the refusal), then link it with *Opportunity created* on the deal in your DM with the app. Handoff ${handoffTitle(h)}.`,
      ),
    ],
  };
}
