import { describe, expect, it } from 'vitest';
import { type Classification, classify } from '../../../src/domain/attribution.js';

const [S, I] = ['partner_sourced', 'partner_influenced'] as const;
const [OPP, TOUCH] = ['OPP-1234', '2026-11-23'];
const PACKET_ALONE = ['No CRM checked', 'packet alone', 'names no existing opportunity'];

describe('classify: partner-sourced or partner-influenced, by rule', () => {
  it.each<[string, string | null, string | null, string, Classification, string[]]>([
    // [case, the packet's opportunity, its creation date, the partner's touch, the class, words of the reason]
    ['no opportunity', null, null, TOUCH, S, PACKET_ALONE],
    ['an empty opportunity field', '', null, TOUCH, S, PACKET_ALONE],
    ['no opportunity, even with a stray creation date', null, '2026-01-05', TOUCH, S, PACKET_ALONE],
    [
      'opportunity created the day after the touch',
      OPP,
      '2026-11-24',
      TOUCH,
      S,
      ['2026-11-24', 'after', TOUCH],
    ],
    [
      'created after the touch, across a year end',
      OPP,
      '2027-01-04',
      '2026-12-31',
      S,
      ['2027-01-04', '2026-12-31'],
    ],
    ['opportunity created the same day as the touch', OPP, TOUCH, TOUCH, I, [TOUCH, 'before or on']],
    ['opportunity created the day before the touch', OPP, '2026-11-22', TOUCH, I, ['2026-11-22', TOUCH]],
    [
      'opportunity (a link) created the year before',
      'https://crm.example.com/opp/1234',
      '2025-12-31',
      '2026-01-02',
      I,
      ['2025-12-31', '2026-01-02'],
    ],
    [
      'opportunity of unknown creation date',
      OPP,
      null,
      TOUCH,
      I,
      ['already exists', 'creation date is not given'],
    ],
    ['opportunity with an empty creation date', OPP, '', TOUCH, I, ['creation date is not given']],
  ])(
    '%s (%s created %s, touch %s) → %s',
    (_, crmOpportunity, opportunityCreatedOn, partnerTouchOn, classification, reason) => {
      const input = { crmOpportunity, opportunityCreatedOn, partnerTouchOn };
      const result = classify(input);
      expect(result.classification).toBe(classification);
      for (const part of reason) expect(result.reason).toContain(part);
      // Deterministic: the same packet always gets the same classification and reason.
      expect(classify({ ...input })).toEqual(result);
    },
  );
});
