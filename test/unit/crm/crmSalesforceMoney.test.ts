import { describe, expect, it } from 'vitest';
import { connectorsPerTest } from '../../support/crmConnectors.js';
import type { FakeSalesforce } from '../../support/fakeSalesforce.js';

/**
 * Salesforce's half of the money read-back: each opportunity's amount, currency, stage, close date and owner in its
 * batched query, and the org's currencies (corporate currency, static or dated rates), through the real client
 * against the fake Salesforce, in a single-currency org and in a multi-currency one.
 */

const org = connectorsPerTest().salesforce;

/** The read-back's queries (the start check's query reads no Amount). */
const stateQueries = (fake: FakeSalesforce) =>
  fake.queries().filter((q) => q.includes('Amount') && q.includes('FROM Opportunity WHERE Id IN'));

describe('Salesforce money read-back', () => {
  it('reads amount, stage, close date and owner in a single-currency org, learning once that it has no currency field', async () => {
    const { fake, crm } = await org();
    const owner = fake.addUser({ firstName: 'Jordan', lastName: 'Seller', email: 'jordan@example.com' });
    const opp = fake.addOpportunity({
      name: 'Northwind',
      amount: 125_000,
      stageName: 'Needs Analysis',
      closeDate: '2026-12-15',
      ownerId: owner,
    });
    const states = await crm.states([opp]);
    expect(states.get(opp)).toMatchObject({
      closed: false,
      won: false,
      money: {
        amount: 125_000,
        currency: null,
        amountCorporate: null,
        stage: 'Needs Analysis',
        closeDate: '2026-12-15',
        owner: 'jordan@example.com',
      },
    });
    // The first query asked for CurrencyIsoCode, Salesforce answered INVALID_FIELD, the same query went again without.
    const [first, second] = stateQueries(fake);
    expect(first).toContain('CurrencyIsoCode');
    expect(second).not.toContain('CurrencyIsoCode');
    expect(fake.calls.find((c) => c.status === 400)?.response).toEqual([
      { errorCode: 'INVALID_FIELD', message: expect.stringContaining("No such column 'CurrencyIsoCode'") },
    ]);

    // Remembered for the session: the next poll asks once, without it, and reads the changes a person made.
    fake.changeOpportunity(opp, { amount: 98_500, stageName: 'Closed Won', closeDate: '2026-12-02' });
    const later = await crm.states([opp]);
    expect(stateQueries(fake)).toHaveLength(3);
    expect(stateQueries(fake)[2]).not.toContain('CurrencyIsoCode');
    expect(later.get(opp)).toMatchObject({
      closed: true,
      won: true,
      money: { amount: 98_500, currency: null, stage: 'Closed Won', closeDate: '2026-12-02' },
    });
  });

  it('learns at the start check whether the org has currencies, so the first poll asks once', async () => {
    const single = await org();
    await single.crm.verify();
    const opp = single.fake.addOpportunity({ name: 'A', amount: 1 });
    await single.crm.states([opp]);
    expect(stateQueries(single.fake)).toEqual([expect.not.stringContaining('CurrencyIsoCode')]);
    const multi = await org({ multiCurrency: true });
    await multi.crm.verify();
    const other = multi.fake.addOpportunity({ name: 'B', amount: 2 });
    expect((await multi.crm.states([other])).get(other)?.money?.currency).toBe('USD');
    expect(stateQueries(multi.fake)).toEqual([expect.stringContaining('CurrencyIsoCode')]);
    expect(multi.fake.calls.every((c) => c.status !== 400)).toBe(true);
  });

  it('reads each opportunity’s own currency in a multi-currency org; an opportunity without an amount says null', async () => {
    const { fake, crm } = await org({ multiCurrency: true });
    fake.org.addCurrency({ isoCode: 'EUR', conversionRate: 0.92 });
    const usd = fake.addOpportunity({ name: 'Contoso', amount: 50_000 });
    const eur = fake.addOpportunity({ name: 'Fabrikam', amount: 40_000, currencyIsoCode: 'EUR' });
    const none = fake.addOpportunity({ name: 'Litware' });
    const states = await crm.states([usd, eur, none]);
    expect(states.get(usd)?.money).toMatchObject({ amount: 50_000, currency: 'USD' });
    expect(states.get(eur)?.money).toMatchObject({ amount: 40_000, currency: 'EUR' });
    // The integration user owns what was added without an owner: its email.
    expect(states.get(none)?.money).toMatchObject({
      amount: null,
      currency: 'USD',
      owner: 'integration@example.com',
    });
    expect(stateQueries(fake)).toHaveLength(1);
    expect(fake.calls.every((c) => c.status !== 400)).toBe(true);

    fake.changeOpportunity(eur, { currencyIsoCode: 'USD', amount: 43_000 });
    expect((await crm.states([eur])).get(eur)?.money).toMatchObject({ amount: 43_000, currency: 'USD' });
  });

  it('keeps 300 ids a query, under the 16 KB URL cap, with the money fields and the currency', async () => {
    const { fake, crm } = await org({ multiCurrency: true });
    const ids = Array.from({ length: 650 }, (_, i) => fake.addOpportunity({ name: `Deal ${i}`, amount: i }));
    const states = await crm.states(ids);
    expect(states.size).toBe(650);
    expect(stateQueries(fake)).toHaveLength(3);
    const urls = fake.calls.filter((c) => c.path.endsWith('/query')).map((c) => String(c.query.q));
    for (const q of urls) expect(Buffer.byteLength(encodeURIComponent(q))).toBeLessThan(16_384 - 200);
    expect(fake.calls.every((c) => c.status === 200)).toBe(true);
  });
});

describe('Salesforce currencies', () => {
  it('a single-currency org: its currency from Organization, no rates', async () => {
    const { fake, crm } = await org({ currency: 'GBP' });
    expect(await crm.currency?.()).toEqual({ corporate: 'GBP', rates: [] });
    expect(fake.queries()).toEqual([
      'SELECT IsoCode, ConversionRate, IsCorporate FROM CurrencyType WHERE IsActive = true',
      'SELECT DefaultCurrencyIsoCode FROM Organization',
    ]);
    // Remembered: the next read goes straight to Organization.
    await crm.currency?.();
    expect(fake.queries().at(-1)).toBe('SELECT DefaultCurrencyIsoCode FROM Organization');
    expect(fake.queries()).toHaveLength(3);
  });

  it('a multi-currency org: the corporate currency and each active currency’s rate, undated', async () => {
    const { fake, crm } = await org({ multiCurrency: true, currency: 'USD' });
    fake.org.addCurrency({ isoCode: 'EUR', conversionRate: 0.92 });
    fake.org.addCurrency({ isoCode: 'JPY', conversionRate: 151.2, decimalPlaces: 0 });
    fake.org.addCurrency({ isoCode: 'CHF', conversionRate: 0.88, isActive: false });
    expect(await crm.currency?.()).toEqual({
      corporate: 'USD',
      rates: [
        { currency: 'USD', perCorporate: 1, from: null, to: null },
        { currency: 'EUR', perCorporate: 0.92, from: null, to: null },
        { currency: 'JPY', perCorporate: 151.2, from: null, to: null },
      ],
    });
  });

  it('with advanced currency management: the dated rates, the open ends of the first and last periods as null', async () => {
    const { fake, crm } = await org({ multiCurrency: true, advancedCurrency: true, currency: 'EUR' });
    fake.org.addCurrency({ isoCode: 'USD', conversionRate: 1.1 });
    fake.org.addDatedRate({ isoCode: 'USD', conversionRate: 1.08, startDate: '2026-10-01' });
    fake.org.addDatedRate({ isoCode: 'USD', conversionRate: 1.05, startDate: '2026-11-01' });
    expect(await crm.currency?.()).toEqual({
      corporate: 'EUR',
      rates: [
        { currency: 'EUR', perCorporate: 1, from: null, to: null },
        { currency: 'USD', perCorporate: 1.1, from: null, to: '2026-10-01' },
        { currency: 'USD', perCorporate: 1.08, from: '2026-10-01', to: '2026-11-01' },
        { currency: 'USD', perCorporate: 1.05, from: '2026-11-01', to: null },
      ],
    });
    // Salesforce's own bounds, as the fake gives them.
    const dated = fake.calls.find((c) => String(c.query.q).includes('FROM DatedConversionRate'));
    expect(JSON.stringify(dated?.response)).toContain('"NextStartDate":"9999-12-31"');
    expect(JSON.stringify(dated?.response)).toContain('"StartDate":"0000-12-30"');
  });

  it('without advanced currency management the dated object does not exist: the static rates', async () => {
    const { fake, crm } = await org({ multiCurrency: true });
    fake.org.addCurrency({ isoCode: 'EUR', conversionRate: 0.92 });
    const answer = await crm.currency?.();
    expect(answer?.rates).toContainEqual({ currency: 'EUR', perCorporate: 0.92, from: null, to: null });
    const dated = fake.calls.find((c) => String(c.query.q).includes('FROM DatedConversionRate'));
    expect(dated?.status).toBe(400);
    expect(JSON.stringify(dated?.response)).toContain('INVALID_TYPE');
  });
});
