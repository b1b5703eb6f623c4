import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { askRefusalMessage } from '../../blocks/askReplies.js';
import { answerModal, questionModal } from '../../blocks/asks.js';
import { ephemeral, ownerRefusalMessage } from '../../blocks/ephemerals.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';
import { handoffIdFromAction } from './handoffId.js';
import { refreshHomeIfThere } from './homeRefresh.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * Before deciding: the AE's "Ask the author" and the author's "Answer" open their modal (checked first, so
 * a click that may not is refused at once), "Need more time" is the AE's one click, "Give N more days" the owner's.
 */

/** Ask the author: the AE's question modal, while they may still ask one. */
function askQuestionAction(deps: HandlerDeps) {
  return async ({ ack, body, client, logger }: Args) => {
    await ack();
    const checked = await deps.asks.check(
      { ...requestContext(body, deps), handoffId: handoffIdFromAction(body) },
      'ask_question',
    );
    if (checked.kind !== 'ok') {
      await deps.replies.ephemeral(body.response_url, askRefusalMessage(checked), body.user.id);
      return;
    }
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: questionModal(checked.handoff, deps.settings.get('questionPauseDays')),
      });
    } catch (error) {
      logger.warn(`views.open for a question failed: ${String(error)}`);
      await deps.replies.ephemeral(body.response_url, ephemeral.modalFailed(error), body.user.id);
    }
  };
}

/** Answer: the author's answer modal, while the AE still waits for it. The button's value is the question's id. */
function answerQuestionAction(deps: HandlerDeps) {
  return async ({ ack, body, client, logger }: Args) => {
    await ack();
    const checked = await deps.asks.checkQuestion({
      ...requestContext(body, deps),
      questionId: handoffIdFromAction(body),
    });
    if (checked.kind !== 'ok' || !checked.question) {
      if (checked.kind !== 'ok')
        await deps.replies.ephemeral(body.response_url, askRefusalMessage(checked), body.user.id);
      return;
    }
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: answerModal(checked.handoff, checked.question),
      });
    } catch (error) {
      logger.warn(`views.open for an answer failed: ${String(error)}`);
      await deps.replies.ephemeral(body.response_url, ephemeral.modalFailed(error), body.user.id);
    }
  };
}

/** Need more time (after Slack's confirm dialog): recorded before the ack, like Accept. */
function askMoreTimeAction(deps: HandlerDeps) {
  return async ({ ack, body, client, context, logger }: Args) => {
    const result = await deps.asks.askMoreTime({
      ...requestContext(body, deps),
      handoffId: handoffIdFromAction(body),
    });
    markSaved(context, SAVED.moreTime(result));
    await ack();
    if (result.kind !== 'more_time' && !context.retryNum)
      await deps.replies.ephemeral(body.response_url, askRefusalMessage(result), body.user.id);
    await refreshHomeIfThere(deps, body, { client, logger });
  };
}

/** Give N more days: the owner's (or an admin's) one click, recorded before the ack. */
function grantMoreTimeAction(deps: HandlerDeps) {
  return async ({ ack, body, client, context, logger }: Args) => {
    const result = await deps.ownerActions.grantMoreTime({
      ...requestContext(body, deps),
      handoffId: handoffIdFromAction(body),
    });
    markSaved(context, SAVED.grantMoreTime(result));
    await ack();
    if (result.kind !== 'done' && result.kind !== 'invalid' && !context.retryNum)
      await deps.replies.ephemeral(body.response_url, ownerRefusalMessage(result), body.user.id);
    await refreshHomeIfThere(deps, body, { client, logger });
  };
}

export function askActions(deps: HandlerDeps) {
  return {
    askQuestion: askQuestionAction(deps),
    answerQuestion: answerQuestionAction(deps),
    askMoreTime: askMoreTimeAction(deps),
    grantMoreTime: grantMoreTimeAction(deps),
  };
}
