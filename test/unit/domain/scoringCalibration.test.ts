import { describe, expect, it } from 'vitest';
import { readiness } from '../../../src/domain/readiness.js';
import { COMPONENTS, scorePacket } from '../../../src/domain/scoring.js';
import {
  CALIBRATION,
  CALIBRATION_BANDS,
  CALIBRATION_CONTEXT,
  type CalibrationKind,
} from '../../fixtures/packets/calibration.js';

const BANDS = { ready: 15, fix: 10 };

const scored = CALIBRATION.map((c) => ({
  ...c,
  card: scorePacket(
    c.packet,
    { ...CALIBRATION_CONTEXT, ...(c.ownerName ? { ownerName: c.ownerName } : {}) },
    BANDS,
  ),
}));

describe('the calibration set', () => {
  it.each<CalibrationKind>(['good', 'weak', 'filler'])('has at least four %s packets', (kind) => {
    expect(CALIBRATION.filter((c) => c.kind === kind).length).toBeGreaterThanOrEqual(4);
  });

  it('keeps its bands apart: every good packet outscores every weak one, every weak one every filler', () => {
    const { good, weak, filler } = CALIBRATION_BANDS;
    expect(good.min).toBeGreaterThan(weak.max);
    expect(weak.min).toBeGreaterThan(filler.max);
    const totals = (kind: CalibrationKind) => scored.filter((c) => c.kind === kind).map((c) => c.card.total);
    expect(Math.min(...totals('good'))).toBeGreaterThan(Math.max(...totals('weak')));
    expect(Math.min(...totals('weak'))).toBeGreaterThan(Math.max(...totals('filler')));
  });

  it.each(scored.map((c) => [`${c.kind}: ${c.name}`, c] as const))('%s lands in its band', (_, c) => {
    const { min, max } = CALIBRATION_BANDS[c.kind];
    expect(c.card.total).toBeGreaterThanOrEqual(min);
    expect(c.card.total).toBeLessThanOrEqual(max);
    expect(c.card.components.map((component) => component.id)).toEqual([...COMPONENTS]);
    for (const component of c.card.components) {
      expect(component.reason).toMatch(/^(strong|weak|missing): \S/);
    }
  });

  it('bands good packets ready, and no weak or filler packet ready', () => {
    for (const c of scored) expect(c.card.band === 'ready', c.name).toBe(c.kind === 'good');
  });

  it('gives filler nothing strong, and nothing at all for the owner, the window or the next moves', () => {
    for (const c of scored.filter((s) => s.kind === 'filler')) {
      for (const component of c.card.components) {
        expect(component.score, `${c.name}: ${component.id}`).toBeLessThan(2);
      }
      const scoreOf = (id: string) => c.card.components.find((component) => component.id === id)?.score;
      for (const id of ['owner', 'acceptance_criteria', 'partner_offer', 'next_action', 'buyer_problem']) {
        expect(scoreOf(id), `${c.name}: ${id}`).toBe(0);
      }
      expect(
        readiness(c.packet, null)
          .filter((item) => item.met)
          .map((item) => item.label),
      ).not.toContain('The partner agreed their next move in writing');
    }
  });

  it('meets every readiness item only for good packets agreed in writing', () => {
    for (const c of scored) {
      const allMet = readiness(c.packet, null).every((item) => item.met);
      expect(allMet, c.name).toBe(c.kind === 'good' && c.packet.partnerAgreedInWriting);
    }
  });
});
