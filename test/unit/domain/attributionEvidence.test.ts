import { describe, expect, it } from 'vitest';
import { reviewItemText } from '../../../src/blocks/attributionItems.js';
import {
  contradiction,
  type EvidenceHandoff,
  evidenceFrom,
  setByOf,
} from '../../../src/domain/attributionEvidence.js';

/**
 * When a linked record's creation day contradicts the handoff's class (the rule: created after the
 * partner's first action, partner-sourced; on or before it, partner-influenced), and what the item says.
 */
const base: EvidenceHandoff = {
  classification: 'partner_sourced',
  attribution: { basis: 'crm', crm: 'Salesforce', listed: 0, choice: 'rule', zone: 'America/New_York' },
  partnerTouchOn: '2026-11-03',
  sentAt: new Date('2026-11-03T15:00:00Z'),
  crmSystem: 'salesforce',
  crmRecordId: '006A',
  crmRecordName: 'Litware renewal',
};
const record = (createdOn: string, createdAt: string | null = null) => ({
  createdOn,
  createdAt,
  crm: 'Salesforce',
});
const rule = { setBy: 'rule' as const };

describe('contradiction', () => {
  it('finds none when the CRM agrees, or says nothing', () => {
    expect(contradiction(base, record('2026-11-10'), rule)).toBeUndefined();
    expect(contradiction({ ...base, classification: null }, record('2026-10-26'), rule)).toBeUndefined();
    expect(contradiction({ ...base, crmRecordId: null }, record('2026-10-26'), rule)).toBeUndefined();
    expect(
      contradiction(base, { createdOn: null as unknown as string, createdAt: null, crm: 'Salesforce' }, rule),
    ).toBeUndefined();
  });

  it('created on or before the first action contradicts partner-sourced; after it, partner-influenced', () => {
    for (const day of ['2026-10-26', '2026-11-03']) {
      expect(contradiction(base, record(day), rule)).toMatchObject({
        createdOn: day,
        touchOn: '2026-11-03',
        ruleClass: 'partner_influenced',
        ambiguous: false,
      });
    }
    const influenced = { ...base, classification: 'partner_influenced' as const };
    expect(contradiction(influenced, record('2026-11-04'), rule)).toMatchObject({
      ruleClass: 'partner_sourced',
    });
  });

  it('reads the moment in the author’s zone: 00:30 UTC on the 4th is the 3rd in New York', () => {
    expect(contradiction(base, record('2026-11-04', '2026-11-04T00:30:00.000Z'), rule)).toMatchObject({
      createdOn: '2026-11-03',
      ruleClass: 'partner_influenced',
    });
  });

  it('the zone not known: a moment that is the 3rd somewhere and the 4th elsewhere may contradict (ambiguous)', () => {
    const old = { ...base, attribution: { basis: 'packet' as const } };
    const e = contradiction(old, record('2026-11-04', '2026-11-04T00:30:00.000Z'), rule);
    expect(e).toMatchObject({ createdOn: '2026-11-03', createdLatest: '2026-11-04', ambiguous: true });
    expect(reviewItemText({ id: 7, accountName: 'Litware', partnerOrg: 'Meridian' }, e as never)).toBe(
      "Handoff #7 (Litware, Meridian): sent as partner-sourced by the rule. Salesforce says its opportunity “Litware renewal” was created on 2026-11-03 or 2026-11-04 (by time zone), and the partner first acted on 2026-11-03. The author's time zone is not known: in some zones the rule would make it partner-influenced.",
    );
  });

  it('another opportunity that existed when the partner acted decided partner-influenced: a later link agrees', () => {
    const h = {
      ...base,
      classification: 'partner_influenced' as const,
      attribution: {
        basis: 'crm' as const,
        choice: 'rule' as const,
        zone: 'America/New_York',
        opportunity: {
          system: 'salesforce' as const,
          id: '006OTHER',
          name: 'Older',
          createdOn: '2026-09-01',
        },
      },
    };
    expect(contradiction(h, record('2026-11-20'), rule)).toBeUndefined();
  });

  it('keys the same evidence alike, and reads it back from storage', () => {
    const a = contradiction(base, record('2026-10-26'), rule);
    const b = contradiction(base, record('2026-10-26'), { setBy: 'correction', correctedBy: 'U0RITA' });
    expect(a?.key).toBe(b?.key);
    expect(evidenceFrom(JSON.parse(JSON.stringify(a)))).toEqual(a);
    expect(evidenceFrom({ ...a, ruleClass: 'sideways' })).toBeUndefined();
    expect(evidenceFrom(null)).toBeUndefined();
  });

  it('says how the class was set', () => {
    expect(setByOf(null)).toBe('rule');
    expect(setByOf({ basis: 'crm', choice: 'author' })).toBe('author');
    expect(setByOf({ basis: 'crm', choice: 'none' })).toBe('author');
    expect(setByOf({ basis: 'crm', choice: 'link' })).toBe('readBack');
  });
});
