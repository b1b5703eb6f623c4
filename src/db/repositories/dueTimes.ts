import { and, asc, eq, gt, inArray, isNull, lte, min, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteSelect } from 'drizzle-orm/sqlite-core';
import { ESCALATING_STATUSES, REMINDED_STATUSES } from '../../domain/lifecycle.js';
import type { Executor } from '../client.js';
import { type Tables, tablesOf } from '../engine.js';
import { type AnyInstallation, own } from '../owned.js';
import type { HandoffRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * The times at which a scheduled job has something to do, one entry per kind: a response window's end, a reminder,
 * an escalation step, a stall nudge, a first step's check, a deferred window's start, a paused clock's longest pause (all for undecided
 * handoffs but the nudge), and an outbox message waiting for its time.
 */
function dueTimes({ handoffs, outbox }: Tables): readonly {
  column: SQLiteColumn;
  table: Tables['handoffs'] | Tables['outbox'];
  only?: SQL;
  /**
   * The rows the sweep acts on at this time (`handoffDueBy`), when not `only`'s: false, none (a time the sandbox's
   * clock stops at, at which the sweep has nothing to do). Each is a status its index leads with, so the one read is
   * index probes, never a scan of every handoff.
   */
  swept?: SQL | false;
}[] {
  return [
    { table: handoffs, column: handoffs.dueAt, only: eq(handoffs.status, 'sent') },
    // A reminder to the AE in their window, or to the owner of a deal given to nobody.
    {
      table: handoffs,
      column: handoffs.nextReminderAt,
      only: inArray(handoffs.status, [...REMINDED_STATUSES]),
    },
    {
      table: handoffs,
      column: handoffs.nextEscalationAt,
      // The statuses the escalations act in (db/repositories/escalation.ts `findEscalationsDue`).
      swept: inArray(handoffs.status, [...ESCALATING_STATUSES]),
    },
    // A deferred window's start: its end and reminders are planned from it; nothing is done at it.
    { table: handoffs, column: handoffs.windowStartedAt, only: eq(handoffs.status, 'sent'), swept: false },
    { table: handoffs, column: handoffs.nextStallNudgeAt, only: eq(handoffs.status, 'accepted') },
    { table: handoffs, column: handoffs.nextStepCheckAt, only: eq(handoffs.status, 'accepted') },
    { table: handoffs, column: handoffs.pauseEndsAt, only: eq(handoffs.status, 'sent') },
    { table: outbox, column: outbox.nextAttemptAt, only: eq(outbox.status, 'pending') },
  ];
}

/**
 * The earliest time after `after` at which something is due (undefined: nothing is). The sandbox steps its clock
 * through these, so what was due at 09:00 on Friday happens then, not when the clock control's jump ends.
 */
export async function nextDueAt(exec: Executor, after: Date): Promise<Date | undefined> {
  let earliest: number | undefined;
  for (const { table, column, only } of dueTimes(tablesOf(exec))) {
    const [row] = await exec
      .select({ at: min(column) })
      .from(table)
      .where(and(own(exec, table), gt(column, after), only));
    const at = row?.at instanceof Date ? row.at.getTime() : typeof row?.at === 'number' ? row.at : undefined;
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest === undefined ? undefined : new Date(earliest);
}

/** The sweep's due times: each handoff time the sweep acts on, with the rows it acts on at that time. */
const sweptTimes = (tables: Tables) =>
  dueTimes(tables).flatMap(({ table, column, only, swept = only }) =>
    table === tables.handoffs && swept !== false ? [{ column, swept }] : [],
  );

/**
 * Whether a handoff has something due at or before `now` (a window's end, a reminder, an escalation step, a nudge, a
 * first step's check, a deferred start, a pause's longest): one read, which the sweep's tick asks before it claims its
 * slot. The outbox's own due rows are its look's, not the sweep's.
 */
export async function handoffDueBy(exec: Executor, now: Date): Promise<boolean> {
  const tables = tablesOf(exec);
  const { handoffs } = tables;
  // One select per due time, joined by UNION ALL: each one probes its own index (status, time). As one OR of them,
  // an installation's rows were scanned instead (SQLite chose the installation's equality over the OR).
  const [firstArm, ...others] = sweptTimes(tables).map(({ column, swept }) =>
    exec
      .select({ id: handoffs.id })
      .from(handoffs)
      .where(and(own(exec, handoffs), swept, lte(column, now))),
  );
  if (!firstArm) return false;
  const union = others.reduce<SQLiteSelect>(
    (all, arm) => all.unionAll(arm) as SQLiteSelect,
    firstArm.$dynamic(),
  );
  return (await union.limit(1)).length > 0;
}

/**
 * Each installation's earliest handoff time due at or before `by` (what `handoffDueBy` asks, for every installation at
 * once): one read a minute for the whole process, which each installation's sweep tick reads (compose/sweepLook.ts).
 */
export async function installationsDueBy(exec: AnyInstallation, by: Date): Promise<Map<number, number>> {
  const tables = tablesOf(exec);
  const { handoffs } = tables;
  const [firstArm, ...others] = sweptTimes(tables).map(({ column, swept }) =>
    exec
      .select({ installationId: handoffs.installationId, at: min(column) })
      .from(handoffs)
      .where(and(swept, lte(column, by)))
      .groupBy(handoffs.installationId),
  );
  if (!firstArm) return new Map();
  const union = others.reduce<SQLiteSelect>(
    (all, arm) => all.unionAll(arm) as SQLiteSelect,
    firstArm.$dynamic(),
  );
  const times = ((await union) as { installationId: number; at: unknown }[]).flatMap(
    ({ installationId, at }) => {
      const ms = at instanceof Date ? at.getTime() : typeof at === 'number' ? at : undefined;
      return ms === undefined ? [] : [[installationId, ms] as const];
    },
  );
  // Latest first: each installation's earliest is the last set.
  return new Map(times.sort((a, b) => b[1] - a[1]));
}

/** Accepted handoffs with a first step's check due (uses handoffs_status_next_step_check_at_idx), oldest first. */
export async function findStepChecksDue(exec: Executor, now: Date, limit: number) {
  const { handoffs } = tablesOf(exec);
  return (
    exec
      .select()
      .from(handoffs)
      .where(and(own(exec, handoffs), eq(handoffs.status, 'accepted'), lte(handoffs.nextStepCheckAt, now)))
      // Ties by id: the same order on both engines (a pool's round robin over several take-backs of one minute).
      .orderBy(asc(handoffs.nextStepCheckAt), asc(handoffs.id))
      .limit(limit)
  );
}

/** Deals back with their owner and given to nobody whose owner's reminder is due, oldest first. */
export async function findOwnerRemindable(exec: Executor, now: Date, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), eq(handoffs.status, 'taken_back'), lte(handoffs.nextReminderAt, now)))
    .orderBy(asc(handoffs.nextReminderAt))
    .limit(limit);
}

/** Accepted deals whose stall nudge is due (uses handoffs_status_next_stall_nudge_at_idx). */
export async function findStalled(exec: Executor, now: Date, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), eq(handoffs.status, 'accepted'), lte(handoffs.nextStallNudgeAt, now)))
    .orderBy(asc(handoffs.nextStallNudgeAt))
    .limit(limit);
}

/** Accepted deals with no first step and no outcome (accepted before first steps existed: issue 51), oldest first. */
export async function findAcceptedWithoutStep(exec: Executor, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        eq(handoffs.status, 'accepted'),
        isNull(handoffs.firstStep),
        isNull(handoffs.outcome),
      ),
    )
    .orderBy(asc(handoffs.id))
    .limit(limit);
}
