import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { editRefusal } from '../../blocks/commandReplies.js';
import { ephemeral } from '../../blocks/ephemerals.js';
import { packetModal } from '../../blocks/packetModal.js';
import { packetOf } from '../../services/edits.js';
import type { RequestContext } from '../../services/handoffs.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { handoffIdFromAction } from './handoffId.js';

/**
 * Opens the packet of a sent handoff, prefilled, for its author, owner or an admin while the AE has not answered;
 * anyone else (or too late) is told why. `reply` says it where the person is.
 */
export async function openEdit(
  deps: HandlerDeps,
  ctx: RequestContext,
  handoffId: number,
  open: (view: ReturnType<typeof packetModal>) => Promise<void>,
  reply: (text: string) => void,
): Promise<void> {
  const allowed = deps.edits.editable(ctx, handoffId);
  if (allowed.kind !== 'ok') {
    // Someone who may not even view it is not told that it exists, nor who owns it.
    const visible = deps.lookup.view(ctx, handoffId).kind === 'view';
    return reply(editRefusal(visible ? allowed : { kind: 'not_found' }, handoffId));
  }
  const h = allowed.handoff;
  await open(
    packetModal({
      authorUserId: h.authorUserId,
      prefill: packetOf(h),
      edit: { handoffId: h.id, editCount: h.editCount },
    }),
  );
}

/** Edit (on the author's confirmation, `/handoff list` and the App Home). */
export function editAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    client,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const reply = (text: string) => deps.replies.ephemeral(body.response_url, text, body.user.id);
    await openEdit(
      deps,
      requestContext(body, deps),
      handoffIdFromAction(body),
      async (view) => {
        try {
          await client.views.open({ trigger_id: body.trigger_id, view });
        } catch (error) {
          logger.warn(`views.open for an edit failed: ${String(error)}`);
          reply(ephemeral.modalFailed(error));
        }
      },
      reply,
    );
  };
}
