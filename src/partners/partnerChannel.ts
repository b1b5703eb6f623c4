import { partnerChannelBlocked } from '../blocks/notices.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue, isQueued, type OutboxRow } from '../db/repositories/outbox.js';
import { handoffsWaitingIn } from '../db/repositories/outboxChannels.js';
import { requestRefresh } from '../db/repositories/surfaces.js';

interface Deps {
  db: Db;
  clock: Clock;
  onOutboxWrite: () => void;
}

/**
 * Tells the owner of every handoff with partner updates waiting in a channel the app cannot post in, once per
 * blocked update: only the first message in line is tried, but everyone whose update waits behind it should know.
 * Blocked: Slack refused it (not in the channel, archived), the channel is held, or the app was removed from it
 * (partners/channelAccess.ts; the notice then asks for an invite). The app invited back: `ChannelAccess.joined`.
 */
export function partnerChannelBlockedNotifier(deps: Deps) {
  return (row: OutboxRow, error: string): void => {
    const ids = new Set([
      ...(row.handoffId === null ? [] : [row.handoffId]),
      ...handoffsWaitingIn(deps.db, row.channelKey),
    ]);
    const messages = [...ids].flatMap((id) => {
      const handoff = findHandoff(deps.db, id);
      if (!handoff) return [];
      const message = partnerChannelBlocked(handoff, error);
      return [
        {
          method: 'chat.postMessage' as const,
          dedupeKey: `handoff:${handoff.id}:partner_channel_blocked:${row.id}`,
          channel: handoff.ownerUserId,
          handoffId: handoff.id,
          payload: { text: message.text, blocks: message.blocks },
        },
      ];
    });
    const news = messages.filter((m) => !isQueued(deps.db, m.dedupeKey));
    if (news.length === 0) return;
    const now = deps.clock.now();
    deps.db.transaction((tx) => {
      enqueue(tx, news, now);
      // Their decision notices may have said the partner reads of the answer: now it waits (services/surfaces.ts).
      for (const m of news) requestRefresh(tx, m.handoffId, now);
    });
    deps.onOutboxWrite();
  };
}
