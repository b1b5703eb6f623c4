import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { noteRefusal } from '../../blocks/commandReplies.js';
import { noteSentModal } from '../../blocks/handoffList.js';
import { ACTION_ID, NOTE_BLOCK_ID, NOTE_MAX } from '../../blocks/ids.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';

/** Sending the note: a reply under the AE's packet, in the touch log; refused inline if no longer possible. */
export function noteSubmit(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    context,
    view,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
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
    const result = await deps.edits.addNote(requestContext(body, deps), {
      handoffId,
      text: text.slice(0, NOTE_MAX),
      viewId: view.id,
    });
    markSaved(context, SAVED.note(result));
    if (result.kind !== 'noted') {
      await ack({ response_action: 'errors', errors: { [NOTE_BLOCK_ID]: noteRefusal(result, handoffId) } });
      return;
    }
    await ack({ response_action: 'update', view: noteSentModal(result.handoff) });
  };
}
