import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { forUpdate, isPostgres, jsonListValues, type Tables, tablesOf } from '../engine.js';
import { preparedQuery } from '../prepared.js';
import type { OutboxRow, SurfaceKind } from '../schema.js';
import { type OutboxMessage, rowOf } from './outboxRows.js';
import { insertSurface } from './surfaces.js';

// Written for both engines (db/engine.ts): prepared once per connection, on the executor's own tables. A prepared
// query's `all` and `run` (prepared.ts, both engines) are taken by name, so that no SQLite-style call shows here.

export type { OutboxMessage, OutboxRow };

const { run: insertOutboxRow } = preparedQuery('outbox_enqueue', (exec, { outbox }) =>
  exec
    .insert(outbox)
    .values({
      dedupeKey: sql.placeholder('dedupeKey'),
      handoffId: sql.placeholder('handoffId'),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: sql.placeholder('now'),
      createdAt: sql.placeholder('now'),
      method: sql.placeholder('method'),
      channelKey: sql.placeholder('channelKey'),
      payload: sql.placeholder('payload'),
      recordAs: sql.placeholder('recordAs'),
      targetMessageKey: sql.placeholder('targetMessageKey'),
      threadOf: sql.placeholder('threadOf'),
      audience: sql.placeholder('audience'),
      surfaceKey: sql.placeholder('surfaceKey'),
    })
    .onConflictDoNothing(),
);

/**
 * On Postgres, ids can become visible out of order (a transaction that drew a lower id may commit after one that drew
 * a higher), while the worker delivers a conversation in id order. What must keep its order is one handoff's messages
 * (a later change after an earlier one), so the rows of the messages' handoffs are locked before any id is drawn:
 * transactions that enqueue for one handoff then draw their ids one after the other, each after the one before
 * committed. Most callers updated the handoff already (the lock is theirs); in id order, so two never wait on each
 * other. SQLite commits one transaction at a time, in the order it drew its ids.
 */
async function lockHandoffs(exec: Tx, messages: OutboxMessage[]): Promise<void> {
  const ids = [...new Set(messages.flatMap((m) => (m.handoffId === undefined ? [] : [m.handoffId])))];
  if (ids.length === 0) return;
  const { handoffs } = tablesOf(exec);
  await forUpdate(
    exec,
    exec
      .select({ id: handoffs.id })
      .from(handoffs)
      .where(inArray(handoffs.id, ids))
      .orderBy(asc(handoffs.id)),
    'no key update',
  );
}

/**
 * Adds messages to the outbox; a message whose dedupe key is already there is ignored. Call inside the transaction.
 * Returns how many were added (on Postgres, a key another transaction is adding waits for it, then counts as there).
 */
export async function enqueue(exec: Tx, messages: OutboxMessage[], now: Date): Promise<number> {
  if (isPostgres(exec)) await lockHandoffs(exec, messages);
  let added = 0;
  for (const message of messages) {
    const { surface, ...fields } = rowOf(message.method, message);
    const inserted = await insertOutboxRow(exec, {
      dedupeKey: message.dedupeKey,
      handoffId: message.handoffId ?? null,
      now,
      method: message.method,
      recordAs: null,
      targetMessageKey: null,
      threadOf: null,
      audience: 'internal',
      surfaceKey: null,
      ...fields,
    });
    added += inserted;
    if (surface && inserted > 0) await insertSurface(exec, { ...surface, now });
  }
  return added;
}

/**
 * The next deliverable message of each conversation: pending, due, and with no earlier pending message on the
 * same channel key (so one conversation is delivered strictly in order). `skip` lists conversations that must wait
 * (paced): leaving them out here keeps a backlog in a few busy conversations from hiding every other one. Oldest due
 * first, read in index order (handoffs_status_next_attempt_at_idx), so a large backlog is not sorted on each call.
 */
function dueHeadsQuery(exec: Executor, { outbox }: Tables) {
  return exec
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.status, 'pending'),
        lte(outbox.nextAttemptAt, sql.placeholder('now')),
        sql`${outbox.channelKey} not in ${jsonListValues('skip', isPostgres(exec))}`,
        sql`not exists (select 1 from ${outbox} as earlier where earlier.channel_key = ${outbox.channelKey}
              and earlier.status = 'pending' and earlier.id < ${outbox.id})`,
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(sql.placeholder('limit'));
}

const { all: dueHeadRows } = preparedQuery('outbox_due_heads', dueHeadsQuery);
// The same, its rows locked on Postgres until the transaction ends, skipping rows another transaction locked (another
// replica claiming them at the same moment). SQLite has one writer at a time and no row locks: the same query.
const { all: lockedDueHeadRows } = preparedQuery('outbox_due_heads_locked', (exec, tables) =>
  forUpdate(exec, dueHeadsQuery(exec, tables), 'update', true),
);

export async function dueHeads(
  exec: Executor,
  now: Date,
  limit: number,
  skip: readonly string[] = [],
): Promise<OutboxRow[]> {
  // A placeholder in a where clause is bound as given (drizzle encodes only values it wraps itself): what each engine
  // stores, epoch ms on SQLite, a Date (a timestamptz) on Postgres.
  const at = isPostgres(exec) ? now : now.getTime();
  return dueHeadRows(exec, { now: at, limit, skip: JSON.stringify(skip) });
}

/**
 * `dueHeads`, in the transaction that claims their conversations (outbox/leases.ts): on Postgres the rows are locked
 * until it ends and rows another replica's claim locked are skipped (`FOR UPDATE SKIP LOCKED`), so two replicas
 * looking at the same moment get different conversations instead of waiting for each other.
 */
export async function lockDueHeads(
  tx: Tx,
  now: Date,
  limit: number,
  skip: readonly string[] = [],
): Promise<OutboxRow[]> {
  const at = isPostgres(tx) ? now : now.getTime();
  return lockedDueHeadRows(tx, { now: at, limit, skip: JSON.stringify(skip) });
}

const queuedQuery = preparedQuery('outbox_queued_by_dedupe_key', (exec, { outbox }) =>
  exec
    .select({ id: outbox.id })
    .from(outbox)
    .where(eq(outbox.dedupeKey, sql.placeholder('dedupeKey'))),
);

/**
 * Whether a message with this key was ever queued (and not yet pruned after `OUTBOX_RETENTION_DAYS`): for a change
 * whose only trace is its message, so that its repeat changes nothing.
 */
export async function isQueued(exec: Executor, dedupeKey: string): Promise<boolean> {
  return (await queuedQuery.first(exec, { dedupeKey })) !== undefined;
}

/** The surfaces a later change makes obsolete before they are posted: a reminder, a stall nudge. */
const OBSOLETE_ON_CHANGE = JSON.stringify(['reminder', 'stall_nudge'] satisfies SurfaceKind[]);

// By the kind of surface each post is (surfaces.kind, through the handoff's surfaces), not by the text of its key.
const { run: cancelReminderRows } = preparedQuery('outbox_cancel_reminders', (exec, { outbox, surfaces }) =>
  exec
    .update(outbox)
    .set({ status: 'cancelled', lastError: 'superseded by a later change' })
    .where(
      and(
        eq(outbox.handoffId, sql.placeholder('handoffId')),
        eq(outbox.status, 'pending'),
        // Their posts only: an update of a reminder already sent must still go out (it says what is true now).
        eq(outbox.method, 'chat.postMessage'),
        sql`${outbox.surfaceKey} in (select s.key from ${surfaces} s where s.handoff_id = ${sql.placeholder('handoffId')}
          and s.kind in ${jsonListValues('kinds', isPostgres(exec))})`,
      ),
    ),
);

/**
 * Cancels a handoff's reminders and stall nudges still waiting for delivery: after a change they would ask for
 * something no longer needed.
 */
export async function cancelPendingReminders(exec: Tx, handoffId: number): Promise<void> {
  await cancelReminderRows(exec, { handoffId, kinds: OBSOLETE_ON_CHANGE });
}
