import {
  appBackInChannel,
  appRemovedFromChannel,
  partnerUpdateReleased,
  type Removal,
} from '../blocks/channelAccess.js';
import type { Clock } from '../clock.js';
import type { Db, Executor, Tx } from '../db/client.js';
import {
  type ChannelAccessNoticeRow,
  channelAccessNoticesIn,
  channelsWithAccessNotices,
  deleteChannelAccessNotices,
  insertChannelAccessNotice,
} from '../db/repositories/channelAccessNotices.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue, type OutboxMessage, type OutboxRow } from '../db/repositories/outbox.js';
import {
  countPendingIn,
  handoffsWaitingIn,
  waitsAfter,
  wakeChannel,
} from '../db/repositories/outboxChannels.js';
import { conversationOf } from '../db/repositories/outboxRows.js';
import { findChannelBinding } from '../db/repositories/partners.js';
import { findPostedMessage, outboxStatusByRecordAs } from '../db/repositories/postedMessages.js';
import {
  deleteRemovedChannel,
  insertRemovedChannel,
  isChannelRemoved,
  markAdminsTold,
  removedChannelIds,
} from '../db/repositories/removedChannels.js';
import { forgetAccessErrors } from '../db/repositories/slackEvents.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import type { InternalChannelSource } from '../domain/internalChannels.js';
import type { Logger } from '../logger.js';
import type { Directory } from './directory.js';

/**
 * Why a row waits for a channel the app was removed from (its `last_error`): the app's own word, never one of
 * Slack's codes, so a hold is told apart from a refusal (the invite forgets both: `forgetAccessErrors`).
 */
export const APP_REMOVED = 'app_removed_from_channel';

/** Slack's refusals of a post that mean the app is not in the channel (or can no longer see it). */
const NOT_IN_CHANNEL = ['not_in_channel', 'channel_not_found'] as const;

/** Why a row waits that the app's being in the channel ends: its owner's notice is edited once it is (partnerChannel.ts). */
export const ENDED_BY_INVITE = [APP_REMOVED, ...NOT_IN_CHANNEL] as const;

export interface ChannelAccessDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Pick<Directory, 'lookupChannel'>;
  /** Every place that names an internal channel the app posts to: its admins' notice says what waits there. */
  internalSources: () => readonly InternalChannelSource[];
  adminUserIds: readonly string[];
  /** The zone of a date's fallback text (Slack shows each reader the date in their own zone). */
  timeZone: string;
  onOutboxWrite: () => void;
}

/**
 * The channels the app was removed from, as Slack said it: `channel_left` / `group_left` (sent to the app when
 * someone removes it), or late, a post to an internal channel refused with `not_in_channel` / `channel_not_found`.
 * What would go there is held by the delivery guard (partners/channelGuard.ts), never dropped or parked; admins are
 * told once of an internal channel (the owner of a partner update is told when it is held: partnerChannel.ts). It
 * ends when the app is invited back (`member_joined_channel`), or when the re-check finds it a member again.
 *
 * Only channels the app posts to count: an internal channel a setting or the policy file names, a partner channel of
 * the directory, or one a waiting post is refused in. Kept in the database (`removed_channels`), not in memory: a
 * restart (or another process on the same database) still holds what would go there without trying it, the admins'
 * DM is queued in the transaction that records the removal, so they are told once per removal whatever restarts, and
 * the invite deletes it. A partner update Slack refused without an event waits as it always did (outbox/retry.ts).
 */
export function createChannelAccess(deps: ChannelAccessDeps) {
  const { db } = deps;
  return {
    /** `channel_left` / `group_left`: true when it was news (a repeated event, also after a restart, changes nothing). */
    left: (channelId: string, by?: string): Promise<boolean> =>
      noteRemoved(deps, channelId, by ? { how: 'event', by } : { how: 'event' }),

    /**
     * Asked by the delivery guard before each post to a channel: whether it must wait because the app is not in it
     * (one primary-key read of `removed_channels`). An internal row's last error is the late word: Slack refused it
     * because the app is not in the channel, which is recorded (and told to admins) as a removal.
     */
    async holds(row: OutboxRow): Promise<boolean> {
      const channel = conversationOf(row.channelKey);
      if (await isChannelRemoved(db, channel)) return true;
      const error = row.lastError;
      if (row.audience !== 'internal' || !error) return false;
      if (!(NOT_IN_CHANNEL as readonly string[]).includes(error)) return false;
      await noteRemoved(deps, channel, { how: 'refused' });
      return true;
    },

    /** `member_joined_channel` for the app: returns how many waiting messages were made due. */
    joined: (channelId: string): Promise<number> => release(deps, channelId),

    /**
     * Asks Slack about each channel the app was removed from (conversations.info), the longest removed first, and each
     * one someone was told it is not in (a partner post refused without an event): one it is a member of again is
     * released. For an invite whose event was lost. Scheduled; a few channels a run.
     */
    async recheck(limit = 20): Promise<number> {
      let released = 0;
      const removed = await removedChannelIds(db, limit);
      const out = new Set([...removed, ...(await channelsWithAccessNotices(db, limit))]);
      for (const channelId of out) {
        const channel = await deps.directory.lookupChannel(channelId).catch(() => undefined);
        // Asked again after the await: an invite meanwhile has released it already.
        if (channel?.isMember && (await stillOut(db, channelId))) {
          await release(deps, channelId);
          released += 1;
        }
      }
      return released;
    },

    /**
     * Whether the re-check has a channel to ask about: two reads, so that a run with none claims no slot (most
     * installations, most of the time).
     */
    async recheckDue(): Promise<boolean> {
      return (
        (await removedChannelIds(db, 1)).length > 0 || (await channelsWithAccessNotices(db, 1)).length > 0
      );
    },
  };
}

/**
 * Records a removal; true when it was news (no removal of the channel was recorded). Admins hear of an internal
 * channel in the same transaction. A channel the app does not post to is not recorded (nothing to hold or check).
 */
async function noteRemoved(deps: ChannelAccessDeps, channelId: string, removal: Removal): Promise<boolean> {
  const { db, clock, logger } = deps;
  const { how } = removal;
  if (await isChannelRemoved(db, channelId)) return false;
  const sources = deps.internalSources().filter((s) => s.channelId === channelId);
  if (how === 'event' && sources.length === 0 && !(await findChannelBinding(db, channelId))) return false;
  const since = clock.now();
  const told = sources.length > 0 && deps.adminUserIds.length > 0;
  const news = await db.transaction(async (tx) => {
    if (!(await insertRemovedChannel(tx, { channelId, how, since }))) return false;
    if (told) await tellAdmins(tx, deps, { channelId, sources, removal }, since);
    return { refreshed: (await refreshWaiting(tx, channelId, since)).length };
  });
  if (!news) return false;
  // The places that name the channel (settings, the policy file's targets) are for the operator: here, not in Slack.
  const by = removal.how === 'event' ? removal.by : undefined;
  const places = sources.map((s) => s.name);
  logger.warn(
    { channelId, how, ...(by ? { by } : {}), ...(places.length > 0 ? { places } : {}) },
    'the app is not in this channel: what would go there waits for an invite',
  );
  if (told || news.refreshed > 0) deps.onOutboxWrite();
  return true;
}

/** The app is in the channel again: what waited goes out now (the refusals it recorded are forgotten). */
async function release(deps: ChannelAccessDeps, channelId: string): Promise<number> {
  const { db, clock, logger } = deps;
  const now = clock.now();
  // One transaction: a row never keeps a hold's mark (its last error) once the removal is gone.
  const { was, woken, edits } = await db.transaction(async (tx) => {
    const recorded = await deleteRemovedChannel(tx, channelId);
    // Woken first, then forgotten: the wake locks the channel's waiting rows (on Postgres), so a hold the worker
    // decided before this transaction either committed before the wake (and its count is forgotten next) or finds
    // the row woken and is not written (outboxAttempts.ts markRetry `unlessWoken`). Forgotten first, a hold
    // committed in between kept its count: the post was parked one refusal early.
    const woken = await wakeChannel(tx, channelId, now);
    await forgetAccessErrors(tx, channelId, ENDED_BY_INVITE);
    // Their notices said the partner's update waits for the invite: they say now that it goes out.
    const waiting = await refreshWaiting(tx, channelId, now);
    const edits = await resolveNotices(tx, deps, channelId, now, { waiting, woken });
    return { was: recorded, woken, edits: edits + waiting.length };
  });
  if (was) logger.info({ channelId, woken }, 'the app is in this channel again: what waited goes out');
  if (woken > 0 || edits > 0) deps.onOutboxWrite();
  return woken;
}

export type ChannelAccess = ReturnType<typeof createChannelAccess>;

/**
 * Whether what waits in the channel waits for an invite: the app was removed from it, or Slack refused a post waiting
 * there because the app is not in it. What a decision notice says of the partner's update (core/surfaces.ts).
 */
export async function waitsForInvite(db: Executor, channelId: string): Promise<boolean> {
  return (await isChannelRemoved(db, channelId)) || (await waitsAfter(db, channelId, NOT_IN_CHANNEL));
}

/**
 * The handoffs whose partner updates wait in the channel: their messages say whether those updates can go out (a
 * decision notice: the partner's update waits, or the partner reads it), so whatever holds or frees the channel brings
 * them up to date (surfaces.refresh): the removal and the invite here, the directory's hold and the admin's
 * confirmation (partners/channelSharing.ts, partners/partners.ts). Returns their ids.
 */
export async function refreshWaiting(tx: Tx, channelId: string, now: Date): Promise<number[]> {
  const ids = await handoffsWaitingIn(tx, channelId, 1000);
  for (const id of ids) await requestRefresh(tx, id, now);
  return ids;
}

/** Whether the app is still taken as out of the channel: a removal, or a notice saying it is not in it. */
const stillOut = async (db: Executor, channelId: string) =>
  (await isChannelRemoved(db, channelId)) || (await channelAccessNoticesIn(db, channelId)).length > 0;

/**
 * The app is in the channel again: each DM that told someone it was not (channel_access_notices) is edited to say it
 * is back, since when, and what went out, with nothing left to do (a `chat.update` of the outbox, after the DM's own
 * post in its conversation); then forgotten, so a later removal tells again. A DM Slack never took (parked) is left.
 * Returns how many edits were queued.
 */
async function resolveNotices(
  tx: Tx,
  deps: ChannelAccessDeps,
  channelId: string,
  now: Date,
  was: { waiting: readonly number[]; woken: number },
): Promise<number> {
  const edits: OutboxMessage[] = [];
  for (const notice of await channelAccessNoticesIn(tx, channelId)) {
    if (!(await editable(tx, notice.messageKey))) continue;
    const message = await resolvedNotice(tx, deps, notice, now, was);
    if (!message) continue;
    edits.push({
      method: 'chat.update' as const,
      dedupeKey: `${notice.messageKey}:resolved`,
      channel: notice.readerUserId,
      targetMessageKey: notice.messageKey,
      payload: { text: message.text, blocks: message.blocks },
      ...(notice.handoffId === null ? {} : { handoffId: notice.handoffId }),
    });
  }
  await enqueue(tx, edits, now);
  await deleteChannelAccessNotices(tx, channelId);
  return edits.length;
}

/** A notice's DM was posted, or its post still waits (the edit then follows it in its conversation). */
const editable = async (tx: Executor, key: string) =>
  (await findPostedMessage(tx, key)) !== undefined || (await outboxStatusByRecordAs(tx, key)) === 'pending';

/** What a notice says once the app is back: an owner's, of their handoff's update; an admin's, of what waited. */
async function resolvedNotice(
  tx: Executor,
  deps: ChannelAccessDeps,
  notice: ChannelAccessNoticeRow,
  now: Date,
  was: { waiting: readonly number[]; woken: number },
) {
  if (notice.handoffId === null) return appBackInChannel(notice.channelId, now, deps.timeZone, was.woken);
  const h = await findHandoff(tx, notice.handoffId);
  if (!h) return undefined;
  const waited = was.waiting.includes(h.id);
  return partnerUpdateReleased(h, notice.channelId, now, deps.timeZone, waited);
}

/**
 * Each admin gets one DM per removal: which internal posts wait there, and the invite that sends them. Queued in the
 * transaction that records the removal, and marked on it: the DM goes with the record, never twice.
 */
async function tellAdmins(
  tx: Tx,
  deps: ChannelAccessDeps,
  about: { channelId: string; sources: readonly InternalChannelSource[]; removal: Removal },
  now: Date,
): Promise<void> {
  const { channelId, sources, removal } = about;
  const message = appRemovedFromChannel(channelId, sources, removal, await countPendingIn(tx, channelId));
  const keyOf = (admin: string) => `app_removed:${channelId}:${now.getTime()}:${admin}`;
  await enqueue(
    tx,
    deps.adminUserIds.map((admin) => ({
      method: 'chat.postMessage' as const,
      dedupeKey: keyOf(admin),
      channel: admin,
      payload: { text: message.text, blocks: message.blocks },
      // Remembered, so the invite edits it (resolveNotices).
      recordAs: keyOf(admin),
    })),
    now,
  );
  for (const admin of deps.adminUserIds) {
    await insertChannelAccessNotice(tx, {
      messageKey: keyOf(admin),
      channelId,
      readerUserId: admin,
      handoffId: null,
      toldAt: now,
    });
  }
  await markAdminsTold(tx, channelId, now);
}
