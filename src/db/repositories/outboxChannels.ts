import { and, asc, count, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { changed, first, tablesOf } from '../engine.js';
import { type AnyInstallation, own } from '../owned.js';
import { reachKey } from './outboxRows.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

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
  const { outbox } = tablesOf(exec);
  return changed(
    await exec
      .update(outbox)
      .set({ nextAttemptAt: now, scheduledAt: now })
      .where(
        and(
          own(exec, outbox),
          eq(outbox.status, 'pending'),
          gt(outbox.nextAttemptAt, now),
          // The stamp: scheduled_at, or created_at when never rescheduled (coalesce, through the column encoders).
          or(gt(outbox.scheduledAt, now), and(isNull(outbox.scheduledAt), gt(outbox.createdAt, now))),
        ),
      ),
  );
}

/**
 * The installations with a message due now: the one look of a process serving many installations
 * (compose/sharedLooks.ts), which wakes only their outboxes, instead of each installation's outbox looking every
 * second. Reads the status index's due range once, whatever the number of installations.
 */
export async function installationsDue(exec: AnyInstallation, now: Date): Promise<number[]> {
  const { outbox } = tablesOf(exec);
  const rows = await exec
    .selectDistinct({ installationId: outbox.installationId })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)));
  return rows.map((row) => row.installationId).sort((a, b) => a - b);
}

export async function nextPendingAt(exec: Executor): Promise<Date | undefined> {
  const { outbox } = tablesOf(exec);
  const row = await first(
    exec
      .select({ at: outbox.nextAttemptAt })
      .from(outbox)
      .where(and(own(exec, outbox), eq(outbox.status, 'pending')))
      .orderBy(asc(outbox.nextAttemptAt))
      .limit(1),
  );
  return row?.at;
}

/** Handoffs with partner updates waiting in a channel, for telling each owner (bounded). */
export async function handoffsWaitingIn(exec: Executor, channelKey: string, limit = 50): Promise<number[]> {
  const { outbox } = tablesOf(exec);
  const rows = await exec
    .selectDistinct({ handoffId: outbox.handoffId })
    .from(outbox)
    .where(
      and(
        own(exec, outbox),
        eq(outbox.channelKey, channelKey),
        eq(outbox.status, 'pending'),
        eq(outbox.audience, 'partner'),
      ),
    )
    .limit(limit);
  return rows.map((row) => row.handoffId).filter((id): id is number => id !== null);
}

/**
 * A channel's outbox conversations: its own, and that of what the app posts there on its own, which waits for the
 * company's hours (`reachKey`): an invite, or a removal, is about both.
 */
const keysOf = (channel: string): string[] => [channel, reachKey(channel)];

/** Makes a channel's waiting messages due now (the app was just invited there). Returns how many. */
export async function wakeChannel(exec: Tx, channelKey: string, now: Date): Promise<number> {
  const { outbox } = tablesOf(exec);
  return changed(
    await exec
      .update(outbox)
      .set({ nextAttemptAt: now, scheduledAt: now })
      .where(
        and(own(exec, outbox), inArray(outbox.channelKey, keysOf(channelKey)), eq(outbox.status, 'pending')),
      ),
  );
}

/** The channel of the row queued under this key while it still waits to go out (pending); undefined otherwise. */
export async function pendingChannelOf(exec: Executor, dedupeKey: string): Promise<string | undefined> {
  const { outbox } = tablesOf(exec);
  return (
    await first(
      exec
        .select({ channelKey: outbox.channelKey })
        .from(outbox)
        .where(and(own(exec, outbox), eq(outbox.dedupeKey, dedupeKey), eq(outbox.status, 'pending'))),
    )
  )?.channelKey;
}

/** Whether a row waiting in the channel was last refused with one of these errors (Slack's word on the channel). */
export async function waitsAfter(
  exec: Executor,
  channelKey: string,
  errors: readonly string[],
): Promise<boolean> {
  const { outbox } = tablesOf(exec);
  const row = await first(
    exec
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          own(exec, outbox),
          inArray(outbox.channelKey, keysOf(channelKey)),
          eq(outbox.status, 'pending'),
          inArray(outbox.lastError, [...errors]),
        ),
      )
      .limit(1),
  );
  return row !== undefined;
}

/** How many rows wait in the channel. */
export async function countPendingIn(exec: Executor, channelKey: string): Promise<number> {
  const { outbox } = tablesOf(exec);
  return (
    (
      await first(
        exec
          .select({ n: count() })
          .from(outbox)
          .where(
            and(
              own(exec, outbox),
              inArray(outbox.channelKey, keysOf(channelKey)),
              eq(outbox.status, 'pending'),
            ),
          ),
      )
    )?.n ?? 0
  );
}
