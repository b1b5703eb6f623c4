import { and, desc, eq, inArray, isNull, notInArray, or, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { type HandoffRow, handoffEvents, handoffs } from '../schema.js';

/** A handoff is open while something can still happen to it: waiting, expired, or accepted and not yet won or lost. */
const openHandoff = or(
  inArray(handoffs.status, ['sent', 'expired']),
  and(
    eq(handoffs.status, 'accepted'),
    or(isNull(handoffs.outcome), notInArray(handoffs.outcome, ['won', 'lost'])),
  ),
);

/**
 * `/handoff list`: what a person wrote, owns, or has to answer (or took on) as its AE, open ones or all, newest
 * first, at most `limit`; `total` counts them all (counted only when the page is full).
 */
export async function listHandoffsOf(
  exec: Executor,
  person: { userId: string; teamId: string },
  opts: { all: boolean; limit: number },
): Promise<{ rows: HandoffRow[]; total: number }> {
  const mine = or(
    eq(handoffs.authorUserId, person.userId),
    eq(handoffs.ownerUserId, person.userId),
    and(eq(handoffs.aeUserId, person.userId), eq(handoffs.aeTeamId, person.teamId)),
  );
  const where = opts.all ? mine : and(mine, openHandoff);
  const rows = exec.select().from(handoffs).where(where).orderBy(desc(handoffs.id)).limit(opts.limit).all();
  const total =
    rows.length < opts.limit
      ? rows.length
      : (exec.select({ n: sql<number>`count(*)` }).from(handoffs).where(where).get()?.n ?? rows.length);
  return { rows, total };
}

/** Whether this person was ever the handoff's AE (the touch log names them): one reassigned away still sees it. */
export async function wasAeOf(exec: Executor, handoffId: number, userId: string): Promise<boolean> {
  return (
    exec
      .select({ id: handoffEvents.id })
      .from(handoffEvents)
      .where(and(eq(handoffEvents.handoffId, handoffId), eq(handoffEvents.aeUserId, userId)))
      .get() !== undefined
  );
}
