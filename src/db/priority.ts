import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which work may wait (requests never queue behind delivery work). The outbox's deliveries, the scheduled
 * jobs and the work a listener leaves running after its ack run `asBackground`; everything they await, and every
 * timer or promise they start, carries the mark (Node's AsyncLocalStorage follows it). On Postgres the app's pool
 * gives such work its own few connections (db/pg/store.ts), so a Slack request, which must be answered within 3 s,
 * never waits for a connection that a storm of deliveries holds. SQLite has one connection and one writer: nothing
 * to route there (its queueing is the event loop's, which runtime/requestActivity.ts orders).
 */
const background = new AsyncLocalStorage<true>();

/** Runs `work` marked as work that can wait; what it starts keeps the mark. */
export function asBackground<T>(work: () => T): T {
  return background.run(true, work);
}

/** Whether the caller runs as work that can wait (`asBackground`). */
export function inBackground(): boolean {
  return background.getStore() === true;
}
