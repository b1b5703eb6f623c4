import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIP } from 'node:net';
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
// heap cap. Each body reserves its declared Content-Length in a lane before a byte of it is read; one that does not
// fit waits unread (TCP backpressure keeps the rest of it in the kernel, not in the process), and is refused with 503
// if it waits too long or too many wait already. Worst case held by the process: the three lanes full plus every
// waiter's first read, about 4 + 8 + 8 + 3 × 128 × 64 kB = 44 MB.
//
// A reservation is held only while its body keeps arriving: one that sends nothing for IDLE_READ_MS gets 408 and
// gives its bytes back at once, so a trickle of one byte per socket ("slow loris") cannot hold a lane for long, and
// one address may hold at most a quarter of a lane, so one client cannot hold it at all.

/**
 * Bodies up to this declared size take the fast lane, which nothing larger can use. Every click and slash command
 * Slack sends is a few kB, far below it: a flood of declared-large bodies, or slow ones of a few hundred kB, never
 * delays them.
 */
export const FAST_BODY_BYTES = 64 * 1024;

/** Bytes of fast bodies buffered at once: 64 of the largest, or about a thousand ordinary clicks of a few kB. */
export const FAST_LANE_BYTES = 4 * 1024 * 1024;

/**
 * Bodies up to this declared size (and over FAST_BODY_BYTES) take the small lane, so a flood of large ones never
 * delays them: a view submission or a click on an App Home, which carry the whole view (Slack refuses views over
 * 250 kB; form encoding at most about doubles that).
 */
export const SMALL_BODY_BYTES = 512 * 1024;

/** Bytes of small bodies buffered at once: 16 of the largest. */
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
 * The share of a lane's bytes (held or waiting) one client address may reserve: a quarter (1 MB of the fast lane,
 * 2 MB of the small one), and never less than one body of the lane's largest size (so one 4 MB body of the large lane).
 * More is refused with 503 at once. Slack's requests come from many addresses and are read within milliseconds, so
 * they never approach it. The address is the socket's, or, when the request carries `x-forwarded-for`, the last hop
 * of that header (the one the nearest proxy added): behind a proxy every socket is the proxy's, and keying on it would
 * put Slack in the attacker's quota. A client that reaches the app directly can forge that header to evade the cap;
 * the idle timeout and the fast lane still hold then, and a deployment behind a proxy should limit per client there.
 */
export const ADDRESS_SHARE_OF_LANE = 1 / 4;

/**
 * How long a body may wait for its lane before 503. Slack gives an app 3 s to answer: a body still waiting after 2 s
 * could no longer be answered in time, and the Events API retries a delivery that got a 5xx.
 */
export const LANE_WAIT_MS = 2_000;

/**
 * How long an admitted body may take to arrive, in all, before 408. Slack sends a body at once; one still arriving
 * after 3 s is not one Slack is waiting on, and must not hold its lane (a slow trickle of declared bytes).
 */
export const BODY_READ_MS = 3_000;

/**
 * How long an admitted body may send nothing before 408, its reservation given back at once. Slack writes a body of
 * at most a few hundred kB in one go, right behind its headers: a gap in it is at worst one TCP retransmission on an
 * established connection (Linux's minimum retransmission timeout is 200 ms, plus the round trip). A socket that
 * sends one byte and stalls holds its lane for half a second, not BODY_READ_MS.
 */
export const IDLE_READ_MS = 500;

/**
 * Refusals an unauthenticated sender can cause (401, 408, 413, 503) are logged in full for the first
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

interface Waiter {
  bytes: number;
  address: string;
  grant: () => void;
}

/** A lane's state, for tests and diagnostics: bytes reserved, requests reading and waiting. */
export interface LaneLoad {
  used: number;
  reading: number;
  waiting: number;
}

/**
 * A byte budget for bodies being read; requests that do not fit wait their turn, first come first served. One address
 * may reserve (held and waiting) at most `perAddress` bytes.
 */
class Lane {
  private used = 0;
  private reading = 0;
  private readonly waiting: Waiter[] = [];
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly capacity: number,
    private readonly perAddress: number,
  ) {}

  load(): LaneLoad {
    return { used: this.used, reading: this.reading, waiting: this.waiting.length };
  }

  /**
   * Reserves `bytes` and calls `grant`, now or once earlier bodies are done; 'full' when too many wait already,
   * 'address' when the address holds its share already. Returns how to leave the queue (a no-op once granted).
   */
  enter(bytes: number, address: string, grant: () => void): (() => void) | 'full' | 'address' {
    const mine = this.byAddress.get(address) ?? 0;
    if (mine + bytes > this.perAddress) return 'address';
    if (this.waiting.length === 0 && this.used + bytes <= this.capacity) {
      this.byAddress.set(address, mine + bytes);
      this.take(bytes);
      grant();
      return () => undefined;
    }
    if (this.waiting.length >= WAITING_PER_LANE) return 'full';
    this.byAddress.set(address, mine + bytes);
    const waiter = { bytes, address, grant };
    this.waiting.push(waiter);
    return () => {
      const at = this.waiting.indexOf(waiter);
      if (at < 0) return;
      this.waiting.splice(at, 1);
      this.forget(address, bytes);
      this.admit();
    };
  }

  /** Gives back a granted reservation. */
  release(bytes: number, address: string): void {
    this.used -= bytes;
    this.reading -= 1;
    this.forget(address, bytes);
    this.admit();
  }

  private take(bytes: number): void {
    this.used += bytes;
    this.reading += 1;
  }

  private forget(address: string, bytes: number): void {
    const left = (this.byAddress.get(address) ?? 0) - bytes;
    if (left > 0) this.byAddress.set(address, left);
    else this.byAddress.delete(address);
  }

  private admit(): void {
    for (
      let next = this.waiting[0];
      next && this.used + next.bytes <= this.capacity;
      next = this.waiting[0]
    ) {
      this.waiting.shift();
      this.take(next.bytes);
      next.grant();
    }
  }
}

/** Each receiver's lanes, for `receiverLoad`. */
const loads = new WeakMap<object, () => Record<'fast' | 'small' | 'large', LaneLoad>>();

/** A receiver's lanes now (for tests and diagnostics): bytes reserved, bodies being read, bodies waiting. */
export function receiverLoad(receiver: object): Record<'fast' | 'small' | 'large', LaneLoad> {
  const load = loads.get(receiver);
  if (!load) throw new Error('not a receiver made by createReceiver');
  return load();
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
 * Reads an admitted body (at most its declared size, at most BODY_LIMIT) within BODY_READ_MS and with no pause longer
 * than IDLE_READ_MS, feeding the HMAC as it
 * arrives. The chunks are kept as Node read them and joined only once the signature is known to be right: a body
 * that is refused costs no copy.
 */
function readBody(req: IncomingMessage, declared: number | undefined, mac: ReturnType<typeof createHmac>) {
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
      if (result !== 'aborted' && !('chunks' in result)) req.pause();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ status: 408, reason: 'body arrived too slowly' }), BODY_READ_MS);
    const idle = setTimeout(() => finish({ status: 408, reason: 'body stalled' }), IDLE_READ_MS);
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
 * The client a reservation counts against (ADDRESS_SHARE_OF_LANE): the socket's address, or, when the socket is a
 * proxy's (a loopback or private address), the last hop of `x-forwarded-for` (what that proxy saw).
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  // Only a proxy on this machine or a private network says who its client is: anyone reaching the app directly could
  // write any x-forwarded-for and take a fresh share of a lane with each request.
  if (!isProxyAddress(peer)) return `socket ${peer}`;
  const forwarded = req.headers['x-forwarded-for'];
  const text = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  const last = text?.split(',').pop()?.trim();
  if (last) return `forwarded ${last.slice(0, 64)}`;
  return `socket ${peer}`;
}

/** Loopback and private networks (RFC 1918, RFC 4193 unique local, link local): where a reverse proxy sits. */
const PROXY_NETWORKS = (() => {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addSubnet('10.0.0.0', 8, 'ipv4');
  list.addSubnet('172.16.0.0', 12, 'ipv4');
  list.addSubnet('192.168.0.0', 16, 'ipv4');
  list.addSubnet('169.254.0.0', 16, 'ipv4');
  list.addAddress('::1', 'ipv6');
  list.addSubnet('fc00::', 7, 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6');
  return list;
})();

/** Peers already classified: BlockList's check builds a SocketAddress each time, on every request. */
const proxyVerdicts = new Map<string, boolean>();
const MAX_PEERS_REMEMBERED = 10_000;

function isProxyAddress(address: string): boolean {
  const known = proxyVerdicts.get(address);
  if (known !== undefined) return known;
  // An IPv4 client on a dual-stack socket is written as ::ffff:a.b.c.d.
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const family = v4 ? 4 : isIP(address);
  const verdict = family !== 0 && PROXY_NETWORKS.check(v4 ?? address, family === 4 ? 'ipv4' : 'ipv6');
  if (proxyVerdicts.size >= MAX_PEERS_REMEMBERED) proxyVerdicts.clear();
  proxyVerdicts.set(address, verdict);
  return verdict;
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
 * - bodies are read within the lanes' byte budgets (see the constants above; 503 when one waited too long or its
 *   address holds its share, 408 when it stalls or arrives too slowly, its bytes given back at once), with the HMAC
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
  const lane = (capacity: number, largest: number) =>
    new Lane(capacity, Math.max(capacity * ADDRESS_SHARE_OF_LANE, largest));
  const fast = lane(FAST_LANE_BYTES, FAST_BODY_BYTES);
  const small = lane(SMALL_LANE_BYTES, SMALL_BODY_BYTES);
  const large = lane(LARGE_LANE_BYTES, BODY_LIMIT);
  loads.set(receiver, () => ({ fast: fast.load(), small: small.load(), large: large.load() }));
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
    const bytes = declared ?? BODY_LIMIT;
    const chosen =
      declared === undefined
        ? large
        : declared <= FAST_BODY_BYTES
          ? fast
          : declared <= SMALL_BODY_BYTES
            ? small
            : large;
    const address = clientAddress(req);
    let state: 'waiting' | 'reading' | 'done' = 'waiting';
    let waitTimer: NodeJS.Timeout | undefined;
    let leave: () => void = () => undefined;
    /** Ends the reservation, whatever state it is in; idempotent, so every path may call it. */
    const done = () => {
      clearTimeout(waitTimer);
      if (state === 'reading') chosen.release(bytes, address);
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
    const entered = chosen.enter(bytes, address, grant);
    if (entered === 'full' || entered === 'address') {
      state = 'done';
      res.off('close', done);
      return refuse(
        req,
        res,
        503,
        entered === 'full' ? 'too many bodies waiting' : 'too many bodies from one address',
        true,
      );
    }
    leave = entered;
    if (state === 'waiting') {
      waitTimer = setTimeout(() => {
        done();
        refuse(req, res, 503, 'waited too long to be read', true);
      }, LANE_WAIT_MS);
    }

    function read() {
      const mac = createHmac('sha256', opts.signingSecret).update(`v0:${timestamp}:`);
      void readBody(req, declared, mac)
        .then((result) => {
          if (result === 'aborted') return done();
          // A refused body is dropped: its bytes go back to the lane now, not when the connection closes.
          if (!('chunks' in result)) {
            done();
            return refuse(req, res, result.status, result.reason, true);
          }
          const expected = mac.digest();
          if (!timingSafeEqual(expected, signature)) {
            done();
            return refuse(req, res, 401, 'signature mismatch', false);
          }
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
          done();
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
