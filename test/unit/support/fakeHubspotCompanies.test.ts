import { Client } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHubspot } from '../../support/fakeHubspot.js';

/** The fake HubSpot's companies, deals associated with them, and the search the account lookup sends. */
let fake: FakeHubspot;

beforeEach(async () => {
  fake = await FakeHubspot.start();
});
afterEach(async () => {
  await fake.stop();
});

const client = () =>
  new Client({ accessToken: fake.accessToken, basePath: fake.apiUrl, numberOfApiCallRetries: 0 });

const search = (type: string, body: unknown) =>
  fetch(`${fake.apiUrl}/crm/v3/objects/${type}/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fake.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('companies and their deals', () => {
  it('finds a company by domain, then its open deals and those closed since a day, earliest created first', async () => {
    const litware = fake.addCompany({ name: 'Litware Health', domain: 'litware.example' });
    fake.addCompany({ name: 'Other', domain: 'other.example' });
    const renewal = fake.addDeal({ name: 'Renewal', companyId: litware, createdAt: '2026-10-26' });
    const won = fake.addDeal({
      name: 'Won lately',
      companyId: litware,
      stage: 'closedwon',
      createdAt: '2026-02-01',
      closeDate: '2026-11-10',
    });
    fake.addDeal({
      name: 'Lost long ago',
      companyId: litware,
      stage: 'closedlost',
      createdAt: '2025-01-01',
      closeDate: '2025-03-01',
    });
    fake.addDeal({ name: 'Elsewhere', createdAt: '2026-01-01' });
    const companies = await client().crm.companies.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'domain', operator: 'EQ' as never, value: 'LITWARE.example' }] },
      ],
      properties: ['name', 'domain'],
      limit: 10,
    });
    expect(companies.total).toBe(1);
    expect(companies.results[0]?.id).toBe(litware);
    expect(companies.results[0]?.properties).toMatchObject({
      name: 'Litware Health',
      domain: 'litware.example',
    });
    const since = String(Date.parse('2026-11-01T00:00:00Z'));
    const deals = await client().crm.deals.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: 'associations.company', operator: 'EQ' as never, value: litware },
            { propertyName: 'hs_is_closed', operator: 'EQ' as never, value: 'false' },
          ],
        },
        {
          filters: [
            { propertyName: 'associations.company', operator: 'EQ' as never, value: litware },
            { propertyName: 'closedate', operator: 'GTE' as never, value: since },
          ],
        },
      ],
      sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }] as never,
      properties: ['dealname', 'createdate', 'closedate', 'hs_is_closed'],
      limit: 20,
    });
    expect(deals.total).toBe(2);
    expect(deals.results.map((d) => d.id)).toEqual([won, renewal]);
    expect(deals.results[1]?.properties).toMatchObject({
      dealname: 'Renewal',
      createdate: '2026-10-26T12:00:00.000Z',
      hs_is_closed: 'false',
    });
  });

  it('pages by `after` and enforces the search limits (groups, filters, sorts, the 10,000th result)', async () => {
    // Many searches in a second: the per-second search limit is another test's.
    await fake.stop();
    fake = await FakeHubspot.start({ searchPerSecondLimit: 100 });
    const company = fake.addCompany({ name: 'Big', domain: 'big.example' });
    for (let i = 0; i < 5; i++) fake.addDeal({ name: `D${i}`, companyId: company });
    const byCompany = { filters: [{ propertyName: 'associations.company', operator: 'EQ', value: company }] };
    const first = (await (await search('deals', { filterGroups: [byCompany], limit: 2 })).json()) as {
      total: number;
      results: unknown[];
      paging?: { next: { after: string } };
    };
    expect(first.total).toBe(5);
    expect(first.results).toHaveLength(2);
    expect(first.paging?.next.after).toBe('2');
    const filter = { propertyName: 'dealname', operator: 'EQ', value: 'x' };
    const refused = [
      { filterGroups: Array.from({ length: 6 }, () => ({ filters: [filter] })) },
      { filterGroups: [{ filters: Array.from({ length: 7 }, () => filter) }] },
      {
        filterGroups: Array.from({ length: 4 }, () => ({ filters: Array.from({ length: 5 }, () => filter) })),
      },
      { sorts: ['createdate', 'dealname'] },
      { limit: 201 },
      { after: '9950', limit: 100 },
      {
        filterGroups: [
          { filters: [{ propertyName: 'associations.company', operator: 'IN', values: ['1'] }] },
        ],
      },
    ];
    for (const body of refused) {
      const res = await search('deals', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { category: string }).category).toBe('VALIDATION_ERROR');
    }
  });
});
