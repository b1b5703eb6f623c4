import { describe, expect, it } from 'vitest';
import {
  DECLINE_REASON_CODES,
  DECLINE_REASONS,
  type DeclineReason,
  isDeclineReason,
} from '../../../src/domain/decline.js';
import { partnerSafeUpdate } from '../../../src/domain/partnerSafe.js';

describe('decline reasons', () => {
  it('covers the coded reasons of the product', () => {
    const codes = [
      'wrong_owner',
      'already_working',
      'duplicate',
      'timing',
      'no_clear_problem',
      'no_clear_next_step',
      'partner_not_fit',
      'other',
    ];
    expect(DECLINE_REASON_CODES).toEqual(expect.arrayContaining(codes));
  });

  it.each(DECLINE_REASON_CODES.filter((code) => code !== 'neutral'))(
    '%s has a label and a distinct partner-safe wording',
    (code) => {
      const { label, partnerSafe } = DECLINE_REASONS[code];
      expect(label.trim()).not.toBe('');
      expect(partnerSafe.trim()).not.toBe('');
      expect(partnerSafe).not.toBe(label);
    },
  );

  it('offers a neutral reason: counted as its own code, with no reason given to the partner', () => {
    expect(DECLINE_REASONS.neutral.label.trim()).not.toBe('');
    expect(DECLINE_REASONS.neutral.partnerSafe).toBe('');
  });

  it('never tells the partner they are "not a fit" or name an internal owner problem', () => {
    expect(DECLINE_REASONS.partner_not_fit.partnerSafe.toLowerCase()).not.toContain('not a fit');
    expect(DECLINE_REASONS.wrong_owner.partnerSafe.toLowerCase()).not.toContain('not my account');
  });

  it('recognises only known codes', () => {
    expect(isDeclineReason('timing')).toBe(true);
    expect(isDeclineReason('toString')).toBe(false);
    expect(isDeclineReason('__proto__')).toBe(false);
    expect(isDeclineReason('TIMING')).toBe(false);
    expect(isDeclineReason(undefined)).toBe(false);
  });
});

describe('partnerSafeUpdate', () => {
  const internal = {
    riskNote: 'SECRET-risk: reseller Contoso registered',
    evidenceUrl: 'https://internal.example.com/SECRET-evidence',
    note: 'SECRET-note: partner is unreliable',
    whyPartner: 'SECRET-why',
    crmOpportunity: 'SECRET-OPP-991',
    customerTrigger: 'SECRET-trigger',
    aeUserId: 'U0SECRETAE',
    partnerChannelId: 'C0SECRET',
    score: 17,
  };
  const handoff = {
    accountName: 'Northwind Logistics',
    partnerOrg: 'Meridian Cloud Consulting',
    partnerContactName: 'Dana Reyes',
    aeName: 'Jordan Seller',
    ...internal,
  };

  /** What any update may carry, sorted; a decline may add its reason's wording. */
  const ALLOWED = [
    'accountName',
    'aeName',
    'event',
    'partnerContactName',
    'partnerNextMove',
    'partnerNextMoveDate',
    'partnerOrg',
  ];

  it('keeps only the allow-listed fields for an acceptance', () => {
    const update = partnerSafeUpdate(handoff, 'accepted');
    expect(Object.keys(update).sort()).toEqual(ALLOWED);
    const json = JSON.stringify(update);
    for (const value of Object.values(internal)) expect(json).not.toContain(String(value));
    expect(json).not.toContain('SECRET');
  });

  it('adds the partner-safe wording, never the label, for a decline', () => {
    const update = partnerSafeUpdate(handoff, 'declined', 'already_working');
    expect(Object.keys(update).sort()).toEqual([...ALLOWED, 'reasonWording']);
    expect(update.reasonWording).toBe(DECLINE_REASONS.already_working.partnerSafe);
    const json = JSON.stringify(update);
    expect(json).not.toContain(DECLINE_REASONS.already_working.label);
    expect(json).not.toContain('SECRET');
  });

  it('no wording restates what the message already says ("not taken forward for now")', () => {
    for (const reason of Object.values(DECLINE_REASONS))
      expect(reason.partnerSafe).not.toMatch(/not taking|taken forward|taking this one forward/i);
  });

  it('adds no wording for the neutral reason', () => {
    const update = partnerSafeUpdate(handoff, 'declined', 'neutral');
    expect(update.event).toBe('declined');
    expect('reasonWording' in update).toBe(false);
  });

  it.each([null, undefined])('falls back to the "other" wording when the code is %s', (code) => {
    expect(partnerSafeUpdate(handoff, 'declined', code as DeclineReason | null).reasonWording).toBe(
      DECLINE_REASONS.other.partnerSafe,
    );
  });
});
