import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';

/**
 * Another organization joined a channel (Slack Connect): a partner channel shared beyond its partner is held, an
 * internal channel the app posts to is switched off. A retried delivery re-checks the same channel: harmless. The
 * event's time goes with it: an event delivered after a newer one about the same organization changes nothing.
 */
export function channelShared(deps: HandlerDeps) {
  return async ({ event, logger }: SlackEventMiddlewareArgs<'channel_shared'> & AllMiddlewareArgs) => {
    logger.info(`channel ${event.channel} shared with ${event.connected_team_id}`);
    await deps.partners.sharingChanged(event.channel, {
      joined: event.connected_team_id,
      at: event.event_ts,
    });
  };
}

/** An organization left a channel: a held partner channel is released once Slack's answer shows only its partner. */
export function channelUnshared(deps: HandlerDeps) {
  return async ({ event, logger }: SlackEventMiddlewareArgs<'channel_unshared'> & AllMiddlewareArgs) => {
    logger.info(`channel ${event.channel} no longer shared with ${event.previously_connected_team_id}`);
    await deps.partners.sharingChanged(event.channel, {
      left: event.previously_connected_team_id,
      stillShared: event.is_ext_shared,
      at: event.event_ts,
    });
  };
}
