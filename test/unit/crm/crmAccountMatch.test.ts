import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm } from '../../../src/crm/index.js';
import { type AccountCandidates, type CrmConnector, CrmError } from '../../../src/crm/types.js';
import { createLogger } from '../../../src/logger.js';
import { connectorsPerTest, hubspotOn, salesforceOn } from '../../support/crmConnectors.js';
import { FakeHubspot } from '../../support/fakeHubspot.js';
import { FakeSalesforce } from '../../support/fakeSalesforce.js';

/**
 * The account a message names, and its owner (the message shortcut's prefill), asked of both CRMs through
 * the real clients against the fakes: by domain, by name however written (both sides normalised, then exact), never a
 * longer name with the same words; the owner's email and name, or none; and `matchAccount` choosing among them.
 */

const logger = createLogger('silent');
const JORDAN = { email: 'jordan.lee@example.com', name: 'Jordan Lee' };
const names = (found: { name: string }[]) => found.map((a) => a.name);
const only = (names: string[], domains: string[] = []): AccountCandidates => ({ names, domains });
/** More candidates than one query or search may carry. */
const MANY = only(
  Array.from({ length: 30 }, (_, i) => `Company Number ${i} of a very long list`),
  Array.from({ length: 12 }, (_, i) => `site${i}.example`),
);

let sf: FakeSalesforce;
let hs: FakeHubspot;
const salesforce = (): CrmConnector => salesforceOn(sf);
// One connector per test: each has its own share of HubSpot's searches a second (the fake's is raised here).
const hubspot = (fake = hs): CrmConnector => hubspotOn(fake);
const connect = connectorsPerTest();

beforeAll(async () => {
  sf = await FakeSalesforce.start();
  hs = await FakeHubspot.start({ searchPerSecondLimit: 100 });
  const sfOwner = sf.addUser({ firstName: 'Jordan', lastName: 'Lee', email: JORDAN.email });
  const hsOwner = hs.addOwner({ email: JORDAN.email, firstName: 'Jordan', lastName: 'Lee' });
  for (const name of ['Smith & Jones', "O'Brien Health", 'A.B. Dental', 'Clínica Saúde'])
    sf.addAccount({ name, ownerId: sfOwner });
  for (const name of ['Smith & Jones', "O'Brien Health", 'A.B. Dental', 'Clinica Saude'])
    hs.addCompany({ name, ownerId: hsOwner });
  sf.addAccount({
    name: 'Northwind-Logistics GmbH',
    website: 'https://www.northwind-logistics.com/',
    ownerId: sfOwner,
  });
  hs.addCompany({ name: 'Northwind-Logistics GmbH', domain: 'northwind-logistics.com', ownerId: hsOwner });
  // Salesforce always has an owner: null is one the integration user may not see. HubSpot's may be unset.
  sf.addAccount({ name: 'Fabrikam', ownerId: null });
  hs.addCompany({ name: 'Fabrikam' });
});
afterAll(async () => {
  await sf.stop();
  await hs.stop();
});

describe('Salesforce: accountsMatching', () => {
  it('finds an account by its website’s domain, with its owner’s email and name', async () => {
    const found = await salesforce().accountsMatching(only([], ['eu.Northwind-Logistics.com']));
    expect(found).toEqual([
      {
        system: 'salesforce',
        id: expect.stringMatching(/^001\w{15}$/),
        name: 'Northwind-Logistics GmbH',
        domain: 'northwind-logistics.com',
        owner: JORDAN,
      },
    ]);
    expect(sf.queries().at(-1)).toMatch(
      /^SELECT Id, Name, Website, Owner\.Email, Owner\.Name FROM Account WHERE \(Website LIKE '%northwind-logistics\.com%'\) LIMIT 50$/,
    );
  });

  it.each([
    ['Smith & Jones', 'Smith and Jones'],
    ["O'Brien Health", 'OBrien Health'],
    ['A.B. Dental', 'AB Dental'],
    ['Clínica Saúde', 'Clinica Saude'],
    ['Northwind-Logistics GmbH', 'Northwind Logistics'],
  ])('finds “%s” from the message’s “%s”', async (stored, written) => {
    const found = await salesforce().accountsMatching(only([written]));
    expect(names(found)).toEqual([stored]);
    expect(found[0]?.owner).toEqual(JORDAN);
  });

  it('does not take a longer name with the same words: “Northwind” is not “Northwind Logistics”', async () => {
    const before = sf.queryCount;
    expect(await salesforce().accountsMatching(only(['Northwind']))).toEqual([]);
    // Asked (the pattern finds the longer name), then dropped by the app.
    expect(sf.queryCount).toBe(before + 1);
    expect(sf.calls.at(-1)?.response).toMatchObject({ totalSize: 1 });
  });

  it('gives an account whose owner it cannot read without one', async () => {
    const [found] = await salesforce().accountsMatching(only(['Fabrikam Inc.']));
    expect(found).toMatchObject({ name: 'Fabrikam', owner: null, domain: null });
  });

  it('asks one query of bounded size, whatever the number of candidates', async () => {
    const before = sf.queryCount;
    expect(await salesforce().accountsMatching(MANY)).toEqual([]);
    expect(sf.queryCount).toBe(before + 1);
    const soql = sf.queries().at(-1) ?? '';
    expect(soql.match(/Name LIKE/g)).toHaveLength(8);
    expect(soql.match(/Website LIKE/g)).toHaveLength(4);
    expect(encodeURIComponent(soql).length).toBeLessThan(4000);
  });

  it('asks nothing for candidates with nothing to match on', async () => {
    const before = sf.queryCount;
    expect(await salesforce().accountsMatching(only(['&', ' and '], ['not a domain']))).toEqual([]);
    expect(sf.queryCount).toBe(before);
  });
});

describe('HubSpot: accountsMatching', () => {
  const searches = (fake = hs) =>
    fake.calls.filter((c) => c.path === '/crm/objects/2026-09/companies/search');
  const ownerReads = (fake = hs) => fake.calls.filter((c) => c.path.startsWith('/crm/owners/2026-09/'));

  it('finds a company by its domain, with its owner’s email and name, in one search and one owner read', async () => {
    const [search, read] = [searches().length, ownerReads().length];
    const found = await hubspot().accountsMatching(only([], ['www.northwind-logistics.com']));
    expect(found).toEqual([
      {
        system: 'hubspot',
        id: expect.stringMatching(/^\d+$/),
        name: 'Northwind-Logistics GmbH',
        domain: 'northwind-logistics.com',
        owner: JORDAN,
      },
    ]);
    expect(searches().length).toBe(search + 1);
    expect(ownerReads().length).toBe(read + 1);
  });

  it.each([
    ['Smith & Jones', 'Smith and Jones'],
    ["O'Brien Health", 'O’Brien Health'],
    ['A.B. Dental', 'AB Dental'],
    ['Clinica Saude', 'Clínica Saúde'],
    ['Northwind-Logistics GmbH', 'Northwind Logistics'],
  ])('finds “%s” from the message’s “%s”', async (stored, written) => {
    const found = await hubspot().accountsMatching(only([written]));
    expect(names(found)).toEqual([stored]);
    expect(found[0]?.owner).toEqual(JORDAN);
  });

  it('does not take a longer name with the same words: “Northwind” is not “Northwind Logistics”', async () => {
    expect(await hubspot().accountsMatching(only(['Northwind']))).toEqual([]);
    // Found by the search (its word), then dropped by the app.
    expect(searches().at(-1)?.response).toMatchObject({ total: 1 });
  });

  it('reads each owner once, and gives a company without owner none', async () => {
    const read = ownerReads().length;
    const found = await hubspot().accountsMatching(only(['Smith & Jones', 'A.B. Dental', 'Fabrikam']));
    expect(found.map((a) => [a.name, a.owner])).toEqual([
      ['Smith & Jones', JORDAN],
      ['A.B. Dental', JORDAN],
      ['Fabrikam', null],
    ]);
    expect(ownerReads().length).toBe(read + 1);
  });

  it('gives an owner HubSpot no longer has (a deactivated user: 404) as none', async () => {
    const gone = hs.addOwner({ email: 'gone@example.com', firstName: 'Gone' });
    hs.addCompany({ name: 'Litware Health', ownerId: gone });
    hs.archiveOwner(gone);
    const [found] = await hubspot().accountsMatching(only(['Litware Health']));
    expect(found).toMatchObject({ name: 'Litware Health', owner: null });
    expect(ownerReads().at(-1)?.status).toBe(404);
  });

  it('fails the match when reading an owner fails for a while (an outage), rather than hide the owner', async () => {
    hs.fail({ method: 'GET', path: /^\/crm\/owners\/2026-09\// }, { status: 503 });
    const error = await hubspot()
      .accountsMatching(only(['Smith & Jones']))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmError);
    expect((error as CrmError).opts.transient).toBe(true);
  });

  it('stays within the search limits (groups, filters) in one search, whatever the number of candidates', async () => {
    const search = searches().length;
    expect(await hubspot().accountsMatching(MANY)).toEqual([]);
    expect(
      searches()
        .slice(search)
        .map((c) => c.status),
    ).toEqual([200]);
    const { filterGroups } = (searches().at(-1)?.body ?? {}) as { filterGroups: { filters: unknown[] }[] };
    expect(filterGroups).toHaveLength(5);
    expect(filterGroups.flatMap((g) => g.filters).length).toBeLessThanOrEqual(18);
  });

  it('returns the company without its owner when the key lacks crm.objects.owners.read', async () => {
    const scopes = ['crm.objects.deals.read', 'crm.objects.companies.read', 'crm.objects.contacts.read'];
    const { fake: scoped, crm } = await connect.hubspot({ scopes });
    const owner = scoped.addOwner({ email: JORDAN.email, firstName: 'Jordan', lastName: 'Lee' });
    scoped.addCompany({ name: 'Smith & Jones', domain: 'smithjones.example', ownerId: owner });
    const found = await crm.accountsMatching(only(['Smith and Jones']));
    expect(found).toMatchObject([{ name: 'Smith & Jones', domain: 'smithjones.example', owner: null }]);
    expect(ownerReads(scoped).map((c) => c.status)).toEqual([403]);
  });
});

describe('crm.matchAccount', () => {
  const crm = () => createCrm({ connectors: [salesforce(), hubspot()], logger });

  it('chooses the account of a domain over one of a name', async () => {
    sf.addAccount({ name: 'Contoso Pharmaceuticals' });
    hs.addCompany({ name: 'Contoso', domain: 'contoso.com' });
    const match = await crm().matchAccount(only(['Contoso Pharmaceuticals'], ['contoso.com']));
    expect(match).toMatchObject({
      kind: 'matched',
      crm: 'Salesforce and HubSpot',
      by: 'domain',
      account: { system: 'hubspot', name: 'Contoso', domain: 'contoso.com' },
    });
    expect(await crm().matchAccount(only(['Contoso Pharmaceuticals']))).toMatchObject({
      kind: 'matched',
      by: 'name',
      account: { system: 'salesforce', name: 'Contoso Pharmaceuticals' },
    });
  });

  it('says what it searched when nothing matches, never that no account exists', async () => {
    const searched = only(['Tailspin Toys', 'Northwind'], ['tailspin.example']);
    expect(await crm().matchAccount(searched)).toEqual({
      kind: 'none',
      crm: 'Salesforce and HubSpot',
      searched,
    });
  });

  it('says a CRM was not reached when one fails', async () => {
    sf.fail({ method: 'GET', path: /\/query$/ }, { status: 503 });
    expect(await crm().matchAccount(only(['Smith & Jones']))).toEqual({
      kind: 'unreached',
      crm: 'Salesforce and HubSpot',
    });
  });
});
