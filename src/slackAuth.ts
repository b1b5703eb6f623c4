import type { App } from '@slack/bolt';
import { WebAPIPlatformError } from '@slack/web-api';
import type { Logger } from './logger.js';

/** Slack answers that no retry can fix: the token itself is wrong. */
const FATAL_AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

export class SlackAuthError extends Error {
  constructor(code: string) {
    super(
      `Slack rejected SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page, and reinstall the app if it was uninstalled.`,
    );
    this.name = 'SlackAuthError';
  }
}

/**
 * Verifies the bot token (auth.test) before taking requests, so a wrong token stops the start with a clear
 * message, and a Slack hiccup at boot is retried instead of leaving Bolt with a failed, cached auth result.
 */
/** The workspace (and Enterprise Grid org) the app is installed in, as auth.test reports it. */
export interface InstalledWorkspace {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  botUserId?: string | undefined;
}

export async function initSlackAuth(app: App, logger: Logger, attempts = 6): Promise<InstalledWorkspace> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await app.init();
      const identity = await app.client.auth.test();
      return { teamId: identity.team_id, enterpriseId: identity.enterprise_id, botUserId: identity.user_id };
    } catch (error) {
      if (error instanceof WebAPIPlatformError && FATAL_AUTH_ERRORS.has(error.data.error)) {
        throw new SlackAuthError(error.data.error);
      }
      if (attempt >= attempts) throw error;
      const delayMs = 500 * 2 ** (attempt - 1);
      logger.warn(
        { attempt, retryInMs: delayMs, error: String(error) },
        'Slack auth.test failed at start; retrying',
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
