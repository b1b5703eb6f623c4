import jsforce from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactOpportunitiesSoql } from '../../../src/crm/salesforceSoql.js';
import { FakeSalesforce } from '../../support/fakeSalesforce.js';

/** The fake Salesforce's accounts and the SOQL the account lookup sends: relationship fields, OR, LIKE, dates, paging. */
let fake: FakeSalesforce;

beforeEach(async () => {
  fake = await FakeSalesforce.start();
});
afterEach(async () => {
  await fake.stop();
});

async function connect(): Promise<jsforce.Connection> {
  const conn = new jsforce.Connection({
    oauth2: { loginUrl: fake.loginUrl, clientId: fake.clientId, clientSecret: fake.clientSecret },
    loginUrl: fake.loginUrl,
    version: '62.0',
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

/** A GET of the query endpoint as the app sends it (raw: the answer as Salesforce shapes it). */
async function query(conn: jsforce.Connection, soql: string) {
  return conn.request<{
    totalSize: number;
    done: boolean;
    records: Record<string, unknown>[];
    nextRecordsUrl?: string;
  }>(`/query?q=${encodeURIComponent(soql)}`);
}

describe('accounts and the account lookup', () => {
  it('answers the app’s account query: by name or website, open or closed since the day, earliest first, with the account nested', async () => {
    const litware = fake.addAccount({
      name: 'Litware Health, Inc.',
      website: 'https://www.litware.example/',
    });
    const byWebsite = fake.addAccount({ name: 'LH Group', website: 'litware.example' });
    const other = fake.addAccount({ name: 'Litware Logistics', website: 'litware-logistics.example' });
    const renewal = fake.addOpportunity({ name: 'Renewal', accountId: litware, createdDate: '2026-10-26' });
    const older = fake.addOpportunity({
      name: 'Services',
      accountId: byWebsite,
      createdDate: '2026-03-02T09:30:00Z',
      stageName: 'Closed Won',
      closeDate: '2026-11-30',
    });
    fake.addOpportunity({
      name: 'Pilot',
      accountId: litware,
      createdDate: '2025-01-10',
      stageName: 'Closed Lost',
      closeDate: '2025-06-30',
    });
    fake.addOpportunity({ name: 'Fleet', accountId: other, createdDate: '2026-01-05' });
    fake.addOpportunity({ name: 'No account' });
    const soql = exactOpportunitiesSoql({
      name: 'Litware Health',
      domain: 'litware.example',
      closedSince: '2026-11-01',
    });
    const conn = await connect();
    const result = await query(conn, soql);
    expect(result.done).toBe(true);
    expect(result.totalSize).toBe(2);
    expect(result.records.map((r) => r.Id)).toEqual([older, renewal]);
    expect(result.records[1]).toEqual({
      attributes: { type: 'Opportunity', url: `/services/data/v62.0/sobjects/Opportunity/${renewal}` },
      Id: renewal,
      Name: 'Renewal',
      StageName: 'Prospecting',
      IsClosed: false,
      IsWon: false,
      CreatedDate: '2026-10-26T12:00:00.000+0000',
      CloseDate: expect.any(String),
      Account: {
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${litware}` },
        Name: 'Litware Health, Inc.',
        Website: 'https://www.litware.example/',
      },
    });
  });

  it('nests null for an opportunity without an account, and refuses a relationship the fake does not know', async () => {
    const lone = fake.addOpportunity({ name: 'Lone' });
    const conn = await connect();
    const result = await query(conn, `SELECT Id, Account.Name FROM Opportunity WHERE Id = '${lone}'`);
    expect(result.records[0]).toMatchObject({ Id: lone, Account: null });
    await expect(query(conn, 'SELECT Id, Campaign.Name FROM Opportunity')).rejects.toThrow(/No such column/);
  });

  it('escapes LIKE wildcards, compares text case-insensitively and orders descending with NULLS LAST', async () => {
    const a = fake.addAccount({ name: 'Fifty%Off' });
    const b = fake.addAccount({ name: 'FiftyXOff' });
    fake.addOpportunity({ name: 'A', accountId: a, createdDate: '2026-01-01' });
    fake.addOpportunity({ name: 'B', accountId: b, createdDate: '2026-02-01' });
    const conn = await connect();
    const literal = await query(conn, "SELECT Name FROM Opportunity WHERE Account.Name LIKE 'fifty\\%off'");
    expect(literal.records.map((r) => r.Name)).toEqual(['A']);
    const wild = await query(
      conn,
      "SELECT Name FROM Opportunity WHERE Account.Name LIKE 'FIFTY%' ORDER BY CreatedDate DESC NULLS LAST",
    );
    expect(wild.records.map((r) => r.Name)).toEqual(['B', 'A']);
  });

  it('answers past 2,000 records in pages, with nextRecordsUrl until done', async () => {
    const account = fake.addAccount({ name: 'Big Co' });
    for (let i = 0; i < 2100; i++) fake.addOpportunity({ name: `Opp ${i}`, accountId: account });
    const conn = await connect();
    const first = await query(conn, "SELECT Id FROM Opportunity WHERE Account.Name = 'big co'");
    expect(first).toMatchObject({ totalSize: 2100, done: false });
    expect(first.records).toHaveLength(2000);
    const next = await conn.request<{ done: boolean; records: unknown[]; totalSize: number }>(
      first.nextRecordsUrl as string,
    );
    expect(next).toMatchObject({ done: true, totalSize: 2100 });
    expect(next.records).toHaveLength(100);
  });
});
