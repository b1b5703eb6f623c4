import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPT_BLOCK_ID } from '../../src/blocks/ids.js';
import { openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { account, drive, hubspotApp, stopAll } from '../support/crmFlow.js';
import type { FakeHubspot } from '../support/fakeHubspot.js';
import { ALL_SCOPES } from '../support/fakeHubspotScopes.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness } from '../support/harness.js';
import { dmOf, handoffRow, outboxDrained, QUIET } from '../support/ownerFlow.js';
import { people } from '../support/people.js';

/**
 * The AE creates the CRM opportunity (Salesforce) or deal (HubSpot) at the accept. The accept is recorded first; the
 * record is created after the ack, through the outbox's CRM write path (a lost answer is looked for by its marker,
 * never created twice), then linked to the handoff and shown to the AE. A refusal keeps the accept and tells the AE
 * why, in plain words.
 */

/** The close date the app asks for: 90 days after the accept's day in the AE's zone (the step's date is earlier). */
const closeDateOf = (h: Harness, zone: string) =>
  DateTime.fromJSDate(h.clock.now(), { zone }).plus({ days: 90 }).toISODate();

/** The AE's DMs, as text (blocks included). */
const aeDms = (h: Harness) => JSON.stringify(dmOf(h, people.ae.id));

/** Sends a handoff for `name` and accepts it with the box ticked to create its record in `crm`: its id. */
async function acceptCreating(h: Harness, name: string, crm: 'salesforce' | 'hubspot'): Promise<number> {
  const id = (await sendHandoff(h, account(name))).handoff.id;
  const modal = await openAcceptModal(h, { handoffId: id });
  expect(await submitAccept(h, modal, { typed: { crmCreate: [crm] } })).toEqual({});
  return id;
}

describe('creating the Salesforce opportunity at the accept', () => {
  let sf: FakeSalesforce;
  let h: Harness;

  beforeAll(async () => {
    // Salesforce's clock is the app's: a record it creates is dated the app's today.
    sf = await FakeSalesforce.start({
      currency: 'USD',
      now: () => (h as Harness | undefined)?.clock.now().getTime() ?? Date.now(),
    });
    h = await startHarness({ env: { ...QUIET, ...sf.env } });
  });
  afterAll(() => stopAll(h, sf));
  afterEach(() => sf.clearFailures());

  it('offers it beside the link field, and refuses a pasted link with the box ticked', async () => {
    const existing = sf.addOpportunity({ name: 'Adatum pilot', createdDate: '2026-10-01' });
    const id = (await sendHandoff(h, account('Adatum'))).handoff.id;
    const modal = await openAcceptModal(h, { handoffId: id });
    const blocks = JSON.stringify(modal.blocks);
    expect(blocks).toContain('Create a Salesforce opportunity for Adatum');
    expect(
      await submitAccept(h, modal, { typed: { crmOpportunity: existing, crmCreate: ['salesforce'] } }),
    ).toEqual({
      response_action: 'errors',
      errors: {
        [ACCEPT_BLOCK_ID.crmCreate]:
          'Either paste the opportunity you have or create a new one, not both: untick this or empty the link.',
      },
    });
    expect((await handoffRow(h, id)).status).toBe('sent');
  });

  it('creates one opportunity after the accept, links it, and shows it to the AE', async () => {
    const accountId = sf.addAccount({ name: 'Litware', website: 'https://www.litware.example' });
    const before = sf.allOpportunities().length;
    // No opportunity named in the packet, none in Salesforce: partner-sourced by the rule. The partner acted today.
    const today = DateTime.fromJSDate(h.clock.now(), { zone: 'UTC' }).toISODate() ?? '';
    const packet = {
      ...account('Litware'),
      crmOpportunity: null,
      opportunityCreatedOn: null,
      partnerTouchOn: today,
    };
    const id = (await sendHandoff(h, packet)).handoff.id;
    expect((await handoffRow(h, id)).classification).toBe('partner_sourced');
    const modal = await openAcceptModal(h, { handoffId: id });
    expect(
      await submitAccept(h, modal, { typed: { estimatedValue: '48000', crmCreate: ['salesforce'] } }),
    ).toEqual({});
    expect((await handoffRow(h, id)).status).toBe('accepted');
    await outboxDrained(h);
    const created = sf.allOpportunities().slice(before);
    expect(created).toHaveLength(1);
    const row = await handoffRow(h, id);
    expect(created[0]).toMatchObject({
      Name: expect.stringMatching(/^Litware – co-sell with /),
      StageName: 'Prospecting',
      CloseDate: closeDateOf(h, row.aeTimeZone),
      Amount: 48000,
      AccountId: accountId,
      Description: expect.stringContaining(`ref cosell${id}c`),
    });
    expect(row).toMatchObject({
      crmSystem: 'salesforce',
      crmRecordId: created[0]?.Id,
      crmRecordName: created[0]?.Name,
    });
    expect(aeDms(h)).toContain(`/lightning/r/Opportunity/${String(created[0]?.Id)}/view`);
    // A record the app made from the handoff is no evidence that the deal existed before the partner: the CRM's
    // read-back keeps the deal's class (it would read "created today, on the partner's first action": influenced).
    h.clock.advance(15 * 60_000);
    await h.app.scheduler.runNow('crm-read-back');
    await outboxDrained(h);
    // The read-back asked Salesforce about it.
    expect(sf.queries().some((q) => q.includes(String(created[0]?.Id)))).toBe(true);
    expect(await handoffRow(h, id)).toMatchObject({
      classification: 'partner_sourced',
      classifiedLink: `salesforce:${created[0]?.Id}`,
    });
  });

  it('creates it once when Salesforce created it but the answer was lost (a 503 after processing)', async () => {
    sf.fail({ method: 'POST', path: /\/sobjects\/Opportunity$/ }, { status: 503, afterProcessing: true });
    const before = sf.allOpportunities().length;
    const id = await acceptCreating(h, 'Contoso', 'salesforce');
    await drive(h, async () => (await handoffRow(h, id)).crmRecordId !== null, 'the lost opportunity found');
    await outboxDrained(h);
    const created = sf.allOpportunities().slice(before);
    expect(created).toHaveLength(1);
    expect((await handoffRow(h, id)).crmRecordId).toBe(created[0]?.Id);
  });

  it('keeps the accept and tells the AE in plain words when Salesforce refuses it', async () => {
    sf.fail(
      { method: 'POST', path: /\/sobjects\/Opportunity$/ },
      {
        status: 400,
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Every opportunity needs a Type',
        times: Number.POSITIVE_INFINITY,
      },
    );
    const before = sf.allOpportunities().length;
    const id = await acceptCreating(h, 'Fabrikam', 'salesforce');
    await drive(h, () => aeDms(h).includes('was not created'), 'the AE told of the refusal');
    await outboxDrained(h);
    expect(sf.allOpportunities().slice(before)).toHaveLength(0);
    expect(await handoffRow(h, id)).toMatchObject({ status: 'accepted', crmRecordId: null });
    const dms = aeDms(h);
    expect(dms).toContain('Fabrikam is accepted, but the Salesforce opportunity was not created');
    expect(dms).toContain('Every opportunity needs a Type');
    expect(dms).toContain('Opportunity created');
  });
});

describe('creating the HubSpot deal at the accept', () => {
  let hs: FakeHubspot;
  let h: Harness;

  beforeAll(async () => {
    ({ hs, h } = await hubspotApp());
  });
  afterAll(() => stopAll(h, hs));
  afterEach(() => hs.clearFailures());

  it('creates one deal in the first stage, on the company, and links it', async () => {
    const companyId = hs.addCompany({ name: 'Northwind', domain: 'northwind.example' });
    const before = hs.allDeals().length;
    const id = (await sendHandoff(h, account('Northwind'))).handoff.id;
    const modal = await openAcceptModal(h, { handoffId: id });
    expect(JSON.stringify(modal.blocks)).toContain('Create a HubSpot deal for Northwind');
    expect(
      await submitAccept(h, modal, { typed: { estimatedValue: '25000', crmCreate: ['hubspot'] } }),
    ).toEqual({});
    await outboxDrained(h);
    const created = hs.allDeals().slice(before);
    expect(created).toHaveLength(1);
    const row = await handoffRow(h, id);
    expect(created[0]?.properties).toMatchObject({
      dealname: expect.stringMatching(/^Northwind – co-sell with /),
      amount: '25000',
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
      closedate: `${closeDateOf(h, row.aeTimeZone)}T00:00:00.000Z`,
      description: expect.stringContaining(`ref cosell${id}c`),
    });
    expect(created[0]?.companyIds).toEqual([companyId]);
    expect(row).toMatchObject({ crmSystem: 'hubspot', crmRecordId: created[0]?.id });
    expect(aeDms(h)).toContain(String(created[0]?.id));
  });

  it('creates it once when HubSpot created it but the answer was lost (a 502 after processing)', async () => {
    hs.fail({ method: 'POST', path: /\/objects\/[^/]+\/deals$/ }, { status: 502, afterProcessing: true });
    const before = hs.allDeals().length;
    const id = await acceptCreating(h, 'Tailspin', 'hubspot');
    await drive(h, async () => (await handoffRow(h, id)).crmRecordId !== null, 'the lost deal found');
    await outboxDrained(h);
    const created = hs.allDeals().slice(before);
    expect(created).toHaveLength(1);
    expect((await handoffRow(h, id)).crmRecordId).toBe(created[0]?.id);
  });
});

describe('creating a HubSpot deal with a key that may not write deals', () => {
  let hs: FakeHubspot;
  let h: Harness;

  beforeAll(async () => {
    ({ hs, h } = await hubspotApp({}, { scopes: ALL_SCOPES.filter((s) => s !== 'crm.objects.deals.write') }));
  });
  afterAll(() => stopAll(h, hs));

  it('keeps the accept and tells the AE which permission the key lacks', async () => {
    const id = await acceptCreating(h, 'Wingtip', 'hubspot');
    await drive(h, () => aeDms(h).includes('was not created'), 'the AE told of the refusal');
    expect(hs.allDeals()).toHaveLength(0);
    expect(await handoffRow(h, id)).toMatchObject({ status: 'accepted', crmRecordId: null });
    const dms = aeDms(h);
    expect(dms).toContain('Wingtip is accepted, but the HubSpot deal was not created');
    expect(dms).toContain('crm.objects.deals.write');
  });
});
