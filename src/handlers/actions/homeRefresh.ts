import type { AllMiddlewareArgs, BlockAction } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';

/** After a click in the App Home, show the new state there at once (Slack does not refresh it by itself). */
export async function refreshHomeIfThere(
  deps: HandlerDeps,
  body: BlockAction,
  { client, logger }: Pick<AllMiddlewareArgs, 'client' | 'logger'>,
): Promise<void> {
  if (body.view?.type !== 'home') return;
  await client.views
    .publish({ user_id: body.user.id, view: deps.home(body.user.id) })
    .catch((error: unknown) =>
      logger.warn(`views.publish after an App Home action failed: ${String(error)}`),
    );
}
