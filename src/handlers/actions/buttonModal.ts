import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { ephemeral } from '../../blocks/ephemerals.js';
import type { HandlerDeps } from '../deps.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * What a button that opens a modal needs (View, Edit, Note to the AE): say something only the clicker sees, or open
 * the modal while the trigger is fresh, telling them if Slack would not.
 */
export function buttonModal(deps: HandlerDeps, { body, client, logger }: ButtonArgs, what: string) {
  const reply = (text: string) => deps.replies.ephemeral(body.response_url, text, body.user.id);
  const open = async (view: ModalView) => {
    try {
      // A button inside a modal (Edit or Note from View) stacks the new one on it: Slack refuses views.open there.
      if (body.view?.type === 'modal') await client.views.push({ trigger_id: body.trigger_id, view });
      else await client.views.open({ trigger_id: body.trigger_id, view });
    } catch (error) {
      logger.warn(`views.open for ${what} failed: ${String(error)}`);
      await reply(ephemeral.modalFailed(error));
    }
  };
  return { reply, open };
}
