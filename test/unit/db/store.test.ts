import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppDatabase, openDatabase } from '../../../src/db/client.js';
import { partners } from '../../../src/db/schema.js';

// The SQLite store behind the async repositories (src/db/store.ts): transactions take turns on the writing
// connection, reads outside them see only what is committed, and the two ways to deadlock or read stale data are
// refused. On a real migrated file.
describe('SQLite store: transactions that can wait', () => {
  let dir: string;
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
    dir = mkdtempSync(join(tmpdir(), 'store-'));
    database = openDatabase(join(dir, 'handoff.db'));
  });
  afterEach(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
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

  it('refuses a transaction inside a transaction (it would wait for itself)', async () => {
    await expect(database.db.transaction(() => addPartner('Inner'))).rejects.toThrow(
      /A transaction inside a transaction/,
    );
    expect(names()).toEqual([]);
  });

  it('refuses, in the tests, a read through the database inside a transaction (it would miss the transaction’s own writes)', async () => {
    await expect(database.db.transaction(() => names())).rejects.toThrow(
      /A read through the database \(not the transaction\) inside a transaction/,
    );
  });

  it('refuses a write outside a transaction (the database outside one is a read-only connection)', () => {
    let failure: unknown;
    try {
      database.db.run(sql`insert into partners (name, key, created_at, updated_at) values ('x', 'x', 0, 0)`);
    } catch (error) {
      failure = error;
    }
    expect((failure as { cause?: { code?: string } }).cause?.code).toBe('SQLITE_READONLY');
    expect(names()).toEqual([]);
  });
});
