import { afterEach, describe, expect, it } from 'vitest';
import { FakeSalesforce, type FakeSalesforceOptions } from '../../support/fakeSalesforce.js';

/** The fake Salesforce's currencies (fakeSalesforceOrg.ts): what a single- and a multi-currency org answer. */

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function start(options: FakeSalesforceOptions = {}) {
  const fake = await FakeSalesforce.start(options);
  stops.push(() => fake.stop());
  const res = await fetch(`${fake.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
    }),
  });
  const token = ((await res.json()) as { access_token: string }).access_token;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${fake.instanceUrl}/services/data/v62.0${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  const query = (soql: string) => api(`/query?q=${encodeURIComponent(soql)}`);
  return { fake, api, query };
}

describe('the fake Salesforce’s currencies', () => {
  it('a single-currency org has no CurrencyIsoCode nor CurrencyType, and names its currency on Organization', async () => {
    const { fake, query } = await start({ currency: 'EUR' });
    const opp = fake.addOpportunity({ name: 'A' });
    const field = await query(`SELECT Id, CurrencyIsoCode FROM Opportunity WHERE Id = '${opp}'`);
    expect(field.status).toBe(400);
    expect(await field.json()).toEqual([
      {
        errorCode: 'INVALID_FIELD',
        message: expect.stringMatching(
          /^\nSELECT Id, CurrencyIsoCode FROM Opportunity WHERE .*\n {11}\^\nERROR at Row:1:Column:12\nNo such column 'CurrencyIsoCode' on entity 'Opportunity'\./,
        ),
      },
    ]);
    const type = await query('SELECT IsoCode FROM CurrencyType');
    expect(await type.json()).toEqual([
      { errorCode: 'INVALID_TYPE', message: "sObject type 'CurrencyType' is not supported." },
    ]);
    const organization = await query('SELECT DefaultCurrencyIsoCode FROM Organization');
    expect(((await organization.json()) as { records: unknown[] }).records).toEqual([
      expect.objectContaining({ DefaultCurrencyIsoCode: 'EUR' }),
    ]);
    expect(() => fake.changeOpportunity(opp, { currencyIsoCode: 'EUR' })).toThrow(/single-currency/);
  });

  it('a multi-currency org takes an active currency on an opportunity, and refuses another', async () => {
    const { fake, api, query } = await start({ multiCurrency: true });
    fake.org.addCurrency({ isoCode: 'EUR', conversionRate: 0.92 });
    const opp = fake.addOpportunity({ name: 'A', amount: 10 });
    const refused = await api(`/sobjects/Opportunity/${opp}`, {
      method: 'PATCH',
      body: JSON.stringify({ CurrencyIsoCode: 'XYZ' }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errorCode: string }[])[0]?.errorCode).toBe(
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    );
    const ok = await api(`/sobjects/Opportunity/${opp}`, {
      method: 'PATCH',
      body: JSON.stringify({ CurrencyIsoCode: 'EUR' }),
    });
    expect(ok.status).toBe(204);
    const read = await query(
      `SELECT CurrencyIsoCode, Amount, Owner.Email FROM Opportunity WHERE Id = '${opp}'`,
    );
    expect(((await read.json()) as { records: unknown[] }).records[0]).toMatchObject({
      CurrencyIsoCode: 'EUR',
      Amount: 10,
      Owner: { Email: 'integration@example.com' },
    });
    const dated = await query('SELECT IsoCode FROM DatedConversionRate');
    expect(dated.status).toBe(400);
  });
});
