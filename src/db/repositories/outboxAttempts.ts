import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { changed, forUpdate, isPostgres, jsonListValues, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import { preparedQuery, setTo } from '../prepared.js';
import type { OutboxRow } from '../schema.js';

// Written for both engines (db/engine.ts): prepared once per connection, on the executor's own tables.

/**
 * What the outbox worker writes of an attempt (src/outbox/): the mark before a post, the row delivered (and where its
 * post landed), re-armed, retried or cancelled; and whether a row still waits. Queueing and reading what is due are
 * in outbox.ts.
 */

const { run: markDeliveredRow } = preparedQuery('outbox_mark_delivered', (exec, { outbox }) =>
  exec
    .update(outbox)
    .set({
      status: 'delivered',
      deliveredAt: setTo<Date>('now'),
      attempts: setTo<number>('attempts'),
      lastError: null,
      uncertainSince: null,
      postedChannelId: setTo<string | null>('postedChannelId'),
      postedTs: setTo<string | null>('postedTs'),
    })
    .where(and(own(exec, outbox), eq(outbox.id, sql.placeholder('id')))),
);

/** A coalesced update sent, with a newer change already waiting for it: due again now instead of delivered. */
export async function rearm(exec: Tx, row: OutboxRow, now: Date): Promise<void> {
  const { outbox } = tablesOf(exec);
  await exec
    .update(outbox)
    .set({ nextAttemptAt: now, scheduledAt: now, attempts: 0, lastError: null, uncertainSince: null })
    .where(and(own(exec, outbox), eq(outbox.id, row.id)));
}

const { run: rememberPost } = preparedQuery('outbox_remember_post', (exec, { postedMessages }) =>
  exec
    .insert(postedMessages)
    .values(
      ownRow(exec, {
        messageKey: sql.placeholder('messageKey'),
        channelId: sql.placeholder('channelId'),
        ts: sql.placeholder('ts'),
        handoffId: sql.placeholder('handoffId'),
        postedAt: sql.placeholder('now'),
      }),
    )
    .onConflictDoNothing(),
);

export async function markDelivered(
  exec: Tx,
  row: OutboxRow,
  now: Date,
  posted?: { channelId: string; ts: string },
): Promise<void> {
  // Both in the caller's transaction: the row is delivered and its message remembered together.
  await markDeliveredRow(exec, {
    id: row.id,
    now,
    attempts: row.attempts + 1,
    postedChannelId: posted?.channelId ?? null,
    postedTs: posted?.ts ?? null,
  });
  if (posted && row.recordAs) {
    await rememberPost(exec, {
      messageKey: row.recordAs,
      channelId: posted.channelId,
      ts: posted.ts,
      handoffId: row.handoffId,
      now,
    });
  }
}

/**
 * A 429 holds back a whole method: its other pending rows due before `until` are scheduled for then, as the one that
 * met it is, so that the worker's look for due rows (ordered by when they are due) does not read through them while
 * they wait. Their order within a conversation is by id, and stays.
 */
export async function deferMethod(
  exec: Tx,
  method: OutboxRow['method'],
  until: Date,
  now: Date,
): Promise<number> {
  return deferRows(exec, { method, ...deferredTo(exec, until, now) });
}

/**
 * What a deferral binds: the new due time as set (`until`), as the where clause compares it (`untilStored`: the
 * placeholder is bound as given, so as each engine stores it, epoch ms on SQLite), and when it was scheduled.
 */
function deferredTo(exec: Tx, until: Date, now: Date) {
  return { until, untilStored: isPostgres(exec) ? until : until.getTime(), now };
}

/**
 * Run on every 429 of a Slack method: prepared. On Postgres a row another transaction holds is left as it is (`SKIP
 * LOCKED`): a decision superseding it, or another replica's claim or deferral. Waiting for them held this one's locks
 * on every other row of the method meanwhile, so the decisions waiting on those missed Slack's 3 s, and two replicas
 * deferring at once deadlocked (9 of one replica's Accepts answered 404 in the bench's full-speed run). A
 * row left is tried at its own time, meets the limit, and waits then (in this process the method's hold already
 * holds it: `Pacing.block`).
 */
const { run: deferRows } = preparedQuery('outbox_defer_method', (exec, { outbox }) => {
  const due = and(
    eq(outbox.status, 'pending'),
    lt(outbox.nextAttemptAt, sql.placeholder('untilStored')),
    eq(outbox.method, sql.placeholder('method')),
  );
  const free = forUpdate(
    exec,
    exec
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(own(exec, outbox), due)),
    'no key update',
    true,
  );
  return exec
    .update(outbox)
    .set({ nextAttemptAt: setTo<Date>('until'), scheduledAt: setTo<Date>('now') })
    .where(and(own(exec, outbox), isPostgres(exec) ? inArray(outbox.id, free) : due));
});

/**
 * `deferMethod` for the rows of one handoff: its pending rows of these methods due before `until` are scheduled for
 * then. Run by the worker right after a change of the handoff was expanded while those methods wait out a 429, so the
 * rows it queued wait with the rest of their method instead of being read by every look until the wait ends.
 */
export async function deferHandoffRows(
  exec: Tx,
  rows: { handoffId: number; methods: readonly OutboxRow['method'][]; until: Date; now: Date },
): Promise<void> {
  const { handoffId, methods, until, now } = rows;
  await deferHandoffRowsQuery(exec, {
    handoffId,
    methods: JSON.stringify(methods),
    ...deferredTo(exec, until, now),
  });
}

// After every change the worker expands while a method is rate limited: prepared.
const { run: deferHandoffRowsQuery } = preparedQuery('outbox_defer_handoff_rows', (exec, { outbox }) =>
  exec
    .update(outbox)
    .set({ nextAttemptAt: setTo<Date>('until'), scheduledAt: setTo<Date>('now') })
    .where(
      and(
        own(exec, outbox),
        eq(outbox.handoffId, sql.placeholder('handoffId')),
        eq(outbox.status, 'pending'),
        // Not an index's range on SQLite (a unary + disqualifies the term): its planner would otherwise walk every
        // waiting row due before then (outbox_status_next_attempt_at_idx) instead of the handoff's few.
        isPostgres(exec)
          ? lt(outbox.nextAttemptAt, sql.placeholder('untilStored'))
          : sql`+${outbox.nextAttemptAt} < ${sql.placeholder('untilStored')}`,
        sql`${outbox.method} in ${jsonListValues('methods', isPostgres(exec))}`,
      ),
    ),
);

/** `uncertain`: Slack may have taken it (timeout, 5xx): keep (or set) the mark so the retry looks first. */
export async function markRetry(
  exec: Tx,
  row: OutboxRow,
  retry: {
    /** The clock now: the stamp that shows, after a step back, that the wait was set on a clock ahead of it. */
    now: Date;
    nextAttemptAt: Date;
    error: string;
    /** Set when Slack may have acted on it anyway: real (Slack's) time now, kept if the row already has a mark. */
    uncertainAt?: Date | undefined;
    /**
     * Only if the row is still due when it was read (`row.nextAttemptAt`): a hold decided on a read must not undo a
     * release (outboxChannels.ts `wakeChannel`) that committed after it.
     */
    unlessWoken?: boolean;
    /** False for a rate limit's wait (Retry-After): not a failed attempt, the count (and so the backoff) stays. */
    counted?: boolean;
  },
): Promise<number> {
  const { now, nextAttemptAt, error, uncertainAt } = retry;
  const { outbox } = tablesOf(exec);
  const result = await exec
    .update(outbox)
    .set({
      // Counted by the database, not from `row`: the invite may have started the count again since it was read.
      attempts: retry.counted === false ? sql`${outbox.attempts}` : sql`${outbox.attempts} + 1`,
      nextAttemptAt,
      scheduledAt: now,
      lastError: error,
      // Uncertain: keep the mark written before the send (or set one); certain (Slack refused it): clear it.
      // The Date bound through the column's encoder: epoch ms on SQLite, a timestamptz on Postgres.
      uncertainSince: uncertainAt
        ? sql`coalesce(${outbox.uncertainSince}, ${sql.param(uncertainAt, outbox.uncertainSince)})`
        : null,
    })
    .where(
      and(
        own(exec, outbox),
        retry.unlessWoken
          ? and(
              eq(outbox.id, row.id),
              // A wake sets both to its now: a fresh row (never scheduled) or a held one (due later) shows it.
              eq(outbox.nextAttemptAt, row.nextAttemptAt),
              row.scheduledAt === null ? isNull(outbox.scheduledAt) : eq(outbox.scheduledAt, row.scheduledAt),
            )
          : eq(outbox.id, row.id),
      ),
    );
  return changed(result);
}

/** Written (and committed) just before a post goes to Slack: a crash after this leaves the row marked uncertain. */
const { run: markSendingRow } = preparedQuery('outbox_mark_sending', (exec, { outbox }) =>
  exec
    .update(outbox)
    .set({ uncertainSince: setTo<Date>('now') })
    .where(and(own(exec, outbox), eq(outbox.id, sql.placeholder('id')))),
);

export async function markSending(exec: Tx, row: OutboxRow, now: Date): Promise<void> {
  if (row.uncertainSince) return;
  await markSendingRow(exec, { id: row.id, now });
}

const statusQuery = preparedQuery('outbox_status_by_id', (exec, { outbox }) =>
  exec
    .select({ status: outbox.status })
    .from(outbox)
    .where(and(own(exec, outbox), eq(outbox.id, sql.placeholder('id')))),
);

/** Whether a row is still waiting to be sent (a change may have cancelled it since the worker read it). */
export async function stillPending(exec: Executor, id: number): Promise<boolean> {
  return (await statusQuery.first(exec, { id }))?.status === 'pending';
}

/** Ends a row without sending it: an ephemeral whose first attempt may have arrived is not sent twice. */
export async function markCancelled(exec: Tx, row: OutboxRow, reason: string): Promise<void> {
  const { outbox } = tablesOf(exec);
  await exec
    .update(outbox)
    .set({ status: 'cancelled', lastError: reason, uncertainSince: null })
    .where(and(own(exec, outbox), eq(outbox.id, row.id)));
}
