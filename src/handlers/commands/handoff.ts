import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { ephemeral } from '../../blocks/ephemerals.js';
import { packetModal } from '../../blocks/packetModal.js';
import type { HandlerDeps } from '../deps.js';

/** `/handoff [account name]`: ack at once, then open the packet modal while the trigger is fresh. */
export function handoffCommand(deps: HandlerDeps) {
  return async ({ ack, command, client, logger }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const accountName = command.text.trim();
    try {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: packetModal({ authorUserId: command.user_id, ...(accountName ? { accountName } : {}) }),
      });
    } catch (error) {
      logger.warn(`views.open for /handoff failed: ${String(error)}`);
      deps.replies.ephemeral(command.response_url, ephemeral.modalFailed());
    }
  };
}
