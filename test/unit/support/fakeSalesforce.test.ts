import { createHmac } from 'node:crypto';
import jsforce from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactOpportunitiesSoql } from '../../../src/crm/salesforceSoql.js';
import { sfForm as form, rejection, sfApi, sfConnect, sfQuery, sfToken } from '../../support/fakeClients.js';
import { FakeSalesforce, type FakeSalesforceOptions, salesforceId18 } from '../../support/fakeSalesforce.js';

let fake: FakeSalesforce;
const started: FakeSalesforce[] = [];

async function start(options: FakeSalesforceOptions = {}): Promise<FakeSalesforce> {
  const instance = await FakeSalesforce.start(options);
  started.push(instance);
  return instance;
}

beforeEach(async () => {
  fake = await start();
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.stop()));
});

const tokenFor = (f = fake) => sfToken(f);
const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}, f = fake) =>
  sfApi(f, path, init);
const query = (soql: string, token?: string) =>
  api(`/query?q=${encodeURIComponent(soql)}`, token === undefined ? {} : { token });
const connect = (f = fake) => sfConnect(f);
const noRetry = { retry: { maxRetries: 0 } } as never;

describe('salesforceId18', () => {
  it('adds the case-safe suffix of known ids, tells ids apart that differ only by case, and refuses anything but 15 letters and digits', () => {
    expect(salesforceId18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(salesforceId18('00D000000000001')).toBe('00D000000000001EAA');
    expect(salesforceId18('005000000000001')).toBe('005000000000001AAA');
    expect(salesforceId18('006000000000001')).toBe('006000000000001AAA');
    expect(salesforceId18('AAAAAAAAAAAAAAA')).toBe('AAAAAAAAAAAAAAA555');
    const upper = salesforceId18('006Hs00000AbCdE');
    const lower = salesforceId18('006hs00000abcde');
    expect(upper.slice(15)).not.toBe(lower.slice(15));
    expect(upper.toLowerCase()).not.toBe(lower.toLowerCase());
    expect(() => salesforceId18('006000000000001AAA')).toThrow();
    expect(() => salesforceId18('006-00000000001')).toThrow();
  });
});

describe('token endpoint', () => {
  it('issues a new Bearer token to the right client, with instance_url and a verifiable signature; refuses wrong client credentials and other grant types', async () => {
    const res = await fetch(
      `${fake.loginUrl}/services/oauth2/token`,
      form({
        grant_type: 'client_credentials',
        client_id: 'fake-client-id',
        client_secret: 'fake-client-secret',
      }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({
      instance_url: fake.instanceUrl,
      id: `${fake.loginUrl}/id/00D000000000001EAA/005000000000001AAA`,
      token_type: 'Bearer',
    });
    expect(body.issued_at).toMatch(/^\d{13}$/);
    const expected = createHmac('sha256', 'fake-client-secret')
      .update(`${body.id}${body.issued_at}`)
      .digest('base64');
    expect(body.signature).toBe(expected);
    expect(await tokenFor()).not.toBe(body.access_token);
    const wrong = await fetch(
      `${fake.loginUrl}/services/oauth2/token`,
      form({ grant_type: 'client_credentials', client_id: 'fake-client-id', client_secret: 'nope' }),
    );
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      error: 'invalid_client',
      error_description: 'invalid client credentials',
    });
    const password = await fetch(
      `${fake.loginUrl}/services/oauth2/token`,
      form({ grant_type: 'password', client_id: 'fake-client-id', client_secret: 'fake-client-secret' }),
    );
    expect(password.status).toBe(400);
    expect(await password.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    });
  });

  it('works with jsforce, which names its error after the OAuth error', async () => {
    const conn = await connect();
    expect(conn.instanceUrl).toBe(fake.instanceUrl);
    expect(conn.accessToken).toBeTruthy();
    const refused = new jsforce.Connection({
      oauth2: { loginUrl: fake.loginUrl, clientId: 'someone-else', clientSecret: fake.clientSecret },
      loginUrl: fake.loginUrl,
      version: '62.0',
    });
    const error = await rejection(refused.authorize({ grant_type: 'client_credentials' }));
    expect(error.name).toBe('invalid_client');
  });
});

describe('sessions', () => {
  const invalidSession = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];

  it('answers 401 INVALID_SESSION_ID without a token, with an unknown one, and after revokeTokens()', async () => {
    const id = fake.addOpportunity({ name: 'Acme' });
    const bare = await fetch(`${fake.instanceUrl}/services/data/v62.0/sobjects/Opportunity/${id}`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual(invalidSession);
    expect((await api(`/sobjects/Opportunity/${id}`, { token: 'made-up' })).status).toBe(401);

    const token = await tokenFor();
    expect((await api(`/sobjects/Opportunity/${id}`, { token })).status).toBe(200);
    fake.revokeTokens();
    const revoked = await api(`/sobjects/Opportunity/${id}`, { token });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toEqual(invalidSession);
  });

  it('times a token out after tokenLifetimeMs without use', async () => {
    let now = 1_700_000_000_000;
    const timed = await start({ tokenLifetimeMs: 60_000, now: () => now });
    const id = timed.addOpportunity({ name: 'Acme' });
    const token = await tokenFor(timed);
    now += 59_000;
    expect((await api(`/sobjects/Opportunity/${id}`, { token }, timed)).status).toBe(200);
    now += 59_000; // used a minute ago: still alive
    expect((await api(`/sobjects/Opportunity/${id}`, { token }, timed)).status).toBe(200);
    now += 60_000;
    expect((await api(`/sobjects/Opportunity/${id}`, { token }, timed)).status).toBe(401);
  });
});

describe('opportunities', () => {
  it('reads one with jsforce, by its 15- or 18-character id, with attributes and the fields asked for', async () => {
    const id = fake.addOpportunity({ name: 'Acme renewal', amount: 50_000, closeDate: '2025-03-31' });
    expect(id).toMatch(/^006[A-Za-z0-9]{15}$/);
    expect(salesforceId18(id.slice(0, 15))).toBe(id);
    const conn = await connect();
    const full = await conn.request(`/sobjects/Opportunity/${id}`, noRetry);
    expect(full).toMatchObject({
      attributes: { type: 'Opportunity', url: `/services/data/v62.0/sobjects/Opportunity/${id}` },
      Id: id,
      Name: 'Acme renewal',
      StageName: 'Prospecting',
      IsClosed: false,
      IsWon: false,
      Amount: 50_000,
      CloseDate: '2025-03-31',
    });
    const some = await conn.request(
      `/sobjects/Opportunity/${id.slice(0, 15)}?fields=Id,Name,StageName,IsClosed,IsWon`,
      noRetry,
    );
    expect(some).toEqual({
      attributes: { type: 'Opportunity', url: `/services/data/v62.0/sobjects/Opportunity/${id}` },
      Id: id,
      Name: 'Acme renewal',
      StageName: 'Prospecting',
      IsClosed: false,
      IsWon: false,
    });
  });

  it('answers 404 NOT_FOUND for an unknown id (ids are case-sensitive) and 400 MALFORMED_ID for a bad one', async () => {
    const id = fake.addOpportunity({ id: '006Hs00000AbCdE', name: 'Acme' });
    const conn = await connect();
    const unknown = await rejection(conn.request('/sobjects/Opportunity/006Hs00000abcde', noRetry));
    expect(unknown.name).toBe('NOT_FOUND');
    expect(unknown.message).toBe('The requested resource does not exist');
    expect((await api(`/sobjects/Opportunity/${id.toLowerCase()}`)).status).toBe(404);

    const malformed = await api('/sobjects/Opportunity/not-an-id');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual([
      {
        errorCode: 'MALFORMED_ID',
        message: 'Opportunity ID: id value of incorrect type: not-an-id',
        fields: ['Id'],
      },
    ]);
  });

  it('updates fields with PATCH (204), deriving IsClosed / IsWon from the stage', async () => {
    const id = fake.addOpportunity({ name: 'Acme' });
    fake.addCustomField('Cosell_Status__c');
    const res = await api(`/sobjects/Opportunity/${id}`, {
      method: 'PATCH',
      body: { StageName: 'Closed Won', Cosell_Status__c: 'accepted', amount: 10 },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(fake.opportunity(id)).toMatchObject({
      StageName: 'Closed Won',
      IsClosed: true,
      IsWon: true,
      Cosell_Status__c: 'accepted',
      Amount: 10,
    });
  });

  it('refuses unknown and read-only fields', async () => {
    const id = fake.addOpportunity({ name: 'Acme' });
    const unknown = await api(`/sobjects/Opportunity/${id}`, { method: 'PATCH', body: { Nope__c: 'x' } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual([
      { errorCode: 'INVALID_FIELD', message: "No such column 'Nope__c' on sobject of type Opportunity" },
    ]);
    const readOnly = await api(`/sobjects/Opportunity/${id}`, { method: 'PATCH', body: { IsWon: true } });
    expect(readOnly.status).toBe(400);
    expect(((await readOnly.json()) as { errorCode: string }[])[0]?.errorCode).toBe(
      'INVALID_FIELD_FOR_INSERT_UPDATE',
    );
    expect(fake.opportunity(id)).toMatchObject({ IsWon: false });
  });
});

describe('SOQL', () => {
  it('answers Id IN (…) for 15- and 18-character ids, in one query', async () => {
    const a = fake.addOpportunity({ name: 'A', amount: 1 });
    const b = fake.addOpportunity({ name: 'B' });
    fake.addOpportunity({ name: 'C' });
    fake.closeOpportunity(b, { won: false });
    const conn = await connect();
    const result = await conn.query(
      `select Id, Name, isclosed, IsWon from Opportunity\n where Id in ('${a.slice(0, 15)}',   '${b}', '006000000000000')`,
    );
    expect(result).toEqual({
      totalSize: 2,
      done: true,
      records: [
        {
          attributes: { type: 'Opportunity', url: `/services/data/v62.0/sobjects/Opportunity/${a}` },
          Id: a,
          Name: 'A',
          IsClosed: false,
          IsWon: false,
        },
        {
          attributes: { type: 'Opportunity', url: `/services/data/v62.0/sobjects/Opportunity/${b}` },
          Id: b,
          Name: 'B',
          IsClosed: true,
          IsWon: false,
        },
      ],
    });
    expect(fake.queryCount).toBe(1);
    expect(fake.queries()[0]).toContain('from Opportunity');
  });

  it('finds a Task by WhatId and Subject, with SOQL string escapes, case-insensitively', async () => {
    const opp = fake.addOpportunity({ name: 'Acme' });
    const other = fake.addOpportunity({ name: 'Other' });
    const subject = "O'Brien \\ co-sell (ref h1)";
    const created = (await (
      await api('/sobjects/Task', { method: 'POST', body: { WhatId: opp, Subject: subject } })
    ).json()) as {
      id: string;
    };
    const literal = `'${subject.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
    const found = await query(
      `SELECT Id, Subject, WhatId FROM Task WHERE WhatId = '${opp.slice(0, 15)}' AND Subject = ${literal}`,
    );
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({
      totalSize: 1,
      done: true,
      records: [
        {
          attributes: { type: 'Task', url: `/services/data/v62.0/sobjects/Task/${created.id}` },
          Id: created.id,
          Subject: subject,
          WhatId: opp,
        },
      ],
    });
    const upper = await query(
      `SELECT Id FROM Task WHERE Subject = ${literal.toUpperCase()} AND WhatId = '${opp}'`,
    );
    expect(((await upper.json()) as { totalSize: number }).totalSize).toBe(1);
    const elsewhere = await query(`SELECT Id FROM Task WHERE WhatId = '${other}' AND Subject = ${literal}`);
    expect(((await elsewhere.json()) as { totalSize: number }).totalSize).toBe(0);
  });

  it('answers 400 MALFORMED_QUERY for bad syntax and mistyped values, INVALID_FIELD for unknown fields', async () => {
    const token = await tokenFor();
    const statements = [
      'SELECT Id FROM Opportunity WHERE',
      // AND and OR at one level need parentheses; a date takes an unquoted date literal.
      "SELECT Id FROM Opportunity WHERE Name = 'Acme' OR IsClosed = false AND IsWon = false",
      "SELECT Id FROM Opportunity WHERE CloseDate >= '2026-10-01'",
      'SELECT Id FROM Opportunity WHERE IsClosed = 1',
      "SELECT Id FROM Opportunity WHERE Id IN ('006000000000001'",
      "SELECT Id FROM Task WHERE WhatId = '006000000000001' AND Subject = 'unterminated",
      "SELECT Id FROM Task WHERE WhatId = '006000000000001' AND Subject = 'bad \\q escape'",
      'DELETE FROM Opportunity',
    ];
    for (const soql of statements) {
      const res = await query(soql, token);
      expect(res.status, soql).toBe(400);
      expect(((await res.json()) as { errorCode: string }[])[0]?.errorCode, soql).toBe('MALFORMED_QUERY');
    }
    const field = await query("SELECT Id, Secret FROM Opportunity WHERE Id IN ('006000000000001')", token);
    // As Salesforce words it: the statement first, a caret under the field, then what is wrong.
    expect(await field.json()).toEqual([
      {
        errorCode: 'INVALID_FIELD',
        message: expect.stringMatching(
          /^\nSELECT Id, Secret FROM Opportunity WHERE .*\n {11}\^\nERROR at Row:1:Column:12\nNo such column 'Secret' on entity 'Opportunity'\. If you are attempting to use a custom field/,
        ),
      },
    ]);
    expect(fake.queryCount).toBe(statements.length + 1);
  });

  it('refuses a URI over 16,384 bytes (414) and, with a larger URI limit, SOQL over 100,000 characters', async () => {
    // 1,000 quoted 18-character ids: about 30 bytes each once URL-encoded.
    const ids = Array.from(
      { length: 1000 },
      (_, i) => `'${salesforceId18(`006${String(i).padStart(12, '0')}`)}'`,
    ).join(', ');
    const soql = `SELECT Id FROM Opportunity WHERE Id IN (${ids})`;
    expect((await query(soql)).status).toBe(414);

    const roomy = await start({ maxUriBytes: 1_000_000 });
    expect((await api(`/query?q=${encodeURIComponent(soql)}`, {}, roomy)).status).toBe(200);
    const huge = `SELECT Id FROM Opportunity WHERE Id IN (${Array.from({ length: 6000 }, () => "'006000000000001'").join(', ')})`;
    const res = await api(`/query?q=${encodeURIComponent(huge)}`, {}, roomy);
    expect(res.status).toBe(400);
    const [error] = (await res.json()) as { errorCode: string; message: string }[];
    expect(error?.errorCode).toBe('MALFORMED_QUERY');
    expect(error?.message).toMatch(/query is too long/);
  });
});

describe('tasks', () => {
  it('refuses an unknown WhatId, a Subject over 255 characters, unknown fields and a bad date', async () => {
    const opp = fake.addOpportunity({ name: 'Acme' });
    const post = (body: Record<string, unknown>) => api('/sobjects/Task', { method: 'POST', body });
    const what = await post({ WhatId: '006000000000000AAA', Subject: 'x' });
    expect(what.status).toBe(400);
    expect(await what.json()).toEqual([
      {
        message: 'Related To ID: id value of incorrect type: 006000000000000AAA',
        errorCode: 'FIELD_INTEGRITY_EXCEPTION',
        fields: ['WhatId'],
      },
    ]);
    const long = await post({ WhatId: opp, Subject: 'x'.repeat(256) });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { errorCode: string; fields: string[] }[])[0]).toMatchObject({
      errorCode: 'STRING_TOO_LONG',
      fields: ['Subject'],
    });
    expect((await post({ WhatId: opp, Subject: 'x'.repeat(255) })).status).toBe(201);
    const field = await post({ WhatId: opp, Subjekt: 'x' });
    expect(((await field.json()) as { errorCode: string }[])[0]?.errorCode).toBe('INVALID_FIELD');
    const date = await post({ WhatId: opp, ActivityDate: '15/01/2025' });
    expect(((await date.json()) as { errorCode: string }[])[0]?.errorCode).toBe('JSON_PARSER_ERROR');
    expect(fake.tasks()).toHaveLength(1);
  });
});

describe('limits and routing', () => {
  it('reports api usage in Sforce-Limit-Info and /limits, and refuses past dailyLimit with 403', async () => {
    const limited = await start({ dailyLimit: 3 });
    const id = limited.addOpportunity({ name: 'Acme' });
    const token = await tokenFor(limited);
    const first = await api(`/sobjects/Opportunity/${id}`, { token }, limited);
    expect(first.headers.get('sforce-limit-info')).toBe('api-usage=1/3');
    const limits = await api('/limits', { token }, limited);
    expect(await limits.json()).toEqual({ DailyApiRequests: { Max: 3, Remaining: 1 } });
    expect((await api(`/sobjects/Opportunity/${id}`, { token }, limited)).status).toBe(200);
    const over = await api(`/sobjects/Opportunity/${id}`, { token }, limited);
    expect(over.status).toBe(403);
    expect(over.headers.get('sforce-limit-info')).toBe('api-usage=3/3');
    expect(await over.json()).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    expect(limited.apiRequestsUsed).toBe(3);
  });

  it('lets jsforce read the usage', async () => {
    const id = fake.addOpportunity({ name: 'Acme' });
    const conn = await connect();
    await conn.request(`/sobjects/Opportunity/${id}`, noRetry);
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 1, limit: 100_000 } });
  });

  it('answers 404 NOT_FOUND for anything else', async () => {
    const token = await tokenFor();
    for (const path of ['/sobjects/Account/001000000000001', '/services/apexrest/x']) {
      const res = await api(path, { token });
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual([
        { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
      ]);
    }
    const otherVersion = await fetch(`${fake.instanceUrl}/services/data/v58.0/limits`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(otherVersion.status).toBe(404);
  });

  it('records every request: method, path, query, parsed body, token, status and time', async () => {
    const token = await tokenFor();
    await api('/query?q=SELECT%20Id%20FROM%20Task%20WHERE', { token });
    const [tokenCall, queryCall] = fake.calls;
    expect(tokenCall).toMatchObject({
      method: 'POST',
      path: '/services/oauth2/token',
      body: { grant_type: 'client_credentials', client_id: 'fake-client-id' },
      status: 200,
    });
    expect(queryCall).toMatchObject({
      method: 'GET',
      path: '/services/data/v62.0/query',
      query: { q: 'SELECT Id FROM Task WHERE' },
      token,
      status: 400,
    });
    expect(queryCall?.at).toBeGreaterThan(0);
  });
});

describe('reset', () => {
  it('forgets records, calls and usage but keeps tokens', async () => {
    fake.addOpportunity({ name: 'Acme' });
    const token = await tokenFor();
    await api('/limits', { token });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.apiRequestsUsed).toBe(0);
    expect((await api('/sobjects/Opportunity/006Hs0000000001', { token })).status).toBe(404);
  });
});

describe('creating an opportunity (issue 77 item 13)', () => {
  it('refuses a missing required field and a stage outside the restricted picklist in its error array', async () => {
    const missing = await api('/sobjects/Opportunity', {
      method: 'POST',
      body: { Name: 'x', CloseDate: '2027-01-01' },
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual([
      {
        message: 'Required fields are missing: [StageName]',
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: ['StageName'],
      },
    ]);
    const stage = await api('/sobjects/Opportunity', {
      method: 'POST',
      body: { Name: 'x', StageName: 'Discovery', CloseDate: '2027-01-01' },
    });
    expect(stage.status).toBe(400);
    expect(await stage.json()).toEqual([
      {
        message: 'Stage: bad value for restricted picklist field: Discovery',
        errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        fields: ['StageName'],
      },
    ]);
    expect(fake.allOpportunities()).toEqual([]);
  });
});

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
    const result = await sfQuery(conn, soql);
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
    const result = await sfQuery(conn, `SELECT Id, Account.Name FROM Opportunity WHERE Id = '${lone}'`);
    expect(result.records[0]).toMatchObject({ Id: lone, Account: null });
    await expect(sfQuery(conn, 'SELECT Id, Campaign.Name FROM Opportunity')).rejects.toThrow(
      /No such column/,
    );
  });

  it('escapes LIKE wildcards, compares text case-insensitively and orders descending with NULLS LAST', async () => {
    const a = fake.addAccount({ name: 'Fifty%Off' });
    const b = fake.addAccount({ name: 'FiftyXOff' });
    fake.addOpportunity({ name: 'A', accountId: a, createdDate: '2026-01-01' });
    fake.addOpportunity({ name: 'B', accountId: b, createdDate: '2026-02-01' });
    const conn = await connect();
    const literal = await sfQuery(conn, "SELECT Name FROM Opportunity WHERE Account.Name LIKE 'fifty\\%off'");
    expect(literal.records.map((r) => r.Name)).toEqual(['A']);
    const wild = await sfQuery(
      conn,
      "SELECT Name FROM Opportunity WHERE Account.Name LIKE 'FIFTY%' ORDER BY CreatedDate DESC NULLS LAST",
    );
    expect(wild.records.map((r) => r.Name)).toEqual(['B', 'A']);
  });

  it('answers past 2,000 records in pages, with nextRecordsUrl until done', async () => {
    const account = fake.addAccount({ name: 'Big Co' });
    for (let i = 0; i < 2100; i++) fake.addOpportunity({ name: `Opp ${i}`, accountId: account });
    const conn = await connect();
    const first = await sfQuery(conn, "SELECT Id FROM Opportunity WHERE Account.Name = 'big co'");
    expect(first).toMatchObject({ totalSize: 2100, done: false });
    expect(first.records).toHaveLength(2000);
    const next = await conn.request<{ done: boolean; records: unknown[]; totalSize: number }>(
      first.nextRecordsUrl as string,
    );
    expect(next).toMatchObject({ done: true, totalSize: 2100 });
    expect(next.records).toHaveLength(100);
  });
});

describe('the fake Salesforce’s currencies', () => {
  it('a single-currency org has no CurrencyIsoCode nor CurrencyType, and names its currency on Organization', async () => {
    const f = await start({ currency: 'EUR' });
    const query = (soql: string) => api(`/query?q=${encodeURIComponent(soql)}`, {}, f);
    const opp = f.addOpportunity({ name: 'A' });
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
    expect(() => f.changeOpportunity(opp, { currencyIsoCode: 'EUR' })).toThrow(/single-currency/);
  });

  it('a multi-currency org takes an active currency on an opportunity, and refuses another', async () => {
    const f = await start({ multiCurrency: true });
    const query = (soql: string) => api(`/query?q=${encodeURIComponent(soql)}`, {}, f);
    f.org.addCurrency({ isoCode: 'EUR', conversionRate: 0.92 });
    const opp = f.addOpportunity({ name: 'A', amount: 10 });
    const refused = await api(
      `/sobjects/Opportunity/${opp}`,
      { method: 'PATCH', body: { CurrencyIsoCode: 'XYZ' } },
      f,
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errorCode: string }[])[0]?.errorCode).toBe(
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    );
    const ok = await api(
      `/sobjects/Opportunity/${opp}`,
      { method: 'PATCH', body: { CurrencyIsoCode: 'EUR' } },
      f,
    );
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
