import { describe, expect, it } from 'vitest';
import {
  groupOf,
  type OutcomeCounts,
  type ScoredHandoff,
  scoreCheck,
  verdictOf,
} from '../../../src/domain/scoreOutcomes.js';
import { DEFAULT_WEIGHTS, type ScoreWeights, weightedTotal } from '../../../src/domain/scoreWeights.js';
import { COMPONENTS, scorePacket } from '../../../src/domain/scoring.js';
import { scoringSchema } from '../../../src/program/kinds.js';
import { CALIBRATION, CALIBRATION_CONTEXT } from '../../fixtures/packets/calibration.js';

const BANDS = { ready: 15, fix: 10 };

describe("the score's weights", () => {
  it('every weight 1 (the default) gives today’s score exactly, on every calibration packet', () => {
    for (const c of CALIBRATION) {
      const ctx = { ...CALIBRATION_CONTEXT, ...(c.ownerName ? { ownerName: c.ownerName } : {}) };
      const plain = scorePacket(c.packet, ctx, BANDS);
      const sum = plain.components.reduce((s, x) => s + x.score, 0);
      expect(plain.total, c.name).toBe(sum);
      expect(scorePacket(c.packet, ctx, BANDS, DEFAULT_WEIGHTS), c.name).toEqual(plain);
    }
  });

  it('stays out of 18: round(18 × Σ w·s / Σ 2·w)', () => {
    const components = COMPONENTS.map((id, i) => ({ id, score: (i % 3) as 0 | 1 | 2 }));
    // Scores 0,1,2,0,1,2,0,1,2: sum 9.
    expect(weightedTotal(components)).toBe(9);
    const weights: ScoreWeights = { ...DEFAULT_WEIGHTS, proof: 3, owner: 0 };
    // proof (2) ×3, owner (0) ×0: Σ w·s = 9 − 2 + 6 = 13 of Σ 2w = 2 × (9 − 1 − 1 + 3) = 20 → 18 × 13 / 20 = 11.7 → 12.
    expect(weightedTotal(components, weights)).toBe(12);
    const all2 = COMPONENTS.map((id) => ({ id, score: 2 as const }));
    expect(weightedTotal(all2, weights)).toBe(18);
  });

  it('the program part takes a weight 0–3 for each of the nine, and not all 0', () => {
    expect(scoringSchema.safeParse({ weights: DEFAULT_WEIGHTS }).success).toBe(true);
    expect(scoringSchema.safeParse({ weights: { ...DEFAULT_WEIGHTS, proof: 4 } }).success).toBe(false);
    const { proof: _p, ...eight } = DEFAULT_WEIGHTS;
    expect(scoringSchema.safeParse({ weights: eight }).success).toBe(false);
    const zeros = Object.fromEntries(COMPONENTS.map((id) => [id, 0]));
    expect(scoringSchema.safeParse({ weights: zeros }).success).toBe(false);
  });
});

const counts = (packets: number, accepted: number, answered: number, won: number): OutcomeCounts => ({
  packets,
  accepted,
  answered,
  expired: 0,
  windows: answered,
  meetings: won,
  won,
});

describe('the flag rule', () => {
  it('under 30 packets a side is too few to tell: no rate, no flag', () => {
    expect(groupOf(counts(29, 20, 29, 5)).rates).toBeNull();
    expect(verdictOf(groupOf(counts(29, 29, 29, 29)), groupOf(counts(40, 0, 40, 0)))).toBe('too_few');
  });

  it('separates when strong leads by 10 points on acceptance or won and trails on neither', () => {
    const weaker = groupOf(counts(40, 20, 40, 2));
    expect(verdictOf(groupOf(counts(40, 24, 40, 2)), weaker)).toBe('separates');
    expect(verdictOf(groupOf(counts(40, 20, 40, 6)), weaker)).toBe('separates');
    // 9 points on acceptance, none on won: flagged.
    expect(verdictOf(groupOf(counts(100, 59, 100, 5)), groupOf(counts(100, 50, 100, 5)))).toBe('flagged');
    // The weaker side wins more: flagged, even with acceptance ahead.
    expect(verdictOf(groupOf(counts(40, 32, 40, 1)), groupOf(counts(40, 20, 40, 2)))).toBe('flagged');
  });

  it('groups by band and by component side; a handoff without a scorecard is in none', () => {
    const h = (over: Partial<ScoredHandoff>): ScoredHandoff => ({
      handoffId: 1,
      band: 'ready',
      components: COMPONENTS.map((id) => ({ id, score: 2 })),
      accepted: 1,
      declined: 0,
      expired: 0,
      meeting: false,
      won: false,
      ...over,
    });
    const check = scoreCheck([h({}), h({ band: null, components: null })]);
    expect(check.packets).toBe(2);
    expect(check.unscored).toBe(1);
    expect(check.bands.map((b) => [b.band, b.group.counts.packets])).toEqual([
      ['ready', 1],
      ['fix', 0],
      ['keep_building', 0],
    ]);
    expect(check.components.every((c) => c.verdict === 'too_few')).toBe(true);
  });
});
