import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameAccountName } from '../../../src/crm/accountNames.js';
import { accountNamePattern } from '../../../src/crm/salesforceSoql.js';
import { hubspotOn, salesforceOn } from '../../support/crmConnectors.js';
import { FakeHubspot } from '../../support/fakeHubspot.js';
import { FakeSalesforce } from '../../support/fakeSalesforce.js';

/**
 * Account names as people write them: both sides normalised for the match, and the CRM asked so that
 * it finds them. The review through the real app: test/integration/crmAccountNames.test.ts.
 */

/** As stored in HubSpot, and as an author types it in the packet. */
const NAMES: [stored: string, typed: string][] = [
  ['Smith & Jones Dental', 'Smith & Jones Dental'],
  ['Smith & Wesson Health', 'Smith and Wesson Health'],
  ["O'Brien Health", "O'Brien Health"],
  ['O’Connor Clinics', "O'Connor Clinics"],
  ['Jean-Luc Pharmacies', 'Jean Luc Pharmacies'],
  ['A.B. Dental Labs', 'AB Dental Labs'],
  ['Clínica Saúde Integral', 'Clínica Saúde Integral'],
];

describe('sameAccountName and the Salesforce pattern', () => {
  it.each([
    ['Smith & Jones', 'Smith and Jones', true],
    ["O'Brien Health", 'OBrien Health', true],
    ['A.B. Dental', 'AB Dental', true],
    ['Clínica Saúde', 'Clinica Saude', true],
    ['Jean-Luc Pharmacies', 'Jean Luc Pharmacies', true],
    ['Straße AG', 'Strasse', true],
    ['Ørsted', 'Orsted', true],
    ['Smith & Jones Dental', 'Smith & Jones Dental Supply', false],
    ['Northwind', 'Northwind Logistics', false],
  ])('“%s” and “%s”: %s', (a, b, same) => {
    expect(sameAccountName(a, b)).toBe(same);
  });

  it('asks for the words in order, whatever is between them, any letter where an accent may be', () => {
    expect(accountNamePattern('Smith & Jones')).toBe("'%sm_th%j_n_s%'");
    expect(accountNamePattern("O'Brien Health")).toBe("'%_%br__n%h__lth%'");
    expect(accountNamePattern('A.B. Dental')).toBe("'%_%b%d_nt_l%'");
  });
});

describe('HubSpot: company names as people write them', () => {
  let hs: FakeHubspot;
  beforeAll(async () => {
    // Many lookups in a row: HubSpot's limit of five searches a second is not what is tested here.
    hs = await FakeHubspot.start({ searchPerSecondLimit: 100 });
    for (const [stored] of NAMES) {
      const companyId = hs.addCompany({ name: stored });
      hs.addDeal({ name: `${stored} renewal`, companyId, createdAt: '2026-10-01' });
    }
    // The same words, another company: found by the search, dropped by the app.
    const other = hs.addCompany({ name: 'Smith & Jones Dental Supply' });
    hs.addDeal({ name: 'Supply contract', companyId: other, createdAt: '2026-09-01' });
  });
  afterAll(() => hs.stop());

  it.each(NAMES)('finds the deal of “%s” from the packet’s “%s”', async (stored, typed) => {
    // One connector each: its own share of HubSpot's five searches a second.
    const crm = hubspotOn(hs);
    const found = await crm.opportunitiesOn({ name: typed, domain: null, closedSince: '2026-11-23' });
    expect(found.map((r) => r.name)).toEqual([`${stored} renewal`]);
  });
});

/**
 * The account asked for exactly first, so look-alike accounts cannot crowd its opportunity out of the
 * rows read; and when they crowd everything out, "could not tell", not "none".
 */
describe('Salesforce: the account among many look-alikes', () => {
  let sf: FakeSalesforce;
  const connector = () => salesforceOn(sf);
  beforeAll(async () => {
    sf = await FakeSalesforce.start();
    // 45 older accounts whose names the broad pattern for "Straße AG" also finds, each with an open opportunity (more
    // than the 40 rows one opportunities query reads).
    for (let i = 1; i <= 45; i++) {
      const accountId = sf.addAccount({ name: `Strategic Partners ${i}` });
      sf.addOpportunity({
        name: `Strategic ${i}`,
        accountId,
        createdDate: '2025-01-01',
        stageName: 'Prospecting',
      });
    }
    const straße = sf.addAccount({ name: 'Straße AG' });
    sf.addOpportunity({
      name: 'Straße rollout',
      accountId: straße,
      createdDate: '2026-10-01',
      stageName: 'Prospecting',
    });
  });
  afterAll(() => sf.stop());

  it.each([
    ['Straße AG', 'as Salesforce holds it'],
    ['STRASSE AG', 'with the ß written out'],
    ['Straße', 'without the legal form'],
  ])('finds the opportunity of “Straße AG” from “%s” (%s)', async (typed) => {
    const found = await connector().opportunitiesOn({ name: typed, domain: null, closedSince: '2026-11-01' });
    expect(found.map((r) => r.name)).toEqual(['Straße rollout']);
  });

  it('says it could not tell when look-alikes fill every row it reads and none is the account', async () => {
    // 200 more look-alikes of "Strand": the look-alike read is full, and none of them is "Strand".
    for (let i = 1; i <= 200; i++) sf.addAccount({ name: `Strand Holdings ${i}` });
    const asked = connector().opportunitiesOn({ name: 'Strand', domain: null, closedSince: '2026-11-01' });
    await expect(asked).rejects.toMatchObject({ opts: { undecided: true } });
    // The exact account still wins over the crowd, and a name with no crowd is simply not found: none.
    expect(
      (await connector().opportunitiesOn({ name: 'Straße AG', domain: null, closedSince: '2026-11-01' })).map(
        (r) => r.name,
      ),
    ).toEqual(['Straße rollout']);
    expect(
      await connector().opportunitiesOn({ name: 'Fabrikam', domain: null, closedSince: '2026-11-01' }),
    ).toEqual([]);
  });
});
