import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { commandReply } from '../../blocks/commandReplies.js';
import { handoffViewModal } from '../../blocks/handoffList.js';
import type { RequestContext } from '../../core/requestContext.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { buttonModal } from './buttonModal.js';
import { handoffIdFromAction } from './handoffId.js';

/**
 * The view modal of a handoff for this person (undefined: not one they may view): the packet as its AE sees it, its
 * history, Edit or Note to the AE where they may use one now, and Follow or Unfollow.
 */
export async function viewModalOf(
  deps: HandlerDeps,
  ctx: RequestContext,
  handoffId: number,
): Promise<ModalView | undefined> {
  const found = await deps.lookup.view(ctx, handoffId);
  if (found.kind === 'not_found') return undefined;
  const may = {
    editable: deps.editable(ctx, found.handoff),
    notable: (await deps.edits.notable(ctx, found.handoff.id)).kind === 'ok',
    following: await deps.followers.followingOf(ctx.actor.userId, found.handoff),
  };
  return handoffViewModal(found.handoff, found.packet, found.history, may);
}

/** View (from `/handoff list` or the App Home): the packet as the AE sees it, with its history, in a modal. */
export function viewAction(deps: HandlerDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'a handoff view');
    const handoffId = handoffIdFromAction(args.body);
    const modal = await viewModalOf(deps, requestContext(args.body, deps), handoffId);
    if (!modal) return reply(commandReply.notFound(handoffId));
    await open(modal);
  };
}
