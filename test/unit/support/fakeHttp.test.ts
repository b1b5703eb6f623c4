import { afterEach, describe, expect, it, vi } from 'vitest';
import { hsCall, rejection, sfApi, sfToken } from '../../support/fakeClients.js';
import { heldDelays } from '../../support/fakeHttp.js';
import { FakeHubspot } from '../../support/fakeHubspot.js';
import { FakeSalesforce } from '../../support/fakeSalesforce.js';

/**
 * The failures a test injects into the REST fakes (fakeHttp.ts's FakeRestServer), the same for each: a bare status
 * answered in the service's own error shape, a raw body, the answer lost after the work, a dropped connection, a
 * delay; each once by default, `times` times, or until `clearFailures()`.
 */

const services = [
  {
    name: 'Salesforce',
    async open() {
      const fake = await FakeSalesforce.start();
      const opp = fake.addOpportunity({ name: 'Acme' });
      const token = await sfToken(fake);
      return {
        fake,
        probePath: '/services/data/v62.0/limits',
        probe: () => sfApi(fake, '/limits', { token }),
        writePath: '/services/data/v62.0/sobjects/Task',
        write: (label: string) =>
          sfApi(fake, '/sobjects/Task', { method: 'POST', token, body: { WhatId: opp, Subject: label } }),
        stored: () => fake.tasks().map((t) => t.Subject),
      };
    },
    /** Salesforce's error array, with the code a client maps each status from. */
    injected: [
      [401, 'INVALID_SESSION_ID'],
      [403, 'REQUEST_LIMIT_EXCEEDED'],
      [404, 'NOT_FOUND'],
      [500, 'UNKNOWN_EXCEPTION'],
      [503, 'SERVER_UNAVAILABLE'],
      [400, 'BAD_REQUEST'],
    ].map(([status, errorCode]) => ({
      status: status as number,
      body: [{ message: `fake salesforce: injected HTTP ${status}`, errorCode }],
    })),
  },
  {
    name: 'HubSpot',
    async open() {
      const fake = await FakeHubspot.start();
      const deal = fake.addDeal({ name: 'A' });
      return {
        fake,
        probePath: '/crm/v3/pipelines/deals',
        probe: () => hsCall(fake, '/crm/v3/pipelines/deals'),
        writePath: '/crm/v3/objects/notes',
        write: (label: string) =>
          hsCall(fake, '/crm/v3/objects/notes', {
            method: 'POST',
            body: {
              properties: { hs_timestamp: '2025-01-15T10:00:00Z', hs_note_body: label },
              associations: [
                {
                  to: { id: deal },
                  types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 214 }],
                },
              ],
            },
          }),
        stored: () => fake.notes().map((n) => n.properties.hs_note_body),
      };
    },
    /** HubSpot's error object with the category a client maps each status from; 429 is the rate limit's own. */
    injected: [
      ...[
        [400, 'VALIDATION_ERROR'],
        [401, 'INVALID_AUTHENTICATION'],
        [403, 'MISSING_SCOPES'],
        [404, 'OBJECT_NOT_FOUND'],
        [409, 'CONFLICT'],
        [502, 'INTERNAL_ERROR'],
      ].map(([status, category]) => ({
        status: status as number,
        body: {
          status: 'error',
          message: `fake hubspot: injected HTTP ${status}`,
          correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          category,
        } as unknown,
      })),
      {
        status: 429,
        body: expect.objectContaining({
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          policyName: 'TEN_SECONDLY_ROLLING',
        }),
      },
    ],
  },
];

const opened: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((f) => f.stop()));
});

describe.each(services)('injected failures: the fake $name', (service) => {
  const open = async () => {
    const s = await service.open();
    opened.push(s.fake);
    return s;
  };

  it('answers a bare status in the service’s error shape, once by default', async () => {
    const { fake, probe, probePath } = await open();
    for (const { status, body } of service.injected) {
      fake.fail({ method: 'get', path: probePath }, { status });
      const res = await probe();
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual(body);
      expect((await probe()).status).toBe(200);
      expect(fake.calls.at(-2)).toMatchObject({ status, injected: true });
    }
  });

  it('answers a raw body with its status (200 by default) and content type, `times` times', async () => {
    const { fake, probe, probePath } = await open();
    fake.fail({ path: probePath }, { status: 502, body: '<html>Bad gateway</html>', times: 2 });
    fake.fail({ path: /pipelines|limits/ }, { body: '{"results": [', contentType: 'application/json' });
    for (let i = 0; i < 2; i++) {
      const res = await probe();
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toBe('<html>Bad gateway</html>');
    }
    const cut = await probe();
    expect([cut.status, cut.headers.get('content-type'), await cut.text()]).toEqual([
      200,
      'application/json',
      '{"results": [',
    ]);
    expect((await probe()).status).toBe(200);
  });

  it('loses the answer after processing: the record exists although the client got an error', async () => {
    const { fake, write, writePath, stored } = await open();
    fake.fail({ method: 'POST', path: writePath }, { status: 500, afterProcessing: true });
    expect((await write('lost answer')).status).toBe(500);
    expect(stored()).toEqual(['lost answer']);
    expect(fake.calls.at(-1)).toMatchObject({ status: 500, processed: true, injected: true });
  });

  it('drops the connection (fetch failed, a socket error), before or after processing', async () => {
    const { fake, write, stored } = await open();
    fake.fail({ method: 'POST' }, { dropConnection: true });
    const before = await rejection(write('never stored'));
    expect(before.message).toBe('fetch failed');
    expect((before.cause as { code?: string } | undefined)?.code).toBe('UND_ERR_SOCKET');
    expect(stored()).toEqual([]);

    fake.fail({ method: 'POST' }, { dropConnection: true, afterProcessing: true });
    await rejection(write('stored, answer lost'));
    expect(stored()).toEqual(['stored, answer lost']);
    expect(fake.calls.slice(-2)).toMatchObject([
      { status: 0, dropped: true },
      { status: 0, dropped: true, processed: true },
    ]);
  });

  it('delays, then answers normally; processed at once, a late answer is lost to a client that gave up', async () => {
    const { fake, probe, write, stored } = await open();
    // The delay is held by the test, not waited out in real time: the answer comes once it is released.
    const held = heldDelays();
    fake.delays = held.delays;
    fake.fail('*', { delayMs: 20 });
    let answered = false;
    const answer = probe().finally(() => {
      answered = true;
    });
    await vi.waitFor(() => expect(held.asked).toEqual([20]));
    expect(answered).toBe(false);
    held.release();
    expect((await answer).status).toBe(200);
    expect(fake.calls.at(-1)).toMatchObject({ status: 200 });
    expect(fake.calls.at(-1)?.injected).toBeUndefined();

    // A long real delay costs nothing: the work is done on arrival, and stop() ends the wait.
    fake.delays = undefined;
    fake.fail('*', { delayMs: 10_000, afterProcessing: true });
    const late = write('slow');
    await vi.waitFor(() => expect(stored()).toEqual(['slow']), { interval: 1 });
    await fake.stop();
    await expect(late).rejects.toThrow();
  });

  it("matches '*' on any request, Infinity times until clearFailures(); reset() forgets failures and calls", async () => {
    const { fake, probe, write } = await open();
    fake.fail('*', { status: 503, times: Number.POSITIVE_INFINITY });
    for (const res of [await probe(), await write('x'), await probe()]) expect(res.status).toBe(503);
    fake.clearFailures();
    expect((await probe()).status).toBe(200);
    fake.fail('*', { status: 500 });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect((await probe()).status).toBe(200);
  });
});
