import type { AllMiddlewareArgs } from '@slack/bolt';
import type { PeriodKey } from '../services/metrics.js';
import type { HandlerDeps } from './deps.js';

/**
 * Publishes a person's App Home. When its metrics are being computed in the background, it is published again once
 * they are ready, with the hash of the first publish: if the person changed the tab in the meantime (another
 * period, a click), Slack refuses the stale one (`hash_conflict`) and the newer tab stays.
 */
export async function publishHome(
  deps: HandlerDeps,
  { client, logger }: Pick<AllMiddlewareArgs, 'client' | 'logger'>,
  userId: string,
  period?: PeriodKey,
): Promise<void> {
  const tab = await deps.home(userId, period);
  const published = await client.views.publish({ user_id: userId, view: tab.view });
  if (!tab.refreshing) return;
  const hash = published.view?.hash;
  void tab.refreshing
    .then(async () => {
      const next = await deps.home(userId, period);
      await client.views.publish({ user_id: userId, view: next.view, ...(hash ? { hash } : {}) });
    })
    .catch((error: unknown) => {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === 'hash_conflict') logger.debug('App Home changed before its newer metrics were ready');
      else logger.warn(`views.publish with newer metrics failed: ${String(error)}`);
    });
}
