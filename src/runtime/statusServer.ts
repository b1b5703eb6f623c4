import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';

export type StatusHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * The HTTP server on HOST:PORT before the app takes requests: `GET /healthz` (and `HEAD`) answers 503 with why it is
 * not ready yet (`{"ok":false,"starting":true,"reason":"…"}`), so a start that waits for Slack is seen waiting, not
 * dead; every other request is answered 503 too (Slack retries its requests). Over HTTP the app's receiver takes it
 * over once the app is ready (`handOver`): the port never stops answering, so a request arriving at that moment (the
 * browser's redirect after a first install) is served. In Socket Mode it stays for the whole run and serves the
 * app's health route (Bolt's own Socket Mode server cannot be given an address to listen on: HOST).
 */
export interface StatusServer {
  /** The port it listens on (PORT, or the one the system gave for PORT=0). */
  readonly port: number;
  /** Why the app is not ready yet, as /healthz says it. */
  waiting(reason: string): void;
  /** While the app waits (for its OAuth install), `path` is `handler`'s: /slack/install and its redirect. */
  route(path: string, handler: StatusHandler): void;
  /** From now on /healthz is `handler`'s (the running app's health route); other paths get 404. */
  serve(handler: StatusHandler): void;
  /** From now on every request is `handler`'s (the app's receiver): the app serves on this server. */
  handOver(handler: StatusHandler): void;
  /** Stops listening; once handed over, the requests being answered finish first. */
  close(): Promise<void>;
}

const send = (req: IncomingMessage, res: ServerResponse, status: number, body: string, type: string) => {
  // No keep-alive while starting: a client's next request must reach the app's own server once it listens here.
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...(status === 503 ? { connection: 'close' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
};

export async function openStatusServer(opts: {
  host: string | undefined;
  port: number;
  logger: Logger;
  /** Node's options for the server, the app's receiver's (receiver.ts RECEIVER_SERVER_OPTIONS): it serves on it. */
  serverOptions?: ServerOptions;
}): Promise<StatusServer> {
  let reason = 'starting: checking Slack (auth.test) and the settings';
  let health: StatusHandler | undefined;
  let app: StatusHandler | undefined;
  const routes = new Map<string, StatusHandler>();
  const server: Server = createServer(opts.serverOptions ?? {}, (req, res) => {
    if (app) return void app(req, res);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const routed = health ? undefined : routes.get(path);
    if (routed && req.method === 'GET') {
      // No keep-alive while starting (as below): the browser's next request must reach the app's own server.
      res.setHeader('connection', 'close');
      return void routed(req, res);
    }
    const isHealth = path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD');
    if (health) {
      if (isHealth) return void health(req, res);
      return send(req, res, 404, '', 'text/plain');
    }
    if (isHealth)
      return send(req, res, 503, JSON.stringify({ ok: false, starting: true, reason }), 'application/json');
    send(req, res, 503, 'The app is starting.\n', 'text/plain; charset=utf-8');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: opts.port, ...(opts.host ? { host: opts.host } : {}) }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  opts.logger.info(
    { port, host: opts.host ?? 'every interface' },
    'starting: /healthz answers 503 until the app is ready',
  );
  let closed: Promise<void> | undefined;
  return {
    port,
    waiting(now) {
      reason = now;
    },
    route(path, handler) {
      routes.set(path, handler);
    },
    serve(handler) {
      health = handler;
    },
    handOver(handler) {
      app = handler;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections (a load balancer's checks) would hold the port: idle ones end now; once the app
        // serves here, those answering a request end after their answer, as Bolt's own server's do.
        if (app) server.closeIdleConnections();
        else server.closeAllConnections();
      });
      return closed;
    },
  };
}
