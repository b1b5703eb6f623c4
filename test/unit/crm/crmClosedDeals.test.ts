import { describe, expect, it } from 'vitest';
import { CrmError } from '../../../src/crm/types.js';
import { connectorsPerTest } from '../../support/crmConnectors.js';
import type { FakeSalesforce } from '../../support/fakeSalesforce.js';

/**
 * `closedDeals(from, to, limit)`, the deals a CRM closed in a period whether a handoff links them or not (the
 * RevOps figures compare the two), through the real connectors against the fakes: both days included, the latest
 * closed first, the amount in its currency, paging past one page, and the limit. Which deals a handoff links is the
 * figures' business (domain/moneyFigures.ts; end to end in test/integration/crmClosedDealsHome.test.ts): the
 * connector reads them all.
 */

const connect = connectorsPerTest();
const salesforce = connect.salesforce;
const hubspot = () => connect.hubspot({ now: () => Date.parse('2026-11-23T14:00:00Z') });

/** A deal as closedDeals gives it. */
const closed = (
  id: string,
  won: boolean,
  createdOn: string,
  closeDate: string,
  amount: number | null,
  currency: string | null,
  amountCorporate: number | null,
) => ({ id, won, createdOn, closeDate, amount, currency, amountCorporate });

const closedQueries = (fake: FakeSalesforce) => fake.queries().filter((q) => q.includes('IsClosed = true'));

describe('Salesforce closedDeals', () => {
  it('reads the opportunities closed in the period, both days included, latest first, each in its currency', async () => {
    const { fake, crm } = await salesforce({ multiCurrency: true });
    fake.org.addCurrency({ isoCode: 'EUR', conversionRate: 0.9 });
    const won = fake.addOpportunity({
      name: 'Won in euros',
      stageName: 'Closed Won',
      amount: 40_000,
      currencyIsoCode: 'EUR',
      // 23:30 in New York is the next day in UTC: createdOn is the UTC day.
      createdDate: '2026-10-01T23:30:00-04:00',
      closeDate: '2026-11-20',
    });
    const lost = fake.addOpportunity({
      name: 'Lost in dollars',
      stageName: 'Closed Lost',
      amount: 12_500,
      createdDate: '2026-09-15',
      closeDate: '2026-10-24',
    });
    const lastDay = fake.addOpportunity({
      name: 'Won on the last day',
      stageName: 'Closed Won',
      amount: null,
      createdDate: '2026-11-01',
      closeDate: '2026-11-23',
    });
    fake.addOpportunity({ name: 'Closed before', stageName: 'Closed Won', closeDate: '2026-10-23' });
    fake.addOpportunity({ name: 'Closed after', stageName: 'Closed Lost', closeDate: '2026-11-24' });
    fake.addOpportunity({ name: 'Open', stageName: 'Negotiation', closeDate: '2026-11-10' });

    const deals = await crm.closedDeals?.('2026-10-24', '2026-11-23', 2_000);
    expect(deals).toEqual([
      closed(lastDay, true, '2026-11-01', '2026-11-23', null, 'USD', null),
      closed(won, true, '2026-10-02', '2026-11-20', 40_000, 'EUR', null),
      closed(lost, false, '2026-09-15', '2026-10-24', 12_500, 'USD', null),
    ]);
    // 18-character ids, as handoffs keep them (the fake answers 18 too; the connector would lengthen 15).
    expect(deals?.every((d) => d.id.length === 18)).toBe(true);
    expect(closedQueries(fake)).toEqual([
      'SELECT Id, IsWon, CreatedDate, CloseDate, Amount, CurrencyIsoCode FROM Opportunity WHERE IsClosed = true AND CloseDate >= 2026-10-24 AND CloseDate <= 2026-11-23 ORDER BY CloseDate DESC LIMIT 2000',
    ]);
  });

  it('asks a single-currency org again without CurrencyIsoCode, once for the session', async () => {
    const { fake, crm } = await salesforce();
    const opp = fake.addOpportunity({
      name: 'Won',
      stageName: 'Closed Won',
      amount: 9_000,
      createdDate: '2026-11-02',
      closeDate: '2026-11-12',
    });
    const first = await crm.closedDeals?.('2026-11-01', '2026-11-30', 10);
    expect(first).toEqual([closed(opp, true, '2026-11-02', '2026-11-12', 9_000, null, null)]);
    await crm.closedDeals?.('2026-11-01', '2026-11-30', 10);
    // Refused with INVALID_FIELD, asked again without; the next ask knows.
    expect(closedQueries(fake).map((q) => q.includes('CurrencyIsoCode'))).toEqual([true, false, false]);
  });

  it('follows nextRecordsUrl past a page of 2,000, and reads at most the limit, the latest closed first', async () => {
    const { fake, crm } = await salesforce();
    const day = (i: number) =>
      new Date(Date.UTC(2026, 0, 1) + (i % 300) * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < 2_100; i++)
      fake.addOpportunity({
        name: `Deal ${i}`,
        stageName: i % 3 === 0 ? 'Closed Won' : 'Closed Lost',
        createdDate: '2025-12-01',
        closeDate: day(i),
      });
    const all = await crm.closedDeals?.('2026-01-01', '2026-12-31', 5_000);
    expect(all).toHaveLength(2_100);
    expect(fake.calls.filter((c) => /\/query\/01g/.test(c.path))).toHaveLength(1);
    const closes = all?.map((d) => d.closeDate ?? '') ?? [];
    expect(closes).toEqual([...closes].sort().reverse());
    const limited = await crm.closedDeals?.('2026-01-01', '2026-12-31', 2_050);
    expect(limited).toHaveLength(2_050);
    expect(closedQueries(fake).at(-1)).toMatch(/ LIMIT 2050$/);
    expect(await crm.closedDeals?.('2026-01-01', '2026-12-31', 3)).toEqual(all?.slice(0, 3));
  });

  it('refuses a period that is not two days, without asking', async () => {
    const { fake, crm } = await salesforce();
    const refused = await crm.closedDeals?.('2026-11-01 OR Id != null', '2026-11-30', 10).catch((e) => e);
    expect(refused).toBeInstanceOf(CrmError);
    expect((refused as CrmError).opts.transient).toBe(false);
    expect(closedQueries(fake)).toEqual([]);
  });
});

describe('HubSpot closedDeals', () => {
  it('searches the deals closed in the period, both days included, latest first, with the home amount', async () => {
    const { fake, crm } = await hubspot();
    fake.currencies.addRate({ from: 'EUR', conversionRate: 1.25, effectiveAt: '2026-01-01' });
    const won = fake.addDeal({
      name: 'Won in euros',
      stage: 'closedwon',
      amount: 40_000,
      currency: 'EUR',
      createdAt: '2026-10-01T23:30:00Z',
      closeDate: '2026-11-20',
    });
    const lost = fake.addDeal({
      name: 'Lost',
      stage: 'closedlost',
      amount: '12500.5',
      createdAt: '2026-09-15',
      closeDate: '2026-10-24T00:00:00Z',
    });
    const lastMoment = fake.addDeal({
      name: 'Won at the end of the last day',
      stage: 'closedwon',
      createdAt: '2026-11-01',
      closeDate: '2026-11-23T23:59:00Z',
    });
    fake.addDeal({ name: 'Closed before', stage: 'closedwon', closeDate: '2026-10-23T23:59:00Z' });
    fake.addDeal({ name: 'Closed after', stage: 'closedlost', closeDate: '2026-11-24T00:00:00Z' });
    fake.addDeal({ name: 'Open', stage: 'contractsent', closeDate: '2026-11-10' });

    const deals = await crm.closedDeals?.('2026-10-24', '2026-11-23', 2_000);
    expect(deals).toEqual([
      closed(lastMoment, true, '2026-11-01', '2026-11-23', null, null, null),
      closed(won, true, '2026-10-01', '2026-11-20', 40_000, 'EUR', 50_000),
      closed(lost, false, '2026-09-15', '2026-10-24', 12_500.5, null, 12_500.5),
    ]);
    const searches = fake.calls.filter((c) => c.path.endsWith('/deals/search'));
    expect(searches.map((c) => c.path)).toEqual(['/crm/objects/2026-09/deals/search']);
    expect(searches[0]?.body).toEqual({
      filterGroups: [
        {
          filters: [
            { propertyName: 'hs_is_closed', operator: 'EQ', value: 'true' },
            {
              propertyName: 'closedate',
              operator: 'BETWEEN',
              value: String(Date.parse('2026-10-24T00:00:00Z')),
              highValue: String(Date.parse('2026-11-23T23:59:59.999Z')),
            },
          ],
        },
      ],
      sorts: ['-closedate'],
      properties: [
        'amount',
        'deal_currency_code',
        'amount_in_home_currency',
        'hs_is_closed_won',
        'createdate',
        'closedate',
      ],
      limit: 200,
      after: '0',
    });
  });

  it('pages by after, 200 a page, and stops at the limit', async () => {
    const { fake, crm } = await hubspot();
    const start = Date.parse('2026-06-01T12:00:00Z');
    for (let i = 0; i < 250; i++)
      fake.addDeal({
        name: `Deal ${i}`,
        stage: i % 4 === 0 ? 'closedwon' : 'closedlost',
        createdAt: '2026-05-01',
        closeDate: new Date(start + i * 3_600_000).toISOString(),
      });
    const pages = () =>
      fake.calls
        .filter((c) => c.path.endsWith('/deals/search'))
        .map((c) => {
          const body = c.body as { limit: number; after: string };
          return [body.after, body.limit];
        });
    const all = await crm.closedDeals?.('2026-06-01', '2026-06-30', 2_000);
    expect(all).toHaveLength(250);
    expect(new Set(all?.map((d) => d.id)).size).toBe(250);
    expect(all?.filter((d) => d.won)).toHaveLength(63);
    expect(pages()).toEqual([
      ['0', 200],
      ['200', 200],
    ]);
    // The latest closed first, across the pages.
    expect(all?.[0]?.closeDate).toBe('2026-06-11');
    expect(all?.at(-1)?.closeDate).toBe('2026-06-01');

    const before = pages().length;
    const limited = await crm.closedDeals?.('2026-06-01', '2026-06-30', 230);
    expect(limited).toEqual(all?.slice(0, 230));
    expect(pages().slice(before)).toEqual([
      ['0', 200],
      ['200', 30],
    ]);
    const few = pages().length;
    expect(await crm.closedDeals?.('2026-06-01', '2026-06-30', 5)).toEqual(all?.slice(0, 5));
    expect(pages().slice(few)).toEqual([['0', 5]]);
    expect(fake.calls.filter((c) => c.status >= 400)).toEqual([]);
  });

  it('refuses a period that is not two days, without searching', async () => {
    const { fake, crm } = await hubspot();
    const refused = await crm.closedDeals?.('2026-11-01', 'tomorrow', 10).catch((e) => e);
    expect(refused).toBeInstanceOf(CrmError);
    expect(fake.calls.filter((c) => c.path.endsWith('/search'))).toEqual([]);
  });
});
