import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger as BoltLogger, type CustomRoute, HTTPReceiver, isValidSlackRequest } from '@slack/bolt';
import type { Logger } from './logger.js';

/** Slack's window for request timestamps, both ways: a signature from the future is as suspect as a stale one. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** Bolt's own body limit (4 MB): larger requests get 413. */
const BODY_LIMIT = 4 * 1024 * 1024;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Interaction payloads that always name the person acting. */
const USER_PAYLOADS = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
]);

/**
 * Why a correctly signed body is not something Slack sends (undefined when it looks right). Bolt reads these fields
 * before any listener runs, and a wrong shape there would answer 500 or crash the process; Slack never sends them.
 */
export function malformedReason(contentType: string | undefined, raw: string): string | undefined {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  // Read the body exactly as Bolt will: a form only for this exact content type, JSON for anything else.
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(raw);
    for (const key of new Set(form.keys())) if (form.getAll(key).length > 1) return `field ${key} repeated`;
    const text = form.get('payload');
    if (text === null) {
      if (form.has('command') && (form.get('user_id') ?? '') === '') return 'command without user_id';
      return undefined;
    }
    const payload = parse(text);
    return isObject(payload) ? payloadProblem(payload) : 'payload is not a JSON object';
  }
  const body = parse(raw);
  if (body === undefined) return 'body is not JSON';
  return isObject(body) ? payloadProblem(body) : 'JSON body is not an object';
}

/** The fields Bolt reads before any listener runs, by payload type. */
function payloadProblem(payload: Record<string, unknown>): string | undefined {
  if (payload.type === 'event_callback')
    return isObject(payload.event) ? undefined : 'event is not an object';
  if (typeof payload.type !== 'string')
    return payload.type === undefined ? undefined : 'type is not a string';
  if (USER_PAYLOADS.has(payload.type) && !(isObject(payload.user) && typeof payload.user.id === 'string'))
    return 'payload has no user';
  if ('channel' in payload && payload.channel !== undefined && !isObject(payload.channel))
    return 'channel is not an object';
  if (payload.type === 'block_actions') {
    const actions = payload.actions;
    if (!Array.isArray(actions) || actions.length === 0) return 'actions is not a list';
    if (!actions.every((a) => isObject(a) && typeof a.action_id === 'string')) return 'malformed action';
  }
  if (payload.type === 'view_submission' || payload.type === 'view_closed') {
    const view = payload.view;
    if (!isObject(view) || typeof view.id !== 'string') return 'view is not an object';
    if (payload.type === 'view_submission' && !(isObject(view.state) && isObject(view.state.values)))
      return 'view has no state';
  }
  return undefined;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** What to log about a refused request: enough to investigate, never the signature, the body or a token. */
function describe(req: IncomingMessage) {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    method: req.method,
    path: req.url?.split('?')[0],
    remoteAddress: req.socket.remoteAddress,
    forwardedFor: header('x-forwarded-for'),
    userAgent: header('user-agent'),
    requestTimestamp: header('x-slack-request-timestamp'),
    hasSignature: typeof header('x-slack-signature') === 'string',
    retryNum: header('x-slack-retry-num'),
    contentLength: header('content-length'),
  };
}

/**
 * Bolt's HTTP receiver (signature check, `POST /slack/events`, custom routes) with two additions: a request whose
 * timestamp is more than five minutes in the future is refused before Bolt sees it (Bolt only refuses stale ones),
 * and every refused request (401, 413) is logged with its context.
 */
export function createReceiver(opts: {
  signingSecret: string;
  customRoutes: CustomRoute[];
  logger: Logger;
  boltLogger: BoltLogger;
  now?: () => number;
}): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: opts.signingSecret,
    customRoutes: opts.customRoutes,
    logger: opts.boltLogger,
  });
  const now = opts.now ?? Date.now;
  const inner = receiver.requestListener;
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string) => {
    opts.logger.warn({ ...describe(req), status, reason }, 'Slack request refused');
    if (!res.headersSent) res.writeHead(status);
    res.end();
  };
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && req.url?.split('?')[0] === '/slack/events') {
      // Read the body here (Bolt uses it as it is), so a signed but malformed one is answered 400, not 500.
      readBody(req, BODY_LIMIT)
        .then((raw) => {
          if (raw === 'too_large') return refuse(req, res, 413, 'body too large');
          (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
          const text = raw.toString('utf8');
          const timestamp = Number(req.headers['x-slack-request-timestamp']);
          const signature = req.headers['x-slack-signature'];
          const signed =
            typeof signature === 'string' &&
            Number.isFinite(timestamp) &&
            isValidSlackRequest({
              signingSecret: opts.signingSecret,
              body: text,
              headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
            });
          const problem = signed ? malformedReason(req.headers['content-type'], text) : undefined;
          if (problem) return refuse(req, res, 400, `malformed: ${problem}`);
          handle(req, res);
        })
        .catch(() => refuse(req, res, 400, 'body could not be read'));
      return;
    }
    handle(req, res);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST') {
      const raw = req.headers['x-slack-request-timestamp'];
      const timestamp = Number(Array.isArray(raw) ? raw[0] : raw);
      if (Number.isFinite(timestamp) && timestamp * 1000 > now() + SIGNATURE_WINDOW_MS) {
        opts.logger.warn({ ...describe(req), reason: 'timestamp in the future' }, 'Slack request refused');
        req.resume();
        res.writeHead(401);
        res.end();
        return;
      }
      res.once('finish', () => {
        if (res.statusCode === 401 || res.statusCode === 413) {
          opts.logger.warn(
            {
              ...describe(req),
              status: res.statusCode,
              reason: res.statusCode === 401 ? 'signature or timestamp invalid' : 'body too large',
            },
            'Slack request refused',
          );
        }
      });
    }
    inner(req, res);
  };
  return receiver;
}
