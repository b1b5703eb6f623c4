/**
 * The HTTP core the fake services (Slack, Salesforce, HubSpot) share: a server on 127.0.0.1 and a free port, request
 * bodies, injected failures (the queue, delays a test may hold, a crash's 500), and answers. `FakeHttpServer` is what
 * every fake extends; `FakeRestServer` adds the REST fakes' request log and failure handling, each fake answering
 * errors in its own service's shape (`injectedAnswer`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer as a fake's handlers give it: a JSON value, a text, or no body (undefined). */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The content types a fake answers text and JSON bodies with (each service spells them its own way). */
export interface ContentTypes {
  text: string;
  json: string;
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes an answer: a string body as text, any other value as JSON, none as an empty body. */
export function sendAnswer(res: http.ServerResponse, answer: Answer, types: ContentTypes): void {
  res.on('error', () => {}); // the client may have given up (timeouts)
  if (answer.body === undefined) {
    res.writeHead(answer.status, answer.headers ?? {});
    res.end();
    return;
  }
  const text = typeof answer.body === 'string';
  res.writeHead(answer.status, { 'content-type': text ? types.text : types.json, ...answer.headers });
  res.end(text ? answer.body : JSON.stringify(answer.body));
}

/**
 * Ends a request without an answer: the connection is destroyed, and the client sees its request fail (a reset), as
 * when an answer is lost on the way back.
 */
export function dropConnection(res: http.ServerResponse): void {
  res.socket?.destroy();
}

/** Writes a raw body as given (an injected edge page or a cut JSON); default content type text/html. */
export function sendRaw(res: http.ServerResponse, status: number, body: string, contentType?: string): void {
  res.on('error', () => {});
  res.writeHead(status, { 'content-type': contentType ?? 'text/html; charset=utf-8' });
  res.end(body);
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Which requests an injected failure applies to: a method and a path (exact, or a RegExp), or every request. */
export type FailureMatch = { method?: string; path?: RegExp | string } | '*';

/** Whether a REST request (upper-case method, path without query) meets a FailureMatch. */
export function matchesRequest(match: FailureMatch, method: string, path: string): boolean {
  if (match === '*') return true;
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? match.path === path : match.path.test(path);
}

/** The failures injected into a fake: each applies to the requests its match accepts `times` times, earliest first. */
export class FailureQueue<F, M = FailureMatch> {
  private entries: { match: M; failure: F; remaining: number }[] = [];

  add(match: M, failure: F, times: number): void {
    this.entries.push({ match, failure, remaining: times });
  }

  clear(): void {
    this.entries = [];
  }

  /** The first failure whose match `accepts` says applies (one use of it is spent). */
  take(accepts: (match: M, failure: F) => boolean): F | undefined {
    const entry = this.entries.find((f) => f.remaining > 0 && accepts(f.match, f.failure));
    if (!entry) return undefined;
    entry.remaining -= 1;
    this.entries = this.entries.filter((f) => f.remaining > 0);
    return entry.failure;
  }
}

/**
 * A fake's `delays`, held by the test instead of real time: each delay asked is recorded, and waits until `release()`.
 * A test of `delayMs` checks the answer waits for it without measuring a clock.
 */
export function heldDelays() {
  const asked: number[] = [];
  const waiting: (() => void)[] = [];
  return {
    asked,
    delays: (ms: number) =>
      new Promise<void>((resolve) => {
        asked.push(ms);
        waiting.push(resolve);
      }),
    /** Ends every delay asked so far. */
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

/** A fake HTTP service: its server, its origin once listening, injected delays, and stopping. */
export abstract class FakeHttpServer {
  /**
   * How a failure's `delayMs` is waited out: real time by default (`stop()` ends such a wait). A test of the delay
   * itself gives its own, to release the answer when it says instead of measuring real time.
   */
  delays: ((ms: number) => Promise<void>) | undefined;

  protected origin = '';
  protected stopped = false;
  protected readonly server: http.Server;
  private readonly pendingDelays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  /** `name` tags a crash's log line and 500 body. */
  constructor(name: string, serverOptions: http.ServerOptions = {}) {
    this.server = http.createServer(serverOptions, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error(`[${name}] handler crashed`, error);
        if (!res.headersSent) sendRaw(res, 500, `${name} crashed`, 'text/plain; charset=utf-8');
      });
    });
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;

  /** Listens on 127.0.0.1 and a free port; `origin` is then set. */
  protected async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  protected sleep(ms: number): Promise<void> {
    if (this.delays) return this.delays(ms);
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.pendingDelays.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      this.pendingDelays.add(pending);
    });
  }

  /** Ends pending delays (their requests go unanswered), then closes the server and its connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const pending of this.pendingDelays) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.pendingDelays.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

/** One HTTP request a REST fake received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. '/services/data/v62.0/query'. */
  path: string;
  /** Query parameters; a repeated one (`properties=a&properties=b`) becomes an array. */
  query: Record<string, string | string[]>;
  /** The body: parsed JSON, form fields (an object of strings), raw text when unparsable; undefined when empty. */
  body: unknown;
  /** The Bearer token sent, if any. */
  token?: string;
  /** Arrival time (the fake's clock). */
  at: number;
  /** HTTP status answered; 0 while pending or when the connection was dropped. */
  status: number;
  /** The body answered (parsed JSON value, or the raw text of an injected body); undefined when none. */
  response: unknown;
  /** true when the request's work was done although an injected failure was answered (`afterProcessing`). */
  processed?: boolean;
  /** true when the answer came from an injected failure. */
  injected?: boolean;
  /** true when the fake destroyed the connection instead of answering (`dropConnection`). */
  dropped?: boolean;
}

/** A failure injected into a REST fake; each service adds how its error body is chosen. */
export interface RestFailure {
  /**
   * Answer with this HTTP status. Without `body`, the body is the service's own error (`injectedAnswer`), so clients
   * parse it as they would a real one.
   */
  status?: number;
  message?: string;
  /** Answer with this raw body instead (an edge's HTML page, a cut JSON): HTTP `status`, 200 when not given. */
  body?: string;
  /** Content type of `body`; default 'text/html; charset=utf-8'. */
  contentType?: string;
  /** How many matching requests fail; default 1, `Infinity` for all. */
  times?: number;
  /** Wait this long first; alone, the request is then handled normally. */
  delayMs?: number;
  /**
   * Do the real work first (a record IS created, a PATCH IS applied), then answer with the failure: the answer is
   * lost on the way back. With only `delayMs`, the real answer comes late (past a client timeout, it is lost too).
   */
  afterProcessing?: boolean;
  /** Destroy the socket without answering (after the work when `afterProcessing`). */
  dropConnection?: boolean;
}

/** A request as a REST fake's handlers see it. */
export interface Incoming {
  method: string;
  url: URL;
  /** The request target as sent (for a URI length limit). */
  rawUrl: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** Set when a JSON body did not parse. */
  jsonError?: string;
  token: string | undefined;
}

function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const previous = out[key];
    out[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return out;
}

/** Form bodies parsed when `forms`, JSON parsed (any content type when not `forms`), anything else kept as text. */
function parseBody(contentType: string, raw: Buffer, forms: boolean): { body: unknown; jsonError?: string } {
  if (raw.length === 0) return { body: undefined };
  const text = raw.toString('utf8');
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (forms && type === 'application/x-www-form-urlencoded')
    return { body: Object.fromEntries(new URLSearchParams(text)) };
  if (forms && type !== 'application/json' && type !== '') return { body: text };
  try {
    return { body: JSON.parse(text) };
  } catch (error) {
    return { body: text, jsonError: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A fake REST service: records every request, applies injected failures (a delay, an error in the service's shape,
 * a raw body, a dropped connection; before or after the real work), and answers what `process` decides.
 */
export abstract class FakeRestServer<F extends RestFailure> extends FakeHttpServer {
  /** Every request in arrival order, including refused and injected ones. */
  readonly calls: RecordedRequest[] = [];
  private readonly failures = new FailureQueue<F>();

  private readonly types: ContentTypes;
  /** Whether form bodies are parsed as forms (else every body is read as JSON). */
  private readonly forms: boolean;
  /** The fake's clock (ms since the epoch). */
  protected readonly now: () => number;

  protected constructor(
    name: string,
    opts: { types: ContentTypes; forms: boolean; now: () => number; server?: http.ServerOptions },
  ) {
    super(name, opts.server);
    this.types = opts.types;
    this.forms = opts.forms;
    this.now = opts.now;
  }

  /** What the service does with a request. */
  protected abstract process(request: Incoming): Answer;
  /** The service's error answer to an injected bare status. */
  protected abstract injectedAnswer(status: number, failure: F): Answer;

  /**
   * Makes matching requests fail (`times`, default 1). A string `path` matches the exact path (no query string),
   * a RegExp is tested against it; `method` is compared case-insensitively. Earliest registered failures are used first.
   */
  fail(match: FailureMatch, failure: F): void {
    this.failures.add(match, failure, failure.times ?? 1);
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** Forgets the request log, failures and held delays (a fake's `reset` adds its own state). */
  reset(): void {
    this.delays = undefined;
    this.calls.length = 0;
    this.clearFailures();
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, this.origin || 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const parsed = parseBody(req.headers['content-type'] ?? '', raw, this.forms);
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const incoming: Incoming = {
      method,
      url,
      rawUrl,
      path: url.pathname,
      headers: req.headers,
      body: parsed.body,
      token,
      ...(parsed.jsonError !== undefined ? { jsonError: parsed.jsonError } : {}),
    };
    const call: RecordedRequest = {
      method,
      path: url.pathname,
      query: queryObject(url.searchParams),
      body: parsed.body,
      at: this.now(),
      status: 0,
      response: undefined,
      ...(token ? { token } : {}),
    };
    this.calls.push(call);

    const failure = this.failures.take((match) => matchesRequest(match, method, url.pathname));
    if (!failure) return this.reply(res, call, this.process(incoming));
    const replacesAnswer =
      failure.status !== undefined || failure.body !== undefined || failure.dropConnection === true;
    if (failure.afterProcessing) {
      // The work happens; only the answer is late or lost.
      const real = this.process(incoming);
      call.processed = true;
      if (failure.delayMs) await this.sleep(failure.delayMs);
      if (this.stopped) return;
      return replacesAnswer ? this.replyFailure(res, call, failure) : this.reply(res, call, real);
    }
    if (failure.delayMs) await this.sleep(failure.delayMs);
    if (this.stopped) return;
    if (replacesAnswer) return this.replyFailure(res, call, failure);
    this.reply(res, call, this.process(incoming));
  }

  private replyFailure(res: http.ServerResponse, call: RecordedRequest, failure: F): void {
    call.injected = true;
    if (failure.dropConnection) {
      call.dropped = true;
      dropConnection(res);
      return;
    }
    if (failure.body !== undefined) {
      call.status = failure.status ?? 200;
      call.response = failure.body;
      sendRaw(res, call.status, failure.body, failure.contentType);
      return;
    }
    this.reply(res, call, this.injectedAnswer(failure.status ?? 500, failure));
  }

  private reply(res: http.ServerResponse, call: RecordedRequest, answer: Answer): void {
    call.status = answer.status;
    call.response = answer.body;
    sendAnswer(res, answer, this.types);
  }
}
