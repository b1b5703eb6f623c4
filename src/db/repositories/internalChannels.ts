import { and, eq, lte } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

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
  const { internalChannelSharing } = tablesOf(tx);
  const before = await first(
    tx
      .select()
      .from(internalChannelSharing)
      .where(and(own(tx, internalChannelSharing), eq(internalChannelSharing.channelId, channelId))),
  );
  if (before && before.checkedAt.getTime() > at.getTime()) return { was: before.shared, now: before.shared };
  await tx
    .insert(internalChannelSharing)
    .values(ownRow(tx, { channelId, shared, checkedAt: at }))
    .onConflictDoUpdate({
      target: [internalChannelSharing.installationId, internalChannelSharing.channelId],
      set: { shared, checkedAt: at },
      // The recorded word (the existing row's checked_at) is not newer than this one.
      setWhere: lte(internalChannelSharing.checkedAt, at),
    });
  return { was: before?.shared, now: shared };
}

/** Whether Slack last said the channel is shared with another organization (undefined: no word recorded). */
export async function sharingOf(exec: Executor, channelId: string): Promise<boolean | undefined> {
  const { internalChannelSharing } = tablesOf(exec);
  return (
    await first(
      exec
        .select({ shared: internalChannelSharing.shared })
        .from(internalChannelSharing)
        .where(and(own(exec, internalChannelSharing), eq(internalChannelSharing.channelId, channelId))),
    )
  )?.shared;
}
