import {
  ACTION_ID,
  AGREED_IN_WRITING_OPTION,
  CALLBACK_ID,
  CONFIRM_OPTION,
  DECLINE_BLOCK_ID,
  ON_PRIORITY_LIST_OPTION,
  PACKET_BLOCK_ID,
  PACKET_FORM_BLOCK_ID,
  REVIEW_BLOCK_ID,
} from '../../src/blocks/ids.js';
import { joinAccount, joinContact } from '../../src/domain/packet.js';
import { people, TEAM } from './people.js';

/**
 * Payload factories shaped like what Slack sends, with overrides (after bolt-js's createDummy…Args).
 */

type User = { id: string; team_id?: string };

/** One input's state under the modal's one action id. */
const input = (state: Record<string, unknown>) => ({ [ACTION_ID.value]: state });
const text = (value: string | null | undefined) => input({ type: 'plain_text_input', value });
const date = (selected_date: string | null) => input({ type: 'datepicker', selected_date });
const person = (selected_user: string | null) => input({ type: 'users_select', selected_user });
const conversation = (selected_conversation: string | null) =>
  input({ type: 'conversations_select', selected_conversation });
const option = (value: string, label = value) => ({ text: { type: 'plain_text', text: label }, value });
/** A picked option as selects, radio buttons and the review's boxes send it (its value first). */
const picked = (value: string, label = value) => ({ value, text: { type: 'plain_text', text: label } });
/** The parts every interaction payload from the workspace shares: the team, the user, the app. */
const from = (user: User, teamId = TEAM) => ({
  team: { id: teamId, domain: 'acme' },
  user: { id: user.id, username: user.id.toLowerCase(), name: user.id.toLowerCase(), team_id: user.team_id },
  api_app_id: 'A0APP',
  token: 'legacy-verification-token',
});
const ENTERPRISE = { is_enterprise_install: false, enterprise: null };

export function slashCommand(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM,
    team_domain: 'acme',
    channel_id: 'C0INTERNAL',
    channel_name: 'partner-marketing',
    user_id: people.author.id,
    user_name: people.author.name,
    command: '/handoff',
    text: '',
    api_app_id: 'A0APP',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0INTERNAL/1/abc',
    trigger_id: '1.2.trigger',
    ...overrides,
  };
}

export interface PacketValues {
  accountName?: string;
  crmOpportunity?: string | null;
  accountDomain?: string | null;
  onPriorityList?: boolean;
  opportunityCreatedOn?: string | null;
  partnerTouchOn?: string | null;
  partnerOrg?: string;
  partnerContactName?: string;
  partnerContactRole?: string | null;
  whyPartner?: string;
  customerTrigger?: string;
  jointValue?: string;
  warmPath?: string;
  sellerNextMove?: string;
  partnerNextMove?: string;
  partnerNextMoveDate?: string | null;
  partnerAgreedInWriting?: boolean;
  riskNote?: string | null;
  evidenceUrl?: string | null;
  aeUserId?: string | null;
  ownerUserId?: string | null;
  responseWindowDays?: string | null;
  partnerChannelId?: string | null;
}

/** The Northwind example of DOMAIN.md, complete. */
export const northwind: Required<PacketValues> = {
  accountName: 'Northwind Logistics',
  crmOpportunity: 'OPP-20417 (stage 2, expansion)',
  accountDomain: 'northwind.com',
  onPriorityList: true,
  opportunityCreatedOn: '2026-09-14',
  partnerTouchOn: '2026-10-20',
  partnerOrg: 'Meridian Cloud Consulting',
  partnerContactName: 'Dana Reyes',
  partnerContactRole: 'Alliances lead',
  whyPartner: "Meridian ran Northwind's data platform migration last quarter.",
  customerTrigger:
    'At the quarterly review the ops director asked about automating carrier invoice reconciliation.',
  jointValue: 'We run the reconciliation workflow; Meridian implements it on the platform they operate.',
  warmPath: 'Dana meets the Northwind ops team monthly and can introduce the AE at the next session.',
  sellerNextMove: 'Accept the introduction and bring the demo.',
  partnerNextMove: 'Dana confirms the meeting and shares the review notes.',
  partnerNextMoveDate: '2026-12-04',
  partnerAgreedInWriting: true,
  riskNote: 'No reseller registered; direct deal; Meridian paid through implementation services.',
  evidenceUrl: 'https://docs.example.com/northwind/qbr-notes',
  aeUserId: people.ae.id,
  ownerUserId: people.author.id,
  responseWindowDays: '3',
  partnerChannelId: 'C0PARTNER',
};

/**
 * view.state.values for the packet modal of before issue 20, one input per packet field (empty optional inputs are
 * null): what most tests send, and what readPacketForm still reads. `formState` is the modal as it is now.
 */
export function packetState(overrides: PacketValues = {}) {
  const v = { ...northwind, ...overrides };
  const b = PACKET_BLOCK_ID;
  const checked = (on: boolean, label: string, value: string) =>
    input({ type: 'checkboxes', selected_options: on ? [option(value, label)] : [] });
  return {
    [b.accountName]: text(v.accountName),
    [b.crmOpportunity]: text(v.crmOpportunity),
    [b.accountDomain]: text(v.accountDomain),
    [b.onPriorityList]: checked(v.onPriorityList, 'Priority', ON_PRIORITY_LIST_OPTION),
    [b.opportunityCreatedOn]: date(v.opportunityCreatedOn),
    [b.partnerTouchOn]: date(v.partnerTouchOn),
    [b.partnerOrg]: text(v.partnerOrg),
    [b.partnerContactName]: text(v.partnerContactName),
    [b.partnerContactRole]: text(v.partnerContactRole),
    [b.whyPartner]: text(v.whyPartner),
    [b.customerTrigger]: text(v.customerTrigger),
    [b.jointValue]: text(v.jointValue),
    [b.warmPath]: text(v.warmPath),
    [b.sellerNextMove]: text(v.sellerNextMove),
    [b.partnerNextMove]: text(v.partnerNextMove),
    [b.partnerNextMoveDate]: date(v.partnerNextMoveDate),
    [b.partnerAgreedInWriting]: checked(v.partnerAgreedInWriting, 'Agreed', AGREED_IN_WRITING_OPTION),
    [b.riskNote]: text(v.riskNote),
    [b.evidenceUrl]: input({ type: 'url_text_input', value: v.evidenceUrl }),
    [b.aeUserId]: person(v.aeUserId),
    [b.ownerUserId]: person(v.ownerUserId),
    [b.responseWindowDays]: input({ type: 'number_input', value: v.responseWindowDays }),
    [b.partnerChannelId]: conversation(v.partnerChannelId),
  };
}

/**
 * view.state.values of the packet modal as it is now (packetModal.ts), as Slack sends them: the account with its
 * domain in brackets, the contact with their role after a comma, one checkbox group for the two confirmations, and
 * no attribution dates (unless `withDates`: the modal of an edit whose opportunity had them).
 */
export function formState(overrides: PacketValues = {}, opts: { withDates?: boolean } = {}) {
  const v = { ...northwind, ...overrides };
  const b = PACKET_BLOCK_ID;
  const state: Record<string, Record<string, unknown>> = {
    [b.accountName]: text(joinAccount(v.accountName, v.accountDomain) || null),
    [b.crmOpportunity]: text(v.crmOpportunity),
    [b.partnerOrg]: text(v.partnerOrg),
    [b.partnerContactName]: text(joinContact(v.partnerContactName, v.partnerContactRole) || null),
    [b.partnerChannelId]: conversation(v.partnerChannelId),
    [b.riskNote]: text(v.riskNote),
    [b.customerTrigger]: text(v.customerTrigger),
    [b.jointValue]: text(v.jointValue),
    [b.whyPartner]: text(v.whyPartner),
    [b.warmPath]: text(v.warmPath),
    [b.evidenceUrl]: text(v.evidenceUrl),
    [b.aeUserId]: person(v.aeUserId),
    [b.sellerNextMove]: text(v.sellerNextMove),
    [b.partnerNextMove]: text(v.partnerNextMove),
    [b.partnerNextMoveDate]: date(v.partnerNextMoveDate),
    [PACKET_FORM_BLOCK_ID.confirmations]: input({
      type: 'checkboxes',
      selected_options: [
        ...(v.onPriorityList ? [option(ON_PRIORITY_LIST_OPTION)] : []),
        ...(v.partnerAgreedInWriting ? [option(AGREED_IN_WRITING_OPTION)] : []),
      ],
    }),
    [b.ownerUserId]: person(v.ownerUserId),
    [b.responseWindowDays]: text(v.responseWindowDays),
  };
  if (opts.withDates) {
    state[b.opportunityCreatedOn] = date(v.opportunityCreatedOn);
    state[b.partnerTouchOn] = date(v.partnerTouchOn);
  }
  return state;
}

let viewCounter = 0;

export function viewSubmission(opts: {
  user?: User;
  callbackId: string;
  viewId?: string;
  values: Record<string, unknown>;
  privateMetadata?: string;
  teamId?: string;
  blocks?: unknown[];
}) {
  const user = opts.user ?? { id: people.author.id, team_id: TEAM };
  viewCounter += 1;
  return {
    type: 'view_submission',
    ...from(user, opts.teamId),
    trigger_id: `9.${viewCounter}.submit`,
    view: {
      id: opts.viewId ?? `V0TEST${viewCounter}`,
      team_id: TEAM,
      type: 'modal',
      blocks: opts.blocks ?? [],
      private_metadata: opts.privateMetadata ?? '',
      callback_id: opts.callbackId,
      state: { values: opts.values },
      hash: `${viewCounter}.hash`,
      title: { type: 'plain_text', text: 'Modal' },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: opts.viewId ?? `V0TEST${viewCounter}`,
      app_id: 'A0APP',
      external_id: '',
      app_installed_team_id: TEAM,
      bot_id: 'BBOT',
    },
    response_urls: [],
    ...ENTERPRISE,
  };
}

/** A packet modal submission; `form`: in the shape of the modal as it is now (`formState`), else `packetState`'s. */
export function packetSubmission(
  opts: {
    user?: User;
    viewId?: string;
    values?: PacketValues;
    form?: boolean;
    privateMetadata?: string;
  } = {},
) {
  return viewSubmission({
    callbackId: CALLBACK_ID.packet,
    values: opts.form ? formState(opts.values) : packetState(opts.values),
    ...(opts.privateMetadata !== undefined ? { privateMetadata: opts.privateMetadata } : {}),
    ...(opts.user ? { user: opts.user } : {}),
    ...(opts.viewId ? { viewId: opts.viewId } : {}),
  });
}

export function declineSubmission(opts: {
  handoffId: number | string;
  /** The packet version the Decline was clicked on (the modal carries it once the packet was edited). */
  editCount?: number;
  reason?: string | null;
  note?: string | null;
  user?: User;
  viewId?: string;
}) {
  return viewSubmission({
    callbackId: CALLBACK_ID.decline,
    privateMetadata: JSON.stringify({
      handoffId: opts.handoffId,
      ...(opts.editCount ? { editCount: opts.editCount } : {}),
    }),
    user: opts.user ?? { id: people.ae.id, team_id: TEAM },
    ...(opts.viewId ? { viewId: opts.viewId } : {}),
    values: declineValues(opts.reason === null ? null : picked(opts.reason ?? 'timing', 'x'), opts.note),
  });
}

/** The decline modal's state: the reason's select and the note. */
const declineValues = (selected: ReturnType<typeof picked> | null, note: string | null | undefined) => ({
  [DECLINE_BLOCK_ID.reason]: {
    [ACTION_ID.declineReason]: { type: 'static_select', selected_option: selected },
  },
  [DECLINE_BLOCK_ID.note]: text(note ?? null),
});

/**
 * A reason picked in the open decline modal (its select dispatches the change, issue 77 item 10): the block action
 * Slack sends, with the view as it stands (its id, hash and metadata, the note typed so far).
 */
export function declineReasonPicked(opts: {
  view: { id: string; hash?: string; private_metadata: string };
  reason: string;
  note?: string | null;
  user?: User;
}) {
  const user = opts.user ?? { id: people.ae.id, team_id: TEAM };
  const selected = picked(opts.reason);
  return {
    type: 'block_actions',
    ...from(user),
    container: { type: 'view', view_id: opts.view.id },
    trigger_id: '1.3.trigger',
    view: {
      id: opts.view.id,
      team_id: TEAM,
      type: 'modal',
      callback_id: CALLBACK_ID.decline,
      private_metadata: opts.view.private_metadata,
      hash: opts.view.hash ?? '1.hash',
      blocks: [],
      state: { values: declineValues(selected, opts.note) },
    },
    actions: [
      {
        type: 'static_select',
        action_id: ACTION_ID.declineReason,
        block_id: DECLINE_BLOCK_ID.reason,
        selected_option: selected,
        action_ts: '1700000001.000300',
      },
    ],
    ...ENTERPRISE,
  };
}

/** A button click on a message the app posted. */
export function blockAction(opts: {
  actionId: string;
  value: string;
  user?: User;
  channelId?: string;
  messageTs?: string;
  triggerId?: string;
  responseUrl?: string;
  teamId?: string;
}) {
  const user = opts.user ?? { id: people.ae.id, team_id: TEAM };
  return {
    type: 'block_actions',
    ...from(user, opts.teamId),
    container: {
      type: 'message',
      message_ts: opts.messageTs ?? '1700000000.000100',
      channel_id: opts.channelId ?? 'D0AE',
      is_ephemeral: false,
    },
    trigger_id: opts.triggerId ?? '1.2.trigger',
    channel: { id: opts.channelId ?? 'D0AE', name: 'directmessage' },
    message: { type: 'message', ts: opts.messageTs ?? '1700000000.000100', text: 'handoff', blocks: [] },
    response_url: opts.responseUrl ?? 'https://hooks.slack.com/actions/T0INTERNAL/1/abc',
    actions: [
      {
        type: 'button',
        action_id: opts.actionId,
        block_id: 'handoff_decision',
        text: { type: 'plain_text', text: 'Button' },
        value: opts.value,
        action_ts: '1700000001.000200',
      },
    ],
    ...ENTERPRISE,
  };
}

/** The review's confirmation checkboxes ("same partner", "the partner may read this"), by their block ids. */
export type ReviewConfirmation =
  | typeof REVIEW_BLOCK_ID.confirmPartner
  | typeof REVIEW_BLOCK_ID.confirmInternalText;

/** The confirmation boxes a pushed review view shows (an author who agrees ticks each). */
export function confirmationsOn(view: { blocks?: unknown[] } | undefined): ReviewConfirmation[] {
  const ids = new Set((view?.blocks ?? []).map((b) => (b as { block_id?: string }).block_id));
  return [REVIEW_BLOCK_ID.confirmPartner, REVIEW_BLOCK_ID.confirmInternalText].filter((id) => ids.has(id));
}

/** Send from the review step (the pushed view); `overrideReason` fills the "why send it anyway" box. */
export function reviewSubmission(opts: {
  draftId: number;
  overrideReason?: string;
  user?: User;
  viewId?: string;
  /** Boxes on the view; `ticked` (default: all of them) are checked. */
  confirm?: ReviewConfirmation[];
  ticked?: ReviewConfirmation[];
  /** The attribution details step on the view, with the dates picked (null: left empty). */
  details?: { opportunityCreatedOn: string | null; partnerTouchOn: string | null };
  /** The AE is away: the choice picked on the review's radio buttons (null: none picked). */
  absence?: string | null;
  /** Why not the CRM's account owner: the review's box, with this text (issue 52). */
  ownerReason?: string;
}) {
  const withBox = opts.overrideReason !== undefined;
  const owner = opts.ownerReason !== undefined;
  const details = opts.details
    ? {
        [REVIEW_BLOCK_ID.opportunityCreatedOn]: opts.details.opportunityCreatedOn,
        [REVIEW_BLOCK_ID.partnerTouchOn]: opts.details.partnerTouchOn,
      }
    : {};
  const boxes = opts.confirm ?? [];
  const ticked = new Set(opts.ticked ?? boxes);
  return viewSubmission({
    callbackId: CALLBACK_ID.review,
    privateMetadata: JSON.stringify({ draftId: opts.draftId }),
    ...(opts.user ? { user: opts.user } : {}),
    ...(opts.viewId ? { viewId: opts.viewId } : {}),
    blocks: [
      ...boxes.map((id) => ({ type: 'input', block_id: id })),
      ...(withBox ? [{ type: 'input', block_id: REVIEW_BLOCK_ID.override }] : []),
      ...Object.keys(details).map((id) => ({ type: 'input', block_id: id })),
      ...(opts.absence !== undefined ? [{ type: 'input', block_id: REVIEW_BLOCK_ID.absence }] : []),
      ...(owner ? [{ type: 'input', block_id: REVIEW_BLOCK_ID.ownerReason }] : []),
    ],
    values: {
      ...(owner ? { [REVIEW_BLOCK_ID.ownerReason]: text(opts.ownerReason) } : {}),
      ...(opts.absence !== undefined
        ? {
            [REVIEW_BLOCK_ID.absence]: input({
              type: 'radio_buttons',
              selected_option: opts.absence === null ? null : picked(opts.absence, 'x'),
            }),
          }
        : {}),
      ...Object.fromEntries(Object.entries(details).map(([id, day]) => [id, date(day)])),
      ...Object.fromEntries(
        boxes.map((id) => [
          id,
          input({
            type: 'checkboxes',
            selected_options: ticked.has(id) ? [picked(CONFIRM_OPTION, 'Yes')] : [],
          }),
        ]),
      ),
      ...(withBox ? { [REVIEW_BLOCK_ID.override]: text(opts.overrideReason) } : {}),
    },
  });
}

/** An Events API delivery, as Slack wraps every event. */
export function eventCallback(event: Record<string, unknown>, eventId: string) {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM,
    api_app_id: 'A0APP',
    type: 'event_callback',
    event_id: eventId,
    event_time: 1_795_442_400,
    event,
    authorizations: [{ team_id: TEAM, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  };
}

export function appHomeOpened(userId: string, eventId: string) {
  return eventCallback(
    {
      type: 'app_home_opened',
      user: userId,
      channel: `D${userId}`,
      tab: 'home',
      event_ts: '1795442400.000100',
    },
    eventId,
  );
}
