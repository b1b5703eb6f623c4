import type { InputBlock, InputBlockElement, KnownBlock, ModalView } from '@slack/types';
import { FIELD_LIMITS, RESPONSE_WINDOW } from '../domain/packet.js';
import {
  ACTION_ID,
  AGREED_IN_WRITING_OPTION,
  CALLBACK_ID,
  ON_PRIORITY_LIST_OPTION,
  PACKET_BLOCK_ID,
} from './ids.js';
import { plain } from './mrkdwn.js';
import { pt } from './parts.js';

export interface PacketModalOptions {
  authorUserId: string;
  /** `/handoff <account name>` prefills the account. */
  accountName?: string;
}

function input(
  blockId: string,
  label: string,
  element: InputBlockElement,
  opts: { optional?: boolean; hint?: string } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: pt(label),
    element,
    optional: opts.optional ?? false,
    ...(opts.hint ? { hint: pt(opts.hint) } : {}),
  };
}

function text(
  maxLength: number,
  placeholder: string,
  opts: { multiline?: boolean; initial?: string } = {},
): InputBlockElement {
  return {
    type: 'plain_text_input',
    action_id: ACTION_ID.value,
    max_length: maxLength,
    multiline: opts.multiline ?? false,
    placeholder: pt(plain(placeholder, 150)),
    ...(opts.initial ? { initial_value: plain(opts.initial, maxLength) } : {}),
  };
}

const heading = (title: string): KnownBlock => ({ type: 'header', text: pt(title) });

/** The hint on every field the partner reads (see domain/internalText.ts PARTNER_VISIBLE_FIELDS). */
const PARTNER_SEES = ':eye: The partner reads this in the partner channel, word for word.';

/** The `/handoff` modal: the eleven packet fields, grouped the way a seller will read them. */
export function packetModal(opts: PacketModalOptions): ModalView {
  const b = PACKET_BLOCK_ID;
  const L = FIELD_LIMITS;
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: 'One packet, one account executive. Write it so the AE can act without a clarifying call. Fields marked :eye: are posted to the partner, word for word, in the partner channel; the review shows that post before anything is sent.',
        },
      ],
    },
    heading('Account'),
    input(
      b.accountName,
      'Account',
      text(L.accountName, 'e.g. Northwind Logistics', { initial: opts.accountName }),
      { hint: PARTNER_SEES },
    ),
    input(
      b.crmOpportunity,
      'Existing CRM opportunity',
      text(L.crmOpportunity, 'Opportunity id or link, and its stage. Leave empty if there is none yet.'),
      {
        optional: true,
        hint: 'An existing opportunity makes this partner-influenced; none makes it partner-sourced.',
      },
    ),
    input(
      b.opportunityCreatedOn,
      'Opportunity created on',
      {
        type: 'datepicker',
        action_id: ACTION_ID.value,
        placeholder: pt('When the CRM opportunity was opened'),
      },
      {
        optional: true,
        hint: 'Created after the partner first acted: partner-sourced. On or before: influenced.',
      },
    ),
    input(
      b.accountDomain,
      'Company domain',
      text(L.accountDomain, 'e.g. northwind.com (finds other handoffs on this account)'),
      { optional: true },
    ),
    input(
      b.onPriorityList,
      'Seller priority',
      {
        type: 'checkboxes',
        action_id: ACTION_ID.value,
        options: [{ text: pt("The account is on the AE's priority list"), value: ON_PRIORITY_LIST_OPTION }],
      },
      { optional: true },
    ),
    heading('Partner'),
    input(b.partnerOrg, 'Partner organization', text(L.partnerOrg, 'e.g. Meridian Cloud Consulting'), {
      hint: PARTNER_SEES,
    }),
    input(
      b.partnerTouchOn,
      "Partner's first action on this account",
      { type: 'datepicker', action_id: ACTION_ID.value, placeholder: pt('When the partner first acted') },
      { optional: true, hint: 'Leave empty for today. Decides partner-sourced or partner-influenced.' },
    ),
    input(
      b.partnerContactName,
      'Partner contact',
      text(L.partnerContactName, 'The person acting, e.g. Dana Reyes'),
      { hint: PARTNER_SEES },
    ),
    input(b.partnerContactRole, 'Contact role', text(L.partnerContactRole, 'e.g. Alliances lead'), {
      optional: true,
    }),
    input(
      b.whyPartner,
      'Why this partner matters here',
      text(L.whyPartner, 'One sentence: prior delivery, installed footprint or a trusted relationship', {
        multiline: true,
      }),
    ),
    heading('Customer'),
    input(
      b.customerTrigger,
      'Customer trigger',
      text(L.customerTrigger, 'What the customer said or did, in their words', { multiline: true }),
    ),
    input(
      b.jointValue,
      'Joint value proposition',
      text(L.jointValue, 'What we do, what the partner does, why together is better', { multiline: true }),
    ),
    input(
      b.warmPath,
      'Warm path',
      text(L.warmPath, 'Who knows whom, how warm, how the introduction happens', { multiline: true }),
    ),
    heading('Next moves'),
    input(
      b.sellerNextMove,
      'Seller next move',
      text(L.sellerNextMove, 'One action for the AE, doable this week'),
    ),
    input(
      b.partnerNextMove,
      'Partner next move',
      text(L.partnerNextMove, 'What the partner agreed to do', { multiline: true }),
      { hint: `${PARTNER_SEES} Keep internal notes (fees, margins, credit) in the risk note.` },
    ),
    input(
      b.partnerNextMoveDate,
      'Partner next move by',
      { type: 'datepicker', action_id: ACTION_ID.value, placeholder: pt('Pick a date') },
      { optional: true, hint: PARTNER_SEES },
    ),
    input(
      b.partnerAgreedInWriting,
      'Agreement',
      {
        type: 'checkboxes',
        action_id: ACTION_ID.value,
        options: [{ text: pt('The partner agreed to this in writing'), value: AGREED_IN_WRITING_OPTION }],
      },
      { optional: true },
    ),
    heading('Checks'),
    input(
      b.riskNote,
      'Risk and channel-conflict note',
      text(L.riskNote, 'Registered resellers, competing partners, credit and compensation', {
        multiline: true,
      }),
      { optional: true, hint: 'Internal: the AE and the owner read it, the partner never does.' },
    ),
    input(
      b.evidenceUrl,
      'Evidence link',
      {
        type: 'url_text_input',
        action_id: ACTION_ID.value,
        placeholder: pt('Meeting notes, QBR record, thread'),
      },
      { optional: true, hint: 'Something the AE can verify in five minutes.' },
    ),
    heading('Routing'),
    input(
      b.aeUserId,
      'Account executive',
      { type: 'users_select', action_id: ACTION_ID.value, placeholder: pt('Who receives this handoff') },
      { hint: ':eye: The partner sees this person’s name once they accept.' },
    ),
    input(
      b.ownerUserId,
      'Owner of the handoff',
      { type: 'users_select', action_id: ACTION_ID.value, initial_user: opts.authorUserId },
      { hint: 'One named person, not a team. Owns it until the AE accepts.' },
    ),
    input(
      b.responseWindowDays,
      'AE response window (business days)',
      {
        type: 'number_input',
        action_id: ACTION_ID.value,
        is_decimal_allowed: false,
        min_value: String(RESPONSE_WINDOW.min),
        max_value: String(RESPONSE_WINDOW.max),
        initial_value: String(RESPONSE_WINDOW.default),
      },
      { hint: `Business days in the AE's timezone, ${RESPONSE_WINDOW.min} to ${RESPONSE_WINDOW.max}.` },
    ),
    input(
      b.partnerChannelId,
      'Partner channel',
      {
        type: 'conversations_select',
        action_id: ACTION_ID.value,
        placeholder: pt('The Slack Connect channel shared with this partner'),
        filter: { include: ['public', 'private'], exclude_bot_users: true },
      },
      {
        optional: true,
        hint: 'Shared with this partner only: decisions are posted there in partner-safe words. Invite the app to it. Leave empty if the partner is not on Slack Connect (they then hear nothing in Slack).',
      },
    ),
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.packet,
    title: pt('New handoff'),
    submit: pt('Review'),
    close: pt('Cancel'),
    notify_on_close: false,
    blocks,
  };
}
