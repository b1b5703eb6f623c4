import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { account, crmRows, drive, hubspotApp, salesforceApp, stopAll } from '../support/crmFlow.js';
import type { FakeHubspot } from '../support/fakeHubspot.js';
import type { FakeSalesforce } from '../support/fakeSalesforce.js';
import { sendHandoff } from '../support/flow.js';
import type { Harness } from '../support/harness.js';
import { QUIET } from '../support/ownerFlow.js';

/**
 * A CRM's 5xx that carries the CRM's own error body (Salesforce's `[{"errorCode":"UNKNOWN_EXCEPTION",…}]`,
 * HubSpot's `{"status":"error","category":…}`) is a 5xx: it passes by itself, and the write it answered may have been
 * done, so the next attempt looks for the activity before writing it again. Through the real receiver and outbox.
 */

/** Refusals are parked after this many attempts; an outage must outlast them without being parked. */
const MAX_ATTEMPTS = 3;
const COMMON = {
  ...QUIET,
  // A lost answer is looked for after this wait (production: 30 s).
  OUTBOX_UNCERTAIN_WAIT_MS: '300',
  OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
};

/** What Salesforce says with a 500 UNKNOWN_EXCEPTION. */
const UNEXPECTED =
  'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)';

const rowsOf = async (h: Harness, handoffId: number) =>
  (await crmRows(h)).filter((r) => r.handoffId === handoffId);
/** The outbox's "will retry" lines for the handoff's CRM rows. */
const retriesOf = async (h: Harness, handoffId: number) => {
  const rows = await rowsOf(h, handoffId);
  return h.logs.filter(
    (l) =>
      l.msg === 'outbox delivery failed; will retry' &&
      l.method === 'crm.activity' &&
      rows.some((r) => r.id === l.outboxId),
  );
};
const parkedOf = async (h: Harness, handoffId: number) => {
  const rows = await rowsOf(h, handoffId);
  return h.logs.filter(
    (l) => l.msg === 'outbox message parked after repeated refusals' && rows.some((r) => r.id === l.outboxId),
  );
};
const foundEarlier = (h: Harness, handoffId: number) =>
  h.logs.some((l) => String(l.msg).includes('already had this activity') && l.handoffId === handoffId);
const settled = async (h: Harness, handoffId: number) =>
  (await rowsOf(h, handoffId)).length === 1 &&
  (await rowsOf(h, handoffId)).every((r) => r.status !== 'pending');

/**
 * An outage longer than the attempts allowed: the CRM keeps failing (as the caller set it up) until the row has failed
 * more often than a refusal may be retried (or was parked), must then still be pending, and `recover` ends the
 * outage. Returns once the row settled.
 */
async function outlast(h: Harness, handoffId: number, recover: () => void): Promise<void> {
  await drive(
    h,
    async () => (await retriesOf(h, handoffId)).length > MAX_ATTEMPTS || (await settled(h, handoffId)),
    'more failed attempts than a refusal is allowed',
  );
  expect((await rowsOf(h, handoffId)).map((r) => r.status)).toEqual(['pending']);
  recover();
  await drive(h, () => settled(h, handoffId), 'the activity after the outage');
}

describe('Salesforce: a 5xx with Salesforce’s error body', () => {
  const TASKS = /\/sobjects\/Task$/;
  let sf: FakeSalesforce;
  let h: Harness;
  const tasksOn = (id: string) => sf.tasks().filter((t) => t.WhatId === id);

  beforeAll(async () => {
    ({ sf, h } = await salesforceApp({ env: COMMON }));
  });
  afterAll(() => stopAll(h, sf));
  afterEach(() => sf.clearFailures());

  it('writes the Task once when Salesforce created it and answered 500 UNKNOWN_EXCEPTION', async () => {
    const opp = sf.addOpportunity({ name: 'Contoso platform' });
    sf.fail(
      { method: 'POST', path: TASKS },
      { status: 500, errorCode: 'UNKNOWN_EXCEPTION', message: UNEXPECTED, afterProcessing: true },
    );
    const { handoff } = await sendHandoff(h, { crmOpportunity: opp, ...account('Contoso') });
    await drive(h, () => settled(h, handoff.id), 'the Task settled');
    expect((await rowsOf(h, handoff.id))[0]?.status).toBe('delivered');
    expect(tasksOn(opp)).toHaveLength(1);
    const writes = sf.calls.filter((c) => c.method === 'POST' && TASKS.test(c.path));
    expect(writes[0]).toMatchObject({
      status: 500,
      processed: true,
      response: [{ errorCode: 'UNKNOWN_EXCEPTION', message: UNEXPECTED }],
    });
    expect(writes).toHaveLength(1);
    expect(foundEarlier(h, handoff.id)).toBe(true);
    expect((await retriesOf(h, handoff.id))[0]).toMatchObject({ uncertain: true });
    expect(String((await retriesOf(h, handoff.id))[0]?.error)).toMatch(
      /^Salesforce: HTTP 500 UNKNOWN_EXCEPTION/,
    );
  });

  it('waits out an outage of 500 UNKNOWN_EXCEPTION longer than the attempts allowed, then writes the Task once', async () => {
    const opp = sf.addOpportunity({ name: 'Fabrikam rollout' });
    // Down: the Task's creation and the query that looks for an earlier one both answer 500 UNKNOWN_EXCEPTION.
    sf.fail(
      { path: /\/services\/data\/v[\d.]+\/(sobjects\/Task|query)$/ },
      { status: 500, errorCode: 'UNKNOWN_EXCEPTION', message: UNEXPECTED, times: Infinity },
    );
    const { handoff } = await sendHandoff(h, { crmOpportunity: opp, ...account('Fabrikam') });
    await outlast(h, handoff.id, () => sf.clearFailures());
    expect((await rowsOf(h, handoff.id))[0]?.status).toBe('delivered');
    expect(await parkedOf(h, handoff.id)).toEqual([]);
    expect(tasksOn(opp)).toHaveLength(1);
    expect((await retriesOf(h, handoff.id)).length).toBeGreaterThan(MAX_ATTEMPTS);
    expect(String((await retriesOf(h, handoff.id))[0]?.error)).toMatch(
      /^Salesforce: HTTP 500 UNKNOWN_EXCEPTION/,
    );
  });
});

describe('HubSpot: a 5xx with HubSpot’s error body', () => {
  const NOTES = /^\/crm\/objects\/2026-09\/notes$/;
  let hs: FakeHubspot;
  let h: Harness;
  const notesOn = (id: string) => hs.notes().filter((n) => n.dealIds.includes(id));

  beforeAll(async () => {
    ({ hs, h } = await hubspotApp({ env: COMMON }));
  });
  afterAll(() => stopAll(h, hs));
  afterEach(() => hs.clearFailures());

  it('writes the note once when HubSpot created it and answered 500 INTERNAL_ERROR', async () => {
    const deal = hs.addDeal({ name: 'Contoso rollout' });
    hs.fail(
      { method: 'POST', path: NOTES },
      { status: 500, category: 'INTERNAL_ERROR', message: 'internal error', afterProcessing: true },
    );
    const { handoff } = await sendHandoff(h, { crmOpportunity: deal, ...account('Contoso') });
    await drive(h, () => settled(h, handoff.id), 'the note settled');
    expect((await rowsOf(h, handoff.id))[0]?.status).toBe('delivered');
    expect(notesOn(deal)).toHaveLength(1);
    const writes = hs.calls.filter((c) => c.method === 'POST' && NOTES.test(c.path));
    expect(writes[0]).toMatchObject({
      status: 500,
      processed: true,
      response: { category: 'INTERNAL_ERROR' },
    });
    expect(writes).toHaveLength(1);
    expect(foundEarlier(h, handoff.id)).toBe(true);
  });

  it('writes the note once when HubSpot answered 503 with the category of a refusal after creating it', async () => {
    // The status comes first: a 503 is an outage whatever category its body names.
    const deal = hs.addDeal({ name: 'Northwind add-on' });
    hs.fail(
      { method: 'POST', path: NOTES },
      { status: 503, category: 'OBJECT_NOT_FOUND', afterProcessing: true },
    );
    const { handoff } = await sendHandoff(h, { crmOpportunity: deal, ...account('Northwind') });
    await drive(h, () => settled(h, handoff.id), 'the note settled');
    expect((await rowsOf(h, handoff.id))[0]?.status).toBe('delivered');
    expect(notesOn(deal)).toHaveLength(1);
    expect(foundEarlier(h, handoff.id)).toBe(true);
  });

  it('waits out an outage of 503s longer than the attempts allowed, then writes the note once', async () => {
    const deal = hs.addDeal({ name: 'Adventure Works renewal' });
    // Down: the note's creation and the search that looks for an earlier one both answer 503.
    hs.fail({ path: /^\/crm\/objects\/2026-09\/notes(\/search)?$/ }, { status: 503, times: Infinity });
    const { handoff } = await sendHandoff(h, { crmOpportunity: deal, ...account('Adventure Works') });
    await outlast(h, handoff.id, () => hs.clearFailures());
    expect((await rowsOf(h, handoff.id))[0]?.status).toBe('delivered');
    expect(await parkedOf(h, handoff.id)).toEqual([]);
    expect(notesOn(deal)).toHaveLength(1);
    expect((await retriesOf(h, handoff.id)).length).toBeGreaterThan(MAX_ATTEMPTS);
  });
});
