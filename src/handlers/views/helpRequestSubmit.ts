import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { helpReplies } from '../../blocks/helpRequest.js';
import { ACTION_ID, HELP_BLOCK_ID } from '../../blocks/ids.js';
import { SAVED } from '../../blocks/savedNotes.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { markSaved } from '../saved.js';

/** Submitting the partner-help request: checked inline, stored once per modal, routed to partner marketing. */
export function helpRequestSubmit(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    context,
    view,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const state = view.state.values;
    const read = (block: string) => {
      const value = state[block]?.[ACTION_ID.value]?.value;
      return typeof value === 'string' ? value : undefined;
    };
    const result = await deps.helpRequests.submit(requestContext(body, deps), {
      sourceViewId: view.id,
      values: {
        [HELP_BLOCK_ID.account]: read(HELP_BLOCK_ID.account) ?? '',
        [HELP_BLOCK_ID.ask]: read(HELP_BLOCK_ID.ask) ?? '',
        [HELP_BLOCK_ID.partner]: read(HELP_BLOCK_ID.partner),
      },
    });
    markSaved(context, SAVED.helpRequest(result));
    switch (result.kind) {
      case 'invalid':
        await ack({ response_action: 'errors', errors: result.errors });
        return;
      case 'not_configured':
        await ack({
          response_action: 'errors',
          errors: { [HELP_BLOCK_ID.account]: helpReplies.notConfigured() },
        });
        return;
      case 'forbidden':
        await ack({
          response_action: 'errors',
          errors: { [HELP_BLOCK_ID.account]: 'Partner-help requests are for the team that runs this app.' },
        });
        return;
      case 'sent':
        await ack();
    }
  };
}
