import { commandReply } from '../../blocks/commandReplies.js';
import { escapeMrkdwn } from '../../blocks/mrkdwn.js';
import { may } from '../../domain/permissions.js';
import { planText, reportText } from '../../erasure/words.js';
import type { CommandCall } from './call.js';

/** Slack shows at most this much of a reply comfortably; the command line lists everything. */
const REPLY_MAX = 3500;

const shortened = (text: string) =>
  text.length <= REPLY_MAX
    ? text
    : `${text.slice(0, REPLY_MAX)}\n… (cut here: \`npm run erase -- --person …\` lists everything)`;

/**
 * `/handoff erase <Slack id, @mention, email or name>`, admins only: lists where the person appears, what
 * stops the erasure and what it cannot reach, and changes nothing; `/handoff erase --apply <…>` erases them
 * (erasure/erase.ts). Answered to the admin only.
 */
export async function eraseCommand({ deps, ctx, words, usage }: CommandCall): Promise<string> {
  if (!may(deps.roles, ctx, 'erase')) return commandReply.forbidden('erase');
  const apply = words[0]?.toLowerCase() === '--apply';
  const typed = (apply ? words.slice(1) : words).join(' ').trim();
  if (typed === '') return usage();
  const plan = await deps.erasure.plan(typed);
  // The problem may list people's names as stored (a refusal's candidates): shown, never read as markup.
  if ('problem' in plan) return commandReply.invalid(escapeMrkdwn(plan.problem));
  if (!apply)
    return shortened(
      `${planText(plan)}\n\nNothing changed. To erase, type \`/handoff erase --apply ${typed}\`.`,
    );
  if (plan.blockers.length > 0)
    return shortened(`${planText(plan)}\n\nNot erased: do what is listed under "First".`);
  const report = await deps.erasure.apply(plan, ctx.actor.userId);
  return shortened(reportText(report));
}
