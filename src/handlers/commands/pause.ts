import { commandReply } from '../../blocks/commandReplies.js';
import { myDaysReplies } from '../../blocks/myDays.js';
import type { MyDaysResult } from '../../program/myDays.js';
import type { CommandCall } from './call.js';

/** Whether someone other than the person manages one of these pools (they were told). */
const toldAnyone = (userId: string, result: Extract<MyDaysResult, { kind: 'saved' }>) =>
  result.pools.some((p) => p.managers.some((m) => m !== userId));

/**
 * `/handoff pause` (until they resume) or `/handoff pause until 2026-12-03` (through that day, in their calendar):
 * out of their pools' round robin; their pools' managers are told by DM.
 */
export async function pauseCommand({ deps, ctx, words, usage }: CommandCall): Promise<string | undefined> {
  const args = words.map((w) => w.toLowerCase());
  const said = args[0] === 'until' ? args.shift() : undefined;
  if (args.length > 1 || (said && args.length === 0)) return usage();
  const until = args[0];
  if (until !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(until))
    return usage('Give the last day as a date like 2026-12-03.');
  const result = await deps.myDays.pause(ctx, until ?? 'until_resumed');
  if (result.kind === 'forbidden') return commandReply.external();
  if (result.kind === 'invalid') return commandReply.invalid(result.message);
  return myDaysReplies.paused(
    result.paused ?? 'until_resumed',
    result.pools.map((p) => p.name),
    toldAnyone(ctx.actor.userId, result),
  );
}

/** `/handoff resume`: back in their pools; their managers are told. */
export async function resumeCommand({ deps, ctx, words, usage }: CommandCall): Promise<string | undefined> {
  if (words.length > 0) return usage();
  const was = await deps.myDays.pausedNow(ctx.actor.userId);
  const result = await deps.myDays.pause(ctx, undefined);
  if (result.kind === 'forbidden') return commandReply.external();
  if (result.kind === 'invalid') return commandReply.invalid(result.message);
  if (was === undefined) return myDaysReplies.notPaused();
  return myDaysReplies.resumed(
    result.pools.map((p) => p.name),
    toldAnyone(ctx.actor.userId, result),
  );
}
