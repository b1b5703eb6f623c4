import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, lte } from 'drizzle-orm';
import { ESCALATING_STATUSES } from '../../domain/lifecycle.js';
import type { Executor, Tx } from '../client.js';
import { first, jsonField, tablesOf } from '../engine.js';
import { own } from '../owned.js';
import type { HandoffEventType, HandoffRow } from '../schema.js';

/**
 * The escalation policies' reads and writes (src/escalation/): what is due, what the touch log says of the current
 * window, how often the policies moved a handoff, a pool's round robin, and the owner's expiry notice a move is told in.
 */

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** Handoffs with an escalation step due (open or expired), after `afterId`, by id: one page of the escalation run. */
export async function findEscalationsDue(
  exec: Executor,
  now: Date,
  afterId: number,
  limit: number,
): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        inArray(handoffs.status, [...ESCALATING_STATUSES]),
        isNotNull(handoffs.nextEscalationAt),
        lte(handoffs.nextEscalationAt, now),
        gt(handoffs.id, afterId),
      ),
    )
    .orderBy(asc(handoffs.id))
    .limit(limit);
}

/** Handoffs waiting for their AE's answer, by id, at most `limit`: the away check reads their AEs' status. */
export async function findWaitingForAe(exec: Executor, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), eq(handoffs.status, 'sent')))
    .orderBy(asc(handoffs.id))
    .limit(limit);
}

export interface CycleEvent {
  type: HandoffEventType;
  detail: Record<string, unknown> | null;
  at: Date;
}

/** The touch log's events of these types in the handoff's current window (its cycle), oldest first. */
export async function cycleEvents(
  exec: Executor,
  h: Pick<HandoffRow, 'id' | 'cycle'>,
  types: readonly HandoffEventType[],
): Promise<CycleEvent[]> {
  const { handoffEvents } = tablesOf(exec);
  return exec
    .select({ type: handoffEvents.type, detail: handoffEvents.detail, at: handoffEvents.at })
    .from(handoffEvents)
    .where(
      and(
        own(exec, handoffEvents),
        eq(handoffEvents.handoffId, h.id),
        eq(handoffEvents.cycle, h.cycle),
        inArray(handoffEvents.type, [...types]),
      ),
    )
    .orderBy(asc(handoffEvents.id));
}

/** How many times the policies moved this handoff (every level, every window): their limit is per handoff. */
export async function policyMovesOf(exec: Executor, handoffId: number): Promise<number> {
  const { handoffEvents } = tablesOf(exec);
  const row = await first(
    exec
      .select({ n: count() })
      .from(handoffEvents)
      .where(
        and(
          own(exec, handoffEvents),
          eq(handoffEvents.handoffId, handoffId),
          eq(handoffEvents.type, 'reassigned'),
          isNotNull(jsonField(exec, handoffEvents.detail, 'policyLevel')),
        ),
      ),
  );
  return row?.n ?? 0;
}

/** The member this pool gave a handoff to last: a handoff sent to it, or one a level reassigned to it. */
export async function lastPickOfPool(exec: Executor, pool: string): Promise<string | undefined> {
  const { handoffEvents } = tablesOf(exec);
  const row = await first(
    exec
      .select({ ae: handoffEvents.aeUserId })
      .from(handoffEvents)
      .where(
        and(
          own(exec, handoffEvents),
          inArray(handoffEvents.type, ['sent', 'reassigned']),
          eq(jsonField(exec, handoffEvents.detail, 'pool'), pool),
        ),
      )
      .orderBy(desc(handoffEvents.id))
      .limit(1),
  );
  return row?.ae;
}

/**
 * A pool's round robin, newest first: each handoff it gave, to whom, when, and whom it passed over and why
 * (the touch log's sent and reassigned entries that name the pool).
 */
export async function poolHistory(
  exec: Executor,
  pool: string,
  limit: number,
): Promise<
  { handoffId: number; aeUserId: string; at: Date; skipped: { user: string; why: string }[]; why?: string }[]
> {
  const { handoffEvents } = tablesOf(exec);
  const rows = await exec
    .select({
      handoffId: handoffEvents.handoffId,
      aeUserId: handoffEvents.aeUserId,
      at: handoffEvents.at,
      detail: handoffEvents.detail,
    })
    .from(handoffEvents)
    .where(
      and(
        own(exec, handoffEvents),
        inArray(handoffEvents.type, ['sent', 'reassigned']),
        eq(jsonField(exec, handoffEvents.detail, 'pool'), pool),
      ),
    )
    .orderBy(desc(handoffEvents.id))
    .limit(limit);
  return rows.map((r) => {
    const detail = r.detail as { skipped?: unknown; poolWhy?: unknown } | null;
    const skipped = detail?.skipped;
    return {
      handoffId: r.handoffId,
      aeUserId: r.aeUserId,
      at: r.at,
      skipped: Array.isArray(skipped) ? (skipped as { user: string; why: string }[]) : [],
      // Why a fair pool chose them, when it did.
      ...(typeof detail?.poolWhy === 'string' ? { why: detail.poolWhy } : {}),
    };
  });
}

/** Whom a pool gave handoffs to since `since` (sent to them, or reassigned to them), and when: a fair pool's counts. */
export async function poolPicksSince(
  exec: Executor,
  pool: string,
  since: Date,
): Promise<{ aeUserId: string; at: Date }[]> {
  const { handoffEvents } = tablesOf(exec);
  return exec
    .select({ aeUserId: handoffEvents.aeUserId, at: handoffEvents.at })
    .from(handoffEvents)
    .where(
      and(
        own(exec, handoffEvents),
        inArray(handoffEvents.type, ['sent', 'reassigned']),
        eq(jsonField(exec, handoffEvents.detail, 'pool'), pool),
        gte(handoffEvents.at, since),
      ),
    )
    .orderBy(asc(handoffEvents.id));
}

/** A pool's newest picks, newest first, whom only (a weighted member's turns in a row). */
export async function recentPicksOfPool(exec: Executor, pool: string, limit: number): Promise<string[]> {
  const { handoffEvents } = tablesOf(exec);
  const rows = await exec
    .select({ ae: handoffEvents.aeUserId })
    .from(handoffEvents)
    .where(
      and(
        own(exec, handoffEvents),
        inArray(handoffEvents.type, ['sent', 'reassigned']),
        eq(jsonField(exec, handoffEvents.detail, 'pool'), pool),
      ),
    )
    .orderBy(desc(handoffEvents.id))
    .limit(limit);
  return rows.map((r) => r.ae);
}

/** How many handoffs wait for this AE's answer. */
export async function openCountOf(exec: Executor, aeUserId: string): Promise<number> {
  const { handoffs } = tablesOf(exec);
  const row = await first(
    exec
      .select({ n: count() })
      .from(handoffs)
      .where(and(own(exec, handoffs), eq(handoffs.aeUserId, aeUserId), eq(handoffs.status, 'sent'))),
  );
  return row?.n ?? 0;
}

/** Everyone who was this handoff's AE (sent to them, or reassigned to them), with repeats. */
export async function aesOf(exec: Executor, handoffId: number): Promise<string[]> {
  const { handoffEvents } = tablesOf(exec);
  const rows = await exec
    .select({ ae: handoffEvents.aeUserId })
    .from(handoffEvents)
    .where(
      and(
        own(exec, handoffEvents),
        eq(handoffEvents.handoffId, handoffId),
        inArray(handoffEvents.type, ['sent', 'reassigned']),
      ),
    );
  return rows.map((r) => r.ae);
}

/** The owner's expiry notice of the handoff's current window (the newest, if several), with its params. */
export async function findOwnerExpiryNotice(
  exec: Executor,
  h: Pick<HandoffRow, 'id' | 'ownerUserId' | 'cycle'>,
): Promise<{ id: number; params: Record<string, unknown> } | undefined> {
  const { surfaces } = tablesOf(exec);
  return first(
    exec
      .select({ id: surfaces.id, params: surfaces.params })
      .from(surfaces)
      .where(
        and(
          own(exec, surfaces),
          eq(surfaces.handoffId, h.id),
          eq(surfaces.kind, 'expired_owner'),
          eq(surfaces.viewerUserId, h.ownerUserId),
          eq(jsonField(exec, surfaces.params, 'cycle', 'number'), h.cycle),
        ),
      )
      .orderBy(desc(surfaces.id))
      .limit(1),
  );
}

/** Replaces a surface's params (the caller then asks for its refresh). */
export async function setSurfaceParams(
  exec: Tx,
  surfaceId: number,
  params: Record<string, unknown>,
): Promise<void> {
  const { surfaces } = tablesOf(exec);
  await exec
    .update(surfaces)
    .set({ params })
    .where(and(own(exec, surfaces), eq(surfaces.id, surfaceId)));
}
