import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { changed, first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import { preparedQuery } from '../prepared.js';
import type { RemovedChannelRow } from '../schema.js';

/**
 * The channels the app was removed from (core/channelAccess.ts): the database is the truth, so a removal survives
 * a restart and every process on the database sees the same.
 */

export type { RemovedChannelRow };

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

// Asked before each post to a channel (the delivery guard): one primary-key lookup, prepared once per connection.
const isRemovedQuery = preparedQuery('removed_channel_is_removed', (exec, { removedChannels }) =>
  exec
    .select({ channelId: removedChannels.channelId })
    .from(removedChannels)
    .where(and(own(exec, removedChannels), eq(removedChannels.channelId, sql.placeholder('channelId')))),
);

/** Whether the app was removed from the channel and not yet invited back. */
export async function isChannelRemoved(exec: Executor, channelId: string): Promise<boolean> {
  return (await isRemovedQuery.first(exec, { channelId })) !== undefined;
}

export async function findRemovedChannel(
  exec: Executor,
  channelId: string,
): Promise<RemovedChannelRow | undefined> {
  const { removedChannels } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(removedChannels)
      .where(and(own(exec, removedChannels), eq(removedChannels.channelId, channelId))),
  );
}

/** Records a removal unless one is recorded already: true when it is news (this call wrote it). */
export async function insertRemovedChannel(
  exec: Tx,
  row: Pick<RemovedChannelRow, 'channelId' | 'how' | 'since'>,
): Promise<boolean> {
  const { removedChannels } = tablesOf(exec);
  return changed(await exec.insert(removedChannels).values(ownRow(exec, row)).onConflictDoNothing()) > 0;
}

/** The admins were told of the removal (written in the transaction that queued their DMs). */
export async function markAdminsTold(exec: Tx, channelId: string, at: Date): Promise<void> {
  const { removedChannels } = tablesOf(exec);
  await exec
    .update(removedChannels)
    .set({ adminsToldAt: at })
    .where(and(own(exec, removedChannels), eq(removedChannels.channelId, channelId)));
}

/** The app is in the channel again: true when a removal was recorded. */
export async function deleteRemovedChannel(exec: Tx, channelId: string): Promise<boolean> {
  const { removedChannels } = tablesOf(exec);
  const deleted = await exec
    .delete(removedChannels)
    .where(and(own(exec, removedChannels), eq(removedChannels.channelId, channelId)));
  return changed(deleted) > 0;
}

/** The channels to ask Slack about, the longest removed first, at most `limit`. */
export async function removedChannelIds(exec: Executor, limit: number): Promise<string[]> {
  const { removedChannels } = tablesOf(exec);
  const rows = await exec
    .select({ channelId: removedChannels.channelId })
    .from(removedChannels)
    .where(own(exec, removedChannels))
    .orderBy(asc(removedChannels.since), asc(removedChannels.channelId))
    .limit(limit);
  return rows.map((row) => row.channelId);
}
