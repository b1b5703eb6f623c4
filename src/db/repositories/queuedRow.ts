import { sql } from 'drizzle-orm';

/**
 * What every outbox row a prepared insert queues shares (outboxInsert.ts, changes.ts, surfaces.ts, homeViews.ts):
 * waiting, nothing tried yet, due and created at the placeholder `now`, keyed by the placeholders `dedupeKey` and
 * `channelKey`. Each insert adds its method, audience and the rest.
 */
export const queuedRow = () => ({
  status: 'pending' as const,
  attempts: 0,
  nextAttemptAt: sql.placeholder('now'),
  createdAt: sql.placeholder('now'),
  dedupeKey: sql.placeholder('dedupeKey'),
  channelKey: sql.placeholder('channelKey'),
});
