import { describe, expect, it } from 'vitest';
import { activityFor } from '../../../src/crm/delivery.js';
import { handoff, handoffEvent } from '../blocks/fixtures.js';

/** The touch log's expiry of handoff 1 (event 7), with `detail`. */
const expired = (detail: Record<string, unknown> | null) => handoffEvent({ id: 7, detail });

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

  it('writes more time given to the AE as a change of the deadline, with its days', () => {
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
