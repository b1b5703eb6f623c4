import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { commandReply } from '../../blocks/commandReplies.js';
import { handoffViewModal } from '../../blocks/handoffList.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { buttonModal } from './buttonModal.js';
import { handoffIdFromAction } from './handoffId.js';

/** View (from `/handoff list` or the App Home): the packet as the AE sees it, with its history, in a modal. */
export function viewAction(deps: HandlerDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'a handoff view');
    const handoffId = handoffIdFromAction(args.body);
    const ctx = requestContext(args.body, deps);
    const found = await deps.lookup.view(ctx, handoffId);
    if (found.kind === 'not_found') return reply(commandReply.notFound(handoffId));
    const may = {
      editable: deps.editable(ctx, found.handoff),
      notable: (await deps.edits.notable(ctx, found.handoff.id)).kind === 'ok',
    };
    await open(handoffViewModal(found.handoff, found.packet, found.history, may));
  };
}
