import { describe, expect, it } from 'vitest';
import { PACKET_BLOCK_ID, PACKET_FORM_BLOCK_ID, PACKET_POOL_BLOCK_ID } from '../../../src/blocks/ids.js';
import { SUMMARY_BLOCK, withErrorSummary } from '../../../src/blocks/packetErrors.js';
import { packetModal } from '../../../src/blocks/packetModal.js';

const b = PACKET_BLOCK_ID;

describe('the summary of a refused packet', () => {
  it('is shown on the first input of every packet form, new or edit', () => {
    expect(SUMMARY_BLOCK).toBe(b.accountName);
    for (const view of [
      packetModal({ authorUserId: 'U0A' }),
      packetModal({ authorUserId: 'U0A', pools: [{ id: 'emea', name: 'EMEA' }] }),
      packetModal({ authorUserId: 'U0A', edit: { handoffId: 4 } }),
    ]) {
      expect(view.blocks.find((block) => block.type === 'input')?.block_id).toBe(SUMMARY_BLOCK);
    }
  });

  it("names every other field to fix in the form's order, keeping each field's own message", () => {
    const errors = {
      [b.responseWindowDays]: 'The window is at most 10 business days.',
      [b.evidenceUrl]: 'Use a full link starting with https:// or http://.',
      [PACKET_FORM_BLOCK_ID.confirmations]: 'Tick it.',
      [b.aeUserId]: 'Please choose the account executive.',
    };
    expect(withErrorSummary(errors)).toEqual({
      ...errors,
      [b.accountName]:
        'Nothing to fix here. 4 fields to fix below: Evidence link, Account executive, Confirmed, AE response window (business days).',
    });
  });

  it("follows the first field's own message, names a pool, and adds nothing when only one field is wrong", () => {
    expect(
      withErrorSummary({
        [b.accountName]: 'Please add the account name.',
        [PACKET_POOL_BLOCK_ID]: 'No one.',
      }),
    ).toEqual({
      [b.accountName]: 'Please add the account name. Also 1 field to fix below: Or a pool (round robin).',
      [PACKET_POOL_BLOCK_ID]: 'No one.',
    });
    expect(withErrorSummary({ [b.accountName]: 'Please add the account name.' })).toEqual({
      [b.accountName]: 'Please add the account name.',
    });
    expect(withErrorSummary({ [b.evidenceUrl]: 'Use a full link.' })).toEqual({
      [b.evidenceUrl]: 'Use a full link.',
    });
    expect(withErrorSummary({})).toEqual({});
  });
});
