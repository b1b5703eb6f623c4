import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { declineModal } from '../../blocks/declineModal.js';
import { ephemeral, refusalMessage } from '../../blocks/ephemerals.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { decisionRefFromAction } from './handoffId.js';

/** Decline: check the clicker may decide, then open the reason modal while the trigger is fresh. */
export function declineAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    client,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const check = await deps.handoffs.checkDecision({
      ...requestContext(body, deps),
      ...decisionRefFromAction(body),
    });
    if (check.kind !== 'open') {
      await deps.replies.ephemeral(body.response_url, refusalMessage(check), body.user.id);
      return;
    }
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: declineModal(check.handoff, { fromHome: body.view?.type === 'home' }),
      });
    } catch (error) {
      logger.warn(`views.open for decline failed: ${String(error)}`);
      await deps.replies.ephemeral(body.response_url, ephemeral.modalFailed(error), body.user.id);
    }
  };
}
