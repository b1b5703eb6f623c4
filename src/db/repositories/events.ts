import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { preparedFor, stored } from '../prepared.js';
import {
  type HandoffEventRow,
  type HandoffEventType,
  type HandoffRow,
  handoffEvents,
  handoffs,
} from '../schema.js';

export type { HandoffEventRow };

export interface EventInput {
  type: HandoffEventType;
  /** The handoff before the change (null for the send itself) and after it. */
  before: Pick<HandoffRow, 'status'> | null;
  after: HandoffRow;
  /** Who acted; null when the app did it on its own (the sweep). */
  actor: { userId: string; teamId?: string | null } | null;
  at: Date;
  businessHours?: number | null;
  detail?: Record<string, unknown> | null;
}

const insertEventQuery = preparedFor((exec) =>
  exec
    .insert(handoffEvents)
    .values({
      handoffId: sql.placeholder('handoffId'),
      type: sql.placeholder('type'),
      fromStatus: sql.placeholder('fromStatus'),
      toStatus: sql.placeholder('toStatus'),
      actorUserId: sql.placeholder('actorUserId'),
      actorTeamId: sql.placeholder('actorTeamId'),
      aeUserId: sql.placeholder('aeUserId'),
      assignment: sql.placeholder('assignment'),
      cycle: sql.placeholder('cycle'),
      at: sql.placeholder('at'),
      businessHours: sql.placeholder('businessHours'),
      detail: stored('detail'),
    })
    .prepare(),
);

/** Appends one event to the touch log. Call inside the transaction that makes the change. */
/** Appends the event to the touch log; returns its id. */
export async function logEvent(exec: Tx, input: EventInput): Promise<number> {
  const result = insertEventQuery(exec).run({
    handoffId: input.after.id,
    type: input.type,
    fromStatus: input.before?.status ?? null,
    toStatus: input.after.status,
    actorUserId: input.actor?.userId ?? null,
    actorTeamId: input.actor?.teamId ?? null,
    aeUserId: input.after.aeUserId,
    assignment: input.after.assignment,
    cycle: input.after.cycle,
    at: input.at,
    businessHours: input.businessHours ?? null,
    detail: input.detail ? JSON.stringify(input.detail) : null,
  });
  return Number(result.lastInsertRowid);
}

/** When the current request to an AE began: the send, or the reassignment that made this assignment. */
const assignmentStartQuery = preparedFor((exec) =>
  exec
    .select({ at: handoffEvents.at, detail: handoffEvents.detail })
    .from(handoffEvents)
    .where(
      and(
        eq(handoffEvents.handoffId, sql.placeholder('handoffId')),
        eq(handoffEvents.assignment, sql.placeholder('assignment')),
        inArray(handoffEvents.type, ['sent', 'reassigned']),
      ),
    )
    .orderBy(desc(handoffEvents.id))
    .limit(1)
    .prepare(),
);

export async function assignmentStartedAt(
  exec: Executor,
  handoffId: number,
  assignment: number,
): Promise<Date | undefined> {
  return assignmentStartQuery(exec).get({ handoffId, assignment })?.at;
}

/**
 * When the AE of this assignment was asked to answer: the send or the reassignment to them, or later when the author
 * chose to start the window at an away AE's return (`windowFrom`). An expiry and an extension do not restart it.
 */
export async function assignmentWindowStart(
  exec: Executor,
  handoffId: number,
  assignment: number,
): Promise<Date | undefined> {
  const start = assignmentStartQuery(exec).get({ handoffId, assignment });
  if (!start) return undefined;
  const from = typeof start.detail?.windowFrom === 'string' ? new Date(start.detail.windowFrom) : undefined;
  return from && from.getTime() > start.at.getTime() ? from : start.at;
}

/** A handoff's history, oldest first. */
export async function eventsOf(exec: Executor, handoffId: number): Promise<HandoffEventRow[]> {
  return exec
    .select()
    .from(handoffEvents)
    .where(eq(handoffEvents.handoffId, handoffId))
    .orderBy(asc(handoffEvents.id))
    .all();
}

/**
 * Handoffs whose current status is not where their log ends (or that have no log at all): empty when the log and
 * the state agree. Used by the tests and by `npm run export -- --check`.
 */
export async function logMismatches(
  exec: Executor,
): Promise<{ handoffId: number; status: string; logStatus: string | null }[]> {
  return exec.all<{ handoffId: number; status: string; logStatus: string | null }>(sql`
    select h.id as handoffId, h.status as status,
      (select e.to_status from ${handoffEvents} e where e.handoff_id = h.id order by e.id desc limit 1) as logStatus
    from ${handoffs} h
    where logStatus is null or logStatus <> h.status
    order by h.id`);
}
