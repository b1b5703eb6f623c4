import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { homePeriodFrom, withExportNotice } from '../../blocks/appHome.js';
import { slackDate } from '../../blocks/mrkdwn.js';
import { exportReplies } from '../../blocks/revopsReplies.js';
import { isPeriodKey, PERIODS, type PeriodKey } from '../../domain/periods.js';
import { EXPORT_MAX_ROWS } from '../../revops/exports.js';
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

/**
 * "Export touch log (CSV)" in RevOps' App Home: the chosen period, uploaded to their DM. The Home cannot take an
 * ephemeral message, so the click is answered on the tab: at once a line under the button says the CSV is being
 * prepared and where it will go, and once Slack has it, that it was sent to the DM, when, and how many rows. The
 * second publish carries the first one's hash: if the person changed the tab meanwhile, theirs stays (the DM still
 * arrives, with its own message).
 */
export function homeExportAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    action,
    client,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const value = action.type === 'button' ? action.value : undefined;
    const period = isPeriodKey(value) ? value : '30d';
    const userId = body.user.id;
    const started = await deps.exports.sendToUser(
      requestContext(body, deps),
      deps.exports.lastDays(PERIODS[period].days),
    );
    if (started.kind === 'forbidden')
      await deps.replies.ephemeral(undefined, exportReplies.forbidden(), userId);
    if (started.kind === 'too_large')
      await deps.replies.ephemeral(undefined, exportReplies.tooLarge(started.rows, EXPORT_MAX_ROWS), userId);
    if (started.kind !== 'started' || body.view?.type !== 'home') return;

    const shownPeriod = homePeriodFrom(body.view.private_metadata) ?? period;
    const publishWith = async (text: string, hash?: string) => {
      const tab = await deps.home(userId, shownPeriod);
      const published = await client.views.publish({
        user_id: userId,
        view: withExportNotice(tab.view, text),
        ...(hash ? { hash } : {}),
      });
      const newHash = published.view?.hash ?? null;
      await deps.homeShown(userId, newHash, shownPeriod);
      return newHash ?? undefined;
    };
    let hash: string | undefined;
    try {
      hash = await publishWith(exportReplies.homePreparing(PERIODS[period].label));
    } catch (error) {
      logger.warn(`views.publish of the export notice failed: ${String(error)}`);
    }
    const delivery = await started.done;
    const text =
      delivery.kind === 'sent'
        ? exportReplies.homeSent(delivery.rows, slackDate(delivery.at, 'UTC'))
        : exportReplies.homeFailed();
    try {
      await publishWith(text, hash);
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === 'hash_conflict') logger.debug('App Home changed before the export was sent');
      else logger.warn(`views.publish of the export notice failed: ${String(error)}`);
    }
  };
}
