import { asc } from 'drizzle-orm';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import type { HandoffRow, handoffEvents, NewHandoffRow, OutboxRow, outbox } from '../../src/db/schema.js';
import type { Db, Tx } from '../../src/db/types.js';
import { sentHandoffRow } from '../support/handoffRow.js';

/**
 * Rows the contracts need besides the ones their repository writes, on either engine: each written as the rows of the
 * executor's installation (`ownRow`), and read back from its rows only (`own`), as a repository would.
 */

export type NewOutboxRow = typeof outbox.$inferInsert;

let views = 0;

/** A sent handoff (a new modal view each time, unless `over` names one), committed; returns its row. */
export async function handoffRow(db: Db, at: Date, over: Partial<NewHandoffRow> = {}): Promise<HandoffRow> {
  views += 1;
  const [row] = await db.transaction((tx) =>
    tx
      .insert(tablesOf(tx).handoffs)
      .values(ownRow(tx, sentHandoffRow(at, { sourceViewId: `VSEED${views}`, ...over })))
      .returning(),
  );
  if (!row) throw new Error('no handoff inserted');
  return row;
}

/** The same, returning its id. */
export const addHandoff = async (db: Db, at: Date, over: Partial<NewHandoffRow> = {}): Promise<number> =>
  (await handoffRow(db, at, over)).id;

export type NewEventRow = typeof handoffEvents.$inferInsert;

/** An event of the touch log, committed: of AE U0AE, 'sent' to 'sent' in the first window, unless `row` says otherwise. */
export async function addEvent(
  db: Db,
  row: Pick<NewEventRow, 'handoffId' | 'type' | 'at'> & Partial<NewEventRow>,
): Promise<number> {
  const [inserted] = await db.transaction((tx) =>
    tx
      .insert(tablesOf(tx).handoffEvents)
      .values(
        ownRow(tx, {
          fromStatus: 'sent',
          toStatus: 'sent',
          aeUserId: 'U0AE',
          assignment: 1,
          cycle: 1,
          ...row,
        }),
      )
      .returning({ id: tablesOf(tx).handoffEvents.id }),
  );
  if (!inserted) throw new Error('no event inserted');
  return inserted.id;
}

/** Pending outbox rows due at `at` in conversation C0CHAN carrying `payload`, with what a test sets on top. */
export const outboxRowsAt =
  (at: Date, payload: NewOutboxRow['payload'] = { text: 'hello' }) =>
  (over: Partial<NewOutboxRow> & Pick<NewOutboxRow, 'dedupeKey'>): NewOutboxRow => ({
    channelKey: 'C0CHAN',
    method: 'chat.postMessage',
    payload,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
    ...over,
  });

/** Writes outbox rows as given, as the installation's, in one transaction; returns their ids in order. */
export async function queueRows(db: Db, rows: NewOutboxRow[]): Promise<number[]> {
  const inserted = await db.transaction((tx) =>
    tx
      .insert(tablesOf(tx).outbox)
      .values(rows.map((row) => ownRow(tx, row)))
      .returning({ id: tablesOf(tx).outbox.id }),
  );
  return inserted.map((row) => row.id);
}

/**
 * What the outbox contracts share, on the database `db()` gives (opened per test), at `at`: times after it, a handoff,
 * rows to queue and queueing them, and the outbox read back (every row of the installation in id order, one row by id,
 * or a row read and then written with in a transaction of its own, as the worker does).
 */
export function outboxFixtures(db: () => Db, at: Date) {
  async function rows(): Promise<OutboxRow[]> {
    const { outbox: table } = tablesOf(db());
    return db().select().from(table).where(own(db(), table)).orderBy(asc(table.id));
  }
  async function row(id: number): Promise<OutboxRow> {
    const found = (await rows()).find((r) => r.id === id);
    if (!found) throw new Error(`no outbox row ${id}`);
    return found;
  }
  async function withRow(id: number, write: (tx: Tx, r: OutboxRow) => Promise<void>): Promise<void> {
    const r = await row(id);
    await db().transaction((tx) => write(tx, r));
  }
  return {
    plus: (ms: number) => new Date(at.getTime() + ms),
    addHandoff: () => addHandoff(db(), at),
    outboxRow: outboxRowsAt(at),
    queue: (...queued: NewOutboxRow[]) => queueRows(db(), queued),
    rows,
    row,
    withRow,
  };
}
