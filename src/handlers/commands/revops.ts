import { commandReply } from '../../blocks/commandReplies.js';
import { exportReplies, parkedReplies } from '../../blocks/revopsReplies.js';
import { stepsReply } from '../../blocks/stepChecks.js';
import { EXPORT_MAX_ROWS } from '../../revops/exports.js';
import type { CommandCall } from './call.js';

/**
 * RevOps' and admins' subcommands. Each service checks the permission itself (domain/permissions.ts) and answers
 * `forbidden`; the refusal names who may, from the same table.
 */

/**
 * `/handoff export 2026-01-01 2026-03-31`: the touch log CSV in the person's DM. The words people add are read too:
 * `since`/`from` before the first day, `until`/`to` before the last (`/handoff export until 2026-03-31`).
 */
export async function exportCommand({ deps, ctx, words, usage }: CommandCall): Promise<string> {
  const { since, until } = exportDays(words);
  // In the person's own time zone; no dates: the last 90 days, and the reply says so.
  const range = await deps.exports.parseRange(ctx.actor.userId, since, until);
  if (range.kind === 'invalid') return usage(range.message);
  const started = await deps.exports.sendToUser(ctx, range);
  if (started.kind === 'forbidden') return commandReply.forbidden('export');
  if (started.kind === 'too_large') return exportReplies.tooLarge(started.rows, EXPORT_MAX_ROWS);
  return exportReplies.started(range);
}

/** The first and last day of `/handoff export`, by position or after since/from and until/to. */
function exportDays(words: readonly string[]): { since?: string; until?: string } {
  const days: { since?: string; until?: string } = {};
  let slot: 'since' | 'until' | undefined;
  for (const word of words) {
    const keyword = word.toLowerCase();
    if (keyword === 'since' || keyword === 'from') slot = 'since';
    else if (keyword === 'until' || keyword === 'to') slot = 'until';
    else {
      const at = slot ?? (days.since === undefined ? 'since' : 'until');
      days[at] ??= word;
      slot = undefined;
    }
  }
  return days;
}

/** `/handoff outbox` lists parked messages; `/handoff outbox retry 12` (or `#12`, `all`) queues them again. */
export async function outboxCommand({ deps, ctx, words, usage }: CommandCall): Promise<string> {
  const [verb = '', typed = ''] = words;
  // `#all` too: the number is written `#12` in the list.
  const target = typed.replace(/^#/, '');
  if (verb === '') {
    const result = await deps.parked.list(ctx);
    return result.kind === 'forbidden'
      ? parkedReplies.forbidden('outbox')
      : parkedReplies.list(result.rows, result.total);
  }
  const id = Number(target.replace(/^#/, ''));
  if (verb.toLowerCase() !== 'retry' || (target.toLowerCase() !== 'all' && !Number.isSafeInteger(id))) {
    return usage();
  }
  const result = await deps.parked.retry(ctx, target.toLowerCase() === 'all' ? undefined : id);
  return result.kind === 'forbidden'
    ? parkedReplies.forbidden('outboxRetry')
    : parkedReplies.requeued(result.requeued);
}

/** `/handoff reseller add|remove <account> | <reseller>` (RevOps), `/handoff reseller list [account]` (anyone). */
export async function resellerCommand({ deps, ctx, words: args, usage }: CommandCall): Promise<string> {
  const [verb = '', ...words] = args;
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
          ? await deps.revops.registerReseller(ctx, account, reseller)
          : await deps.revops.unregisterReseller(ctx, account, reseller);
      if (result.kind === 'forbidden') return commandReply.forbidden('resellers');
      if (result.kind === 'invalid') return commandReply.invalid(result.message);
      return verb.toLowerCase() === 'add'
        ? commandReply.resellerAdded(account, reseller, result.value)
        : commandReply.resellerRemoved(account, reseller, result.value);
    }
    case 'list': {
      const result = await deps.revops.resellers(ctx, account || undefined);
      // Anyone internal may list: only someone outside (never past the command's own check) is refused.
      if (result.kind !== 'done') return commandReply.forbidden('resellers');
      return commandReply.resellerList(result.value, account || undefined);
    }
    default:
      return usage();
  }
}

/** `/handoff classify <handoff #> sourced|influenced <why>`: an audited correction. */
export async function classifyCommand({ deps, ctx, words, usage }: CommandCall): Promise<string> {
  const [idText = '', kind = '', ...reasonWords] = words;
  const handoffId = Number(idText.replace(/^#/, ''));
  const to = { sourced: 'partner_sourced', influenced: 'partner_influenced' }[kind.toLowerCase()] as
    | 'partner_sourced'
    | 'partner_influenced'
    | undefined;
  if (!Number.isSafeInteger(handoffId) || !to) return usage();
  const result = await deps.revops.correctClassification(ctx, handoffId, to, reasonWords.join(' '));
  if (result.kind === 'forbidden') return commandReply.forbidden('classify');
  if (result.kind === 'invalid') return commandReply.invalid(result.message);
  return commandReply.corrected(handoffId, result.value.from, to);
}

/** `/handoff steps` (how many accepted deals have no first step) and `/handoff steps ask` (admins). */
export async function stepsCommand({ deps, ctx, words, usage }: CommandCall): Promise<string> {
  const [verb = ''] = words;
  if (verb !== '' && verb.toLowerCase() !== 'ask') return usage();
  const result = await deps.firstSteps.askForSteps(ctx, verb !== '');
  return stepsReply(result, commandReply.forbidden('firstSteps'));
}
