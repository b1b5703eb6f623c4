import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ACTION_ID, STEP_DATE_BLOCK_ID } from '../../blocks/ids.js';
import { stepRefusal } from '../../blocks/stepChecks.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The modal's handoff, and the new dates it was opened with (NaN and undefined when it is not ours). */
function metadataFrom(privateMetadata: string): { handoffId: number; newDates: number | undefined } {
  try {
    const parsed = JSON.parse(privateMetadata) as { handoffId?: unknown; newDates?: unknown };
    return {
      handoffId: typeof parsed.handoffId === 'number' ? parsed.handoffId : Number.NaN,
      newDates: typeof parsed.newDates === 'number' ? parsed.newDates : undefined,
    };
  } catch {
    return { handoffId: Number.NaN, newDates: undefined };
  }
}

/** Save on New date: the step's date moved (inline errors keep the modal open), recorded before the ack. */
export function stepDateSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view }: Args) => {
    const picked: unknown = view.state.values[STEP_DATE_BLOCK_ID.due]?.[ACTION_ID.value]?.selected_date;
    // A deal accepted before first steps: the step's words too.
    const text: unknown = view.state.values[STEP_DATE_BLOCK_ID.text]?.[ACTION_ID.value]?.value;
    const metadata = metadataFrom(view.private_metadata);
    const result = await deps.firstSteps.newDate({
      ...requestContext(body, deps),
      handoffId: metadata.handoffId,
      ...(metadata.newDates === undefined ? {} : { shownNewDates: metadata.newDates }),
      due: typeof picked === 'string' ? picked : undefined,
      ...(typeof text === 'string' ? { text } : {}),
    });
    if (result.kind === 'moved') {
      await ack();
      return;
    }
    const message = result.kind === 'invalid' ? result.message : stepRefusal(result, true);
    const block =
      result.kind === 'invalid' && result.field === 'text' ? STEP_DATE_BLOCK_ID.text : STEP_DATE_BLOCK_ID.due;
    await ack({ response_action: 'errors', errors: { [block]: message } });
  };
}
