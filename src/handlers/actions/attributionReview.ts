import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { reviewDecisionModal } from '../../blocks/attributionItems.js';
import { commandReply } from '../../blocks/commandReplies.js';
import type { ReviewDecision } from '../../revops/attributionReviews.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { buttonModal } from './buttonModal.js';

/**
 * Keep and Change on a "Review attribution" item in RevOps' App Home: the modal that asks why. Anyone who
 * may not decide it (only RevOps and admins see the buttons; a forged click is refused) is told by DM.
 */
export function reviewDecisionAction(deps: HandlerDeps, decision: ReviewDecision) {
  return async (args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'review attribution');
    const value = args.action.type === 'button' ? args.action.value : undefined;
    const reviewId = /^\d{1,15}$/.test(value ?? '') ? Number(value) : Number.NaN;
    const found = await deps.revops.reviewItem(requestContext(args.body, deps), reviewId);
    if (found.kind !== 'done') {
      if (!args.context.retryNum)
        await reply(found.kind === 'forbidden' ? commandReply.forbidden('classify') : found.message);
      return;
    }
    const { handoff, review, evidence } = found.value;
    await open(reviewDecisionModal(handoff, review, evidence, decision));
  };
}
