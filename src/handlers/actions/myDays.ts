import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { myDaysModal, myDaysReplies } from '../../blocks/myDays.js';
import { isInternalActor } from '../../domain/actor.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { buttonModal } from './buttonModal.js';

/** "Edit my days" in the App Home: opens the person's own "Your days" form; anyone outside is refused. */
export function myDaysAction(deps: HandlerDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await args.ack();
    const { reply, open } = buttonModal(deps, args, 'your days');
    const ctx = requestContext(args.body, deps);
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) {
      if (!args.context.retryNum) await reply(myDaysReplies.external());
      return;
    }
    const userId = ctx.actor.userId;
    // The team's hours as the settings say them now (they count for anyone who gives none of their own).
    const hours = { start: deps.settings.get('businessDayStart'), end: deps.settings.get('businessDayEnd') };
    await open(myDaysModal(deps.myDays.current(userId), await deps.myDays.pausedNow(userId), hours));
  };
}
