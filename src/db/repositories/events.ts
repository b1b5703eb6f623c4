import { and, asc, desc, eq, inArray, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { isPostgres, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import { preparedQuery, stored } from '../prepared.js';
import type { HandoffEventRow, HandoffEventType, HandoffRow } from '../schema.js';

export type { HandoffEventRow };

// Written for both engines (db/engine.ts): prepared once per connection, on the executor's own tables.

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

/**
 * A nullable JSON placeholder, bound as given (drizzle's encoders do not take null in a prepared query, and a jsonb
 * encoder would store JSON null): SQLite's JSON text or null as stored (`stored`), Postgres's JSON text cast to jsonb.
 */
const jsonOrNull = (exec: Executor, name: string): SQL =>
  isPostgres(exec) ? sql`${sql.placeholder(name)}::jsonb` : stored(name);

const insertEventQuery = preparedQuery('events_insert', (exec, { handoffEvents }) =>
  exec
    .insert(handoffEvents)
    .values(
      ownRow(exec, {
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
        detail: jsonOrNull(exec, 'detail'),
      }),
    )
    .returning({ id: handoffEvents.id }),
);

/** Appends one event to the touch log; returns its id. Call inside the transaction that makes the change. */
export async function logEvent(exec: Tx, input: EventInput): Promise<number> {
  const row = await insertEventQuery.first(exec, {
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
  if (!row) throw new Error(`event ${input.type} of handoff ${input.after.id} returned nothing`);
  return Number(row.id);
}

/** When the current request to an AE began: the send, or the reassignment that made this assignment. */
const assignmentStartQuery = preparedQuery('events_assignment_start', (exec, { handoffEvents }) =>
  exec
    .select({ at: handoffEvents.at, detail: handoffEvents.detail })
    .from(handoffEvents)
    .where(
      and(
        own(exec, handoffEvents),
        eq(handoffEvents.handoffId, sql.placeholder('handoffId')),
        eq(handoffEvents.assignment, sql.placeholder('assignment')),
        inArray(handoffEvents.type, ['sent', 'reassigned']),
      ),
    )
    .orderBy(desc(handoffEvents.id))
    .limit(1),
);

export async function assignmentStartedAt(
  exec: Executor,
  handoffId: number,
  assignment: number,
): Promise<Date | undefined> {
  return (await assignmentStartQuery.first(exec, { handoffId, assignment }))?.at;
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
  const start = await assignmentStartQuery.first(exec, { handoffId, assignment });
  if (!start) return undefined;
  const from = typeof start.detail?.windowFrom === 'string' ? new Date(start.detail.windowFrom) : undefined;
  return from && from.getTime() > start.at.getTime() ? from : start.at;
}

/**
 * The AE whose cover has this assignment (the touch log's `coverFor`: sent to the AE's cover, or moved to it by a
 * policy's level); undefined when the assignment's AE answers for themselves.
 */
export async function coverForOf(
  exec: Executor,
  handoffId: number,
  assignment: number,
): Promise<string | undefined> {
  const coverFor = (await assignmentStartQuery.first(exec, { handoffId, assignment }))?.detail?.coverFor;
  return typeof coverFor === 'string' ? coverFor : undefined;
}

/** One touch-log event, by its id (what a change's watchers read of it: packets/watchers.ts). */
export async function eventById(exec: Executor, id: number): Promise<HandoffEventRow | undefined> {
  const { handoffEvents } = tablesOf(exec);
  const [row] = await exec
    .select()
    .from(handoffEvents)
    .where(and(own(exec, handoffEvents), eq(handoffEvents.id, id)))
    .limit(1);
  return row;
}

/** A handoff's history, oldest first. */
export async function eventsOf(exec: Executor, handoffId: number): Promise<HandoffEventRow[]> {
  const { handoffEvents } = tablesOf(exec);
  return exec
    .select()
    .from(handoffEvents)
    .where(and(own(exec, handoffEvents), eq(handoffEvents.handoffId, handoffId)))
    .orderBy(asc(handoffEvents.id));
}

/**
 * Handoffs whose current status is not where their log ends (or that have no log at all): empty when the log and
 * the state agree. Used by the tests and by `npm run export -- --check`.
 */
export async function logMismatches(
  exec: Executor,
): Promise<{ handoffId: number; status: string; logStatus: string | null }[]> {
  const { handoffEvents, handoffs } = tablesOf(exec);
  // Spelled out: in a one-table select drizzle names columns without their table, which would not correlate.
  const logStatus = sql<
    string | null
  >`(select e.to_status from ${handoffEvents} e where e.handoff_id = ${handoffs}.id
    and e.installation_id = ${handoffs}.installation_id order by e.id desc limit 1)`;
  return exec
    .select({ handoffId: handoffs.id, status: handoffs.status, logStatus })
    .from(handoffs)
    .where(and(own(exec, handoffs), or(isNull(logStatus), ne(logStatus, handoffs.status))))
    .orderBy(asc(handoffs.id));
}
