import { eq, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { internalChannelSharing } from '../schema.js';

/**
 * Records what Slack said of an internal channel at `at` (shared with another organization or not), unless a newer
 * word is already recorded. Returns what was recorded before (undefined: nothing) and what holds now.
 */
export async function recordSharing(
  tx: Tx,
  channelId: string,
  shared: boolean,
  at: Date,
): Promise<{ was: boolean | undefined; now: boolean }> {
  const before = tx
    .select()
    .from(internalChannelSharing)
    .where(eq(internalChannelSharing.channelId, channelId))
    .get();
  if (before && before.checkedAt.getTime() > at.getTime()) return { was: before.shared, now: before.shared };
  tx.insert(internalChannelSharing)
    .values({ channelId, shared, checkedAt: at })
    .onConflictDoUpdate({
      target: internalChannelSharing.channelId,
      set: { shared, checkedAt: at },
      setWhere: sql`${internalChannelSharing.checkedAt} <= ${at.getTime()}`,
    })
    .run();
  return { was: before?.shared, now: shared };
}

/** Whether Slack last said the channel is shared with another organization (undefined: no word recorded). */
export async function sharingOf(exec: Executor, channelId: string): Promise<boolean | undefined> {
  return exec
    .select({ shared: internalChannelSharing.shared })
    .from(internalChannelSharing)
    .where(eq(internalChannelSharing.channelId, channelId))
    .get()?.shared;
}
