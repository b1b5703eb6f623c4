import type { OutboxRow } from '../db/repositories/outbox.js';
import { deferMethod, markRetry } from '../db/repositories/outboxAttempts.js';
import { attemptsMade, markDead } from '../db/repositories/outboxParked.js';
import { conversationOf } from '../db/repositories/outboxRows.js';
import { classifyFailure } from './failures.js';
import type { DeliveryKind } from './kinds/kind.js';
import { isMethodLimit } from './kinds/table.js';
import type { Pacing } from './pacing.js';
import type { OutboxWorkerOptions } from './types.js';

/** Refusals a person can fix by inviting the app (or unarchiving): partner updates wait for that, not park. */
const WAITS_FOR_ACCESS = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

/** How long a retry may wait at most: a refused or failed call, and a row waiting for access to its channel. */
const BACKOFF_CAP_MS = { retry: 5 * 60_000, access: 60 * 60_000 } as const;

/**
 * The one retry delay of the outbox: a second, doubled with each attempt made so far (a rate limit's wait is not
 * one: it waits its Retry-After and counts nothing), capped at five minutes for a failed call and at an hour for a row waiting until someone gives the app access (held, or refused for access).
 */
export function backoffMs(attempts: number, cap: keyof typeof BACKOFF_CAP_MS = 'retry'): number {
  return Math.min(1000 * 2 ** attempts, BACKOFF_CAP_MS[cap]);
}

export type RetryDeps = Pick<
  OutboxWorkerOptions,
  'db' | 'clock' | 'logger' | 'maxAttempts' | 'onPartnerChannelBlocked' | 'onRefusedByRules'
> & { pacing: Pacing; wallNow: () => number };

/**
 * A failed attempt, recorded: a partner update refused for access waits; a refusal repeated `maxAttempts` times is
 * parked as dead (an edge failure, transient, never is); anything else is retried with backoff, or after Retry-After
 * (and everything under the same rate limit waits with it). `looked`: the row's earlier uncertain attempt was looked
 * for and not found, so a certain failure now clears its mark.
 */
export async function recordFailure(
  deps: RetryDeps,
  row: OutboxRow,
  kind: DeliveryKind,
  error: unknown,
  looked: boolean,
): Promise<void> {
  const { db, clock, logger, pacing } = deps;
  const failure = classifyFailure(error);
  const now = clock.now();
  const access = row.audience === 'partner' && WAITS_FOR_ACCESS.has(failure.message);
  // A certain failure clears the mark (Slack refused it): a later send marks it afresh. A kind whose adapter looks
  // before it writes says so itself: a failed look comes back as an uncertain failure (crm/delivery.ts).
  const uncertain = !access && (failure.uncertain || (!looked && kind.uncertain.do !== 'sendLooksFirst'));
  if (!uncertain) pacing.forget(row.id);
  if (!access && failure.retryAfterMs !== undefined)
    pacing.block(kind.limitKey(row), failure.retryAfterMs, now);
  const uncertainAt = uncertain ? new Date(deps.wallNow()) : undefined;
  // The attempts made are read again where the next is recorded: the count the worker read before the call may
  // have been started again since (the app invited back, a hold forgotten).
  const recorded = await db.transaction(async (tx): Promise<Recorded | undefined> => {
    const made = await attemptsMade(tx, row.id);
    if (made === undefined) return undefined; // cancelled meanwhile (a reminder once answered): nothing to record
    // A rate limit's wait (Retry-After: Slack's 429, a CRM's) is not a failed attempt: counted, a storm of 429s
    // would grow the backoff of the next real failure to its cap and hold the whole conversation behind it.
    const counted = failure.retryAfterMs === undefined;
    const attempts = counted ? made + 1 : made;
    if (access) {
      const wait = backoffMs(made, 'access');
      await markRetry(tx, row, {
        now,
        nextAttemptAt: new Date(now.getTime() + wait),
        error: failure.message,
      });
      return { how: 'waits', attempts };
    }
    // An edge failure (transient) is never parked: it lasts as long as the edge is broken, and then goes out. A
    // refusal by the account's own rules is parked at once: the same write again meets the same rule.
    if (!failure.transient && (failure.refusedByRules || attempts >= deps.maxAttempts)) {
      await markDead(tx, row, failure.message);
      return { how: 'parked', attempts };
    }
    const backoff = failure.retryAfterMs ?? backoffMs(made);
    const nextAttemptAt = new Date(now.getTime() + backoff);
    await markRetry(tx, row, { now, nextAttemptAt, error: failure.message, uncertainAt, counted });
    // Everything under the same limit waits with it (see `pacing.block` above).
    const limit = kind.limitKey(row);
    if (failure.retryAfterMs !== undefined && isMethodLimit(limit))
      await deferMethod(tx, limit, nextAttemptAt, now);
    return { how: 'retried', attempts, backoff };
  });
  // Only a retry keeps the row in pacing's sight (an uncertain one settles before it is looked for).
  if (recorded?.how !== 'retried') pacing.forget(row.id);
  if (!recorded) return;
  logRecorded(logger, row, failure, recorded, uncertain);
  if (recorded.how === 'waits') await deps.onPartnerChannelBlocked?.(row, failure.message);
  if (recorded.how === 'parked' && failure.refusedByRules)
    await deps.onRefusedByRules?.(row, failure.message);
}

type Recorded =
  | { how: 'waits'; attempts: number }
  | { how: 'parked'; attempts: number }
  | { how: 'retried'; attempts: number; backoff: number };

/** The log line of a recorded failure: waiting for access, parked (at error), or to be retried. */
function logRecorded(
  logger: RetryDeps['logger'],
  row: OutboxRow,
  failure: ReturnType<typeof classifyFailure>,
  recorded: Recorded,
  uncertain: boolean,
): void {
  if (recorded.how === 'waits') {
    logger.warn(
      {
        outboxId: row.id,
        handoffId: row.handoffId,
        channel: conversationOf(row.channelKey),
        error: failure.message,
      },
      'partner update waiting until the app can post in the partner channel',
    );
    return;
  }
  if (recorded.how === 'parked') {
    logger.error(
      {
        outboxId: row.id,
        method: row.method,
        dedupeKey: row.dedupeKey,
        attempts: recorded.attempts,
        error: failure.message,
      },
      failure.refusedByRules
        ? 'outbox message parked at once: refused by the account’s own rules'
        : 'outbox message parked after repeated refusals',
    );
    return;
  }
  logger.warn(
    {
      outboxId: row.id,
      method: row.method,
      attempts: recorded.attempts,
      retryInMs: recorded.backoff,
      error: failure.message,
      ...(failure.answer ? { answer: failure.answer } : {}),
      // A post whose call Slack may have processed: the retry looks for it before posting again.
      ...(uncertain ? { uncertain: true } : {}),
    },
    failure.edge
      ? 'outbox delivery hit an edge failure (no usable answer from Slack); will retry'
      : 'outbox delivery failed; will retry',
  );
}
