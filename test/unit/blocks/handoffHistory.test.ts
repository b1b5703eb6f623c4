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
});
