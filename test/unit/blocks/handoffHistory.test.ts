import { describe, expect, it } from 'vitest';
import { historyLine } from '../../../src/blocks/handoffList.js';
import type { HandoffEventRow } from '../../../src/db/schema.js';

const event = (over: Partial<HandoffEventRow>): HandoffEventRow => ({
  id: 1,
  handoffId: 1,
  type: 'expired',
  fromStatus: 'sent',
  toStatus: 'expired',
  actorUserId: null,
  actorTeamId: null,
  aeUserId: 'U0AE',
  assignment: 1,
  cycle: 1,
  at: new Date('2026-11-26T17:00:00Z'),
  businessHours: null,
  detail: null,
  ...over,
});

/** `/handoff view`'s history says what Slack, the metrics and the CSV say. */
describe('historyLine', () => {
  it('tells an expiry while the AE was away from their silence', () => {
    expect(historyLine(event({ detail: { away: ':palm_tree: Vacation' } }))).toContain(
      'Expired while <@U0AE> was away (not counted as silence)',
    );
    expect(historyLine(event({}))).toContain('Expired: no answer from <@U0AE>');
  });

  it('says an escalation in words, never its id "escalated" (issue 50 item 20)', () => {
    const escalated = (detail: Record<string, unknown>) =>
      historyLine(event({ type: 'escalated', fromStatus: 'sent', toStatus: 'sent', detail }));
    expect(escalated({ policy: 'meridian', policyLevel: 2, to: ['C0INTERNAL', 'U0MANAGER'] })).toContain(
      'Escalation policy (step 2): <#C0INTERNAL>, <@U0MANAGER> told',
    );
    expect(escalated({ away: ':palm_tree: Vacation' })).toContain('<@U0AE> was away: the owner was told');
    expect(escalated({ policy: 'meridian', policyLevel: 3 })).toContain(
      'Escalation policy (step 3): the owner was told',
    );
    for (const detail of [{}, { policy: 'meridian' }])
      expect(escalated(detail)).not.toMatch(/escalated|meridian/);
  });
});
