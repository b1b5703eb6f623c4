import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/db/pg/store.js';
import { asBackground } from '../../src/db/priority.js';
import type { AnyExecutor } from '../../src/db/types.js';
import { createDatabase } from '../support/postgres.js';

/**
 * Requests never queue behind delivery work (issue 56): the work that can wait (db/priority.ts `asBackground`) takes
 * its connections from a pool of its own (db/pg/store.ts `RoutedPool`). With every background connection held, a
 * request's transaction still runs, and background work waits for its own.
 */

/** The server process of the connection a statement ran on (Postgres's executor runs raw SQL by `execute`). */
const pidOf = async (exec: AnyExecutor) => {
  const pg = exec as unknown as { execute(q: unknown): Promise<{ rows: { pid: number }[] }> };
  return (await pg.execute(sql`select pg_backend_pid() as pid`)).rows[0]?.pid;
};

let databases = 0;

describe('the background pool on Postgres', () => {
  let database: PostgresDatabase;
  beforeEach(async () => {
    databases += 1;
    database = await openPostgresDatabase(await createDatabase(`pool_priority_${databases}`), {
      max: 2,
      background: 1,
    });
  });
  afterEach(async () => {
    await database.close();
  });

  it('gives a request a connection while background work holds all of its own', async () => {
    const { db } = database;
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let backgroundPid: number | undefined;
    let entered = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    // The background pool's one connection, held in a transaction until the gate opens.
    const holding = asBackground(() =>
      db.transaction(async (tx) => {
        backgroundPid = await pidOf(tx);
        entered();
        await gate;
      }),
    );
    await inside;
    // Queued behind it: background work gets no connection of the requests' pool.
    const order: string[] = [];
    const queued = asBackground(async () => {
      const pid = await pidOf(db);
      order.push('background');
      return pid;
    });
    // A request's transaction and read run meanwhile, on the requests' pool.
    const requestPid = await db.transaction(async (tx) => pidOf(tx));
    const readPid = await pidOf(db);
    order.push('request');
    expect(order).toEqual(['request']);
    release();
    await holding;
    // The queued background read ran on the background pool's one connection, once it was free.
    expect(await queued).toBe(backgroundPid);
    expect(order).toEqual(['request', 'background']);
    expect(requestPid).not.toBe(backgroundPid);
    expect(readPid).not.toBe(backgroundPid);
  });

  it('keeps the mark through what background work awaits and starts', async () => {
    const { db } = database;
    const first = await asBackground(() => pidOf(db));
    const later = await asBackground(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return new Promise<number | undefined>((resolve) => {
        setTimeout(() => resolve(pidOf(db)), 0);
      });
    });
    expect(later).toBe(first);
    expect(await pidOf(db)).not.toBe(first);
  });
});
