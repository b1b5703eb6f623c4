import type { InputBlock, InputBlockElement, KnownBlock, ModalView, Option } from '@slack/types';
import {
  FIELD_LIMITS,
  FORM_LIMITS,
  joinAccount,
  joinContact,
  type PacketInput,
  RESPONSE_WINDOW,
} from '../domain/packet.js';
import {
  ACTION_ID,
  AGREED_IN_WRITING_OPTION,
  CALLBACK_ID,
  ON_PRIORITY_LIST_OPTION,
  PACKET_BLOCK_ID,
  PACKET_FORM_BLOCK_ID,
  PACKET_POOL_BLOCK_ID,
} from './ids.js';
import { plain, userText } from './mrkdwn.js';
import { pt } from './parts.js';

export interface PacketModalOptions {
  authorUserId: string;
  /** `/handoff <account name>` prefills the account. */
  accountName?: string;
  /** The partner channel to preselect (`/handoff` typed in a Slack Connect channel the app can post in). */
  partnerChannelId?: string;
  /** Every field prefilled, e.g. from a stored handoff being edited (wins over `accountName` and `partnerChannelId`). */
  prefill?: Partial<PacketInput>;
  /**
   * Editing a handoff already sent: its number is in the title, and it and the packet version the form was opened
   * on are in private_metadata (`{ editOf, editCount }`), so a save from an older form is refused.
   */
  edit?: { handoffId: number; editCount?: number };
  /** Escalation pools (ESCALATION_POLICY_FILE): a new packet may go to the next AE of one, round robin. */
  pools?: readonly string[];
}

/** What the packet modal carries in private_metadata when it edits a handoff. */
export interface PacketModalMetadata {
  editOf: number;
  /** The version of the packet the form was opened on. */
  editCount?: number;
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

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;
const date = (value: unknown): string | undefined =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
const user = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[UW][A-Z0-9]{2,}$/.test(value) ? value : undefined;
const channel = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[CG][A-Z0-9]{2,}$/.test(value) ? value : undefined;

function text(
  maxLength: number,
  placeholder: string,
  opts: { multiline?: boolean; initial?: string | undefined; initialMax?: number } = {},
): InputBlockElement {
  return {
    type: 'plain_text_input',
    action_id: ACTION_ID.value,
    max_length: maxLength,
    multiline: opts.multiline ?? false,
    placeholder: pt(plain(placeholder, 150)),
    ...(opts.initial ? { initial_value: plain(opts.initial, opts.initialMax ?? maxLength) } : {}),
  };
}

const datepicker = (placeholder: string, initial: string | undefined): InputBlockElement => ({
  type: 'datepicker',
  action_id: ACTION_ID.value,
  placeholder: pt(placeholder),
  ...(initial ? { initial_date: initial } : {}),
});

const heading = (title: string): KnownBlock => ({ type: 'header', text: pt(title) });

/** The hint on every field the partner reads (see domain/internalText.ts PARTNER_VISIBLE_FIELDS). */
const PARTNER_SEES = ':eye: The partner reads this in the partner channel, word for word.';

const PRIORITY: Option = {
  text: pt("The account is on the AE's priority list"),
  value: ON_PRIORITY_LIST_OPTION,
};
const IN_WRITING: Option = {
  text: pt('The partner agreed to their next move in writing'),
  value: AGREED_IN_WRITING_OPTION,
};

/**
 * The `/handoff` modal: the eleven packet fields, the AE, the response window and the partner channel, in three
 * sections. Some inputs hold two packet fields (the account with its web domain, the contact with their role; the
 * two confirmations are one checkbox group); readPacketForm splits them, so the packet is stored as before. The
 * attribution dates are not asked here: the partner's first action defaults to the day of sending, and the review
 * asks for the opportunity's creation date only when the rule needs it. An edit of a packet that had them shows them.
 */
export function packetModal(opts: PacketModalOptions): ModalView {
  const b = PACKET_BLOCK_ID;
  const L = FIELD_LIMITS;
  const p = opts.prefill ?? {};
  const pools = opts.edit ? [] : (opts.pools ?? []);
  const account = str(p.accountName) ?? str(opts.accountName);
  const partnerChannel = channel(p.partnerChannelId) ?? channel(opts.partnerChannelId);
  const ticked = [
    ...(p.onPriorityList === true ? [PRIORITY] : []),
    ...(p.partnerAgreedInWriting === true ? [IN_WRITING] : []),
  ];
  const windowDays = Number(p.responseWindowDays);
  const initialWindow =
    Number.isInteger(windowDays) && windowDays >= RESPONSE_WINDOW.min && windowDays <= RESPONSE_WINDOW.max
      ? windowDays
      : RESPONSE_WINDOW.default;
  // Only an edit of a packet whose opportunity had dates shows them: the rule compared them, they stay editable.
  const showDates = Boolean(
    str(p.crmOpportunity) && (date(p.opportunityCreatedOn) || date(p.partnerTouchOn)),
  );

  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: 'One packet, one account executive: write it so the AE can act without a clarifying call. Fields marked :eye: are posted to the partner, word for word; the review shows that post before anything is sent.',
        },
      ],
    },
    heading('The deal'),
    input(
      b.accountName,
      'Account',
      text(FORM_LIMITS.account, 'e.g. Northwind Logistics (northwind.com)', {
        initial: account ? joinAccount(account, str(p.accountDomain)) : undefined,
        // `/handoff <name>` alone is cut to the name's limit; a name with its domain to the input's.
        initialMax: str(p.accountDomain) ? FORM_LIMITS.account : L.accountName,
      }),
      {
        hint: `${PARTNER_SEES} Add the company's web domain in brackets to catch other handoffs on it; the partner never sees the domain.`,
      },
    ),
    input(
      b.crmOpportunity,
      'Existing CRM opportunity',
      text(L.crmOpportunity, 'Opportunity id or link, and its stage. Leave empty if there is none yet.', {
        initial: str(p.crmOpportunity),
      }),
      {
        optional: true,
        hint: 'One that existed before the partner acted: partner-influenced (the review asks when it was created). None pasted: the review looks the account up in the CRM when one is connected; without one, partner-sourced.',
      },
    ),
    ...(showDates
      ? [
          input(
            b.opportunityCreatedOn,
            'Opportunity created on',
            datepicker('When the CRM opportunity was opened', date(p.opportunityCreatedOn)),
            {
              optional: true,
              hint: 'Created after the partner first acted: partner-sourced. On or before, or unknown: influenced.',
            },
          ),
          input(
            b.partnerTouchOn,
            "Partner's first action on this account",
            datepicker('When the partner first acted', date(p.partnerTouchOn)),
            { optional: true, hint: 'Empty: the day the handoff is sent.' },
          ),
        ]
      : []),
    input(
      b.partnerOrg,
      'Partner organization',
      text(L.partnerOrg, 'e.g. Meridian Cloud Consulting', { initial: str(p.partnerOrg) }),
      { hint: PARTNER_SEES },
    ),
    input(
      b.partnerContactName,
      'Partner contact',
      text(FORM_LIMITS.partnerContact, 'The person acting, then their role: Dana Reyes, alliances lead', {
        initial: str(p.partnerContactName)
          ? joinContact(str(p.partnerContactName), str(p.partnerContactRole))
          : undefined,
      }),
      {
        hint: ':eye: The partner reads the name, word for word (not the role). A person, not a team or a logo.',
      },
    ),
    input(
      b.partnerChannelId,
      'Partner channel',
      {
        type: 'conversations_select',
        action_id: ACTION_ID.value,
        placeholder: pt('The Slack Connect channel shared with this partner'),
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        ...(partnerChannel ? { initial_conversation: partnerChannel } : {}),
      },
      {
        optional: true,
        hint: 'Shared with this partner only: decisions are posted there in partner-safe words. Invite the app to it. Leave empty if the partner is not on Slack Connect (they then hear nothing in Slack).',
      },
    ),
    input(
      b.riskNote,
      'Risk and channel-conflict note',
      text(L.riskNote, 'Registered resellers, competing partners, credit and compensation', {
        multiline: true,
        initial: str(p.riskNote),
      }),
      {
        optional: true,
        hint: 'Required when the check finds a conflict: another partner or a registered reseller on this account. Internal: the partner never reads it.',
      },
    ),
    heading('What the AE should know'),
    input(
      b.customerTrigger,
      'Customer trigger',
      text(L.customerTrigger, 'What the customer said or did, in their words', {
        multiline: true,
        initial: str(p.customerTrigger),
      }),
    ),
    input(
      b.jointValue,
      'Joint value proposition',
      text(L.jointValue, 'What we do, what the partner does, why together is better', {
        multiline: true,
        initial: str(p.jointValue),
      }),
    ),
    input(
      b.whyPartner,
      'Why this partner matters here',
      text(L.whyPartner, 'One sentence: prior delivery, installed footprint or a trusted relationship', {
        initial: str(p.whyPartner),
      }),
    ),
    input(
      b.warmPath,
      'Warm path',
      text(L.warmPath, 'Who knows whom, how warm, how the introduction happens', {
        multiline: true,
        initial: str(p.warmPath),
      }),
    ),
    input(
      b.evidenceUrl,
      'Evidence link',
      {
        type: 'url_text_input',
        action_id: ACTION_ID.value,
        placeholder: pt('Meeting notes, QBR record, thread'),
        ...(str(p.evidenceUrl) ? { initial_value: plain(str(p.evidenceUrl) ?? '', L.evidenceUrl) } : {}),
      },
      { optional: true, hint: 'Something the AE can verify in five minutes.' },
    ),
    heading('Who does what, by when'),
    input(
      b.aeUserId,
      // With pools, Slack marks the field "(optional)": the label says the alternative, so that reads true.
      pools.length > 0 ? 'Account executive, or a pool below' : 'Account executive',
      {
        type: 'users_select',
        action_id: ACTION_ID.value,
        placeholder: pt('Who receives this handoff'),
        ...(user(p.aeUserId) ? { initial_user: user(p.aeUserId) } : {}),
      },
      {
        hint:
          pools.length > 0
            ? ':eye: Choose one: an AE here, or a pool below. The partner sees the AE’s name once they accept.'
            : ':eye: The partner sees this person’s name once they accept.',
        // With pools, either the AE or a pool: the app says which is missing.
        ...(pools.length > 0 ? { optional: true } : {}),
      },
    ),
    ...(pools.length > 0
      ? [
          input(
            PACKET_POOL_BLOCK_ID,
            'Or a pool (round robin)',
            {
              type: 'static_select',
              action_id: ACTION_ID.value,
              placeholder: pt('The next AE of a pool'),
              options: pools.slice(0, 100).map((name) => ({ text: pt(plain(name, 75)), value: name })),
            },
            {
              optional: true,
              hint: 'Leave the account executive empty: the next AE of the pool who is not away or full gets it.',
            },
          ),
        ]
      : []),
    input(
      b.sellerNextMove,
      'Seller next move',
      text(L.sellerNextMove, 'One action for the AE, doable this week', { initial: str(p.sellerNextMove) }),
    ),
    input(
      b.partnerNextMove,
      'Partner next move',
      text(L.partnerNextMove, 'What the partner agreed to do', { initial: str(p.partnerNextMove) }),
      { hint: `${PARTNER_SEES} Keep internal notes (fees, margins, credit) in the risk note.` },
    ),
    input(
      b.partnerNextMoveDate,
      'Partner next move by',
      datepicker('Pick a date', date(p.partnerNextMoveDate)),
      { optional: true, hint: PARTNER_SEES },
    ),
    input(
      PACKET_FORM_BLOCK_ID.confirmations,
      'Confirmed',
      {
        type: 'checkboxes',
        action_id: ACTION_ID.value,
        options: [PRIORITY, IN_WRITING],
        ...(ticked.length > 0 ? { initial_options: ticked } : {}),
      },
      { optional: true, hint: 'Tick what is true: each counts in the score and the readiness checklist.' },
    ),
    input(
      b.ownerUserId,
      'Owner of the handoff',
      {
        type: 'users_select',
        action_id: ACTION_ID.value,
        initial_user: user(p.ownerUserId) ?? opts.authorUserId,
      },
      {
        hint: 'You, unless someone else follows up. One named person, not a team: owns it until the AE accepts.',
      },
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
        initial_value: String(initialWindow),
      },
      { hint: `Business days in the AE's timezone, ${RESPONSE_WINDOW.min} to ${RESPONSE_WINDOW.max}.` },
    ),
  ];
  const title = opts.edit ? `Edit handoff #${opts.edit.handoffId}` : 'New handoff';
  if (opts.edit) {
    // An edit changes the packet, not who or where: those read as facts, with the action that changes them.
    const locked = new Set<string>([
      b.partnerOrg,
      b.partnerChannelId,
      b.aeUserId,
      b.ownerUserId,
      b.responseWindowDays,
    ]);
    const facts = [
      `*Fixed after sending:* partner ${userText(str(p.partnerOrg) ?? '', 150)}`,
      partnerChannel ? `channel <#${partnerChannel}>` : 'no partner channel',
      user(p.aeUserId) ? `AE <@${user(p.aeUserId)}>` : undefined,
      user(p.ownerUserId) ? `owner <@${user(p.ownerUserId)}>` : undefined,
      `a ${initialWindow}-business-day window`,
    ].filter(Boolean);
    const kept = blocks.filter((block) => !(block.type === 'input' && locked.has(String(block.block_id))));
    kept.splice(1, 0, {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: `${facts.join(' · ')}. To hand it to another AE use Reassign; for more time, Extend; the deadline does not move with an edit.`,
        },
      ],
    });
    blocks.splice(0, blocks.length, ...kept);
  }
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.packet,
    title: pt(title.length <= 24 ? title : 'Edit handoff'),
    submit: pt(opts.edit ? 'Review changes' : 'Review'),
    close: pt('Cancel'),
    notify_on_close: false,
    ...(opts.edit
      ? {
          private_metadata: JSON.stringify({
            editOf: opts.edit.handoffId,
            editCount: opts.edit.editCount ?? 0,
          } satisfies PacketModalMetadata),
        }
      : {}),
    blocks,
  };
}
