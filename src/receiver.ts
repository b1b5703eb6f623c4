import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { type Logger as BoltLogger, type CustomRoute, HTTPReceiver } from '@slack/bolt';
import type { Logger } from './logger.js';

/** Slack's window for request timestamps, both ways: a signature from the future is as suspect as a stale one. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** Bolt's own body limit (4 MB): a request declaring more is refused 413 from its headers, one sending more on reading. */
export const BODY_LIMIT = 4 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// How many bodies are buffered at once. A body must be read whole before its signature can be checked, so a flood of
// signed-looking bodies (right header format, wrong HMAC) would otherwise all sit in memory at once, outside the V8
// heap cap. Each body reserves its declared Content-Length in a lane before a byte of it is read; one that does not
// fit waits unread (TCP backpressure keeps the rest of it in the kernel, not in the process), and is refused with 503
// if it waits too long or too many wait already. Worst case held by the process: both lanes full plus every waiter's
// first read, about 8 + 8 + 2 × 128 × 64 kB = 32 MB.

/**
 * Bodies up to this declared size take the small lane, so a flood of large ones never delays them. Everything Slack
 * sends this app is well below it: an Accept click is a few kB, and even a click on an App Home, which carries the
 * whole view, stays under it (Slack refuses views over 250 kB; form encoding at most about doubles that).
 */
export const SMALL_BODY_BYTES = 512 * 1024;

/** Bytes of small bodies buffered at once: 16 of the largest, or hundreds of ordinary clicks of a few kB. */
export const SMALL_LANE_BYTES = 8 * 1024 * 1024;

/**
 * Bytes of large bodies (over SMALL_BODY_BYTES, or of unknown length: a chunked body counts as BODY_LIMIT) buffered at
 * once: two bodies at the 4 MB limit. Slack sends this app nothing that large; the lane exists so that such a body is
 * still answered, not so that many are.
 */
export const LARGE_LANE_BYTES = 2 * BODY_LIMIT;

/**
 * Requests that may wait per lane; one more gets 503 at once. A waiting request holds only what Node read with its
 * headers (at most a socket read, 64 kB), so 128 of them hold at most 8 MB.
 */
export const WAITING_PER_LANE = 128;

/**
 * How long a body may wait for its lane before 503. Slack gives an app 3 s to answer: a body still waiting after 2 s
 * could no longer be answered in time, and the Events API retries a delivery that got a 5xx.
 */
export const LANE_WAIT_MS = 2_000;

/**
 * How long an admitted body may take to arrive before 408. Slack sends a body at once; one still arriving after 3 s is
 * not one Slack is waiting on, and must not hold its lane (a slow trickle of declared bytes).
 */
export const BODY_READ_MS = 3_000;

/**
 * Nesting beyond this is refused as malformed: the deepest thing Slack sends (a rich text element of a message inside
 * an edited message's event) is about 20 levels, and code that walks a payload recursively must not meet 10,000.
 */
export const MAX_BODY_DEPTH = 64;

// ---------------------------------------------------------------------------------------------------------------
// The malformed rule: what Bolt reads before any listener runs

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Bolt's kinds of request (helpers.js `getTypeAndConversation`): which listeners it offers a body to. */
type Route = 'event' | 'command' | 'options' | 'action' | 'shortcut' | 'view';

/** Every body type Slack sends that Bolt routes, and where it routes it. */
const ROUTE_OF_TYPE: Record<string, Route> = {
  event_callback: 'event',
  block_actions: 'action',
  interactive_message: 'action',
  dialog_submission: 'action',
  block_suggestion: 'options',
  dialog_suggestion: 'options',
  shortcut: 'shortcut',
  message_action: 'shortcut',
  view_submission: 'view',
  view_closed: 'view',
};

/** Where Bolt routes a parsed body, exactly as `getTypeAndConversation` decides (undefined: nowhere, nobody acks). */
function boltRoute(body: Record<string, unknown>): Route | undefined {
  if (body.event !== undefined) return 'event';
  if (body.command !== undefined) return 'command';
  if (body.name !== undefined || body.type === 'block_suggestion') return 'options';
  if (body.actions !== undefined || body.type === 'dialog_submission') return 'action';
  if (body.type === 'shortcut' || body.type === 'message_action') return 'shortcut';
  if (body.type === 'view_submission' || body.type === 'view_closed') return 'view';
  return undefined;
}

/** What to do with a correctly signed body: refuse it (400), answer it here, or hand it to Bolt. */
type BodyVerdict = { problem: string } | { answer: 'app_rate_limited' } | undefined;

/**
 * Why a correctly signed body is not something Slack sends (undefined when it looks right). Bolt reads these fields
 * before any listener runs: a wrong shape there would answer 500 or crash the process, and a body Bolt cannot route
 * would wait 3 s for an acknowledgement nobody gives (then 404). Slack never sends either.
 */
export function malformedReason(contentType: string | undefined, raw: string): string | undefined {
  const verdict = inspectBody(contentType, raw);
  return verdict && 'problem' in verdict ? verdict.problem : undefined;
}

function inspectBody(contentType: string | undefined, raw: string): BodyVerdict {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  // Read the body exactly as Bolt will (HTTPModuleFunctions.parseHTTPRequestBody): a form, with node:querystring,
  // only for this exact content type; JSON for anything else.
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseForm(raw);
    for (const [key, value] of Object.entries(form))
      if (Array.isArray(value)) return problem(`field ${key.slice(0, 40)} repeated`);
    // Bolt answers an SSL check itself, before anything else in the form is read.
    if (form.ssl_check === '1') return undefined;
    const text = form.payload;
    if (text === undefined) {
      // A slash command is the only form Slack sends without a payload.
      if (form.command === undefined) return problem('form has neither payload nor command');
      if (boltRoute(form) !== 'command') return problem('command form routed elsewhere');
      if ((form.user_id ?? '') === '') return problem('command without user_id');
      return undefined;
    }
    const payload = parse(text as string);
    return isObject(payload) ? payloadVerdict(payload) : problem('payload is not a JSON object');
  }
  const body = parse(raw);
  if (body === undefined) return problem('body is not JSON');
  return isObject(body) ? payloadVerdict(body) : problem('JSON body is not an object');
}

const problem = (text: string) => ({ problem: text });

/** Whether any object or array in `value` is nested deeper than `limit` (walked without recursion). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, depth } = item;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node as object))
      if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: depth + 1 });
  }
  return false;
}

/** The fields Bolt reads before any listener runs, by payload type (a JSON body, or a form's `payload`). */
function payloadVerdict(payload: Record<string, unknown>): BodyVerdict {
  // Bolt answers an SSL check and a URL verification itself, before routing.
  if (payload.ssl_check === '1' || payload.type === 'url_verification') return undefined;
  if (payload.type === undefined) return problem('no type');
  if (typeof payload.type !== 'string') return problem('type is not a string');
  // Slack telling the app it paused event deliveries: nothing to route, answered here.
  if (payload.type === 'app_rate_limited') return { answer: 'app_rate_limited' };
  const route = ROUTE_OF_TYPE[payload.type];
  if (route === undefined) return problem('unknown type');
  // Bolt routes by the fields present, not by the type: a mismatch reaches no listener of its type.
  const routed = boltRoute(payload);
  if (routed !== route) return problem(`${route} routed as ${routed ?? 'nothing'}`);
  if (deeperThan(payload, MAX_BODY_DEPTH)) return problem('nested too deep');
  if (route === 'event') return eventProblem(payload);
  // Bolt reads `user.id` of every interaction (App.js buildSource).
  if (!(isObject(payload.user) && typeof payload.user.id === 'string')) return problem('payload has no user');
  if ('channel' in payload && payload.channel !== undefined && !isObject(payload.channel))
    return problem('channel is not an object');
  if (route === 'action' && payload.actions !== undefined) {
    // Bolt takes the first action as the listener's payload.
    const actions = payload.actions;
    if (!Array.isArray(actions) || actions.length === 0) return problem('actions is not a list');
    if (!actions.every(isObject)) return problem('malformed action');
    if (payload.type === 'block_actions' && !actions.every((a) => typeof a.action_id === 'string'))
      return problem('malformed action');
  }
  if (route === 'view') {
    const view = payload.view;
    if (!isObject(view) || typeof view.id !== 'string') return problem('view is not an object');
    if (payload.type === 'view_submission' && !(isObject(view.state) && isObject(view.state.values)))
      return problem('view has no state');
  }
  return undefined;
}

/** An Events API delivery: the fields of `event` and `authorizations` Bolt reads while routing it. */
function eventProblem(body: Record<string, unknown>): BodyVerdict {
  const event = body.event;
  if (!isObject(event)) return problem('event is not an object');
  if ('channel' in event && !(typeof event.channel === 'string' || isObject(event.channel)))
    return problem('event channel is neither an id nor an object');
  if ('item' in event && !isObject(event.item)) return problem('event item is not an object');
  if ('user' in event && event.user === null) return problem('event user is null');
  if ('subteam' in event && (event.subteam === null || event.subteam === undefined))
    return problem('event subteam is null');
  const authorizations = body.authorizations;
  if (Array.isArray(authorizations) && authorizations.length > 0 && !isObject(authorizations[0]))
    return problem('authorization is not an object');
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The headers, checked before a byte of the body is read

/** `v0=` and a hex SHA-256 HMAC, as Slack sends it (lower case: Bolt compares the text). */
const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

const headerValue = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? undefined : value;
};

/**
 * What the headers of a `POST /slack/events` say: a refusal (without reading the body), or the signature to check and
 * the body's declared size (undefined: chunked, unknown until read).
 */
function checkHeaders(
  req: IncomingMessage,
  nowMs: number,
):
  | { status: number; reason: string }
  | { signature: Buffer; timestamp: number; declared: number | undefined } {
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
  if (declared !== undefined && declared > BODY_LIMIT) return { status: 413, reason: 'body too large' };
  return { signature: Buffer.from(signature.slice(3), 'hex'), timestamp, declared };
}

// ---------------------------------------------------------------------------------------------------------------
// The lanes

interface Waiter {
  bytes: number;
  grant: () => void;
}

/** A byte budget for bodies being read; requests that do not fit wait their turn, first come first served. */
class Lane {
  private used = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly capacity: number) {}

  /**
   * Reserves `bytes` and calls `grant`, now or once earlier bodies are done; 'full' when too many wait already.
   * Returns how to leave the queue (a no-op once granted).
   */
  enter(bytes: number, grant: () => void): (() => void) | 'full' {
    if (this.waiting.length === 0 && this.used + bytes <= this.capacity) {
      this.used += bytes;
      grant();
      return () => undefined;
    }
    if (this.waiting.length >= WAITING_PER_LANE) return 'full';
    const waiter = { bytes, grant };
    this.waiting.push(waiter);
    return () => {
      const at = this.waiting.indexOf(waiter);
      if (at >= 0) this.waiting.splice(at, 1);
      this.admit();
    };
  }

  release(bytes: number): void {
    this.used -= bytes;
    this.admit();
  }

  private admit(): void {
    for (
      let next = this.waiting[0];
      next && this.used + next.bytes <= this.capacity;
      next = this.waiting[0]
    ) {
      this.waiting.shift();
      this.used += next.bytes;
      next.grant();
    }
  }
}

type ReadResult = { chunks: Buffer[]; size: number } | { status: number; reason: string } | 'aborted';

/**
 * Reads an admitted body (at most its declared size, at most BODY_LIMIT) within BODY_READ_MS, feeding the HMAC as it
 * arrives. The chunks are kept as Node read them and joined only once the signature is known to be right: a body
 * that is refused costs no copy.
 */
function readBody(req: IncomingMessage, declared: number | undefined, mac: ReturnType<typeof createHmac>) {
  return new Promise<ReadResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: ReadResult) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      if (result !== 'aborted' && !('chunks' in result)) req.pause();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ status: 408, reason: 'body arrived too slowly' }), BODY_READ_MS);
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > (declared ?? BODY_LIMIT))
        return finish({ status: 413, reason: 'body too large' });
      chunks.push(chunk);
      size += chunk.length;
      mac.update(chunk);
    };
    const onEnd = () => {
      if (declared !== undefined && size !== declared)
        return finish({ status: 400, reason: 'body shorter than declared' });
      finish({ chunks, size });
    };
    const onClose = () => finish('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
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

/** The path Bolt routes by (HTTPReceiver `unboundRequestListener`), or undefined when it cannot be read. */
function pathOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/**
 * Bolt's HTTP receiver (signature check, `POST /slack/events`, custom routes) guarded in front:
 * - a request is refused from its headers alone, before its body is read, when its signature is missing or malformed,
 *   its timestamp missing or outside five minutes either way (Bolt only refuses stale ones), or its declared body over
 *   4 MB (401, 413), and its connection is closed so the unread body cannot pile up;
 * - bodies are read within the lanes' byte budgets (see the constants above; 503 when one waited too long, 408 when it
 *   arrives too slowly), with the HMAC checked here as they arrive (401 on a mismatch);
 * - a correctly signed body Slack never sends is refused with 400 at once (`malformedReason`), and Slack's
 *   `app_rate_limited` notice is answered 200 here, since no listener could acknowledge it;
 * - every refusal is logged with its context.
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
  const small = new Lane(SMALL_LANE_BYTES);
  const large = new Lane(LARGE_LANE_BYTES);

  /**
   * Answers `status` with no body. `unread`: the request's body was not (all) read, so the connection is closed once
   * the answer is out (Node's server then stops reading it) instead of reading the rest to keep it alive.
   */
  const refuse = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    reason: string,
    unread: boolean,
  ) => {
    opts.logger.warn({ ...describe(req), status, reason }, 'Slack request refused');
    if (res.headersSent || res.writableEnded) return;
    res.writeHead(status, unread ? { connection: 'close' } : {});
    res.end();
  };

  const slackRequest = (req: IncomingMessage, res: ServerResponse) => {
    const checked = checkHeaders(req, now());
    if ('status' in checked) return refuse(req, res, checked.status, checked.reason, true);
    const { declared, timestamp, signature } = checked;
    const bytes = declared ?? BODY_LIMIT;
    const lane = declared !== undefined && declared <= SMALL_BODY_BYTES ? small : large;
    let state: 'waiting' | 'reading' | 'done' = 'waiting';
    let waitTimer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(waitTimer);
      if (state === 'reading') lane.release(bytes);
      if (state === 'waiting') leave();
      state = 'done';
    };
    // However the request ends (answered, or its connection gone), its reservation ends with it.
    res.once('close', done);
    const grant = () => {
      clearTimeout(waitTimer);
      state = 'reading';
      read();
    };
    const entered = lane.enter(bytes, grant);
    if (entered === 'full') {
      res.off('close', done);
      return refuse(req, res, 503, 'too many bodies waiting', true);
    }
    const leave = entered;
    if (state === 'waiting') {
      waitTimer = setTimeout(() => {
        leave();
        state = 'done';
        refuse(req, res, 503, 'waited too long to be read', true);
      }, LANE_WAIT_MS);
    }

    function read() {
      const mac = createHmac('sha256', opts.signingSecret).update(`v0:${timestamp}:`);
      void readBody(req, declared, mac)
        .then((result) => {
          if (result === 'aborted') return done();
          if (!('chunks' in result)) return refuse(req, res, result.status, result.reason, true);
          const expected = mac.digest();
          if (!timingSafeEqual(expected, signature))
            return refuse(req, res, 401, 'signature mismatch', false);
          // Bolt verifies it again and uses the body as it is.
          const body = Buffer.concat(result.chunks, result.size);
          (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
          const verdict = inspectBody(headerValue(req, 'content-type'), body.toString('utf8'));
          if (verdict && 'problem' in verdict)
            return refuse(req, res, 400, `malformed: ${verdict.problem}`, false);
          if (verdict?.answer === 'app_rate_limited') {
            opts.logger.warn(
              { ...describe(req) },
              'Slack paused event deliveries to the app (app_rate_limited)',
            );
            res.writeHead(200);
            res.end();
            return;
          }
          // Bolt checks the signature again (with its own clock): a refusal there is logged too.
          res.once('finish', () => {
            if (res.statusCode === 401 || res.statusCode === 413)
              opts.logger.warn(
                { ...describe(req), status: res.statusCode, reason: 'refused by Bolt' },
                'Slack request refused',
              );
          });
          inner(req, res);
        })
        .catch((error: unknown) => {
          // Nothing above should throw; if it does, the request still gets an answer.
          opts.logger.error({ err: error, ...describe(req) }, 'the receiver failed on a Slack request');
          if (!res.headersSent) {
            res.writeHead(500, { connection: 'close' });
            res.end();
          }
        });
    }
  };

  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    // The same test Bolt routes by: every request Bolt would read as a Slack request passes the guard first.
    if ((req.method ?? '').toUpperCase() === 'POST' && pathOf(req) === '/slack/events')
      return slackRequest(req, res);
    inner(req, res);
  };
  return receiver;
}
