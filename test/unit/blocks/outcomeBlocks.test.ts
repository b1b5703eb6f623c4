import { describe, expect, it } from 'vitest';
import { lostModal, opportunityModal, outcomeNotice, stallNudge } from '../../../src/blocks/outcomes.js';
import { partnerThreadParent, partnerUpdate } from '../../../src/blocks/partnerUpdate.js';
import type { OutcomeRow } from '../../../src/db/schema.js';
import { partnerSafeUpdate } from '../../../src/domain/partnerSafe.js';
import { fill, WORST_PATTERNS, worstHandoff } from './fixtures.js';
import { expectMentionsNeutralised, expectMessageWithinLimits, expectModalWithinLimits } from './limits.js';

const step = (pattern: string, overrides: Partial<OutcomeRow> = {}): OutcomeRow => ({
  id: 1,
  handoffId: 42,
  outcome: 'lost',
  crmOpportunity: fill(pattern, 300),
  reasonCode: 'competitor',
  note: fill(pattern, 1000),
  recordedByUserId: 'U0AE',
  recordedAt: new Date('2026-03-10T10:00:00Z'),
  ...overrides,
});

describe('outcome messages for the largest packet', () => {
  for (const pattern of WORST_PATTERNS) {
    it(`stay within Slack's limits and keep typed mentions inert (${pattern})`, () => {
      const h = worstHandoff(pattern, { status: 'accepted', outcome: 'meeting_held' });
      const messages = [
        outcomeNotice(h, step(pattern)),
        stallNudge(h),
        ...(
          [
            'accepted',
            'declined',
            'reassigned',
            'withdrawn',
            'meeting_held',
            'opportunity_created',
            'won',
            'lost',
          ] as const
        ).flatMap((event) => {
          const update = partnerSafeUpdate(h, event, 'timing', 'competitor');
          return [partnerUpdate(update), partnerThreadParent(update)];
        }),
      ];
      for (const message of messages) expectMessageWithinLimits(message);
      if (pattern === '<!channel>') for (const message of messages) expectMentionsNeutralised(message);
      expectModalWithinLimits(lostModal(h));
      expectModalWithinLimits(opportunityModal(h));
    });
  }

  it('tells the partner the partner-safe wording of a lost reason, the owner the label and the note', () => {
    const h = worstHandoff('a', { status: 'accepted' });
    const partner = JSON.stringify(partnerUpdate(partnerSafeUpdate(h, 'lost', null, 'competitor')));
    expect(partner).toContain('The customer chose another option.');
    expect(partner).not.toContain('Lost to a competitor');
    const notice = JSON.stringify(outcomeNotice(h, step('a', { note: 'Globex at 20% less' })));
    expect(notice).toContain('Lost to a competitor');
    expect(notice).toContain('Globex at 20% less');
  });
});
