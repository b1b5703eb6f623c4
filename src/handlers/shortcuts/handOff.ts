import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { commandReply } from '../../blocks/commandReplies.js';
import { ephemeral } from '../../blocks/ephemerals.js';
import { packetLoadingModal } from '../../blocks/packetLoading.js';
import { packetModal } from '../../blocks/packetModal.js';
import { isInternalActor } from '../../domain/actor.js';
import type { MessageReads, SourceMessage } from '../../packets/index.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';

type Args = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/** The thread's first messages read for names and domains. */
const THREAD_MAX = 30;

/** Slack's reads the prefill makes with the bot token: the thread (where the app is in the channel), the permalink. */
function slackReads(client: WebClient): MessageReads {
  return {
    async thread(channel, ts) {
      const answer = await client.conversations.replies({ channel, ts, limit: THREAD_MAX });
      // The parent and every reply (the message itself again too: its names are counted once).
      return (answer.messages ?? []).flatMap((m) => (typeof m.text === 'string' ? [m.text] : []));
    },
    async permalink(channel, ts) {
      return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink;
    },
  };
}

/** The message of the payload, as the prefill reads it. */
function sourceOf(shortcut: MessageShortcut): SourceMessage {
  const m = shortcut.message as { ts?: string; thread_ts?: string; user?: string; text?: string };
  const ts = typeof m.ts === 'string' ? m.ts : shortcut.message_ts;
  return {
    channelId: shortcut.channel.id,
    ts,
    ...(typeof m.thread_ts === 'string' && m.thread_ts !== ts ? { threadTs: m.thread_ts } : {}),
    ...(typeof m.user === 'string' ? { userId: m.user } : {}),
    text: typeof m.text === 'string' ? m.text : '',
  };
}

/**
 * "Hand off this deal": on any message, the packet modal prefilled from it. A small view opens at once
 * (the trigger lasts 3 s), then the prefilled form replaces it once the thread, the channel's partner and the CRM are
 * read. `/handoff` works as before.
 */
export function handOffShortcut(deps: HandlerDeps) {
  return async ({ ack, shortcut, client, logger }: Args) => {
    await ack();
    const ctx = requestContext(shortcut, deps);
    const userId = shortcut.user.id;
    const reply = (text: string) => deps.replies.ephemeral(shortcut.response_url, text, userId);
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) {
      logger.warn(`hand-off shortcut refused for external user ${userId}`);
      return reply(commandReply.external());
    }
    const refusal = await deps.packets.authorRefusal(userId);
    if (refusal) return reply(refusal);
    let viewId: string | undefined;
    try {
      viewId = (await client.views.open({ trigger_id: shortcut.trigger_id, view: packetLoadingModal() })).view
        ?.id;
    } catch (error) {
      logger.warn(`views.open for the hand-off shortcut failed: ${String(error)}`);
      return reply(ephemeral.modalFailed(error));
    }
    if (!viewId) return;
    const found = await deps.packets.prefillFromMessage(slackReads(client), sourceOf(shortcut), ctx);
    const partnerOrg = typeof found.prefill.partnerOrg === 'string' ? found.prefill.partnerOrg : undefined;
    const account = typeof found.prefill.accountName === 'string' ? found.prefill.accountName : '';
    const suggestions = await deps.packets.suggestionsFor(userId, partnerOrg, account);
    const view = packetModal({
      authorUserId: userId,
      prefill: found.prefill,
      ...(found.partnerChannelId ? { partnerChannelId: found.partnerChannelId } : {}),
      sources: found.sources,
      notes: found.notes,
      ...(found.source ? { source: found.source } : {}),
      ...(suggestions ? { suggestions } : {}),
      pools: deps.pools(),
      maxWindowDays: deps.settings.get('scoreMaxWindowDays'),
    });
    try {
      await client.views.update({ view_id: viewId, view });
    } catch (error) {
      // The author closed the loading view meanwhile, or Slack refused: nothing was kept, nothing to undo.
      logger.warn(`views.update for the hand-off shortcut failed: ${String(error)}`);
    }
  };
}
