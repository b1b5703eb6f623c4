import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ephemeral, ownerRefusalMessage } from '../../blocks/ephemerals.js';
import { extendModal, reassignModal } from '../../blocks/ownerActions.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';
import { handoffIdFromAction, handoffRefFromAction } from './handoffId.js';
import { refreshHomeIfThere } from './homeRefresh.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** Reassign and Extend: check the clicker may, then open the modal while the trigger is fresh. */
export function ownerModalButton(deps: HandlerDeps, action: 'reassign' | 'extend') {
  return async ({ ack, body, client, logger }: Args) => {
    await ack();
    const checked = await deps.ownerActions.check(
      { ...requestContext(body, deps), handoffId: handoffIdFromAction(body) },
      action,
    );
    if (checked.kind !== 'ok') {
      await deps.replies.ephemeral(body.response_url, ownerRefusalMessage(checked), body.user.id);
      return;
    }
    const h = checked.handoff;
    // The AE's cover, when they named one that is still in force, is who the owner most likely wants.
    const cover = action === 'reassign' ? await deps.covers.activeFor(h.aeUserId, h.aeTimeZone) : undefined;
    const view = action === 'reassign' ? reassignModal(h, cover?.coverUserId) : extendModal(h);
    try {
      await client.views.open({ trigger_id: body.trigger_id, view });
    } catch (error) {
      logger.warn(`views.open for ${action} failed: ${String(error)}`);
      await deps.replies.ephemeral(body.response_url, ephemeral.modalFailed(error), body.user.id);
    }
  };
}

/** Withdraw (the button carries Slack's confirm dialog): done at once, or refused with an ephemeral. */
export function withdrawButton(deps: HandlerDeps) {
  return async ({ ack, body, client, context, logger }: Args) => {
    // Recorded before the ack, like Accept: a click Slack saw acknowledged survives a crash right after.
    const result = await deps.ownerActions.withdraw({
      ...requestContext(body, deps),
      ...handoffRefFromAction(body),
    });
    markSaved(context, SAVED.withdraw(result));
    await ack();
    if (result.kind !== 'done' && result.kind !== 'invalid') {
      await deps.replies.ephemeral(body.response_url, ownerRefusalMessage(result), body.user.id);
    }
    await refreshHomeIfThere(deps, body, { client, logger });
  };
}
