import { and, eq } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { type HelpRequestRow, helpRequests } from '../schema.js';

export type { HelpRequestRow };

/**
 * Stores a help request; undefined when its form was already submitted (one request per modal view: a retried
 * submission finds the first with `findHelpRequestBySourceView`).
 */
export async function insertHelpRequest(
  exec: Tx,
  row: typeof helpRequests.$inferInsert,
): Promise<HelpRequestRow | undefined> {
  return exec.insert(helpRequests).values(row).onConflictDoNothing().returning().all()[0];
}

export async function findHelpRequestBySourceView(
  exec: Executor,
  sourceViewId: string,
): Promise<HelpRequestRow | undefined> {
  return exec.select().from(helpRequests).where(eq(helpRequests.sourceViewId, sourceViewId)).get();
}

export async function findHelpRequest(exec: Executor, id: number): Promise<HelpRequestRow | undefined> {
  return exec.select().from(helpRequests).where(eq(helpRequests.id, id)).get();
}

/** Takes an open request for this person; undefined when it is not open (taken already, or no such request). */
export async function claimHelpRequest(
  exec: Tx,
  id: number,
  userId: string,
  now: Date,
): Promise<HelpRequestRow | undefined> {
  return exec
    .update(helpRequests)
    .set({ status: 'claimed', claimedByUserId: userId, claimedAt: now })
    .where(and(eq(helpRequests.id, id), eq(helpRequests.status, 'open')))
    .returning()
    .all()[0];
}
