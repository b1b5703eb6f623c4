import { partnerChannelBlocked } from '../blocks/notices.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue, type OutboxRow } from '../db/repositories/outbox.js';

/** Tells a handoff's owner, once per blocked update, that it waits until the app is invited to the partner channel. */
export function partnerChannelBlockedNotifier(deps: { db: Db; clock: Clock; onOutboxWrite: () => void }) {
  return (row: OutboxRow, error: string): void => {
    const handoff = row.handoffId === null ? undefined : findHandoff(deps.db, row.handoffId);
    if (!handoff) return;
    const message = partnerChannelBlocked(handoff, error);
    enqueue(
      deps.db,
      [
        {
          method: 'chat.postMessage',
          // Once per blocked update: the first refusal of each waiting message tells the owner, retries do not.
          dedupeKey: `handoff:${handoff.id}:partner_channel_blocked:${row.id}`,
          channel: handoff.ownerUserId,
          handoffId: handoff.id,
          payload: { text: message.text, blocks: message.blocks },
        },
      ],
      deps.clock.now(),
    );
    deps.onOutboxWrite();
  };
}
