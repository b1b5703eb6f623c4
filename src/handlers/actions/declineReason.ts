import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { declineModal } from '../../blocks/declineModal.js';
import { ACTION_ID, CALLBACK_ID, DECLINE_BLOCK_ID } from '../../blocks/ids.js';
import { isDeclineReason } from '../../domain/decline.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { decisionMetadataFrom } from '../views/declineSubmit.js';

/**
 * A reason picked in the decline modal (its select dispatches each change): the modal updated in place with the
 * partner's words for that reason, the reason and the note typed so far kept. A handoff that can no longer be declined
 * is left as it is: Decline says why.
 */
export function declineReasonAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    client,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const view = body.view;
    const action = body.actions[0];
    const reason = action?.type === 'static_select' ? action.selected_option?.value : undefined;
    if (!view || view.callback_id !== CALLBACK_ID.decline || !isDeclineReason(reason)) return;
    const metadata = decisionMetadataFrom(view.private_metadata);
    const form = await deps.handoffs.declineForm(
      { ...requestContext(body, deps), handoffId: metadata.handoffId },
      reason,
    );
    if (form.kind !== 'open') return;
    const note = view.state.values[DECLINE_BLOCK_ID.note]?.[ACTION_ID.value]?.value ?? null;
    const kept = {
      handoffId: metadata.handoffId,
      ...(metadata.fromHome ? { fromHome: true } : {}),
      ...(metadata.editCount > 0 ? { editCount: metadata.editCount } : {}),
    };
    try {
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: declineModal(form.handoff, {
          metadata: kept,
          picked: { reason, note, partnerWords: form.partnerWords },
        }),
      });
    } catch (error) {
      // A newer pick updated it first (hash_conflict), or the modal was closed: that one stands.
      logger.warn(`views.update for the decline preview failed: ${String(error)}`);
    }
  };
}
