/**
 * Slack's error words that the app acts on, read from a Web API error. Pure: the renderers read them to say why an
 * action failed, the health check and the outbox to stop calling with a token Slack refuses.
 */

/** Slack answers that mean the bot token itself is no good (revoked, uninstalled, wrong): no retry can fix them. */
export const SLACK_AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

/** The Slack error code of a Web API error (`data.error`), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}
