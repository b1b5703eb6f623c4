import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmActivity, type CrmConnector, CrmError } from '../../../src/crm/types.js';
import { hubspotOn, salesforceOn } from '../../support/crmConnectors.js';
import { FakeHubspot } from '../../support/fakeHubspot.js';
import { FakeSalesforce } from '../../support/fakeSalesforce.js';

/**
 * How each connector classifies the vendor's documented error answers, status × body, read through the real client
 * (jsforce, @hubspot/api-client) from a fake that answers exactly that: the HTTP status first (a 5xx may hide a write
 * that was done: look before writing again), then the vendor's code.
 */

/** What the outbox makes of a failure (see `classifyFailure` in outbox/failures.ts). */
type Verdict =
  | 'final'
  | 'not found'
  | 'auth'
  | 'transient'
  | 'uncertain'
  | 'rate limited'
  | 'rate limited, uncertain';

function verdict(error: unknown): Verdict {
  if (!(error instanceof CrmError)) throw new Error(`not a CrmError: ${String(error)}`);
  const o = error.opts;
  if (o.auth) return 'auth';
  if (o.notFound) return 'not found';
  if (!o.transient) return 'final';
  if (o.retryAfterMs !== undefined) return o.uncertain ? 'rate limited, uncertain' : 'rate limited';
  return o.uncertain ? 'uncertain' : 'transient';
}

type Row = [name: string, status: number, body: string, read: Verdict, write: Verdict];

const HTML = '<html><body><h1>502 Bad Gateway</h1></body></html>';
const OOPS =
  'An unexpected error occurred. Please include this ErrorId if you contact support: 12345-678 (-9)';
const SF_OOPS = { errorCode: 'UNKNOWN_EXCEPTION', message: OOPS, fields: [] };

/**
 * Rows of `status | code | message | verdict for a read | for a write`, each answered in the vendor's body: a code
 * `html` is an edge page's, `OOPS` Salesforce's unexpected-error message.
 */
function table(text: string, body: (code: string, message: string) => string): Row[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [status = '', code = '', message = '', read = '', write = ''] = line
        .split('|')
        .map((c) => c.trim());
      const answer = code === 'html' ? HTML : body(code, message === 'OOPS' ? OOPS : message);
      const name = code === 'html' ? `${status} an edge page` : `${status} ${code}`;
      return [name, Number(status), answer, read as Verdict, write as Verdict];
    });
}

/** Salesforce REST: a JSON array of `{ errorCode, message, fields }`. */
const SF_FIELDS: Record<string, string[]> = {
  REQUIRED_FIELD_MISSING: ['Subject'],
  INVALID_CROSS_REFERENCE_KEY: ['WhatId'],
};
const SALESFORCE = table(
  `
  400 | MALFORMED_ID                    | Id: bad                               | not found    | not found
  400 | INVALID_CROSS_REFERENCE_KEY     | bad id                                | not found    | not found
  400 | REQUIRED_FIELD_MISSING          | missing: [Subject]                    | final        | final
  400 | UNABLE_TO_LOCK_ROW              | unable to obtain exclusive access     | transient    | transient
  403 | REQUEST_LIMIT_EXCEEDED          | TotalRequests Limit exceeded.         | rate limited | rate limited
  403 | INSUFFICIENT_ACCESS_OR_READONLY | insufficient access                   | final        | final
  404 | NOT_FOUND                       | The requested resource does not exist | not found    | not found
  404 | ENTITY_IS_DELETED               | entity is deleted                     | not found    | not found
  409 | CONFLICT                        | conflict with the current state       | final        | final
  500 | UNKNOWN_EXCEPTION               | OOPS                                  | transient    | uncertain
  500 | MULTIPLE_API_ERRORS             | OOPS                                  | transient    | uncertain
  503 | SERVER_UNAVAILABLE              | Server is unavailable                 | transient    | uncertain
  503 | UNKNOWN_EXCEPTION               | OOPS                                  | transient    | uncertain
  502 | html                            |                                       | transient    | uncertain
  429 | html                            |                                       | transient    | uncertain
`,
  // jsforce calls two errors MULTIPLE_API_ERRORS: the row of that name answers two. Salesforce's REST API limits
  // with 403 REQUEST_LIMIT_EXCEEDED; a 429 came from something in front of it.
  (errorCode, message) =>
    JSON.stringify(
      errorCode === 'MULTIPLE_API_ERRORS'
        ? [SF_OOPS, SF_OOPS]
        : [{ errorCode, message, ...(SF_FIELDS[errorCode] && { fields: SF_FIELDS[errorCode] }) }],
    ),
);

/** HubSpot v3: `{ status: 'error', message, correlationId, category }`; RATE_LIMIT is the `errorType` of its 429. */
const HUBSPOT = table(
  `
  400 | VALIDATION_ERROR       | Property values were not valid        | final        | final
  401 | INVALID_AUTHENTICATION | credentials not found                 | auth         | auth
  401 | EXPIRED_AUTHENTICATION | The OAuth token has expired           | auth         | auth
  403 | MISSING_SCOPES         | This app lacks a required scope       | final        | final
  404 | OBJECT_NOT_FOUND       | Object not found                      | not found    | not found
  409 | CONFLICT               | Object already exists                 | final        | final
  429 | RATE_LIMITS            | You have reached your secondly limit. | rate limited | rate limited
  429 | RATE_LIMIT             | ten_secondly_rolling                  | rate limited | rate limited
  429 | html                   |                                       | transient    | uncertain
  500 | INTERNAL_ERROR         | internal error                        | transient    | uncertain
  502 | INTERNAL_ERROR         | Bad gateway                           | transient    | uncertain
  503 | INTERNAL_ERROR         | Service unavailable                   | transient    | uncertain
  504 | INTERNAL_ERROR         | Gateway timeout                       | transient    | uncertain
  503 | OBJECT_NOT_FOUND       | Object not found                      | transient    | uncertain
  504 | html                   |                                       | transient    | uncertain
`,
  // Not HubSpot's limiter (an edge page's 429: no HubSpot body, no wait named): nothing says the write was refused
  // before any work. The status comes before the category: a 5xx is a 5xx whatever its body says.
  (category, message) =>
    JSON.stringify(
      category === 'RATE_LIMIT'
        ? { status: 'error', message, errorType: 'RATE_LIMIT', policyName: 'X' }
        : { status: 'error', message, correlationId: 'c0ffee00-0000-4000-8000-000000000000', category },
    ),
);

const ACTIVITY: CrmActivity = {
  subject: 'Co-sell handoff #1 sent to Jordan Seller',
  lines: ['Partner: Meridian'],
  at: new Date('2026-11-23T14:00:00Z'),
  day: '2026-11-23',
  marker: 'cosell1e1',
};

async function failureOf(run: () => Promise<unknown>): Promise<Verdict> {
  try {
    await run();
  } catch (error) {
    return verdict(error);
  }
  throw new Error('the call succeeded');
}

function contentType(body: string): string {
  return body.startsWith('<') ? 'text/html; charset=utf-8' : 'application/json;charset=UTF-8';
}

describe('Salesforce error answers, status × body', () => {
  let fake: FakeSalesforce;
  let crm: CrmConnector;
  let opp: string;
  beforeAll(async () => {
    fake = await FakeSalesforce.start();
    opp = fake.addOpportunity({ name: 'Shapes' });
    crm = salesforceOn(fake);
  });
  afterAll(() => fake.stop());

  it.each(SALESFORCE)('%s', async (_name, status, body, read, write) => {
    const answer = { status, body, contentType: contentType(body) };
    fake.fail({ method: 'GET', path: /\/query$/ }, answer);
    expect(await failureOf(() => crm.findActivity(opp, ACTIVITY))).toBe(read);
    fake.fail({ method: 'POST', path: /\/sobjects\/Task$/ }, answer);
    expect(await failureOf(() => crm.writeActivity(opp, ACTIVITY))).toBe(write);
    expect(fake.tasks()).toHaveLength(0);
  });

  it('no answer (a dropped connection): a read passes, a write may have been done', async () => {
    fake.fail({ method: 'GET', path: /\/query$/ }, { dropConnection: true });
    expect(await failureOf(() => crm.findActivity(opp, ACTIVITY))).toBe('transient');
    fake.fail({ method: 'POST', path: /\/sobjects\/Task$/ }, { dropConnection: true });
    expect(await failureOf(() => crm.writeActivity(opp, ACTIVITY))).toBe('uncertain');
    expect(fake.tasks()).toHaveLength(0);
  });

  // 401 INVALID_SESSION_ID: jsforce asks for a new token (the client credentials flow again) and repeats the call.
  it('401 INVALID_SESSION_ID: a revoked session is renewed and the call made again', async () => {
    fake.revokeTokens();
    expect(await crm.findActivity(opp, ACTIVITY)).toBeUndefined();
    expect(fake.calls.filter((c) => c.status === 401)).not.toHaveLength(0);
  });

  it('401 INVALID_SESSION_ID: a renewal the token endpoint refuses is the credentials', async () => {
    fake.revokeTokens();
    fake.fail(
      { method: 'POST', path: '/services/oauth2/token' },
      {
        status: 400,
        body: JSON.stringify({ error: 'invalid_client', error_description: 'invalid client credentials' }),
        contentType: 'application/json',
      },
    );
    expect(await failureOf(() => crm.writeActivity(opp, ACTIVITY))).toBe('auth');
    expect(fake.tasks()).toHaveLength(0);
  });

  it('401 INVALID_SESSION_ID: a renewal whose token answer names another instance is not followed', async () => {
    const hits: string[] = [];
    const elsewhere = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      fake.revokeTokens();
      fake.namedInstanceUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
      // Refused at the renewal, then before the next call: the final verdict of an address that is not Salesforce's.
      expect(await failureOf(() => crm.writeActivity(opp, ACTIVITY))).toBe('final');
      expect(await failureOf(() => crm.findActivity(opp, ACTIVITY))).toBe('final');
      expect(hits).toEqual([]);
      // Once the token answer names Salesforce's instance again, the next call takes a new token and goes on.
      fake.namedInstanceUrl = undefined;
      expect(await crm.findActivity(opp, ACTIVITY)).toBeUndefined();
    } finally {
      fake.namedInstanceUrl = undefined;
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    }
  });
});

describe('HubSpot error answers, status × body', () => {
  let fake: FakeHubspot;
  let crm: CrmConnector;
  let deal: string;
  beforeAll(async () => {
    fake = await FakeHubspot.start();
    deal = fake.addDeal({ name: 'Shapes' });
    crm = hubspotOn(fake);
  });
  afterAll(() => fake.stop());

  it.each(HUBSPOT)('%s', async (_name, status, body, read, write) => {
    const answer = { status, body, contentType: contentType(body) };
    fake.fail({ method: 'POST', path: '/crm/objects/2026-09/notes/search' }, answer);
    expect(await failureOf(() => crm.findActivity(deal, ACTIVITY))).toBe(read);
    fake.fail({ method: 'POST', path: '/crm/objects/2026-09/notes' }, answer);
    expect(await failureOf(() => crm.writeActivity(deal, ACTIVITY))).toBe(write);
    expect(fake.notes()).toHaveLength(0);
  });
});
