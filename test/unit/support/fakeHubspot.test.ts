import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hsCall, hsClient, rejection } from '../../support/fakeClients.js';
import { FakeHubspot, type FakeHubspotOptions } from '../../support/fakeHubspot.js';

let fake: FakeHubspot;
const started: FakeHubspot[] = [];

async function start(options: FakeHubspotOptions = {}): Promise<FakeHubspot> {
  const instance = await FakeHubspot.start(options);
  started.push(instance);
  return instance;
}

beforeEach(async () => {
  fake = await start();
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.stop()));
});

const client = (f = fake, accessToken = f.accessToken) => hsClient(f, accessToken);
const call = (
  path: string,
  init: { method?: string; body?: unknown; token?: string | null } = {},
  f = fake,
) => hsCall(f, path, init);

const bodyOf = (error: { body?: unknown }): Record<string, unknown> =>
  (typeof error.body === 'string' ? JSON.parse(error.body) : error.body) as Record<string, unknown>;

const toDeal = (id: string) => ({
  to: { id },
  types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 214 }],
});

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('authentication', () => {
  it('answers 401 INVALID_AUTHENTICATION without the access token', async () => {
    const id = fake.addDeal({ name: 'Acme' });
    for (const token of [null, 'pat-na1-wrong']) {
      const res = await call(`/crm/v3/objects/deals/${id}`, { token });
      expect(res.status).toBe(401);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        status: 'error',
        message: expect.stringMatching(
          /^Authentication credentials not found\. This API supports OAuth 2\.0/,
        ),
        category: 'INVALID_AUTHENTICATION',
      });
      expect(body.correlationId).toMatch(uuid);
    }
    const error = await rejection(client(fake, 'pat-na1-wrong').crm.deals.basicApi.getById(id));
    expect(error.code).toBe(401);
  });
});

describe('deals', () => {
  it('takes repeated properties parameters, and answers the defaults without any', async () => {
    const id = fake.addDeal({ name: 'Acme' });
    const res = await call(
      `/crm/v3/objects/deals/${id}?properties=dealname&properties=hs_is_closed,pipeline`,
    );
    const body = (await res.json()) as { properties: Record<string, string | null> };
    expect(Object.keys(body.properties).sort()).toEqual(
      ['createdate', 'dealname', 'hs_is_closed', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'].sort(),
    );
    expect(body.properties.hs_is_closed).toBe('false');
    const defaults = (await (await call(`/crm/v3/objects/deals/${id}`)).json()) as {
      properties: Record<string, string | null>;
    };
    expect(defaults.properties).toMatchObject({
      amount: null,
      closedate: null,
      dealname: 'Acme',
      pipeline: 'default',
    });
    expect(fake.calls[0]?.query).toEqual({ properties: ['dealname', 'hs_is_closed,pipeline'] });
  });

  it('answers 404 OBJECT_NOT_FOUND for an unknown deal', async () => {
    const res = await call('/crm/v3/objects/deals/999');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      status: 'error',
      message: 'Object not found.  objectId are usually numeric.',
      context: { id: ['999'] },
      category: 'OBJECT_NOT_FOUND',
    });
    const error = await rejection(client().crm.deals.basicApi.getById('999'));
    expect(error.code).toBe(404);
    expect(bodyOf(error).category).toBe('OBJECT_NOT_FOUND');
  });

  it('lists deals a page at a time', async () => {
    for (const name of ['A', 'B', 'C']) fake.addDeal({ name });
    const first = await client().crm.deals.basicApi.getPage(2);
    expect(first.results.map((d) => d.properties.dealname)).toEqual(['A', 'B']);
    const after = first.paging?.next?.after;
    expect(after).toBeTruthy();
    const second = await client().crm.deals.basicApi.getPage(2, after);
    expect(second.results.map((d) => d.properties.dealname)).toEqual(['C']);
    expect(second.paging).toBeUndefined();
  });

  it('batch-reads deals: 200 COMPLETE, or 207 naming the missing ids; at most 100 inputs', async () => {
    const a = fake.addDeal({ name: 'A' });
    const b = fake.addDeal({ name: 'B', stage: 'closedwon' });
    const batch = client().crm.deals.batchApi;
    const all = await batch.read({
      inputs: [{ id: a }, { id: b }],
      properties: ['dealstage', 'hs_is_closed_won'],
      propertiesWithHistory: [],
    });
    expect(all.status).toBe('COMPLETE');
    expect(all.results.map((d) => [d.id, d.properties.dealstage, d.properties.hs_is_closed_won])).toEqual([
      [a, 'appointmentscheduled', 'false'],
      [b, 'closedwon', 'true'],
    ]);

    const res = await call('/crm/v3/objects/deals/batch/read', {
      method: 'POST',
      body: {
        inputs: [{ id: a }, { id: '404' }, { id: '405' }],
        properties: ['dealstage'],
        propertiesWithHistory: [],
      },
    });
    expect(res.status).toBe(207);
    const partial = (await res.json()) as Record<string, unknown>;
    expect(partial).toMatchObject({
      status: 'COMPLETE',
      numErrors: 1,
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message:
            'Could not get some DEAL objects, they may be deleted or not exist. Check that ids are valid.',
          context: { ids: ['404', '405'] },
        },
      ],
    });
    expect((partial.results as unknown[]).length).toBe(1);
    // The client resolves a 207 like a 200.
    const viaClient = await batch.read({
      inputs: [{ id: b }, { id: '404' }],
      properties: [],
      propertiesWithHistory: [],
    });
    expect(viaClient.results.map((d) => d.id)).toEqual([b]);

    const tooMany = await call('/crm/v3/objects/deals/batch/read', {
      method: 'POST',
      body: { inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i + 1) })), properties: [] },
    });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({
      status: 'error',
      message: 'Batch input cannot exceed 100 objects',
      category: 'VALIDATION_ERROR',
    });
    expect(fake.batchReadCount).toBe(4);
  });

  it('updates a deal (200, the written properties back), deriving the closed flags from the stage', async () => {
    const id = fake.addDeal({ name: 'Acme' });
    fake.addDealProperty('cosell_status');
    const updated = await client().crm.deals.basicApi.update(id, {
      properties: { dealstage: 'closedlost', cosell_status: 'accepted', amount: 12 as never },
    });
    expect(updated.properties).toMatchObject({
      dealstage: 'closedlost',
      cosell_status: 'accepted',
      amount: '12',
    });
    expect(fake.deal(id)?.properties).toMatchObject({
      dealstage: 'closedlost',
      hs_is_closed: 'true',
      hs_is_closed_won: 'false',
      cosell_status: 'accepted',
    });
  });

  it('refuses unknown properties, calculated ones and stages not in the pipeline', async () => {
    const id = fake.addDeal({ name: 'Acme' });
    const unknown = await call(`/crm/v3/objects/deals/${id}`, {
      method: 'PATCH',
      body: { properties: { x: '1' } },
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/^Property values were not valid: /),
      category: 'VALIDATION_ERROR',
      errors: [
        {
          message: 'Property "x" does not exist',
          code: 'PROPERTY_DOESNT_EXIST',
          context: { propertyName: ['x'] },
        },
      ],
    });
    const calculated = await call(`/crm/v3/objects/deals/${id}`, {
      method: 'PATCH',
      body: { properties: { hs_is_closed: 'true' } },
    });
    expect(((await calculated.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
      'READ_ONLY_VALUE',
    );
    const stage = await call(`/crm/v3/objects/deals/${id}`, {
      method: 'PATCH',
      body: { properties: { dealstage: 'Closed Won' } },
    });
    expect(((await stage.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('INVALID_OPTION');
    expect(fake.deal(id)?.properties.dealstage).toBe('appointmentscheduled');
    const missing = await rejection(
      client().crm.deals.basicApi.update('1', { properties: { dealname: 'x' } }),
    );
    expect(missing.code).toBe(404);
  });

  it("answers the default pipeline's stages", async () => {
    const { results } = await client().crm.pipelines.pipelinesApi.getAll('deals');
    expect(results).toHaveLength(1);
    const [pipeline] = results;
    expect(pipeline).toMatchObject({
      id: 'default',
      label: 'Sales Pipeline',
      displayOrder: 0,
      archived: false,
    });
    expect(
      pipeline?.stages.map((s) => [s.id, s.label, s.metadata?.isClosed, s.metadata?.probability]),
    ).toEqual([
      ['appointmentscheduled', 'Appointment Scheduled', 'false', '0.2'],
      ['qualifiedtobuy', 'Qualified To Buy', 'false', '0.4'],
      ['presentationscheduled', 'Presentation Scheduled', 'false', '0.6'],
      ['decisionmakerboughtin', 'Decision Maker Bought-In', 'false', '0.8'],
      ['contractsent', 'Contract Sent', 'false', '0.9'],
      ['closedwon', 'Closed Won', 'true', '1.0'],
      ['closedlost', 'Closed Lost', 'true', '0.0'],
    ]);
  });
});

describe('notes', () => {
  it('refuses a note without a valid hs_timestamp, with a body too long, or badly associated', async () => {
    const dealId = fake.addDeal({ name: 'Acme' });
    const at = { hs_timestamp: '1736935200000' };
    const refusals: [Record<string, string>, unknown[], Record<string, unknown>][] = [
      [{ hs_note_body: 'x' }, [toDeal(dealId)], { code: 'REQUIRED_PROPERTY', propertyName: 'hs_timestamp' }],
      [{ hs_timestamp: 'soon' }, [toDeal(dealId)], { code: 'INVALID_DATE', propertyName: 'hs_timestamp' }],
      [
        { ...at, hs_note_body: 'x'.repeat(65_537) },
        [toDeal(dealId)],
        { code: 'INVALID_STRING_LENGTH', propertyName: 'hs_note_body' },
      ],
      [
        { ...at, hs_object_id: '1' },
        [toDeal(dealId)],
        { code: 'READ_ONLY_VALUE', propertyName: 'hs_object_id' },
      ],
      [at, [toDeal('123')], { message: 'One or more associations are invalid' }],
      [
        at,
        [{ to: { id: dealId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }],
        { message: 'One or more associations are invalid' },
      ],
    ];
    for (const [properties, associations, refusal] of refusals) {
      const res = await call('/crm/v3/objects/notes', { method: 'POST', body: { properties, associations } });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { category: string; errors?: { code: string; context: unknown }[] };
      expect(body.category).toBe('VALIDATION_ERROR');
      if ('code' in refusal)
        expect(body.errors).toEqual([
          {
            message: expect.any(String),
            code: refusal.code,
            context: { propertyName: [refusal.propertyName] },
          },
        ]);
      else expect(body).toMatchObject(refusal);
    }
    expect(fake.notes()).toEqual([]);
    // Epoch milliseconds are accepted and answered as ISO.
    const ok = await call('/crm/v3/objects/notes', {
      method: 'POST',
      body: { properties: at, associations: [toDeal(dealId)] },
    });
    expect(((await ok.json()) as { properties: Record<string, string> }).properties.hs_timestamp).toBe(
      '2025-01-15T10:00:00.000Z',
    );
  });
});

describe('note search', () => {
  async function addNote(f: FakeHubspot, dealId: string, body: string): Promise<string> {
    const res = await call(
      '/crm/v3/objects/notes',
      {
        method: 'POST',
        body: {
          properties: { hs_timestamp: '2025-01-15T10:00:00Z', hs_note_body: body },
          associations: [toDeal(dealId)],
        },
      },
      f,
    );
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  it('matches CONTAINS_TOKEN on whole words, case-insensitively, and associations.deal with EQ', async () => {
    const a = fake.addDeal({ name: 'A' });
    const b = fake.addDeal({ name: 'B' });
    const first = await addNote(fake, a, '<p>Accepted</p><p>ref H42-abc9</p>');
    await addNote(fake, b, '<p>ref h42-abc</p>');
    const search = client().crm.objects.notes.searchApi;
    const byToken = await search.doSearch({
      filterGroups: [
        {
          filters: [{ propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN' as never, value: 'h42-ABC9' }],
        },
      ],
      properties: ['hs_note_body'],
      limit: 10,
    });
    expect(byToken.total).toBe(1);
    expect(byToken.results[0]).toMatchObject({
      id: first,
      properties: { hs_note_body: '<p>Accepted</p><p>ref H42-abc9</p>' },
    });
    const partialWord = await search.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN' as never, value: 'abc' }] },
      ],
    });
    expect(partialWord.results.map((n) => n.id)).toHaveLength(1);
    const byDeal = await search.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'associations.deal', operator: 'EQ' as never, value: a }] }],
    });
    expect(byDeal.results.map((n) => n.id)).toEqual([first]);
    // Filter groups are ORed.
    const either = await search.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'associations.deal', operator: 'EQ' as never, value: a }] },
        { filters: [{ propertyName: 'associations.deal', operator: 'EQ' as never, value: b }] },
      ],
    });
    expect(either.total).toBe(2);
  });

  it('pages with limit (default 10) and after', async () => {
    const dealId = fake.addDeal({ name: 'A' });
    for (let i = 0; i < 12; i++) await addNote(fake, dealId, `note ${i}`);
    const filterGroups = [
      { filters: [{ propertyName: 'associations.deal', operator: 'EQ' as never, value: dealId }] },
    ];
    const first = await client().crm.objects.notes.searchApi.doSearch({ filterGroups });
    expect(first.total).toBe(12);
    expect(first.results).toHaveLength(10);
    const rest = await client().crm.objects.notes.searchApi.doSearch({
      filterGroups,
      after: first.paging?.next?.after ?? '',
    });
    expect(rest.results).toHaveLength(2);
    const tooBig = await call('/crm/v3/objects/notes/search', {
      method: 'POST',
      body: { filterGroups, limit: 201 },
    });
    expect(tooBig.status).toBe(400);
  });

  it('does not find a note younger than searchLagMs', async () => {
    let now = 1_700_000_000_000;
    const lagging = await start({ searchLagMs: 5_000, now: () => now });
    const dealId = lagging.addDeal({ name: 'A' });
    await addNote(lagging, dealId, 'ref m1');
    const search = () =>
      client(lagging).crm.objects.notes.searchApi.doSearch({
        filterGroups: [
          { filters: [{ propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN' as never, value: 'm1' }] },
        ],
      });
    expect((await search()).total).toBe(0);
    now += 4_999;
    expect((await search()).total).toBe(0);
    now += 1;
    expect((await search()).total).toBe(1);
  });

  it('refuses operators HubSpot does not have', async () => {
    const res = await call('/crm/v3/objects/notes/search', {
      method: 'POST',
      body: { filterGroups: [{ filters: [{ propertyName: 'hs_timestamp', operator: 'LIKE', value: '1' }] }] },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /operator LIKE is not one of the values accepted/,
    );
  });
});

describe('rate limits', () => {
  it('answers 429 past tenSecondLimit in a rolling 10 s, with the rate-limit headers', async () => {
    let now = 1_700_000_000_000;
    const limited = await start({ tenSecondLimit: 3, now: () => now });
    const id = limited.addDeal({ name: 'A' });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(`/crm/v3/objects/deals/${id}`, {}, limited);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('3');
      remaining.push(res.headers.get('x-hubspot-ratelimit-remaining'));
      now += 1_000;
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const over = await call(`/crm/v3/objects/deals/${id}`, {}, limited);
    expect(over.status).toBe(429);
    expect(over.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    const body = (await over.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      groupName: expect.stringMatching(/^publicapi:private-app:\d+$/),
    });
    expect(body.correlationId).toMatch(uuid);
    const error = await rejection(client(limited).crm.deals.basicApi.getById(id));
    expect(error.code).toBe(429);
    expect(error).toMatchObject({ headers: expect.objectContaining({ 'x-hubspot-ratelimit-max': '3' }) });
    // The oldest request leaves the window 10 s after it came.
    now += 7_000;
    expect((await call(`/crm/v3/objects/deals/${id}`, {}, limited)).status).toBe(200);
  });

  it('limits searches per second on their own', async () => {
    let now = 1_700_000_000_000;
    const limited = await start({ searchPerSecondLimit: 2, now: () => now });
    const search = () => call('/crm/v3/objects/notes/search', { method: 'POST', body: {} }, limited);
    expect((await search()).status).toBe(200);
    expect((await search()).status).toBe(200);
    const over = await search();
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
    expect((await call('/crm/v3/pipelines/deals', {}, limited)).status).toBe(200);
    now += 1_000;
    expect((await search()).status).toBe(200);
  });
});

describe('routing and recording', () => {
  it('answers 404 for anything else', async () => {
    for (const path of ['/crm/v3/objects/contacts/1', '/crm/v4/objects/deals/1', '/']) {
      const res = await call(path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    }
  });

  it('records method, path, query, parsed body, token, status and time', async () => {
    await call('/crm/v3/objects/deals/batch/read', { method: 'POST', body: { inputs: [] } });
    expect(fake.calls).toEqual([
      {
        method: 'POST',
        path: '/crm/v3/objects/deals/batch/read',
        query: {},
        body: { inputs: [] },
        token: fake.accessToken,
        at: expect.any(Number),
        status: 200,
        response: expect.objectContaining({ status: 'COMPLETE', results: [] }),
      },
    ]);
  });
});

describe('reset', () => {
  it('forgets deals, notes, calls, counters and failures', async () => {
    fake.addDeal({ name: 'A' });
    fake.fail('*', { status: 500 });
    await call('/crm/v3/objects/deals/batch/read', { method: 'POST', body: { inputs: [] } });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.batchReadCount).toBe(0);
    expect(fake.deal('10000000001')).toBeUndefined();
    expect((await call('/crm/v3/pipelines/deals')).status).toBe(200);
  });
});

describe('creating a deal (issue 77 item 13)', () => {
  it('refuses an unknown stage, and a key without crm.objects.deals.write (403 MISSING_SCOPES)', async () => {
    const stage = await call('/crm/v3/objects/deals', {
      method: 'POST',
      body: { properties: { dealname: 'x', dealstage: 'discovery' }, associations: [] },
    });
    expect(stage.status).toBe(400);
    expect(await stage.json()).toMatchObject({ category: 'VALIDATION_ERROR' });
    const readOnly = await start({ scopes: ['crm.objects.deals.read'] });
    const refused = await call(
      '/crm/v3/objects/deals',
      { method: 'POST', body: { properties: { dealname: 'x' }, associations: [] } },
      readOnly,
    );
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      category: 'MISSING_SCOPES',
      errors: [{ context: { requiredGranularScopes: ['crm.objects.deals.write'] } }],
    });
    expect(fake.allDeals()).toEqual([]);
    expect(readOnly.allDeals()).toEqual([]);
  });
});

describe('companies and their deals', () => {
  const search = (type: string, body: unknown) =>
    call(`/crm/v3/objects/${type}/search`, { method: 'POST', body });

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
