import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Server as HTTPSServer, ServerOptions as HTTPSServerOptions } from 'node:https';
import type { ListenOptions } from 'node:net';
import {
  type App,
  type Logger as BoltLogger,
  type CustomRoute,
  HTTPReceiver,
  HTTPResponseAck,
  HTTPModuleFunctions as http,
} from '@slack/bolt';
import type { Logger } from './logger.js';
import { type BudgetLoad, ByteBudget, readBody } from './receiver/budget.js';
import { checkHeaders, headerValue, isSlackRequest } from './receiver/headers.js';
import { createClockWarning, createRefusalLog, describe } from './receiver/refusals.js';
import { readSlackBody } from './receiver/shape.js';
import { processRequestClock, REQUEST_KEY, type SlackRequest } from './runtime/lateAnswers.js';
import type { RequestActivity } from './runtime/requestActivity.js';

export { ByteBudget } from './receiver/budget.js';
export { SIGNATURE_WINDOW_MS } from './receiver/headers.js';
export { createRefusalLog, REFUSALS_LOGGED_PER_REASON } from './receiver/refusals.js';
export { MAX_BODY_DEPTH, malformedReason } from './receiver/shape.js';

/**
 * Events whose listener finishes before Slack gets its 200 (Bolt acks the others first, as it does by default): Slack
 * retries one the app failed to keep. The uninstall and the revoked token are kept in the database for every process
 * on it (runtime/revocations.ts); acked first, a second replica could read the database before the write (and a
 * process that died in between would forget it).
 */
export const KEPT_BEFORE_ACK: ReadonlySet<string> = new Set(['app_uninstalled', 'tokens_revoked']);

/** Whether this body is an Events API callback of one of KEPT_BEFORE_ACK. */
function keptBeforeAck(body: Record<string, unknown>): boolean {
  const event = body.event as { type?: unknown } | undefined;
  return body.type === 'event_callback' && typeof event?.type === 'string' && KEPT_BEFORE_ACK.has(event.type);
}

/** Bolt's own body limit (4 MB, its `bodyLimit`): a body declaring more is refused 413 from its headers. */
export const BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Bytes of bodies being received at once (before their signature can be checked): two bodies at the limit, or
 * thousands of Slack's clicks of a few kB. A body never waits for room: the bodies arriving longest are cut off (408).
 * (Measured by the flood drill: with room for four 4 MB bodies, more of the flood is read to its end, and Accepts
 * took up to 2.3 s instead of a few hundred ms.)
 */
export const BODY_BUDGET_BYTES = 2 * BODY_LIMIT;

/**
 * Node's `server.requestTimeout`: a request whose headers and body have not all arrived this long after it began is
 * answered 408 by Node and its socket closed. Slack sends a body at once, right behind its headers; one still arriving
 * after 3 s is not one Slack is waiting on (a slow trickle of declared bytes).
 */
export const REQUEST_TIMEOUT_MS = 3_000;

/** Node's `server.headersTimeout` (at most the request timeout): headers that trickle in are cut off sooner. */
export const HEADERS_TIMEOUT_MS = 2_000;

/** How often Node checks those two timeouts (its default, 30 s, would let a slow body hold its room 30 s). */
export const TIMEOUT_CHECK_MS = 250;

/**
 * Node's server options the receiver's limits rely on: the server it serves on is the status server, made with them
 * from the start (runtime/statusServer.ts), or its own (`start`).
 */
export const RECEIVER_SERVER_OPTIONS = {
  requestTimeout: REQUEST_TIMEOUT_MS,
  headersTimeout: HEADERS_TIMEOUT_MS,
  connectionsCheckingInterval: TIMEOUT_CHECK_MS,
} as const;

/** Each receiver's budget, for `receiverLoad`. */
const budgets = new WeakMap<object, ByteBudget>();

/** A receiver's byte budget now (for tests and diagnostics): bytes reserved, bodies being received. */
export function receiverLoad(receiver: object): BudgetLoad {
  const budget = budgets.get(receiver);
  if (!budget) throw new Error('not a receiver made by createReceiver');
  return budget.load();
}

interface ReceiverOptions {
  signingSecret: string;
  customRoutes: CustomRoute[];
  logger: Logger;
  boltLogger: BoltLogger;
  now?: () => number;
  /** Counts the Slack requests being answered, from their headers to their answer (background work waits for them). */
  activity?: Pick<RequestActivity, 'begin'>;
  /** When a request's headers arrived, for how late its answer was (runtime/lateAnswers.ts): monotonic milliseconds. */
  requestClock?: () => number;
}

/**
 * Bolt's HTTP receiver (its signature check, `bodyLimit`, routing and answers, custom routes), started with Node's
 * request and header timeouts, and guarded in front of `POST /slack/events` for what Bolt lacks:
 * - a request is refused from its headers alone, before its body is read, when its signature is missing or malformed,
 *   its timestamp missing or outside five minutes either way (Bolt only refuses stale ones, after reading the body),
 *   or its declared body over the limit (401, 413), and its connection is closed so the unread body cannot pile up;
 * - a timestamp far in the future also logs an error (once a minute) that this server's clock may be behind;
 * - bodies are read within one byte budget (408 for the oldest still arriving when a newer one needs the room), with
 *   the HMAC computed as they arrive (401 on a mismatch);
 * - a correctly signed body with a field of a shape Slack never sends is refused with 400 (receiver/shape.ts), and
 *   Slack's `app_rate_limited` notice is answered 200 here, since no listener could acknowledge it;
 * - refusals are logged with their context, the first few of each reason a minute, then a summary.
 * The body, parsed once here, is given to the app as Bolt's own listener would give it (`dispatch`): what Bolt cannot
 * route gets Bolt's own answer. Bolt does not check signatures again (above).
 */
class GuardedReceiver extends HTTPReceiver {
  private readonly budget = new ByteBudget(BODY_BUDGET_BYTES);
  private readonly refusals: ReturnType<typeof createRefusalLog>;
  private readonly warnClock: ReturnType<typeof createClockWarning>;
  private readonly bolt: HTTPReceiver['requestListener'];
  /** The app this receiver serves (Bolt's `init`). */
  private served?: App;

  constructor(private readonly opts: ReceiverOptions) {
    super({
      signingSecret: opts.signingSecret,
      customRoutes: opts.customRoutes,
      logger: opts.boltLogger,
      bodyLimit: BODY_LIMIT,
      // Every request Bolt takes as an event (POST to /slack/events, its path read as Bolt reads it: isSlackRequest)
      // was verified here first, over the whole body with the timestamp window both ways. Bolt's second HMAC and
      // its extra parse of the form cost CPU on every click and decide nothing more.
      signatureVerification: false,
    });
    budgets.set(this, this.budget);
    this.refusals = createRefusalLog(opts.logger);
    this.warnClock = createClockWarning(opts.logger);
    this.bolt = this.requestListener;
    this.requestListener = (req, res) =>
      isSlackRequest(req) ? this.slackRequest(req, res) : this.bolt(req, res);
  }

  /** Bolt's start, with Node's timeouts on the server it creates (the caller's options win). */
  override start(port: number): Promise<Server>;
  override start(port: string): Promise<Server>;
  override start(port: number | string | ListenOptions, serverOptions?: ServerOptions): Promise<Server>;
  override start(
    port: number | string | ListenOptions,
    serverOptions?: HTTPSServerOptions,
  ): Promise<HTTPSServer>;
  override start(port: number | string | ListenOptions, serverOptions: ServerOptions = {}) {
    return super.start(port, { ...RECEIVER_SERVER_OPTIONS, ...serverOptions });
  }

  /**
   * One request, as the server `start` makes would hand it over: for the server already listening (the status
   * server, which the app takes over with no moment when the port answers nothing).
   */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      this.requestListener(req, res);
    } catch (error) {
      const bolt = this as unknown as { dispatchErrorHandler(args: unknown): void; logger: unknown };
      bolt.dispatchErrorHandler({ error, logger: bolt.logger, request: req, response: res });
    }
  };

  /**
   * Answers `status` with no body. `unread`: the request's body was not (all) read, so the connection is closed once
   * the answer is out (Node's server then stops reading it) instead of reading the rest to keep it alive.
   */
  private refuse(req: IncomingMessage, res: ServerResponse, status: number, reason: string, unread: boolean) {
    this.refusals.refused(describe(req), status, reason);
    // Node's request timeout has answered 408 on the socket itself.
    if (res.headersSent || res.writableEnded || req.socket.destroyed) return;
    res.writeHead(status, unread ? { connection: 'close' } : {});
    res.end();
  }

  private slackRequest(req: IncomingMessage, res: ServerResponse) {
    const arrivedAt = (this.opts.requestClock ?? processRequestClock)();
    if (this.opts.activity) res.once('close', this.opts.activity.begin());
    const nowMs = (this.opts.now ?? Date.now)();
    const checked = checkHeaders(req, nowMs, BODY_LIMIT);
    if ('status' in checked) {
      if (checked.reason === 'timestamp in the future')
        this.warnClock(req, Number(headerValue(req, 'x-slack-request-timestamp')), nowMs);
      return this.refuse(req, res, checked.status, checked.reason, true);
    }
    const { declared, timestamp, signature } = checked;
    const cutOff = new AbortController();
    // A chunked body (no Content-Length) counts as the largest there can be.
    const release = this.budget.admit(declared ?? BODY_LIMIT, () => cutOff.abort());
    // However the request ends (its body in hand, refused, or its connection gone), its reservation ends with it.
    res.once('close', release);
    const mac = createHmac('sha256', this.opts.signingSecret).update(`v0:${timestamp}:`);
    void readBody(req, declared, BODY_LIMIT, mac, cutOff.signal)
      .then((result) => {
        // The body is here, or will never be: its room is for the next one.
        release();
        if (result === 'aborted') return;
        // A refused body is dropped: its connection is closed rather than read to the end.
        if (!('chunks' in result)) return this.refuse(req, res, result.status, result.reason, true);
        if (!timingSafeEqual(mac.digest(), signature))
          return this.refuse(req, res, 401, 'signature mismatch', false);
        this.signed(req, res, Buffer.concat(result.chunks, result.size), arrivedAt);
      })
      .catch((error: unknown) => {
        // Nothing above should throw; if it does, the request still gets an answer.
        this.opts.logger.error({ err: error, ...describe(req) }, 'the receiver failed on a Slack request');
        release();
        if (!res.headersSent) {
          res.writeHead(500, { connection: 'close' });
          res.end();
        }
      });
  }

  /** A correctly signed body, whole: refused if malformed, answered if `app_rate_limited`, else the app's. */
  private signed(req: IncomingMessage, res: ServerResponse, raw: Buffer, arrivedAt: number) {
    const { verdict, body } = readSlackBody(headerValue(req, 'content-type'), raw.toString('utf8'));
    if (verdict && 'problem' in verdict)
      return this.refuse(req, res, 400, `malformed: ${verdict.problem}`, false);
    if (verdict?.answer === 'ssl_check') {
      // Bolt's answer to Slack's SSL check (buildSSLCheckResponse), with nothing else of the form read.
      res.writeHead(200);
      res.end();
      return;
    }
    if (verdict?.answer === 'app_rate_limited') {
      this.opts.logger.warn(describe(req), 'Slack paused event deliveries to the app (app_rate_limited)');
      res.writeHead(200);
      res.end();
      return;
    }
    if (body && this.served) return void this.dispatch(this.served, req, res, body, { arrivedAt });
    // What Bolt answers itself (a URL verification), from the body as it came.
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    this.bolt(req, res);
  }

  /**
   * The body, read once above exactly as Bolt reads it, given to the app the way a Bolt receiver does (the Receiver
   * contract: `processEvent` with an ack bound to the response, Bolt's own `HTTPResponseAck` and default handlers).
   * Bolt's request listener would read and parse the body a second time (about 6% of an Accept's CPU). The app is
   * built without `processBeforeResponse` (its listeners ack first), but for the events it must keep before Slack is
   * told they arrived (KEPT_BEFORE_ACK): their answer is held until the listener is done, and sent then.
   *
   * The request's record (`request`, runtime/lateAnswers.ts) goes with it in Bolt's context: when its headers came,
   * and whether Bolt answered it itself. Bolt answers 404 when no ack came within its own 3 s; a listener that saved
   * before answering and acks after that is not made to fail (its ack would write a second answer): its answer was
   * late, and the app tells its person what was saved.
   */
  private async dispatch(
    app: App,
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
    request: SlackRequest,
  ) {
    const logger = this.opts.boltLogger;
    const before = keptBeforeAck(body);
    const ack = new HTTPResponseAck({
      logger,
      processBeforeResponse: before,
      unhandledRequestHandler: http.defaultUnhandledRequestHandler,
      httpRequest: req,
      httpRequestBody: body,
      httpResponse: res,
    });
    const answer = ack.bind();
    let acked = false;
    try {
      await app.processEvent({
        body,
        ack: async (response) => {
          const boltAnswered = !acked && !before && res.headersSent;
          acked = true;
          if (!boltAnswered) return answer(response);
          // Bolt's 404 went out (no ack within its 3 s): Slack has its answer, an error; this one is dropped.
          request.answeredByBolt = true;
          ack.ack();
        },
        retryNum: http.extractRetryNumFromHTTPRequest(req),
        retryReason: http.extractRetryReasonFromHTTPRequest(req),
        customProperties: { [REQUEST_KEY]: request },
      });
      // An event kept before its ack: the answer Bolt's ack stored, sent now that the listener is done.
      if (ack.storedResponse !== undefined) http.buildContentResponse(res, ack.storedResponse);
    } catch (error) {
      const handled = await http.defaultProcessEventErrorHandler({
        error: error as Error,
        logger,
        request: req,
        response: res,
        storedResponse: ack.storedResponse,
      });
      if (handled) ack.ack();
    }
  }

  override init(app: App): void {
    super.init(app);
    this.served = app;
  }
}

/** Bolt's HTTP receiver with the app's guards, and `handle` for a server it did not start. */
export type AppReceiver = HTTPReceiver & Pick<GuardedReceiver, 'handle'>;

export function createReceiver(opts: ReceiverOptions): AppReceiver {
  return new GuardedReceiver(opts);
}
