import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { homePeriodFrom } from '../../blocks/appHome.js';
import type { HandlerDeps } from '../deps.js';
import { publishHome } from '../homeTab.js';

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
      await publishHome(deps, { client, logger }, event.user, period);
    } catch (error) {
      logger.warn(`views.publish for the App Home failed: ${String(error)}`);
    }
  };
}
