import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stoppedAfterEach } from '../../support/crmConnectors.js';
import { sfForm as form, sfApi, sfConnect, sfQuery, sfToken } from '../../support/fakeClients.js';
import { FakeSalesforce, type FakeSalesforceOptions, salesforceId18 } from '../../support/fakeSalesforce.js';

/**
 * The fake Salesforce where the app's own tests do not take it: the token answer's signature, the refusals of what the
 * app never sends, the limits, and the helpers tests call. What the app does through it (tokens and their refusal,
 * lookups, Tasks and the look for a lost one, the read-back's, the account lookup's and the closed deals' SOQL with
 * paging, the currencies) is pinned by test/unit/crm/ and test/integration/crm*.test.ts.
 */

const later = stoppedAfterEach();
const start = async (options: FakeSalesforceOptions = {}) => later(await FakeSalesforce.start(options));
let fake: FakeSalesforce;

const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}, f = fake) =>
  sfApi(f, path, init);
const query = (soql: string, f = fake) => api(`/query?q=${encodeURIComponent(soql)}`, {}, f);
const totalOf = async (res: Response) => ((await res.json()) as { totalSize: number }).totalSize;
const V = '/services/data/v62.0';

describe('the fake Salesforce', () => {
  beforeEach(async () => {
    fake = await start();
  });

  it('signs its token answer as Salesforce does, and refuses other grant types', async () => {
    const token = (grant_type: string) =>
      fetch(
        `${fake.loginUrl}/services/oauth2/token`,
        form({ grant_type, client_id: 'fake-client-id', client_secret: 'fake-client-secret' }),
      );
    const res = await token('client_credentials');
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({
      instance_url: fake.instanceUrl,
      id: `${fake.loginUrl}/id/00D000000000001EAA/005000000000001AAA`,
      token_type: 'Bearer',
    });
    expect(body.issued_at).toMatch(/^\d{13}$/);
    const signed = createHmac('sha256', 'fake-client-secret').update(`${body.id}${body.issued_at}`);
    expect(body.signature).toBe(signed.digest('base64'));
    expect(await sfToken(fake)).not.toBe(body.access_token);
    const password = await token('password');
    expect(password.status).toBe(400);
    expect(await password.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    });
  });

  it('answers 401 INVALID_SESSION_ID without a token and with an unknown one', async () => {
    const id = fake.addOpportunity({ name: 'Acme' });
    const bare = await fetch(`${fake.instanceUrl}${V}/sobjects/Opportunity/${id}`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
    expect((await api(`/sobjects/Opportunity/${id}`, { token: 'made-up' })).status).toBe(401);
  });

  it('reads an opportunity by its 15-character id; a PATCH (204) takes any case of a field and sets IsClosed and IsWon from the stage', async () => {
    const id = fake.addOpportunity({ name: 'Acme renewal', amount: 50_000, closeDate: '2025-03-31' });
    fake.addCustomField('Cosell_Status__c');
    const some = await api(
      `/sobjects/Opportunity/${id.slice(0, 15)}?fields=Id,Name,StageName,IsClosed,IsWon`,
    );
    expect(await some.json()).toEqual({
      attributes: { type: 'Opportunity', url: `${V}/sobjects/Opportunity/${id}` },
      Id: id,
      Name: 'Acme renewal',
      StageName: 'Prospecting',
      IsClosed: false,
      IsWon: false,
    });
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

  it('finds a Task by a Subject with SOQL string escapes, case-insensitively, on its own opportunity only', async () => {
    const opp = fake.addOpportunity({ name: 'Acme' });
    const other = fake.addOpportunity({ name: 'Other' });
    const subject = "O'Brien \\ co-sell (ref h1)";
    const created = await api('/sobjects/Task', { method: 'POST', body: { WhatId: opp, Subject: subject } });
    const { id } = (await created.json()) as { id: string };
    const literal = `'${subject.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
    const found = await query(
      `SELECT Id, Subject FROM Task WHERE WhatId = '${opp.slice(0, 15)}' AND Subject = ${literal}`,
    );
    expect(await found.json()).toEqual({
      totalSize: 1,
      done: true,
      records: [{ attributes: { type: 'Task', url: `${V}/sobjects/Task/${id}` }, Id: id, Subject: subject }],
    });
    expect(await totalOf(await query(`SELECT Id FROM Task WHERE Subject = ${literal.toUpperCase()}`))).toBe(
      1,
    );
    const longest = await api('/sobjects/Task', {
      method: 'POST',
      body: { WhatId: opp, Subject: 'x'.repeat(255) },
    });
    expect(longest.status).toBe(201);
    expect(
      await totalOf(await query(`SELECT Id FROM Task WHERE WhatId = '${other}' AND Subject = ${literal}`)),
    ).toBe(0);
  });

  it('follows relationships it knows (null without a record), escapes LIKE, ORs, orders descending with NULLS LAST, limits; reads users', async () => {
    const jordan = fake.addUser({ firstName: 'Jordan', lastName: 'Lee', email: 'jordan@example.com' });
    const a = fake.addAccount({ name: 'Fifty%Off', ownerId: jordan });
    const b = fake.addAccount({ name: 'FiftyXOff', website: 'fifty.example', ownerId: null });
    fake.addOpportunity({ name: 'A', accountId: a, createdDate: '2026-01-01' });
    fake.addOpportunity({ name: 'B', accountId: b, createdDate: '2026-02-01' });
    const lone = fake.addOpportunity({ name: 'Lone' });
    const conn = await sfConnect(fake);
    const names = async (soql: string) => (await sfQuery(conn, soql)).records.map((r) => r.Name);
    expect(await names("SELECT Name FROM Opportunity WHERE Account.Name LIKE 'fifty\\%off'")).toEqual(['A']);
    expect(
      await names(
        "SELECT Name FROM Opportunity WHERE Account.Name LIKE 'FIFTY%' ORDER BY CreatedDate DESC NULLS LAST",
      ),
    ).toEqual(['B', 'A']);
    expect(
      await names("SELECT Name FROM Account WHERE (Name = 'x' OR Website LIKE '%fifty%') LIMIT 5"),
    ).toEqual(['FiftyXOff']);
    expect(await names("SELECT Name FROM Account WHERE Name LIKE '%' LIMIT 1")).toEqual(['Fifty%Off']);
    const lonely = await sfQuery(conn, `SELECT Id, Account.Name FROM Opportunity WHERE Id = '${lone}'`);
    expect(lonely.records[0]).toMatchObject({ Id: lone, Account: null });
    const owners = await sfQuery(conn, "SELECT Name, Owner.Email FROM Account WHERE Name LIKE 'fifty%'");
    expect(owners.records.map((r) => r.Owner)).toEqual([
      { attributes: { type: 'User', url: `${V}/sobjects/User/${jordan}` }, Email: 'jordan@example.com' },
      null,
    ]);
    for (const unknown of ['SELECT Id, Campaign.Name FROM Opportunity', 'SELECT Owner.Phone FROM Account'])
      await expect(sfQuery(conn, unknown)).rejects.toThrow(/No such column/);
    expect(
      await names("SELECT Name FROM User WHERE Email = 'JORDAN@example.com' AND IsActive = true"),
    ).toEqual(['Jordan Lee']);
  });

  it('refuses a URI over 16,384 bytes (414)', async () => {
    // Quoted 18-character ids: about 30 bytes each once URL-encoded.
    const ids = (n: number) =>
      Array.from({ length: n }, (_, i) => `'${salesforceId18(`006${String(i).padStart(12, '0')}`)}'`).join(
        ', ',
      );
    expect((await query(`SELECT Id FROM Opportunity WHERE Id IN (${ids(500)})`)).status).toBe(200);
    expect((await query(`SELECT Id FROM Opportunity WHERE Id IN (${ids(1000)})`)).status).toBe(414);
  });

  it('reports api usage in Sforce-Limit-Info, /limits and to jsforce, and refuses past dailyLimit with 403', async () => {
    const limited = await start({ dailyLimit: 3 });
    const id = limited.addOpportunity({ name: 'Acme' });
    const token = await sfToken(limited);
    const read = () => api(`/sobjects/Opportunity/${id}`, { token }, limited);
    expect((await read()).headers.get('sforce-limit-info')).toBe('api-usage=1/3');
    expect(await (await api('/limits', { token }, limited)).json()).toEqual({
      DailyApiRequests: { Max: 3, Remaining: 1 },
    });
    expect((await read()).status).toBe(200);
    const over = await read();
    expect(over.status).toBe(403);
    expect(over.headers.get('sforce-limit-info')).toBe('api-usage=3/3');
    expect(await over.json()).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    expect(limited.apiRequestsUsed).toBe(3);
    const conn = await sfConnect(fake);
    await conn.request(`/sobjects/Opportunity/${fake.addOpportunity({ name: 'B' })}`);
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 1, limit: 100_000 } });
  });

  it('reset() forgets records, calls and usage but keeps tokens; the helpers refuse what Salesforce would not hold', async () => {
    fake.addOpportunity({ name: 'Acme' });
    const token = await sfToken(fake);
    await api('/limits', { token });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.apiRequestsUsed).toBe(0);
    expect((await api('/sobjects/Opportunity/006Hs0000000001', { token })).status).toBe(404);
    expect(() => salesforceId18('006-00000000001')).toThrow();
    expect(() => fake.addAccount({ name: 'X', ownerId: '005000000000099AAA' })).toThrow(/no user/);
    const opp = fake.addOpportunity({ name: 'A' });
    expect(() => fake.changeOpportunity(opp, { currencyIsoCode: 'EUR' })).toThrow(/single-currency/);
  });
});

describe('the fake Salesforce’s refusals, as Salesforce words them', () => {
  const OPP = '006Hs00000AbCdE';
  let sf: FakeSalesforce;
  let token: string;
  let opp: string;
  beforeAll(async () => {
    sf = await FakeSalesforce.start({ multiCurrency: true });
    opp = sf.addOpportunity({ id: OPP, name: 'Acme' });
    token = await sfToken(sf);
  });
  afterAll(() => sf.stop());

  const O = `/sobjects/Opportunity/${OPP}`;
  const err = (errorCode: string, message: string | RegExp, fields?: string[]) => [
    {
      errorCode,
      message: typeof message === 'string' ? message : expect.stringMatching(message),
      ...(fields && { fields }),
    },
  ];
  const NOT_FOUND = err('NOT_FOUND', 'The requested resource does not exist');
  const task = { WhatId: OPP, Subject: 'x' };
  const newOpp = { Name: 'x', CloseDate: '2027-01-01' };
  /** The request, its status, and Salesforce's error array: whole, or the first error's code or some of its fields. */
  const ROWS: [
    name: string,
    request: string,
    body: object | null,
    status: number,
    error: string | object[],
  ][] = [
    ['an id of another case', `GET /sobjects/Opportunity/${OPP.toLowerCase()}`, null, 404, NOT_FOUND],
    ['another object', 'GET /sobjects/Account/001000000000001', null, 404, NOT_FOUND],
    ['another API', 'GET /services/apexrest/x', null, 404, NOT_FOUND],
    [
      'a malformed id',
      'GET /sobjects/Opportunity/not-an-id',
      null,
      400,
      err('MALFORMED_ID', 'Opportunity ID: id value of incorrect type: not-an-id', ['Id']),
    ],
    [
      'an unknown field',
      `PATCH ${O}`,
      { Nope__c: 'x' },
      400,
      err('INVALID_FIELD', "No such column 'Nope__c' on sobject of type Opportunity"),
    ],
    ['a read-only field', `PATCH ${O}`, { IsWon: true }, 400, 'INVALID_FIELD_FOR_INSERT_UPDATE'],
    [
      'an inactive currency',
      `PATCH ${O}`,
      { CurrencyIsoCode: 'XYZ' },
      400,
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    ],
    [
      'a Task on no opportunity',
      'POST /sobjects/Task',
      { ...task, WhatId: '006000000000000AAA' },
      400,
      err('FIELD_INTEGRITY_EXCEPTION', 'Related To ID: id value of incorrect type: 006000000000000AAA', [
        'WhatId',
      ]),
    ],
    [
      'a Subject over 255',
      'POST /sobjects/Task',
      { ...task, Subject: 'x'.repeat(256) },
      400,
      'STRING_TOO_LONG',
    ],
    ['a Task field misspelt', 'POST /sobjects/Task', { ...task, Subjekt: 'x' }, 400, 'INVALID_FIELD'],
    [
      'a date not ISO',
      'POST /sobjects/Task',
      { ...task, ActivityDate: '15/01/2025' },
      400,
      'JSON_PARSER_ERROR',
    ],
    [
      'an opportunity without a stage',
      'POST /sobjects/Opportunity',
      newOpp,
      400,
      err('REQUIRED_FIELD_MISSING', 'Required fields are missing: [StageName]', ['StageName']),
    ],
    [
      'a stage outside the picklist',
      'POST /sobjects/Opportunity',
      { ...newOpp, StageName: 'Discovery' },
      400,
      err(
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        'Stage: bad value for restricted picklist field: Discovery',
        ['StageName'],
      ),
    ],
    // As Salesforce words it: the statement first, a caret under the field, then what is wrong.
    [
      'an unknown field in SOQL',
      `GET /query?q=${encodeURIComponent("SELECT Id, Secret FROM Opportunity WHERE Id IN ('006000000000001')")}`,
      null,
      400,
      err(
        'INVALID_FIELD',
        /^\nSELECT Id, Secret FROM Opportunity WHERE .*\n {11}\^\nERROR at Row:1:Column:12\nNo such column 'Secret' on entity 'Opportunity'\. If you are attempting to use a custom field/,
      ),
    ],
  ];

  it.each(ROWS)('%s: %s', async (_name, request, body, status, error) => {
    const [method, path = ''] = request.split(' ');
    const res = await fetch(`${sf.instanceUrl}${path.startsWith('/services/') ? path : `${V}${path}`}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === null ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status).toBe(status);
    if (Array.isArray(error)) expect(await res.json()).toEqual(error);
    else expect(await res.json()).toMatchObject([typeof error === 'string' ? { errorCode: error } : error]);
    expect(sf.tasks()).toEqual([]);
    expect(sf.allOpportunities()).toEqual([
      expect.objectContaining({ Id: opp, IsWon: false, CurrencyIsoCode: 'USD' }),
    ]);
  });

  it.each([
    'SELECT Id FROM Opportunity WHERE',
    // AND and OR at one level need parentheses; a date takes an unquoted date literal.
    "SELECT Id FROM Opportunity WHERE Name = 'Acme' OR IsClosed = false AND IsWon = false",
    "SELECT Id FROM Opportunity WHERE CloseDate >= '2026-10-01'",
    'SELECT Id FROM Opportunity WHERE IsClosed = 1',
    "SELECT Id FROM Opportunity WHERE Id IN ('006000000000001'",
    "SELECT Id FROM Task WHERE WhatId = '006000000000001' AND Subject = 'unterminated",
    "SELECT Id FROM Task WHERE WhatId = '006000000000001' AND Subject = 'bad \\q escape'",
    'DELETE FROM Opportunity',
  ])('answers 400 MALFORMED_QUERY to %s, and records it', async (soql) => {
    const res = await sfApi(sf, `/query?q=${encodeURIComponent(soql)}`, { token });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errorCode: string }[])[0]?.errorCode).toBe('MALFORMED_QUERY');
    expect(sf.queries().at(-1)).toBe(soql);
  });

  it('answers another API version 404', async () => {
    const res = await fetch(`${sf.instanceUrl}/services/data/v58.0/limits`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(404);
  });
});
