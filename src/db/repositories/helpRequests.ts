import { and, eq } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { HelpRequestRow, helpRequests } from '../schema.js';

export type { HelpRequestRow };

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * Stores a help request; undefined when its form was already submitted (one request per modal view: a retried
 * submission finds the first with `findHelpRequestBySourceView`).
 */
export async function insertHelpRequest(
  exec: Tx,
  row: typeof helpRequests.$inferInsert,
): Promise<HelpRequestRow | undefined> {
  const { helpRequests } = tablesOf(exec);
  return first(exec.insert(helpRequests).values(ownRow(exec, row)).onConflictDoNothing().returning());
}

export async function findHelpRequestBySourceView(
  exec: Executor,
  sourceViewId: string,
): Promise<HelpRequestRow | undefined> {
  const { helpRequests } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(helpRequests)
      .where(and(own(exec, helpRequests), eq(helpRequests.sourceViewId, sourceViewId))),
  );
}

export async function findHelpRequest(exec: Executor, id: number): Promise<HelpRequestRow | undefined> {
  const { helpRequests } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(helpRequests)
      .where(and(own(exec, helpRequests), eq(helpRequests.id, id))),
  );
}

/** Takes an open request for this person; undefined when it is not open (taken already, or no such request). */
export async function claimHelpRequest(
  exec: Tx,
  id: number,
  userId: string,
  now: Date,
): Promise<HelpRequestRow | undefined> {
  const { helpRequests } = tablesOf(exec);
  return first(
    exec
      .update(helpRequests)
      .set({ status: 'claimed', claimedByUserId: userId, claimedAt: now })
      .where(and(own(exec, helpRequests), eq(helpRequests.id, id), eq(helpRequests.status, 'open')))
      .returning(),
  );
}
