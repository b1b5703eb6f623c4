import { and, asc, count, desc, eq, inArray, lt, notIlike, notLike, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { changed, first, forUpdate, isPostgres, tablesOf } from '../engine.js';
import { own } from '../owned.js';
import type { OutboxRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** Parked (dead) outbox messages an admin can list and send again, and delivered ones pruned after their retention. */
/**
 * Rows whose dedupe key is all that stops a message being queued again later, whenever that is: the owner's notice
 * that a held or archived partner channel blocks an update (tried again as long as the update waits; one that waits
 * for an invite is remembered in channel_access_notices instead) and the weekly digest. They are few, and never
 * deleted.
 */
const KEPT_FOR_DEDUPE = ['%:partner_channel_blocked:%', 'digest:%'];

/**
 * Deletes up to `limit` delivered or cancelled messages queued before `before` (oldest first; the status index finds
 * them). Pending and parked ones stay; so do posted_messages, which later edits and thread replies need. Every other
 * message is queued by a state change that happens once, so its dedupe key is not needed after delivery.
 */
export async function pruneFinished(exec: Tx, before: Date, limit: number): Promise<number> {
  const { outbox } = tablesOf(exec);
  // SQLite's LIKE ignores the case of ASCII letters; Postgres's ILIKE does the same.
  const notMatching = isPostgres(exec) ? notIlike : notLike;
  const oldest = exec
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        own(exec, outbox),
        inArray(outbox.status, ['delivered', 'cancelled']),
        lt(outbox.nextAttemptAt, before),
        ...KEPT_FOR_DEDUPE.map((pattern) => notMatching(outbox.dedupeKey, pattern)),
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(limit);
  return changed(await exec.delete(outbox).where(and(own(exec, outbox), inArray(outbox.id, oldest))));
}

/** Parked messages, newest first, for admins. */
export async function findDead(exec: Executor, limit: number): Promise<OutboxRow[]> {
  const { outbox } = tablesOf(exec);
  return exec
    .select()
    .from(outbox)
    .where(and(own(exec, outbox), eq(outbox.status, 'dead')))
    .orderBy(desc(outbox.id))
    .limit(limit);
}

export async function countDead(exec: Executor): Promise<number> {
  const { outbox } = tablesOf(exec);
  return (
    (
      await first(
        exec
          .select({ n: count() })
          .from(outbox)
          .where(and(own(exec, outbox), eq(outbox.status, 'dead'))),
      )
    )?.n ?? 0
  );
}

/** Puts parked messages back in the queue (all of them, or one by id), due now, with a fresh attempt count. */
export async function requeueDead(exec: Tx, now: Date, id?: number): Promise<number> {
  const { outbox } = tablesOf(exec);
  return changed(
    await exec
      .update(outbox)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, scheduledAt: now })
      .where(
        and(
          own(exec, outbox),
          id === undefined ? eq(outbox.status, 'dead') : and(eq(outbox.status, 'dead'), eq(outbox.id, id)),
        ),
      ),
  );
}

export async function markDead(exec: Tx, row: OutboxRow, error: string): Promise<void> {
  const { outbox } = tablesOf(exec);
  await exec
    .update(outbox)
    .set({ status: 'dead', attempts: sql`${outbox.attempts} + 1`, lastError: error })
    .where(and(own(exec, outbox), eq(outbox.id, row.id)));
}

/**
 * The attempts a row waiting to go out has made so far, read in the transaction that records its next one (locked
 * on Postgres until it ends): what the worker read before the call may be stale (an invite starts the count again,
 * outboxChannels.ts `wakeChannel` and slackEvents.ts `forgetAccessErrors`). Undefined once it is not pending.
 */
export async function attemptsMade(exec: Tx, id: number): Promise<number | undefined> {
  const { outbox } = tablesOf(exec);
  const row = await first(
    forUpdate(
      exec,
      exec
        .select({ attempts: outbox.attempts })
        .from(outbox)
        .where(and(own(exec, outbox), eq(outbox.id, id), eq(outbox.status, 'pending'))),
      'no key update',
    ),
  );
  return row?.attempts;
}
