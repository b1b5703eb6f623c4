import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyTx, AppDatabase } from '../../../src/db/client.js';
import { firstInstallationOf } from '../../../src/db/owned.js';
import { preparedQuery } from '../../../src/db/prepared.js';
import { partners } from '../../../src/db/schema.js';
import { signal } from '../../support/signal.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';

// The SQLite store behind the async repositories (src/db/store.ts): transactions take turns on the writing
// connection, reads outside them see only what is committed, and the two ways to deadlock or read stale data are
// refused. On a real migrated file.
describe('SQLite store: transactions that can wait', () => {
  let database: AppDatabase;
  const at = new Date('2026-11-23T15:00:00Z');
  const addPartner = (name: string) =>
    database.db.transaction((tx) =>
      tx.insert(partners).values({ name, key: name.toLowerCase(), createdAt: at, updatedAt: at }).run(),
    );
  const names = () =>
    database.db
      .select({ name: partners.name })
      .from(partners)
      .all()
      .map((r) => r.name);

  beforeEach(() => {
    database = freshDatabase('store-');
  });
  afterEach(() => {
    database.close();
  });

  it('runs two transactions that wait between statements one after the other, never interleaved', async () => {
    const log: string[] = [];
    const run = (who: string) =>
      database.db.transaction(async (tx) => {
        log.push(`${who} begins`);
        tx.insert(partners).values({ name: who, key: who, createdAt: at, updatedAt: at }).run();
        // A real wait (the next turn of the event loop), as a Postgres round trip would be.
        await nextTurn();
        const seen = tx.select({ name: partners.name }).from(partners).all().length;
        log.push(`${who} ends seeing ${seen}`);
      });
    await Promise.all([run('a'), run('b')]);
    expect(log).toEqual(['a begins', 'a ends seeing 1', 'b begins', 'b ends seeing 2']);
  });

  it('shows a transaction’s writes to reads outside it only once it commits', async () => {
    let during: string[] = ['not read'];
    // The read-only connection, taken outside the transaction: read as another request would.
    const reader = database.db.$client;
    expect(reader).not.toBe(database.sqlite);
    await database.db.transaction(async (tx) => {
      tx.insert(partners).values({ name: 'Meridian', key: 'meridian', createdAt: at, updatedAt: at }).run();
      await nextTurn();
      during = (reader.prepare('select name from partners').all() as { name: string }[]).map((r) => r.name);
    });
    expect(during).toEqual([]);
    expect(names()).toEqual(['Meridian']);
  });

  it('rolls back everything a failed transaction wrote, and the next one runs', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        tx.insert(partners).values({ name: 'Lost', key: 'lost', createdAt: at, updatedAt: at }).run();
        await nextTurn();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await addPartner('Kept');
    expect(names()).toEqual(['Kept']);
    expect(database.sqlite.inTransaction).toBe(false);
  });

  it('refuses a transaction inside a transaction (it would wait for itself), and, in the tests, a read through the database inside one (it would miss the transaction’s own writes)', async () => {
    await expect(database.db.transaction(() => addPartner('Inner'))).rejects.toThrow(
      /A transaction inside a transaction/,
    );
    expect(names()).toEqual([]);
    await expect(database.db.transaction(() => names())).rejects.toThrow(
      /A read through the database \(not the transaction\) inside a transaction/,
    );
  });

  it('refuses a write outside a transaction (the database outside one is a read-only connection)', () => {
    expect(() =>
      database.db.run(sql`insert into partners (name, key, created_at, updated_at) values ('x', 'x', 0, 0)`),
    ).toThrow(expect.objectContaining({ cause: expect.objectContaining({ code: 'SQLITE_READONLY' }) }));
    expect(names()).toEqual([]);
  });

  // A prepared read outside a transaction runs on the writing connection while no transaction is open on it (its page
  // cache stays warm; the read-only connection's is dropped at every commit). Shown by closing the read-only
  // connection: whatever still reads went to the writer.
  describe('prepared reads outside a transaction', () => {
    const partnerNames = preparedQuery('test_store_partner_names', (exec, { partners: p }) =>
      exec.select({ name: p.name }).from(p).orderBy(p.name),
    );
    const addReturning = preparedQuery('test_store_add_partner_returning', (exec, { partners: p }) =>
      exec
        .insert(p)
        .values({ name: sql.placeholder('name'), key: sql.placeholder('name'), createdAt: at, updatedAt: at })
        .returning({ id: p.id }),
    );
    const read = async () => (await partnerNames.all(firstInstallationOf(database.db))).map((r) => r.name);

    it('run on the writing connection while it has no transaction open', async () => {
      await addPartner('Meridian');
      database.db.$client.close();
      expect(await read()).toEqual(['Meridian']);
    });

    it('run on the read-only connection while a transaction is open, so they never see its writes before it commits', async () => {
      // A transaction that waits with its write made, while another request (this test) reads.
      const openWith = (write: (tx: AnyTx) => void) => {
        const gate = signal();
        const opened = signal();
        const done = database.db.transaction(async (tx) => {
          write(tx);
          opened.fire();
          await gate.fired;
        });
        return { isOpen: opened.fired, release: gate.fire, done };
      };
      const first = openWith((tx) =>
        tx
          .insert(partners)
          .values({ name: 'Northwind', key: 'northwind', createdAt: at, updatedAt: at })
          .run(),
      );
      await first.isOpen;
      expect(database.sqlite.inTransaction).toBe(true);
      expect(await read()).toEqual([]);
      first.release();
      await first.done;
      expect(await read()).toEqual(['Northwind']);
      // With the read-only connection closed, a read while a transaction is open has nowhere else to go.
      database.db.$client.close();
      const second = openWith(() => {});
      await second.isOpen;
      await expect(read()).rejects.toThrow(/database connection is not open/);
      second.release();
      await second.done;
      expect(await read()).toEqual(['Northwind']);
    });

    it('a prepared write outside a transaction still fails on the read-only connection, idle writer or not', async () => {
      expect(database.sqlite.inTransaction).toBe(false);
      await expect(addReturning.all(firstInstallationOf(database.db), { name: 'Sneaky' })).rejects.toThrow(
        /readonly/i,
      );
      expect(await read()).toEqual([]);
    });
  });
});
