import { and, asc, eq, min } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { changed, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { ChannelAccessNoticeRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * The DMs that told someone the app is not in a channel (core/channelAccess.ts): remembered until the app is in
 * it again, when each is edited to say so.
 */

export type { ChannelAccessNoticeRow };

/**
 * Records a notice about to be queued; false when one for this handoff and channel is recorded already (its owner was
 * told, and the app is not back yet), so nobody is told twice of one wait.
 */
export async function insertChannelAccessNotice(
  exec: Tx,
  row: Pick<ChannelAccessNoticeRow, 'messageKey' | 'channelId' | 'readerUserId' | 'handoffId' | 'toldAt'>,
): Promise<boolean> {
  const { channelAccessNotices } = tablesOf(exec);
  return changed(await exec.insert(channelAccessNotices).values(ownRow(exec, row)).onConflictDoNothing()) > 0;
}

/** The notices of a channel, oldest first. */
export async function channelAccessNoticesIn(
  exec: Executor,
  channelId: string,
): Promise<ChannelAccessNoticeRow[]> {
  const { channelAccessNotices } = tablesOf(exec);
  return exec
    .select()
    .from(channelAccessNotices)
    .where(and(own(exec, channelAccessNotices), eq(channelAccessNotices.channelId, channelId)))
    .orderBy(asc(channelAccessNotices.toldAt), asc(channelAccessNotices.messageKey));
}

/** The app is in the channel again: its notices are edited, and forgotten. */
export async function deleteChannelAccessNotices(exec: Tx, channelId: string): Promise<number> {
  const { channelAccessNotices } = tablesOf(exec);
  return changed(
    await exec
      .delete(channelAccessNotices)
      .where(and(own(exec, channelAccessNotices), eq(channelAccessNotices.channelId, channelId))),
  );
}

/** The channels some notice says the app is not in, the longest told first, at most `limit`: for the re-check. */
export async function channelsWithAccessNotices(exec: Executor, limit: number): Promise<string[]> {
  const { channelAccessNotices } = tablesOf(exec);
  const rows = await exec
    .select({ channelId: channelAccessNotices.channelId })
    .from(channelAccessNotices)
    .where(own(exec, channelAccessNotices))
    .groupBy(channelAccessNotices.channelId)
    .orderBy(asc(min(channelAccessNotices.toldAt)), asc(channelAccessNotices.channelId))
    .limit(limit);
  return rows.map((row) => row.channelId);
}
