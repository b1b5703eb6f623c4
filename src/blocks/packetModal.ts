import type { InputBlock, InputBlockElement, KnownBlock, ModalView, Option } from '@slack/types';
import type { PoolChoice } from '../domain/escalation.js';
import {
  FIELD_LIMITS,
  FIELD_NAMES,
  type FieldWhere,
  FLAG_FIELDS,
  FORM_LIMITS,
  joinAccount,
  joinContact,
  LOCKED_FIELDS,
  PACKET_FIELDS,
  type PacketField,
  type PacketInput,
  RESPONSE_WINDOW,
  windowMaxOf,
} from '../domain/packet.js';
import type { JoiningField, Section } from '../domain/packetRules.js';
import {
  ACTION_ID,
  CALLBACK_ID,
  PACKET_BLOCK_ID,
  PACKET_FORM_BLOCK_ID,
  PACKET_POOL_BLOCK_ID,
} from './ids.js';
import { plain, userText } from './mrkdwn.js';
import {
  INTRO,
  type NewPacketMetadata,
  noteBlocks,
  type PacketModalMetadata,
  type PacketModalOptions,
  sourcedHint,
} from './packetModalOptions.js';
import { alreadyThere, suggestionBlocks } from './packetSuggestions.js';
import { pt } from './parts.js';

export type { NewPacketMetadata, PacketModalMetadata, PacketModalOptions } from './packetModalOptions.js';

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

/** Room for a typed number of days and a slip (the app says what the window allows). */
const WINDOW_MAX_LENGTH = 10;

const heading = (title: string): KnownBlock => ({ type: 'header', text: pt(title) });

/** The hint on every field the partner reads (`partner` in the registry, domain/packetFields.ts). */
const PARTNER_SEES = ':eye: The partner reads this in the partner channel, word for word.';

/** The boxes of the "Confirmed" group: one per flag of the registry, worded there. */
const CONFIRMATIONS = FLAG_FIELDS.map((field) => {
  const { form } = PACKET_FIELDS[field];
  return { field, option: { text: pt(form.label), value: form.option } satisfies Option };
});

/** What every input of the modal is drawn from: the options, the prefill, and what follows from them. */
interface Drawing {
  opts: PacketModalOptions;
  p: Partial<PacketInput>;
  pools: readonly PoolChoice[];
  partnerChannel: string | undefined;
  initialWindow: number;
  /** Only an edit of a packet whose opportunity had dates shows them: the rule compared them, they stay editable. */
  showDates: boolean;
}

function drawingOf(opts: PacketModalOptions): Drawing {
  const p = opts.prefill ?? {};
  const windowDays = Number(p.responseWindowDays);
  const max = windowMaxOf(opts.maxWindowDays);
  return {
    opts,
    p,
    pools: opts.edit ? [] : (opts.pools ?? []),
    partnerChannel: channel(p.partnerChannelId) ?? channel(opts.partnerChannelId),
    initialWindow:
      Number.isInteger(windowDays) && windowDays >= RESPONSE_WINDOW.min && windowDays <= max
        ? windowDays
        : Math.min(RESPONSE_WINDOW.default, max),
    showDates: Boolean(str(p.crmOpportunity) && (date(p.opportunityCreatedOn) || date(p.partnerTouchOn))),
  };
}

const labelOf = (field: PacketField) => {
  const { form } = PACKET_FIELDS[field];
  return 'label' in form ? form.label : '';
};

/** A hint with where its prefilled value came from first (packetModalOptions.ts). */
const withSource = (d: Drawing, field: PacketField, hint: string): string =>
  sourcedHint(d.opts.sources, field, hint) ?? hint;

/** A plain input's hint: where its value came from, then the registry's, after the :eye: mark the partner reads. */
function hintOf(field: PacketField, d: Drawing): string | undefined {
  const { form, partner } = PACKET_FIELDS[field];
  const hint = 'hint' in form ? form.hint : undefined;
  return sourcedHint(
    d.opts.sources,
    field,
    partner ? (hint ? `${PARTNER_SEES} ${hint}` : PARTNER_SEES) : hint,
  );
}

/** A text, link or date field, drawn from its registry entry (undefined: not shown on this form). */
function plainInput(field: PacketField, d: Drawing): InputBlock | undefined {
  const { form, rule, blockId } = PACKET_FIELDS[field];
  if (!('at' in form)) return undefined;
  const placeholder = 'placeholder' in form ? form.placeholder : '';
  const value = d.p[field];
  const hint = hintOf(field, d);
  const how = { optional: !rule.required, ...(hint ? { hint } : {}) };
  if (rule.input === 'date') {
    if ('dated' in form && !d.showDates) return undefined;
    return input(blockId, form.label, datepicker(placeholder, date(value)), how);
  }
  const max = rule.max ?? 0;
  // A link is typed in a plain text input, not Slack's url_text_input: Slack's client would refuse a malformed link
  // alone, before the app's own checks, so the author would fix the form in two rounds.
  if (rule.input === 'link')
    return input(blockId, form.label, text(max, placeholder, { initial: str(value) }), how);
  const multiline = 'multiline' in form ? { multiline: form.multiline } : {};
  return input(blockId, form.label, text(max, placeholder, { ...multiline, initial: str(value) }), how);
}

/** The fields whose input is drawn by a renderer of its own (below), not from the registry alone. */
type SpecialField = FieldWhere<{ rule: { input: 'user' | 'channel' | 'number' } }> | JoiningField;

const SPECIAL: Record<SpecialField, (d: Drawing) => KnownBlock[]> = {
  accountName: (d) => {
    const { p, opts } = d;
    const account = str(p.accountName) ?? str(opts.accountName);
    const domain = str(p.accountDomain);
    const element = text(FORM_LIMITS.account, 'e.g. Northwind Logistics (northwind.com)', {
      initial: account ? joinAccount(account, domain) : undefined,
      // `/handoff <name>` alone is cut to the name's limit; a name with its domain to the input's.
      initialMax: domain ? FORM_LIMITS.account : FIELD_LIMITS.accountName,
    });
    const hint = `${PARTNER_SEES} Add the company's web domain in brackets to catch other handoffs on it; the partner never sees the domain.`;
    return [
      input(PACKET_BLOCK_ID.accountName, labelOf('accountName'), element, {
        hint: withSource(d, 'accountName', hint),
      }),
    ];
  },
  partnerContactName: (d) => {
    const { p } = d;
    const name = str(p.partnerContactName);
    const element = text(
      FORM_LIMITS.partnerContact,
      'The person acting, then their role: Dana Reyes, alliances lead',
      {
        initial: name ? joinContact(name, str(p.partnerContactRole)) : undefined,
      },
    );
    const hint =
      ':eye: The partner reads the name, word for word (not the role). A person, not a team or a logo.';
    return [
      input(PACKET_BLOCK_ID.partnerContactName, labelOf('partnerContactName'), element, {
        hint: withSource(d, 'partnerContactName', hint),
      }),
    ];
  },
  partnerChannelId: (d) => {
    const { partnerChannel } = d;
    const element: InputBlockElement = {
      type: 'conversations_select',
      action_id: ACTION_ID.value,
      placeholder: pt('The Slack Connect channel shared with this partner'),
      filter: { include: ['public', 'private'], exclude_bot_users: true },
      ...(partnerChannel ? { initial_conversation: partnerChannel } : {}),
    };
    const hint = withSource(
      d,
      'partnerChannelId',
      'Shared with this partner only: decisions are posted there in partner-safe words. Invite the app to it. Leave empty if the partner is not on Slack Connect (they then hear nothing in Slack).',
    );
    return [
      input(PACKET_BLOCK_ID.partnerChannelId, labelOf('partnerChannelId'), element, { optional: true, hint }),
    ];
  },
  aeUserId: aeInputs,
  ownerUserId: ({ p, opts }) => {
    const element: InputBlockElement = {
      type: 'users_select',
      action_id: ACTION_ID.value,
      initial_user: user(p.ownerUserId) ?? opts.authorUserId,
    };
    const hint =
      'You, unless someone else follows up. One named person, not a team: owns it until the AE accepts.';
    return [input(PACKET_BLOCK_ID.ownerUserId, labelOf('ownerUserId'), element, { hint })];
  },
  responseWindowDays: ({ initialWindow, opts }) => {
    const max = windowMaxOf(opts.maxWindowDays);
    // Plain text, not a number_input with a range: Slack's client would check the range alone, before the app's
    // checks (the same words, in the same round as every other error).
    const element = text(WINDOW_MAX_LENGTH, `${RESPONSE_WINDOW.min} to ${max}`, {
      initial: String(initialWindow),
    });
    const hint = `Business days in the AE's timezone, ${RESPONSE_WINDOW.min} to ${max}.`;
    return [input(PACKET_BLOCK_ID.responseWindowDays, labelOf('responseWindowDays'), element, { hint })];
  },
};

/** The account executive, and with pools the "or a pool" select under it. */
function aeInputs(d: Drawing): KnownBlock[] {
  const { p, pools } = d;
  const withPools = pools.length > 0;
  const element: InputBlockElement = {
    type: 'users_select',
    action_id: ACTION_ID.value,
    placeholder: pt('Who receives this handoff'),
    ...(user(p.aeUserId) ? { initial_user: user(p.aeUserId) } : {}),
  };
  const ae = input(
    PACKET_BLOCK_ID.aeUserId,
    // With pools, Slack marks the field "(optional)": the label says the alternative, so that reads true.
    withPools ? `${labelOf('aeUserId')}, or a pool below` : labelOf('aeUserId'),
    element,
    {
      hint: withSource(
        d,
        'aeUserId',
        withPools
          ? ':eye: Choose one: an AE here, or a pool below. The partner sees the AE’s name once they accept.'
          : ':eye: The partner sees this person’s name once they accept.',
      ),
      // With pools, either the AE or a pool: the app says which is missing.
      ...(withPools ? { optional: true } : {}),
    },
  );
  if (!withPools) return [ae];
  const pool = input(
    PACKET_POOL_BLOCK_ID,
    'Or a pool (round robin)',
    {
      type: 'static_select',
      action_id: ACTION_ID.value,
      placeholder: pt('The next AE of a pool'),
      options: pools.slice(0, 100).map((pool) => ({ text: pt(plain(pool.name, 75)), value: pool.id })),
    },
    {
      optional: true,
      hint: 'Leave the account executive empty: the next AE of the pool who is not away or full gets it.',
    },
  );
  return [ae, pool];
}

/** The flags, as one checkbox group ("Confirmed"). */
function confirmations({ p }: Drawing): KnownBlock[] {
  const ticked = CONFIRMATIONS.filter(({ field }) => p[field] === true).map(({ option }) => option);
  const element: InputBlockElement = {
    type: 'checkboxes',
    action_id: ACTION_ID.value,
    options: CONFIRMATIONS.map(({ option }) => option),
    ...(ticked.length > 0 ? { initial_options: ticked } : {}),
  };
  const hint = 'Tick what is true: each counts in the score and the readiness checklist.';
  return [input(PACKET_FORM_BLOCK_ID.confirmations, 'Confirmed', element, { optional: true, hint })];
}

const isSpecial = (field: PacketField): field is SpecialField => Object.hasOwn(SPECIAL, field);

/** One field's blocks: its own renderer, the flags' group (at the first flag), or its registry entry. */
function fieldBlocks(field: PacketField, d: Drawing): KnownBlock[] {
  if (isSpecial(field)) return SPECIAL[field](d);
  if (PACKET_FIELDS[field].rule.input === 'flag') return field === FLAG_FIELDS[0] ? confirmations(d) : [];
  const block = plainInput(field, d);
  return block ? [block] : [];
}

const SECTIONS: readonly (readonly [Section, string])[] = [
  ['deal', 'The deal'],
  ['know', 'What the AE should know'],
  ['who', 'Who does what, by when'],
];

/** A section's heading and its fields' inputs, in the order the registry places them (`form.at`). */
function sectionBlocks(section: Section, title: string, d: Drawing): KnownBlock[] {
  const placed = FIELD_NAMES.flatMap((field) => {
    const { form } = PACKET_FIELDS[field];
    return 'at' in form && form.at[0] === section ? [{ field, order: form.at[1] }] : [];
  }).sort((a, b) => a.order - b.order);
  return [heading(title), ...placed.flatMap(({ field }) => fieldBlocks(field, d))];
}

/** An edit changes the packet, not who or where: the locked fields read as facts, with the action that changes them. */
function forEdit(blocks: KnownBlock[], d: Drawing): KnownBlock[] {
  const { p, partnerChannel, initialWindow } = d;
  const locked = new Set<string>(LOCKED_FIELDS.map((field) => PACKET_BLOCK_ID[field]));
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
  return kept;
}

/**
 * The `/handoff` modal: the packet's fields, the AE, the response window and the partner channel, in three sections,
 * each input where the registry places it (domain/packetFields.ts). Some inputs hold two packet fields (the account
 * with its web domain, the contact with their role; the flags are one checkbox group); readPacketForm splits them, so
 * the packet is stored as before. The attribution dates are not asked here: the partner's first action defaults to
 * the day of sending, and the review asks for the opportunity's creation date only when the rule needs it. An edit of
 * a packet that had them shows them.
 */
export function packetModal(opts: PacketModalOptions): ModalView {
  const d = drawingOf(opts);
  const s = opts.suggestions;
  const suggested = s && !opts.edit ? suggestionBlocks(s, alreadyThere(s, d.p)) : [];
  const drawn = [
    INTRO,
    ...noteBlocks(opts.notes),
    ...suggested,
    ...SECTIONS.flatMap(([section, title]) => sectionBlocks(section, title, d)),
  ];
  const blocks = opts.edit ? forEdit(drawn, d) : drawn;
  const title = opts.edit ? `Edit handoff #${opts.edit.handoffId}` : 'New handoff';
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
      : opts.source
        ? { private_metadata: JSON.stringify({ source: opts.source } satisfies NewPacketMetadata) }
        : {}),
    blocks,
  };
}
