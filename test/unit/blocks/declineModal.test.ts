import type { InputBlock, StaticSelect } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { declineModal } from '../../../src/blocks/declineModal.js';
import { CALLBACK_ID, DECLINE_BLOCK_ID } from '../../../src/blocks/ids.js';
import { DECLINE_NOTE_MAX, DECLINE_REASON_CODES } from '../../../src/domain/decline.js';
import { handoff, WORST_PATTERNS, worstHandoff } from './fixtures.js';
import { expectModalWithinLimits } from './limits.js';

const input = (view: ReturnType<typeof declineModal>, blockId: string) =>
  view.blocks.find((b): b is InputBlock => b.type === 'input' && b.block_id === blockId);

describe('declineModal', () => {
  it.each(WORST_PATTERNS)('stays within modal limits with %j fields at their maximum', (pattern) => {
    const view = declineModal(worstHandoff(pattern));
    expectModalWithinLimits(view);
    expect(JSON.stringify(view)).not.toContain('<!channel>');
  });

  it('carries the handoff id and offers every coded reason', () => {
    const view = declineModal(handoff({ id: 314 }));
    expect(view.callback_id).toBe(CALLBACK_ID.decline);
    expect(JSON.parse(view.private_metadata ?? '{}')).toEqual({ handoffId: 314 });
    const select = input(view, DECLINE_BLOCK_ID.reason)?.element as StaticSelect;
    expect(select.options?.map((o) => o.value)).toEqual(DECLINE_REASON_CODES);
  });

  it('makes the internal note optional and capped at DECLINE_NOTE_MAX', () => {
    const note = input(declineModal(handoff()), DECLINE_BLOCK_ID.note);
    expect(note?.optional).toBe(true);
    expect(note?.element).toMatchObject({ type: 'plain_text_input', max_length: DECLINE_NOTE_MAX });
  });
});
