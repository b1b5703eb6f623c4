import { describe, expect, it } from 'vitest';
import { looksLikeCrmLink, parseCrmRef, salesforceId18 } from '../../../src/domain/crmLink.js';

describe('salesforceId18', () => {
  it('adds the case-safe checksum Salesforce documents (known pairs)', () => {
    // The pair Salesforce's own help articles use for the conversion.
    expect(salesforceId18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    // By hand: no capitals gives AAA; 'H' at position 4 of chunk one is bit 3 (I); 'A' and 'C' at positions 1 and 5
    // of chunk three are bits 0 and 4 (17: R); 'T', 'P' and 'G' are bits 1, 3 and 4 (26: the digit 0).
    expect(salesforceId18('001000000000000')).toBe('001000000000000AAA');
    expect(salesforceId18('006Hs00000A1b2C')).toBe('006Hs00000A1b2CIAR');
    expect(salesforceId18('00300000003T2PG')).toBe('00300000003T2PGAA0');
  });

  it('tells ids apart that differ only in case', () => {
    expect(salesforceId18('006hs00000a1b2c')).not.toBe(salesforceId18('006Hs00000A1b2C'));
  });
});

describe('parseCrmRef', () => {
  const id15 = '006Hs00000A1b2C';
  const id18 = salesforceId18(id15);

  it('reads a bare Salesforce opportunity id, 15 or 18 characters, as the 18-character id', () => {
    expect(parseCrmRef(id15)).toEqual({ system: 'salesforce', id: id18 });
    expect(parseCrmRef(id18)).toEqual({ system: 'salesforce', id: id18 });
    expect(parseCrmRef(`  ${id18}  `)).toEqual({ system: 'salesforce', id: id18 });
  });

  it.each<[string, string | null]>([
    ['an 18-character id whose checksum does not match (mistyped)', `${id15}AAA`],
    ['an 18-character id whose checksum does not match (case-mangled)', id18.toLowerCase()],
    ['the id of another object (an account)', '001Hs00000A1b2C'],
    ['an id of 14 characters', '006Hs00000A1b2'],
    ['an id of 16 characters', '006Hs00000A1b2CI'],
    ['an opportunity name', 'OPP-55120'],
    ['nothing', ''],
    ['null', null],
    [
      'an opportunity link on a host that is not Salesforce',
      `https://evil.example.com/lightning/r/Opportunity/${id18}/view`,
    ],
    ['a Salesforce-looking host that is not Salesforce', `https://salesforce.com.evil.example/${id15}`],
    // A contact (0-1) or a company (0-2) is not a deal.
    ['a HubSpot contact', 'https://app.hubspot.com/contacts/4412345/record/0-1/501'],
    ['a HubSpot-looking host that is not HubSpot', 'https://hubspot.com.evil.example/contacts/1/deal/2'],
    ['a bare number while HubSpot is not connected', '10000000001'],
  ])('refuses %s', (_, ref) => {
    expect(parseCrmRef(ref)).toBeUndefined();
  });

  it('reads Lightning, Classic and My Domain links', () => {
    for (const url of [
      `https://acme.lightning.force.com/lightning/r/Opportunity/${id18}/view`,
      `https://acme.lightning.force.com/lightning/r/${id18}/view`,
      `https://na1.salesforce.com/${id15}`,
      `https://acme.my.salesforce.com/${id15}?srPos=0`,
      `https://acme--sandbox.sandbox.lightning.force.com/lightning/r/Opportunity/${id18}/view?ws=1`,
      `https://acme.my.salesforce.com/apex/page?id=${id15}`,
      `<https://acme.lightning.force.com/lightning/r/Opportunity/${id18}/view|Northwind renewal>`,
    ]) {
      expect(parseCrmRef(url), url).toEqual({ system: 'salesforce', id: id18 });
    }
  });

  it('reads HubSpot deal links, old and new, in any region', () => {
    for (const url of [
      'https://app.hubspot.com/contacts/4412345/deal/10000000001',
      'https://app.hubspot.com/contacts/4412345/record/0-3/10000000001',
      'https://app-eu1.hubspot.com/contacts/4412345/record/0-3/10000000001/',
      'https://app.hubspot.com/contacts/4412345/deal/10000000001/?interaction=note',
    ]) {
      expect(parseCrmRef(url), url).toEqual({ system: 'hubspot', id: '10000000001' });
    }
  });

  it('reads a bare number as a HubSpot deal only when HubSpot is connected', () => {
    expect(parseCrmRef('10000000001', { bareNumbers: true })).toEqual({
      system: 'hubspot',
      id: '10000000001',
    });
    expect(parseCrmRef('0123', { bareNumbers: true })).toBeUndefined();
  });
});

describe('looksLikeCrmLink', () => {
  it('notices a link meant for a CRM that names no record', () => {
    expect(looksLikeCrmLink('https://acme.lightning.force.com/lightning/r/Opportunity/006XYZ/view')).toBe(
      'salesforce',
    );
    expect(looksLikeCrmLink('006Hs00000A1b2CAAA')).toBe('salesforce');
    expect(looksLikeCrmLink('https://app.hubspot.com/contacts/1/deal/abc/')).toBe('hubspot');
    expect(looksLikeCrmLink('OPP-55120')).toBeUndefined();
    expect(looksLikeCrmLink('https://example.com/deal/1/')).toBeUndefined();
  });
});
