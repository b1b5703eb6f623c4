import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { account, crmRows, drive, hubspotApp, salesforceApp, stopAll } from '../support/crmFlow.js';
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

/**
 * Each CRM with its write path, a 5xx with its own error body answered after the write was done, and a lasting
 * outage of the write and of the look for an earlier one.
 */
const CRMS = [
  {
    name: 'Salesforce',
    body: '500 UNKNOWN_EXCEPTION',
    async start() {
      const { sf, h } = await salesforceApp({ env: COMMON });
      const writes = () => sf.calls.filter((c) => c.method === 'POST' && /\/sobjects\/Task$/.test(c.path));
      return {
        h,
        fake: sf,
        add: (name: string) => sf.addOpportunity({ name }),
        written: (id: string) => sf.tasks().filter((t) => t.WhatId === id).length,
        writes,
        failAfterWrite: () =>
          sf.fail(
            { method: 'POST', path: /\/sobjects\/Task$/ },
            { status: 500, errorCode: 'UNKNOWN_EXCEPTION', message: UNEXPECTED, afterProcessing: true },
          ),
        // Down: the Task's creation and the query that looks for an earlier one.
        failAll: () =>
          sf.fail(
            { path: /\/services\/data\/v[\d.]+\/(sobjects\/Task|query)$/ },
            { status: 500, errorCode: 'UNKNOWN_EXCEPTION', message: UNEXPECTED, times: Infinity },
          ),
        answer: { status: 500, response: [{ errorCode: 'UNKNOWN_EXCEPTION', message: UNEXPECTED }] },
        error: /^Salesforce: HTTP 500 UNKNOWN_EXCEPTION/,
      };
    },
  },
  {
    // The status comes first: a 503 is an outage whatever category its body names.
    name: 'HubSpot',
    body: '503 with the category of a refusal',
    async start() {
      const NOTES = /^\/crm\/objects\/2026-09\/notes$/;
      const { hs, h } = await hubspotApp({ env: COMMON });
      return {
        h,
        fake: hs,
        add: (name: string) => hs.addDeal({ name }),
        written: (id: string) => hs.notes().filter((n) => n.dealIds.includes(id)).length,
        writes: () => hs.calls.filter((c) => c.method === 'POST' && NOTES.test(c.path)),
        failAfterWrite: () =>
          hs.fail(
            { method: 'POST', path: NOTES },
            { status: 503, category: 'OBJECT_NOT_FOUND', afterProcessing: true },
          ),
        // Down: the note's creation and the search that looks for an earlier one.
        failAll: () =>
          hs.fail({ path: /^\/crm\/objects\/2026-09\/notes(\/search)?$/ }, { status: 503, times: Infinity }),
        answer: { status: 503, response: expect.objectContaining({ category: 'OBJECT_NOT_FOUND' }) },
        error: /^HubSpot: HTTP 503/,
      };
    },
  },
];

describe.each(CRMS)('$name: a 5xx with its own error body', ({ body, start }) => {
  let crm: Awaited<ReturnType<typeof start>>;
  let h: Harness;

  beforeAll(async () => {
    crm = await start();
    h = crm.h;
  });
  afterAll(() => stopAll(h, crm.fake));
  afterEach(() => crm.fake.clearFailures());

  it(`writes the activity once when the CRM created it and answered ${body}`, async () => {
    const record = crm.add('Contoso platform');
    crm.failAfterWrite();
    const { handoff } = await sendHandoff(h, { crmOpportunity: record, ...account('Contoso') });
    await drive(h, () => settled(h, handoff.id), 'the activity settled');
    expect((await rowsOf(h, handoff.id))[0]?.status).toBe('delivered');
    expect(crm.written(record)).toBe(1);
    expect(crm.writes()).toEqual([expect.objectContaining({ ...crm.answer, processed: true })]);
    expect(foundEarlier(h, handoff.id)).toBe(true);
    expect((await retriesOf(h, handoff.id))[0]).toMatchObject({ uncertain: true });
    expect(String((await retriesOf(h, handoff.id))[0]?.error)).toMatch(crm.error);
  });

  it('waits out an outage longer than the attempts allowed, then writes the activity once', async () => {
    const record = crm.add('Fabrikam rollout');
    crm.failAll();
    const { handoff } = await sendHandoff(h, { crmOpportunity: record, ...account('Fabrikam') });
    await outlast(h, handoff.id, () => crm.fake.clearFailures());
    expect((await rowsOf(h, handoff.id))[0]?.status).toBe('delivered');
    expect(await parkedOf(h, handoff.id)).toEqual([]);
    expect(crm.written(record)).toBe(1);
    expect((await retriesOf(h, handoff.id)).length).toBeGreaterThan(MAX_ATTEMPTS);
    expect(String((await retriesOf(h, handoff.id))[0]?.error)).toMatch(crm.error);
  });
});
