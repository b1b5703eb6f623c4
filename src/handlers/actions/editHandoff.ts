import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { editRefusal, noteRefusal } from '../../blocks/commandReplies.js';
import { noteModal } from '../../blocks/handoffList.js';
import { packetModal } from '../../blocks/packetModal.js';
import type { RequestContext } from '../../core/requestContext.js';
import { packetOf } from '../../packets/edits.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { buttonModal } from './buttonModal.js';
import { handoffIdFromAction } from './handoffId.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * Opens the packet of a sent handoff, prefilled, for its author, owner or an admin while the AE has not answered;
 * anyone else (or too late) is told why. `reply` says it where the person is.
 */
export async function openEdit(
  deps: HandlerDeps,
  ctx: RequestContext,
  handoffId: number,
  open: (view: ReturnType<typeof packetModal>) => Promise<void>,
  reply: (text: string) => Promise<void>,
): Promise<void> {
  const allowed = await deps.edits.editable(ctx, handoffId);
  // Someone who may not even view it is not told that it exists, nor who owns it.
  if (allowed.kind !== 'ok')
    return reply(
      editRefusal((await deps.lookup.visible(ctx, handoffId)) ? allowed : { kind: 'not_found' }, handoffId),
    );
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
  return async (args: ButtonArgs) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'an edit');
    await openEdit(deps, requestContext(args.body, deps), handoffIdFromAction(args.body), open, reply);
  };
}

/** Note to the AE (after their answer, instead of Edit): opens the note modal for who may write one. */
export function noteAction(deps: HandlerDeps) {
  return async (args: ButtonArgs) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'a note');
    const ctx = requestContext(args.body, deps);
    const handoffId = handoffIdFromAction(args.body);
    const allowed = await deps.edits.notable(ctx, handoffId);
    if (allowed.kind !== 'ok')
      return reply(
        noteRefusal((await deps.lookup.visible(ctx, handoffId)) ? allowed : { kind: 'not_found' }, handoffId),
      );
    await open(noteModal(allowed.handoff));
  };
}
