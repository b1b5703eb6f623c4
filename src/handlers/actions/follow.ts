import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { commandReply } from '../../blocks/commandReplies.js';
import { followReplies } from '../../blocks/following.js';
import type { FollowChoice } from '../../domain/following.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { handoffIdFromAction } from './handoffId.js';
import { viewModalOf } from './viewHandoff.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * Follow, Follow decisions only, and Unfollow on a handoff's view modal: the choice is stored for
 * whoever may view the handoff, and the modal is shown again with it. Anyone else is told so, and nothing is stored.
 */
export function followAction(deps: HandlerDeps, choice: FollowChoice | 'unfollow') {
  return async (args: ButtonArgs) => {
    await args.ack();
    const { body, client, logger } = args;
    const reply = (text: string) => deps.replies.ephemeral(body.response_url, text, body.user.id);
    const handoffId = handoffIdFromAction(body);
    const ctx = requestContext(body, deps);
    const result =
      choice === 'unfollow'
        ? await deps.followers.unfollow(ctx, handoffId)
        : await deps.followers.follow(ctx, handoffId, choice);
    if (result.kind === 'external') return reply(followReplies.external());
    if (result.kind === 'not_found') return reply(commandReply.notFound(handoffId));
    const view = body.view;
    // From the view modal: the same modal, with what they follow now; anywhere else, a line saying it.
    if (view?.type !== 'modal') return reply(followReplies.done(handoffId, result.following));
    const modal = await viewModalOf(deps, ctx, handoffId);
    if (!modal) return reply(commandReply.notFound(handoffId));
    try {
      await client.views.update({ view_id: view.id, hash: view.hash, view: modal });
    } catch (error) {
      // A stale hash (the modal changed meanwhile) or a closed modal: the choice is stored all the same.
      logger.warn(`views.update after a follow failed: ${String(error)}`);
      await reply(followReplies.done(handoffId, result.following));
    }
  };
}
