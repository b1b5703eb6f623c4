import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { refusalMessage } from '../../blocks/ephemerals.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';
import { decisionRefFromAction } from './handoffId.js';
import { refreshHomeIfThere } from './homeRefresh.js';

/** Accept: only the named AE, only while open; everything else gets a polite ephemeral. */
export function acceptAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    client,
    context,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    // Recorded before the ack (one fast local transaction, once the process's transactions before it committed): a
    // click Slack saw acknowledged is never lost, even if the process dies right after answering.
    const result = await deps.handoffs.decide({
      ...requestContext(body, deps),
      ...decisionRefFromAction(body),
      decision: 'accepted',
    });
    markSaved(context, SAVED.accept(result));
    await ack();
    // A redelivery of a click (X-Slack-Retry-Num) already got its answer the first time.
    if (result.kind !== 'recorded' && !context.retryNum)
      await deps.replies.ephemeral(body.response_url, refusalMessage(result), body.user.id);
    await refreshHomeIfThere(deps, body, { client, logger });
  };
}
