import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { stepDateModal, stepRefusal } from '../../blocks/stepChecks.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { buttonModal } from './buttonModal.js';
import { handoffIdFromAction } from './handoffId.js';

/** New date: the AE's date picker for their first step, while it is ahead; anyone else is refused at once. */
export function newStepDateAction(deps: HandlerDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    const { ack, body, context } = args;
    const checked = await deps.firstSteps.checkNewDate({
      ...requestContext(body, deps),
      handoffId: handoffIdFromAction(body),
    });
    await ack();
    if (context.retryNum) return;
    const { reply, open } = buttonModal(deps, args, 'a new step date');
    if (checked.kind !== 'ok') await reply(stepRefusal(checked));
    else await open(stepDateModal(checked.handoff, checked.suggested));
  };
}
