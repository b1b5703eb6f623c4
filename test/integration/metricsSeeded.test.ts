import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src/db/client.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { assignmentStartedAt, logEvent } from '../../src/db/repositories/events.js';
import { type HandoffEventType, type HandoffRow, handoffs, helpRequests } from '../../src/db/schema.js';
import { type BusinessCalendar, businessHoursBetween } from '../../src/domain/businessDays.js';
import { holidayCalendar } from '../../src/domain/holidays.js';
import type { OutcomeCounts, Stats } from '../../src/domain/metrics.js';
import type { Outcome } from '../../src/domain/outcomes.js';
import { createMetrics } from '../../src/revops/metrics.js';
import { TestClock } from '../support/clock.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { outcomeCounts, rounded, stats } from '../support/metricsFixtures.js';
import { freshDatabase } from '../support/unitrest-freshDatabase.js';

const ET = 'America/New_York';
/** A wall-clock time in New York ("2026-11-02T09:00") as an instant. */
const et = (local: string) => DateTime.fromISO(local, { zone: ET }).toJSDate();

/** The AEs' calendar (all of them sit in New York): 09:00–17:00, US public holidays closed. */
const calendar: BusinessCalendar = {
  timeZone: ET,
  dayStart: '09:00',
  dayEnd: '17:00',
  isHoliday: holidayCalendar(['US'], []),
};

/** The period: Mon 2 Nov 2026 00:00 -> Mon 16 Nov 2026 00:00 in New York (EST, after the 1 Nov change). */
const from = et('2026-11-02T00:00');
const to = et('2026-11-16T00:00');

/** The authors (W1, W2) and the AEs of the seed below. */
const W1 = 'U0AUTHOR1';
const W2 = 'U0AUTHOR2';
const AE_1 = 'U0AE1';
const AE_2 = 'U0AE2';
const AE_3 = 'U0AE3';

const PARTNERS = {
  meridian: 'Meridian',
  acme: 'Acme Partners',
  globex: 'Globex',
  initech: 'Initech',
} as const;
type PartnerKey = keyof typeof PARTNERS;

/** A week's figures as the period's weeks and the trend give them. */
const week = (
  weekStart: string,
  sent: number,
  accepted: number,
  declined: number,
  expired: number,
  acceptanceRate: number | null,
  medianHours: number | null,
) => ({ weekStart, sent, accepted, declined, expired, acceptanceRate, medianHours });

/**
 * Seeds handoffs the way the services change them: each step updates the row and appends its event in one
 * transaction, so the touch log and the state agree. Steps must be called in time order (as the app would).
 */
function seeder(database: AppDatabase) {
  const db = firstInstallationOf(database.db);
  let views = 0;
  const current = (h: HandoffRow) =>
    db.select().from(handoffs).where(eq(handoffs.id, h.id)).get() as HandoffRow;

  /** A handoff sent: the columns of the seed's table below (by, to, partner, class, score, sent), and its due time. */
  function send(
    author: string,
    ae: string,
    partner: PartnerKey,
    classification: HandoffRow['classification'],
    score: number | null,
    sentAt: Date,
    dueAt?: Date,
  ): Promise<HandoffRow> {
    views += 1;
    return db.transaction(async (tx) => {
      const row = tx
        .insert(handoffs)
        .values(
          sentHandoffRow(sentAt, {
            sourceViewId: `V${views}`,
            authorUserId: author,
            ownerUserId: author,
            aeUserId: ae,
            aeName: ae,
            aeTimeZone: ET,
            accountName: `Account ${views}`,
            partnerOrg: PARTNERS[partner],
            partnerKey: partner,
            score,
            classification,
            ...(dueAt ? { dueAt } : {}),
          }),
        )
        .returning()
        .get();
      const actor = { userId: author, teamId: 'T0INTERNAL' };
      await logEvent(tx, { type: 'sent', before: null, after: row, actor, at: sentAt });
      return row;
    });
  }

  function step(
    handoff: HandoffRow,
    type: HandoffEventType,
    at: Date,
    patch: Partial<HandoffRow>,
    options: { actor?: string | null; businessHours?: number | null } = {},
  ): Promise<HandoffRow> {
    return db.transaction(async (tx) => {
      const before = tx.select().from(handoffs).where(eq(handoffs.id, handoff.id)).get() as HandoffRow;
      const after = tx
        .update(handoffs)
        .set({ ...patch, updatedAt: at })
        .where(eq(handoffs.id, handoff.id))
        .returning()
        .get();
      await logEvent(tx, {
        type,
        before,
        after,
        actor: options.actor === null ? null : { userId: options.actor ?? before.aeUserId },
        at,
        businessHours: options.businessHours ?? null,
      });
      return after;
    });
  }

  /** An answer, timed in business hours from the current request (send or reassignment), as the decide path does. */
  async function answer(h: HandoffRow, type: 'accepted' | 'declined', at: Date, patch: Partial<HandoffRow>) {
    const { assignment, sentAt } = current(h);
    const askedAt = (await assignmentStartedAt(db, h.id, assignment)) ?? sentAt;
    const businessHours = businessHoursBetween(askedAt, at, calendar);
    return step(h, type, at, { status: type, decidedAt: at, ...patch }, { businessHours });
  }

  return {
    send,
    accept: (h: HandoffRow, at: Date) =>
      answer(h, 'accepted', at, { lastActivityAt: at, stallNudgedAt: null }),
    decline: (h: HandoffRow, at: Date) => answer(h, 'declined', at, {}),
    expire: (h: HandoffRow, at: Date) =>
      step(h, 'expired', at, { status: 'expired', expiredAt: at }, { actor: null }),
    reassign: (h: HandoffRow, at: Date, ae: string) => {
      const { assignment, cycle, ownerUserId } = current(h);
      const dueAt = new Date(at.getTime() + 3 * 86_400_000);
      const patch = { aeUserId: ae, aeName: ae, assignment: assignment + 1, cycle: cycle + 1, dueAt };
      return step(h, 'reassigned', at, { ...patch, status: 'sent', decidedAt: null }, { actor: ownerUserId });
    },
    outcome: (h: HandoffRow, at: Date, outcome: Outcome) =>
      step(h, outcome, at, { outcome, lastActivityAt: at, stallNudgedAt: null }),
    // As the sweep does: the nudge is remembered on the deal until its next activity.
    stallNudge: (h: HandoffRow, at: Date) =>
      step(h, 'stall_nudged', at, { stallNudgedAt: at }, { actor: null }),
    help: async (spec: { by: string; partner: PartnerKey | null; claimedBy: string | null; at: Date }) => {
      views += 1;
      await db.transaction((tx) =>
        tx
          .insert(helpRequests)
          .values({
            sourceViewId: `V${views}`,
            requestedByUserId: spec.by,
            requestedByTeamId: 'T0INTERNAL',
            accountName: `Account ${views}`,
            accountKey: `account-${views}`,
            partnerOrg: spec.partner ? PARTNERS[spec.partner] : null,
            partnerKey: spec.partner,
            ask: 'An intro to the customer’s integrator, please.',
            status: spec.claimedBy ? 'claimed' : 'open',
            claimedByUserId: spec.claimedBy,
            claimedAt: spec.claimedBy ? spec.at : null,
            createdAt: spec.at,
          })
          .run(),
      );
    },
  };
}

/**
 * The seed, in time order (New York wall clock; EDT before 1 Nov, EST after). The period is [Mon 2 Nov, Mon 16 Nov).
 * Each answer's business hours (computed as the decide path does, across Veterans Day and the DST change) are pinned
 * by the figures below: each group's median and p90 leave one set of hours per AE, partner and author.
 *
 *   A  W1 -> AE1  Meridian  sourced     60  sent Tue 20 Oct 10:00, accepted Wed 21 Oct 10:00 (7 + 1 = 8 h)  BEFORE
 *   B  W1 -> AE1  Meridian  sourced     80  sent Mon 2 Nov 00:00 (= from), accepted 11:00 (09–11 = 2 h),
 *                                           meeting held Wed 4 Nov, won Mon 16 Nov 00:00 (= to: not in the period)
 *   C  W2 -> AE2  Acme      influenced  70  sent Mon 2 Nov 09:00, declined Tue 3 Nov 13:00 (8 + 4 = 12 h),
 *                                           reassigned to AE3 Tue 14:00, accepted Wed 4 Nov 10:00 (3 + 1 = 4 h),
 *                                           opportunity created Mon 9 Nov
 *   D  W1 -> AE2  Globex    (none)      50  sent Tue 3 Nov 10:00, expired Fri 6 Nov 10:00
 *   E  W2 -> AE1  Acme      influenced  90  sent Mon 9 Nov 09:00, accepted 10:00 (1 h), stall nudge Fri 13 Nov 10:00
 *   F  W1 -> AE2  Meridian  sourced     85  sent Tue 10 Nov 13:00, accepted Thu 12 Nov 13:00
 *                                           (4 + Veterans Day closed + 4 = 8 h)
 *   G  W2 -> AE3  Globex    sourced     65  sent Fri 13 Nov 09:00, accepted 12:00 (3 h), stall nudge 15:00,
 *                                           meeting held Sat 14 Nov 10:00 (activity after the nudge)
 *   H  W1 -> AE3  Meridian  sourced     40  sent Fri 13 Nov 11:00, open, due Mon 16 Nov 11:00
 *   I  W1 -> AE1  Meridian  sourced     99  sent Mon 16 Nov 00:00 (= to: not in the period), open, due Thu 19 Nov
 *   J  W2 -> AE2  Acme      influenced  55  sent Mon 16 Nov 09:00, accepted Tue 17 Nov 10:00 (8 + 1 = 9 h)  AFTER
 *
 * Help requests: AE1 -> Meridian claimed by W1 (Thu 5 Nov); AE2, no partner, open (Mon 2 Nov 00:00 = from);
 * AE3 -> Initech claimed by W2 (Thu 12 Nov); outside: AE2 -> Acme (Sun 25 Oct), AE1 -> Meridian (= to).
 */
async function seed(database: AppDatabase) {
  const s = seeder(database);
  const sourced = 'partner_sourced' as const;
  const influenced = 'partner_influenced' as const;

  const a = await s.send(W1, AE_1, 'meridian', sourced, 60, et('2026-10-20T10:00'));
  await s.accept(a, et('2026-10-21T10:00'));
  await s.help({ by: AE_2, partner: 'acme', claimedBy: W2, at: et('2026-10-25T12:00') });

  const b = await s.send(W1, AE_1, 'meridian', sourced, 80, from);
  await s.help({ by: AE_2, partner: null, claimedBy: null, at: from });
  const c = await s.send(W2, AE_2, 'acme', influenced, 70, et('2026-11-02T09:00'));
  await s.accept(b, et('2026-11-02T11:00'));
  const d = await s.send(W1, AE_2, 'globex', null, 50, et('2026-11-03T10:00'));
  await s.decline(c, et('2026-11-03T13:00'));
  await s.reassign(c, et('2026-11-03T14:00'), AE_3);
  await s.accept(c, et('2026-11-04T10:00'));
  await s.outcome(b, et('2026-11-04T10:00'), 'meeting_held');
  await s.help({ by: AE_1, partner: 'meridian', claimedBy: W1, at: et('2026-11-05T12:00') });
  await s.expire(d, et('2026-11-06T10:00'));

  const e = await s.send(W2, AE_1, 'acme', influenced, 90, et('2026-11-09T09:00'));
  await s.accept(e, et('2026-11-09T10:00'));
  await s.outcome(c, et('2026-11-09T12:00'), 'opportunity_created');
  const f = await s.send(W1, AE_2, 'meridian', sourced, 85, et('2026-11-10T13:00'));
  await s.accept(f, et('2026-11-12T13:00'));
  await s.help({ by: AE_3, partner: 'initech', claimedBy: W2, at: et('2026-11-12T12:00') });
  const g = await s.send(W2, AE_3, 'globex', sourced, 65, et('2026-11-13T09:00'));
  await s.stallNudge(e, et('2026-11-13T10:00'));
  const h = await s.send(W1, AE_3, 'meridian', sourced, 40, et('2026-11-13T11:00'), et('2026-11-16T11:00'));
  await s.accept(g, et('2026-11-13T12:00'));
  await s.stallNudge(g, et('2026-11-13T15:00'));
  await s.outcome(g, et('2026-11-14T10:00'), 'meeting_held');

  await s.outcome(b, to, 'won');
  await s.help({ by: AE_1, partner: 'meridian', claimedBy: W1, at: to });
  const i = await s.send(W1, AE_1, 'meridian', sourced, 99, to, et('2026-11-19T00:00'));
  const j = await s.send(W2, AE_2, 'acme', influenced, 55, et('2026-11-16T09:00'));
  await s.accept(j, et('2026-11-17T10:00'));

  return { a, b, c, d, e, f, g, h, i, j };
}

/** Stats written a few fields to a line (counts; rates and hours; AEs, help and score; outcomes). */
const figures = (...parts: Partial<Stats>[]): Stats => stats(Object.assign({}, ...parts));
/** A group's stats, with its key and label first (an author's with their last scores too). */
const group = (key: string, label: string, ...parts: Partial<Stats & { lastScores: number[] }>[]) => ({
  key,
  label,
  ...figures(...parts),
});
/** The outcome counts of a group: sourced and influenced, each step not given at 0. */
const outcomes = (sourced: Partial<OutcomeCounts> = {}, influenced: Partial<OutcomeCounts> = {}) => ({
  outcomes: {
    sourced: { ...outcomeCounts(), ...sourced },
    influenced: { ...outcomeCounts(), ...influenced },
  },
});

/**
 * By partner, most active first (sends + windows closed), ties by name; repeat use from the same partner only.
 * Acme: sent C E; requests 2 + 1 (C -> AE3) = 3; windows C declined (12h), C accepted by AE3 (4h), E accepted by AE1
 * (1h) = 3, all answers: acceptance 2/3, silence 0/3. Hours [1,4,12]: median 4, p90 rank 1.8 -> 4 + 0.8*8 = 10.4.
 * Repeat from Acme: AE3 none, AE1's earlier accepts (A, B) are Meridian's -> 0/2. Scores (70+90)/2. The pre-period
 * help request is not counted.
 * Meridian: sent B F H = 3 requests; accepted B (AE1 2h), F (AE2 8h) = 2 windows, 2 answers (H open). Hours [2,8]:
 * median 5, p90 2 + 0.9*6 = 7.4. Repeat from Meridian: AE1 (A, before the period) yes, AE2 no -> 1/2. Help: AE1's (the
 * one at `to` is out). Volume 3 + 2 = 5 ties Acme's 2 + 3: sorted by name after it.
 * Globex: sent D G = 2 requests; D expired, G accepted by AE3 (3h): W = 2, answers = 1 (G only): acceptance 1/1,
 * decline 0/1, silence 1/2. AE3's earlier accept (C) was Acme's -> 0/1. Volume 2 + 2 = 4: after Acme and Meridian.
 * Initech: known only from AE3's help request.
 */
const BY_PARTNER = [
  group(
    'acme',
    'Acme Partners',
    { sent: 2, requests: 3, accepted: 2, declined: 1, answered: 3, windowsClosed: 3 },
    { acceptanceRate: 2 / 3, declineRate: 1 / 3, silenceRate: 0, medianHours: 4, p90Hours: 10.4 },
    { acceptingAes: 2, repeatAes: 0, repeatRate: 0, averageScore: 80 },
    outcomes({}, { opportunity_created: 1 }),
  ),
  group(
    'meridian',
    'Meridian',
    { sent: 3, requests: 3, accepted: 2, answered: 2, windowsClosed: 2 },
    { acceptanceRate: 1, declineRate: 0, silenceRate: 0, medianHours: 5, p90Hours: 7.4 },
    { acceptingAes: 2, repeatAes: 1, repeatRate: 0.5, helpRequests: 1, averageScore: 205 / 3 },
    outcomes({ meeting_held: 1 }),
  ),
  group(
    'globex',
    'Globex',
    { sent: 2, requests: 2, accepted: 1, expired: 1, answered: 1, windowsClosed: 2 },
    { acceptanceRate: 1, declineRate: 0, silenceRate: 0.5, medianHours: 3, p90Hours: 3 },
    { acceptingAes: 1, repeatAes: 0, repeatRate: 0, averageScore: 57.5 },
    outcomes({ meeting_held: 1 }),
  ),
  group('initech', 'Initech', { helpRequests: 1 }),
];

/**
 * By AE, a reassignment counting as a request to the new AE.
 * AE2: sent to first C D F = 3 = requests; windows C declined (12h), D expired, F accepted (8h): W = 3, answers 2:
 * acceptance 1/2, decline 1/2, silence 1/3. Hours [8,12]: median 10, p90 8 + 0.9*4 = 11.6. No accept before F (J's
 * is after it) -> 0/1. Help: the one at `from`. Volume 3 sent + 3 windows = 6.
 * AE1: sent to first B E = 2 = requests (I at `to` excluded); accepted both (2h, 1h): W = 2, 2 answers; median 1.5,
 * p90 1.9. B follows A (before the period) -> repeat 1/1. Help: the one on 5 Nov (the one at `to` excluded). Volume
 * 2 + 2 = 4, tied with AE3: by name (U0AE1 < U0AE3) before it.
 * AE3: sent to first G H = 2 (C was reassigned to them, not sent to them first); requests G, H and C's reassignment
 * = 3; accepted C (4h), G (3h): W = 2, 2 answers (H still open). Hours [3,4]: median 3.5, p90 3.9. G follows C ->
 * repeat 1/1. Score: sends G H only (65+40)/2. Outcomes: C's opportunity (influenced), G's meeting (sourced).
 */
const BY_AE = [
  group(
    AE_2,
    AE_2,
    { sent: 3, requests: 3, accepted: 1, declined: 1, expired: 1, answered: 2, windowsClosed: 3 },
    { acceptanceRate: 1 / 2, declineRate: 1 / 2, silenceRate: 1 / 3, medianHours: 10, p90Hours: 11.6 },
    { acceptingAes: 1, repeatAes: 0, repeatRate: 0, helpRequests: 1, averageScore: (70 + 50 + 85) / 3 },
  ),
  group(
    AE_1,
    AE_1,
    { sent: 2, requests: 2, accepted: 2, answered: 2, windowsClosed: 2 },
    { acceptanceRate: 1, declineRate: 0, silenceRate: 0, medianHours: 1.5, p90Hours: 1.9 },
    { acceptingAes: 1, repeatAes: 1, repeatRate: 1, helpRequests: 1, averageScore: 85 },
    outcomes({ meeting_held: 1 }),
  ),
  group(
    AE_3,
    AE_3,
    { sent: 2, requests: 3, accepted: 2, answered: 2, windowsClosed: 2 },
    { acceptanceRate: 1, declineRate: 0, silenceRate: 0, medianHours: 3.5, p90Hours: 3.9 },
    { acceptingAes: 1, repeatAes: 1, repeatRate: 1, helpRequests: 1, averageScore: 52.5 },
    outcomes({ meeting_held: 1 }, { opportunity_created: 1 }),
  ),
];

/**
 * By author, with repeat use from the same author and the last scores as of the period end.
 * W2: sent C E G = 3; requests 3 + 1 (C -> AE3) = 4; declined C (12h), accepted C (4h), E (1h), G (3h): W = 4
 * windows, 4 answers. Hours [1,3,4,12]: median 3.5, p90 rank 2.7 -> 4 + 0.7*8 = 9.6. Repeat from W2: AE3 (G after C,
 * both W2's) yes; AE1's earlier accepts were W1's -> 1/2. Help claimed: AE3's. Last three before `to`: G 65, E 90, C
 * 70 (J is after). Most active first, sends + answers: W2's 3 + 4 = 7 before W1's 4 + 2 = 6 (D's expiry is silence,
 * not activity).
 * W1: sent B D F H = 4 = requests; accepted B (2h), F (8h), expired D: W = 3, answers 2: acceptance 2/2 = 1, silence
 * 1/3. Repeat from W1: AE1 (A was W1's) yes, AE2 no -> 1/2. Help claimed: AE1's. Scores (80+50+85+40)/4. Last three
 * sent before `to`, newest first: H 40, F 85, D 50 (I's 99 was sent at `to`).
 */
const BY_AUTHOR = [
  group(
    W2,
    W2,
    { sent: 3, requests: 4, accepted: 3, declined: 1, answered: 4, windowsClosed: 4 },
    { acceptanceRate: 0.75, declineRate: 0.25, silenceRate: 0, medianHours: 3.5, p90Hours: 9.6 },
    { acceptingAes: 2, repeatAes: 1, repeatRate: 0.5, helpRequests: 1, averageScore: 75 },
    outcomes({ meeting_held: 1 }, { opportunity_created: 1 }),
    { lastScores: [65, 90, 70] },
  ),
  group(
    W1,
    W1,
    { sent: 4, requests: 4, accepted: 2, expired: 1, answered: 2, windowsClosed: 3 },
    { acceptanceRate: 1, declineRate: 0, silenceRate: 1 / 3, medianHours: 5, p90Hours: 7.4 },
    { acceptingAes: 2, repeatAes: 1, repeatRate: 0.5, helpRequests: 1, averageScore: 63.75 },
    outcomes({ meeting_held: 1 }),
    { lastScores: [40, 85, 50] },
  ),
];

describe('trust metrics over a seeded, migrated SQLite file', () => {
  let database: AppDatabase;
  let clock: TestClock;
  /** The seed's one installation, which the metrics read. */
  const db = () => firstInstallationOf(database.db);
  const metricsOf = () => createMetrics({ db: db(), clock, timeZone: ET, trendWeeks: 4 });
  const open = () => {
    database = freshDatabase('metrics-seeded-');
  };
  const close = () => database.close();
  beforeEach(() => {
    clock = new TestClock(to);
  });

  // These read the seed and change nothing in it, so it is seeded once for all of them.
  describe('read from one seed', () => {
    let seeded: Awaited<ReturnType<typeof seed>>;
    beforeAll(async () => {
      open();
      seeded = await seed(database);
    });
    afterAll(close);

    it('computes the program metrics for the period by hand', async () => {
      const m = await metricsOf().program(from, to);
      // In [from, to): sent B C D E F G H = 7 (A before; I at `to` excluded; B at `from` included).
      // AE requests: 7 sends + 1 reassignment (C -> AE3) = 8.
      // AE windows closed: accepted B(AE1 2h) C(AE3 4h) E(AE1 1h) F(AE2 8h) G(AE3 3h) = 5, declined C(AE2 12h) = 1,
      // expired D = 1 -> W = 5 + 1 + 1 = 7 (H still open). Answers = 5 + 1 = 6 (D's expiry is not an answer).
      // Acceptance 5/6, decline 1/6, silence 1/7.
      // Hours [2,12,4,1,8,3] -> [1,2,3,4,8,12]: median rank 2.5 -> 3.5; p90 rank 4.5 -> 8 + 0.5*4 = 10.
      // Repeat: accepting {AE1, AE2, AE3}; AE1 (B after A, before the period), AE3 (G after C) repeat; AE2's only
      // earlier-than-F accept is none (J comes after) -> 2/3.
      // Help: AE1/Meridian, AE2/none (at `from`), AE3/Initech = 3. Scores (80+70+50+90+85+65+40)/7 = 480/7.
      // Outcomes: B meeting (sourced), C opportunity (influenced), G meeting (sourced); B's win at `to` excluded.
      expect(rounded(m.overall)).toEqual(
        rounded(
          figures(
            { sent: 7, requests: 8, accepted: 5, declined: 1, expired: 1, answered: 6, windowsClosed: 7 },
            { acceptanceRate: 5 / 6, declineRate: 1 / 6, silenceRate: 1 / 7, medianHours: 3.5, p90Hours: 10 },
            { acceptingAes: 3, repeatAes: 2, repeatRate: 2 / 3, helpRequests: 3, averageScore: 480 / 7 },
            outcomes({ meeting_held: 2 }, { opportunity_created: 1 }),
          ),
        ),
      );
      expect(m).toMatchObject({ from, to, timeZone: ET });
    });

    it.each([
      ['partner, with repeat use from the same partner only', 'byPartner', BY_PARTNER],
      ['AE, counting a reassignment as a request to the new AE', 'byAe', BY_AE],
      [
        'author, repeat use from the same author, the last scores as of the period end',
        'byAuthor',
        BY_AUTHOR,
      ],
    ] as const)('groups by %s', async (_what, dimension, expected) => {
      expect(rounded((await metricsOf().program(from, to))[dimension])).toEqual(rounded(expected));
    });

    it('splits the period into its New York weeks', async () => {
      expect(rounded((await metricsOf().program(from, to)).weeks)).toEqual(
        rounded([
          // 2–8 Nov: sent B C D; accepted B C, declined C, expired D -> acceptance 2 of 2 + 1 answers = 2/3 (D's
          // expiry is not an answer); hours [2,12,4] -> median 4.
          week('2026-11-02', 3, 2, 1, 1, 2 / 3, 4),
          // 9–15 Nov: sent E F G H; accepted E F G -> 3/3; hours [1,8,3] -> median 3.
          week('2026-11-09', 4, 3, 0, 0, 1, 3),
        ]),
      );
    });

    it('counts the same events differently when the period moves (the boundary events change sides)', async () => {
      // One millisecond later on both ends: B's send (at `from`) drops out; I's send and B's win (at `to`) come in.
      const m = await metricsOf().program(new Date(from.getTime() + 1), new Date(to.getTime() + 1));
      expect(m.overall.sent).toBe(7 - 1 + 1);
      expect(m.overall.outcomes.sourced).toEqual({ ...outcomeCounts(), meeting_held: 2, won: 1 });
      // The help request at `from` drops out, the one at `to` comes in.
      expect(m.overall.helpRequests).toBe(3);
      expect(m.byAe.find((g) => g.key === AE_2)?.helpRequests).toBe(0);
      expect(m.byAe.find((g) => g.key === AE_1)?.helpRequests).toBe(2);
      // As of just after `to`, W1's latest three include I's 99.
      expect(m.byAuthor.find((g) => g.key === W1)?.lastScores).toEqual([99, 40, 85]);
    });

    it('counts AE2 as a repeat only once the later accept (J) is itself in a period', async () => {
      // Mon 16 Nov -> Mon 23 Nov: J's accept (Tue 17) follows F's (Thu 12 Nov) -> AE2 repeat 1/1.
      const next = await metricsOf().program(to, et('2026-11-23T00:00'));
      expect([next.overall.acceptingAes, next.overall.repeatAes]).toEqual([1, 1]);
      expect(next.byAe.find((g) => g.key === AE_2)).toMatchObject({
        acceptingAes: 1,
        repeatAes: 1,
        medianHours: 9,
      });
      // From Acme (J's partner), AE2 had never accepted before (F was Meridian's); from W2 neither (F was W1's).
      expect(next.byPartner.find((g) => g.key === 'acme')).toMatchObject({ repeatAes: 0 });
      expect(next.byAuthor.find((g) => g.key === W2)).toMatchObject({ repeatAes: 0 });
    });

    it('trend() gives exactly trendWeeks weeks, oldest first, the current week so far included', async () => {
      const metrics = metricsOf();
      // Now = Mon 16 Nov 00:00: the last whole week is 9–15 Nov; four weeks back from it start on 19 Oct (EDT).
      // 19 Oct: A sent and accepted (8h). 26 Oct (the DST change week): nothing. 2 Nov: acceptance 2 of 3 answers
      // (D's expiry is not an answer). 9 Nov: 3/3.
      expect(rounded(await metrics.trend())).toEqual(
        rounded([
          week('2026-10-19', 1, 1, 0, 0, 1, 8),
          week('2026-10-26', 0, 0, 0, 0, null, null),
          week('2026-11-02', 3, 2, 1, 1, 2 / 3, 4),
          week('2026-11-09', 4, 3, 0, 0, 1, 3),
        ]),
      );
      const withThisWeek = ['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16'];
      // Mid-week (Wed 18 Nov 12:00): 26 Oct .. 16 Nov; the current week has I and J sent and J accepted (9h).
      clock.set(et('2026-11-18T12:00'));
      const midWeek = await metrics.trend();
      expect(midWeek.map((w) => w.weekStart)).toEqual(withThisWeek);
      expect(midWeek[3]).toMatchObject({ sent: 2, accepted: 1, medianHours: 9 });
      // One millisecond into a week already counts it.
      expect((await metrics.trend(new Date(to.getTime() + 1))).map((w) => w.weekStart)).toEqual(withThisWeek);
      expect(await createMetrics({ db: db(), clock, timeZone: ET, trendWeeks: 12 }).trend()).toHaveLength(12);
    });

    it('atRisk() lists due-soon, expired and stalled handoffs', async () => {
      const risk = await metricsOf().atRisk(to);
      // Due within 24 h of Mon 16 Nov 00:00: H (due 11:00); I is due Thursday.
      expect(risk.dueSoon.map((h) => h.id)).toEqual([seeded.h.id]);
      // Expired and still expired: D.
      expect(risk.unanswered.map((h) => h.id)).toEqual([seeded.d.id]);
      // Accepted and nudged after its last activity: E (nudged 13 Nov, last activity 9 Nov). Not G: its meeting
      // (14 Nov) came after its nudge (13 Nov). Not B: won.
      expect(risk.stalled.map((h) => h.id)).toEqual([seeded.e.id]);
    });
  });

  describe('on an empty file', () => {
    beforeEach(open);
    afterEach(close);

    it('gives zeros and nulls, without throwing', async () => {
      const metrics = metricsOf();
      const m = await metrics.program(from, to);
      expect(m.overall).toEqual(stats());
      expect([m.byPartner, m.byAe, m.byAuthor]).toEqual([[], [], []]);
      expect(m.weeks.map((w) => [w.weekStart, w.sent, w.acceptanceRate, w.medianHours])).toEqual([
        ['2026-11-02', 0, null, null],
        ['2026-11-09', 0, null, null],
      ]);
      expect(await metrics.trend()).toHaveLength(4);
      expect((await metrics.forPeriod('30d')).overall).toEqual(stats());
      expect(await metrics.atRisk()).toEqual({ dueSoon: [], unanswered: [], stalled: [] });
    });
  });
});
