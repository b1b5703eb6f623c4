import { describe, expect, it } from 'vitest';
import { validateView } from '../support/fakeSlack.js';
import { harnessPerTest, waitFor } from '../support/harness.js';
import { confirmationsOn, reviewSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';
import { lastHandoff, reviewPacket, sendPacket, sendReview } from '../support/reviewFlow.js';
import { QUIET } from '../support/revopsFlow.js';

/**
 * Issue 31, items 7 and 8: dates are the reader's and the author's (the partner's first action defaults to the
 * author's today; `/handoff export` with no dates is the last 90 days, in the reader's zone), and each AE's public
 * holidays are skipped by default, from their Slack time zone's country.
 */

/** An AE in New York: their public holidays are the US's (HOLIDAY_REGIONS is not set). */
const newYorkAe = {
  id: 'U0NYAE',
  team_id: TEAM,
  name: 'riley',
  real_name: 'Riley Ames',
  tz: 'America/New_York',
};

describe('dates and holidays by default', () => {
  const start = harnessPerTest();

  it('a 1-day handoff to a New York AE on Wed 25 Nov 2026 is due Fri 27 Nov, and the review says why; a zone of no country skips none', async () => {
    // Wednesday 10:00 in New York.
    const h = await start({ env: QUIET, now: '2026-11-25T15:00:00Z' });
    h.slack.addUser(newYorkAe);

    const { review, draftId, text } = await reviewPacket(h, {
      aeUserId: newYorkAe.id,
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
    h.slack.addUser({ ...newYorkAe, id: 'U0UTCAE', real_name: 'Uma Tee', tz: 'UTC' });
    const utc = await reviewPacket(h, { aeUserId: 'U0UTCAE', responseWindowDays: '1' });
    expect(utc.text).toContain(
      "No public holidays are skipped for Uma Tee: no country's are known for their time zone (UTC).",
    );
  });

  it('HOLIDAY_REGIONS=none turns the default off, and the review says so', async () => {
    const h = await start({ env: { ...QUIET, HOLIDAY_REGIONS: 'none' }, now: '2026-11-25T15:00:00Z' });
    h.slack.addUser(newYorkAe);
    const { text } = await reviewPacket(h, { aeUserId: newYorkAe.id, responseWindowDays: '1' });
    expect(text).toContain('Public holidays are not skipped in this workspace.');
    const handoff = await sendPacket(h, { aeUserId: newYorkAe.id, responseWindowDays: '1' });
    expect(handoff.dueAt.toISOString()).toBe('2026-11-26T15:00:00.000Z');
  });

  it("defaults the partner's first action to the author's today: sent Sunday 20:35 in New York is Sunday", async () => {
    // Sunday 22 November 2026, 20:35 in New York (the author's zone): Monday 01:35 UTC.
    const h = await start({ env: QUIET, now: '2026-11-23T01:35:00Z' });
    // The opportunity was opened on Monday, after the partner acted on Sunday: partner-sourced.
    const handoff = await sendPacket(h, { partnerTouchOn: null, opportunityCreatedOn: '2026-11-23' });
    expect(handoff.partnerTouchOn).toBe('2026-11-22');
    expect(handoff.classification).toBe('partner_sourced');
  });

  it("defaults the partner's first action to the author's today when the review asked for the dates", async () => {
    const h = await start({ env: QUIET, now: '2026-11-23T01:35:00Z' });
    const { review, draftId } = await reviewPacket(h, {
      partnerTouchOn: null,
      opportunityCreatedOn: null,
      accountName: 'Evening Freight',
    });
    // The review asks when the opportunity was created; the first action is left empty.
    const first = await h.interact(
      reviewSubmission({
        draftId,
        confirm: confirmationsOn(review),
        details: { opportunityCreatedOn: '2026-11-23', partnerTouchOn: null },
      }),
    );
    expect(first.status).toBe(200);
    // The dates change the class (sourced): the review is shown again, then sent.
    const answer = (await first.json()) as { response_action?: string };
    if (answer.response_action !== 'clear') {
      expect(await sendReview(h, draftId, { review })).toEqual({ response_action: 'clear' });
    }
    const handoff = await lastHandoff(h);
    expect(handoff.partnerTouchOn).toBe('2026-11-22');
    expect(handoff.classification).toBe('partner_sourced');
  });
});

describe('/handoff export with no dates', () => {
  const start = harnessPerTest();

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
