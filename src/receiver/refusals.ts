import type { IncomingMessage } from 'node:http';
import type { Logger } from '../logger.js';

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

/** What to log about a refused request: enough to investigate, never the signature, the body or a token. */
export function describe(req: IncomingMessage) {
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

/**
 * A timestamp more than the window ahead is refused, but it is what every request looks like when this server's clock
 * is behind Slack's, so say so (at most once a minute). The signature is not checked (the body is not read), so a
 * forged header can cause it too: the log says how far ahead, for the operator to judge.
 */
export function createClockWarning(logger: Pick<Logger, 'error'>) {
  let warnedAt = Number.NEGATIVE_INFINITY;
  return (req: IncomingMessage, timestamp: number, nowMs: number): void => {
    if (nowMs - warnedAt < CLOCK_WARNING_EVERY_MS) return;
    warnedAt = nowMs;
    const ahead = Math.round(timestamp - nowMs / 1000);
    logger.error(
      { ...describe(req), aheadSeconds: ahead, serverTime: new Date(nowMs).toISOString() },
      `Slack request timestamp is ${ahead} s ahead of this server's clock: check NTP (if this server's clock is behind, every Slack request is refused)`,
    );
  };
}
