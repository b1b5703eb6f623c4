import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';

/**
 * Someone invited the app to a channel: what waited there (partner updates, posts held since it was removed) goes
 * out now.
 */
export function memberJoinedChannel(deps: HandlerDeps) {
  return async ({ event, logger }: SlackEventMiddlewareArgs<'member_joined_channel'> & AllMiddlewareArgs) => {
    if (!deps.startup.workspace.botUserId || event.user !== deps.startup.workspace.botUserId) return;
    const woken = await deps.channelJoined(event.channel);
    if (woken > 0) logger.info(`invited to ${event.channel}: ${woken} waiting update(s) released`);
  };
}
