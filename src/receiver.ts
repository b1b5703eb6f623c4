import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger as BoltLogger, type CustomRoute, HTTPReceiver } from '@slack/bolt';
import type { Logger } from './logger.js';

/** Slack's window for request timestamps, both ways: a signature from the future is as suspect as a stale one. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

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
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
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
