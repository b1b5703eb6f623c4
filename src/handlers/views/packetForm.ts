import type { ViewStateValue } from '@slack/bolt';
import {
  ACTION_ID,
  AGREED_IN_WRITING_OPTION,
  ON_PRIORITY_LIST_OPTION,
  PACKET_BLOCK_ID,
  PACKET_FORM_BLOCK_ID,
} from '../../blocks/ids.js';
import {
  type PacketErrors,
  type PacketField,
  type PacketInput,
  splitAccount,
  splitContact,
} from '../../domain/packet.js';

type StateValues = Record<string, Record<string, ViewStateValue>>;

/**
 * Reads the packet modal's state into raw packet input; validation happens in the domain.
 *
 * The modal asks for some fields together (packetModal.ts): the account with its domain in brackets, the contact with
 * their role after a comma, and one checkbox group for the two confirmations. The separate inputs of the older form
 * (account_domain, partner_contact_role, on_priority_list, partner_agreed_in_writing) are still read: when one is
 * there, its field is taken from it and the combined input is read as a single field.
 */
/** The options ticked in a checkbox group: none when the payload carries anything but a list of options. */
export function tickedValues(state: ViewStateValue | undefined): string[] {
  const options: unknown = state?.selected_options;
  if (!Array.isArray(options)) return [];
  return options.flatMap((o: unknown) =>
    typeof o === 'object' && o !== null && typeof (o as { value?: unknown }).value === 'string'
      ? [(o as { value: string }).value]
      : [],
  );
}

/** A checkbox group whose options are not a list: a payload Slack never sends (its form cannot be read as typed). */
export function hasMalformedCheckboxes(values: StateValues): boolean {
  return Object.values(values).some((block) =>
    Object.values(block ?? {}).some(
      (state) => state?.selected_options !== undefined && !Array.isArray(state.selected_options),
    ),
  );
}

export function readPacketForm(values: StateValues): PacketInput {
  const has = (blockId: string) => values[blockId]?.[ACTION_ID.value] !== undefined;
  const get = (field: keyof typeof PACKET_BLOCK_ID): ViewStateValue | undefined =>
    values[PACKET_BLOCK_ID[field]]?.[ACTION_ID.value];
  const text = (field: keyof typeof PACKET_BLOCK_ID) => get(field)?.value ?? null;
  const ticked = (blockIds: string[], option: string) =>
    blockIds.some((blockId) => tickedValues(values[blockId]?.[ACTION_ID.value]).includes(option));
  const confirmations = [
    PACKET_FORM_BLOCK_ID.confirmations,
    PACKET_BLOCK_ID.onPriorityList,
    PACKET_BLOCK_ID.partnerAgreedInWriting,
  ];
  const account = has(PACKET_BLOCK_ID.accountDomain)
    ? { name: text('accountName'), domain: text('accountDomain') }
    : splitAccount(text('accountName'));
  const contact = has(PACKET_BLOCK_ID.partnerContactRole)
    ? { name: text('partnerContactName'), role: text('partnerContactRole') }
    : splitContact(text('partnerContactName'));
  return {
    accountName: account.name ?? '',
    crmOpportunity: text('crmOpportunity'),
    accountDomain: account.domain,
    onPriorityList: ticked(confirmations, ON_PRIORITY_LIST_OPTION),
    opportunityCreatedOn: get('opportunityCreatedOn')?.selected_date ?? null,
    partnerTouchOn: get('partnerTouchOn')?.selected_date ?? null,
    partnerOrg: text('partnerOrg') ?? '',
    partnerContactName: contact.name ?? '',
    partnerContactRole: contact.role,
    whyPartner: text('whyPartner') ?? '',
    customerTrigger: text('customerTrigger') ?? '',
    jointValue: text('jointValue') ?? '',
    warmPath: text('warmPath') ?? '',
    sellerNextMove: text('sellerNextMove') ?? '',
    partnerNextMove: text('partnerNextMove') ?? '',
    partnerNextMoveDate: get('partnerNextMoveDate')?.selected_date ?? null,
    partnerAgreedInWriting: ticked(confirmations, AGREED_IN_WRITING_OPTION),
    riskNote: text('riskNote'),
    evidenceUrl: text('evidenceUrl'),
    aeUserId: get('aeUserId')?.selected_user ?? '',
    ownerUserId: get('ownerUserId')?.selected_user ?? '',
    responseWindowDays: text('responseWindowDays') ?? '',
    partnerChannelId: get('partnerChannelId')?.selected_conversation ?? null,
  } as PacketInput;
}

/**
 * The block that shows a field's error in the packet modal. Fields asked together share a block; the attribution
 * dates have blocks of their own only when the modal shows them (an edit of a packet that had them), which is the
 * only time they can be wrong.
 */
export const PACKET_ERROR_BLOCK: Record<PacketField, string> = {
  ...PACKET_BLOCK_ID,
  accountDomain: PACKET_BLOCK_ID.accountName,
  partnerContactRole: PACKET_BLOCK_ID.partnerContactName,
  onPriorityList: PACKET_FORM_BLOCK_ID.confirmations,
  partnerAgreedInWriting: PACKET_FORM_BLOCK_ID.confirmations,
};

/** Field errors keyed by the block that shows them inline (the first message when two fields share a block). */
export function packetBlockErrors(errors: PacketErrors): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as [PacketField, string | undefined][]) {
    const block = PACKET_ERROR_BLOCK[field];
    if (message && block && !(block in out)) out[block] = message;
  }
  return out;
}
