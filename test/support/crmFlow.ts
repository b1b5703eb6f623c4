import { asc, eq } from 'drizzle-orm';
import { type Harness, quiet } from './harness.js';

/** Another account (its own domain): not a duplicate of the Northwind packet, nor of each other. */
export const account = (name: string) => ({
  accountName: name,
  accountDomain: `${name.toLowerCase().replace(/\W/g, '')}.example`,
});

/** The outbox rows that write CRM activities, in the order they were queued. */
export async function crmRows(h: Harness) {
  const { outbox } = h.tables;
  return h.database.db.select().from(outbox).where(eq(outbox.method, 'crm.activity')).orderBy(asc(outbox.id));
}

/**
 * Moves the business clock a few seconds at a time (past the retry backoffs and rate-limit waits, which are on it)
 * and wakes the worker, until `done` holds. The wait before looking for a lost write is real time (monotonic): each
 * step waits for the app to go quiet (`quiet` waits for such rows).
 */
export async function drive(h: Harness, done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let step = 0; step < 100 && !(await done()); step += 1) {
    h.clock.advance(5_000);
    h.app.outbox.kick();
    await quiet(h);
  }
  if (!(await done())) throw new Error(`never happened: ${what}`);
}
