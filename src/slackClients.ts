import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Config } from './config.js';
import { type Logger, slackLogger } from './logger.js';
import { SlackConnection } from './runtime/health.js';
import { realTimers, type TimerHandle, type Timers } from './runtime/timers.js';

/**
 * How long a client nobody called is kept. Making one again costs well under a millisecond; an idle installation's
 * jobs call Slack an hour apart at the most.
 */
export const CLIENT_KEPT_MS = 60_000;

/**
 * The three ways the app calls Slack, each with the timeout and retries its caller can afford:
 * - interactive: while a person waits (users.info and conversations.info before the 3-second ack, views.open with a
 *   single-use trigger): one try of at most 1.5 s, since a retry could reuse a spent trigger or miss the ack. Bolt's
 *   listener `client` is built with the same options.
 * - outbox: the outbox worker's deliveries. It owns retries and pacing, so the client neither retries nor waits out
 *   a rate limit; its timeout stays well under the shutdown timeout so SIGTERM never abandons a call in flight.
 * - files: uploads (charts, CSV exports) after the ack, which may take longer and retry twice.
 */
export interface SlackClients {
  interactive: WebClient;
  outbox: WebClient;
  files: WebClient;
  /** Whether Slack still accepts the token, as the answers to these clients' calls (and Bolt's) say. */
  connection: SlackConnection;
}

export type SlackClientKind = Exclude<keyof SlackClients, 'connection'>;

export interface SlackClientTimeouts {
  interactiveMs: number;
  outboxMs: number;
  filesMs: number;
}

export const DEFAULT_SLACK_TIMEOUTS: SlackClientTimeouts = {
  interactiveMs: 1500,
  outboxMs: 5000,
  filesMs: 20_000,
};

export function slackClientOptions(
  config: Pick<Config, 'slack'>,
  logger: Logger,
  kind: SlackClientKind,
  timeouts: SlackClientTimeouts = DEFAULT_SLACK_TIMEOUTS,
  connection?: Pick<SlackConnection, 'watch'>,
): WebClientOptions {
  const common = {
    slackApiUrl: config.slack.apiUrl,
    rejectRateLimitedCalls: true,
    logger: slackLogger(logger, `${kind}-client`),
    ...(connection ? { fetch: connection.watch() } : {}),
  };
  switch (kind) {
    case 'interactive':
      return { ...common, timeout: timeouts.interactiveMs, retryConfig: { retries: 0 } };
    case 'outbox':
      return { ...common, timeout: timeouts.outboxMs, retryConfig: { retries: 0 } };
    case 'files':
      return {
        ...common,
        timeout: timeouts.filesMs,
        retryConfig: { retries: 2, factor: 2, minTimeout: 500 },
      };
  }
}

export function createSlackClients(
  config: Pick<Config, 'slack'>,
  logger: Logger,
  timeouts: SlackClientTimeouts = DEFAULT_SLACK_TIMEOUTS,
): SlackClients {
  const connection = new SlackConnection(logger);
  const make = (kind: SlackClientKind) =>
    new WebClient(config.slack.botToken, slackClientOptions(config, logger, kind, timeouts, connection));
  // Each waits for its first call, and goes once nobody called it for a minute (the start's too).
  return {
    interactive: onFirstUse(() => make('interactive')),
    outbox: onFirstUse(() => make('outbox')),
    files: onFirstUse(() => make('files')),
    connection,
  };
}

/**
 * A WebClient built when it is first used, and let go once nobody called it for `keptMs`. Each one binds every Web API
 * method (about 280 functions, some 26 kB of heap), and an idle installation's only calls are its jobs' (an AE's
 * status once an hour while a window is open): a thousand of them held 26 MB of clients between those calls. A call
 * in flight keeps its own reference; pacing and rate-limit holds are the outbox's, not the client's.
 */
export function onFirstUse(
  make: () => WebClient,
  keep: { keptMs: number; timers: Timers } = { keptMs: CLIENT_KEPT_MS, timers: realTimers },
): WebClient {
  let client: WebClient | undefined;
  let lastUsed = 0;
  let release: TimerHandle | undefined;
  const letGo = () => {
    const idle = keep.timers.monotonic() - lastUsed;
    release = idle >= keep.keptMs ? undefined : keep.timers.setTimeout(letGo, keep.keptMs - idle);
    release?.unref?.();
    if (!release) client = undefined;
  };
  const real = () => {
    client ??= make();
    lastUsed = keep.timers.monotonic();
    if (!release) {
      release = keep.timers.setTimeout(letGo, keep.keptMs);
      release.unref?.();
    }
    return client;
  };
  return new Proxy(Object.create(WebClient.prototype) as WebClient, {
    get(_, property) {
      const target = real();
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (_, property, value) => Reflect.set(real(), property, value),
    has: (_, property) => Reflect.has(real(), property),
  });
}
