import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { reportAnswerReply, undoReply } from '../../blocks/outcomeReplies.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';
import { refreshHomeIfThere } from './homeRefresh.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The button's value: digits, or `digits:digits` (NaN for anything else: refused as not found). */
function idsOf(body: BlockAction): number[] {
  const action = body.actions[0];
  const value = action && 'value' in action && typeof action.value === 'string' ? action.value : '';
  return /^\d{1,15}(:\d{1,15})?$/.test(value) ? value.split(':').map(Number) : [Number.NaN, Number.NaN];
}

/**
 * Confirm on an outcome the owner or author reported: recorded as the AE's step, before the ack (like Accept). An
 * opportunity's CRM reference is checked with the CRM first, as the AE's own modal does.
 */
function confirmAction(deps: HandlerDeps) {
  return async ({ ack, body, client, context, logger }: Args) => {
    const [reportId = Number.NaN] = idsOf(body);
    const report = await deps.outcomeAnswers.find(reportId);
    const crmLink =
      report?.outcome === 'opportunity_created' && report.crmOpportunity && deps.crm
        ? await deps.crm.resolve(report.crmOpportunity, { timeoutMs: 1500 })
        : undefined;
    const result = await deps.outcomeAnswers.confirm({
      ...requestContext(body, deps),
      reportId,
      ...(crmLink && crmLink.kind !== 'invalid' ? { crmLink } : {}),
    });
    markSaved(context, SAVED.reportConfirm(result));
    await ack();
    const text = reportAnswerReply(result);
    if (text) await deps.replies.ephemeral(body.response_url, text, body.user.id);
    await refreshHomeIfThere(deps, body, { client, logger });
  };
}

/** Not right: nothing is recorded; the report's messages say so. */
function declineAction(deps: HandlerDeps) {
  return async ({ ack, body, context }: Args) => {
    const [reportId = Number.NaN] = idsOf(body);
    const result = await deps.outcomeAnswers.decline({ ...requestContext(body, deps), reportId });
    markSaved(context, SAVED.reportDecline(result));
    await ack();
    const text = reportAnswerReply(result);
    if (text) await deps.replies.ephemeral(body.response_url, text, body.user.id);
  };
}

/** Undo on the recorder's notice, while the step's undo window is open. */
function undoAction(deps: HandlerDeps) {
  return async ({ ack, body, context }: Args) => {
    const [handoffId = Number.NaN, stepId = Number.NaN] = idsOf(body);
    const result = await deps.outcomeUndo.undo({ ...requestContext(body, deps), handoffId, stepId });
    markSaved(context, SAVED.outcomeUndo(result));
    await ack();
    const text = undoReply(result);
    if (text) await deps.replies.ephemeral(body.response_url, text, body.user.id);
  };
}

export function outcomeAnswerActions(deps: HandlerDeps) {
  return {
    reportConfirm: confirmAction(deps),
    reportDecline: declineAction(deps),
    outcomeUndo: undoAction(deps),
  };
}
