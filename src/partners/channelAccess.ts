import { appRemovedFromChannel } from '../blocks/channelAccess.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { enqueue, type OutboxRow } from '../db/repositories/outbox.js';
import { wakeChannel } from '../db/repositories/outboxChannels.js';
import { findChannelBinding } from '../db/repositories/partners.js';
import { forgetAccessErrors } from '../db/repositories/slackEvents.js';
import type { Logger } from '../logger.js';
import type { Directory } from '../services/directory.js';
import type { InternalChannelSource } from './internalChannels.js';

/**
 * Why a row waits for a channel the app was removed from (its `last_error`): the app's own word, never one of
 * Slack's codes, so a row held before a restart is told apart from one Slack refused.
 */
export const APP_REMOVED = 'app_removed_from_channel';

/** Slack's refusals of a post that mean the app is not in the channel (or can no longer see it). */
const NOT_IN_CHANNEL = ['not_in_channel', 'channel_not_found'] as const;

export interface ChannelAccessDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Pick<Directory, 'lookupChannel'>;
  /** Every place that names an internal channel the app posts to: its admins' notice says what waits there. */
  internalSources: readonly InternalChannelSource[];
  adminUserIds: readonly string[];
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
 * the directory, or one a waiting post is refused in. Kept in memory: after a restart, an internal row held for it
 * (its last error) or refused for it says so again, and the re-check then asks Slack. A partner update Slack refused
 * waits as it always did (outbox/retry.ts).
 */
export function createChannelAccess(deps: ChannelAccessDeps) {
  const { db, clock, logger } = deps;
  /** The channels the app is not in (as far as it knows). */
  const removed = new Set<string>();

  /**
   * Records a removal. Admins hear of an internal channel, unless its row was held before a restart (`held`: they
   * were told then). A channel the app does not post to is not recorded (nothing to hold, nothing to re-check).
   */
  function noteRemoved(channelId: string, how: 'event' | 'refused' | 'held'): boolean {
    if (removed.has(channelId)) return false;
    const sources = deps.internalSources.filter((s) => s.channelId === channelId);
    if (how === 'event' && sources.length === 0 && !findChannelBinding(db, channelId)) return false;
    removed.add(channelId);
    logger.warn(
      { channelId, how },
      'the app is not in this channel: what would go there waits for an invite',
    );
    if (how !== 'held' && sources.length > 0) tellAdmins(deps, channelId, sources, clock.now());
    return true;
  }

  /** The app is in the channel again: what waited goes out now (the refusals it recorded are forgotten). */
  function release(channelId: string): number {
    const was = removed.delete(channelId);
    const now = clock.now();
    const woken = db.transaction((tx) => {
      forgetAccessErrors(tx, channelId, [APP_REMOVED, ...NOT_IN_CHANNEL]);
      return wakeChannel(tx, channelId, now);
    });
    if (was) logger.info({ channelId, woken }, 'the app is in this channel again: what waited goes out');
    if (woken > 0) deps.onOutboxWrite();
    return woken;
  }

  return {
    /** `channel_left` / `group_left`: true when it was news (a repeated event changes nothing). */
    left: (channelId: string): boolean => noteRemoved(channelId, 'event'),

    /**
     * Asked by the delivery guard before each post to a channel: whether it must wait because the app is not in it.
     * An internal row's last error is the late word: Slack refused it for that (told to admins), or it was held for
     * it before a restart (told then).
     */
    holds(row: OutboxRow): boolean {
      const error = row.lastError;
      if (row.audience === 'internal' && error) {
        if (error === APP_REMOVED) noteRemoved(row.channelKey, 'held');
        else if ((NOT_IN_CHANNEL as readonly string[]).includes(error))
          noteRemoved(row.channelKey, 'refused');
      }
      return removed.has(row.channelKey);
    },

    /** `member_joined_channel` for the app: returns how many waiting messages were made due. */
    joined: (channelId: string): number => release(channelId),

    /**
     * Asks Slack about each channel the app was removed from (conversations.info): one it is a member of again is
     * released. For an invite whose event was lost, and after a restart. Scheduled; a few channels a run.
     */
    async recheck(limit = 20): Promise<number> {
      let released = 0;
      for (const channelId of [...removed.keys()].slice(0, limit)) {
        const channel = await deps.directory.lookupChannel(channelId).catch(() => undefined);
        if (channel?.isMember && removed.has(channelId)) {
          release(channelId);
          released += 1;
        }
      }
      return released;
    },
  };
}

export type ChannelAccess = ReturnType<typeof createChannelAccess>;

/** Each admin gets one DM per removal: which internal posts wait there, and the invite that sends them. */
function tellAdmins(
  deps: ChannelAccessDeps,
  channelId: string,
  sources: readonly InternalChannelSource[],
  now: Date,
): void {
  if (deps.adminUserIds.length === 0) return;
  const message = appRemovedFromChannel(channelId, sources);
  enqueue(
    deps.db,
    deps.adminUserIds.map((admin) => ({
      method: 'chat.postMessage' as const,
      dedupeKey: `app_removed:${channelId}:${now.getTime()}:${admin}`,
      channel: admin,
      payload: { text: message.text, blocks: message.blocks },
    })),
    now,
  );
  deps.onOutboxWrite();
}
