import { commandReply } from '../../blocks/commandReplies.js';
import { coverEndedMessage, coverModal } from '../../blocks/coverModal.js';
import { handoffList } from '../../blocks/handoffList.js';
import { helpReplies, helpRequestModal } from '../../blocks/helpRequest.js';
import { openEdit } from '../actions/editHandoff.js';
import { viewModalOf } from '../actions/viewHandoff.js';
import type { CommandCall } from './call.js';

/** Everyone's subcommands: what they sent, own or must answer, their cover, and asking for partner help. */

/** The handoff number of `edit 5`, `view #5`; undefined unless it is the only word. */
const handoffNumber = (words: string[]): number | undefined => {
  const id = Number((words[0] ?? '').replace(/^#/, ''));
  return words.length === 1 && Number.isSafeInteger(id) ? id : undefined;
};

export async function listCommand({ deps, ctx, command, words }: CommandCall): Promise<string | undefined> {
  const all = words.join(' ').toLowerCase() === 'all';
  const listed = await deps.lookup.list(ctx, { all });
  if (listed.kind === 'forbidden') return commandReply.external();
  const message = handoffList(listed.rows, {
    all,
    total: listed.total,
    now: listed.asOf,
    timeZone: 'UTC',
  });
  await deps.replies.ephemeral(command.response_url, message.text, command.user_id, message.blocks);
  return undefined;
}

export async function viewCommand({
  deps,
  ctx,
  words,
  usage,
  openModal,
}: CommandCall): Promise<string | undefined> {
  const id = handoffNumber(words);
  if (id === undefined) return usage();
  const modal = await viewModalOf(deps, ctx, id);
  if (!modal) return commandReply.notFound(id);
  await openModal(modal);
}

export async function editCommand({
  deps,
  ctx,
  words,
  reply,
  usage,
  openModal,
}: CommandCall): Promise<string | undefined> {
  const id = handoffNumber(words);
  if (id === undefined) return usage();
  await openEdit(deps, ctx, id, openModal, reply);
}

/**
 * `/handoff cover` opens the form (a person is picked there: Slack sends an @name as plain text); `/handoff cover off`
 * ends it; dates in the text (`from 2026-12-01 until 2026-12-04`, or a date alone: the last day) are prefilled.
 */
export async function coverCommand({
  deps,
  ctx,
  command,
  words,
  openModal,
}: CommandCall): Promise<string | undefined> {
  const args = words.join(' ');
  if (args.toLowerCase() === 'off') {
    const cleared = await deps.covers.clear(ctx);
    if (cleared.kind === 'forbidden') return commandReply.external();
    if (cleared.kind === 'cleared' && cleared.had) {
      // The cover is told too, as when they were named.
      const ended = coverEndedMessage(cleared.had, 'ended');
      await deps.replies.ephemeral(undefined, ended.text, cleared.had.coverUserId, ended.blocks);
    }
    return cleared.kind === 'cleared' && cleared.had
      ? `:white_check_mark: Your cover (<@${cleared.had.coverUserId}>) has ended: new handoffs come to you again.`
      : 'You have no cover set. `/handoff cover` names one.';
  }
  // `from 2026-12-07` is the first day away; `until 2026-12-11`, or a date alone, the last day.
  const from = /\bfrom\s+(\d{4}-\d{2}-\d{2})\b/i.exec(args)?.[1];
  const until = /\b(\d{4}-\d{2}-\d{2})\b/.exec(args.replace(/\bfrom\s+\d{4}-\d{2}-\d{2}\b/i, ''))?.[1];
  // A mention Slack escaped (`<@U012ABC|sam>`) names the person; a plain "@sam" is picked in the form.
  const cover = /<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>/.exec(args)?.[1];
  const current = await deps.covers.find(command.user_id);
  await openModal(
    coverModal({
      current,
      ...(until ? { until } : {}),
      ...(from ? { from } : {}),
      ...(cover ? { cover } : {}),
    }),
  );
}

export async function askCommand({ deps, words, openModal }: CommandCall): Promise<string | undefined> {
  if (!deps.helpRequests.enabled()) return helpReplies.notConfigured();
  await openModal(helpRequestModal(words.length > 0 ? { accountName: words.join(' ') } : {}));
}
