import { and, asc, desc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { type HandoffEventType, type HandoffRow, handoffEvents, handoffs, surfaces } from '../schema.js';

/**
 * The escalation policies' reads and writes (src/escalation/): what is due, what the touch log says of the current
 * window, how often the policies moved a handoff, a pool's round robin, and the owner's expiry notice a move is told in.
 */

/** Handoffs with an escalation step due (open or expired), after `afterId`, by id: one page of the escalation run. */
export async function findEscalationsDue(
  exec: Executor,
  now: Date,
  afterId: number,
  limit: number,
): Promise<HandoffRow[]> {
  return exec
    .select()
    .from(handoffs)
    .where(
      and(
        inArray(handoffs.status, ['sent', 'expired']),
        isNotNull(handoffs.nextEscalationAt),
        lte(handoffs.nextEscalationAt, now),
        sql`${handoffs.id} > ${afterId}`,
      ),
    )
    .orderBy(asc(handoffs.id))
    .limit(limit)
    .all();
}

/** Handoffs waiting for their AE's answer, by id, at most `limit`: the away check reads their AEs' status. */
export async function findWaitingForAe(exec: Executor, limit: number): Promise<HandoffRow[]> {
  return exec
    .select()
    .from(handoffs)
    .where(eq(handoffs.status, 'sent'))
    .orderBy(asc(handoffs.id))
    .limit(limit)
    .all();
}

export interface CycleEvent {
  type: HandoffEventType;
  detail: Record<string, unknown> | null;
}

const ofCycle = (h: Pick<HandoffRow, 'id' | 'cycle'>, types: readonly HandoffEventType[]) =>
  and(
    eq(handoffEvents.handoffId, h.id),
    eq(handoffEvents.cycle, h.cycle),
    inArray(handoffEvents.type, [...types]),
  );

/** The touch log's events of these types in the handoff's current window (its cycle), oldest first. */
export async function cycleEvents(
  exec: Executor,
  h: Pick<HandoffRow, 'id' | 'cycle'>,
  types: readonly HandoffEventType[],
): Promise<CycleEvent[]> {
  return exec
    .select({ type: handoffEvents.type, detail: handoffEvents.detail })
    .from(handoffEvents)
    .where(ofCycle(h, types))
    .orderBy(asc(handoffEvents.id))
    .all();
}

/** How many times the policies moved this handoff (every level, every window): their limit is per handoff. */
export async function policyMovesOf(exec: Executor, handoffId: number): Promise<number> {
  return (
    exec
      .select({ n: sql<number>`count(*)` })
      .from(handoffEvents)
      .where(
        and(
          eq(handoffEvents.handoffId, handoffId),
          eq(handoffEvents.type, 'reassigned'),
          sql`json_extract(${handoffEvents.detail}, '$.policyLevel') is not null`,
        ),
      )
      .get()?.n ?? 0
  );
}

/** The member this pool gave a handoff to last: a handoff sent to it, or one a level reassigned to it. */
export async function lastPickOfPool(exec: Executor, pool: string): Promise<string | undefined> {
  return exec
    .select({ ae: handoffEvents.aeUserId })
    .from(handoffEvents)
    .where(
      and(
        inArray(handoffEvents.type, ['sent', 'reassigned']),
        sql`json_extract(${handoffEvents.detail}, '$.pool') = ${pool}`,
      ),
    )
    .orderBy(desc(handoffEvents.id))
    .limit(1)
    .get()?.ae;
}

/** How many handoffs wait for this AE's answer. */
export async function openCountOf(exec: Executor, aeUserId: string): Promise<number> {
  return (
    exec
      .select({ n: sql<number>`count(*)` })
      .from(handoffs)
      .where(and(eq(handoffs.aeUserId, aeUserId), eq(handoffs.status, 'sent')))
      .get()?.n ?? 0
  );
}

/** Everyone who was this handoff's AE (sent to them, or reassigned to them), with repeats. */
export async function aesOf(exec: Executor, handoffId: number): Promise<string[]> {
  return exec
    .select({ ae: handoffEvents.aeUserId })
    .from(handoffEvents)
    .where(and(eq(handoffEvents.handoffId, handoffId), inArray(handoffEvents.type, ['sent', 'reassigned'])))
    .all()
    .map((r) => r.ae);
}

/** The owner's expiry notice of the handoff's current window (the newest, if several), with its params. */
export async function findOwnerExpiryNotice(
  exec: Executor,
  h: Pick<HandoffRow, 'id' | 'ownerUserId' | 'cycle'>,
): Promise<{ id: number; params: Record<string, unknown> } | undefined> {
  return exec
    .select({ id: surfaces.id, params: surfaces.params })
    .from(surfaces)
    .where(
      and(
        eq(surfaces.handoffId, h.id),
        eq(surfaces.kind, 'expired_owner'),
        eq(surfaces.viewerUserId, h.ownerUserId),
        sql`json_extract(${surfaces.params}, '$.cycle') = ${h.cycle}`,
      ),
    )
    .orderBy(desc(surfaces.id))
    .get();
}

/** Replaces a surface's params (the caller then asks for its refresh). */
export async function setSurfaceParams(
  exec: Tx,
  surfaceId: number,
  params: Record<string, unknown>,
): Promise<void> {
  exec.update(surfaces).set({ params }).where(eq(surfaces.id, surfaceId)).run();
}
