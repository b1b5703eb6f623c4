import { and, asc, count, desc, eq, notLike } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { AttributionReviewRow, HandoffRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** "Review attribution" items: opened by the CRM read-back, decided by RevOps. */

/** Every item of a handoff, oldest first (a handoff has few). */
export async function reviewsOf(exec: Executor, handoffId: number): Promise<AttributionReviewRow[]> {
  const { attributionReviews: r } = tablesOf(exec);
  return exec
    .select()
    .from(r)
    .where(and(own(exec, r), eq(r.handoffId, handoffId)))
    .orderBy(asc(r.id));
}

/** Opens an item; returns it. */
export async function insertReview(
  exec: Tx,
  row: { handoffId: number; evidence: Record<string, unknown>; openedAt: Date },
): Promise<AttributionReviewRow | undefined> {
  const { attributionReviews: r } = tablesOf(exec);
  return first(
    exec
      .insert(r)
      .values(ownRow(exec, { ...row, status: 'open' as const }))
      .returning(),
  );
}

/** One item, by its id. */
export async function findReview(exec: Executor, id: number): Promise<AttributionReviewRow | undefined> {
  const { attributionReviews: r } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(r)
      .where(and(own(exec, r), eq(r.id, id))),
  );
}

/** The open items with their handoffs, oldest first, at most `limit`; and how many are open in all. */
export async function openReviews(
  exec: Executor,
  limit: number,
): Promise<{ items: { review: AttributionReviewRow; handoff: HandoffRow }[]; total: number }> {
  const { attributionReviews: r, handoffs } = tablesOf(exec);
  const rows = await exec
    .select({ review: r, handoff: handoffs })
    .from(r)
    .innerJoin(handoffs, and(eq(handoffs.id, r.handoffId), own(exec, handoffs)))
    .where(and(own(exec, r), eq(r.status, 'open')))
    .orderBy(asc(r.openedAt), asc(r.id))
    .limit(limit);
  const total = await first(
    exec
      .select({ n: count() })
      .from(r)
      .where(and(own(exec, r), eq(r.status, 'open'))),
  );
  return { items: rows, total: Number(total?.n ?? 0) };
}

/** Records the decision on an item still open; returns it, or undefined when it was decided meanwhile. */
export async function decideReview(
  exec: Tx,
  id: number,
  decision: { status: 'kept' | 'corrected'; decidedBy: string; decidedAt: Date; note: string },
): Promise<AttributionReviewRow | undefined> {
  const { attributionReviews: r } = tablesOf(exec);
  return first(
    exec
      .update(r)
      .set(decision)
      .where(and(own(exec, r), eq(r.id, id), eq(r.status, 'open')))
      .returning(),
  );
}

/** Who last corrected the handoff's class by hand (a correction not made by a CRM, `crm:<system>`), if anyone. */
export async function lastPersonCorrection(exec: Executor, handoffId: number): Promise<string | undefined> {
  const { classificationCorrections: c } = tablesOf(exec);
  const row = await first(
    exec
      .select({ by: c.correctedByUserId })
      .from(c)
      .where(and(own(exec, c), eq(c.handoffId, handoffId), notLike(c.correctedByUserId, 'crm:%')))
      .orderBy(desc(c.id))
      .limit(1),
  );
  return row?.by;
}
