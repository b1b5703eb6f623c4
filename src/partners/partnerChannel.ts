import { partnerChannelBlocked } from '../blocks/notices.js';
import type { Clock } from '../clock.js';
import { ENDED_BY_INVITE } from '../core/channelAccess.js';
import type { Db, Tx } from '../db/client.js';
import { insertChannelAccessNotice } from '../db/repositories/channelAccessNotices.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue, isQueued, type OutboxRow } from '../db/repositories/outbox.js';
import { handoffsWaitingIn } from '../db/repositories/outboxChannels.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import type { HandoffRow } from '../db/schema.js';

interface Deps {
  db: Db;
  clock: Clock;
  onOutboxWrite: () => void;
}

/**
 * Tells the owner of every handoff with partner updates waiting in a channel the app cannot post in: only the first
 * message in line is tried, but everyone whose update waits behind it should know. Blocked: Slack refused it (not in
 * the channel, archived), the channel is held, or the app was removed from it (core/channelAccess.ts; the notice
 * then asks for an invite). The app invited back: `ChannelAccess.joined`, which edits the notices of an invite.
 */
export function partnerChannelBlockedNotifier(deps: Deps) {
  return async (row: OutboxRow, error: string): Promise<void> => {
    const ids = new Set([
      ...(row.handoffId === null ? [] : [row.handoffId]),
      ...(await handoffsWaitingIn(deps.db, row.channelKey)),
    ]);
    const now = deps.clock.now();
    const told = await deps.db.transaction(async (tx) => {
      const queued: number[] = [];
      for (const id of ids) {
        const handoff = await findHandoff(tx, id);
        if (handoff !== undefined && (await tellOwner(tx, handoff, row, error, now))) queued.push(id);
      }
      return queued;
    });
    if (told.length > 0) deps.onOutboxWrite();
  };
}

/**
 * Queues the owner's notice unless they were told of this wait already; true when it was queued. A wait an invite
 * ends is told once per handoff until the app is back, and remembered (channel_access_notices) so the invite edits
 * the notice; any other (a held or archived channel) once per blocked update.
 */
async function tellOwner(tx: Tx, h: HandoffRow, row: OutboxRow, error: string, now: Date): Promise<boolean> {
  const channelId = row.channelKey;
  const remembered = (ENDED_BY_INVITE as readonly string[]).includes(error);
  const key = remembered
    ? `handoff:${h.id}:not_in_channel:${channelId}:${row.id}:${now.getTime()}`
    : `handoff:${h.id}:partner_channel_blocked:${row.id}`;
  const told = remembered
    ? !(await insertChannelAccessNotice(tx, {
        messageKey: key,
        channelId,
        readerUserId: h.ownerUserId,
        handoffId: h.id,
        toldAt: now,
      }))
    : await isQueued(tx, key);
  if (told) return false;
  const message = partnerChannelBlocked(h, error);
  await enqueue(
    tx,
    [
      {
        method: 'chat.postMessage',
        dedupeKey: key,
        channel: h.ownerUserId,
        handoffId: h.id,
        payload: { text: message.text, blocks: message.blocks },
        ...(remembered ? { recordAs: key } : {}),
      },
    ],
    now,
  );
  // Their decision notice may have said the partner reads of the answer: now it waits (core/surfaces.ts).
  await requestRefresh(tx, h.id, now);
  return true;
}
