import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { commandReply } from '../../blocks/commandReplies.js';
import { coverEndedMessage, coverModal } from '../../blocks/coverModal.js';
import { ephemeral, failureText } from '../../blocks/ephemerals.js';
import { handoffList, handoffViewModal } from '../../blocks/handoffList.js';
import { helpReplies, helpRequestModal } from '../../blocks/helpRequest.js';
import { packetModal } from '../../blocks/packetModal.js';
import { partnerReply } from '../../blocks/partnerReplies.js';
import { exportReplies, parkedReplies } from '../../blocks/revopsReplies.js';
import { EXPORT_MAX_ROWS } from '../../services/exports.js';
import type { RequestContext } from '../../services/handoffs.js';
import { openEdit } from '../actions/editHandoff.js';
import type { HandlerDeps } from '../deps.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** Words that open a handoff's view: `/handoff view 12` (also `status`, `show`). */
const VIEW_WORDS = new Set(['view', 'status', 'show']);
const SUBCOMMANDS = [
  'help',
  'list',
  'view',
  'status',
  'show',
  'edit',
  'reseller',
  'classify',
  'ask',
  'export',
  'outbox',
  'partners',
  'cover',
];

/** Subcommands that take a handoff number (`/handoff edit 5`). */
const NUMBERED = ['view', 'status', 'show', 'edit'];

/**
 * Edits (insert, delete, replace, swap two neighbours) to turn `a` into `b`: optimal string alignment, so `lsit` is
 * one edit from `list`. For telling a typo of a subcommand from an account name.
 */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] ?? 0, ((d[i - 2] as number[])[j - 2] ?? 0) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] ?? 0;
}

/**
 * Whether `/handoff <text>` reads as a subcommand rather than an account name: a word followed by a handoff number
 * (`edit 5`, `status #1`), or one short word a letter or two away from a subcommand (`lsit`, `hepl`).
 */
export function looksLikeSubcommand(word: string, rest: string[], typed: string): boolean {
  // Account names are written as names ("Dell", "Office 365"); a mistyped subcommand is a lowercase word.
  if (word === '' || typed !== word) return false;
  const near = (known: readonly string[]) => known.some((k) => distance(word, k) <= 1);
  if (rest.length === 1 && /^#?\d{1,9}$/.test(rest[0] ?? '')) return near(NUMBERED);
  return rest.length === 0 && word.length >= 4 && near(SUBCOMMANDS.filter((k) => k.length >= 4));
}

/** `/handoff [account name]` opens the packet; `help`, `reseller …`, `classify …`, `ask …` and `export …` are subcommands. */
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
      reply(
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
    const role = {
      revops: deps.config.revopsUserIds.includes(command.user_id),
      admin: deps.config.adminUserIds.includes(command.user_id),
    };
    if (sub === 'help') return reply(commandReply.help(role));
    if (sub === 'list') {
      const all = rest.join(' ').toLowerCase() === 'all';
      const listed = deps.lookup.list(ctx, { all });
      if (listed.kind === 'forbidden') return reply(commandReply.external());
      const message = handoffList(listed.rows, {
        all,
        total: listed.total,
        now: listed.asOf,
        timeZone: 'UTC',
      });
      return deps.replies.ephemeral(command.response_url, message.text, command.user_id, message.blocks);
    }
    if (sub === 'edit') {
      const id = Number((rest[0] ?? '').replace(/^#/, ''));
      if (rest.length !== 1 || !Number.isSafeInteger(id)) return reply(commandReply.editUsage());
      return openEdit(deps, ctx, id, openModal, reply);
    }
    if (VIEW_WORDS.has(sub)) {
      const id = Number((rest[0] ?? '').replace(/^#/, ''));
      if (rest.length !== 1 || !Number.isSafeInteger(id))
        return reply(commandReply.usage('/handoff view <#>'));
      const found = deps.lookup.view(ctx, id);
      if (found.kind === 'not_found') return reply(commandReply.notFound(id));
      return openModal(handoffViewModal(found.handoff, found.packet, found.history));
    }
    if (sub === 'cover') {
      // `/handoff cover` opens the form (a person is picked there: Slack sends an @name as plain text);
      // `/handoff cover off` ends it; a date in the text (`until 2026-12-04`) is prefilled.
      if (rest.join(' ').toLowerCase() === 'off') {
        const cleared = deps.covers.clear(ctx);
        if (cleared.kind === 'forbidden') return reply(commandReply.external());
        if (cleared.kind === 'cleared' && cleared.had) {
          // The cover is told too, as when they were named.
          const ended = coverEndedMessage(cleared.had, 'ended');
          deps.replies.ephemeral(undefined, ended.text, cleared.had.coverUserId, ended.blocks);
        }
        return reply(
          cleared.kind === 'cleared' && cleared.had
            ? `:white_check_mark: Your cover (<@${cleared.had.coverUserId}>) has ended: new handoffs come to you again.`
            : 'You have no cover set. `/handoff cover` names one.',
        );
      }
      const until = /\b(\d{4}-\d{2}-\d{2})\b/.exec(rest.join(' '))?.[1];
      // A mention Slack escaped (`<@U012ABC|sam>`) names the person; a plain "@sam" is picked in the form.
      const cover = /<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>/.exec(rest.join(' '))?.[1];
      const current = deps.covers.find(command.user_id);
      return openModal(coverModal({ current, ...(until ? { until } : {}), ...(cover ? { cover } : {}) }));
    }
    if (sub === 'reseller') return reply(resellerCommand(deps, ctx, rest.join(' ')));
    if (sub === 'classify') return reply(classifyCommand(deps, ctx, rest));
    if (sub === 'ask') {
      if (!deps.helpRequests.enabled()) return reply(helpReplies.notConfigured());
      return openModal(helpRequestModal(rest.length > 0 ? { accountName: rest.join(' ') } : {}));
    }
    if (sub === 'export') return exportCommand(deps, ctx, rest, reply);
    if (sub === 'outbox') return reply(outboxCommand(deps, ctx, rest));
    if (sub === 'partners' || sub === 'partner')
      return reply(await partnersCommand(deps, ctx, rest.join(' ')));
    // `/handoff lsit`, `/handoff status 5`: a mistyped or unknown subcommand gets the help, not a packet named "lsit".
    if (looksLikeSubcommand(sub, rest, first))
      return reply(commandReply.unknown(first, commandReply.help(role)));
    // Typed in a partner's shared channel: that channel (and its partner) preselected.
    await openModal(
      packetModal({
        authorUserId: command.user_id,
        ...(text ? { accountName: text } : {}),
        ...(await deps.packets.packetDefaults(command.channel_id, ctx)),
        pools: deps.poolNames(),
      }),
    );

    async function openModal(view: ModalView) {
      try {
        await client.views.open({ trigger_id: command.trigger_id, view });
      } catch (error) {
        logger.warn(`views.open for /handoff failed: ${String(error)}`);
        reply(ephemeral.modalFailed(error));
      }
    }
  };
}

/** `/handoff outbox` lists parked messages; `/handoff outbox retry <#|all>` queues them again. Admins only. */
function outboxCommand(deps: HandlerDeps, ctx: RequestContext, words: string[]): string {
  const [verb = '', target = ''] = words;
  if (verb === '') {
    const result = deps.parked.list(ctx);
    return result.kind === 'forbidden'
      ? parkedReplies.forbidden()
      : parkedReplies.list(result.rows, result.total);
  }
  const id = Number(target.replace(/^#/, ''));
  if (verb.toLowerCase() !== 'retry' || (target.toLowerCase() !== 'all' && !Number.isSafeInteger(id))) {
    return commandReply.usage('/handoff outbox, or /handoff outbox retry <#|all>');
  }
  const result = deps.parked.retry(ctx, target.toLowerCase() === 'all' ? undefined : id);
  return result.kind === 'forbidden' ? parkedReplies.forbidden() : parkedReplies.requeued(result.requeued);
}

/** `/handoff export [since YYYY-MM-DD] [until YYYY-MM-DD]`: RevOps get the touch log CSV in their DM. */
async function exportCommand(
  deps: HandlerDeps,
  ctx: RequestContext,
  words: string[],
  reply: (text: string) => void,
) {
  const [since, until] = words;
  // In the person's own time zone; no dates: the last 90 days, and the reply says so.
  const range = await deps.exports.parseRange(ctx.actor.userId, since, until);
  if (range.kind === 'invalid')
    return reply(
      `${range.message} ${commandReply.usage('/handoff export [since YYYY-MM-DD] [until YYYY-MM-DD]')}`,
    );
  const started = deps.exports.sendToUser(ctx, range);
  if (started.kind === 'forbidden') return reply(commandReply.forbidden());
  if (started.kind === 'too_large') return reply(exportReplies.tooLarge(started.rows, EXPORT_MAX_ROWS));
  reply(exportReplies.started(range));
}

function resellerCommand(deps: HandlerDeps, ctx: RequestContext, args: string): string {
  const [verb = '', ...words] = args.split(/\s+/);
  const [account = '', reseller = ''] = words
    .join(' ')
    .split('|')
    .map((part) => part.trim());
  switch (verb.toLowerCase()) {
    case 'add':
    case 'remove': {
      if (!account || !reseller)
        return commandReply.usage(`/handoff reseller ${verb} <account> | <reseller>`);
      const result =
        verb.toLowerCase() === 'add'
          ? deps.revops.registerReseller(ctx, account, reseller)
          : deps.revops.unregisterReseller(ctx, account, reseller);
      if (result.kind === 'forbidden') return commandReply.forbidden();
      if (result.kind === 'invalid') return commandReply.invalid(result.message);
      return verb.toLowerCase() === 'add'
        ? commandReply.resellerAdded(account, reseller, result.value)
        : commandReply.resellerRemoved(account, reseller, result.value);
    }
    case 'list': {
      const result = deps.revops.resellers(ctx, account || undefined);
      if (result.kind !== 'done') return commandReply.forbidden();
      return commandReply.resellerList(result.value, account || undefined);
    }
    default:
      return commandReply.usage(
        '/handoff reseller add|remove <account> | <reseller>, or /handoff reseller list [account]',
      );
  }
}

function classifyCommand(deps: HandlerDeps, ctx: RequestContext, words: string[]): string {
  const [idText = '', kind = '', ...reasonWords] = words;
  const handoffId = Number(idText.replace(/^#/, ''));
  const to = { sourced: 'partner_sourced', influenced: 'partner_influenced' }[kind.toLowerCase()] as
    | 'partner_sourced'
    | 'partner_influenced'
    | undefined;
  if (!Number.isSafeInteger(handoffId) || !to) {
    return commandReply.usage('/handoff classify <handoff #> sourced|influenced <why>');
  }
  const result = deps.revops.correctClassification(ctx, handoffId, to, reasonWords.join(' '));
  if (result.kind === 'forbidden') return commandReply.forbidden();
  if (result.kind === 'invalid') return commandReply.invalid(result.message);
  return commandReply.corrected(handoffId, result.value.from, to);
}

/** `/handoff partners [rename|alias|merge|domain|channel|confirm …]`: the partner directory. */
async function partnersCommand(deps: HandlerDeps, ctx: RequestContext, args: string): Promise<string> {
  // A channel typed as Slack escapes it (<#C123|name>) carries a | of its own: keep only the id.
  const [verb = '', ...words] = args
    .replace(/<#([CG][A-Z0-9]+)\|[^>]*>/g, '<#$1>')
    .trim()
    .split(/\s+/);
  const [first = '', second = ''] = words
    .join(' ')
    .split('|')
    .map((part) => part.trim());
  const answer = <T>(
    result: { kind: 'done'; value: T } | { kind: 'forbidden' } | { kind: 'invalid'; message: string },
    ok: (value: T) => string,
  ) =>
    result.kind === 'forbidden'
      ? commandReply.forbidden()
      : result.kind === 'invalid'
        ? partnerReply.invalid(result.message)
        : ok(result.value);
  const p = deps.partners;
  switch (verb.toLowerCase()) {
    case '': {
      const result = p.list(ctx);
      return answer(result, (v) => partnerReply.list(v.partners, v.loose));
    }
    case 'rename':
      return first && second
        ? answer(p.rename(ctx, first, second), partnerReply.renamed)
        : partnerReply.usage();
    case 'alias':
      return first && second
        ? answer(p.alias(ctx, first, second), (partner) => partnerReply.aliased(partner, second))
        : partnerReply.usage();
    case 'merge':
      return first && second
        ? answer(p.merge(ctx, first, second), (into) => partnerReply.merged(first, into))
        : partnerReply.usage();
    case 'domain':
      return first ? answer(p.setDomain(ctx, first, second), partnerReply.domain) : partnerReply.usage();
    case 'channel':
      return first && second
        ? answer(await p.assignChannel(ctx, first, second), (v) =>
            partnerReply.channelAssigned(v.channelId, v.partner),
          )
        : partnerReply.usage();
    case 'confirm':
      return first
        ? answer(await p.confirmChannel(ctx, first), (v) =>
            partnerReply.channelAssigned(v.channelId, v.partner),
          )
        : partnerReply.usage();
    default:
      return partnerReply.usage();
  }
}
