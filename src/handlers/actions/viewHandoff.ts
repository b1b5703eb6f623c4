import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { commandReply } from '../../blocks/commandReplies.js';
import { ephemeral } from '../../blocks/ephemerals.js';
import { handoffViewModal } from '../../blocks/handoffList.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { handoffIdFromAction } from './handoffId.js';

/** View (from `/handoff list` or the App Home): the packet as the AE sees it, with its history, in a modal. */
export function viewAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    client,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const handoffId = handoffIdFromAction(body);
    const found = deps.lookup.view(requestContext(body, deps), handoffId);
    if (found.kind === 'not_found') {
      deps.replies.ephemeral(body.response_url, commandReply.notFound(handoffId), body.user.id);
      return;
    }
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: handoffViewModal(found.handoff, found.packet, found.history),
      });
    } catch (error) {
      logger.warn(`views.open for a handoff view failed: ${String(error)}`);
      deps.replies.ephemeral(body.response_url, ephemeral.modalFailed(error), body.user.id);
    }
  };
}
