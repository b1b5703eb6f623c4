import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { commandReply } from '../../blocks/commandReplies.js';
import { helpReplies } from '../../blocks/helpRequest.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';

/** "I'll take it" on a partner-help request: the first internal clicker takes it; others hear who did. */
export function helpClaimAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    action,
    context,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const value = 'value' in action && typeof action.value === 'string' ? action.value : '';
    const requestId = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
    const result = await deps.helpRequests.claim(requestContext(body, deps), requestId);
    // A redelivery of a click (X-Slack-Retry-Num) already got its answer the first time.
    const reply = (text: string) =>
      context.retryNum ? undefined : deps.replies.ephemeral(body.response_url, text, body.user.id);
    if (result.kind === 'forbidden') await reply(commandReply.external());
    else if (result.kind === 'not_found') await reply(helpReplies.notFound());
    else if (result.kind === 'already_claimed') await reply(helpReplies.alreadyClaimed(result.request));
  };
}
