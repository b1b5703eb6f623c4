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

  it('says what the partner reads for the reason picked, nothing, or that there is no channel to read it in', () => {
    const previewOf = (view: ReturnType<typeof declineModal>) =>
      JSON.stringify(view.blocks.find((b) => b.block_id === DECLINE_BLOCK_ID.preview));
    const picked = { reason: 'timing' as const, note: 'internal', partnerWords: 'line one\nline two' };
    const shown = declineModal(handoff({ partnerChannelId: 'C0PARTNER' }), { picked });
    expect(previewOf(shown)).toContain('>line one\\n>line two');
    expect(previewOf(shown)).not.toContain('internal');
    const told = declineModal(handoff({ partnerChannelId: 'C0PARTNER' }), {
      picked: { ...picked, partnerWords: null },
    });
    expect(previewOf(told)).toContain('reads nothing new: they were already told it is not taken forward');
    // With the worst fields, a picked reason still fits Slack's limits.
    for (const pattern of WORST_PATTERNS)
      expectModalWithinLimits(
        declineModal(worstHandoff(pattern), { picked: { ...picked, note: 'x'.repeat(2000) } }),
      );
    const noChannel = declineModal(handoff({ partnerChannelId: null }), { picked });
    expect(previewOf(noChannel)).toContain('No partner channel');
    expect(previewOf(noChannel)).not.toContain('line one');
  });
});
