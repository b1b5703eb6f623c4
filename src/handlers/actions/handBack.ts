import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { mention } from '../../blocks/mrkdwn.js';
import { handBackRefusal } from '../../blocks/stepChecks.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { handoffRefFromAction } from './handoffId.js';
import { refreshHomeIfThere } from './homeRefresh.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * Hand it back (the button carries Slack's confirm dialog): recorded before the ack, like Withdraw, then the
 * AE is told where it went; a refusal says why. The messages showing the deal lose its buttons with the refresh.
 */
export function handBackAction(deps: HandlerDeps) {
  return async ({ ack, body, client, context, logger }: Args) => {
    const result = await deps.firstSteps.handBack({
      ...requestContext(body, deps),
      ...handoffRefFromAction(body),
    });
    await ack();
    if (context.retryNum) return;
    const text =
      result.kind === 'done'
        ? `Handed back: ${mention(result.handoff.ownerUserId)} (the owner) decides who takes handoff #${result.handoff.id} next. The partner is not told; they hear of the next AE when that AE accepts.`
        : handBackRefusal(result);
    await deps.replies.ephemeral(body.response_url, text, body.user.id);
    await refreshHomeIfThere(deps, body, { client, logger });
  };
}
