import { lt } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { handoffEvents, helpRequests } from '../schema.js';

/**
 * Whether the app was in use before `at`: anything in the touch log or a help request before it (the weekly digest
 * does not catch up on a week before a fresh install existed).
 */
export async function inUseBefore(exec: Executor, at: Date): Promise<boolean> {
  const used =
    exec
      .select({ id: handoffEvents.id })
      .from(handoffEvents)
      .where(lt(handoffEvents.at, at))
      .limit(1)
      .get() ??
    exec
      .select({ id: helpRequests.id })
      .from(helpRequests)
      .where(lt(helpRequests.createdAt, at))
      .limit(1)
      .get();
  return used !== undefined;
}
