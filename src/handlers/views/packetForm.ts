import type { ViewStateValue } from '@slack/bolt';
import { ACTION_ID, PACKET_FORM_BLOCK_ID } from '../../blocks/ids.js';
import {
  FIELD_NAMES,
  FLAG_FIELDS,
  fieldRecord,
  isPacketField,
  PACKET_FIELDS,
  type PacketErrors,
  type PacketField,
  splitAccount,
  splitContact,
} from '../../domain/packet.js';
import type { InputKind, JoiningField } from '../../domain/packetRules.js';

type StateValues = Record<string, Record<string, ViewStateValue>>;

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

/** What an input of each kind holds (the flags are read from the checkbox group). */
const READ: Record<Exclude<InputKind, 'flag'>, (state: ViewStateValue | undefined) => unknown> = {
  text: (state) => state?.value,
  link: (state) => state?.value,
  number: (state) => state?.value,
  date: (state) => state?.selected_date,
  user: (state) => state?.selected_user,
  channel: (state) => state?.selected_conversation,
};

/** Inputs that hold two fields, split into the field and the one asked within it (domain/packet.ts). */
const SPLIT: Record<JoiningField, (value: unknown) => [whole: unknown, part: unknown]> = {
  accountName: (value) => {
    const { name, domain } = splitAccount(value);
    return [name, domain];
  },
  partnerContactName: (value) => {
    const { name, role } = splitContact(value);
    return [name, role];
  },
};

/**
 * An input's state: under its action id, or `value~N` once a suggestion replaced its value (packetSuggestions.ts:
 * a new action id is how Slack is told to show the new value).
 */
function stateOf(values: StateValues, field: PacketField): ViewStateValue | undefined {
  const block = values[PACKET_FIELDS[field].blockId];
  if (!block) return undefined;
  return (
    block[ACTION_ID.value] ?? Object.entries(block).find(([id]) => id.startsWith(`${ACTION_ID.value}~`))?.[1]
  );
}

/** Empty: '' for a required field (the schema says it is missing), null for an optional one. */
const emptyOf = (field: PacketField) => (PACKET_FIELDS[field].rule.required ? '' : null);

/** Every block a flag may be ticked in: the "Confirmed" group, and each flag's own block of the older form. */
const FLAG_BLOCKS = [PACKET_FORM_BLOCK_ID.confirmations, ...FLAG_FIELDS.map((f) => PACKET_FIELDS[f].blockId)];

function readField(values: StateValues, field: PacketField): unknown {
  const spec = PACKET_FIELDS[field];
  if (spec.rule.input === 'flag') {
    const option = 'option' in spec.form ? spec.form.option : undefined;
    return FLAG_BLOCKS.some((blockId) =>
      tickedValues(values[blockId]?.[ACTION_ID.value]).includes(option ?? ''),
    );
  }
  return READ[spec.rule.input](stateOf(values, field)) ?? emptyOf(field);
}

/**
 * Reads the packet modal's state into raw packet input, every field of the registry by its kind; validation happens
 * in the domain.
 *
 * The modal asks for some fields together (packetModal.ts): the account with its domain in brackets, the contact with
 * their role after a comma, and one checkbox group for the confirmations. The separate inputs of the older form
 * (account_domain, partner_contact_role, on_priority_list, partner_agreed_in_writing) are still read: when one is
 * there, its field is taken from it and the combined input is read as a single field.
 */
export function readPacketForm(values: StateValues): Record<PacketField, unknown> {
  const input = fieldRecord(FIELD_NAMES, (field) => readField(values, field));
  for (const field of FIELD_NAMES) {
    const { form } = PACKET_FIELDS[field];
    // Asked within another input, unless the older form's own input for it is there.
    if (!('within' in form) || stateOf(values, field) !== undefined) continue;
    const [whole, part] = SPLIT[form.within](stateOf(values, form.within)?.value ?? null);
    input[form.within] = whole ?? emptyOf(form.within);
    input[field] = part;
  }
  return input;
}

/**
 * The block that shows a field's error in the packet modal. Fields asked together share a block; the attribution
 * dates have blocks of their own only when the modal shows them (an edit of a packet that had them), which is the
 * only time they can be wrong.
 */
export const PACKET_ERROR_BLOCK: Record<PacketField, string> = fieldRecord(FIELD_NAMES, (field) => {
  const { form, rule, blockId } = PACKET_FIELDS[field];
  if ('within' in form) return PACKET_FIELDS[form.within].blockId;
  return rule.input === 'flag' ? PACKET_FORM_BLOCK_ID.confirmations : blockId;
});

/** Field errors keyed by the block that shows them inline (the first message when two fields share a block). */
export function packetBlockErrors(errors: PacketErrors): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const block = isPacketField(field) ? PACKET_ERROR_BLOCK[field] : undefined;
    if (message && block && !(block in out)) out[block] = message;
  }
  return out;
}
