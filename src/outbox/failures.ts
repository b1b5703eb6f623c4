import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { CrmError } from '../crm/types.js';
import { SLACK_AUTH_ERRORS } from '../runtime/health.js';

/** A failure the outbox raises itself (a target message not posted yet, a response_url refused), already sorted. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly uncertain = false,
  ) {
    super(message);
  }
}

/** What an attempt met, and what the outbox does about it (see `classifyFailure`). */
export interface Failure {
  /** Retried with backoff for as long as it lasts; never parked as dead. */
  transient: boolean;
  /** Slack may have processed the call anyway: the retry of a post looks for its earlier copy before posting again. */
  uncertain: boolean;
  /**
   * No usable answer from Slack's API: an HTML page, a body that is not JSON or is cut short, a 5xx, or Slack's own
   * "something broke on our side" codes. Logged as an edge failure.
   */
  edge: boolean;
  retryAfterMs?: number;
  /** The row's last error and the log's: short and readable (never a whole HTML page). */
  message: string;
  /** The start of a non-200 answer's body (a proxy's page), for the log. */
  answer?: string;
  /**
   * Refused by the account's own rules (a CRM's validation rule): parked at once for a person to fix, never retried
   * blindly; the message says what the rule asks.
   */
  refusedByRules?: boolean;
}

/** Slack's error codes are short snake_case words (`channel_not_found`); anything else in `error` is not Slack's. */
const SLACK_ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/** Slack errors that Slack documents may have partly succeeded: retried, and a post is looked for first. */
const MAY_HAVE_SUCCEEDED = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Slack errors that mean "try again later" and that Slack did not act on. */
const RETRY_LATER = new Set([
  'ratelimited',
  'team_added_to_org',
  // A Home publish raced with another: rendered again from the current state and published with the newer hash.
  'hash_conflict',
]);

/** Failures of the connection itself, not wrapped by the client (a body cut off while it was read). */
const TRANSPORT_CODE = /^(UND_ERR|ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH)/;

/** The first `max` characters of an answer, on one line: enough to recognise it, never a whole page in the log. */
export function snippet(text: string, max = 100): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function isTransportError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError' || error.message === 'terminated')
    return true;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && TRANSPORT_CODE.test(code);
}

/** What @slack/web-api makes of a 200 whose body is not Slack's JSON: `{ ok: false, error: <the body text> }`. */
function edgeAnswer(error: unknown): string {
  if (typeof error !== 'string') return "edge failure: an answer without Slack's ok/error";
  if (error.trim() === '') return 'edge failure: an empty answer';
  if (error.trimStart().startsWith('<'))
    return `edge failure: an HTML page instead of Slack's answer: ${snippet(error)}`;
  return `edge failure: not Slack's JSON (cut short or garbled): ${snippet(error)}`;
}

/**
 * Sorts a failed attempt:
 * - 429 with Retry-After: transient, Slack did not act on it; the method waits that long.
 * - a request that failed (timeout, connection reset, a body cut off): transient and uncertain.
 * - any other HTTP status than 200 (502/503/504, other 5xx, a proxy's 4xx page): Slack's API answers only 200 and
 *   429, so this came from something in front of it, which proves nothing about whether Slack processed the call: an
 *   edge failure, transient and uncertain.
 * - a 200 whose body is not Slack's JSON (an HTML page, a truncated or empty body: the client turns it into a
 *   platform error whose `error` is the body text): an edge failure, transient and uncertain.
 * - Slack's internal_error, fatal_error, service_unavailable, request_timeout (documented as possibly partly done):
 *   transient and uncertain.
 * - ratelimited, team_added_to_org, hash_conflict: transient, Slack did not act on it.
 * - any other Slack error code (channel_not_found, invalid_blocks, …): a refusal, parked after the attempts allowed.
 * - anything else is a bug on our side: retried a bounded number of times, then parked for a person to look at.
 */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof WebAPIRateLimitedError) {
    return {
      transient: true,
      uncertain: false,
      edge: false,
      retryAfterMs: error.retryAfter * 1000,
      message: `rate limited for ${error.retryAfter}s`,
    };
  }
  if (error instanceof WebAPIRequestError)
    return { transient: true, uncertain: true, edge: false, message: `request failed: ${error.message}` };
  if (error instanceof WebAPIHTTPError) {
    if (error.statusCode === 429)
      return { transient: true, uncertain: false, edge: false, message: 'HTTP 429' };
    const body: unknown = error.body;
    const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    // A 5xx or a timeout page may hide a processed call and passes; another 4xx (a misconfigured SLACK_API_URL, a
    // proxy refusing the request) will not pass by itself: retried, then parked for an admin like a refusal.
    const passes = error.statusCode >= 500 || error.statusCode === 408;
    return {
      transient: passes,
      uncertain: passes,
      edge: true,
      message: `HTTP ${error.statusCode}`,
      ...(text ? { answer: snippet(text) } : {}),
    };
  }
  if (error instanceof WebAPIPlatformError) {
    const code: unknown = error.data.error;
    if (typeof code !== 'string' || !SLACK_ERROR_CODE.test(code))
      return { transient: true, uncertain: true, edge: true, message: edgeAnswer(code) };
    if (MAY_HAVE_SUCCEEDED.has(code)) return { transient: true, uncertain: true, edge: true, message: code };
    // The token itself is refused (revoked, uninstalled): every message waits until Slack accepts it again (a
    // reinstall), rather than being parked one by one for an admin to retry (/healthz says disconnected).
    if (SLACK_AUTH_ERRORS.has(code)) return { transient: true, uncertain: false, edge: false, message: code };
    return { transient: RETRY_LATER.has(code), uncertain: false, edge: false, message: code };
  }
  if (error instanceof DeliveryError)
    return { transient: error.transient, uncertain: error.uncertain, edge: false, message: error.message };
  // A CRM call, classified by the connector (a refused credential waits like a refused Slack token).
  if (error instanceof CrmError)
    return {
      transient: error.opts.transient,
      uncertain: error.opts.uncertain ?? false,
      edge: false,
      message: error.message,
      ...(error.opts.retryAfterMs === undefined ? {} : { retryAfterMs: error.opts.retryAfterMs }),
      ...(error.opts.validation ? { refusedByRules: true } : {}),
    };
  if (isTransportError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return { transient: true, uncertain: true, edge: false, message: `request failed: ${message}` };
  }
  return {
    transient: false,
    uncertain: false,
    edge: false,
    message: error instanceof Error ? error.message : String(error),
  };
}
