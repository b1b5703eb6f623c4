import { describe, expect, it } from 'vitest';
import { harnessPerTest } from '../support/harness.js';
import { people, TEAM } from '../support/people.js';
import { reviewPacket } from '../support/reviewFlow.js';
import { QUIET } from '../support/revopsFlow.js';

/**
 * Issue 31, items 7 and 8: the review says whose setting it is when no public holiday is skipped. An AE whose own
 * HOLIDAY_REGIONS entry is `U…=none` has none skipped by their setting, not the workspace's (the others keep theirs).
 */
const riley = {
  id: 'U0RILEY',
  team_id: TEAM,
  name: 'riley',
  real_name: 'Riley Ames',
  tz: 'America/New_York',
};

describe('the review says whose holiday setting it is', () => {
  const start = harnessPerTest();

  it("says it is that AE's own setting (U…=none), not the workspace's", async () => {
    // Monday 23 November 2026: a one-day window ends Tuesday, before Thanksgiving: nothing skipped either way.
    const h = await start({ env: { ...QUIET, HOLIDAY_REGIONS: `US,${riley.id}=none` } });
    h.slack.addUser(riley);
    const { text } = await reviewPacket(h, {
      aeUserId: riley.id,
      responseWindowDays: '1',
      accountName: 'Plain Freight',
      accountDomain: 'plainfreight.com',
    });
    expect(text).toContain(`No public holiday is skipped for <@${riley.id}> (set for them).`);
    expect(text).not.toContain('in this workspace');
  });

  it('still says "in this workspace" when HOLIDAY_REGIONS=none switches them off for everyone', async () => {
    const h = await start({ env: { ...QUIET, HOLIDAY_REGIONS: 'none' } });
    const { text } = await reviewPacket(h, {
      aeUserId: people.ae.id,
      responseWindowDays: '1',
      accountName: 'Plain Freight',
      accountDomain: 'plainfreight.com',
    });
    expect(text).toContain('Public holidays are not skipped in this workspace.');
    expect(text).not.toContain('(set for them)');
  });
});
