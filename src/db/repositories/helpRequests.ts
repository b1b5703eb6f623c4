import { and, eq } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { type HelpRequestRow, helpRequests } from '../schema.js';

export type { HelpRequestRow };

/**
 * Stores a help request; undefined when its form was already submitted (one request per modal view: a retried
 * submission finds the first with `findHelpRequestBySourceView`).
 */
export function insertHelpRequest(
  exec: Executor,
  row: typeof helpRequests.$inferInsert,
): HelpRequestRow | undefined {
  return exec.insert(helpRequests).values(row).onConflictDoNothing().returning().all()[0];
}

export function findHelpRequestBySourceView(
  exec: Executor,
  sourceViewId: string,
): HelpRequestRow | undefined {
  return exec.select().from(helpRequests).where(eq(helpRequests.sourceViewId, sourceViewId)).get();
}

export function findHelpRequest(exec: Executor, id: number): HelpRequestRow | undefined {
  return exec.select().from(helpRequests).where(eq(helpRequests.id, id)).get();
}

/** Takes an open request for this person; undefined when it is not open (taken already, or no such request). */
export function claimHelpRequest(
  exec: Executor,
  id: number,
  userId: string,
  now: Date,
): HelpRequestRow | undefined {
  return exec
    .update(helpRequests)
    .set({ status: 'claimed', claimedByUserId: userId, claimedAt: now })
    .where(and(eq(helpRequests.id, id), eq(helpRequests.status, 'open')))
    .returning()
    .all()[0];
}
