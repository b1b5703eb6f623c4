import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseNow, tablesOf } from '../../src/db/engine.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/db/pg/store.js';
import { createSlotClaims } from '../../src/runtime/jobClaims.js';
import type { JobSpec } from '../../src/runtime/scheduler.js';
import { TestClock } from '../support/clock.js';
import { createDatabase } from '../support/postgres.js';

/**
 * A scheduled slot's claim on Postgres is stamped and compared on the database's clock (issue 50 item 31), as the
 * outbox's leases are (test/integration/replicaClocks.test.ts): a replica whose clock runs past another's lease does
 * not take over the slot that one is still running. On SQLite one process holds the file; its claims use its clock
 * (test/unit/runtime/schedulerClaims.test.ts).
 */

const MINUTE = 60_000;
const SLOT = new Date('2026-11-23T14:00:00Z');
const sweep = (leaseMs: number): JobSpec => ({
  name: 'sweep',
  schedule: '* * * * *',
  run: () => {},
  leaseMs,
});

let databases = 0;

describe('slot claims on the database’s clock', () => {
  let database: PostgresDatabase;
  beforeEach(async () => {
    databases += 1;
    database = await openPostgresDatabase(await createDatabase(`slot_clocks_${databases}`), { max: 2 });
  });
  afterEach(() => database.close());

  it('leaves a running slot to its holder when the other replica’s clock is past the lease', async () => {
    const db = firstInstallationOf(database.db);
    const a = createSlotClaims({ db, clock: new TestClock(SLOT), holder: 'a' });
    // b's clock is 20 minutes ahead of a's: past a's 15-minute lease at once, on its own reading.
    const b = createSlotClaims({
      db,
      clock: new TestClock(new Date(SLOT.getTime() + 20 * MINUTE)),
      holder: 'b',
    });
    expect(await a.claim(sweep(15 * MINUTE), SLOT)).toBe(true);
    expect(await b.claim(sweep(15 * MINUTE), SLOT)).toBe(false);
    // The claim's times are the database's, whatever either process's clock says.
    const before = (await databaseNow(db))?.getTime() ?? Number.NaN;
    const [claim] = await db.select().from(tablesOf(db).jobClaims);
    expect(claim?.holder).toBe('a');
    expect(Math.abs((claim?.claimedAt.getTime() ?? 0) - before)).toBeLessThan(MINUTE);
    expect((claim?.leaseUntil.getTime() ?? 0) - (claim?.claimedAt.getTime() ?? 0)).toBe(15 * MINUTE);
  });

  it('still takes over a slot whose lease has passed on the database’s clock', async () => {
    const db = firstInstallationOf(database.db);
    const a = createSlotClaims({ db, clock: new TestClock(SLOT), holder: 'a' });
    // b's clock is behind a's: on its own reading the lease has not begun, on the database's it has passed.
    const b = createSlotClaims({
      db,
      clock: new TestClock(new Date(SLOT.getTime() - 20 * MINUTE)),
      holder: 'b',
    });
    expect(await a.claim(sweep(0), SLOT)).toBe(true);
    expect(await b.claim(sweep(0), SLOT)).toBe(true);
    const [claim] = await db.select().from(tablesOf(db).jobClaims);
    expect(claim?.holder).toBe('b');
  });
});
