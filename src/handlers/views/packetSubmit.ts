import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { PACKET_BLOCK_ID } from '../../blocks/ids.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { packetBlockErrors, readPacketForm } from './packetForm.js';

/** Submitting the packet modal: inline errors, or store-and-send then close the modal. */
export function packetSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const ctx = requestContext(body, deps.config.internalTeamIds);
    const result = await deps.handoffs.submitPacket({
      ...ctx,
      input: readPacketForm(view.state.values),
      sourceViewId: view.id,
    });
    if (result.kind === 'invalid') {
      await ack({ response_action: 'errors', errors: packetBlockErrors(result.errors) });
      return;
    }
    if (result.kind === 'forbidden') {
      await ack({
        response_action: 'errors',
        errors: {
          [PACKET_BLOCK_ID.accountName]: 'Only members of the team that runs this app can send handoffs.',
        },
      });
      return;
    }
    await ack();
  };
}
