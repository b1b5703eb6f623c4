import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { type Logger as BoltLogger, type CustomRoute, HTTPReceiver } from '@slack/bolt';
import type { Logger } from './logger.js';
import type { RequestActivity } from './runtime/requestActivity.js';

/** Slack's window for request timestamps, both ways: a signature from the future is as suspect as a stale one. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** Bolt's own body limit (4 MB): a request declaring more is refused 413 from its headers, one sending more on reading. */
export const BODY_LIMIT = 4 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// How many bodies are buffered at once. A body must be read whole before its signature can be checked, so a flood of
// signed-looking bodies (right header format, wrong HMAC) would otherwise all sit in memory at once, outside the V8
// heap cap. Each body reserves its declared Content-Length in a lane (a byte budget) before a byte of it is read, and
// gives it back once it has arrived: at most 4 + 8 + 8 = 20 MB of bodies are being received at once.
//
// A body never waits for its lane. When it does not fit, the bodies in that lane that have been arriving longest are
// cut off with 408 (their bytes given back at once) until it fits. Slack writes a body in one go, right behind its
// headers, so it has arrived (usually in the same turn of the event loop as its headers) long before it could be the
// oldest body still arriving; a socket that trickles its body ("slow loris") is that, and keeps its room only until a
// newer body needs it. Nothing here depends on who sends what: slow sockets from as many addresses as they like (real,
// or written into x-forwarded-for) cannot make a Slack request wait, because a newer request always takes their room.
// (Only a flood of new requests fast enough to fill a lane while one of Slack's bodies is still arriving could cut it
// off: a rate of connections, not slow ones.)

/**
 * Bodies up to this declared size take the fast lane, which nothing larger can use. Every click and slash command
 * Slack sends is a few kB, far below it: large bodies, fast or slow, never take its room.
 */
export const FAST_BODY_BYTES = 64 * 1024;

/** Bytes of fast bodies being received at once: 64 of the largest, or about a thousand ordinary clicks of a few kB. */
export const FAST_LANE_BYTES = 4 * 1024 * 1024;

/**
 * Bodies up to this declared size (and over FAST_BODY_BYTES) take the small lane, so large ones never take their
 * room: a view submission or a click on an App Home, which carry the whole view (Slack refuses views over 250 kB;
 * form encoding at most about doubles that).
 */
export const SMALL_BODY_BYTES = 512 * 1024;

/** Bytes of small bodies being received at once: 16 of the largest. */
export const SMALL_LANE_BYTES = 8 * 1024 * 1024;

/**
 * Bytes of large bodies (over SMALL_BODY_BYTES, or of unknown length: a chunked body counts as BODY_LIMIT) being
 * received at once: two bodies at the 4 MB limit. Slack sends this app nothing that large; the lane exists so that
 * such a body is still answered, not so that many are.
 */
export const LARGE_LANE_BYTES = 2 * BODY_LIMIT;

/**
 * How long an admitted body may take to arrive, in all, before 408, even when nobody needs its room. Slack sends a body
 * at once; one still arriving after 3 s is not one Slack is waiting on (a slow trickle of declared bytes).
 */
export const BODY_READ_MS = 3_000;

/**
 * How long an admitted body may send nothing before 408, its reservation given back at once. Slack writes a body of
 * at most a few hundred kB in one go, right behind its headers: a gap in it is at worst one TCP retransmission on an
 * established connection (Linux's minimum retransmission timeout is 200 ms, plus the round trip). A socket that
 * sends one byte and stalls holds its room for half a second, not BODY_READ_MS.
 */
export const IDLE_READ_MS = 500;

/**
 * Refusals an unauthenticated sender can cause (401, 408, 413) are logged in full for the first
 * REFUSALS_LOGGED_PER_REASON of each status and reason in every REFUSAL_LOG_WINDOW_MS; the rest are counted and
 * logged as one summary line at the end of the window (`Slack requests refused (summary)`). A flood thus costs a few
 * lines a minute, and the first of each kind is always there. A 400 (a correctly signed body Slack never sends) is
 * always logged: only a holder of the signing secret can cause it.
 */
export const REFUSALS_LOGGED_PER_REASON = 5;
export const REFUSAL_LOG_WINDOW_MS = 60_000;

/** The server-clock warning (a Slack timestamp far in the future) is logged at most once per this long. */
export const CLOCK_WARNING_EVERY_MS = 60_000;

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

/** A lane's state, for tests and diagnostics: bytes reserved and bodies being received. */
export interface LaneLoad {
  used: number;
  reading: number;
}

/**
 * A byte budget for bodies being received. A body reserves its declared size before a byte of it is read and gives
 * it back once it has arrived, been refused or lost its connection. A body that does not fit never waits: the bodies
 * that have been arriving longest are cut off (`evict`: their bytes are given back at once) until it fits.
 * Exported for its tests.
 */
export class Lane {
  private used = 0;
  /** The bodies being received, oldest first (a Set iterates in the order of insertion). */
  private readonly arriving = new Set<{ bytes: number; evict: () => void }>();

  constructor(readonly capacity: number) {}

  load(): LaneLoad {
    return { used: this.used, reading: this.arriving.size };
  }

  /** Reserves `bytes` (at most the capacity) now, cutting off the oldest bodies if need be; returns the release. */
  admit(bytes: number, evict: () => void): () => void {
    for (const oldest of this.arriving) {
      if (this.used + bytes <= this.capacity) break;
      this.arriving.delete(oldest);
      this.used -= oldest.bytes;
      oldest.evict();
    }
    const body = { bytes, evict };
    this.arriving.add(body);
    this.used += bytes;
    // Idempotent: every way a request ends may call it, and an evicted body's bytes are back already.
    return () => {
      if (this.arriving.delete(body)) this.used -= bytes;
    };
  }
}

/** The lanes, by the largest body each takes: a body takes the first it fits. */
const LANES = [
  { name: 'fast', largest: FAST_BODY_BYTES, capacity: FAST_LANE_BYTES },
  { name: 'small', largest: SMALL_BODY_BYTES, capacity: SMALL_LANE_BYTES },
  { name: 'large', largest: BODY_LIMIT, capacity: LARGE_LANE_BYTES },
] as const;

type LaneName = (typeof LANES)[number]['name'];

/** Each receiver's lanes, for `receiverLoad`. */
const lanesOf = new WeakMap<object, Record<LaneName, Lane>>();

/** A receiver's lanes now (for tests and diagnostics): bytes reserved, bodies being received. */
export function receiverLoad(receiver: object): Record<LaneName, LaneLoad> {
  const lanes = lanesOf.get(receiver);
  if (!lanes) throw new Error('not a receiver made by createReceiver');
  return { fast: lanes.fast.load(), small: lanes.small.load(), large: lanes.large.load() };
}

/**
 * The receiver's refusal log: the first `first` refusals of each status and reason in a window in full, then one
 * summary line at the end of the window with the count of those left out. Exported for its tests.
 */
export function createRefusalLog(
  logger: Pick<Logger, 'warn'>,
  opts: { first?: number; windowMs?: number } = {},
) {
  const first = opts.first ?? REFUSALS_LOGGED_PER_REASON;
  const windowMs = opts.windowMs ?? REFUSAL_LOG_WINDOW_MS;
  let counts = new Map<string, number>();
  let suppressed = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (suppressed.size > 0) {
      const left = Object.fromEntries(suppressed);
      const total = [...suppressed.values()].reduce((sum, n) => sum + n, 0);
      logger.warn(
        { suppressed: left, total, windowMs },
        `Slack requests refused (summary): ${total} more not logged one by one in the last ${windowMs / 1000} s`,
      );
    }
    counts = new Map();
    suppressed = new Map();
  };
  return {
    refused(context: Record<string, unknown>, status: number, reason: string): void {
      if (timer === undefined) {
        timer = setTimeout(flush, windowMs);
        timer.unref();
      }
      const key = `${status} ${reason}`;
      const seen = (counts.get(key) ?? 0) + 1;
      counts.set(key, seen);
      if (status === 400 || seen <= first) {
        logger.warn({ ...context, status, reason }, 'Slack request refused');
        if (seen === first && status !== 400)
          logger.warn(
            { status, reason, windowMs },
            'Slack request refused: further refusals of this kind are counted in the summary',
          );
        return;
      }
      suppressed.set(key, (suppressed.get(key) ?? 0) + 1);
    },
    /** Logs the summary now (at shutdown, or in tests). */
    flush(): void {
      clearTimeout(timer);
      flush();
    },
  };
}

type ReadResult = { chunks: Buffer[]; size: number } | { status: number; reason: string } | 'aborted';

/**
 * Reads an admitted body (at most its declared size, at most BODY_LIMIT) within BODY_READ_MS, with no pause longer
 * than IDLE_READ_MS, and until `cutOff` (a newer body needs its room), feeding the HMAC as it arrives. The chunks are
 * kept as Node read them and joined only once the signature is known to be right: a body that is refused costs no copy.
 */
function readBody(
  req: IncomingMessage,
  declared: number | undefined,
  mac: ReturnType<typeof createHmac>,
  cutOff: AbortSignal,
) {
  return new Promise<ReadResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: ReadResult) => {
      clearTimeout(timer);
      clearTimeout(idle);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      cutOff.removeEventListener('abort', onCutOff);
      if (result !== 'aborted' && !('chunks' in result)) req.pause();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ status: 408, reason: 'body arrived too slowly' }), BODY_READ_MS);
    const idle = setTimeout(() => finish({ status: 408, reason: 'body stalled' }), IDLE_READ_MS);
    const onCutOff = () =>
      finish({ status: 408, reason: 'body still arriving when a newer one needed its room' });
    const onData = (chunk: Buffer) => {
      idle.refresh();
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
    cutOff.addEventListener('abort', onCutOff);
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
  // Slack's own requests: the path as it is, without building a URL for each of them.
  if (req.url === '/slack/events') return req.url;
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
 * - bodies are read at once within the lanes' byte budgets (see the constants above; 408 when one stalls, arrives too
 *   slowly, or is still arriving when a newer body needs its room, its bytes given back at once), with the HMAC
 *   checked here as they arrive (401 on a mismatch);
 * - a timestamp far in the future also logs an error (once a minute) that this server's clock may be behind;
 * - a correctly signed body Slack never sends is refused with 400 at once (`malformedReason`), and Slack's
 *   `app_rate_limited` notice is answered 200 here, since no listener could acknowledge it;
 * - refusals are logged with their context, the first few of each reason a minute, then a summary (createRefusalLog).
 */
export function createReceiver(opts: {
  signingSecret: string;
  customRoutes: CustomRoute[];
  logger: Logger;
  boltLogger: BoltLogger;
  now?: () => number;
  /** Counts the Slack requests being answered, from their headers to their answer (background work waits for them). */
  activity?: Pick<RequestActivity, 'begin'>;
}): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: opts.signingSecret,
    customRoutes: opts.customRoutes,
    logger: opts.boltLogger,
  });
  const now = opts.now ?? Date.now;
  const inner = receiver.requestListener;
  const lanes = Object.fromEntries(LANES.map((l) => [l.name, new Lane(l.capacity)])) as Record<
    LaneName,
    Lane
  >;
  lanesOf.set(receiver, lanes);
  const refusals = createRefusalLog(opts.logger);
  let clockWarnedAt = Number.NEGATIVE_INFINITY;

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
    refusals.refused(describe(req), status, reason);
    if (res.headersSent || res.writableEnded) return;
    res.writeHead(status, unread ? { connection: 'close' } : {});
    res.end();
  };

  /**
   * A timestamp more than the window ahead: refused, but it is what every request looks like when this server's
   * clock is behind Slack's, so say so (at most once a minute). The signature is not checked (the body is not read),
   * so a forged header can cause it too: the log says how far ahead, for the operator to judge.
   */
  const warnClock = (req: IncomingMessage, timestamp: number, nowMs: number) => {
    if (nowMs - clockWarnedAt < CLOCK_WARNING_EVERY_MS) return;
    clockWarnedAt = nowMs;
    const ahead = Math.round(timestamp - nowMs / 1000);
    opts.logger.error(
      { ...describe(req), aheadSeconds: ahead, serverTime: new Date(nowMs).toISOString() },
      `Slack request timestamp is ${ahead} s ahead of this server's clock: check NTP (if this server's clock is behind, every Slack request is refused)`,
    );
  };

  const slackRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (opts.activity) res.once('close', opts.activity.begin());
    const nowMs = now();
    const checked = checkHeaders(req, nowMs);
    if ('status' in checked) {
      if (checked.reason === 'timestamp in the future')
        warnClock(req, Number(headerValue(req, 'x-slack-request-timestamp')), nowMs);
      return refuse(req, res, checked.status, checked.reason, true);
    }
    const { declared, timestamp, signature } = checked;
    // A chunked body (no Content-Length) counts as the largest there can be.
    const bytes = declared ?? BODY_LIMIT;
    const lane = lanes[LANES.find((l) => bytes <= l.largest)?.name ?? 'large'];
    const cutOff = new AbortController();
    const release = lane.admit(bytes, () => cutOff.abort());
    // However the request ends (its body in hand, refused, or its connection gone), its reservation ends with it.
    res.once('close', release);
    const mac = createHmac('sha256', opts.signingSecret).update(`v0:${timestamp}:`);
    void readBody(req, declared, mac, cutOff.signal)
      .then((result) => {
        // The body is here, or will never be: its room is for the next one. (What Bolt holds from now on is a body
        // signed with the signing secret: only Slack sends those.)
        release();
        if (result === 'aborted') return;
        // A refused body is dropped: its connection is closed rather than read to the end.
        if (!('chunks' in result)) return refuse(req, res, result.status, result.reason, true);
        const expected = mac.digest();
        if (!timingSafeEqual(expected, signature)) return refuse(req, res, 401, 'signature mismatch', false);
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
        release();
        if (!res.headersSent) {
          res.writeHead(500, { connection: 'close' });
          res.end();
        }
      });
  };

  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    // The same test Bolt routes by: every request Bolt would read as a Slack request passes the guard first.
    if ((req.method ?? '').toUpperCase() === 'POST' && pathOf(req) === '/slack/events')
      return slackRequest(req, res);
    inner(req, res);
  };
  return receiver;
}
