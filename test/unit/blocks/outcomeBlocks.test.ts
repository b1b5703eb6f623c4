import type { ActionsBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { lostModal, opportunityModal, outcomeNotice, stallNudge } from '../../../src/blocks/outcomes.js';
import { partnerThreadParent, partnerUpdate } from '../../../src/blocks/partnerUpdate.js';
import type { OutcomeReportRow, OutcomeRow } from '../../../src/db/schema.js';
import { OUTCOMES } from '../../../src/domain/outcomes.js';
import { partnerSafeUpdate } from '../../../src/domain/partnerSafe.js';
import { decision, fill, handoff, WORST_PATTERNS, worstHandoff } from './fixtures.js';
import { expectMentionsNeutralised, expectMessageWithinLimits, expectModalWithinLimits } from './limits.js';
import { aeOffer } from './offers.js';
import { everyInternalSurface, paramsOf, rendered, surfaceModel } from './surfaceModels.js';

/** The stall nudge's period: when the deal was last heard of. */
const since = new Date('2026-03-09T10:00:00Z');
const actionIds = (blocks: { type: string }[]) =>
  blocks
    .filter((b): b is ActionsBlock => b.type === 'actions')
    .flatMap((b) => b.elements.map((e) => ('action_id' in e ? e.action_id : '')));

/** What the AE recorded, or the owner or author reported, of the worst size: a loss with a long opportunity and note. */
const worstLoss = (pattern: string) => ({
  handoffId: 42,
  outcome: 'lost' as const,
  crmOpportunity: fill(pattern, 300),
  reasonCode: 'competitor',
  note: fill(pattern, 1000),
});
const step = (pattern: string, overrides: Partial<OutcomeRow> = {}): OutcomeRow => ({
  ...worstLoss(pattern),
  id: 1,
  recordedByUserId: 'U0AE',
  recordedAt: new Date('2026-03-10T10:00:00Z'),
  ...overrides,
});

/** A report of the worst size: what the owner or author wrote beside the step, waiting for the AE. */
const report = (pattern: string): OutcomeReportRow => ({
  ...worstLoss(pattern),
  id: 7,
  reportedByUserId: 'U0AUTHOR',
  reportedAt: new Date('2026-03-10T10:00:00Z'),
  status: 'pending',
  answeredByUserId: null,
  answeredAt: null,
});

describe('outcome messages for the largest packet', () => {
  for (const pattern of WORST_PATTERNS) {
    it(`stay within Slack's limits and keep typed mentions inert (${pattern})`, () => {
      const h = worstHandoff(pattern, { status: 'accepted', outcome: 'meeting_held' });
      // Every surface of the accepted deal (the outcome notice, the stall nudge, the packet, ...), every button
      // offered, as queued and after the deal moved on.
      const surfaces = everyInternalSurface(
        h,
        {
          decision: decision(),
          currentDecision: decision(),
          // The recorder's notice with its Undo (its reader is the recorder), and a report waiting for the AE.
          step: step(pattern, { recordedByUserId: h.aeUserId }),
          undo: { until: new Date('2026-03-10T10:01:00Z'), timeZone: h.aeTimeZone },
          report: report(pattern),
        },
        { outcome: 'lost', since: since.getTime(), at: since.getTime(), previousAe: 'U0OLDAE' },
      );
      expect(actionIds(surfaces.flatMap((s) => s.message.blocks))).toContain('handoff_outcome_lost');
      const messages = [
        outcomeNotice(h, step(pattern)),
        stallNudge(h, since),
        ...surfaces.map((s) => s.message),
        ...(['accepted', 'declined', 'considering', 'withdrawn', ...OUTCOMES] as const).flatMap((event) => {
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

  it('fills the Opportunity created modal with the record already linked, and leaves it empty otherwise', () => {
    const input = (h: ReturnType<typeof handoff>) =>
      (opportunityModal(h).blocks.find((b) => b.type === 'input') as { element: { initial_value?: string } })
        .element;
    expect(
      input(handoff({ status: 'accepted', crmSystem: 'salesforce', crmRecordId: '006Hs000000000DIAQ' })),
    ).toMatchObject({ initial_value: '006Hs000000000DIAQ' });
    expect(
      input(handoff({ status: 'accepted', crmSystem: null, crmRecordId: null })).initial_value,
    ).toBeUndefined();
  });

  it('tells the partner the partner-safe wording of a lost reason, the owner the label and the note', () => {
    const h = worstHandoff('a', { status: 'accepted' });
    const partner = JSON.stringify(partnerUpdate(partnerSafeUpdate(h, 'lost', null, 'competitor')));
    expect(partner).toContain('The customer chose another option.');
    expect(partner).not.toContain('Lost to a competitor');
    const notice = JSON.stringify(outcomeNotice(h, step('a', { note: 'Globex at 20% less' })));
    expect(notice).toContain('Lost to a competitor');
    expect(notice).toContain('Globex at 20% less');
  });

  it('asks the AE what happened since the period began, with the steps still open to them', () => {
    const h = handoff({ status: 'accepted', outcome: 'meeting_held' });
    const nudge = stallNudge(h, since);
    expect(JSON.stringify(nudge.blocks)).toContain(`<!date^${since.getTime() / 1000}^`);
    expect(actionIds(nudge.blocks)).toEqual([]);
    // Delivered as a surface: the buttons are the ones `can` offers its reader now.
    const surface = rendered(
      surfaceModel('stall_nudge', h, { params: paramsOf(h, { since: since.getTime() }), offer: aeOffer(h) }),
    );
    expect(surface.text).toBe(nudge.text);
    expect(actionIds(surface.blocks)).toEqual([
      'handoff_outcome_opportunity_created',
      'handoff_outcome_won',
      'handoff_outcome_lost',
    ]);
  });
});
