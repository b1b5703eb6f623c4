import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { addRefusalText, addReplies, messageAddedModal } from '../../blocks/addToHandoff.js';
import { ACTION_ID, ADD_TO_HANDOFF_BLOCK_ID } from '../../blocks/ids.js';
import { SAVED } from '../../blocks/savedNotes.js';
import type { HandoffRow } from '../../db/schema.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';
import { type AddedMessage, decodeAddedMessage } from '../shortcuts/addToHandoff.js';

const refuse = (text: string) => ({
  response_action: 'errors' as const,
  errors: { [ADD_TO_HANDOFF_BLOCK_ID]: text },
});

/**
 * After the answer: the message marked with :memo: (not in a shared channel, where the partner would see it). Where
 * the app cannot (it is not in the conversation), the person is told, only them, that the attachment itself went
 * through.
 */
function markAfterwards(deps: HandlerDeps, h: HandoffRow, message: AddedMessage, userId: string): void {
  deps.background(async () => {
    const marked = await deps.messageLinks.react(message);
    if (marked === 'reacted' || marked === 'shared') return;
    const reply = addReplies.notMarked(h, marked);
    await deps.replies.ephemeral(message.responseUrl, reply.text, userId, reply.blocks);
  });
}

/**
 * Add on the "Add to handoff" modal: the pick checked again on the server (who may add to that handoff, and whether
 * it is still open), then the message added; a refusal shows under the select and stores nothing.
 */
export function addToHandoffSubmit(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    context,
    view,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const message = decodeAddedMessage(view.private_metadata);
    if (!message) {
      await ack(refuse(addRefusalText('stale')));
      return;
    }
    const picked = view.state.values[ADD_TO_HANDOFF_BLOCK_ID]?.[ACTION_ID.value]?.selected_option?.value;
    if (typeof picked !== 'string' || !/^\d{1,15}$/.test(picked)) {
      await ack(refuse(addRefusalText('none_picked')));
      return;
    }
    const handoffId = Number(picked);
    const result = await deps.messageLinks.add(requestContext(body, deps), { handoffId, message });
    markSaved(context, SAVED.addToHandoff(result));
    if (result.kind === 'refused') {
      await ack(refuse(addRefusalText(result.refusal, handoffId)));
      return;
    }
    await ack({
      response_action: 'update',
      view: messageAddedModal(result.handoff, { already: result.kind === 'already' }),
    });
    if (result.kind === 'added') markAfterwards(deps, result.handoff, message, body.user.id);
  };
}
