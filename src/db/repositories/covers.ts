import { and, asc, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { first, jsonField, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { CoverRow } from '../schema.js';

export type { CoverRow };

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** The cover an AE named (`/handoff cover`), past its last day or not. */
export async function findCover(exec: Executor, aeUserId: string): Promise<CoverRow | undefined> {
  const { covers } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(covers)
      .where(and(own(exec, covers), eq(covers.aeUserId, aeUserId))),
  );
}

/** Names the AE's cover, replacing the one named before. */
export async function saveCover(exec: Tx, row: CoverRow): Promise<void> {
  const { covers } = tablesOf(exec);
  await exec
    .insert(covers)
    .values(ownRow(exec, row))
    .onConflictDoUpdate({
      target: [covers.installationId, covers.aeUserId],
      set: { coverUserId: row.coverUserId, until: row.until, setAt: row.setAt, awayFrom: row.awayFrom },
    });
}

export async function deleteCover(exec: Tx, aeUserId: string): Promise<void> {
  const { covers } = tablesOf(exec);
  await exec.delete(covers).where(and(own(exec, covers), eq(covers.aeUserId, aeUserId)));
}

/** A handoff that went to a cover for an away AE (sent to the cover, or moved to it), as the touch log has it. */
export interface CoveredHandoff {
  /** The touch log's entry of the send or the move. */
  eventId: number;
  handoffId: number;
  /** The away AE the cover answered for. */
  coverFor: string;
  /** The cover it went to. */
  cover: string;
  at: Date;
}

/**
 * The handoffs that went to a cover since `since` whose away AE has not been told of them since ("While you were
 * away": a `cover_returned` entry after it, for that AE), oldest first. Two reads of the touch log by type and time.
 */
export async function coveredNotTold(exec: Executor, since: Date): Promise<CoveredHandoff[]> {
  const { handoffEvents } = tablesOf(exec);
  const coverFor = jsonField(exec, handoffEvents.detail, 'coverFor');
  const covered = await exec
    .select({
      eventId: handoffEvents.id,
      handoffId: handoffEvents.handoffId,
      coverFor,
      cover: handoffEvents.aeUserId,
      at: handoffEvents.at,
    })
    .from(handoffEvents)
    .where(
      and(
        own(exec, handoffEvents),
        inArray(handoffEvents.type, ['sent', 'reassigned']),
        gte(handoffEvents.at, since),
        isNotNull(coverFor),
      ),
    )
    .orderBy(asc(handoffEvents.id));
  if (covered.length === 0) return [];
  const told = await exec
    .select({ id: handoffEvents.id, handoffId: handoffEvents.handoffId, coverFor })
    .from(handoffEvents)
    .where(
      and(own(exec, handoffEvents), eq(handoffEvents.type, 'cover_returned'), gte(handoffEvents.at, since)),
    );
  // The latest telling of each handoff to each AE: a send or move after it is news again.
  const lastTold: Record<string, number> = {};
  for (const t of told) {
    const key = `${t.handoffId}:${String(t.coverFor)}`;
    lastTold[key] = Math.max(lastTold[key] ?? 0, t.id);
  }
  return covered.flatMap((c) =>
    typeof c.coverFor === 'string' && (lastTold[`${c.handoffId}:${c.coverFor}`] ?? 0) < c.eventId
      ? [{ ...c, coverFor: c.coverFor }]
      : [],
  );
}
