import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  type WebClient,
} from '@slack/web-api';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { PolicyBook } from './domain/policyFile.js';
import { SealError } from './install/seal.js';
import type { Logger } from './logger.js';
import type { Settings } from './program/settings.js';
import type { Timers } from './runtime/timers.js';
import { SLACK_NOT_NOW } from './slackAuth.js';
import { resolveStartup, type Startup } from './startup.js';

/** The first wait after a failed start-up check, doubled each time up to the longest (then every 30 s). */
export const FIRST_RETRY_MS = 1_000;
export const LONGEST_RETRY_MS = 30_000;

/**
 * The start gave up waiting for Slack (STARTUP_WAIT_SECONDS): what it waited for, and what to check. `npm start`
 * prints it and exits 1; systemd (deploy/cosell-handoff.service) starts the app again after RestartSec.
 */
export class StartupGaveUpError extends Error {
  constructor(why: string, waitedMs: number, apiUrl: string, waitSeconds: number) {
    const host = hostOf(apiUrl);
    super(
      `Slack could not be reached for ${Math.round(waitedMs / 1000)} s at start (last: ${why}), so the app did not start. Check this machine's network, DNS and any proxy to ${host} (curl -sI ${apiUrl.replace(/\/\/[^@/]*@/, '//')}auth.test answers when Slack is reachable), SLACK_API_URL (unset it for Slack itself), and Slack's status (https://slack-status.com). The start waits STARTUP_WAIT_SECONDS (${waitSeconds}) before giving up; under systemd the unit starts it again.`,
    );
    this.name = 'StartupGaveUpError';
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'Slack';
  }
}

/** Why a start-up check failed for now (a retry may pass), or undefined when no retry can fix it. */
export function passingReason(error: unknown): string | undefined {
  // A stored token that no key opens: no retry opens it (install/seal.ts).
  if (error instanceof WebAPIRequestError && error.original instanceof SealError) return undefined;
  if (error instanceof WebAPIRequestError) {
    const cause = (error.original as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : error.original.message;
    return `Slack could not be reached (${code})`;
  }
  if (error instanceof WebAPIHTTPError && (error.statusCode >= 500 || error.statusCode === 408))
    return `Slack answered HTTP ${error.statusCode}`;
  if (error instanceof WebAPIRateLimitedError) return 'Slack rate-limited a start-up check';
  if (error instanceof WebAPIPlatformError && SLACK_NOT_NOW.has(error.data.error))
    return `Slack answered ${error.data.error}`;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'slack_webapi_request_error' || code === 'ETIMEDOUT') return 'Slack did not answer in time';
  return undefined;
}

const sleep = (timers: Timers, ms: number) =>
  new Promise<void>((resolve) => {
    timers.setTimeout(resolve, ms);
  });

/** How a start check waits while Slack cannot be reached. */
export interface Patience {
  config: Config;
  logger: Logger;
  timers: Timers;
  onWaiting?: ((reason: string) => void) | undefined;
}

/**
 * A start check (auth.test, the internal channels), retried while Slack cannot be reached: after 1 s, then 2, 4 … up
 * to every 30 s, for at most STARTUP_WAIT_SECONDS (`config.startupWaitMs`) of `timers`' time. Each wait is logged
 * and told to `onWaiting` (the status server's /healthz says it). A refusal no retry can fix (a token Slack rejects,
 * a bad policy file) is thrown at once; running out of time throws StartupGaveUpError, saying what to check.
 */
export async function patiently<T>(deps: Patience, check: () => Promise<T>): Promise<T> {
  const { config, logger, timers } = deps;
  const began = timers.monotonic();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await check();
    } catch (error) {
      const why = passingReason(error);
      if (why === undefined) throw error;
      const waited = timers.monotonic() - began;
      const delayMs = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
      if (waited + delayMs > config.startupWaitMs)
        throw new StartupGaveUpError(why, waited, config.slack.apiUrl, config.startupWaitMs / 1000);
      const reason = `${why}: checking again in ${delayMs / 1000} s (attempt ${attempt + 1}; the start gives up after ${config.startupWaitMs / 1000} s)`;
      logger.warn({ attempt, retryInMs: delayMs, err: error }, `start-up check failed: ${reason}`);
      deps.onWaiting?.(`waiting for Slack: ${reason}`);
      await sleep(timers, delayMs);
    }
  }
}

/** resolveStartup, retried while Slack cannot be reached (`patiently`). */
export function resolveStartupPatiently(
  deps: Patience & {
    settings: Settings;
    client: WebClient;
    clock: Clock;
    book?: PolicyBook | undefined;
  },
): Promise<Startup> {
  return patiently(deps, () => resolveStartup(deps));
}
