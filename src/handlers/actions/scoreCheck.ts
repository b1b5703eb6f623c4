import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { scoreCheckModal, scoreWeightsModal } from '../../blocks/scoreCheck.js';
import { DEFAULT_SCORE_PERIOD, isScorePeriod } from '../../domain/scoreOutcomes.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { buttonModal } from './buttonModal.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The refusals of the score view and its weights (told by DM: the App Home and a modal have no response_url). */
export const SCORE_REFUSALS = {
  view: 'Only RevOps and the program’s admins can open the score against outcomes.',
  weights: 'Only RevOps and the program’s admins can change the score’s weights.',
} as const;

/** App Home → "Score against outcomes": the score view over the last 90 days, for RevOps and admins. */
export function scoreCheckAction(deps: HandlerDeps) {
  return async (args: Args) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'the score against outcomes');
    const shown = await deps.scoreCheck.view(requestContext(args.body, deps), DEFAULT_SCORE_PERIOD);
    if (shown.kind !== 'done') return reply(SCORE_REFUSALS.view);
    await open(scoreCheckModal(shown.value));
  };
}

/** The score view's period: the view again over the one picked (checked again: a pick can be forged). */
export function scoreCheckPeriodAction(deps: HandlerDeps) {
  return async ({ ack, body, action, client, logger }: Args) => {
    await ack();
    const picked = action.type === 'static_select' ? action.selected_option?.value : undefined;
    const view = body.view;
    if (!isScorePeriod(picked) || view?.type !== 'modal') return;
    const shown = await deps.scoreCheck.view(requestContext(body, deps), picked);
    if (shown.kind !== 'done') {
      await deps.replies.ephemeral(undefined, SCORE_REFUSALS.view, body.user.id);
      return;
    }
    await client.views
      .update({ view_id: view.id, hash: view.hash, view: scoreCheckModal(shown.value) })
      .catch((error: unknown) => logger.warn(`The score view over another period: ${String(error)}`));
  };
}

/** The score view's "Weights": the editor, pushed on the view, for RevOps and admins. */
export function scoreWeightsAction(deps: HandlerDeps) {
  return async (args: Args) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'the score’s weights');
    const weights = deps.scoreCheck.weights(requestContext(args.body, deps));
    if (weights.kind !== 'done') return reply(SCORE_REFUSALS.weights);
    await open(scoreWeightsModal(weights.value));
  };
}
