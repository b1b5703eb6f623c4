import { WebAPIPlatformError, type WebClient } from '@slack/web-api';

/** Slack's answers that say "not now" rather than "no": a retry can get past them. */
export const SLACK_NOT_NOW = new Set([
  'fatal_error',
  'internal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

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

/** The workspace (and Enterprise Grid org) the app is installed in, and the bot's ids, as auth.test reports them. */
export interface InstalledWorkspace {
  readonly teamId: string | undefined;
  readonly enterpriseId: string | undefined;
  readonly botUserId?: string | undefined;
  readonly botId?: string | undefined;
  /** The app's id, when auth.test gives it: a request naming another app is not ours (handlers/installation.ts). */
  readonly appId?: string | undefined;
  /** Installed org-wide on Enterprise Grid: the token serves every workspace of the org it is added to. */
  readonly isEnterpriseInstall?: boolean;
}

/**
 * Verifies the bot token (auth.test) before taking requests, so a wrong token stops the start with a clear message (a
 * Slack hiccup is retried by the start: startupRetry.ts `patiently`). Bolt is then given this identity (its
 * `authorize`), so it never caches a failed auth.test of its own.
 */
export async function verifySlackAuth(client: WebClient): Promise<InstalledWorkspace> {
  try {
    const identity = await client.auth.test();
    // An org-wide token names its org, not a workspace: its team is whichever workspace a request comes from.
    const orgWide = identity.is_enterprise_install === true && Boolean(identity.enterprise_id);
    return {
      teamId: orgWide ? undefined : identity.team_id,
      ...(orgWide ? { isEnterpriseInstall: true } : {}),
      enterpriseId: identity.enterprise_id,
      botUserId: identity.user_id,
      botId: identity.bot_id,
      ...(identity.app_id ? { appId: identity.app_id } : {}),
    };
  } catch (error) {
    if (error instanceof WebAPIPlatformError && FATAL_AUTH_ERRORS.has(error.data.error))
      throw new SlackAuthError(error.data.error);
    throw error;
  }
}
