import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import { slackErrorCode } from '../domain/slackErrors.js';
import { type Logger, slackLogger } from '../logger.js';

/**
 * An event in a channel several installations of the app can see (a Slack Connect channel between two workspaces
 * that both installed it) reaches the app once, naming one installation in `authorizations`. Slack keeps
 * the others behind `apps.event.authorizations.list`, which takes the event's `event_context` and an app-level token
 * with `authorizations:read` (SLACK_AUTHORIZATIONS_TOKEN):
 * https://docs.slack.dev/reference/methods/apps.event.authorizations.list
 */

/** One installation an event is visible to, as Slack lists it. */
export interface EventAuthorization {
  team_id?: string | null;
  enterprise_id?: string | null;
  user_id?: string;
  is_bot?: boolean;
  is_enterprise_install?: boolean;
}

export interface EventAuthorizations {
  /** Every installation the event of this `event_context` is visible to (all of Slack's pages). */
  list(eventContext: string): Promise<EventAuthorization[]>;
}

/** The `event_context` of an Events API delivery in a channel shared with another organization, or undefined. */
export function sharedEventContext(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { type?: unknown; is_ext_shared_channel?: unknown; event_context?: unknown };
  if (b.type !== 'event_callback' || b.is_ext_shared_channel !== true) return undefined;
  return typeof b.event_context === 'string' && b.event_context.length > 0 ? b.event_context : undefined;
}

/** The app-level token's client: Slack's base URL, a short timeout, two retries (the event was acknowledged). */
function clientFor(config: Pick<Config, 'slack'>, token: string, logger: Logger): WebClient {
  return new WebClient(token, {
    slackApiUrl: config.slack.apiUrl,
    timeout: 5000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500 },
    logger: slackLogger(logger, 'authorizations-client'),
  });
}

/** The lister of an OAuth install with SLACK_AUTHORIZATIONS_TOKEN set; undefined without the token. */
export function createEventAuthorizations(
  config: Pick<Config, 'slack'>,
  logger: Logger,
): EventAuthorizations | undefined {
  const token = config.slack.authorizationsToken;
  if (!token) return undefined;
  const client = clientFor(config, token, logger);
  return {
    async list(eventContext) {
      const found: EventAuthorization[] = [];
      for await (const page of client.paginate('apps.event.authorizations.list', {
        event_context: eventContext,
        limit: 100,
      }))
        found.push(...((page as { authorizations?: EventAuthorization[] }).authorizations ?? []));
      return found;
    },
  };
}

/**
 * Whether Slack accepts the token for this method, asked with an event context no event has: a token that may call
 * it is told `invalid_event_context`. Returns undefined when accepted, else Slack's error code (or the failure's
 * message when Slack could not be reached).
 */
export async function authorizationsTokenRefusal(
  config: Pick<Config, 'slack'>,
  token: string,
  logger: Logger,
): Promise<string | undefined> {
  try {
    await clientFor(config, token, logger).apiCall('apps.event.authorizations.list', {
      event_context: 'doctor-probe',
    });
    return undefined;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'invalid_event_context') return undefined;
    return code ?? (error instanceof Error ? error.message : String(error));
  }
}
