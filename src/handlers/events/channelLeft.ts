import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';

/**
 * Someone removed the app from a channel (public: `channel_left`; private: `group_left`): what would go there waits
 * until it is invited back (partners/channelAccess.ts, kept in the database). A second event for the same removal
 * changes nothing, also after a restart.
 */
export function channelLeft(deps: HandlerDeps) {
  return async ({
    event,
    logger,
  }: SlackEventMiddlewareArgs<'channel_left' | 'group_left'> & AllMiddlewareArgs) => {
    if (typeof event.channel !== 'string') return;
    if (deps.slackEvents.channelLeft(event.channel))
      logger.info(`removed from ${event.channel} by ${String(event.actor_id)}`);
  };
}
