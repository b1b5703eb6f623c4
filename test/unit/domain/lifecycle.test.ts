import { describe, expect, it } from 'vitest';
import { describeStatus, HANDOFF_STATUSES, isOpenForDecision } from '../../../src/domain/lifecycle.js';

describe('lifecycle', () => {
  it('lets only a sent handoff be decided', () => {
    expect(HANDOFF_STATUSES.filter(isOpenForDecision)).toEqual(['sent']);
  });

  it('describes every status in words a user reads', () => {
    expect(describeStatus('sent')).toBe('waiting for the AE');
    expect(describeStatus('accepted')).toBe('accepted');
    expect(describeStatus('declined')).toBe('declined');
  });
});
