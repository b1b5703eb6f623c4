import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { changed, first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { HandoffRow, OutboxRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * The undo window of an outcome step (outcomes/outcomeUndo.ts): what the step owes the partner and the CRM waits in
 * the outbox until the window ends (its due time, not a timer), and an undo cancels it there before it is sent.
 */

/** The outbox row queued under this key is due at `until` (a hold), scheduled now. */
export async function holdRow(exec: Tx, dedupeKey: string, until: Date, now: Date): Promise<void> {
  const { outbox } = tablesOf(exec);
  await exec
    .update(outbox)
    .set({ nextAttemptAt: until, scheduledAt: now })
    .where(and(own(exec, outbox), eq(outbox.dedupeKey, dedupeKey), eq(outbox.status, 'pending')));
}

/**
 * A refresh of every message showing the handoff, due at `until` (when an undo window ends, its Undo button goes), in
 * a conversation of its own so that it holds back nothing else.
 */
export async function queueHeldRefresh(
  exec: Tx,
  input: { handoffId: number; key: string; until: Date; now: Date },
): Promise<void> {
  const { outbox } = tablesOf(exec);
  const key = `hold:${input.key}`;
  await exec
    .insert(outbox)
    .values(
      ownRow(exec, {
        dedupeKey: key,
        channelKey: key,
        handoffId: input.handoffId,
        method: 'surfaces.refresh',
        payload: {},
        audience: 'internal' as const,
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: input.until,
        scheduledAt: input.now,
        createdAt: input.now,
      }),
    )
    .onConflictDoNothing();
}

/** Where the rows queued under these keys stand (absent: never queued, or forgotten after the retention). */
export async function heldRows(
  exec: Executor,
  dedupeKeys: readonly string[],
): Promise<Pick<OutboxRow, 'dedupeKey' | 'status' | 'uncertainSince'>[]> {
  if (dedupeKeys.length === 0) return [];
  const { outbox } = tablesOf(exec);
  return exec
    .select({ dedupeKey: outbox.dedupeKey, status: outbox.status, uncertainSince: outbox.uncertainSince })
    .from(outbox)
    .where(and(own(exec, outbox), inArray(outbox.dedupeKey, [...dedupeKeys])));
}

/**
 * Cancels the rows still waiting under these keys and not being sent; returns how many. Each gives up its key (it
 * becomes `<key>:undone:<id>`), so the step recorded again queues its messages anew.
 */
export async function cancelHeld(exec: Tx, dedupeKeys: readonly string[], reason: string): Promise<number> {
  if (dedupeKeys.length === 0) return 0;
  const { outbox } = tablesOf(exec);
  const result = await exec
    .update(outbox)
    .set({
      status: 'cancelled',
      lastError: reason,
      dedupeKey: sql`${outbox.dedupeKey} || ':undone:' || cast(${outbox.id} as text)`,
    })
    .where(
      and(
        own(exec, outbox),
        inArray(outbox.dedupeKey, [...dedupeKeys]),
        eq(outbox.status, 'pending'),
        isNull(outbox.uncertainSince),
      ),
    );
  return changed(result);
}

/** The touch-log event that recorded this outcome step on the handoff (the latest of its type). */
export async function outcomeEventId(
  exec: Executor,
  handoffId: number,
  outcome: NonNullable<HandoffRow['outcome']>,
): Promise<number | undefined> {
  const { handoffEvents } = tablesOf(exec);
  const row = await first(
    exec
      .select({ id: handoffEvents.id })
      .from(handoffEvents)
      .where(
        and(
          own(exec, handoffEvents),
          eq(handoffEvents.handoffId, handoffId),
          eq(handoffEvents.type, outcome),
        ),
      )
      .orderBy(desc(handoffEvents.id))
      .limit(1),
  );
  return row?.id;
}

/**
 * An undone step is taken back: its row (so the step can be recorded again) and the metrics' fact of its event (the
 * touch log keeps both events, the step and its undo).
 */
export async function deleteOutcomeStep(
  exec: Tx,
  stepId: number,
  eventId: number | undefined,
): Promise<void> {
  const { outcomes, metricFacts } = tablesOf(exec);
  await exec.delete(outcomes).where(and(own(exec, outcomes), eq(outcomes.id, stepId)));
  if (eventId !== undefined)
    await exec.delete(metricFacts).where(and(own(exec, metricFacts), eq(metricFacts.eventId, eventId)));
}
