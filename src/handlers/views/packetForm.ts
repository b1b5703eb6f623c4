import type { ViewStateValue } from '@slack/bolt';
import {
  ACTION_ID,
  AGREED_IN_WRITING_OPTION,
  ON_PRIORITY_LIST_OPTION,
  PACKET_BLOCK_ID,
} from '../../blocks/ids.js';
import type { PacketErrors, PacketField, PacketInput } from '../../domain/packet.js';

type StateValues = Record<string, Record<string, ViewStateValue>>;

/** Reads the packet modal's state into raw packet input; validation happens in the domain. */
export function readPacketForm(values: StateValues): PacketInput {
  const get = (field: keyof typeof PACKET_BLOCK_ID): ViewStateValue | undefined =>
    values[PACKET_BLOCK_ID[field]]?.[ACTION_ID.value];
  const text = (field: keyof typeof PACKET_BLOCK_ID) => get(field)?.value ?? null;
  return {
    accountName: text('accountName') ?? '',
    crmOpportunity: text('crmOpportunity'),
    accountDomain: text('accountDomain'),
    onPriorityList: (get('onPriorityList')?.selected_options ?? []).some(
      (option) => option.value === ON_PRIORITY_LIST_OPTION,
    ),
    opportunityCreatedOn: get('opportunityCreatedOn')?.selected_date ?? null,
    partnerTouchOn: get('partnerTouchOn')?.selected_date ?? null,
    partnerOrg: text('partnerOrg') ?? '',
    partnerContactName: text('partnerContactName') ?? '',
    partnerContactRole: text('partnerContactRole'),
    whyPartner: text('whyPartner') ?? '',
    customerTrigger: text('customerTrigger') ?? '',
    jointValue: text('jointValue') ?? '',
    warmPath: text('warmPath') ?? '',
    sellerNextMove: text('sellerNextMove') ?? '',
    partnerNextMove: text('partnerNextMove') ?? '',
    partnerNextMoveDate: get('partnerNextMoveDate')?.selected_date ?? null,
    partnerAgreedInWriting: (get('partnerAgreedInWriting')?.selected_options ?? []).some(
      (option) => option.value === AGREED_IN_WRITING_OPTION,
    ),
    riskNote: text('riskNote'),
    evidenceUrl: text('evidenceUrl'),
    aeUserId: get('aeUserId')?.selected_user ?? '',
    ownerUserId: get('ownerUserId')?.selected_user ?? '',
    responseWindowDays: text('responseWindowDays') ?? '',
    partnerChannelId: get('partnerChannelId')?.selected_conversation ?? null,
  } as PacketInput;
}

/** Field errors keyed by the block that shows them inline. */
export function packetBlockErrors(errors: PacketErrors): Record<string, string> {
  return Object.fromEntries(
    (Object.entries(errors) as [PacketField, string][]).map(([field, message]) => [
      PACKET_BLOCK_ID[field],
      message,
    ]),
  );
}
