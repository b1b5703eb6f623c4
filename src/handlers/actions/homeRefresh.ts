import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { homePeriodFrom } from '../../blocks/appHome.js';
import { exportReplies } from '../../blocks/revopsReplies.js';
import { EXPORT_MAX_ROWS } from '../../services/exports.js';
import { isPeriodKey, PERIODS, type PeriodKey } from '../../services/metrics.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { publishHome } from '../homeTab.js';

/** After a click in the App Home, show the new state there at once (Slack does not refresh it by itself). */
export async function refreshHomeIfThere(
  deps: HandlerDeps,
  body: BlockAction,
  { client, logger }: Pick<AllMiddlewareArgs, 'client' | 'logger'>,
  period?: PeriodKey,
): Promise<void> {
  if (body.view?.type !== 'home') return;
  try {
    await publishHome(
      deps,
      { client, logger },
      body.user.id,
      period ?? homePeriodFrom(body.view.private_metadata),
    );
  } catch (error) {
    logger.warn(`views.publish after an App Home action failed: ${String(error)}`);
  }
}

/** RevOps pick the metrics period in the App Home. */
export function homePeriodAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    action,
    client,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const picked = action.type === 'static_select' ? action.selected_option?.value : undefined;
    await refreshHomeIfThere(deps, body, { client, logger }, isPeriodKey(picked) ? picked : undefined);
  };
}

/** "Export touch log (CSV)" in RevOps' App Home: the chosen period, uploaded to their DM. */
export function homeExportAction(deps: HandlerDeps) {
  return async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const value = action.type === 'button' ? action.value : undefined;
    const period = isPeriodKey(value) ? value : '30d';
    const started = deps.exports.sendToUser(
      requestContext(body, deps),
      deps.exports.lastDays(PERIODS[period].days),
    );
    if (started.kind === 'forbidden')
      deps.replies.ephemeral(undefined, exportReplies.forbidden(), body.user.id);
    if (started.kind === 'too_large')
      deps.replies.ephemeral(undefined, exportReplies.tooLarge(started.rows, EXPORT_MAX_ROWS), body.user.id);
  };
}
