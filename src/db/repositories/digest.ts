import { and, lt } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { first, tablesOf } from '../engine.js';
import { own } from '../owned.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * Whether the app was in use before `at`: anything in the touch log or a help request before it (the weekly digest
 * does not catch up on a week before a fresh install existed).
 */
export async function inUseBefore(exec: Executor, at: Date): Promise<boolean> {
  const { handoffEvents, helpRequests } = tablesOf(exec);
  const used =
    (await first(
      exec
        .select({ id: handoffEvents.id })
        .from(handoffEvents)
        .where(and(own(exec, handoffEvents), lt(handoffEvents.at, at)))
        .limit(1),
    )) ??
    (await first(
      exec
        .select({ id: helpRequests.id })
        .from(helpRequests)
        .where(and(own(exec, helpRequests), lt(helpRequests.createdAt, at)))
        .limit(1),
    ));
  return used !== undefined;
}
