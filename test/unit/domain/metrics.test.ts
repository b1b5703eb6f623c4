import { describe, expect, it } from 'vitest';
import {
  computeMetrics,
  type HelpRequestFact,
  type MetricEvent,
  MetricsFold,
  percentile,
  type Stats,
  weekStartOf,
} from '../../../src/domain/metrics.js';
import { metricEvent } from '../../support/metricEvents.js';
import { rounded, stats } from '../../support/metricsFixtures.js';
import { week } from '../../support/unitdomain-weeks.js';

/** Mon 2 Nov 2026 00:00 UTC -> Mon 16 Nov 2026 00:00 UTC: two whole weeks. */
const from = new Date('2026-11-02T00:00:00Z');
const to = new Date('2026-11-16T00:00:00Z');

const ev = metricEvent;

function metrics(
  events: MetricEvent[],
  options: {
    helpRequests?: HelpRequestFact[];
    lastScores?: Map<string, number[]>;
    timeZone?: string;
    from?: Date;
    to?: Date;
  } = {},
) {
  return computeMetrics({
    from: options.from ?? from,
    to: options.to ?? to,
    timeZone: options.timeZone ?? 'UTC',
    events,
    helpRequests: options.helpRequests ?? [],
    lastScores: options.lastScores ?? new Map(),
  });
}

describe('percentile (linear interpolation between ranks)', () => {
  it('interpolates the median and the 90th percentile', () => {
    // [1,2,3,4]: median rank 0.5*3 = 1.5 -> 2 + 0.5*(3-2) = 2.5; p90 rank 0.9*3 = 2.7 -> 3 + 0.7*(4-3) = 3.7.
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 12);
    // Odd count: [1,2,3,4,5] median rank 2 -> exactly 3; p90 rank 3.6 -> 4 + 0.6 = 4.6.
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5], 90)).toBeCloseTo(4.6, 12);
    // [10,20]: p90 rank 0.9 -> 10 + 0.9*10 = 19.
    expect(percentile([10, 20], 90)).toBeCloseTo(19, 12);
    // It sorts its input without changing it.
    const values = [4, 1, 3, 2];
    expect(percentile(values, 50)).toBe(2.5);
    expect(percentile(values, 90)).toBeCloseTo(3.7, 12);
    expect(values).toEqual([4, 1, 3, 2]);
  });

  it('gives the extremes at 0 and 100, the value itself for one value, and null for none', () => {
    expect(percentile([7, 3, 9], 0)).toBe(3);
    expect(percentile([7, 3, 9], 100)).toBe(9);
    expect(percentile([5], 50)).toBe(5);
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([], 50)).toBeNull();
    expect(percentile([], 90)).toBeNull();
  });
});

describe('computeMetrics: answers and time to decision', () => {
  it('rates accepted and declined over the answers, expired over the windows closed, and interpolates the hours', () => {
    const m = metrics([
      ev('sent', '2026-11-02T10:00:00Z', { handoffId: 1, score: 80 }),
      ev('accepted', '2026-11-02T11:00:00Z', { handoffId: 1, businessHours: 1 }),
      ev('accepted', '2026-11-03T11:00:00Z', { handoffId: 2, businessHours: 4 }),
      ev('accepted', '2026-11-04T11:00:00Z', { handoffId: 3, businessHours: 3 }),
      ev('declined', '2026-11-05T11:00:00Z', { handoffId: 4, businessHours: 2 }),
      ev('expired', '2026-11-06T11:00:00Z', { handoffId: 5 }),
    ]);
    // An expiry is not an answer. answered = 3 + 1 = 4, windows closed = 4 + 1 = 5:
    // acceptance 3/4, decline 1/4, silence 1/5. One send (H1): 1 handoff sent, 1 AE request.
    // Hours of the decisions only (the expiry has none): [1,4,3,2] -> sorted [1,2,3,4]: median 2.5, p90 3.7.
    expect(rounded(m.overall)).toEqual(
      rounded(
        stats({
          sent: 1,
          requests: 1,
          accepted: 3,
          declined: 1,
          expired: 1,
          answered: 4,
          windowsClosed: 5,
          acceptanceRate: 0.75,
          declineRate: 0.25,
          silenceRate: 0.2,
          medianHours: 2.5,
          p90Hours: 3.7,
          // A1 accepted three times, but no accept had an earlier one flagged: 1 accepting AE, 0 repeat.
          acceptingAes: 1,
          repeatAes: 0,
          repeatRate: 0,
          averageScore: 80,
        }),
      ),
    );
  });

  it('leaves rates and hours null while nothing has been answered', () => {
    const m = metrics([
      ev('sent', '2026-11-02T10:00:00Z', { handoffId: 1, score: 60 }),
      ev('sent', '2026-11-03T10:00:00Z', { handoffId: 2, score: 90 }),
    ]);
    // Two sends, no answer yet: every rate and the hours are null (not 0); the score is (60 + 90) / 2 = 75.
    expect(m.overall).toEqual(stats({ sent: 2, requests: 2, averageScore: 75 }));
  });

  it('gives a silence rate of 1 when every request expired', () => {
    const m = metrics([
      ev('expired', '2026-11-02T10:00:00Z', { handoffId: 1 }),
      ev('expired', '2026-11-03T10:00:00Z', { handoffId: 2, aeUserId: 'A2' }),
      ev('expired', '2026-11-04T10:00:00Z', { handoffId: 3 }),
    ]);
    // 3 windows closed, all silence, and no answer: acceptance and decline are null (0 of 0 answers, not 0%),
    // silence 3/3 = 1; no hours.
    expect(m.overall).toEqual(stats({ expired: 3, windowsClosed: 3, silenceRate: 1 }));
  });

  it('is all zeros and nulls, with no groups and empty weeks, for no events at all', () => {
    const m = metrics([]);
    expect(m.overall).toEqual(stats());
    expect(m.byPartner).toEqual([]);
    expect(m.byAe).toEqual([]);
    expect(m.byAuthor).toEqual([]);
    expect(m.weeks.map((w) => w.weekStart)).toEqual(['2026-11-02', '2026-11-09']);
    expect(m.weeks.every((w) => w.sent === 0 && w.acceptanceRate === null && w.medianHours === null)).toBe(
      true,
    );
    expect(m).toMatchObject({ from, to, timeZone: 'UTC' });
  });
});

describe('computeMetrics: repeat use', () => {
  // A1 accepts from P1/W1, then again from P1/W2 (an earlier accept from P1, but from W1, not W2);
  // A2 accepts once with no history; A3 accepts from P2/W2 having accepted before (not from P2, but from W2).
  const who = (handoffId: number, aeUserId: string, partnerKey: string, authorUserId: string) => ({
    ...{ handoffId, aeUserId, partnerKey, authorUserId },
    ...(partnerKey === 'p2' && { partnerOrg: 'Partner Two' }),
  });
  const events = [
    ev('accepted', '2026-11-02T10:00:00Z', who(1, 'A1', 'p1', 'W1')),
    ev('accepted', '2026-11-03T10:00:00Z', {
      ...who(2, 'A1', 'p1', 'W2'),
      ...{ earlierAccept: true, earlierAcceptSamePartner: true },
    }),
    ev('accepted', '2026-11-04T10:00:00Z', who(3, 'A2', 'p2', 'W1')),
    ev('accepted', '2026-11-05T10:00:00Z', {
      ...who(4, 'A3', 'p2', 'W2'),
      ...{ earlierAccept: true, earlierAcceptSameAuthor: true },
    }),
  ];
  const m = metrics(events);
  const repeat = (groups: typeof m.byAe) =>
    Object.fromEntries(groups.map((g) => [g.key, [g.acceptingAes, g.repeatAes, g.repeatRate]]));

  it('overall: AEs who accepted with any earlier accept; per partner and author only one from the same', () => {
    // Accepting {A1, A2, A3} = 3; repeat {A1 (2nd accept), A3} = 2 -> 2/3.
    expect(m.overall.acceptingAes).toBe(3);
    expect(m.overall.repeatAes).toBe(2);
    expect(m.overall.repeatRate).toBeCloseTo(2 / 3, 12);
    // P1: accepting {A1}, A1's 2nd accept has SamePartner -> 1/1. P2: accepting {A2, A3}, no SamePartner -> 0/2,
    // although A3 had accepted before (from another partner).
    expect(repeat(m.byPartner)).toEqual({ p1: [1, 1, 1], p2: [2, 0, 0] });
    // W1: accepting {A1, A2}, no SameAuthor -> 0/2. W2: accepting {A1, A3}; A1's has no SameAuthor (its earlier
    // accept was W1's), A3's has -> 1/2.
    expect(repeat(m.byAuthor)).toEqual({ W1: [2, 0, 0], W2: [2, 1, 0.5] });
    // Per AE any earlier accept counts.
    expect(repeat(m.byAe)).toEqual({ A1: [1, 1, 1], A2: [1, 0, 0], A3: [1, 1, 1] });
  });

  it('counts an AE once however many repeat accepts they made', () => {
    const again = metrics([
      ...events,
      ev('accepted', '2026-11-06T10:00:00Z', { handoffId: 5, aeUserId: 'A1', earlierAccept: true }),
    ]);
    expect([again.overall.acceptingAes, again.overall.repeatAes]).toEqual([3, 2]);
  });
});

describe('computeMetrics: requests per AE', () => {
  it('counts handoffs sent by their first AE, and sends plus reassignments as AE requests in every group', () => {
    const m = metrics([
      // H1 sent to A1; H2 sent to A1, declined, reassigned to A2 who accepts; H3 sent to A3 and expires.
      ev('sent', '2026-11-02T10:00:00Z', { handoffId: 1, aeUserId: 'A1', score: 70 }),
      ev('sent', '2026-11-02T11:00:00Z', { handoffId: 2, aeUserId: 'A1', score: 50 }),
      ev('declined', '2026-11-03T11:00:00Z', { handoffId: 2, aeUserId: 'A1', businessHours: 8 }),
      ev('reassigned', '2026-11-03T12:00:00Z', { handoffId: 2, aeUserId: 'A2', score: 50 }),
      ev('accepted', '2026-11-04T12:00:00Z', { handoffId: 2, aeUserId: 'A2', businessHours: 8 }),
      ev('sent', '2026-11-05T10:00:00Z', { handoffId: 3, aeUserId: 'A3', score: 90 }),
      ev('expired', '2026-11-10T10:00:00Z', { handoffId: 3, aeUserId: 'A3' }),
    ]);
    // Overall: 3 handoffs sent (the reassignment is not a new handoff); average score (70 + 50 + 90) / 3 = 70.
    expect([m.overall.sent, m.overall.averageScore]).toEqual([3, 70]);
    // "sent" is handoffs sent everywhere; a reassignment is an AE request. Per AE: A1 2 sends (declined 1 of 1
    // answered); A2 0 sends, 1 request (the reassignment; accepted 1); A3 1 send (expired 1). The score averages
    // the sends to that AE only: A1 (70 + 50) / 2 = 60, A2 none (a reassignment carries none), A3 90.
    const byAe = Object.fromEntries(
      m.byAe.map((g) => [g.key, [g.sent, g.requests, g.accepted, g.declined, g.expired, g.averageScore]]),
    );
    expect(byAe).toEqual({ A1: [2, 2, 0, 1, 0, 60], A2: [0, 1, 1, 0, 0, null], A3: [1, 1, 0, 0, 1, 90] });
    // Per partner and per author: 3 handoffs sent, 4 AE requests (3 sends + 1 reassignment), as overall.
    expect(m.byPartner.map((g) => [g.sent, g.requests])).toEqual([[3, 4]]);
    expect(m.byAuthor.map((g) => [g.sent, g.requests])).toEqual([[3, 4]]);
    expect(m.overall.requests).toBe(4);
  });
});

describe('computeMetrics: help requests', () => {
  it('counts them overall and groups them by requester (AE), partner and claimer (author)', () => {
    const m = metrics(
      [ev('sent', '2026-11-02T10:00:00Z', { aeUserId: 'A1', partnerKey: 'p1', authorUserId: 'W1' })],
      {
        helpRequests: [
          { requestedByUserId: 'A1', partnerKey: 'p1', partnerOrg: 'Partner One', claimedByUserId: 'W1' },
          { requestedByUserId: 'A1', partnerKey: null, partnerOrg: null, claimedByUserId: null },
          { requestedByUserId: 'A2', partnerKey: 'p3', partnerOrg: 'Partner Three', claimedByUserId: 'W2' },
          { requestedByUserId: 'A2', partnerKey: 'p3', partnerOrg: 'Partner Three', claimedByUserId: 'W1' },
        ],
      },
    );
    expect(m.overall.helpRequests).toBe(4);
    const help = (groups: typeof m.byAe) => Object.fromEntries(groups.map((g) => [g.key, g.helpRequests]));
    // By requester: A1 2, A2 2 (A2 has no handoff events: a group of its own anyway).
    expect(help(m.byAe)).toEqual({ A1: 2, A2: 2 });
    // By partner: P1 1, P3 2; the one with no partner is in no partner group.
    expect(help(m.byPartner)).toEqual({ p1: 1, p3: 2 });
    // By claimer: W1 2, W2 1; the unclaimed one is in no author group.
    expect(help(m.byAuthor)).toEqual({ W1: 2, W2: 1 });
    // A partner known only from help requests is labelled with the organisation the AE gave.
    expect(m.byPartner.find((g) => g.key === 'p3')).toEqual({
      ...stats({ helpRequests: 2 }),
      key: 'p3',
      label: 'Partner Three',
    });
  });
});

describe('computeMetrics: scores', () => {
  it('averages the scores of the handoffs sent in the period, skipping unscored ones and other events', () => {
    const m = metrics([
      ev('sent', '2026-11-02T10:00:00Z', { handoffId: 1, score: 80, authorUserId: 'W1' }),
      ev('sent', '2026-11-03T10:00:00Z', { handoffId: 2, score: 70, authorUserId: 'W2' }),
      ev('sent', '2026-11-04T10:00:00Z', { handoffId: 3, score: null, authorUserId: 'W2' }),
      // Events other than sends carry the handoff's score but must not weigh in the average.
      ev('accepted', '2026-11-05T10:00:00Z', { handoffId: 1, score: 80, businessHours: 1 }),
      ev('meeting_held', '2026-11-06T10:00:00Z', { handoffId: 1, score: 80 }),
      ev('expired', '2026-11-07T10:00:00Z', { handoffId: 2, score: 70 }),
    ]);
    // (80 + 70) / 2 = 75 over the 3 sent (one unscored); per author W1 80, W2 70.
    expect([m.overall.sent, m.overall.averageScore]).toEqual([3, 75]);
    expect(Object.fromEntries(m.byAuthor.map((g) => [g.key, g.averageScore]))).toEqual({ W1: 80, W2: 70 });
  });

  it('passes each author’s last scores through, and gives [] to an author without any', () => {
    const m = metrics(
      [
        ev('sent', '2026-11-02T10:00:00Z', { handoffId: 1, authorUserId: 'W1', score: 90 }),
        ev('sent', '2026-11-03T10:00:00Z', { handoffId: 2, authorUserId: 'W2', score: null }),
      ],
      { lastScores: new Map([['W1', [90, 40, 65]]]) },
    );
    const last = Object.fromEntries(m.byAuthor.map((g) => [g.key, g.lastScores]));
    expect(last).toEqual({ W1: [90, 40, 65], W2: [] });
  });
});

describe('computeMetrics: outcomes', () => {
  it('splits outcome steps by classification, counting an unclassified handoff as influenced', () => {
    const m = metrics([
      ev('meeting_held', '2026-11-02T10:00:00Z', { handoffId: 1, classification: 'partner_sourced' }),
      ev('opportunity_created', '2026-11-03T10:00:00Z', { handoffId: 1, classification: 'partner_sourced' }),
      ev('won', '2026-11-04T10:00:00Z', { handoffId: 1, classification: 'partner_sourced' }),
      ev('meeting_held', '2026-11-02T11:00:00Z', { handoffId: 2, classification: 'partner_influenced' }),
      ev('lost', '2026-11-05T11:00:00Z', { handoffId: 2, classification: 'partner_influenced' }),
      ev('meeting_held', '2026-11-06T11:00:00Z', { handoffId: 3, classification: null }),
      ev('opportunity_created', '2026-11-07T11:00:00Z', { handoffId: 3, classification: null }),
    ]);
    expect(m.overall.outcomes).toEqual({
      sourced: { meeting_held: 1, opportunity_created: 1, won: 1, lost: 0 },
      // H2 (influenced): meeting, lost; H3 (unclassified, counted as influenced): meeting, opportunity.
      influenced: { meeting_held: 2, opportunity_created: 1, won: 0, lost: 1 },
    });
    // Outcome steps are neither sends nor answers.
    expect([m.overall.sent, m.overall.answered]).toEqual([0, 0]);
  });
});

describe('computeMetrics: weeks', () => {
  it('lists every Monday-start week of [from, to), empty ones included', () => {
    // Wed 4 Nov -> Wed 25 Nov (UTC) touches the weeks of 2, 9, 16 and 23 Nov.
    const m = metrics(
      [
        ev('sent', '2026-11-04T10:00:00Z', { handoffId: 1 }),
        ev('accepted', '2026-11-05T10:00:00Z', { handoffId: 1, businessHours: 2 }),
        ev('sent', '2026-11-17T10:00:00Z', { handoffId: 2 }),
        ev('declined', '2026-11-18T10:00:00Z', { handoffId: 2, businessHours: 6 }),
        ev('sent', '2026-11-19T10:00:00Z', { handoffId: 3 }),
        ev('accepted', '2026-11-20T10:00:00Z', { handoffId: 3, businessHours: 1 }),
        ev('expired', '2026-11-24T10:00:00Z', { handoffId: 4 }),
      ],
      { from: new Date('2026-11-04T00:00:00Z'), to: new Date('2026-11-25T00:00:00Z') },
    );
    // Each week's [sent, accepted, declined, expired], acceptance rate and median hours.
    expect(m.weeks).toEqual([
      week('2026-11-02', [1, 1, 0, 0], 1, 2),
      // Nothing happened in the week of 9 Nov: still listed.
      week('2026-11-09', [0, 0, 0, 0], null, null),
      // 1 accepted of 2 answered; hours [6, 1] -> median 3.5.
      week('2026-11-16', [2, 1, 1, 0], 0.5, 3.5),
      // A week with only an expiry has no answers, so no acceptance rate.
      week('2026-11-23', [0, 0, 0, 1], null, null),
    ]);
  });

  it('stops before the week that starts at `to`, and lists no week for an empty period', () => {
    // Mon 2 Nov -> Mon 16 Nov: the week of the 16th starts at `to` and is not in the period.
    expect(metrics([]).weeks.map((w) => w.weekStart)).toEqual(['2026-11-02', '2026-11-09']);
    // One millisecond into the 16th: that week is touched.
    const later = new Date(to.getTime() + 1);
    expect(metrics([], { to: later }).weeks.map((w) => w.weekStart)).toEqual([
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
    ]);
    expect(metrics([], { from: to, to }).weeks).toEqual([]);
  });

  it('puts an event in the week of its local date in the metrics timezone', () => {
    // Sun 8 Nov 2026 23:30 in Los Angeles (PST, UTC-8) is Mon 9 Nov 07:30 UTC.
    const lateSunday = '2026-11-09T07:30:00Z';
    expect(weekStartOf(new Date(lateSunday), 'America/Los_Angeles').toISODate()).toBe('2026-11-02');
    expect(weekStartOf(new Date(lateSunday), 'UTC').toISODate()).toBe('2026-11-09');

    const events = [ev('sent', lateSunday, { handoffId: 1 })];
    // From Mon 2 Nov to Mon 16 Nov, midnight in each zone.
    const la = metrics(events, {
      timeZone: 'America/Los_Angeles',
      from: new Date('2026-11-02T08:00:00Z'),
      to: new Date('2026-11-16T08:00:00Z'),
    });
    expect(la.weeks.map((w) => [w.weekStart, w.sent])).toEqual([
      ['2026-11-02', 1],
      ['2026-11-09', 0],
    ]);
    const utc = metrics(events);
    expect(utc.weeks.map((w) => [w.weekStart, w.sent])).toEqual([
      ['2026-11-02', 0],
      ['2026-11-09', 1],
    ]);
  });

  it('starts weeks on Monday across the daylight-saving change (New York, Sun 1 Nov 2026)', () => {
    // Sat 31 Oct 12:00 EDT and Sun 1 Nov 12:00 EST both belong to the week of Mon 26 Oct.
    const m = metrics(
      [
        ev('sent', '2026-10-31T16:00:00Z', { handoffId: 1 }),
        ev('sent', '2026-11-01T17:00:00Z', { handoffId: 2 }),
        ev('sent', '2026-11-02T05:00:00Z', { handoffId: 3 }), // Mon 2 Nov 00:00 EST: the next week.
      ],
      {
        timeZone: 'America/New_York',
        from: new Date('2026-10-26T04:00:00Z'), // Mon 26 Oct 00:00 EDT
        to: new Date('2026-11-09T05:00:00Z'), // Mon 9 Nov 00:00 EST
      },
    );
    expect(m.weeks.map((w) => [w.weekStart, w.sent])).toEqual([
      ['2026-10-26', 2],
      ['2026-11-02', 1],
    ]);
  });
});

describe('computeMetrics: ordering of the groups', () => {
  it('puts the most active first (sends + answers), then sorts by name', () => {
    const partner = (key: string, org: string) => ({ partnerKey: key, partnerOrg: org });
    const omega = { requestedByUserId: 'A9', partnerKey: 'o', partnerOrg: 'Omega', claimedByUserId: null };
    const m = metrics(
      [
        // Zeta: 3 sends = 3.
        ev('sent', '2026-11-02T10:00:00Z', { handoffId: 1, ...partner('z', 'Zeta') }),
        ev('sent', '2026-11-02T11:00:00Z', { handoffId: 2, ...partner('z', 'Zeta') }),
        ev('sent', '2026-11-02T12:00:00Z', { handoffId: 3, ...partner('z', 'Zeta') }),
        // Beta: 2 sends = 2, plus outcome steps, which are not volume.
        ev('sent', '2026-11-03T10:00:00Z', { handoffId: 4, ...partner('b', 'Beta') }),
        ev('sent', '2026-11-03T11:00:00Z', { handoffId: 5, ...partner('b', 'Beta') }),
        ev('meeting_held', '2026-11-04T11:00:00Z', { handoffId: 9, ...partner('b', 'Beta') }),
        ev('won', '2026-11-05T11:00:00Z', { handoffId: 9, ...partner('b', 'Beta') }),
        // Alpha: 1 send + 1 answer = 2: ties with Beta, first by name.
        ev('sent', '2026-11-04T10:00:00Z', { handoffId: 6, ...partner('a', 'Alpha') }),
        ev('accepted', '2026-11-04T12:00:00Z', { handoffId: 6, businessHours: 2, ...partner('a', 'Alpha') }),
      ],
      // Help requests are not volume either: Omega has 3 of them and comes last.
      { helpRequests: [omega, omega, omega] },
    );
    expect(m.byPartner.map((g) => g.label)).toEqual(['Zeta', 'Alpha', 'Beta', 'Omega']);
    // Per AE the same rule: A1 has 6 sends + 1 answer = 7, A9 only help requests.
    expect(m.byAe.map((g) => g.key)).toEqual(['A1', 'A9']);
  });

  it('ranks the AE table by sends + answers, as it says: an expiry is silence, not activity', () => {
    const m = metrics([
      // A1 let all three of their windows expire: 3 sends + 0 answers = 3 (sends + windows closed was 3 + 3 = 6).
      ev('sent', '2026-11-02T10:00:00Z', { handoffId: 1, aeUserId: 'A1' }),
      ev('sent', '2026-11-02T11:00:00Z', { handoffId: 2, aeUserId: 'A1' }),
      ev('sent', '2026-11-02T12:00:00Z', { handoffId: 3, aeUserId: 'A1' }),
      ev('expired', '2026-11-05T10:00:00Z', { handoffId: 1, aeUserId: 'A1' }),
      ev('expired', '2026-11-05T11:00:00Z', { handoffId: 2, aeUserId: 'A1' }),
      ev('expired', '2026-11-05T12:00:00Z', { handoffId: 3, aeUserId: 'A1' }),
      // A2 answered both of theirs: 2 sends + 2 answers = 4.
      ev('sent', '2026-11-03T10:00:00Z', { handoffId: 4, aeUserId: 'A2' }),
      ev('sent', '2026-11-03T11:00:00Z', { handoffId: 5, aeUserId: 'A2' }),
      ev('accepted', '2026-11-03T12:00:00Z', { handoffId: 4, aeUserId: 'A2', businessHours: 2 }),
      ev('declined', '2026-11-03T13:00:00Z', { handoffId: 5, aeUserId: 'A2', businessHours: 3 }),
      // A3 answered one handoff reassigned to them (not sent to them first): 0 sends + 1 answer = 1; A4, sent one
      // that is still open: 1 send = 1, ties with A3 and comes after it by label.
      ev('sent', '2026-11-04T10:00:00Z', { handoffId: 6, aeUserId: 'A9' }),
      ev('reassigned', '2026-11-04T11:00:00Z', { handoffId: 6, aeUserId: 'A3' }),
      ev('accepted', '2026-11-04T12:00:00Z', { handoffId: 6, aeUserId: 'A3', businessHours: 1 }),
      ev('sent', '2026-11-06T10:00:00Z', { handoffId: 7, aeUserId: 'A4' }),
    ]);
    const volume = (g: Stats) => g.sent + g.answered;
    expect(m.byAe.map((g) => [g.key, volume(g)])).toEqual([
      ['A2', 4],
      ['A1', 3],
      ['A3', 1],
      ['A4', 1],
      // A9: the send of the handoff then reassigned to A3 (1 send, no answer): ties too, last by label.
      ['A9', 1],
    ]);
    // The same rule orders the other tables: here a single partner and author hold everything.
    expect(m.byPartner.map((g) => volume(g))).toEqual([7 + 3]);
  });
});

describe('MetricsFold.finishInTurns', () => {
  it('gives exactly what finish gives, pausing between steps (250 partners, AEs and authors: several steps each)', async () => {
    const events: MetricEvent[] = [];
    for (let i = 0; i < 2_000; i += 1) {
      const over = {
        handoffId: i,
        aeUserId: `A${i % 250}`,
        partnerKey: `p${i % 251}`,
        partnerOrg: `Partner ${i % 251}`,
        authorUserId: `W${i % 249}`,
        score: 10 + (i % 8),
        businessHours: (i % 37) / 3,
        earlierAccept: i % 3 === 0,
      };
      const at = new Date(from.getTime() + i * 600_000).toISOString();
      events.push(ev('sent', at, over), ev(i % 4 === 0 ? 'declined' : 'accepted', at, over));
    }
    const input = {
      from,
      to,
      helpRequests: [
        { requestedByUserId: 'A1', partnerKey: 'p2', partnerOrg: 'Partner 2', claimedByUserId: 'W3' },
      ],
      lastScores: new Map([['W9', [12, 13, 14]]]),
    };
    const once = new MetricsFold('UTC');
    const inTurns = new MetricsFold('UTC');
    for (const e of events) {
      once.add(e);
      inTurns.add(e);
    }
    let pauses = 0;
    const result = await inTurns.finishInTurns(input, async () => {
      pauses += 1;
    });
    expect(result).toEqual(once.finish(input));
    // After the overall figures; then every 100 groups (251 partners, 250 AEs, 250 authors: 2 each) and after
    // each dimension: 1 + (2 + 1) × 3.
    expect(pauses).toBe(10);
    expect(result.byPartner).toHaveLength(251);
  });
});

describe('expired while away', () => {
  it('is neither silence nor a window closed, and is counted on its own, overall and per AE', () => {
    const m = metrics([
      ev('sent', '2026-11-03T10:00:00Z', { handoffId: 1 }),
      ev('sent', '2026-11-03T11:00:00Z', { handoffId: 2 }),
      ev('sent', '2026-11-03T12:00:00Z', { handoffId: 3 }),
      ev('expired', '2026-11-06T10:00:00Z', { handoffId: 1 }),
      ev('expired_away', '2026-11-06T11:00:00Z', { handoffId: 2 }),
      ev('accepted', '2026-11-04T12:00:00Z', { handoffId: 3, businessHours: 5 }),
    ]);
    // By hand: W = 1 accepted + 0 declined + 1 expired = 2; silence 1 of 2; the away expiry apart.
    expect(m.overall).toMatchObject({ expired: 1, expiredAway: 1, windowsClosed: 2, silenceRate: 0.5 });
    expect(m.byAe[0]).toMatchObject({ key: 'A1', expired: 1, expiredAway: 1, windowsClosed: 2 });
  });
});
