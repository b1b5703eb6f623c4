import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ephemeral, outcomeRefusalMessage } from '../../blocks/ephemerals.js';
import { OUTCOME_ACTION_PREFIX } from '../../blocks/ids.js';
import { lostModal, opportunityModal } from '../../blocks/outcomes.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { OUTCOMES, type Outcome } from '../../domain/outcomes.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';
import { handoffIdFromAction } from './handoffId.js';
import { refreshHomeIfThere } from './homeRefresh.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

function outcomeOf(body: BlockAction): Outcome | undefined {
  const id = body.actions[0]?.action_id.slice(OUTCOME_ACTION_PREFIX.length);
  return OUTCOMES.find((outcome) => outcome === id);
}

/**
 * Meeting held and Won are recorded at once (after the button's confirm dialog); Opportunity created and Lost open a
 * small modal first. The AE or an admin records; the owner or the author reports it to the AE, who confirms first.
 */
export function outcomeButton(deps: HandlerDeps) {
  return async ({ ack, body, client, context, logger }: Args) => {
    const outcome = outcomeOf(body);
    if (!outcome) return ack();
    const req = {
      ...requestContext(body, deps),
      handoffId: handoffIdFromAction(body),
      outcome,
    };
    const reply = (text: string) => deps.replies.ephemeral(body.response_url, text, body.user.id);
    if (outcome === 'meeting_held' || outcome === 'won') {
      // Recorded before the ack, like Accept: a click Slack saw acknowledged survives a crash right after.
      const result = await deps.outcomes.record(req);
      markSaved(context, SAVED.outcome(result));
      await ack();
      if (result.kind !== 'recorded' && result.kind !== 'reported' && result.kind !== 'invalid')
        await reply(outcomeRefusalMessage(result));
      await refreshHomeIfThere(deps, body, { client, logger });
      return;
    }
    await ack();
    const checked = await deps.outcomes.check(req);
    if (checked.kind !== 'ok') return reply(outcomeRefusalMessage(checked));
    const view =
      outcome === 'lost'
        ? lostModal(checked.handoff, checked.mode)
        : opportunityModal(checked.handoff, checked.mode);
    try {
      await client.views.open({ trigger_id: body.trigger_id, view });
    } catch (error) {
      logger.warn(`views.open for ${outcome} failed: ${String(error)}`);
      await reply(ephemeral.modalFailed(error));
    }
  };
}
