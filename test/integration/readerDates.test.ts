import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import {
  correctionsOf,
  handoffNamed,
  sendFromReview,
  submitForReview,
  unpasted,
} from '../support/attributionFlow.js';
import { lightning, salesforceApp, stopAll } from '../support/crmFlow.js';
import type { FakeSalesforce } from '../support/fakeSalesforce.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import { handoffRow, outboxDrained, QUIET } from '../support/ownerFlow.js';
import { accept, opportunitySubmission } from '../support/partnerFlow.js';
import { people, TEAM } from '../support/people.js';
import { reviewPacket, sendPacket } from '../support/reviewFlow.js';

/**
 * Issue 31, item 7: a date a person types or reads is a day in their own zone, not in UTC nor in another person's.
 * Pat (the author) is in New York and Jordan (the AE) in Berlin: Sunday 22 November 2026, 20:35 in New York is Monday
 * 01:35 UTC and 02:35 in Berlin.
 */
const SUNDAY_EVENING_NY = '2026-11-23T01:35:00Z';

/** An AE in New York (the Task's day is the AE's). */
const newYorkAe = {
  id: 'U0NYAE',
  team_id: TEAM,
  name: 'riley',
  real_name: 'Riley Ames',
  tz: 'America/New_York',
};

describe("dates in the reader's and the author's zone", () => {
  let h: Harness | undefined;
  let sf: FakeSalesforce | undefined;
  afterEach(async () => {
    await stopAll(h, sf);
    h = sf = undefined;
  });

  it("scores the partner's next move against the author's today: typed for Sunday on Sunday evening in New York, it has not passed", async () => {
    h = await startHarness({ env: QUIET, now: SUNDAY_EVENING_NY });
    const { text } = await reviewPacket(h, {
      partnerNextMoveDate: '2026-11-22',
      accountName: 'Evening Freight',
    });
    expect(text).not.toContain("the partner's next move date has passed");
    expect(text).not.toContain('the date of the next move has passed');
    expect(text).toContain('dated within two weeks and agreed in writing');
  });

  it("dates the Salesforce Task on the AE's day: sent Sunday 20:35 in New York is a Sunday Task", async () => {
    ({ sf, h } = await salesforceApp({ now: SUNDAY_EVENING_NY }));
    h.slack.addUser(newYorkAe);
    const opp = sf.addOpportunity({ name: 'Evening expansion', createdDate: '2026-11-01' });
    await sendPacket(h, {
      aeUserId: newYorkAe.id,
      crmOpportunity: lightning(opp),
      accountName: 'Evening Ltd',
    });
    const fake = sf;
    await waitFor(() => fake.tasks().some((t) => t.WhatId === opp), 8000, 'the Task for the send');
    expect(fake.tasks().find((t) => t.WhatId === opp)?.ActivityDate).toBe('2026-11-22');
  });

  it("shows the AE's return on their own calendar, said so: a status ending at midnight in Berlin (Tue evening in New York) reads Wed", async () => {
    h = await startHarness({ env: QUIET, now: '2026-11-30T14:00:00Z' });
    // Jordan (Berlin) is away until Wed 9 Dec: the status clears at their midnight, Tue 8 Dec 18:00 in New York,
    // where the author reads it (issue 50: it read "back Tue 8 Dec").
    h.slack.setStatus(people.ae.id, {
      text: 'Vacation',
      emoji: ':palm_tree:',
      expiration: new Date('2026-12-08T23:00:00Z'),
    });
    const { text, review } = await reviewPacket(h, { accountName: 'Away Freight' });
    expect(text).toContain('*Jordan Seller is away* (back Wed 9 Dec, their time)');
    expect(JSON.stringify(review.blocks)).toContain('Window from their return (Wed 9 Dec, their time)');
    expect(text).not.toContain('Tue 8 Dec');
  });

  it('does not reclassify from a UTC day when the first action is not kept and the author’s day would decide', async () => {
    ({ sf, h } = await salesforceApp({ now: SUNDAY_EVENING_NY }));
    const { view } = await submitForReview(h, unpasted('Boundary Care', 'boundarycare.example'));
    expect(await sendFromReview(h, view)).toEqual({ response_action: 'clear' });
    const handoff = await handoffNamed(h, 'Boundary Care');
    if (!handoff) throw new Error('not sent');
    expect(handoff).toMatchObject({ classification: 'partner_sourced', partnerTouchOn: '2026-11-22' });
    // A handoff of before the first action was kept: only the moment of sending is known (Sunday in New York,
    // Monday in UTC), not the author's zone.
    await h.database.db.transaction(
      async (tx) =>
        await tx
          .update(tablesOf(tx).handoffs)
          .set({ partnerTouchOn: null })
          .where(eq(tablesOf(tx).handoffs.id, handoff.id)),
    );
    await accept(h, handoff.id);
    // Created on Monday: after Sunday (sourced), but on the UTC day of sending (influenced, by the old fallback).
    const monday = sf.addOpportunity({ name: 'Boundary suite', createdDate: '2026-11-23' });
    const linked = await h.interact(opportunitySubmission({ handoffId: handoff.id, crm: lightning(monday) }));
    expect(linked.status).toBe(200);
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      classification: 'partner_sourced',
      classifiedLink: `salesforce:${monday}`,
    });
    expect(await correctionsOf(h, handoff.id)).toEqual([]);
    await outboxDrained(h);
  });
});
