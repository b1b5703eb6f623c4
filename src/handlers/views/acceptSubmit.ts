import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { refusalPlain } from '../../blocks/ephemerals.js';
import { ACCEPT_BLOCK_ID, ACTION_ID } from '../../blocks/ids.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { crmLinkOf } from '../../crm/index.js';
import type { CrmSystem } from '../../domain/crmFacts.js';
import type { FirstStepField } from '../../domain/firstStep.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { publishHome } from '../homeTab.js';
import { markSaved } from '../saved.js';
import { decisionMetadataFrom } from './declineSubmit.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** Each field of the first step, by the block that asks it. */
const BLOCK_OF: Record<FirstStepField, string> = {
  text: ACCEPT_BLOCK_ID.step,
  due: ACCEPT_BLOCK_ID.due,
  estimatedValue: ACCEPT_BLOCK_ID.value,
};

/** A string the modal sent in a block's input (text, a date, a number), or nothing (a hand-made payload). */
function typed(view: Args['view'], block: string): string | undefined {
  const input = view.state.values[block]?.[ACTION_ID.value] as
    | { value?: unknown; selected_date?: unknown }
    | undefined;
  const value = input?.selected_date ?? input?.value;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The connected CRM the AE ticked to create the record in, or why not: 'both' when they also pasted
 * a link, 'several' when they ticked more than one CRM. A value of no connected CRM (a hand-made payload) is none.
 */
function createdIn(view: Args['view'], deps: HandlerDeps): CrmSystem | 'both' | 'several' | undefined {
  const input = view.state.values[ACCEPT_BLOCK_ID.crmCreate]?.[ACTION_ID.value] as
    | { selected_options?: { value?: unknown }[] }
    | undefined;
  const ticked = (input?.selected_options ?? [])
    .map((o) => o.value)
    .filter((v): v is CrmSystem => deps.crm?.connectors.some((c) => c.system === v) === true);
  if (ticked.length === 0) return undefined;
  if (typed(view, ACCEPT_BLOCK_ID.crmOpportunity)?.trim()) return 'both';
  return ticked.length > 1 ? 'several' : ticked[0];
}

/**
 * Submitting the accept modal: the first step is checked (inline errors, the modal stays open with what was typed),
 * then the accept is recorded before the ack, with everything it owes, exactly as a decision always was.
 */
export function acceptSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view, client, context, logger }: Args) => {
    const metadata = decisionMetadataFrom(view.private_metadata);
    // Pasting a link and ticking a create is refused before the CRM is asked anything.
    const create = createdIn(view, deps);
    if (create === 'both' || create === 'several') {
      await ack({
        response_action: 'errors',
        errors: {
          [ACCEPT_BLOCK_ID.crmCreate]:
            create === 'both'
              ? 'Either paste the opportunity you have or create a new one, not both: untick this or empty the link.'
              : 'Pick one CRM to create it in.',
        },
      });
      return;
    }
    // An opportunity linked at the accept is checked with the CRM first, as "Opportunity created" checks it (Slack
    // waits 3 s for this answer: the lookup has 1.5 s). Text that is no CRM link is refused here: it would link nothing.
    const opportunity = typed(view, ACCEPT_BLOCK_ID.crmOpportunity)?.trim() || undefined;
    const crmLink = opportunity ? await deps.crm?.resolve(opportunity, { timeoutMs: 1500 }) : undefined;
    if (opportunity && (!crmLink || crmLink.kind === 'invalid' || crmLink.kind === 'none')) {
      const message =
        crmLink?.kind === 'invalid'
          ? crmLink.message
          : 'Paste the link (or id) of an opportunity or deal in the connected CRM, or leave this empty.';
      await ack({ response_action: 'errors', errors: { [ACCEPT_BLOCK_ID.crmOpportunity]: message } });
      return;
    }
    const link = crmLinkOf(crmLink);
    const result = await deps.handoffs.acceptWithStep({
      ...requestContext(body, deps),
      handoffId: metadata.handoffId,
      shownEditCount: metadata.editCount,
      step: {
        text: typed(view, ACCEPT_BLOCK_ID.step) ?? '',
        due: typed(view, ACCEPT_BLOCK_ID.due),
        estimatedValue: typed(view, ACCEPT_BLOCK_ID.value),
      },
      ...(link ? { crm: { link } } : create ? { crm: { create } } : {}),
    });
    if (result.kind === 'invalid_step') {
      const errors = Object.fromEntries(
        Object.entries(result.errors).map(([field, message]) => [BLOCK_OF[field as FirstStepField], message]),
      );
      await ack({ response_action: 'errors', errors });
      return;
    }
    markSaved(context, SAVED.accept(result));
    if (result.kind !== 'recorded') {
      await ack({ response_action: 'errors', errors: { [ACCEPT_BLOCK_ID.step]: refusalPlain(result) } });
      return;
    }
    await ack();
    if (metadata.fromHome) {
      await publishHome(deps, { client, logger }, body.user.id).catch((error: unknown) =>
        logger.warn(`views.publish after an accept failed: ${String(error)}`),
      );
    }
  };
}
