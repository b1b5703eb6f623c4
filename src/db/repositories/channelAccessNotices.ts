import { asc, eq, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { type ChannelAccessNoticeRow, channelAccessNotices } from '../schema.js';

/**
 * The DMs that told someone the app is not in a channel (partners/channelAccess.ts): remembered until the app is in
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
  return exec.insert(channelAccessNotices).values(row).onConflictDoNothing().run().changes > 0;
}

/** The notices of a channel, oldest first. */
export async function channelAccessNoticesIn(
  exec: Executor,
  channelId: string,
): Promise<ChannelAccessNoticeRow[]> {
  return exec
    .select()
    .from(channelAccessNotices)
    .where(eq(channelAccessNotices.channelId, channelId))
    .orderBy(asc(channelAccessNotices.toldAt), asc(channelAccessNotices.messageKey))
    .all();
}

/** The app is in the channel again: its notices are edited, and forgotten. */
export async function deleteChannelAccessNotices(exec: Tx, channelId: string): Promise<number> {
  return exec.delete(channelAccessNotices).where(eq(channelAccessNotices.channelId, channelId)).run().changes;
}

/** The channels some notice says the app is not in, the longest told first, at most `limit`: for the re-check. */
export async function channelsWithAccessNotices(exec: Executor, limit: number): Promise<string[]> {
  return exec
    .select({
      channelId: channelAccessNotices.channelId,
      since: sql<number>`min(${channelAccessNotices.toldAt})`,
    })
    .from(channelAccessNotices)
    .groupBy(channelAccessNotices.channelId)
    .orderBy(sql`min(${channelAccessNotices.toldAt})`, asc(channelAccessNotices.channelId))
    .limit(limit)
    .all()
    .map((row) => row.channelId);
}
