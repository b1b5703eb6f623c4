import type { InputBlock } from '@slack/types';
import { PACKET_FIELDS } from '../domain/packet.js';
import { packetModal } from './packetModal.js';

/**
 * The summary of a refused packet. Slack's `response_action: 'errors'` shows a message under an
 * input block and cannot add a block, so the summary is the message of the modal's first input (the account, at the
 * top of every packet form, new or edit): it names, in the form's order, every other field to fix. The fields keep
 * their own messages. One wrong field has its message alone (Slack shows it where it is); a summary is added when two
 * or more are wrong.
 */

/** Every input the packet form can show, in its order, with the name the summary gives it. */
const INPUTS: readonly { blockId: string; label: string }[] = (() => {
  // A pool and the attribution dates drawn too, so every input that can carry an error is named.
  const view = packetModal({
    authorUserId: 'U0SUMMARY',
    pools: [{ id: 'pool', name: 'Pool' }],
    prefill: { crmOpportunity: 'x', opportunityCreatedOn: '2020-01-01', partnerTouchOn: '2020-01-01' },
  });
  const byBlock = new Map<string, string>(
    Object.values(PACKET_FIELDS).map((f) => [f.blockId, labelOf(f.form)]),
  );
  return view.blocks
    .filter((block): block is InputBlock => block.type === 'input')
    .map((block) => ({
      blockId: String(block.block_id),
      label: byBlock.get(String(block.block_id)) || block.label.text,
    }));
})();

function labelOf(form: object): string {
  return 'label' in form && typeof form.label === 'string' ? form.label : '';
}

/** The first input of the packet form: where the summary is shown. */
export const SUMMARY_BLOCK = INPUTS[0]?.blockId ?? '';

/**
 * The errors keyed by block, with the summary on the form's first input: after that field's own message, if it has
 * one ("Also fix below: …"), or alone ("Nothing to fix here. Fix below: …").
 */
export function withErrorSummary(errors: Record<string, string>): Record<string, string> {
  const below = INPUTS.filter(({ blockId }) => blockId !== SUMMARY_BLOCK && blockId in errors);
  // Errors on blocks the form does not show (none today) are named by their block, so none goes unmentioned.
  const known = new Set(INPUTS.map(({ blockId }) => blockId));
  const names = [
    ...below.map(({ label }) => label),
    ...Object.keys(errors).filter((blockId) => !known.has(blockId)),
  ];
  if (names.length === 0 || Object.keys(errors).length < 2) return errors;
  const list = `${names.length === 1 ? '1 field' : `${names.length} fields`} to fix below: ${names.join(', ')}.`;
  const own = errors[SUMMARY_BLOCK];
  return {
    ...errors,
    [SUMMARY_BLOCK]: own ? `${own} Also ${list}` : `Nothing to fix here. ${list}`,
  };
}
