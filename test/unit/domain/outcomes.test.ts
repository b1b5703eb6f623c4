import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { DECLINE_REASON_CODES, DECLINE_REASONS } from '../../../src/domain/decline.js';
import {
  canRecordOutcome,
  isLostReason,
  LOST_REASON_CODES,
  LOST_REASONS,
  nextOutcomes,
  type Outcome,
} from '../../../src/domain/outcomes.js';
import { settingsOver, settingsValues } from '../../../src/program/settings.js';

describe('outcome steps only move forward', () => {
  it.each<[Outcome | null, Outcome, boolean]>([
    [null, 'meeting_held', true],
    [null, 'opportunity_created', true],
    [null, 'won', true],
    [null, 'lost', true],
    ['meeting_held', 'meeting_held', false],
    ['meeting_held', 'opportunity_created', true],
    ['opportunity_created', 'meeting_held', false],
    ['opportunity_created', 'won', true],
    ['won', 'lost', false],
    ['lost', 'won', false],
    ['won', 'meeting_held', false],
  ])('from %s, %s is %s', (current, next, allowed) => {
    expect(canRecordOutcome(current, next)).toBe(allowed);
  });

  it('offers what is left, in order, and nothing after a final step', () => {
    expect(nextOutcomes(null)).toEqual(['meeting_held', 'opportunity_created', 'won', 'lost']);
    expect(nextOutcomes('meeting_held')).toEqual(['opportunity_created', 'won', 'lost']);
    expect(nextOutcomes('opportunity_created')).toEqual(['won', 'lost']);
    expect(nextOutcomes('won')).toEqual([]);
    expect(nextOutcomes('lost')).toEqual([]);
  });
});

describe('lost reasons', () => {
  it('each have an internal label and a different partner-safe wording', () => {
    for (const code of LOST_REASON_CODES) {
      expect(LOST_REASONS[code].label.length).toBeGreaterThan(0);
      expect(LOST_REASONS[code].partnerSafe).not.toContain(LOST_REASONS[code].label);
    }
    expect(isLostReason('competitor')).toBe(true);
    expect(isLostReason('toString')).toBe(false);
    expect(isLostReason(undefined)).toBe(false);
  });
});

describe('what the partner contact reads of a loss or a decline', () => {
  it('never points them to their partner contact: they are the partner contact', () => {
    const said = [
      ...LOST_REASON_CODES.map((c) => LOST_REASONS[c].partnerSafe),
      ...DECLINE_REASON_CODES.map((c) => DECLINE_REASONS[c].partnerSafe),
    ];
    for (const words of said) expect(words).not.toMatch(/partner contact/i);
    expect(LOST_REASONS.other.partnerSafe).toBe('The deal did not go ahead; our team can tell you more.');
  });
});

describe('STALL_BUSINESS_DAYS', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
  it('defaults to 5, accepts 0 to turn nudges off, and refuses nonsense by name', () => {
    const stall = (env: Record<string, string>) =>
      settingsOver(() => settingsValues(loadConfig({ ...base, ...env }).programSettings)).get(
        'stallBusinessDays',
      );
    expect(stall({})).toBe(5);
    expect(stall({ STALL_BUSINESS_DAYS: '0' })).toBe(0);
    expect(() => loadConfig({ ...base, STALL_BUSINESS_DAYS: 'often' })).toThrow(
      /STALL_BUSINESS_DAYS must be a whole number/,
    );
  });
});
