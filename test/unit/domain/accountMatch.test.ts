import { describe, expect, it } from 'vitest';
import { accountDomain, accountKey, otherAccountsNamed } from '../../../src/domain/accountMatch.js';

describe('accountKey: spellings of one company match', () => {
  it.each<[string, string]>([
    ['Northwind Logistics', 'NORTHWIND LOGISTICS'],
    ['Northwind Logistics', 'northwind logistics'],
    ['Northwind-Logistics', 'Northwind Logistics'],
    ['Northwind.Logistics', 'Northwind Logistics'],
    ["Northwind's Logistics", 'Northwind s Logistics'],
    ['  Northwind   Logistics  ', 'Northwind Logistics'],
    ['Northwind\tLogistics\n', 'Northwind Logistics'],
    ['Müller', 'Muller'],
    ['Müller Logistik GmbH', 'Muller Logistik'],
    ['Société Générale', 'Societe Generale'],
    ['Ångström Labs', 'Angstrom Labs'],
    ['The Northwind Logistics', 'Northwind Logistics'],
    ['the northwind logistics', 'Northwind Logistics'],
    ['Acme Inc', 'Acme'],
    ['Acme Inc.', 'Acme'],
    ['Acme, Inc.', 'Acme'],
    ['Acme Incorporated', 'Acme'],
    ['Acme LLC', 'Acme'],
    ['Acme L.L.C.', 'Acme LLC'],
    ['Acme S.A.', 'Acme'],
    ['Acme B.V.', 'Acme'],
    ['Acme Ltd', 'Acme'],
    ['Acme Ltd.', 'Acme'],
    ['Acme Limited', 'Acme'],
    ['Acme GmbH', 'Acme'],
    ['Acme AG', 'Acme'],
    ['Acme SA', 'Acme'],
    ['Acme BV', 'Acme'],
    ['Acme PLC', 'Acme'],
    ['Acme Corp.', 'Acme'],
    ['Acme Corporation', 'Acme'],
    ['Acme Co.', 'Acme'],
    ['Acme Holdings Inc', 'Acme'],
    ['Acme Holdings, Ltd.', 'Acme'],
    ['Acme Group Holdings PLC', 'Acme'],
    ['The Acme Co.', 'Acme'],
    ['The Northwind-Logistics GmbH', 'northwind logistics'],
    ['Smith & Sons', 'Smith and Sons'],
    ['Smith&Sons', 'Smith and Sons'],
    ['AT&T', 'AT and T'],
  ])('%j ≡ %j', (a, b) => {
    expect(accountKey(a)).toBe(accountKey(b));
  });
});

describe('accountKey: different companies do not match', () => {
  it.each<[string, string]>([
    ['Northwind', 'Northwind Logistics'],
    ['Acme', 'Acme Bank'],
    ['Acme', 'Acme Bank Inc'],
    ['Acme Logistics', 'Acme Inc Logistics'],
    ['Northwind Logistics', 'Northwind Logistic'],
    ['Theory Labs', 'ory Labs'],
    ['Theory Labs', 'Labs'],
    ['Meridian Cloud', 'Meridian Cloud Consulting'],
    ['Acme', 'Inc'],
    ['Inc', ''],
    ['The Company', ''],
    ['Smith & Sons', 'Smith Sons'],
  ])('%j ≢ %j', (a, b) => {
    expect(accountKey(a)).not.toBe(accountKey(b));
  });
});

describe('accountKey: a name that is only a legal form or "The" is kept, never emptied', () => {
  it.each<[string, string]>([
    ['The Company', 'company'],
    ['Company', 'company'],
    ['Inc', 'inc'],
    ['Inc.', 'inc'],
    ['The Inc', 'inc'],
    ['The', 'the'],
    ['Holdings Inc', 'holdings'],
    ['The Northwind-Logistics GmbH', 'northwind logistics'],
    ['Müller GmbH', 'muller'],
  ])('%j → %j', (name, key) => {
    expect(accountKey(name)).toBe(key);
  });
});

describe('accountDomain: the registrable domain', () => {
  it.each<[string, string]>([
    ['northwind.com', 'northwind.com'],
    ['www.northwind.com', 'northwind.com'],
    ['https://eu.northwind.com/path', 'northwind.com'],
    ['NORTHWIND.COM', 'northwind.com'],
    ['  northwind.com  ', 'northwind.com'],
    ['http://www.northwind.com:8080/x?y=1', 'northwind.com'],
    ['northwind.co.uk', 'northwind.co.uk'],
    ['shop.northwind.co.uk', 'northwind.co.uk'],
    ['https://www.eu.northwind.co.uk/x', 'northwind.co.uk'],
  ])('%j → %j', (value, domain) => {
    expect(accountDomain(value)).toBe(domain);
  });

  it.each<[string, string]>([
    ['northwind.com', 'northwind.co.uk'],
    ['northwind.com', 'northwind-logistics.com'],
    ['northwind.co.uk', 'co.uk'],
  ])('%j and %j are different accounts', (a, b) => {
    expect(accountDomain(a)).not.toBe(accountDomain(b));
  });

  it.each<[string]>([
    ['not a domain'],
    ['localhost'],
    ['http://localhost:3000'],
    [''],
    ['   '],
    ['northwind'],
    ['co.uk'],
    ['192.168.0.1'],
  ])('%j → undefined', (value) => {
    expect(accountDomain(value)).toBeUndefined();
  });
});

describe('the other accounts a text names', () => {
  const known = [
    'Coho Winery',
    'Blue Yonder',
    'Contoso Pharma',
    'Contoso Retail',
    'Northwind Logistics, Inc.',
  ];

  it('names another account in full or by its first word written as a name, as first known', () => {
    expect(otherAccountsNamed('We automate Coho Winery’s bottling schedule.', 'Blue Yonder', known)).toEqual([
      'Coho Winery',
    ]);
    expect(otherAccountsNamed('Dana knows the NORTHWIND ops team.', 'Blue Yonder', known)).toEqual([
      'Northwind Logistics, Inc.',
    ]);
    // Not typed yet: any account named is another one.
    expect(otherAccountsNamed('Coho asked for a demo.', '', known)).toEqual(['Coho Winery']);
  });

  it('none when the text also names this account, names none, or only as an ordinary word', () => {
    expect(otherAccountsNamed('Coho Winery, like Blue Yonder, asked.', 'Blue Yonder', known)).toEqual([]);
    expect(otherAccountsNamed('Contoso wants a workshop.', 'Contoso Pharma', known)).toEqual([]);
    expect(otherAccountsNamed('Dana meets the ops team monthly.', 'Blue Yonder', known)).toEqual([]);
    expect(otherAccountsNamed('the northwind wind is strong', 'Blue Yonder', known)).toEqual([]);
    expect(otherAccountsNamed('Coho Winery asked again.', 'coho winery', known)).toEqual([]);
  });
});
