import { commandReply } from '../../blocks/commandReplies.js';
import { myDaysReplies } from '../../blocks/myDays.js';
import { may } from '../../domain/permissions.js';
import type { MyDaysResult } from '../../program/myDays.js';
import { namesPerson, userIdIn } from '../../program/people.js';
import type { CommandCall } from './call.js';

/** Whether someone other than the person (and whoever did it) manages one of these pools: they were told. */
const toldAnyone = (userId: string, result: Extract<MyDaysResult, { kind: 'saved' }>, actor = userId) =>
  result.pools.some((p) => p.managers.some((m) => m !== userId && m !== actor));

/**
 * Whose pause a command changes: the actor's own, or (first word a person: `@Sam`, a mention, a member ID, an
 * email) that person's, for an admin (`pauseOthers`). A string: the answer (refused, or nobody found).
 */
async function whose(call: CommandCall): Promise<{ userId: string; other: boolean } | string> {
  const { deps, ctx, words } = call;
  const self = ctx.actor.userId;
  const first = words[0];
  if (first === undefined || !namesPerson(first)) return { userId: self, other: false };
  words.shift();
  if (userIdIn(first) === self) return { userId: self, other: false };
  // Refused before anyone is looked up: the answer says nothing of who they named.
  if (!may(deps.roles, ctx, 'pauseOthers')) return commandReply.forbidden('pauseOthers');
  const person = await deps.myDays.personToPause(ctx, first);
  if ('problem' in person) return commandReply.invalid(person.problem);
  return { userId: person.userId, other: person.userId !== self };
}

/**
 * `/handoff pause` (until they resume) or `/handoff pause until 2026-12-03` (through that day, in their calendar):
 * out of their pools' round robin; their pools' managers are told by DM. An admin names someone first
 * (`/handoff pause @Sam until 2026-12-18`): the same pause, set for them, and they are told too.
 */
export async function pauseCommand(call: CommandCall): Promise<string | undefined> {
  const { deps, ctx, usage } = call;
  const who = await whose(call);
  if (typeof who === 'string') return who;
  const args = call.words.map((w) => w.toLowerCase());
  const said = args[0] === 'until' ? args.shift() : undefined;
  if (args.length > 1 || (said && args.length === 0)) return usage();
  const until = args[0];
  if (until !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(until))
    return usage('Give the last day as a date like 2026-12-03.');
  const result = await deps.myDays.pause(ctx, until ?? 'until_resumed', who.userId);
  if (result.kind === 'forbidden')
    return who.other ? commandReply.forbidden('pauseOthers') : commandReply.external();
  if (result.kind === 'invalid') return commandReply.invalid(result.message);
  const pools = result.pools.map((p) => p.name);
  if (who.other)
    return myDaysReplies.pausedOther(
      who.userId,
      result.paused ?? 'until_resumed',
      pools,
      toldAnyone(who.userId, result, ctx.actor.userId),
    );
  return myDaysReplies.paused(result.paused ?? 'until_resumed', pools, toldAnyone(ctx.actor.userId, result));
}

/** `/handoff resume` (or an admin's `/handoff resume @Sam`): back in their pools; their managers are told. */
export async function resumeCommand(call: CommandCall): Promise<string | undefined> {
  const { deps, ctx, usage } = call;
  const who = await whose(call);
  if (typeof who === 'string') return who;
  if (call.words.length > 0) return usage();
  const was = await deps.myDays.pausedNow(who.userId);
  if (was === undefined && who.other) return myDaysReplies.notPausedOther(who.userId);
  const result = await deps.myDays.pause(ctx, undefined, who.userId);
  if (result.kind === 'forbidden')
    return who.other ? commandReply.forbidden('pauseOthers') : commandReply.external();
  if (result.kind === 'invalid') return commandReply.invalid(result.message);
  const pools = result.pools.map((p) => p.name);
  if (who.other)
    return myDaysReplies.resumedOther(who.userId, pools, toldAnyone(who.userId, result, ctx.actor.userId));
  if (was === undefined) return myDaysReplies.notPaused();
  return myDaysReplies.resumed(pools, toldAnyone(ctx.actor.userId, result));
}
