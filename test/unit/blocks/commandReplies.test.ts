import { describe, expect, it } from 'vitest';
import { editRefusal } from '../../../src/blocks/commandReplies.js';
import { editRefusedText } from '../../../src/blocks/packetReplies.js';
import { handoff } from './fixtures.js';

const NOTE = 'To tell the AE something, use “Note to the AE” on it in your App Home.';

describe('an edit refused after the AE’s answer points at the note the App Home offers', () => {
  for (const status of ['accepted', 'declined'] as const) {
    it(`${status}: Edit's reply and the edit modal's error both name “Note to the AE”`, () => {
      const h = handoff({ id: 7, status, aeUserId: 'U0SAM' });
      const reply = editRefusal({ kind: 'refused', verdict: 'not_now', handoff: h }, 7);
      expect(reply).toBe(
        `Handoff #7 is already ${status} by <@U0SAM>, so the packet can no longer be edited. ${NOTE}`,
      );
      expect(editRefusedText({ kind: 'refused', verdict: 'not_now', handoff: h })).toContain(NOTE);
    });
  }

  it('withdrawn: no note can be written, so none is offered', () => {
    const h = handoff({ id: 7, status: 'withdrawn', aeUserId: 'U0SAM' });
    const reply = editRefusal({ kind: 'refused', verdict: 'not_now', handoff: h }, 7);
    expect(reply).toBe('Handoff #7 is already withdrawn, so the packet can no longer be edited.');
    expect(editRefusedText({ kind: 'refused', verdict: 'not_now', handoff: h })).not.toContain(
      'Note to the AE',
    );
  });
});
