import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { homePeriodFrom } from '../../blocks/appHome.js';
import type { HandlerDeps } from '../deps.js';

/** Publishes the person's App Home when they open it. A retried event just publishes the same view again. */
export function appHomeOpened(deps: HandlerDeps) {
  return async ({
    event,
    client,
    logger,
  }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    try {
      const period = homePeriodFrom(event.view?.private_metadata);
      await client.views.publish({ user_id: event.user, view: await deps.home(event.user, period) });
    } catch (error) {
      logger.warn(`views.publish for the App Home failed: ${String(error)}`);
    }
  };
}
