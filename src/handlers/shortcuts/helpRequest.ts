import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { commandReply } from '../../blocks/commandReplies.js';
import { helpReplies, helpRequestModal } from '../../blocks/helpRequest.js';
import { isInternalActor } from '../../domain/actor.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';

/** The "Ask for partner help" global shortcut: opens the request modal for internal members. */
export function helpRequestShortcut(deps: HandlerDeps) {
  return async ({
    ack,
    shortcut,
    client,
    logger,
  }: SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs) => {
    await ack();
    const ctx = requestContext(shortcut, deps);
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) {
      logger.warn(`help-request shortcut refused for external user ${shortcut.user.id}`);
      await deps.replies.ephemeral(undefined, commandReply.external(), shortcut.user.id);
      return;
    }
    if (!deps.helpRequests.enabled()) {
      await deps.replies.ephemeral(undefined, helpReplies.notConfigured(), shortcut.user.id);
      return;
    }
    try {
      await client.views.open({ trigger_id: shortcut.trigger_id, view: helpRequestModal() });
    } catch (error) {
      logger.warn(`views.open for the help request failed: ${String(error)}`);
    }
  };
}
