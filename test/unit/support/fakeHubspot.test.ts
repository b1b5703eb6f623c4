import { beforeEach, describe, expect, it } from 'vitest';
import { stoppedAfterEach } from '../../support/crmConnectors.js';
import { hsCall, hsClient, rejection } from '../../support/fakeClients.js';
import { FakeHubspot, type FakeHubspotOptions } from '../../support/fakeHubspot.js';

/**
 * The fake HubSpot where the app's own tests do not take it: what the app never sends (refused as HubSpot refuses
 * it), the limits, paging, search's lag, and the helpers tests call. What the app does through it (the service key and
 * its refusal, deal lookups with the pipeline's labels, notes and the search for a lost one, batch reads, company and
 * deal searches, owners, creating a deal, missing scopes, rate limits met in a burst) is pinned by test/unit/crm/ and
 * test/integration/crm*.test.ts and hubspot*.test.ts.
 */

const later = stoppedAfterEach();
const start = async (options: FakeHubspotOptions = {}) => later(await FakeHubspot.start(options));
let fake: FakeHubspot;
beforeEach(async () => {
  fake = await start();
});

const client = (f = fake) => hsClient(f);
const call = (path: string, init: { method?: string; body?: unknown } = {}, f = fake) =>
  hsCall(f, path, init);
const post = (path: string, body: unknown, f = fake) => call(path, { method: 'POST', body }, f);
const json = async (res: Response) =>
  (await res.json()) as Record<string, unknown> & { errors?: { code: string }[] };
const toDeal = (id: string, associationTypeId = 214) => ({
  to: { id },
  types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId }],
});
const byDeal = (id: string) => ({
  filters: [{ propertyName: 'associations.deal', operator: 'EQ' as never, value: id }],
});
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('deals', () => {
  it('takes repeated properties parameters, answers the defaults without any, and lists a page at a time', async () => {
    const id = fake.addDeal({ name: 'A' });
    for (const name of ['B', 'C']) fake.addDeal({ name });
    const asked = await json(
      await call(`/crm/v3/objects/deals/${id}?properties=dealname&properties=hs_is_closed,pipeline`),
    );
    expect(Object.keys(asked.properties as object).sort()).toEqual(
      ['createdate', 'dealname', 'hs_is_closed', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'].sort(),
    );
    expect(asked.properties).toMatchObject({ hs_is_closed: 'false' });
    expect(fake.calls[0]?.query).toEqual({ properties: ['dealname', 'hs_is_closed,pipeline'] });
    expect((await json(await call(`/crm/v3/objects/deals/${id}`))).properties).toMatchObject({
      amount: null,
      closedate: null,
      dealname: 'A',
      pipeline: 'default',
    });
    const first = await client().crm.deals.basicApi.getPage(2);
    expect(first.results.map((d) => d.properties.dealname)).toEqual(['A', 'B']);
    const second = await client().crm.deals.basicApi.getPage(2, first.paging?.next?.after);
    expect(second.results.map((d) => d.properties.dealname)).toEqual(['C']);
    expect(second.paging).toBeUndefined();
  });

  it('batch-reads with 207 naming the missing ids (the client resolves it like a 200), at most 100 inputs', async () => {
    const a = fake.addDeal({ name: 'A' });
    const res = await post('/crm/v3/objects/deals/batch/read', {
      inputs: [{ id: a }, { id: '404' }, { id: '405' }],
      properties: ['dealstage'],
      propertiesWithHistory: [],
    });
    expect(res.status).toBe(207);
    const partial = await json(res);
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
    expect(partial.results).toHaveLength(1);
    const viaClient = await client().crm.deals.batchApi.read({
      inputs: [{ id: a }, { id: '404' }],
      properties: [],
      propertiesWithHistory: [],
    });
    expect(viaClient.results.map((d) => d.id)).toEqual([a]);
    const inputs = Array.from({ length: 101 }, (_, i) => ({ id: String(i + 1) }));
    const tooMany = await post('/crm/v3/objects/deals/batch/read', { inputs, properties: [] });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({
      status: 'error',
      message: 'Batch input cannot exceed 100 objects',
      category: 'VALIDATION_ERROR',
    });
    expect(fake.batchReadCount).toBe(3);
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
    });
  });

  it('refuses unknown properties, calculated ones and stages not in the pipeline, on an update and a creation', async () => {
    const id = fake.addDeal({ name: 'Acme' });
    const patch = (properties: Record<string, string>) =>
      call(`/crm/v3/objects/deals/${id}`, { method: 'PATCH', body: { properties } });
    const unknown = await patch({ x: '1' });
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
    expect((await json(await patch({ hs_is_closed: 'true' }))).errors?.[0]?.code).toBe('READ_ONLY_VALUE');
    expect((await json(await patch({ dealstage: 'Closed Won' }))).errors?.[0]?.code).toBe('INVALID_OPTION');
    expect(fake.deal(id)?.properties.dealstage).toBe('appointmentscheduled');
    expect(
      (await rejection(client().crm.deals.basicApi.update('1', { properties: { dealname: 'x' } }))).code,
    ).toBe(404);
    const created = await post('/crm/v3/objects/deals', {
      properties: { dealname: 'x', dealstage: 'discovery' },
      associations: [],
    });
    expect(created.status).toBe(400);
    expect(await created.json()).toMatchObject({ category: 'VALIDATION_ERROR' });
    expect(fake.allDeals()).toHaveLength(1);
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
      [at, [toDeal(dealId, 202)], { message: 'One or more associations are invalid' }],
    ];
    for (const [properties, associations, refusal] of refusals) {
      const res = await post('/crm/v3/objects/notes', { properties, associations });
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
    const ok = await post('/crm/v3/objects/notes', { properties: at, associations: [toDeal(dealId)] });
    expect((await json(ok)).properties).toMatchObject({ hs_timestamp: '2025-01-15T10:00:00.000Z' });
  });

  async function addNote(f: FakeHubspot, dealId: string, body: string): Promise<void> {
    const properties = { hs_timestamp: '2025-01-15T10:00:00Z', hs_note_body: body };
    expect(
      (await post('/crm/v3/objects/notes', { properties, associations: [toDeal(dealId)] }, f)).status,
    ).toBe(201);
  }

  it('searches CONTAINS_TOKEN on whole words only, pages with limit (default 10) and after, and refuses operators HubSpot does not have', async () => {
    const dealId = fake.addDeal({ name: 'A' });
    await addNote(fake, dealId, '<p>Accepted</p><p>ref H42-abc9</p>');
    await addNote(fake, fake.addDeal({ name: 'B' }), '<p>ref h42-abc</p>');
    for (let i = 0; i < 11; i++) await addNote(fake, dealId, `note ${i}`);
    const search = client().crm.objects.notes.searchApi;
    const token = (value: string) => [
      { filters: [{ propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN' as never, value }] },
    ];
    const whole = await search.doSearch({ filterGroups: token('h42-ABC9'), properties: ['hs_note_body'] });
    expect([whole.total, whole.results[0]?.properties.hs_note_body]).toEqual([
      1,
      '<p>Accepted</p><p>ref H42-abc9</p>',
    ]);
    expect(
      (await search.doSearch({ filterGroups: token('abc'), properties: ['hs_note_body'] })).results,
    ).toEqual([
      expect.objectContaining({
        properties: expect.objectContaining({ hs_note_body: '<p>ref h42-abc</p>' }),
      }),
    ]);
    const first = await search.doSearch({ filterGroups: [byDeal(dealId)] });
    expect([first.total, first.results.length]).toEqual([12, 10]);
    const rest = await search.doSearch({
      filterGroups: [byDeal(dealId)],
      after: first.paging?.next?.after ?? '',
    });
    expect(rest.results).toHaveLength(2);
    const like = await post('/crm/v3/objects/notes/search', {
      filterGroups: [{ filters: [{ propertyName: 'hs_timestamp', operator: 'LIKE', value: '1' }] }],
    });
    expect(like.status).toBe(400);
    expect((await json(like)).message).toMatch(/operator LIKE is not one of the values accepted/);
  });

  it('does not find a note younger than searchLagMs', async () => {
    let now = 1_700_000_000_000;
    const lagging = await start({ searchLagMs: 5_000, now: () => now });
    const dealId = lagging.addDeal({ name: 'A' });
    await addNote(lagging, dealId, 'ref m1');
    const found = async () =>
      (await client(lagging).crm.objects.notes.searchApi.doSearch({ filterGroups: [byDeal(dealId)] })).total;
    expect(await found()).toBe(0);
    now += 4_999;
    expect(await found()).toBe(0);
    now += 1;
    expect(await found()).toBe(1);
  });
});

describe('rate limits', () => {
  it('answers 429 past tenSecondLimit in a rolling 10 s, with the rate-limit headers', async () => {
    let now = 1_700_000_000_000;
    const limited = await start({ tenSecondLimit: 3, now: () => now });
    const id = limited.addDeal({ name: 'A' });
    const read = () => call(`/crm/v3/objects/deals/${id}`, {}, limited);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await read();
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('3');
      remaining.push(res.headers.get('x-hubspot-ratelimit-remaining'));
      now += 1_000;
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const over = await read();
    expect(over.status).toBe(429);
    expect(over.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    const body = await json(over);
    expect(body).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      groupName: expect.stringMatching(/^publicapi:private-app:\d+$/),
    });
    expect(body.correlationId).toMatch(uuid);
    const error = await rejection(client(limited).crm.deals.basicApi.getById(id));
    expect(error).toMatchObject({
      code: 429,
      headers: expect.objectContaining({ 'x-hubspot-ratelimit-max': '3' }),
    });
    // The oldest request leaves the window 10 s after it came.
    now += 7_000;
    expect((await read()).status).toBe(200);
  });

  it('limits searches per second on their own', async () => {
    let now = 1_700_000_000_000;
    const limited = await start({ searchPerSecondLimit: 2, now: () => now });
    const search = () => post('/crm/v3/objects/notes/search', {}, limited);
    expect((await search()).status).toBe(200);
    expect((await search()).status).toBe(200);
    const over = await search();
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
    expect((await call('/crm/v3/pipelines/deals', {}, limited)).status).toBe(200);
    now += 1_000;
    expect((await search()).status).toBe(200);
  });

  it('pages a search by `after` and enforces its limits (groups, filters, sorts, the 10,000th result)', async () => {
    const roomy = await start({ searchPerSecondLimit: 100 });
    const company = roomy.addCompany({ name: 'Big', domain: 'big.example' });
    for (let i = 0; i < 5; i++) roomy.addDeal({ name: `D${i}`, companyId: company });
    const search = (body: unknown) => post('/crm/v3/objects/deals/search', body, roomy);
    const byCompany = { filters: [{ propertyName: 'associations.company', operator: 'EQ', value: company }] };
    const first = await json(await search({ filterGroups: [byCompany], limit: 2 }));
    expect(first).toMatchObject({ total: 5, paging: { next: { after: '2' } } });
    expect(first.results).toHaveLength(2);
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
      const res = await search(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await json(res)).category).toBe('VALIDATION_ERROR');
    }
  });
});

describe('routing, owners and reset', () => {
  it('answers 404 OBJECT_NOT_FOUND for anything else', async () => {
    for (const path of ['/crm/v3/objects/contacts/1', '/crm/v4/objects/deals/1', '/']) {
      const res = await call(path);
      expect(res.status, path).toBe(404);
      const body = await json(res);
      expect(body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
      expect(body.correlationId).toMatch(uuid);
    }
  });

  it('lists owners by email, reads an archived owner only with archived=true, and refuses an unknown one on a company', async () => {
    const jordan = fake.addOwner({ email: 'jordan@example.com', firstName: 'Jordan', lastName: 'Lee' });
    const gone = fake.addOwner({ email: 'gone@example.com' });
    fake.archiveOwner(gone);
    const owners = client().crm.owners.ownersApi;
    expect((await owners.getPage('JORDAN@example.com')).results.map((o) => o.id)).toEqual([jordan]);
    await expect(owners.getById(Number(gone))).rejects.toMatchObject({ code: 404 });
    expect(await owners.getById(Number(gone), 'id', true)).toMatchObject({
      id: gone,
      archived: true,
      userId: null,
    });
    expect(() => fake.addCompany({ name: 'X', ownerId: '1' })).toThrow(/no owner/);
  });

  it('reset() forgets deals, calls, counters and failures', async () => {
    fake.addDeal({ name: 'A' });
    fake.fail('*', { status: 500 });
    await post('/crm/v3/objects/deals/batch/read', { inputs: [] });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.batchReadCount).toBe(0);
    expect(fake.deal('10000000001')).toBeUndefined();
    expect((await call('/crm/v3/pipelines/deals')).status).toBe(200);
  });
});
