import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { stoppedAfterEach } from '../support/crmConnectors.js';
import { account, crmRows, drive, lightning, salesforceEnv, stopAll } from '../support/crmFlow.js';
import { openKeptDatabase } from '../support/databaseKey.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import { sendHandoff, submitAndSend } from '../support/flow.js';
import { type Harness, harnessPerTest, startHarness, waitFor } from '../support/harness.js';
import { handoffRow, outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import { accept, opportunitySubmission } from '../support/partnerFlow.js';
import { packetSubmission } from '../support/payloads.js';
import { people } from '../support/people.js';

const stopLater = stoppedAfterEach();
const start = harnessPerTest();

/**
 * The CRM loop with Salesforce, through the real receiver and outbox, against a fake Salesforce that answers in its
 * REST shapes (OAuth client credentials, sobjects, SOQL) and fails on demand.
 */
const sfEnv = (sf: FakeSalesforce, extra: Record<string, string> = {}) => ({
  ...QUIET,
  ...salesforceEnv(sf),
  // A lost answer is looked for after this wait (production: 30 s).
  OUTBOX_UNCERTAIN_WAIT_MS: '300',
  ...extra,
});

async function review(h: Harness, crmOpportunity: string) {
  const submitted = await h.interact(packetSubmission({ values: { crmOpportunity } }));
  expect(submitted.status).toBe(200);
  return (await submitted.json()) as {
    response_action: string;
    errors?: Record<string, string>;
    view?: { blocks: unknown[] };
  };
}

const tasksOn = (sf: FakeSalesforce, id: string) => sf.tasks().filter((t) => t.WhatId === id);

describe('Salesforce: link, write, read back', () => {
  let sf: FakeSalesforce;
  let h: Harness;
  let opp: string;

  beforeAll(async () => {
    sf = await FakeSalesforce.start();
    h = await startHarness({ env: sfEnv(sf) });
  });
  afterAll(() => stopAll(h, sf));
  afterEach(() => sf.clearFailures());

  it('links a packet to the opportunity its CRM field names (name and stage in the review); refuses a missing one; text that is no link stays text', async () => {
    opp = sf.addOpportunity({ name: 'Northwind expansion', stageName: 'Prospecting', amount: 125_000 });
    const answer = await review(h, lightning(opp));
    expect(answer.response_action).toBe('push');
    const blocks = JSON.stringify(answer.view?.blocks);
    expect(blocks).toContain('*Salesforce opportunity*: Northwind expansion (Prospecting)');
    const missing = `${opp.slice(0, 8)}ZZZZZZZ`;
    const refused = await review(h, missing);
    expect(refused.response_action).toBe('errors');
    expect(refused.errors?.crm_opportunity).toMatch(/Salesforce has no opportunity .* that the app can see/);
    const wrongChecksum = await review(h, `${opp.slice(0, 15)}AAA`);
    expect(wrongChecksum.errors?.crm_opportunity).toMatch(
      /looks like a Salesforce link, but it names no opportunity/,
    );
    const text = await review(h, 'OPP-55120');
    expect(text.response_action).toBe('push');
    expect(JSON.stringify(text.view?.blocks)).not.toContain('Salesforce opportunity');
  });

  it('writes one Task per state change on the opportunity, with partner, attribution, AE, status, time and evidence', async () => {
    const { handoff } = await sendHandoff(h, { crmOpportunity: opp });
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      crmSystem: 'salesforce',
      crmRecordId: opp,
      crmRecordName: 'Northwind expansion',
    });
    await waitFor(() => tasksOn(sf, opp).length === 1, 8000, 'the Task for the send');
    await accept(h, handoff.id);
    await waitFor(() => tasksOn(sf, opp).length === 2, 8000, 'the Task for the acceptance');
    await outboxDrained(h);
    const [sent, accepted] = tasksOn(sf, opp);
    expect(sent?.Subject).toMatch(
      new RegExp(`^Co-sell handoff #${handoff.id} sent to Jordan Seller \\(ref cosell${handoff.id}e\\d+\\)$`),
    );
    expect(accepted?.Subject).toMatch(new RegExp(`^Co-sell handoff #${handoff.id} accepted by `));
    expect(accepted?.Status).toBe('Completed');
    const description = String(accepted?.Description);
    expect(description).toContain('Partner: Meridian Cloud Consulting');
    expect(description).toMatch(/Attribution: Partner-(sourced|influenced)/);
    expect(description).toContain('Account executive: ');
    expect(description).toMatch(/Status: accepted by .*, 2026-11-23 \d\d:\d\d UTC/);
    expect(description).toContain('Evidence: https://docs.example.com/northwind/qbr-notes');
    // No field mapping is named: no opportunity field is written.
    expect(sf.calls.filter((c) => c.method === 'PATCH')).toEqual([]);
    // The AE's packet shows the linked record.
    const dm = await waitForDm(h, people.ae.id, 'Northwind expansion', 'the linked record on the AE packet');
    expect(JSON.stringify(dm.blocks)).toContain(
      `Northwind expansion (${opp}) · Salesforce, updates are logged there`,
    );
  });

  it('reads closed deals back: won and lost recorded by themselves, everyone told, the partner without amount or stage', async () => {
    const wonOpp = sf.addOpportunity({ name: 'Won deal', stageName: 'Negotiation', amount: 987_654 });
    const lostOpp = sf.addOpportunity({ name: 'Lost deal', stageName: 'Negotiation', amount: 555_444 });
    const won = (await sendHandoff(h, { crmOpportunity: wonOpp, ...account('Tailwind Traders') })).handoff;
    const lost = (await sendHandoff(h, { crmOpportunity: lostOpp, ...account('Adatum') })).handoff;
    await accept(h, won.id);
    await accept(h, lost.id);
    await outboxDrained(h);
    // The read-back's queries of the records (besides the org's currencies, read at most hourly: issue 54).
    const stateQueries = () => sf.queries().filter((q) => q.includes('FROM Opportunity WHERE Id IN'));
    const queriesBefore = stateQueries().length;
    sf.closeOpportunity(wonOpp, { won: true, stageName: 'Closed Won - Signed' });
    sf.closeOpportunity(lostOpp, { won: false, stageName: 'Closed Lost - Budget' });
    h.clock.advance(301_000);
    await h.app.scheduler.runNow('crm-read-back');
    // One query for every accepted linked handoff, not one per handoff.
    expect(stateQueries().length - queriesBefore).toBe(1);
    expect((await handoffRow(h, won.id)).outcome).toBe('won');
    expect((await handoffRow(h, lost.id)).outcome).toBe('lost');
    // Closed in the CRM, the AE's first step is behind them (issue 51): done, nothing more checks it.
    expect(await handoffRow(h, won.id)).toMatchObject({
      firstStepDoneAt: h.clock.now(),
      stepCheck: null,
      nextStepCheckAt: null,
    });
    // The AE and the owner are told by DM; the partner thread hears it.
    await waitForDm(h, people.ae.id, '*Closed won* in Salesforce', 'the AE told of the win');
    await waitForDm(h, people.author.id, '*Closed lost* in Salesforce', 'the owner told of the loss');
    await outboxDrained(h);
    // What the partner reads (text and blocks; not Slack's ids and metadata).
    const partner = JSON.stringify(h.slack.messages('C0PARTNER').map((m) => [m.text, m.blocks]));
    expect(partner).toContain('*Tailwind Traders*: won!');
    expect(partner).toContain('*Adatum*: closed without a win');
    for (const secret of [
      '987,654',
      '987654',
      '555,444',
      '555444',
      'Closed Won - Signed',
      'Closed Lost - Budget',
      'Negotiation',
      'Salesforce',
      wonOpp.slice(0, 15),
      lostOpp.slice(0, 15),
    ]) {
      expect(partner).not.toContain(secret);
    }
    // The CRM gets its activity for the outcome too, once.
    await waitFor(
      () => tasksOn(sf, wonOpp).some((t) => String(t.Subject).includes('closed won')),
      8000,
      'the won Task',
    );
    expect(tasksOn(sf, wonOpp).filter((t) => String(t.Subject).includes('closed won'))).toHaveLength(1);
    // A second poll reads the deals still open (Northwind) and records nothing twice.
    const events = (
      await h.database.db.select().from(h.tables.handoffEvents).orderBy(h.tables.handoffEvents.id)
    ).length;
    h.clock.advance(301_000);
    const again = sf.queryCount;
    await h.app.scheduler.runNow('crm-read-back');
    expect(sf.queryCount).toBe(again + 1);
    expect(sf.queries().at(-1)).not.toContain(wonOpp.slice(0, 15));
    expect(
      (await h.database.db.select().from(h.tables.handoffEvents).orderBy(h.tables.handoffEvents.id)).length,
    ).toBe(events);
  });

  it('records the opportunity from "Opportunity created" as the link, checked in that modal', async () => {
    const { handoff } = await sendHandoff(h, { crmOpportunity: null, ...account('Litware') });
    expect((await handoffRow(h, handoff.id)).crmRecordId).toBeNull();
    await accept(h, handoff.id);
    const later = sf.addOpportunity({ name: 'Litware new business', stageName: 'Prospecting' });
    const submit = async (crm: string) => {
      const response = await h.interact(opportunitySubmission({ handoffId: handoff.id, crm }));
      expect(response.status).toBe(200);
      const text = await response.text();
      return (text ? JSON.parse(text) : {}) as { response_action?: string; errors?: Record<string, string> };
    };
    const refused = await submit('006ZZZZZZZZZZZZ');
    expect(refused.errors?.outcome_crm_opportunity).toMatch(/Salesforce has no opportunity/);
    expect((await handoffRow(h, handoff.id)).outcome).toBeNull();
    const ok = await submit(lightning(later));
    expect(ok.response_action).not.toBe('errors');
    expect(await handoffRow(h, handoff.id)).toMatchObject({ crmSystem: 'salesforce', crmRecordId: later });
    await waitFor(
      () => tasksOn(sf, later).some((t) => String(t.Subject).includes('opportunity created')),
      8000,
      'the Task on the newly linked opportunity',
    );
  });

  it('queues nothing for the CRM for an unlinked handoff', async () => {
    const before = (await crmRows(h)).length;
    await submitAndSend(h, { crmOpportunity: 'OPP-1', ...account('Wide World Importers') });
    await outboxDrained(h);
    expect((await crmRows(h)).length).toBe(before);
  });
});

describe('Salesforce field mapping (off by default)', () => {
  it('writes the classification and the partner to the fields the admin named, after each Task', async () => {
    const sf = stopLater(await FakeSalesforce.start());
    sf.addCustomField('Partner_Attribution__c');
    sf.addCustomField('Partner_Name__c');
    const opp = sf.addOpportunity({ name: 'Mapped deal' });
    const h = await start({
      env: sfEnv(sf, {
        SALESFORCE_FIELD_CLASSIFICATION: 'Partner_Attribution__c',
        SALESFORCE_FIELD_PARTNER: 'Partner_Name__c',
      }),
    });
    await sendHandoff(h, { crmOpportunity: opp });
    await waitFor(() => tasksOn(sf, opp).length === 1, 8000, 'the Task');
    await outboxDrained(h);
    expect(String(sf.opportunity(opp)?.Partner_Attribution__c)).toMatch(/^Partner-(sourced|influenced)$/);
    expect(sf.opportunity(opp)?.Partner_Name__c).toBe('Meridian Cloud Consulting');
  });

  it('keeps the Task when Salesforce refuses a mapped field, and says which', async () => {
    const sf = stopLater(await FakeSalesforce.start());
    const opp = sf.addOpportunity({ name: 'Misnamed field deal' });
    // Not a field of this org: Salesforce refuses the whole update (it is one record), and the Task stands.
    const h = await start({ env: sfEnv(sf, { SALESFORCE_FIELD_PARTNER: 'Partner_Name__c' }) });
    await sendHandoff(h, { crmOpportunity: opp });
    await waitFor(() => tasksOn(sf, opp).length === 1, 8000, 'the Task');
    await outboxDrained(h);
    expect((await crmRows(h)).map((r) => r.status)).toEqual(['delivered']);
    const refusal = h.logs.find((l) => String(l.msg).includes('refused the mapped fields'));
    expect(refusal).toMatchObject({ fields: ['Partner_Name__c'] });
    expect(String(refusal?.err)).toContain('INVALID_FIELD');
    expect(tasksOn(sf, opp)).toHaveLength(1);
  });
});

describe('Salesforce across a crash', () => {
  it('does not write the Task twice when the app died between Salesforce creating it and recording that', async () => {
    const sf = stopLater(await FakeSalesforce.start());
    const opp = sf.addOpportunity({ name: 'Crash test deal' });
    const first = await start({ env: sfEnv(sf) });
    const { handoff } = await sendHandoff(first, { crmOpportunity: opp });
    await waitFor(
      async () => tasksOn(sf, opp).length === 1 && (await crmRows(first))[0]?.status === 'delivered',
      8000,
      'the Task',
    );
    const databasePath = first.databaseKey;
    await first.stop({ keepDatabase: true });
    // The row as a kill -9 leaves it after the call and before its result was stored: still pending, marked as
    // possibly sent (the mark is written before every attempt).
    const db = await openKeptDatabase(databasePath);
    await db.db.transaction(
      async (tx) =>
        await tx
          .update(tablesOf(tx).outbox)
          .set({ status: 'pending', deliveredAt: null, uncertainSince: new Date('2026-11-23T14:00:00Z') })
          .where(eq(tablesOf(tx).outbox.method, 'crm.activity')),
    );
    await db.close();
    const second = await start({ env: sfEnv(sf), slack: stopLater(first.slack), databasePath });
    await drive(
      second,
      async () => (await crmRows(second)).every((r) => r.status === 'delivered'),
      'the restarted outbox settling the row',
    );
    expect(second.logs.some((l) => String(l.msg).includes('already had this activity'))).toBe(true);
    expect(tasksOn(sf, opp)).toHaveLength(1);
    expect(tasksOn(sf, opp)[0]?.Subject).toContain(`#${handoff.id} sent`);
  });
});

describe('Salesforce at start', () => {
  it.each([
    [
      'refuses the credentials',
      {},
      /Salesforce refused the client credentials \(invalid_client.*Check SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET/,
      { SALESFORCE_CLIENT_SECRET: 'wrong-secret' },
    ],
    // The token endpoint answers as login.salesforce.com does: the error names the My Domain, in the doctor's words.
    [
      'is asked at a login URL that is not the My Domain',
      { genericLogin: true },
      'Salesforce refused the client credentials (invalid_grant: request not supported on this domain). Salesforce issues client-credentials tokens from your My Domain: set SALESFORCE_LOGIN_URL to https://<yourcompany>.my.salesforce.com. Check SALESFORCE_CLIENT_ID',
      {},
    ],
  ])('stops the start with a readable message when Salesforce %s', async (_, options, message, env) => {
    const sf = stopLater(await FakeSalesforce.start(options));
    await expect(startHarness({ env: sfEnv(sf, env) })).rejects.toThrow(message);
  });

  it('starts when Salesforce cannot be reached, and says so', async () => {
    const sf = await FakeSalesforce.start();
    const loginUrl = sf.loginUrl;
    await sf.stop();
    const h = await start({ env: { ...sfEnv(sf), SALESFORCE_LOGIN_URL: loginUrl } });
    expect(h.logs.some((l) => String(l.msg).includes('Salesforce could not be reached at start'))).toBe(true);
    const health = await fetch(`${h.baseUrl}/healthz`);
    expect(health.status).toBe(200);
  });
});
