import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ephemeral } from '../../blocks/ephemerals.js';
import { stepDateModal, stepRefusal } from '../../blocks/stepChecks.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { handoffIdFromAction } from './handoffId.js';

/** New date (issue 51): the AE's date picker for their first step, while it is ahead; anyone else is refused at once. */
export function newStepDateAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    client,
    context,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    const checked = await deps.firstSteps.checkNewDate({
      ...requestContext(body, deps),
      handoffId: handoffIdFromAction(body),
    });
    await ack();
    if (context.retryNum) return;
    if (checked.kind !== 'ok') {
      await deps.replies.ephemeral(body.response_url, stepRefusal(checked), body.user.id);
      return;
    }
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: stepDateModal(checked.handoff, checked.suggested),
      });
    } catch (error) {
      logger.warn(`views.open for a new step date failed: ${String(error)}`);
      await deps.replies.ephemeral(body.response_url, ephemeral.modalFailed(error), body.user.id);
    }
  };
}
