import { ApiException } from '@hubspot/api-client/lib/codegen/crm/objects/notes/apis/exception.js';
import jsforce from 'jsforce';
import { HttpApi } from 'jsforce/lib/http-api.js';
import { describe, expect, it } from 'vitest';
import {
  type Classified,
  classifyAnswer,
  type FailureKind,
  HUBSPOT_CODES,
  hubspotAnswer,
  SALESFORCE_CODES,
  salesforceCode,
  type VendorAnswer,
  type VendorCodes,
} from '../../../src/crm/failures.js';

/**
 * The shared classifier of CRM failures, as a table: HTTP status × the vendor's code → what the outbox does, for a
 * read and for a write. The status comes first; the vendor's code only sorts the 4xx.
 */

/** The outbox's view of a classification: transient or final, uncertain, a wait, the credentials, a missing record. */
function effect({ opts }: Classified): string {
  const parts = [opts.transient ? 'transient' : 'final'];
  if (opts.uncertain) parts.push('uncertain');
  if (opts.retryAfterMs !== undefined) parts.push(`wait${opts.retryAfterMs / 1000}s`);
  if (opts.auth) parts.push('auth');
  if (opts.notFound) parts.push('notfound');
  return parts.join('+');
}

/**
 * vendor, HTTP status ('-': no answer), the vendor's code ('-': none, the body was not the vendor's; `@1000`: the
 * answer named a wait of 1000 ms), the kind, and what the outbox does with a read and with a write.
 */
const TABLE = `
  Salesforce  -    -                                no_answer     transient             transient+uncertain
  HubSpot     -    -                                no_answer     transient             transient+uncertain
  Salesforce  500  UNKNOWN_EXCEPTION                server        transient             transient+uncertain
  Salesforce  503  SERVER_UNAVAILABLE               server        transient             transient+uncertain
  Salesforce  503  UNKNOWN_EXCEPTION                server        transient             transient+uncertain
  Salesforce  500  NOT_FOUND                        server        transient             transient+uncertain
  Salesforce  503  REQUEST_LIMIT_EXCEEDED           server        transient             transient+uncertain
  Salesforce  502  -                                server        transient             transient+uncertain
  Salesforce  408  -                                server        transient             transient+uncertain
  HubSpot     500  INTERNAL_ERROR                   server        transient             transient+uncertain
  HubSpot     502  INTERNAL_ERROR                   server        transient             transient+uncertain
  HubSpot     503  OBJECT_NOT_FOUND                 server        transient             transient+uncertain
  HubSpot     504  INVALID_AUTHENTICATION           server        transient             transient+uncertain
  HubSpot     504  -                                server        transient             transient+uncertain
  HubSpot     429  RATE_LIMITS                      rate_limited  transient+wait10s     transient+wait10s
  HubSpot     429  RATE_LIMIT@1000                  rate_limited  transient+wait1s      transient+wait1s
  HubSpot     429  -                                rate_limited  transient             transient+uncertain
  Salesforce  429  -                                rate_limited  transient             transient+uncertain
  Salesforce  403  REQUEST_LIMIT_EXCEEDED           rate_limited  transient+wait900s    transient+wait900s
  Salesforce  401  INVALID_SESSION_ID               auth          transient+auth        transient+auth
  HubSpot     401  INVALID_AUTHENTICATION           auth          transient+auth        transient+auth
  HubSpot     401  EXPIRED_AUTHENTICATION           auth          transient+auth        transient+auth
  HubSpot     401  -                                auth          transient+auth        transient+auth
  Salesforce  400  UNABLE_TO_LOCK_ROW               passing       transient             transient
  Salesforce  403  API_CURRENTLY_DISABLED           passing       transient             transient
  Salesforce  404  NOT_FOUND                        not_found     final+notfound        final+notfound
  Salesforce  404  ENTITY_IS_DELETED                not_found     final+notfound        final+notfound
  Salesforce  400  MALFORMED_ID                     not_found     final+notfound        final+notfound
  Salesforce  400  INVALID_CROSS_REFERENCE_KEY      not_found     final+notfound        final+notfound
  Salesforce  400  REQUIRED_FIELD_MISSING           final         final                 final
  Salesforce  403  INSUFFICIENT_ACCESS_OR_READONLY  final         final                 final
  Salesforce  409  CONFLICT                         final         final                 final
  Salesforce  404  -                                final         final                 final
  HubSpot     400  VALIDATION_ERROR                 final         final                 final
  HubSpot     403  MISSING_SCOPES                   final         final                 final
  HubSpot     404  OBJECT_NOT_FOUND                 not_found     final+notfound        final+notfound
  HubSpot     409  CONFLICT                         final         final                 final
  HubSpot     201  -                                unreadable    transient             transient+uncertain
`;

const CODES: Record<string, VendorCodes> = { Salesforce: SALESFORCE_CODES, HubSpot: HUBSPOT_CODES };
const ROWS = TABLE.trim()
  .split('\n')
  .map((line) => {
    const [vendor = '', status = '', code = '', kind = '', read = '', write = ''] = line.trim().split(/\s+/);
    const [vendorCode = '', wait] = code.split('@');
    const answer: VendorAnswer = {
      ...(status === '-' ? {} : { status: Number(status) }),
      ...(vendorCode === '-' ? {} : { code: vendorCode }),
      ...(wait ? { retryAfterMs: Number(wait) } : {}),
    };
    return {
      name: `${vendor} ${status} ${code}`,
      codes: CODES[vendor] as VendorCodes,
      answer,
      kind,
      read,
      write,
    };
  });

describe('classifyAnswer: the HTTP status first, then the vendor’s code', () => {
  it.each(ROWS)('$name', ({ codes, answer, kind, read, write }) => {
    expect(classifyAnswer(codes, answer, false).kind).toBe(kind as FailureKind);
    expect({
      read: effect(classifyAnswer(codes, answer, false)),
      write: effect(classifyAnswer(codes, answer, true)),
    }).toEqual({ read, write });
  });
});

describe('reading the vendor’s code from its client’s error', () => {
  // jsforce 3.9.5 turns an error answer into an HttpApiError the way every call does (`HttpApi#getError`).
  const api = new HttpApi(new jsforce.Connection({}), {});
  const jsforceError = (statusCode: number, body: string, type = 'application/json;charset=UTF-8') =>
    api.getError({ statusCode, headers: { 'content-type': type }, body });
  const sfBody = (...codes: string[]) =>
    JSON.stringify(codes.map((errorCode) => ({ errorCode, message: 'm' })));

  it.each([
    ['one error', 500, sfBody('UNKNOWN_EXCEPTION'), 'UNKNOWN_EXCEPTION'],
    [
      'several errors (MULTIPLE_API_ERRORS)',
      500,
      sfBody('SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION'),
      'SERVER_UNAVAILABLE',
    ],
    ['a 403 limit', 403, sfBody('REQUEST_LIMIT_EXCEEDED'), 'REQUEST_LIMIT_EXCEEDED'],
    ['a body that is not Salesforce’s (ERROR_HTTP_502)', 502, '<html>Bad gateway</html>', undefined],
  ])('Salesforce (jsforce HttpApiError): %s', async (_name, status, body, code) => {
    const error = await jsforceError(status, body, body.startsWith('<') ? 'text/html' : undefined);
    expect(salesforceCode(error)).toBe(code);
  });

  it('Salesforce: no answer has no code', () => {
    expect(
      salesforceCode(Object.assign(new Error('socket hang up'), { name: 'FetchError' })),
    ).toBeUndefined();
  });

  it.each([
    [
      'a HubSpot error body',
      new ApiException(
        503,
        'An error occurred.',
        { status: 'error', message: 'down', category: 'INTERNAL_ERROR' },
        {},
      ),
      { status: 503, code: 'INTERNAL_ERROR', message: 'down' },
    ],
    [
      'the rate-limit body, with its interval',
      new ApiException(
        429,
        'An error occurred.',
        { status: 'error', message: 'limit', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
        { 'x-hubspot-ratelimit-interval-milliseconds': '10000' },
      ),
      { status: 429, code: 'RATE_LIMIT', retryAfterMs: 10_000, message: 'limit' },
    ],
    [
      'a JSON text body',
      new ApiException(404, 'An error occurred.', '{"category":"OBJECT_NOT_FOUND","message":"gone"}', {}),
      { status: 404, code: 'OBJECT_NOT_FOUND', message: 'gone' },
    ],
    [
      'an edge page',
      new ApiException(502, 'An error occurred.', '<html>Bad gateway</html>', {}),
      { status: 502, message: '<html>Bad gateway</html>' },
    ],
    ['no answer', new Error('ECONNRESET'), { message: 'ECONNRESET' }],
  ])('HubSpot (ApiException): %s', (_name, error, answer) => {
    expect(hubspotAnswer(error)).toEqual(answer);
  });
});
