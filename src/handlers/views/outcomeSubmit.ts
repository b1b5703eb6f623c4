import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { outcomeRefusalPlain } from '../../blocks/ephemerals.js';
import { ACTION_ID, OUTCOME_BLOCK_ID } from '../../blocks/ids.js';
import { SAVED } from '../../blocks/savedNotes.js';
import type { OutcomeResult } from '../../outcomes/outcomes.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

function handoffIdOf(raw: string): number {
  try {
    const parsed = JSON.parse(raw) as { handoffId?: unknown };
    return typeof parsed.handoffId === 'number' ? parsed.handoffId : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

async function answer(ack: Args['ack'], result: OutcomeResult, mainBlock: string) {
  if (result.kind === 'recorded' || result.kind === 'reported') return ack();
  if (result.kind === 'invalid') {
    const block = result.field === 'reason' ? OUTCOME_BLOCK_ID.reason : OUTCOME_BLOCK_ID.crmOpportunity;
    return ack({ response_action: 'errors', errors: { [block]: result.message } });
  }
  return ack({
    response_action: 'errors',
    errors: { [mainBlock]: outcomeRefusalPlain(result) },
  });
}

export function opportunitySubmit(deps: HandlerDeps) {
  return async ({ ack, body, context, view }: Args) => {
    const crmOpportunity =
      view.state.values[OUTCOME_BLOCK_ID.crmOpportunity]?.[ACTION_ID.value]?.value ?? null;
    // A link to a connected CRM is checked there first (Slack waits 3 s for this answer: the lookup has 1.5 s).
    const crmLink = crmOpportunity ? await deps.crm?.resolve(crmOpportunity, { timeoutMs: 1500 }) : undefined;
    if (crmLink?.kind === 'invalid')
      return ack({
        response_action: 'errors',
        errors: { [OUTCOME_BLOCK_ID.crmOpportunity]: crmLink.message },
      });
    const result = await deps.outcomes.record({
      ...requestContext(body, deps),
      handoffId: handoffIdOf(view.private_metadata),
      outcome: 'opportunity_created',
      crmOpportunity,
      ...(crmLink ? { crmLink } : {}),
    });
    markSaved(context, SAVED.outcome(result));
    await answer(ack, result, OUTCOME_BLOCK_ID.crmOpportunity);
  };
}

export function lostSubmit(deps: HandlerDeps) {
  return async ({ ack, body, context, view }: Args) => {
    const values = view.state.values;
    const result = await deps.outcomes.record({
      ...requestContext(body, deps),
      handoffId: handoffIdOf(view.private_metadata),
      outcome: 'lost',
      reasonCode: values[OUTCOME_BLOCK_ID.reason]?.[ACTION_ID.value]?.selected_option?.value ?? null,
      note: values[OUTCOME_BLOCK_ID.note]?.[ACTION_ID.value]?.value ?? null,
    });
    markSaved(context, SAVED.outcome(result));
    await answer(ack, result, OUTCOME_BLOCK_ID.reason);
  };
}
