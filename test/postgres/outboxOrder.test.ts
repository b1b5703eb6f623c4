import { asc } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/db/pg/store.js';
import { dueHeads, enqueue, type OutboxMessage } from '../../src/db/repositories/outbox.js';
import { addHandoff } from '../contract/seed.js';
import { createDatabase } from '../support/postgres.js';
import { gate, until, waitingForLocks } from './interleave.js';

/**
 * One handoff's outbox rows commit in id order on Postgres (issue 34, "Ordering by id"): `enqueue` locks the messages'
 * handoff rows before drawing ids, so a second transaction queueing for the same handoff draws its ids only after the
 * first committed. Without it, the second could commit first, and the worker (which delivers a conversation in id
 * order among what it sees) would post the later change before the earlier one.
 */

const AT = new Date('2026-11-23T14:00:00Z');

let databases = 0;

describe('one handoff’s outbox rows on Postgres', () => {
  let database: PostgresDatabase;
  /** Opened after each test too: a transaction a failed test left waiting would keep the pool from closing. */
  let held = gate();
  beforeEach(async () => {
    held = gate();
    databases += 1;
    database = await openPostgresDatabase(await createDatabase(`outbox_order_${databases}`), { max: 4 });
  });
  afterEach(async () => {
    held.open();
    await database.close();
  });

  const post = (handoffId: number, key: string): OutboxMessage => ({
    method: 'chat.postMessage',
    dedupeKey: key,
    channel: 'C0PARTNER',
    payload: { text: key },
    handoffId,
  });

  async function keysInIdOrder(): Promise<string[]> {
    const { outbox } = tablesOf(database.db);
    return (await database.db.select().from(outbox).orderBy(asc(outbox.id))).map((r) => r.dedupeKey);
  }

  it('a second transaction queueing for the same handoff waits for the first, so its rows get higher ids and commit after', async () => {
    const db = firstInstallationOf(database.db);
    const handoff = await addHandoff(db, AT);
    const other = await addHandoff(db, AT);
    const committed: string[] = [];
    const queued = gate();
    const first = db
      .transaction(async (tx) => {
        await enqueue(tx, [post(handoff, 'first-1'), post(handoff, 'first-2')], AT);
        queued.open();
        await held.wait;
      })
      .then(() => committed.push('first'));
    await queued.wait;
    const second = db
      .transaction((tx) => enqueue(tx, [post(handoff, 'second-1')], AT))
      .then(() => committed.push('second'));
    // The second waits on the handoff's row; another handoff's messages are not held up meanwhile.
    await until(async () => (await waitingForLocks(database.pool)) === 1);
    await db.transaction((tx) => enqueue(tx, [post(other, 'other-1')], AT));
    expect(committed).toEqual([]);
    expect(await keysInIdOrder()).toEqual(['other-1']);
    held.open();
    await Promise.all([first, second]);
    expect(committed).toEqual(['first', 'second']);
    // The other handoff's row drew its id while the first was open: between them; the second's came last.
    expect(await keysInIdOrder()).toEqual(['first-1', 'first-2', 'other-1', 'second-1']);
    // The conversation's first head is the first transaction's first row.
    expect((await dueHeads(db, AT, 10)).map((r) => r.dedupeKey)).toEqual(['first-1']);
  });
});
