import { describe, expect, it } from 'vitest';
import {
  attribute,
  basisOf,
  type CrmCheck,
  type CrmOpportunity,
  relevantOpportunities,
} from '../../../src/domain/attribution.js';

const TOUCH = '2026-11-23';
const packet = { crmOpportunity: null, opportunityCreatedOn: null, partnerTouchOn: TOUCH };

const opp = (id: string, createdOn: string | null, more: Partial<CrmOpportunity> = {}): CrmOpportunity => ({
  system: 'salesforce',
  id,
  name: `Opp ${id}`,
  stage: 'Prospecting',
  createdOn,
  closed: false,
  closedOn: null,
  ...more,
});

const checked = (opportunities: CrmOpportunity[], pick?: string): CrmCheck => ({
  kind: 'checked',
  crm: 'Salesforce',
  systems: ['salesforce'],
  opportunities,
  ...(pick ? { pick } : {}),
});

describe('attribute: the rule with the CRM asked', () => {
  it('without a CRM says the class comes from the packet alone, not that no opportunity existed', () => {
    for (const check of [undefined, { kind: 'off' } as const]) {
      const result = attribute(packet, check);
      expect(result.classification).toBe('partner_sourced');
      expect(result.reason).toBe(
        'No CRM checked: the class comes from the packet alone, which names no existing opportunity.',
      );
      expect(result.reason).not.toMatch(/no opportunity existed/i);
    }
  });

  it('says the CRM was not reached and classifies from the packet', () => {
    expect(attribute(packet, { kind: 'unreached', crm: 'HubSpot' }).reason).toBe(
      'CRM not reached (HubSpot); classified from the packet, which names no existing opportunity.',
    );
    const named = attribute(
      { crmOpportunity: 'OPP-1', opportunityCreatedOn: '2026-10-01', partnerTouchOn: TOUCH },
      { kind: 'unreached', crm: 'Salesforce' },
    );
    expect(named).toMatchObject({ classification: 'partner_influenced', opportunity: null });
    expect(named.reason).toMatch(
      /^CRM not reached \(Salesforce\); classified from the packet\. The opportunity existed/,
    );
  });

  it('says the CRM could not tell, never "none", when look-alike accounts filled its search', () => {
    const result = attribute(packet, { kind: 'unreached', crm: 'Salesforce', undecided: true });
    expect(result.reason).toBe(
      'CRM could not tell (Salesforce: more accounts named like this one than one search reads); classified from the packet, which names no existing opportunity.',
    );
    expect(result.reason).not.toMatch(/no opportunit(y|ies) (on|existed)/i);
  });

  it('lets the earliest opportunity open when the partner acted decide: influenced', () => {
    const result = attribute(packet, checked([opp('b', '2026-11-01'), opp('a', '2026-10-26')]));
    expect(result).toMatchObject({ classification: 'partner_influenced', opportunity: { id: 'a' } });
    expect(result.reason).toBe(
      "In Salesforce, “Opp a” existed on 2026-10-26, before or on the partner's first action on 2026-11-23.",
    );
  });

  it('is sourced when the earliest was created after the partner acted (the same day is before)', () => {
    expect(attribute(packet, checked([opp('a', '2026-11-24')])).classification).toBe('partner_sourced');
    expect(attribute(packet, checked([opp('a', TOUCH)])).classification).toBe('partner_influenced');
  });

  it('leaves out what closed before the partner acted; keeps what closed on or after', () => {
    const gone = opp('old', '2025-01-01', { closed: true, closedOn: '2025-06-30' });
    const lately = opp('late', '2026-02-01', { closed: true, closedOn: TOUCH });
    expect(relevantOpportunities([gone, lately], TOUCH).map((o) => o.id)).toEqual(['late']);
    const onlyGone = attribute(packet, checked([gone]));
    expect(onlyGone.classification).toBe('partner_sourced');
    expect(onlyGone.reason).toBe(
      'Salesforce was searched for this account: it found no opportunity open when the partner first acted or created since, and the packet names none.',
    );
  });

  it('reads an opportunity of unknown age as existing already, and lists it first', () => {
    const result = attribute(packet, checked([opp('dated', '2026-11-24'), opp('undated', null)]));
    expect(result).toMatchObject({ classification: 'partner_influenced', opportunity: { id: 'undated' } });
  });

  it('follows the author’s pick (another one, or none of these), and ignores a pick no longer listed', () => {
    const list = [opp('a', '2026-10-26'), opp('b', '2026-11-24')];
    const other = attribute(packet, checked(list, 'salesforce:b'));
    expect(other).toMatchObject({
      classification: 'partner_sourced',
      opportunity: { id: 'b' },
      deciding: { id: 'a' },
    });
    expect(other.reason).toContain('The author chose it over the rule’s earliest one.');
    const none = attribute(packet, checked(list, 'none'));
    expect(none).toMatchObject({ classification: 'partner_sourced', opportunity: null });
    expect(none.reason).toBe(
      'The author chose “none of these” for the 2 opportunities Salesforce has on this account, and the packet names none.',
    );
    expect(attribute(packet, checked(list, 'salesforce:zzz')).opportunity?.id).toBe('a');
  });

  it('with none chosen, the packet’s own opportunity decides', () => {
    const result = attribute(
      { crmOpportunity: 'OPP-7', opportunityCreatedOn: '2026-09-01', partnerTouchOn: TOUCH },
      checked([opp('a', '2026-11-24')], 'none'),
    );
    expect(result.classification).toBe('partner_influenced');
    // The packet's OPP-7 is not one Salesforce lists on the account: named as such, not as "an opportunity exists".
    expect(result.reason).toBe(
      "The author chose “none of these” for the one opportunity Salesforce has on this account. The packet names “OPP-7”, which Salesforce does not list on this account; the class comes from it. It existed on 2026-09-01, before or on the partner's first action on 2026-11-23.",
    );
  });

  it('calls HubSpot’s records deals', () => {
    const hubspot: CrmCheck = { kind: 'checked', crm: 'HubSpot', systems: ['hubspot'], opportunities: [] };
    expect(attribute(packet, hubspot).reason).toContain(
      'HubSpot was searched for this account: it found no deal open',
    );
    const searched: CrmCheck = {
      ...hubspot,
      searched: { name: 'Smith & Jones', domain: 'smithjones.example' },
    };
    expect(attribute(packet, searched).reason).toContain(
      'HubSpot was searched for an account named “Smith & Jones” or with the website smithjones.example: it found no deal open',
    );
  });

  it('records the basis: which opportunity, and whose choice', () => {
    const list = [opp('a', '2026-10-26'), opp('b', '2026-11-24')];
    const basis = (check: CrmCheck | undefined) => basisOf(check, attribute(packet, check), TOUCH);
    expect(basis(undefined)).toEqual({ basis: 'packet' });
    expect(basis({ kind: 'unreached', crm: 'Salesforce' })).toEqual({
      basis: 'unreached',
      crm: 'Salesforce',
    });
    expect(basis(checked(list))).toEqual({
      basis: 'crm',
      crm: 'Salesforce',
      listed: 2,
      opportunity: { system: 'salesforce', id: 'a', name: 'Opp a', createdOn: '2026-10-26' },
      choice: 'rule',
    });
    expect(basis(checked(list, 'salesforce:b'))).toMatchObject({
      choice: 'author',
      opportunity: { id: 'b' },
    });
    expect(basis(checked(list, 'none'))).toMatchObject({ choice: 'none', opportunity: null });
  });
});
