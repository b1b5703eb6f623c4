import { describe, expect, it } from 'vitest';
import { type AttributionInput, type Classification, classify } from '../../../src/domain/attribution.js';

describe('classify: partner-sourced or partner-influenced, by rule', () => {
  it.each<{ name: string; input: AttributionInput; classification: Classification; reason: string[] }>([
    {
      name: 'no opportunity',
      input: { crmOpportunity: null, opportunityCreatedOn: null, partnerTouchOn: '2026-11-23' },
      classification: 'partner_sourced',
      reason: ['No CRM checked', 'packet alone', 'names no existing opportunity'],
    },
    {
      name: 'an empty opportunity field',
      input: { crmOpportunity: '', opportunityCreatedOn: null, partnerTouchOn: '2026-11-23' },
      classification: 'partner_sourced',
      reason: ['No CRM checked', 'packet alone', 'names no existing opportunity'],
    },
    {
      name: 'no opportunity, even with a stray creation date',
      input: { crmOpportunity: null, opportunityCreatedOn: '2026-01-05', partnerTouchOn: '2026-11-23' },
      classification: 'partner_sourced',
      reason: ['No CRM checked', 'packet alone', 'names no existing opportunity'],
    },
    {
      name: 'opportunity created the day after the partner touch',
      input: { crmOpportunity: 'OPP-1234', opportunityCreatedOn: '2026-11-24', partnerTouchOn: '2026-11-23' },
      classification: 'partner_sourced',
      reason: ['2026-11-24', 'after', '2026-11-23'],
    },
    {
      name: 'opportunity created after the touch, across a year end',
      input: { crmOpportunity: 'OPP-1234', opportunityCreatedOn: '2027-01-04', partnerTouchOn: '2026-12-31' },
      classification: 'partner_sourced',
      reason: ['2027-01-04', '2026-12-31'],
    },
    {
      name: 'opportunity created the same day as the touch',
      input: { crmOpportunity: 'OPP-1234', opportunityCreatedOn: '2026-11-23', partnerTouchOn: '2026-11-23' },
      classification: 'partner_influenced',
      reason: ['2026-11-23', 'before or on'],
    },
    {
      name: 'opportunity created the day before the touch',
      input: { crmOpportunity: 'OPP-1234', opportunityCreatedOn: '2026-11-22', partnerTouchOn: '2026-11-23' },
      classification: 'partner_influenced',
      reason: ['2026-11-22', '2026-11-23'],
    },
    {
      name: 'opportunity created the year before',
      input: {
        crmOpportunity: 'https://crm.example.com/opp/1234',
        opportunityCreatedOn: '2025-12-31',
        partnerTouchOn: '2026-01-02',
      },
      classification: 'partner_influenced',
      reason: ['2025-12-31', '2026-01-02'],
    },
    {
      name: 'opportunity of unknown creation date',
      input: { crmOpportunity: 'OPP-1234', opportunityCreatedOn: null, partnerTouchOn: '2026-11-23' },
      classification: 'partner_influenced',
      reason: ['already exists', 'creation date is not given'],
    },
    {
      name: 'opportunity with an empty creation date',
      input: { crmOpportunity: 'OPP-1234', opportunityCreatedOn: '', partnerTouchOn: '2026-11-23' },
      classification: 'partner_influenced',
      reason: ['creation date is not given'],
    },
  ])('$name → $classification', ({ input, classification, reason }) => {
    const result = classify(input);
    expect(result.classification).toBe(classification);
    for (const part of reason) expect(result.reason).toContain(part);
  });

  it('is deterministic: the same packet always gets the same classification and reason', () => {
    const input = {
      crmOpportunity: 'OPP-1',
      opportunityCreatedOn: '2026-11-20',
      partnerTouchOn: '2026-11-23',
    };
    expect(classify({ ...input })).toEqual(classify({ ...input }));
  });
});
