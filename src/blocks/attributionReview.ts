import type { KnownBlock, PlainTextOption } from '@slack/types';
import {
  attribute,
  CLASSIFICATION_LABEL,
  type CrmOpportunity,
  classOf,
  inAuthorZone,
  NONE_OF_THESE,
  opportunityKey,
  recordWord,
  relevantOpportunities,
  unlistedPasted,
} from '../domain/attribution.js';
import type { Review } from '../domain/review.js';
import { ACTION_ID, REVIEW_BLOCK_ID } from './ids.js';
import { plain, userText } from './mrkdwn.js';
import { context, pt, section } from './parts.js';

/** Slack's limit on an option's text. */
const OPTION_TEXT_MAX = 75;

const lower = (c: keyof typeof CLASSIFICATION_LABEL) => CLASSIFICATION_LABEL[c].toLowerCase();

function line(o: CrmOpportunity, touch: string, mark: 'decides' | 'chosen' | undefined): string {
  const created = o.createdOn ? `created ${o.createdOn}` : 'creation date not given';
  const closed = o.closed ? ` · closed${o.closedOn ? ` ${o.closedOn}` : ''}` : '';
  const linked = o.linked ? ' · linked in the packet' : '';
  const stage = o.stage ? ` (${userText(o.stage, 60)})` : '';
  return `• ${userText(o.name, 100)}${stage} · ${created}${closed}${linked} → ${lower(classOf(o.createdOn, touch))}${mark === 'decides' ? ' *← decides*' : mark === 'chosen' ? ' *← your choice*' : ''}`;
}

function option(o: CrmOpportunity, touch: string): PlainTextOption {
  const tail = ` · ${o.createdOn ?? 'no date'} · ${lower(classOf(o.createdOn, touch)).replace('partner-', '')}`;
  return { text: pt(`${plain(o.name, OPTION_TEXT_MAX - tail.length)}${tail}`), value: opportunityKey(o) };
}

/**
 * What the connected CRM said about the account's opportunities, under the attribution (internal: the partner never
 * reads it): the one that decides, the others, and a select to pick another or none of these. Not reached: the class
 * comes from the packet, and there is nothing to pick. No CRM: nothing here (the reason says no CRM was checked).
 * Each creation day is the author's (read in their zone from the CRM's moment), like the partner's first action.
 */
export function crmAttributionBlocks(review: Review): KnownBlock[] {
  // Creation days in the author's zone, as the partner's first action is (what the class was decided with).
  const check = inAuthorZone(review.crmCheck, review.authorTimeZone);
  if (!check || check.kind === 'off') return [];
  const account = userText(review.packet.accountName, 150);
  const crm = plain(check.crm, 60);
  if (check.kind === 'unreached' && check.undecided) {
    return [
      context(
        `:warning: *${crm} could not tell; classified from the packet.* It holds more accounts named like ${account} than one search reads, and none of those read is exactly ${account}, so it cannot say whether ${account} has an opportunity. If it has one, paste its link in the packet (*Back to edit*).`,
      ),
    ];
  }
  if (check.kind === 'unreached') {
    return [
      context(
        `:warning: *CRM not reached; classified from the packet.* ${crm} failed or did not answer in time, so its opportunities on ${account} were not checked and there is nothing to pick. Send as it is, or go *Back to edit* and submit again to ask it again.`,
      ),
    ];
  }
  const touch = review.packet.partnerTouchOn;
  const domain = review.packet.accountDomain;
  const by = domain ? `by its name and ${userText(domain, 100)}` : 'by its name';
  const listed = relevantOpportunities(check.opportunities, touch);
  if (listed.length === 0) {
    // The packet's own opportunity, when it names one the CRM does not list: named, and said why it still decides.
    const pasted = unlistedPasted(review.packet, check);
    const ofPacket = pasted
      ? ` The packet's “${userText(pasted.name, 100)}” ${pasted.unconfirmed ? `was not confirmed by ${crm} in time` : `is not one ${crm} lists on this account`}; the class comes from it.`
      : '';
    // What was searched, not that nothing exists: a name spelled otherwise in the CRM is not found.
    const word = recordWord(check.systems);
    return [
      context(
        `:mag: ${crm} was searched for ${account} (${by}) and gave no ${word} open when the partner first acted on ${touch} or created since.${ofPacket || ' If it has one under another name, paste its link in the packet.'}`,
      ),
    ];
  }
  const result = attribute(review.packet, check);
  const none = attribute(review.packet, { ...check, pick: NONE_OF_THESE }).classification;
  const options: PlainTextOption[] = [
    ...listed.map((o) => option(o, touch)),
    { text: pt(`None of these · ${lower(none).replace('partner-', '')}`), value: NONE_OF_THESE },
  ];
  const chosen = result.opportunity ? opportunityKey(result.opportunity) : NONE_OF_THESE;
  const word = recordWord(check.systems, listed.length > 1);
  return [
    section(
      [
        `*${crm} on ${account}* (${by}): ${listed.length} ${word} open when the partner first acted on ${touch} or created since. The earliest decides by rule:`,
        ...listed.map((o) =>
          line(o, touch, o === result.deciding ? 'decides' : o === result.opportunity ? 'chosen' : undefined),
        ),
      ].join('\n'),
    ),
    {
      type: 'input',
      block_id: REVIEW_BLOCK_ID.attributionPick,
      label: pt('Which one is this deal?'),
      hint: pt(
        'The one the partner moved, or none of these if the deal is new. Your choice decides the class, and the handoff is linked to it: each change is written there, and its close comes back.',
      ),
      element: {
        type: 'static_select',
        action_id: ACTION_ID.value,
        options,
        initial_option: options.find((o) => o.value === chosen),
      },
    },
  ];
}
