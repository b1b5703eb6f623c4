import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { commandReply } from '../../blocks/commandReplies.js';
import { ephemeral, failureText } from '../../blocks/ephemerals.js';
import { packetModal } from '../../blocks/packetModal.js';
import type { RequestContext } from '../../core/requestContext.js';
import { may } from '../../domain/permissions.js';
import type { HandlerDeps } from '../deps.js';
import type { CommandCall } from './call.js';
import { helpFor, SUBCOMMANDS, subcommandFor } from './subcommands.js';
import { type KnownWords, looksLikeSubcommand } from './typos.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

const KNOWN: KnownWords = {
  all: SUBCOMMANDS.flatMap((s) => [s.name, ...(s.aliases ?? [])]),
  numbered: SUBCOMMANDS.filter((s) => s.numbered).flatMap((s) => [s.name, ...(s.aliases ?? [])]),
};

/** `/handoff [account name]` opens the packet; a word of the subcommand table (subcommands.ts) runs that row. */
export function handoffCommand(deps: HandlerDeps) {
  return async ({ ack, command, client, logger }: Args) => {
    await ack();
    // A command always carries one text field; anything else (missing, repeated) reads as empty.
    const text = typeof command.text === 'string' ? command.text.trim() : '';
    const [first = '', ...rest] = text.split(/\s+/);
    const sub = first.toLowerCase();
    // Ours: the workspace the app is installed in, its Grid org and configured ones. The actor's own workspace is
    // checked with Slack, since a slash command does not say which organization the person belongs to.
    const { internalTeamIds } = deps.startup;
    const reply = (message: string) => deps.replies.ephemeral(command.response_url, message, command.user_id);
    const membership = await deps.memberOf(command.user_id, internalTeamIds);
    if (membership !== 'internal') {
      logger.warn(
        `/handoff refused for ${command.user_id} (team ${command.team_id}): ${membership === 'external' ? 'not a member of our workspace' : 'users.info unavailable'}`,
      );
      await reply(
        membership === 'external'
          ? commandReply.external()
          : deps.slackRejected()
            ? failureText.disconnected
            : commandReply.slackUnavailable(),
      );
      return;
    }
    const ctx: RequestContext = {
      actor: { userId: command.user_id, teamId: internalTeamIds[0] },
      internalTeamIds,
    };
    const help = () => helpFor(deps.roles, ctx, deps.config.slack.oauth !== undefined);
    const entry = subcommandFor(sub);
    if (entry && entry.permission !== 'everyone' && !may(deps.roles, ctx, entry.permission)) {
      logger.warn(
        `/handoff ${entry.name} refused for ${command.user_id}: it needs the ${entry.permission} permission`,
      );
      return reply(commandReply.forbidden(entry.permission));
    }
    if (entry) {
      const call: CommandCall = {
        deps,
        ctx,
        command,
        words: rest,
        reply,
        usage: (before) =>
          `${before ? `${before} ` : ''}${commandReply.usage(entry.usage ?? `/handoff ${entry.name}`, entry.usageNote)}`,
        openModal,
        help,
      };
      const answer = await entry.run(call);
      if (answer !== undefined) await reply(answer);
      return;
    }
    // `/handoff lsit`, `/handoff status 5`: a mistyped or unknown subcommand gets the help, not a packet named "lsit".
    if (looksLikeSubcommand(sub, rest, first, KNOWN)) return reply(commandReply.unknown(first, help()));
    // A workspace guest may not write one unless an admin allows it: said before the form opens.
    const refusal = await deps.packets.authorRefusal(command.user_id);
    if (refusal) return reply(refusal);
    await openModal(await packetForm(deps, command, ctx, text));

    async function openModal(view: ModalView) {
      try {
        await client.views.open({ trigger_id: command.trigger_id, view });
      } catch (error) {
        logger.warn(`views.open for /handoff failed: ${String(error)}`);
        await reply(ephemeral.modalFailed(error));
      }
    }
  };
}

/** The packet form `/handoff <account>` opens: the channel's partner preselected, the author's last packet offered. */
async function packetForm(deps: HandlerDeps, command: Args['command'], ctx: RequestContext, text: string) {
  // Typed in a partner's shared channel: that channel (and its partner) preselected.
  const defaults = await deps.packets.packetDefaults(command.channel_id, ctx);
  // The author's last packet for that partner, offered one click per field.
  const suggestions = await deps.packets.suggestionsFor(command.user_id, defaults.prefill?.partnerOrg, text);
  return packetModal({
    authorUserId: command.user_id,
    ...(text ? { accountName: text } : {}),
    ...defaults,
    ...(suggestions ? { suggestions } : {}),
    pools: deps.pools(),
    maxWindowDays: deps.settings.get('scoreMaxWindowDays'),
  });
}
