import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { askRefusalPlain } from '../../blocks/askReplies.js';
import { answerSentModal, questionSentModal } from '../../blocks/asks.js';
import { ACTION_ID, ASK_BLOCK_ID } from '../../blocks/ids.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** A number the modal's metadata carries (NaN when it is not ours: refused as not found). */
function idFrom(privateMetadata: string, key: 'handoffId' | 'questionId'): number {
  try {
    const value = (JSON.parse(privateMetadata) as Record<string, unknown>)[key];
    return typeof value === 'number' ? value : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** What was typed in the modal's one input: a string, or nothing (a hand-made payload may send anything). */
function typed(view: Args['view'], block: string): string {
  const value: unknown = view.state.values[block]?.[ACTION_ID.value]?.value;
  return typeof value === 'string' ? value : '';
}

/** Send question: stored and sent to the author, or refused inline (the modal stays open with the text). */
export function questionSubmit(deps: HandlerDeps) {
  return async ({ ack, body, context, view }: Args) => {
    const result = await deps.asks.ask({
      ...requestContext(body, deps),
      handoffId: idFrom(view.private_metadata, 'handoffId'),
      text: typed(view, ASK_BLOCK_ID.question),
    });
    markSaved(context, SAVED.question(result));
    if (result.kind !== 'asked') {
      await ack({ response_action: 'errors', errors: { [ASK_BLOCK_ID.question]: askRefusalPlain(result) } });
      return;
    }
    await ack({ response_action: 'update', view: questionSentModal(result.handoff) });
  };
}

/** Send answer: stored, shown to the AE, and their clock running again; or refused inline. */
export function answerSubmit(deps: HandlerDeps) {
  return async ({ ack, body, context, view }: Args) => {
    const result = await deps.asks.answer({
      ...requestContext(body, deps),
      questionId: idFrom(view.private_metadata, 'questionId'),
      text: typed(view, ASK_BLOCK_ID.answer),
    });
    markSaved(context, SAVED.answer(result));
    if (result.kind !== 'answered') {
      await ack({ response_action: 'errors', errors: { [ASK_BLOCK_ID.answer]: askRefusalPlain(result) } });
      return;
    }
    await ack({ response_action: 'update', view: answerSentModal(result.handoff, result.question) });
  };
}
