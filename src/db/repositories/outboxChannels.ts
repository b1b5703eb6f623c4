import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { outbox } from '../schema.js';

/** Outbox rows by channel and by time: what waits on a channel, waking it, and what a clock step makes due. */
/**
 * After the clock stepped back (NTP, a restored VM, across a restart or while running): waiting rows whose schedule
 * was stamped later than `now` are due now, stamped again on the clock as it is. A stamp ahead of now can only come
 * from a clock that has since stepped back, so the wait it set (a backoff, a Retry-After, a hold) is not waited out a
 * second time for the hour the clock lost. A row queued for a later time has a stamp in the past and keeps its time.
 * Returns how many rows were made due. A full look at the pending rows (the status index): run on start and when the
 * clock is seen going back, not on every look for what is due.
 */
export async function dueAfterClockStep(exec: Tx, now: Date): Promise<number> {
  return exec
    .update(outbox)
    .set({ nextAttemptAt: now, scheduledAt: now })
    .where(
      and(
        eq(outbox.status, 'pending'),
        gt(outbox.nextAttemptAt, now),
        sql`coalesce(${outbox.scheduledAt}, ${outbox.createdAt}) > ${now.getTime()}`,
      ),
    )
    .run().changes;
}

export async function nextPendingAt(exec: Executor): Promise<Date | undefined> {
  const row = exec
    .select({ at: outbox.nextAttemptAt })
    .from(outbox)
    .where(eq(outbox.status, 'pending'))
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(1)
    .get();
  return row?.at;
}

/** Handoffs with partner updates waiting in a channel, for telling each owner (bounded). */
export async function handoffsWaitingIn(exec: Executor, channelKey: string, limit = 50): Promise<number[]> {
  return exec
    .selectDistinct({ handoffId: outbox.handoffId })
    .from(outbox)
    .where(
      and(eq(outbox.channelKey, channelKey), eq(outbox.status, 'pending'), eq(outbox.audience, 'partner')),
    )
    .limit(limit)
    .all()
    .map((row) => row.handoffId)
    .filter((id): id is number => id !== null);
}

/** Makes a channel's waiting messages due now (the app was just invited there). Returns how many. */
export async function wakeChannel(exec: Tx, channelKey: string, now: Date): Promise<number> {
  return exec
    .update(outbox)
    .set({ nextAttemptAt: now, scheduledAt: now })
    .where(and(eq(outbox.channelKey, channelKey), eq(outbox.status, 'pending')))
    .run().changes;
}

/** The channel of the row queued under this key while it still waits to go out (pending); undefined otherwise. */
export async function pendingChannelOf(exec: Executor, dedupeKey: string): Promise<string | undefined> {
  return exec
    .select({ channelKey: outbox.channelKey })
    .from(outbox)
    .where(and(eq(outbox.dedupeKey, dedupeKey), eq(outbox.status, 'pending')))
    .get()?.channelKey;
}

/** Whether a row waiting in the channel was last refused with one of these errors (Slack's word on the channel). */
export async function waitsAfter(
  exec: Executor,
  channelKey: string,
  errors: readonly string[],
): Promise<boolean> {
  const row = exec
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.channelKey, channelKey),
        eq(outbox.status, 'pending'),
        inArray(outbox.lastError, [...errors]),
      ),
    )
    .limit(1)
    .get();
  return row !== undefined;
}

/** How many rows wait in the channel. */
export async function countPendingIn(exec: Executor, channelKey: string): Promise<number> {
  return (
    exec
      .select({ n: sql<number>`count(*)` })
      .from(outbox)
      .where(and(eq(outbox.channelKey, channelKey), eq(outbox.status, 'pending')))
      .get()?.n ?? 0
  );
}
