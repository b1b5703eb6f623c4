import { type CrmError, snippetOf } from './types.js';

/**
 * How a failed CRM call is sorted, the same way for every CRM: by the HTTP status first, then by the vendor's own
 * code. A vendor's error body says what went wrong, not whether the work was done: Salesforce answers a 500 with
 * `[{"errorCode":"UNKNOWN_EXCEPTION",…}]` after it may have created the Task, so a 5xx is never taken as a refusal,
 * whatever its body names.
 */

/** What a failed call got back, read from the client's error by the connector. */
export interface VendorAnswer {
  /** The HTTP status; undefined when no answer came (the connection failed or was cut, the call timed out). */
  status?: number;
  /**
   * The vendor's code from its own error body (Salesforce's `errorCode`, HubSpot's `category` or `errorType`);
   * undefined when the body is not the vendor's (a proxy's page, an empty body).
   */
  code?: string;
  /** A wait the answer asked for (HubSpot's rate-limit interval), in ms. */
  retryAfterMs?: number;
}

export type FailureKind =
  /** No answer: passes; a write may have been done. */
  | 'no_answer'
  /** 5xx or 408: the vendor (or something in front of it) failed; passes; a write may have been done. */
  | 'server'
  /** 2xx whose body could not be read: a write was probably done. */
  | 'unreadable'
  /** 429, or the vendor's own limit code: passes after a wait; a write may have been done unless the vendor's limiter said so. */
  | 'rate_limited'
  /** Refused before any work, for a reason that passes by itself (a locked row, the API disabled for a while). */
  | 'passing'
  /** The credentials were refused. */
  | 'auth'
  /** The record does not exist (or cannot be seen). */
  | 'not_found'
  /** A refusal that will not pass by itself: retried a few times, then parked for a person. */
  | 'final';

/** One vendor's codes, by what they mean. */
export interface VendorCodes {
  /** The vendor's own rate-limit codes, each with its default wait (ms). */
  rateLimited: ReadonlyMap<string, number>;
  passing: ReadonlySet<string>;
  auth: ReadonlySet<string>;
  notFound: ReadonlySet<string>;
}

/** Salesforce REST (`errorCode` of `[{ errorCode, message, fields }]`). */
export const SALESFORCE_CODES: VendorCodes = {
  // The org's rolling 24-hour allowance (a 403): no point trying again for a while.
  rateLimited: new Map([['REQUEST_LIMIT_EXCEEDED', 15 * 60_000]]),
  passing: new Set(['UNABLE_TO_LOCK_ROW', 'API_CURRENTLY_DISABLED']),
  auth: new Set(['INVALID_SESSION_ID', 'INVALID_AUTH_HEADER']),
  notFound: new Set(['NOT_FOUND', 'MALFORMED_ID', 'INVALID_CROSS_REFERENCE_KEY', 'ENTITY_IS_DELETED']),
};

/** HubSpot v3 (`category` of `{ status: 'error', message, correlationId, category }`; `errorType` of a 429). */
export const HUBSPOT_CODES: VendorCodes = {
  // Ten-secondly windows: HubSpot's answer says how long (its interval header); this is the default.
  rateLimited: new Map([
    ['RATE_LIMITS', 10_000],
    ['RATE_LIMIT', 10_000],
  ]),
  passing: new Set(),
  auth: new Set(['INVALID_AUTHENTICATION', 'EXPIRED_AUTHENTICATION']),
  notFound: new Set(['OBJECT_NOT_FOUND']),
};

export interface Classified {
  kind: FailureKind;
  opts: CrmError['opts'];
}

/**
 * Sorts a failed call (`write`: it asked the CRM to change something):
 * 1. no answer, a 5xx or a 408: transient, and for a write uncertain (look before writing again), whatever the body;
 * 2. 429: transient after a wait; for a write uncertain unless the body is the vendor's own rate-limit answer (which
 *    refuses before any work), since something else in front of the vendor says nothing about the write;
 * 3. 401: the credentials;
 * 4. an unreadable 2xx: transient, and for a write uncertain;
 * 5. any other status (4xx, 3xx) by the vendor's code: its own limit, a refusal that passes, the credentials, a
 *    missing record; anything else (or no vendor body) is final.
 */
export function classifyAnswer(codes: VendorCodes, answer: VendorAnswer, write: boolean): Classified {
  const { status, code } = answer;
  if (status === undefined) return { kind: 'no_answer', opts: { transient: true, uncertain: write } };
  if (status >= 500 || status === 408) return { kind: 'server', opts: { transient: true, uncertain: write } };
  const ownLimit = code === undefined ? undefined : codes.rateLimited.get(code);
  if (status === 429) {
    const retryAfterMs = answer.retryAfterMs ?? ownLimit;
    return {
      kind: 'rate_limited',
      opts: {
        transient: true,
        uncertain: write && ownLimit === undefined,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    };
  }
  if (status === 401) return { kind: 'auth', opts: { transient: true, auth: true } };
  if (status >= 200 && status < 300)
    return { kind: 'unreadable', opts: { transient: true, uncertain: write } };
  if (code !== undefined) {
    if (ownLimit !== undefined)
      return {
        kind: 'rate_limited',
        opts: { transient: true, retryAfterMs: answer.retryAfterMs ?? ownLimit },
      };
    if (codes.passing.has(code)) return { kind: 'passing', opts: { transient: true } };
    if (codes.auth.has(code)) return { kind: 'auth', opts: { transient: true, auth: true } };
    if (codes.notFound.has(code)) return { kind: 'not_found', opts: { transient: false, notFound: true } };
  }
  return { kind: 'final', opts: { transient: false } };
}

/**
 * Salesforce's own code in a jsforce `HttpApiError`: its `errorCode` (the first of several for
 * `MULTIPLE_API_ERRORS`, whose `data` is Salesforce's array), or undefined when the body was not Salesforce's (jsforce
 * then makes up `ERROR_HTTP_<status>`) or the error is not jsforce's. The error carries no HTTP status: the connector
 * notes it from the answer.
 */
export function salesforceCode(error: unknown): string | undefined {
  const e = error as { errorCode?: unknown; data?: unknown } | undefined;
  let code = e?.errorCode;
  if (code === 'MULTIPLE_API_ERRORS' && Array.isArray(e?.data))
    code = (e.data[0] as { errorCode?: unknown } | undefined)?.errorCode;
  if (typeof code !== 'string' || !/^[A-Z][A-Z_]*$/.test(code) || /^ERROR_HTTP_\d{3}$/.test(code))
    return undefined;
  return code;
}

/**
 * What an @hubspot/api-client error says: an `ApiException` has the HTTP status as `code`, the body as `body` (HubSpot's
 * `{ status: 'error', message, correlationId, category }`, or the `errorType: 'RATE_LIMIT'` of its rate-limit answer;
 * a string when it was not JSON) and the answer's `headers`. Anything else got no answer (a failed or cut connection).
 */
export function hubspotAnswer(error: unknown): VendorAnswer & { message: string; scopes?: string[] } {
  const e = error as { code?: unknown; body?: unknown; headers?: Record<string, string>; message?: unknown };
  if (typeof e?.code !== 'number')
    return { message: typeof e?.message === 'string' ? e.message : String(error) };
  const status = e.code;
  const body = (typeof e.body === 'string' ? safeJson(e.body) : e.body) as
    | { category?: unknown; errorType?: unknown; message?: unknown }
    | undefined;
  const code =
    typeof body?.category === 'string'
      ? body.category
      : typeof body?.errorType === 'string'
        ? body.errorType
        : undefined;
  const interval = Number(e.headers?.['x-hubspot-ratelimit-interval-milliseconds']);
  const scopes = requiredScopes(body);
  return {
    status,
    ...(code === undefined ? {} : { code }),
    ...(scopes.length > 0 ? { scopes } : {}),
    ...(status === 429 && interval > 0 ? { retryAfterMs: Math.min(interval, 60_000) } : {}),
    message: typeof body?.message === 'string' ? body.message : snippetOf(e.body),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The scopes a MISSING_SCOPES answer names (`errors[].context.requiredGranularScopes`: one of them is needed), so the
 * admin is told which to add to the key.
 */
function requiredScopes(body: unknown): string[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  const scopes = errors.flatMap((e: { context?: { requiredGranularScopes?: unknown } } | undefined) => {
    const named = e?.context?.requiredGranularScopes;
    return Array.isArray(named) ? named.filter((s): s is string => typeof s === 'string') : [];
  });
  return [...new Set(scopes)];
}
