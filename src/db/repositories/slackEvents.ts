import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { changed, tablesOf } from '../engine.js';
import { own } from '../owned.js';
import type { HandoffRow } from '../schema.js';

/** What Slack's events about people and channels read (src/handlers/events/, escalation/awayCheck.ts). */

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * The handoffs waiting for this AE's answer, by id, at most `limit`: a status event matters only when there is one.
 * One read of the (ae_user_id, status) index, for every status change in the workspace.
 */
export async function waitingForAe(exec: Executor, aeUserId: string, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), eq(handoffs.aeUserId, aeUserId), eq(handoffs.status, 'sent')))
    .orderBy(asc(handoffs.id))
    .limit(limit);
}

/**
 * The app can post in a channel again (invited back): the refusals and holds its waiting rows recorded (`errors`)
 * are forgotten, so none of them is taken for a new one, and their attempts start again (a hold was no attempt: a
 * row held for hours must not be parked at its first refusal after the invite). Returns how many rows.
 */
export async function forgetAccessErrors(
  exec: Tx,
  channelKey: string,
  errors: readonly string[],
): Promise<number> {
  const { outbox } = tablesOf(exec);
  return changed(
    await exec
      .update(outbox)
      .set({ lastError: null, attempts: 0 })
      .where(
        and(
          own(exec, outbox),
          eq(outbox.channelKey, channelKey),
          eq(outbox.status, 'pending'),
          inArray(outbox.lastError, [...errors]),
        ),
      ),
  );
}
