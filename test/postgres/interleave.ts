import type pg from 'pg';
import { expect } from 'vitest';

/** Helpers of the tests that hold one Postgres transaction open while another runs (outboxOrder, inviteRacesHold). */

/** A gate a transaction waits at until the test opens it. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Transactions of the pool's database waiting for a row lock another holds. */
export async function waitingForLocks(pool: pg.Pool): Promise<number> {
  const result = await pool.query(
    "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
  );
  return (result.rows[0] as { n: number }).n;
}

/** Until `done` holds, a turn of the event loop at a time (each check is a round trip; at most 5 s). */
export async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await done()) && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  expect(await done()).toBe(true);
}
