import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';

/**
 * Someone removed the app from a channel (public: `channel_left`; private: `group_left`): what would go there waits
 * until it is invited back (core/channelAccess.ts, kept in the database). A second event for the same removal
 * changes nothing, also after a restart.
 */
export function channelLeft(deps: HandlerDeps) {
  return async ({
    event,
    logger,
  }: SlackEventMiddlewareArgs<'channel_left' | 'group_left'> & AllMiddlewareArgs) => {
    if (typeof event.channel !== 'string') return;
    // Who removed the app, as Slack names them (the admins' DM says so); a value of another shape names nobody.
    const actor: unknown = event.actor_id;
    const by = typeof actor === 'string' && /^[UW][A-Z0-9]{2,}$/.test(actor) ? actor : undefined;
    if (await deps.slackEvents.channelLeft(event.channel, by))
      logger.info(`removed from ${event.channel} by ${String(event.actor_id)}`);
  };
}
