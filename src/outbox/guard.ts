import type { OutboxRow } from '../db/repositories/outbox.js';
import { markCancelled, markRetry, stillPending } from '../db/repositories/outboxAttempts.js';
import { conversationOf } from '../db/repositories/outboxRows.js';
import type { Pacing } from './pacing.js';
import { backoffMs } from './retry.js';
import type { OutboxWorkerOptions } from './types.js';

export type GuardDeps = Pick<
  OutboxWorkerOptions,
  'db' | 'clock' | 'logger' | 'guard' | 'onPartnerChannelBlocked'
> & { pacing: Pacing; wallNow: () => number };

/**
 * Whether the row may still go to its conversation (the delivery guard). When it may not, the row is handled here
 * (dropped for good, or held to be tried again) and the answer is false.
 */
export async function cleared(deps: GuardDeps, row: OutboxRow): Promise<boolean> {
  const { db, clock, logger, pacing } = deps;
  // A change committed while this delivery waited for its turn may have cancelled it (a reminder, once answered).
  if (!(await stillPending(db, row.id))) {
    pacing.forget(row.id);
    return false;
  }
  const verdict = (await deps.guard?.(row)) ?? { kind: 'send' };
  if (verdict.kind === 'drop') {
    pacing.forget(row.id);
    await db.transaction((tx) => markCancelled(tx, row, verdict.reason));
    logger.error(
      {
        outboxId: row.id,
        handoffId: row.handoffId,
        channel: conversationOf(row.channelKey),
        reason: verdict.reason,
      },
      'outbox message dropped: its conversation may not receive it',
    );
    return false;
  }
  // A post that may have gone out already is not held back: its delivery looks for it first, and posts at most once.
  if (verdict.kind === 'wait' && !row.uncertainSince) {
    pacing.forget(row.id);
    const now = clock.now();
    const waits = await db.transaction((tx) =>
      markRetry(tx, row, {
        now,
        nextAttemptAt: verdict.until,
        error: verdict.reason,
        unlessWoken: true,
        counted: false,
      }),
    );
    if (waits > 0)
      logger.debug({ outboxId: row.id, handoffId: row.handoffId, until: verdict.until }, verdict.reason);
    return false;
  }
  if (verdict.kind === 'hold') {
    const wait = backoffMs(row.attempts, 'access');
    const now = clock.now();
    // A post that may have gone out before stays marked: once released, it is looked for before posting again.
    const uncertainAt = row.uncertainSince ? new Date(deps.wallNow()) : undefined;
    pacing.forget(row.id);
    const held = await db.transaction((tx) =>
      markRetry(tx, row, {
        now,
        nextAttemptAt: new Date(now.getTime() + wait),
        error: verdict.reason,
        uncertainAt,
        unlessWoken: true,
      }),
    );
    // Released meanwhile (the app invited back, the channel found unshared): due now, asked again at the next look.
    if (held === 0) return false;
    // Once per row and hold: a held row is tried again and again (up to hourly) with nothing new to say.
    if (row.lastError !== verdict.reason) {
      logger.warn(
        {
          outboxId: row.id,
          handoffId: row.handoffId,
          channel: conversationOf(row.channelKey),
          audience: row.audience,
          reason: verdict.reason,
        },
        verdict.log,
      );
    }
    if (row.audience === 'partner') await deps.onPartnerChannelBlocked?.(row, verdict.reason);
    return false;
  }
  return true;
}
