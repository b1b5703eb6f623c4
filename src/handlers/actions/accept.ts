import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { acceptModal } from '../../blocks/acceptModal.js';
import { refusalMessage } from '../../blocks/ephemerals.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { buttonModal } from './buttonModal.js';
import { decisionRefFromAction } from './handoffId.js';

/**
 * Accept: only the named AE, only while open; everything else gets a polite ephemeral. It opens the accept modal
 * (the first step, its date, an estimated value), its defaults ready: the accept is recorded when it
 * is submitted (handlers/views/acceptSubmit.ts).
 */
export function acceptAction(deps: HandlerDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    const { ack, body, context } = args;
    // Read before the ack: a database that cannot answer gets the click its "That did not go through" (the failure
    // handler answers a request not yet acknowledged), not silence.
    const form = await deps.handoffs.acceptForm({
      ...requestContext(body, deps),
      ...decisionRefFromAction(body),
    });
    await ack();
    // A redelivery of a click (X-Slack-Retry-Num) already opened the modal the first time: its trigger is spent, and
    // the AE must not read a refusal or "could not open the form" for a click they made once.
    if (context.retryNum) return;
    const { reply, open } = buttonModal(deps, args, 'accept');
    if (form.kind !== 'open') await reply(refusalMessage(form));
    else
      await open(
        acceptModal(form.handoff, form.due, {
          fromHome: body.view?.type === 'home',
          ...(deps.crm ? { crms: deps.crm.connectors.map((c) => c.system) } : {}),
        }),
      );
  };
}
