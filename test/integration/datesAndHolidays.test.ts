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
import { validateView } from '../support/fakeSlack.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, waitFor } from '../support/harness.js';
import { DUE, expire, handoffRow, outboxDrained, reassignTo } from '../support/ownerFlow.js';
import { accept, opportunitySubmission } from '../support/partnerFlow.js';
import { confirmationsOn, reviewSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';
import { lastHandoff, reviewPacket, sendPacket, sendReview } from '../support/reviewFlow.js';
import { QUIET } from '../support/revopsFlow.js';

/**
 * A date a person types or reads is a day in their own zone, not in UTC nor in another person's: the partner's first
 * action defaults to the author's today, the Salesforce Task is dated on the AE's day, an away AE's return is their
 * day, `/handoff export` with no dates is the last 90 days in the reader's zone. Each AE's public holidays are skipped
 * by default, from their Slack time zone's country. HOLIDAY_REGIONS may give one person their own (`U…=DE-BY`, or
 * `U…=none`), whatever their zone's country or the deployment's list says; everyone else keeps theirs.
 */

/** AEs in New York: by zone, their public holidays are the US's. */
const riley = {
  id: 'U0RILEY',
  team_id: TEAM,
  name: 'riley',
  real_name: 'Riley Ames',
  tz: 'America/New_York',
};
const casey = { ...riley, id: 'U0CASEY', name: 'casey', real_name: 'Casey Rowe' };
/** Wednesday 25 November 2026, 10:00 in New York: Thursday is Thanksgiving. */
const WEDNESDAY_NY = '2026-11-25T15:00:00Z';
/** Sunday 22 November 2026, 20:35 in New York (the author's zone): Monday 01:35 UTC. */
const SUNDAY_EVENING_NY = '2026-11-23T01:35:00Z';

/** Reviews a 1-business-day packet to `aeUserId` for `account` Freight and sends it: the review's text, the due time. */
async function sendOneDay(
  h: Harness,
  aeUserId: string,
  account: string,
  extra: { partnerNextMoveDate?: string } = {},
) {
  const values = {
    aeUserId,
    responseWindowDays: '1',
    accountName: `${account} Freight`,
    accountDomain: `${account.toLowerCase()}freight.com`,
  };
  const { text, review, draftId } = await reviewPacket(h, { ...values, ...extra });
  expect(await sendReview(h, draftId, { review })).toEqual({ response_action: 'clear' });
  return { text, due: (await lastHandoff(h)).dueAt.toISOString() };
}

const start = harnessPerTest();

describe('dates and holidays by default', () => {
  it('a 1-day handoff to a New York AE on Wed 25 Nov 2026 is due Fri 27 Nov, and the review says why; a zone of no country skips none', async () => {
    const h = await start({ env: QUIET, now: WEDNESDAY_NY });
    h.slack.addUser(riley);

    const { review, draftId, text } = await reviewPacket(h, {
      aeUserId: riley.id,
      responseWindowDays: '1',
      accountName: 'Thanksgiving Freight',
    });
    expect(text).toContain(
      "if sent now (1 business day in Riley Ames's calendar). Thu 26 Nov is Thanksgiving Day (US): not counted.",
    );
    expect(text).toMatch(/Answer due <!date\^\d+\^[^|]*\|Fri 27 Nov 2026, 10:00 EST>/);
    expect(validateView(review, ['modal'])?.messages ?? []).toEqual([]);

    expect(await sendReview(h, draftId, { review })).toEqual({ response_action: 'clear' });
    const handoff = await lastHandoff(h);
    expect(handoff.aeTimeZone).toBe('America/New_York');
    // Friday 10:00 in New York: Thanksgiving is not a business day.
    expect(handoff.dueAt.toISOString()).toBe('2026-11-27T15:00:00.000Z');
    // Says in the review when no public holiday is skipped for the AE (a zone of no country).
    h.slack.addUser({ ...riley, id: 'U0UTCAE', real_name: 'Uma Tee', tz: 'UTC' });
    const utc = await reviewPacket(h, { aeUserId: 'U0UTCAE', responseWindowDays: '1' });
    expect(utc.text).toContain(
      "No public holidays are skipped for Uma Tee: no country's are known for their time zone (UTC).",
    );
  });

  it('HOLIDAY_REGIONS=none turns the default off, and the review says so: "in this workspace"', async () => {
    const h = await start({ env: { ...QUIET, HOLIDAY_REGIONS: 'none' }, now: WEDNESDAY_NY });
    h.slack.addUser(riley);
    const { text } = await reviewPacket(h, { aeUserId: riley.id, responseWindowDays: '1' });
    expect(text).toContain('Public holidays are not skipped in this workspace.');
    expect(text).not.toContain('(set for them)');
    const handoff = await sendPacket(h, { aeUserId: riley.id, responseWindowDays: '1' });
    expect(handoff.dueAt.toISOString()).toBe('2026-11-26T15:00:00.000Z');
  });

  it("shows the AE's return on their own calendar, said so: a status ending at midnight in Berlin (Tue evening in New York) reads Wed", async () => {
    const h = await start({ env: QUIET, now: '2026-11-30T14:00:00Z' });
    // Jordan (Berlin) is away until Wed 9 Dec: the status clears at their midnight, Tue 8 Dec 18:00 in New York.
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

  it("the author's today: sent Sunday 20:35 in New York, a next move typed for Sunday has not passed, and the partner's first action defaults to Sunday", async () => {
    const h = await start({ env: QUIET, now: SUNDAY_EVENING_NY });
    const scored = await reviewPacket(h, {
      partnerNextMoveDate: '2026-11-22',
      accountName: 'Next Move Freight',
    });
    expect(scored.text).not.toContain("the partner's next move date has passed");
    expect(scored.text).not.toContain('the date of the next move has passed');
    expect(scored.text).toContain('dated within two weeks and agreed in writing');

    // The opportunity was opened on Monday, after the partner acted on Sunday: partner-sourced.
    const handoff = await sendPacket(h, { partnerTouchOn: null, opportunityCreatedOn: '2026-11-23' });
    expect(handoff).toMatchObject({ partnerTouchOn: '2026-11-22', classification: 'partner_sourced' });

    // The same when the review asked for the dates: the first action is left empty there.
    const { review, draftId } = await reviewPacket(h, {
      partnerTouchOn: null,
      opportunityCreatedOn: null,
      accountName: 'Evening Freight',
      accountDomain: 'eveningfreight.com',
    });
    const first = await h.interact(
      reviewSubmission({
        draftId,
        confirm: confirmationsOn(review),
        details: { opportunityCreatedOn: '2026-11-23', partnerTouchOn: null },
      }),
    );
    expect(first.status).toBe(200);
    // The dates change the class (sourced): the review is shown again, then sent.
    if (((await first.json()) as { response_action?: string }).response_action !== 'clear') {
      expect(await sendReview(h, draftId, { review })).toEqual({ response_action: 'clear' });
    }
    expect(await lastHandoff(h)).toMatchObject({
      accountName: 'Evening Freight',
      partnerTouchOn: '2026-11-22',
      classification: 'partner_sourced',
    });
  });
});

describe("a person's own holiday regions (HOLIDAY_REGIONS U…=…)", () => {
  it("skip that person's region's holidays and not their zone's, also in a reassigned window; others keep their country's", async () => {
    // Sam is in Los Angeles (US by zone) and works to England's calendar: Thanksgiving counts for him.
    const h = await start({
      env: { ...QUIET, HOLIDAY_REGIONS: `${riley.id}=DE-BY,${people.otherAe.id}=GB-ENG` },
    });
    h.slack.addUser(riley);
    h.slack.addUser(casey);
    const { handoff } = await sendHandoff(h);
    expect(handoff.dueAt.toISOString()).toBe(DUE);
    await expire(h, handoff);
    expect(await reassignTo(h, handoff.id, people.otherAe.id, '3')).toEqual({});
    // Thursday 26 November 06:00 in Los Angeles: the window opens at 09:00 that day (by zone it would open Friday, after
    // Thanksgiving, and be due Wed 2 Dec); Thu, Fri, Mon → Tue 1 Dec 09:00 PST.
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      aeUserId: people.otherAe.id,
      dueAt: new Date('2026-12-01T17:00:00.000Z'),
    });

    // Riley: Thanksgiving is not a holiday in Bavaria, so 1 business day from Wednesday is Thursday.
    h.clock.set(WEDNESDAY_NY);
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

  it('an entry for one person wins over the list for everyone (HOLIDAY_REGIONS=US,U…=none), and the review says it is theirs', async () => {
    const h = await start({ env: { ...QUIET, HOLIDAY_REGIONS: `US,${riley.id}=none` }, now: WEDNESDAY_NY });
    h.slack.addUser(riley);
    h.slack.addUser(casey);
    const { text, due } = await sendOneDay(h, riley.id, 'Plain');
    expect(text).toContain(`No public holiday is skipped for <@${riley.id}> (set for them).`);
    expect(text).not.toContain('in this workspace');
    expect(text).not.toContain('Thanksgiving');
    expect(due).toBe('2026-11-26T15:00:00.000Z');
    // Everyone else: the list's (US) public holidays are counted in their window.
    expect((await sendOneDay(h, casey.id, 'Listed')).due).toBe('2026-11-27T15:00:00.000Z');
  });
});

describe("the CRM's day", () => {
  let h: Harness | undefined;
  let sf: FakeSalesforce | undefined;
  afterEach(async () => {
    await stopAll(h, sf);
    h = sf = undefined;
  });

  it("on Sunday 20:35 in New York: the Salesforce Task is the AE's Sunday; a first action not kept is not reclassified from the UTC day", async () => {
    ({ sf, h } = await salesforceApp({ now: SUNDAY_EVENING_NY }));
    const fake = sf;
    h.slack.addUser(riley);
    const opp = sf.addOpportunity({ name: 'Evening expansion', createdDate: '2026-11-01' });
    await sendPacket(h, {
      aeUserId: riley.id,
      crmOpportunity: lightning(opp),
      accountName: 'Evening Ltd',
    });
    await waitFor(() => fake.tasks().some((t) => t.WhatId === opp), 8000, 'the Task for the send');
    expect(fake.tasks().find((t) => t.WhatId === opp)?.ActivityDate).toBe('2026-11-22');

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
    const monday = fake.addOpportunity({ name: 'Boundary suite', createdDate: '2026-11-23' });
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

describe('/handoff export with no dates', () => {
  it("is the last 90 days in the reader's time zone, and says so", async () => {
    // RevOps here is Pat, in New York.
    const env = { ...QUIET, REVOPS_USER_IDS: people.author.id };
    const h = await start({ env, now: '2026-08-24T14:00:00Z' });
    const august = {
      opportunityCreatedOn: '2026-07-01',
      partnerTouchOn: '2026-07-10',
      partnerNextMoveDate: '2026-09-01',
    };
    await sendPacket(h, { ...august, accountName: 'August Freight', accountDomain: 'augustfreight.com' });
    h.clock.set(new Date('2026-08-25T14:00:00Z'));
    await sendPacket(h, { ...august, accountName: 'Late August Freight', accountDomain: 'lateaugust.com' });
    // Sunday 22 November, 21:00 in New York (Monday in UTC).
    h.clock.set(new Date('2026-11-23T02:00:00Z'));

    const uploads = () => h.slack.callsTo('files.completeUploadExternal') ?? [];
    await h.command({ user_id: people.author.id, user_name: people.author.name, text: 'export' });
    const texts = await waitFor(
      () => (h.slack.responses.length ? h.slack.responses.map((r) => String(r.body.text ?? '')) : undefined),
      8000,
      'the reply',
    );
    expect(texts).toEqual([
      'Preparing the touch log for handoffs sent from 2026-08-25 to 2026-11-22, the last 90 days (no dates given; for another range give its first and last day: `/handoff export 2026-01-01 2026-03-31`). The CSV will arrive in your DM with me.',
    ]);
    const done = await waitFor(
      () => uploads().find((c) => typeof c.args.channel_id === 'string'),
      8000,
      'upload',
    );
    const [entry] = done.args.files as { id: string }[];
    const csv = h.slack.file(entry?.id ?? '')?.bytes.toString('utf8') ?? '';
    // Sent on 25 August: in; on 24 August: out.
    expect(csv.split('\n').filter((line) => line.includes('August Freight'))).toEqual([
      expect.stringContaining('Late August Freight'),
    ]);
    const dm = h.slack.dmChannelFor(people.author.id);
    const shared = await waitFor(
      () => h.slack.messages(dm).find((m) => (m.files ?? []).length > 0),
      8000,
      'the CSV in the DM',
    );
    expect(shared.text).toContain('1 handoff sent from 2026-08-25 to 2026-11-22, the last 90 days');
  });
});
