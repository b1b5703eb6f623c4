import { and, asc, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../client.js';
import { forUpdate, isPostgres, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import { preparedQuery } from '../prepared.js';
import { type OutboxMessage, rowOf } from './outboxRows.js';
import { holdRow } from './outcomeHolds.js';
import { queuedRow } from './queuedRow.js';
import { insertSurface } from './surfaces.js';

// Written for both engines (db/engine.ts). The insert itself, split from outbox.ts so that changes.ts (which expands
// a handoff's change into these rows) and outbox.ts (`enqueue`, which expands pending changes first) share it
// without importing each other.

const { run: insertOutboxRow } = preparedQuery('outbox_enqueue', (exec, { outbox }) =>
  exec
    .insert(outbox)
    .values(
      ownRow(exec, {
        ...queuedRow(),
        handoffId: sql.placeholder('handoffId'),
        method: sql.placeholder('method'),
        payload: sql.placeholder('payload'),
        recordAs: sql.placeholder('recordAs'),
        targetMessageKey: sql.placeholder('targetMessageKey'),
        threadOf: sql.placeholder('threadOf'),
        audience: sql.placeholder('audience'),
        surfaceKey: sql.placeholder('surfaceKey'),
      }),
    )
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
export async function lockHandoffs(
  exec: Tx,
  handoffIds: readonly (number | null | undefined)[],
): Promise<void> {
  const ids = [...new Set(handoffIds.flatMap((id) => (id === undefined || id === null ? [] : [id])))];
  if (ids.length === 0) return;
  const { handoffs } = tablesOf(exec);
  await forUpdate(
    exec,
    exec
      .select({ id: handoffs.id })
      .from(handoffs)
      .where(and(own(exec, handoffs), inArray(handoffs.id, ids)))
      .orderBy(asc(handoffs.id)),
    'no key update',
  );
}

/**
 * Writes messages as outbox rows (and the surfaces they post), in order; a message whose dedupe key is already there is
 * ignored. Returns how many were added (on Postgres, a key another transaction is adding waits for it, then counts as
 * there). Not for services: `enqueue` (outbox.ts) first expands the handoffs' pending changes (changes.ts), which
 * call this.
 */
export async function insertMessages(
  exec: Tx,
  messages: readonly OutboxMessage[],
  now: Date,
): Promise<number> {
  if (isPostgres(exec))
    await lockHandoffs(
      exec,
      messages.map((m) => m.handoffId),
    );
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
    // Held for an undo window: due then (on the clock the rows are scheduled on), not now.
    const hold = 'holdUntil' in message ? message.holdUntil : undefined;
    if (inserted > 0 && hold !== undefined && hold > now.getTime())
      await holdRow(exec, message.dedupeKey, new Date(hold), now);
  }
  return added;
}
