import type { AllMiddlewareArgs } from '@slack/bolt';
import type { PeriodKey } from '../domain/periods.js';
import type { HomeTab } from '../home/home.js';
import type { HandlerDeps } from './deps.js';

/** Publishes after newer figures, at most this many times: each promises the next only if yet newer ones are due. */
const MAX_REPUBLISHES = 3;

/**
 * Publishes a person's App Home. When newer metrics are due, they are computed in the background once the tab is
 * shown, and the tab is published again when they are ready (again, if that tab still promises newer figures),
 * with the hash of the publish before: if the person changed the tab in the meantime (another period, a click),
 * Slack refuses the stale one (`hash_conflict`) and the newer tab stays.
 */
export async function publishHome(
  deps: HandlerDeps,
  { client, logger }: Pick<AllMiddlewareArgs, 'client' | 'logger'>,
  userId: string,
  period?: PeriodKey,
): Promise<void> {
  // The changes this Home has been asked to show so far: one that lands while it is rendered is published after it.
  const asked = await deps.homeAsked(userId);
  const tab = await deps.home(userId, period);
  const published = await client.views.publish({ user_id: userId, view: tab.view });
  // Remembered, so later changes to a handoff this Home shows publish it again (with this hash).
  await deps.homeShown(userId, published.view?.hash ?? null, period, asked);
  if (!tab.refresh) return;
  deps.background(async (stopping) => {
    try {
      await republish(tab, published.view?.hash, MAX_REPUBLISHES, stopping);
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === 'hash_conflict') logger.debug('App Home changed before its newer metrics were ready');
      else logger.warn(`views.publish with newer metrics failed: ${String(error)}`);
    }
  });

  async function republish(
    shown: HomeTab,
    hash: string | undefined,
    left: number,
    stopping: () => boolean,
  ): Promise<void> {
    await shown.refresh?.();
    if (stopping()) return;
    const next = await deps.home(userId, period);
    // The last one allowed is published as it is: its "newer figures" line is then only a hint to reopen.
    const result = await client.views.publish({
      user_id: userId,
      view: next.view,
      ...(hash ? { hash } : {}),
    });
    await deps.homeShown(userId, result.view?.hash ?? null, period);
    if (next.refresh && left > 1) await republish(next, result.view?.hash, left - 1, stopping);
  }
}
