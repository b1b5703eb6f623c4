import { commandReply } from '../../blocks/commandReplies.js';
import { followReplies } from '../../blocks/following.js';
import type { FollowChoice } from '../../domain/following.js';
import { namesPerson, userIdIn } from '../../program/people.js';
import type { CommandCall } from './call.js';

/**
 * `/handoff follow <#> [@person] [decisions]` and `/handoff unfollow <#> [@person]`: the view's
 * Follow and Unfollow as a command, for oneself (whoever may view the handoff); naming someone else is an admin's
 * (`followersFor`), and they are told by DM.
 */
function read(words: readonly string[]): { id: number; person?: string; rest: string[] } | undefined {
  const [first = '', ...rest] = words;
  const id = Number(first.replace(/^#/, ''));
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const person = rest[0] !== undefined && namesPerson(rest[0]) ? rest.shift() : undefined;
  return { id, ...(person ? { person } : {}), rest: rest.map((w) => w.toLowerCase()) };
}

async function run(call: CommandCall, unfollow: boolean): Promise<string> {
  const { deps, ctx, usage } = call;
  const typed = read(call.words);
  if (!typed) return usage();
  let choice: FollowChoice | null = null;
  if (!unfollow) {
    if (typed.rest.length > 1 || (typed.rest[0] && !['all', 'decisions'].includes(typed.rest[0])))
      return usage();
    choice = typed.rest[0] === 'decisions' ? 'decisions' : 'all';
  } else if (typed.rest.length > 0) return usage();
  const self = !typed.person || userIdIn(typed.person) === ctx.actor.userId;
  if (self) {
    const own = choice
      ? await deps.followers.follow(ctx, typed.id, choice)
      : await deps.followers.unfollow(ctx, typed.id);
    if (own.kind === 'external') return followReplies.external();
    if (own.kind === 'not_found') return commandReply.notFound(typed.id);
    return followReplies.done(typed.id, own.following);
  }
  const result = await deps.followers.followFor(ctx, typed.id, typed.person as string, choice);
  if (result.kind === 'external') return followReplies.external();
  if (result.kind === 'forbidden') return commandReply.forbidden('followersFor');
  if (result.kind === 'not_found') return commandReply.notFound(typed.id);
  if (result.kind === 'invalid') return commandReply.invalid(result.message);
  const userId = result.userId as string;
  return result.following
    ? followReplies.named(typed.id, userId, result.following)
    : followReplies.unnamed(typed.id, userId);
}

export const followCommand = (call: CommandCall) => run(call, false);
export const unfollowCommand = (call: CommandCall) => run(call, true);
