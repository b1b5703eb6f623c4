import { describe, expect, it } from 'vitest';
import { AfterAcceptTally, keptOnTime } from '../../../src/domain/afterAcceptMetrics.js';
import { computeMetrics, type MetricEvent } from '../../../src/domain/metrics.js';
import { openStep, type StepFacts } from '../../../src/domain/stepState.js';
import { metricEvent } from '../../support/metricEvents.js';
import { afterAccept, rounded } from '../../support/metricsFixtures.js';

/** Mon 2 Nov 2026 -> Mon 16 Nov 2026 (UTC). */
const from = new Date('2026-11-02T00:00:00Z');
const to = new Date('2026-11-16T00:00:00Z');

const ev = metricEvent;

/** An outcome step that was the first step done, `hours` after the accept. */
const done = (at: string, hours: number, onTime: boolean, newDates = 0, over: Partial<MetricEvent> = {}) =>
  ev('meeting_held', at, { businessHours: hours, firstStep: { onTime, newDates }, ...over });

const metrics = (events: MetricEvent[]) =>
  computeMetrics({ from, to, timeZone: 'UTC', events, helpRequests: [], lastScores: new Map() });

describe('after the Accept: the figures of the first steps', () => {
  it('keeps on time of the commitments ended (done + idle), hands-back apart, and the time to first step', () => {
    const m = metrics([
      ev('accepted', '2026-11-02T10:00:00Z', { businessHours: 2 }),
      done('2026-11-03T10:00:00Z', 8, true),
      done('2026-11-04T10:00:00Z', 20, false, 0, { handoffId: 2 }),
      done('2026-11-05T10:00:00Z', 4, true, 2, { handoffId: 3 }),
      done('2026-11-06T10:00:00Z', 30, true, 1, { handoffId: 4 }),
      ev('taken_back', '2026-11-09T15:00:00Z', { handoffId: 5 }),
      ev('handed_back', '2026-11-10T15:00:00Z', { handoffId: 6 }),
      // A later outcome step, and one of a deal accepted without a first step: neither is a first step done.
      ev('opportunity_created', '2026-11-11T10:00:00Z'),
      ev('won', '2026-11-12T10:00:00Z', { handoffId: 7 }),
    ]);
    // Done in 4, 8, 20, 30 business hours: median 14, p90 rank 2.7 -> 20 + 0.7 × 10 = 27. Kept: 3 of 4 done + 1 idle.
    expect(rounded(m.overall.afterAccept)).toEqual(
      afterAccept({
        stepsDone: 4,
        onTime: 3,
        onTimeMoved: 2,
        idle: 1,
        handedBack: 1,
        commitmentsEnded: 5,
        keptRate: 0.6,
        medianHours: 14,
        p90Hours: 27,
      }),
    );
    // The outcome steps still count as outcomes; the take-backs are neither answers nor windows.
    expect(m.overall.outcomes.sourced).toMatchObject({ meeting_held: 4, opportunity_created: 1, won: 1 });
    expect([m.overall.accepted, m.overall.windowsClosed, m.overall.requests]).toEqual([1, 1, 0]);
    // The decision's hours stay the time to decision: the first steps' are apart.
    expect([m.overall.medianHours, m.overall.p90Hours]).toEqual([2, 2]);
  });

  it('counts each figure for the AE who accepted, the handoff’s partner and its author', () => {
    const m = metrics([
      done('2026-11-03T10:00:00Z', 6, true, 0, { aeUserId: 'A1', partnerKey: 'p1', authorUserId: 'W1' }),
      done('2026-11-03T11:00:00Z', 9, false, 0, { aeUserId: 'A2', partnerKey: 'p2', authorUserId: 'W1' }),
      ev('taken_back', '2026-11-04T15:00:00Z', { aeUserId: 'A2', partnerKey: 'p1', authorUserId: 'W2' }),
      // The pool's next AE gets a new window (a request): the idle deal is not theirs.
      ev('reassigned', '2026-11-04T15:00:00Z', { aeUserId: 'A3', partnerKey: 'p1', authorUserId: 'W2' }),
      ev('handed_back', '2026-11-05T15:00:00Z', { aeUserId: 'A3', partnerKey: 'p2', authorUserId: 'W2' }),
    ]);
    const figures = ['onTime', 'commitmentsEnded', 'idle', 'handedBack'] as const;
    const of = (groups: typeof m.byAe) =>
      Object.fromEntries(groups.map((g) => [g.key, figures.map((f) => g.afterAccept[f])]));
    expect(of(m.byAe)).toEqual({ A1: [1, 1, 0, 0], A2: [0, 2, 1, 0], A3: [0, 0, 0, 1] });
    expect(of(m.byPartner)).toEqual({ p1: [1, 2, 1, 0], p2: [0, 1, 0, 1] });
    expect(of(m.byAuthor)).toEqual({ W1: [1, 2, 0, 0], W2: [0, 1, 1, 1] });
    expect(m.byAe.find((g) => g.key === 'A2')?.afterAccept).toMatchObject({ keptRate: 0, medianHours: 9 });
    expect(m.byAe.find((g) => g.key === 'A3')?.afterAccept.keptRate).toBeNull();
    // The week by week trend is the windows' only.
    expect(m.weeks.map((w) => [w.sent, w.accepted])).toEqual(Array(2).fill([0, 0]));
  });

  it('has nothing to say of a group with no first step (no rate, no times)', () => {
    const tally = new AfterAcceptTally();
    tally.add(ev('accepted', '2026-11-02T10:00:00Z', { businessHours: 3 }));
    tally.add(ev('meeting_held', '2026-11-03T10:00:00Z'));
    expect(tally.stats()).toEqual(afterAccept());
  });
});

describe('keptOnTime: done on or before the step’s latest date, in the AE’s calendar', () => {
  it('reads the day the step was done in the AE’s zone, not UTC’s', () => {
    // 23:30 in Berlin on the 2nd is the 2nd there, though 22:30 UTC; 00:30 Berlin on the 3rd is late.
    expect(keptOnTime(new Date('2026-12-02T22:30:00Z'), '2026-12-02', 'Europe/Berlin')).toBe(true);
    expect(keptOnTime(new Date('2026-12-02T23:30:00Z'), '2026-12-02', 'Europe/Berlin')).toBe(false);
    // In Los Angeles 02:00 UTC on the 3rd is still the 2nd.
    expect(keptOnTime(new Date('2026-12-03T02:00:00Z'), '2026-12-02', 'America/Los_Angeles')).toBe(true);
    // Early counts as kept.
    expect(keptOnTime(new Date('2026-11-20T10:00:00Z'), '2026-12-02', 'Europe/Berlin')).toBe(true);
  });
});

describe('openStep: an accepted deal’s first step as the App Home lists it', () => {
  const facts = (over: Partial<StepFacts> = {}): StepFacts => ({
    status: 'accepted',
    outcome: null,
    firstStep: 'Intro call with Dana',
    firstStepDue: '2026-12-02',
    firstStepDoneAt: null,
    aeTimeZone: 'Europe/Berlin',
    ...over,
  });

  it('is due through its date in the AE’s calendar, idle from the next day', () => {
    const step = { step: 'Intro call with Dana', due: '2026-12-02' };
    expect(openStep(facts(), new Date('2026-12-01T10:00:00Z'))).toEqual({ kind: 'due', ...step });
    // The last minute of the 2nd in Berlin (22:59 UTC): still due; the first of the 3rd: idle.
    expect(openStep(facts(), new Date('2026-12-02T22:59:00Z'))).toEqual({ kind: 'due', ...step });
    expect(openStep(facts(), new Date('2026-12-02T23:00:00Z'))).toEqual({ kind: 'idle', ...step });
  });

  it('has none once an outcome is recorded, without a step, or when the deal is not accepted', () => {
    const late = new Date('2026-12-09T10:00:00Z');
    expect(openStep(facts({ outcome: 'meeting_held' }), late)).toBeUndefined();
    expect(openStep(facts({ firstStepDoneAt: new Date('2026-12-01T10:00:00Z') }), late)).toBeUndefined();
    expect(openStep(facts({ firstStep: null, firstStepDue: null }), late)).toBeUndefined();
    expect(openStep(facts({ status: 'taken_back' }), late)).toBeUndefined();
    expect(openStep(facts({ status: 'sent' }), late)).toBeUndefined();
  });
});
