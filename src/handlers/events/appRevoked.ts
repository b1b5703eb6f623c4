import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';

/**
 * The app was uninstalled from the workspace: its bot token no longer works. Nothing more is sent (the outbox keeps
 * every message waiting), `/healthz` says so, and all data stays; logged as an error once (runtime/health.ts). Kept in
 * the database before the event is acknowledged (receiver.ts KEPT_BEFORE_ACK), so every process on it stops too
 * (runtime/revocations.ts).
 */
export function appUninstalled(deps: HandlerDeps) {
  return async (_args: SlackEventMiddlewareArgs<'app_uninstalled'> & AllMiddlewareArgs) => {
    await deps.slackEvents.revoked('app_uninstalled');
  };
}

/**
 * Tokens of the app were revoked: `tokens.bot` and `tokens.oauth` list the user ids whose bot or user tokens they
 * were. Only the bot token matters (the app has no user token): the same as an uninstall when it is among them.
 */
export function tokensRevoked(deps: HandlerDeps) {
  return async ({ event }: SlackEventMiddlewareArgs<'tokens_revoked'> & AllMiddlewareArgs) => {
    const bot: unknown = event.tokens?.bot;
    const ids = Array.isArray(bot) ? bot.filter((id): id is string => typeof id === 'string') : [];
    const botUserId = deps.startup.workspace.botUserId;
    // The app's one bot user; without its id (not learned at start), any bot token of this app is its own.
    if (ids.length > 0 && (!botUserId || ids.includes(botUserId)))
      await deps.slackEvents.revoked('tokens_revoked');
  };
}
