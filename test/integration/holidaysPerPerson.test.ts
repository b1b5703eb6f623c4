import { describe, expect, it } from 'vitest';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest } from '../support/harness.js';
import { DUE, expire, handoffRow, reassignTo } from '../support/ownerFlow.js';
import { people, TEAM } from '../support/people.js';
import { lastHandoff, reviewPacket, sendReview } from '../support/reviewFlow.js';
import { QUIET } from '../support/revopsFlow.js';

/**
 * Issue 31, item 8: HOLIDAY_REGIONS may give one person their own public holidays (`U…=DE-BY`), whatever their time
 * zone's country (or the deployment's list) says; everyone else keeps theirs.
 */

/** Two AEs in New York: by zone, both get US holidays. Riley works to Bavaria's calendar (HOLIDAY_REGIONS). */
const riley = {
  id: 'U0RILEY',
  team_id: TEAM,
  name: 'riley',
  real_name: 'Riley Ames',
  tz: 'America/New_York',
};
const casey = { ...riley, id: 'U0CASEY', name: 'casey', real_name: 'Casey Rowe' };

/** Reviews a 1-business-day packet to `aeUserId` for `account` Freight and sends it: the review's text, the due time. */
async function sendOneDay(
  h: Harness,
  aeUserId: string,
  account: string,
  extra: { partnerNextMoveDate?: string } = {},
) {
  const domain = `${account.toLowerCase()}freight.com`;
  const values = {
    aeUserId,
    responseWindowDays: '1',
    accountName: `${account} Freight`,
    accountDomain: domain,
  };
  const { text, review, draftId } = await reviewPacket(h, { ...values, ...extra });
  expect(await sendReview(h, draftId, { review })).toEqual({ response_action: 'clear' });
  return { text, due: (await lastHandoff(h)).dueAt.toISOString() };
}

describe("a person's own holiday regions", () => {
  const start = harnessPerTest();

  it("skip that person's region's holidays and not their zone's; others in the zone keep their country's", async () => {
    // Wednesday 25 November 2026, 10:00 in New York.
    const h = await start({
      env: { ...QUIET, HOLIDAY_REGIONS: `${riley.id}=DE-BY` },
      now: '2026-11-25T15:00:00Z',
    });
    h.slack.addUser(riley);
    h.slack.addUser(casey);

    // Riley: Thanksgiving is not a holiday in Bavaria, so 1 business day is Thursday.
    const toRiley = await sendOneDay(h, riley.id, 'Bavarian');
    expect(toRiley.text).toContain(
      "if sent now (1 business day in Riley Ames's calendar). Public holidays (DE-BY) are skipped like weekends.",
    );
    expect(toRiley.text).not.toContain('Thanksgiving');
    expect(toRiley.due).toBe('2026-11-26T15:00:00.000Z');
    // Casey, same zone, no entry: the US's, by zone.
    const toCasey = await sendOneDay(h, casey.id, 'Harvest');
    expect(toCasey.text).toContain('Thu 26 Nov is Thanksgiving Day (US): not counted.');
    expect(toCasey.due).toBe('2026-11-27T15:00:00.000Z');
    // Tuesday 5 January 2027, 10:00 in New York: Epiphany (Wed 6 Jan) is Riley's holiday, not the US's.
    h.clock.set(new Date('2027-01-05T15:00:00Z'));
    const epiphany = await sendOneDay(h, riley.id, 'Kings', { partnerNextMoveDate: '2027-01-20' });
    expect(epiphany.text).toContain('Wed 6 Jan is Epiphany (DE-BY): not counted.');
    expect(epiphany.due).toBe('2027-01-07T15:00:00.000Z');
  });

  it('an entry for one person wins over the list for everyone (HOLIDAY_REGIONS=US,U…=none)', async () => {
    const h = await start({
      env: { ...QUIET, HOLIDAY_REGIONS: `US,${riley.id}=none` },
      now: '2026-11-25T15:00:00Z',
    });
    h.slack.addUser(riley);
    const { text, due } = await sendOneDay(h, riley.id, 'Plain');
    expect(text).not.toContain('Thanksgiving');
    expect(due).toBe('2026-11-26T15:00:00.000Z');
  });

  it("plans a reassigned window in the new AE's own regions", async () => {
    // Sam is in Los Angeles (US by zone) and works to England's calendar: Thanksgiving counts for him.
    const h = await start({ env: { ...QUIET, HOLIDAY_REGIONS: `${people.otherAe.id}=GB-ENG` } });
    const { handoff } = await sendHandoff(h);
    expect(handoff.dueAt.toISOString()).toBe(DUE);
    await expire(h, handoff);
    expect(await reassignTo(h, handoff.id, people.otherAe.id, '3')).toEqual({});
    // Thursday 26 November 06:00 in Los Angeles: the window opens at 09:00 that day (by zone it would open Friday, after
    // Thanksgiving, and be due Wed 2 Dec); Thu, Fri, Mon → Tue 1 Dec 09:00 PST.
    const stored = await handoffRow(h, handoff.id);
    expect(stored.aeUserId).toBe(people.otherAe.id);
    expect(stored.dueAt.toISOString()).toBe('2026-12-01T17:00:00.000Z');
  });
});
