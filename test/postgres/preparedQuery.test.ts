import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { firstInstallationOf, ownRow } from '../../src/db/owned.js';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/db/pg/store.js';
import { preparedQuery } from '../../src/db/prepared.js';
import { outboxRowsAt, queueRows } from '../contract/seed.js';
import { createDatabase } from '../support/postgres.js';

/**
 * A prepared query on Postgres is built once and bound to each drizzle session's client (src/db/prepared.ts): the
 * pool's, or a transaction's. Bound to the wrong one, a query inside a transaction would run on another connection:
 * it would not see the transaction's own writes, and would see another transaction's before they commit.
 */

const AT = new Date('2026-11-23T14:00:00Z');

const statusOf = preparedQuery('test_prepared_status', (exec, { outbox }) =>
  exec
    .select({ status: outbox.status })
    .from(outbox)
    .where(eq(outbox.dedupeKey, sql.placeholder('key'))),
);

let databases = 0;

describe('a prepared query on Postgres', () => {
  let database: PostgresDatabase;
  beforeEach(async () => {
    databases += 1;
    database = await openPostgresDatabase(await createDatabase(`prepared_${databases}`), { max: 4 });
  });
  afterEach(async () => {
    await database.close();
  });

  it('runs on the transaction it is given, and on the pool outside one', async () => {
    const db = firstInstallationOf(database.db);
    const row = outboxRowsAt(AT);
    await queueRows(db, [row({ dedupeKey: 'committed' })]);
    expect(await statusOf.all(db, { key: 'committed' })).toEqual([{ status: 'pending' }]);

    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let wrote = () => {};
    const written = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    // Transaction A writes a row and waits, uncommitted; B and the pool must not see it, A must.
    const a = db.transaction(async (tx) => {
      await tx.insert(tablesOf(tx).outbox).values(ownRow(tx, row({ dedupeKey: 'uncommitted' })));
      expect(await statusOf.all(tx, { key: 'uncommitted' })).toEqual([{ status: 'pending' }]);
      wrote();
      await held;
      throw new Error('rolled back');
    });
    await written;
    const seenByB = await db.transaction(async (tx) => {
      await tx
        .update(tablesOf(tx).outbox)
        .set({ status: 'delivered' })
        .where(eq(tablesOf(tx).outbox.dedupeKey, 'committed'));
      return {
        own: await statusOf.all(tx, { key: 'committed' }),
        others: await statusOf.all(tx, { key: 'uncommitted' }),
      };
    });
    expect(seenByB).toEqual({ own: [{ status: 'delivered' }], others: [] });
    expect(await statusOf.all(db, { key: 'uncommitted' })).toEqual([]);
    release();
    await expect(a).rejects.toThrow('rolled back');
    expect(await statusOf.all(db, { key: 'uncommitted' })).toEqual([]);
    expect(await statusOf.all(db, { key: 'committed' })).toEqual([{ status: 'delivered' }]);
  });
});
