import { describe, expect, it } from 'vitest';
import { activityFor } from '../../../src/crm/delivery.js';
import type { HandoffEventRow } from '../../../src/db/schema.js';
import { handoff } from '../blocks/fixtures.js';

const expired = (detail: Record<string, unknown> | null): HandoffEventRow => ({
  id: 7,
  handoffId: 1,
  type: 'expired',
  fromStatus: 'sent',
  toStatus: 'expired',
  actorUserId: null,
  actorTeamId: null,
  aeUserId: handoff().aeUserId,
  assignment: 1,
  cycle: 1,
  at: new Date('2026-11-26T17:00:00Z'),
  businessHours: null,
  detail,
});

/** The CRM activity says what Slack, `/handoff view`, the CSV and the metrics say of the same expiry. */
describe('activityFor', () => {
  it('tells an expiry while the AE was away from their silence', () => {
    const h = handoff();
    const away = activityFor(expired({ away: ':palm_tree: Vacation' }), h, 'Meridian');
    expect(away.lines.join('\n')).toContain(
      `Status: expired while ${h.aeName} was away (not counted as silence)`,
    );
    expect(activityFor(expired(null), h, 'Meridian').lines.join('\n')).toContain(
      `Status: expired: ${h.aeName} did not answer in time`,
    );
  });

  it('writes more time given to the AE (issue 51) as a change of the deadline, with its days', () => {
    const h = handoff();
    const given = activityFor(
      { ...expired({ days: 2 }), type: 'more_time_granted', toStatus: 'sent', actorUserId: 'U0OWNER' },
      h,
      'Meridian',
    );
    expect(given.subject).toBe(`Co-sell handoff #${h.id} more time given to ${h.aeName}`);
    expect(given.lines).toContain('Extended by 2 business days');
  });
});
