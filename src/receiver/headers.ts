import type { IncomingMessage } from 'node:http';

/** Slack's window for request timestamps, both ways: a signature from the future is as suspect as a stale one. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** `v0=` and a hex SHA-256 HMAC, as Slack sends it (lower case: Bolt compares the text). */
const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

export const headerValue = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? undefined : value;
};

export type HeaderVerdict =
  | { status: number; reason: string }
  | { signature: Buffer; timestamp: number; declared: number | undefined };

/**
 * What the headers of a `POST /slack/events` say: a refusal (without reading the body), or the signature to check and
 * the body's declared size (undefined: chunked, unknown until read). Bolt refuses only stale timestamps, and only
 * after reading the whole body.
 */
export function checkHeaders(req: IncomingMessage, nowMs: number, bodyLimit: number): HeaderVerdict {
  const signature = headerValue(req, 'x-slack-signature');
  if (signature === undefined) return { status: 401, reason: 'no signature' };
  if (!SIGNATURE.test(signature)) return { status: 401, reason: 'signature malformed' };
  const rawTimestamp = headerValue(req, 'x-slack-request-timestamp');
  if (rawTimestamp === undefined || !TIMESTAMP.test(rawTimestamp))
    return { status: 401, reason: 'timestamp missing or not a number' };
  const timestamp = Number(rawTimestamp);
  if (timestamp * 1000 > nowMs + SIGNATURE_WINDOW_MS)
    return { status: 401, reason: 'timestamp in the future' };
  if (timestamp * 1000 < nowMs - SIGNATURE_WINDOW_MS) return { status: 401, reason: 'timestamp too old' };
  // Node's parser has already refused a malformed or doubled Content-Length; without one (and not chunked) there is
  // no body at all.
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const length = headerValue(req, 'content-length');
  const declared = chunked ? undefined : Number(length ?? 0);
  if (declared !== undefined && declared > bodyLimit) return { status: 413, reason: 'body too large' };
  return { signature: Buffer.from(signature.slice(3), 'hex'), timestamp, declared };
}

/** Whether Bolt's HTTPReceiver reads this request as a Slack request (its `unboundRequestListener` test). */
export function isSlackRequest(req: IncomingMessage): boolean {
  if ((req.method ?? '').toUpperCase() !== 'POST') return false;
  // Slack's own requests: the path as it is, without building a URL for each of them.
  if (req.url === '/slack/events') return true;
  try {
    return new URL(req.url ?? '', 'http://localhost').pathname === '/slack/events';
  } catch {
    return false;
  }
}
