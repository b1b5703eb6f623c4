import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { refusalMessage } from '../../blocks/ephemerals.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { handoffIdFromAction } from './handoffId.js';
import { refreshHomeIfThere } from './homeRefresh.js';

/** Accept: only the named AE, only while open; everything else gets a polite ephemeral. */
export function acceptAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    client,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    // Recorded before the ack (one fast local transaction): a click Slack saw acknowledged is never lost, even if
    // the process dies right after answering.
    const result = deps.handoffs.decide({
      ...requestContext(body, deps.config.internalTeamIds),
      handoffId: handoffIdFromAction(body),
      decision: 'accepted',
    });
    await ack();
    if (result.kind !== 'recorded')
      deps.replies.ephemeral(body.response_url, refusalMessage(result), body.user.id);
    await refreshHomeIfThere(deps, body, { client, logger });
  };
}
