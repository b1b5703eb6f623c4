import { describe, expect, it } from 'vitest';
import { headline } from '../../../src/blocks/metrics.js';
import { computeMetrics, type MetricEvent, type Stats } from '../../../src/domain/metrics.js';
import { metricEvent } from '../../support/metricEvents.js';

/**
 * "Numbers that add up": the definitions against a fixture computed by hand. Two partners: Acme (whose
 * alias "Acme Corp" was merged into it: the merge rewrites the metric rows to Acme's key, so its handoffs arrive
 * here under `acme`) and Globex. Six handoffs in November 2026:
 *
 * H1 Acme   sent to A1, accepted by A1 (2 h); opportunity created, won.
 * H2 Acme   (typed "Acme Corp") sent to A1, declined by A1 (4 h), reassigned to A2, accepted by A2 (6 h).
 * H3 Acme   sent to A2, expired; the owner extends (not a metric event) and A2 accepts late (20 h).
 * H4 Globex sent to A3, expired; reassigned to A1, declined by A1 (1 h).
 * H5 Globex sent to A3, still open.
 * H6 Globex sent to A1, expired.
 *
 * Overall, by hand:
 * - handoffs sent: 6 (H1–H6).
 * - AE requests: 6 sends + 2 reassignments (H2→A2, H4→A1) = 8.
 * - AE windows closed: accepted 3 (H1, H2 by A2, H3 late) + declined 2 (H2 by A1, H4 by A1) + expired 3 (H3, H4,
 *   H6) = 8. (Windows opened: 8 requests + 1 reopened by H3's extension = 9 = 8 closed + 1 still open, H5.)
 * - answers: 3 + 2 = 5 (the expiries are not answers).
 * - acceptance rate: 3 of 5 = 60%; decline rate 2 of 5 = 40%.
 * - silence rate: 3 of 8 = 37.5%.
 * - time to decision over [2, 4, 6, 20, 1] sorted [1, 2, 4, 6, 20]: median 4; p90 at rank 3.6: 6 + 0.6 × 14 = 14.4.
 */
const ev = (
  type: MetricEvent['type'],
  day: number,
  handoffId: number,
  aeUserId: string,
  partnerKey: 'acme' | 'globex',
  businessHours: number | null = null,
): MetricEvent =>
  metricEvent(type, new Date(Date.UTC(2026, 10, day, 10)), {
    handoffId,
    aeUserId,
    businessHours,
    partnerKey,
    partnerOrg: partnerKey === 'acme' ? 'Acme' : 'Globex',
  });

const EVENTS: MetricEvent[] = [
  ev('sent', 2, 1, 'A1', 'acme'),
  ev('accepted', 2, 1, 'A1', 'acme', 2),
  ev('opportunity_created', 9, 1, 'A1', 'acme'),
  ev('won', 20, 1, 'A1', 'acme'),
  ev('sent', 3, 2, 'A1', 'acme'),
  ev('declined', 3, 2, 'A1', 'acme', 4),
  ev('reassigned', 4, 2, 'A2', 'acme'),
  ev('accepted', 5, 2, 'A2', 'acme', 6),
  ev('sent', 4, 3, 'A2', 'acme'),
  ev('expired', 9, 3, 'A2', 'acme'),
  ev('accepted', 11, 3, 'A2', 'acme', 20),
  ev('sent', 5, 4, 'A3', 'globex'),
  ev('expired', 10, 4, 'A3', 'globex'),
  ev('reassigned', 11, 4, 'A1', 'globex'),
  ev('declined', 12, 4, 'A1', 'globex', 1),
  ev('sent', 16, 5, 'A3', 'globex'),
  ev('sent', 6, 6, 'A1', 'globex'),
  ev('expired', 11, 6, 'A1', 'globex'),
];

const m = computeMetrics({
  from: new Date('2026-11-01T00:00:00Z'),
  to: new Date('2026-12-01T00:00:00Z'),
  timeZone: 'UTC',
  events: EVENTS,
  // A help request typed with the merged alias's spelling: counted for Acme, and Acme keeps its directory name.
  helpRequests: [
    { requestedByUserId: 'A2', partnerKey: 'acme', partnerOrg: 'Acme Corp', claimedByUserId: 'W1' },
  ],
  lastScores: new Map(),
});

const COUNTED = ['sent', 'requests', 'accepted', 'declined', 'expired', 'answered', 'windowsClosed'] as const;
/** [sent, requests, accepted, declined, expired, answered, windowsClosed] of a group. */
const counts = (s: Stats) => COUNTED.map((field) => s[field]);

describe('the metric definitions, against a hand-computed fixture', () => {
  it('overall: handoffs, AE requests, windows closed, answers and rates', () => {
    expect(counts(m.overall)).toEqual([6, 8, 3, 2, 3, 5, 8]);
    expect(m.overall.acceptanceRate).toBe(3 / 5);
    expect(m.overall.declineRate).toBe(2 / 5);
    expect(m.overall.silenceRate).toBe(3 / 8);
    expect(m.overall.medianHours).toBe(4);
    expect(m.overall.p90Hours).toBeCloseTo(14.4, 9);
    expect(m.overall.outcomes.sourced).toEqual({ meeting_held: 0, opportunity_created: 1, won: 1, lost: 0 });
    expect(m.overall.helpRequests).toBe(1);
  });

  it('per partner (the directory record: the merged alias is Acme): every count sums to the overall one', () => {
    // Acme: H1–H3. Sent 3; requests 3 + 1 (H2→A2) = 4; accepted 3 (H1, H2, H3 late), declined 1 (H2 by A1),
    // expired 1 (H3): 5 windows, 4 answers; acceptance 3/4, silence 1/5. Labelled by the directory, not "Acme Corp".
    // Globex: H4–H6. Sent 3; requests 3 + 1 (H4→A1) = 4; accepted 0, declined 1 (H4), expired 2 (H4, H6):
    // 3 windows, 1 answer; acceptance 0/1, silence 2/3.
    const byKey = Object.fromEntries(m.byPartner.map((g) => [g.key, g]));
    expect(m.byPartner.map((g) => g.key).sort()).toEqual(['acme', 'globex']);
    expect(byKey.acme?.label).toBe('Acme');
    expect(counts(byKey.acme as Stats)).toEqual([3, 4, 3, 1, 1, 4, 5]);
    expect([byKey.acme?.acceptanceRate, byKey.acme?.silenceRate, byKey.acme?.helpRequests]).toEqual([
      3 / 4,
      1 / 5,
      1,
    ]);
    expect(counts(byKey.globex as Stats)).toEqual([3, 4, 0, 1, 2, 1, 3]);
    expect([byKey.globex?.acceptanceRate, byKey.globex?.silenceRate]).toEqual([0, 2 / 3]);
    for (const field of ['sent', 'requests', 'accepted', 'declined', 'expired', 'windowsClosed'] as const) {
      expect(m.byPartner.reduce((n, g) => n + g[field], 0)).toBe(m.overall[field]);
    }
  });

  it('per AE: handoffs sent to them first, requests including reassignments to them', () => {
    // A1: sends H1, H2, H6 = 3; requests 3 + H4→A1 = 4; accepted H1; declined H2, H4; expired H6: 4 windows.
    // A2: send H3 = 1; requests 1 + H2→A2 = 2; accepted H2, H3 (late); expired H3: 3 windows.
    // A3: sends H4, H5 = 2; requests 2; expired H4: 1 window (H5 is still open).
    const byAe = Object.fromEntries(m.byAe.map((g) => [g.key, counts(g)]));
    expect(byAe).toEqual({
      A1: [3, 4, 1, 2, 1, 3, 4],
      A2: [1, 2, 2, 0, 1, 2, 3],
      A3: [2, 2, 0, 0, 1, 0, 1],
    });
    for (const field of ['sent', 'requests', 'windowsClosed'] as const) {
      expect(m.byAe.reduce((n, g) => n + g[field], 0)).toBe(m.overall[field]);
    }
  });

  it('the headline shows each figure with the counts it comes from and how it is counted', () => {
    const fields = ((headline(m.overall) as unknown as { fields: { text: string }[] }).fields ?? []).map(
      (f) => f.text,
    );
    expect(fields).toContain('*Handoffs sent*\n6\n_new handoffs sent in the period_');
    expect(fields.find((f) => f.startsWith('*AE requests*\n'))).toMatch(/^\*AE requests\*\n8\n_/);
    expect(fields.find((f) => f.startsWith('*AE windows closed*'))).toMatch(
      /^\*AE windows closed\*\n8 = 3 accepted \+ 2 declined \+ 3 expired\n_/,
    );
    expect(fields.find((f) => f.startsWith('*Acceptance rate*'))).toMatch(/\n3 of 5 \(60%\) answers\n_/);
    expect(fields.find((f) => f.startsWith('*Silence rate*'))).toMatch(/\n3 of 8 \(38%\) windows\n_/);
    for (const f of fields) expect(f).toMatch(/\n_[^_\n]+_$/);
  });
});

/**
 * Windows that end by a reassignment or a withdrawal before the AE answers: neither answered windows nor silence,
 * so not in W. The touch log has no metric event for those ends (a reassignment is the next AE's request; a
 * withdrawal or an extension is not a metric event: metric_facts never holds them, see
 * test/integration/metricsWindowEnds.test.ts for the same history written by the real transitions). By hand:
 *
 * H1 sent to A1; reassigned to A2 before A1 answered; A2 accepts (5 h).
 * H2 sent to A1; withdrawn before an answer (no metric event).
 * H3 sent to A2; expired (silence); the owner extends and then withdraws it before the late answer.
 * H4 sent to A3; reassigned to A1, then to A2, then withdrawn.
 *
 * Overall: sent 4; AE requests 4 + 3 reassignments = 7; W = 1 accepted + 0 declined + 1 expired = 2; answers 1:
 * acceptance 1 of 1, silence 1 of 2. A1: sent 2, requests 3, W 0. A2: sent 1, requests 3, W 2 (accepted H1,
 * expired H3). A3: sent 1, requests 1, W 0.
 */
describe('windows ended by a reassignment or a withdrawal: not in W', () => {
  const ended = computeMetrics({
    from: new Date('2026-11-01T00:00:00Z'),
    to: new Date('2026-12-01T00:00:00Z'),
    timeZone: 'UTC',
    events: [
      ev('sent', 2, 1, 'A1', 'acme'),
      ev('reassigned', 3, 1, 'A2', 'acme'),
      ev('accepted', 4, 1, 'A2', 'acme', 5),
      ev('sent', 2, 2, 'A1', 'acme'),
      ev('sent', 5, 3, 'A2', 'globex'),
      ev('expired', 8, 3, 'A2', 'globex'),
      ev('sent', 6, 4, 'A3', 'globex'),
      ev('reassigned', 7, 4, 'A1', 'globex'),
      ev('reassigned', 8, 4, 'A2', 'globex'),
    ],
    helpRequests: [],
    lastScores: new Map(),
  });

  it('counts reassignments as requests, only the accept and the expiry close windows, per AE no answer or silence', () => {
    expect(counts(ended.overall)).toEqual([4, 7, 1, 0, 1, 1, 2]);
    expect([ended.overall.acceptanceRate, ended.overall.silenceRate]).toEqual([1, 1 / 2]);
    const byAe = Object.fromEntries(ended.byAe.map((g) => [g.key, g]));
    expect(counts(byAe.A1 as Stats)).toEqual([2, 3, 0, 0, 0, 0, 0]);
    expect([byAe.A1?.acceptanceRate, byAe.A1?.silenceRate]).toEqual([null, null]);
    expect(counts(byAe.A2 as Stats)).toEqual([1, 3, 1, 0, 1, 1, 2]);
    expect(counts(byAe.A3 as Stats)).toEqual([1, 1, 0, 0, 0, 0, 0]);
    for (const field of ['requests', 'windowsClosed'] as const) {
      expect(ended.byAe.reduce((n, g) => n + g[field], 0)).toBe(ended.overall[field]);
    }
  });
});
