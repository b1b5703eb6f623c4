/**
 * Signed requests as Slack sends them to an app (slash commands, interactions, Events API), for tests
 * of the app's HTTP endpoint. See "Request signing" in /work/shared/SLACK.md.
 */
import { createHmac } from 'node:crypto';

/** `v0=` + hex HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`). */
export function slackSignature(signingSecret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface SignedPostOptions {
  /** Unix seconds for `x-slack-request-timestamp` (and the signature); default now. */
  timestamp?: number;
  /** Sent instead of the computed signature (e.g. a wrong one). */
  signature?: string;
  /** Send no `x-slack-signature` header. */
  omitSignature?: boolean;
  /** Extra headers, e.g. `x-slack-retry-num` / `x-slack-retry-reason`. */
  headers?: Record<string, string>;
}

/** POSTs a raw body with Slack's signature headers. */
export function postRaw(
  url: string,
  signingSecret: string,
  rawBody: string,
  contentType: string,
  opts: SignedPostOptions = {},
): Promise<Response> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
  };
  if (!opts.omitSignature) {
    headers['x-slack-signature'] = opts.signature ?? slackSignature(signingSecret, timestamp, rawBody);
  }
  return fetch(url, { method: 'POST', headers: { ...headers, ...opts.headers }, body: rawBody });
}

/** A slash command: form-encoded fields (`command`, `text`, `user_id`, `trigger_id`, `response_url`, …). */
export function postSlashCommand(
  url: string,
  signingSecret: string,
  fields: Record<string, string>,
  opts?: SignedPostOptions,
): Promise<Response> {
  const body = new URLSearchParams(fields).toString();
  return postRaw(url, signingSecret, body, 'application/x-www-form-urlencoded', opts);
}

/** An interaction (block_actions, view_submission, …): form-encoded `payload=<json>`. */
export function postInteraction(
  url: string,
  signingSecret: string,
  payload: unknown,
  opts?: SignedPostOptions,
): Promise<Response> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postRaw(url, signingSecret, body, 'application/x-www-form-urlencoded', opts);
}

/** An Events API delivery (event_callback, url_verification): a JSON body. */
export function postEvent(
  url: string,
  signingSecret: string,
  body: unknown,
  opts?: SignedPostOptions,
): Promise<Response> {
  return postRaw(url, signingSecret, JSON.stringify(body), 'application/json', opts);
}
