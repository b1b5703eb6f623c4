import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseSuggestionValue, usedFields, viewWithSuggestion } from '../../blocks/packetSuggestions.js';
import { isInternalActor } from '../../domain/actor.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { readPacketForm } from '../views/packetForm.js';

/**
 * A suggestion button in an open packet: the value of the author's last packet for the partner put
 * in its input, read again from that handoff (the clicker's own, else nothing happens), with views.update on the
 * view's hash so a click on an older version of the form changes nothing.
 */
export function packetSuggestAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    action,
    client,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const view = body.view;
    const picked = parseSuggestionValue('value' in action ? action.value : undefined);
    const ctx = requestContext(body, deps);
    if (view?.type !== 'modal' || !picked || !isInternalActor(ctx.actor, ctx.internalTeamIds)) return;
    // The account typed so far: a value naming another one is marked, and "Use all" leaves it out.
    const { accountName } = readPacketForm(view.state?.values ?? {});
    const account = typeof accountName === 'string' ? accountName : '';
    const s = await deps.packets.suggestionOf(body.user.id, picked.handoffId, account);
    if (!s) {
      logger.warn(`packet suggestion refused: handoff ${picked.handoffId} is not ${body.user.id}'s`);
      return;
    }
    const next = viewWithSuggestion(view, s, picked.pick, usedFields(view.blocks, s));
    try {
      await client.views.update({ view_id: view.id, hash: view.hash, view: next });
    } catch (error) {
      // A hash conflict: the form changed meanwhile (another click); the author clicks again on what they see.
      logger.warn(`views.update for a packet suggestion failed: ${String(error)}`);
    }
  };
}
