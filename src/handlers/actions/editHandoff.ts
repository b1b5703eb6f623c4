import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { editRefusal, noteRefusal } from '../../blocks/commandReplies.js';
import { ephemeral } from '../../blocks/ephemerals.js';
import { noteModal } from '../../blocks/handoffList.js';
import { ACTION_ID, NOTE_BLOCK_ID, NOTE_MAX } from '../../blocks/ids.js';
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

/** Note to the AE (after their answer, instead of Edit): opens the note modal for who may write one. */
export function noteAction(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    client,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const ctx = requestContext(body, deps);
    const handoffId = handoffIdFromAction(body);
    const reply = (text: string) => deps.replies.ephemeral(body.response_url, text, body.user.id);
    const allowed = deps.edits.notable(ctx, handoffId);
    if (allowed.kind !== 'ok') {
      const visible = deps.lookup.view(ctx, handoffId).kind === 'view';
      return reply(noteRefusal(visible ? allowed : { kind: 'not_found' }, handoffId));
    }
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: noteModal(allowed.handoff) });
    } catch (error) {
      logger.warn(`views.open for a note failed: ${String(error)}`);
      reply(ephemeral.modalFailed(error));
    }
  };
}

/** Sending the note: a reply under the AE's packet, in the touch log; refused inline if no longer possible. */
export function noteSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const text = (view.state.values[NOTE_BLOCK_ID]?.[ACTION_ID.value]?.value ?? '').trim();
    if (!text) {
      await ack({ response_action: 'errors', errors: { [NOTE_BLOCK_ID]: 'Write the note first.' } });
      return;
    }
    let handoffId = Number.NaN;
    try {
      const parsed = JSON.parse(view.private_metadata) as { handoffId?: unknown };
      if (typeof parsed.handoffId === 'number') handoffId = parsed.handoffId;
    } catch {
      // Not ours: refused below as not found.
    }
    const result = deps.edits.addNote(requestContext(body, deps), {
      handoffId,
      text: text.slice(0, NOTE_MAX),
    });
    if (result.kind !== 'noted') {
      await ack({ response_action: 'errors', errors: { [NOTE_BLOCK_ID]: noteRefusal(result, handoffId) } });
      return;
    }
    await ack();
  };
}
