import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { SCORE_WEIGHTS_NOTE_BLOCK_ID, scoreWeightBlockId } from '../../blocks/ids.js';
import { scoreCheckModal } from '../../blocks/scoreCheck.js';
import { DEFAULT_SCORE_PERIOD } from '../../domain/scoreOutcomes.js';
import { COMPONENTS, type ComponentId } from '../../domain/scoringModel.js';
import { SCORE_REFUSALS } from '../actions/scoreCheck.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Values = Args['view']['state']['values'];

/** An input's value as Slack sent it: a select's option value, a text's value; anything else as it came. */
function inputValue(values: Values, blockId: string): unknown {
  const input = (values?.[blockId] as Record<string, unknown> | undefined)?.value as
    | { selected_option?: { value?: unknown } | null; value?: unknown }
    | undefined;
  if (!input || typeof input !== 'object') return undefined;
  return 'selected_option' in input ? input.selected_option?.value : input.value;
}

const blockOf = (input: ComponentId | 'note') =>
  input === 'note' ? SCORE_WEIGHTS_NOTE_BLOCK_ID : scoreWeightBlockId(input);

/**
 * Saving the score's weights: inline errors on the select at fault; refused, the editor closes and they
 * are told by DM; saved, the editor closes on the score view, shown again with the weights in force.
 */
export function scoreWeightsSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view, client, logger }: Args) => {
    const values = view.state?.values;
    const note = inputValue(values, SCORE_WEIGHTS_NOTE_BLOCK_ID);
    const ctx = requestContext(body, deps);
    const saved = await deps.scoreCheck.saveWeights(ctx, {
      weights: Object.fromEntries(COMPONENTS.map((id) => [id, inputValue(values, scoreWeightBlockId(id))])),
      note: typeof note === 'string' ? note : undefined,
    });
    if (saved.kind === 'errors') {
      const errors = Object.entries(saved.errors).map(([input, message]) => [
        blockOf(input as ComponentId | 'note'),
        message,
      ]);
      await ack({ response_action: 'errors', errors: Object.fromEntries(errors) });
      return;
    }
    await ack();
    if (saved.kind === 'forbidden') {
      await deps.replies.ephemeral(undefined, `${SCORE_REFUSALS.weights} Nothing was saved.`, body.user.id);
      return;
    }
    // The score view under the editor shows the weights in force now.
    const under = typeof view.previous_view_id === 'string' ? view.previous_view_id : '';
    if (!under) return;
    const shown = await deps.scoreCheck.view(ctx, DEFAULT_SCORE_PERIOD);
    if (shown.kind !== 'done') return;
    await client.views
      .update({ view_id: under, view: scoreCheckModal(shown.value) })
      .catch((error: unknown) =>
        logger.warn(`The score view after its weights were saved: ${String(error)}`),
      );
  };
}
