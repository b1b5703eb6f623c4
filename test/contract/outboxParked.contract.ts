import { and, asc, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/outboxParked.js';
import type { OutboxRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { type NewOutboxRow, outboxRowsAt, queueRows } from './seed.js';

export default contract('outboxParked repository', ({ db, at, plus, write }) => {
  const outboxRow = outboxRowsAt(at, { text: 'hello', nested: { list: [1, 'two', null] } });

  const queue = (...rows: NewOutboxRow[]) => queueRows(db, rows);

  async function all(): Promise<OutboxRow[]> {
    const { outbox: table } = tablesOf(db);
    return db.select().from(table).where(own(db, table)).orderBy(asc(table.id));
  }

  it('prunes delivered and cancelled rows queued before the time, oldest first, at most limit', async () => {
    await queue(
      outboxRow({ dedupeKey: 'old-2', status: 'delivered', nextAttemptAt: plus(-2_000) }),
      outboxRow({ dedupeKey: 'old-1', status: 'cancelled', nextAttemptAt: plus(-3_000) }),
      outboxRow({ dedupeKey: 'old-3', status: 'delivered', nextAttemptAt: plus(-1) }),
      // At the time (not before it), pending, parked: kept.
      outboxRow({ dedupeKey: 'at', status: 'delivered', nextAttemptAt: at }),
      outboxRow({ dedupeKey: 'pending', status: 'pending', nextAttemptAt: plus(-9_000) }),
      outboxRow({ dedupeKey: 'dead', status: 'dead', nextAttemptAt: plus(-9_000) }),
      // Kept for their dedupe keys, whatever their case.
      outboxRow({
        dedupeKey: 'handoff:1:partner_channel_blocked:2',
        status: 'delivered',
        nextAttemptAt: plus(-9_000),
      }),
      outboxRow({ dedupeKey: 'digest:2026-W47:U0X', status: 'delivered', nextAttemptAt: plus(-9_000) }),
      outboxRow({ dedupeKey: 'DIGEST:2026-W46:U0X', status: 'cancelled', nextAttemptAt: plus(-9_000) }),
      outboxRow({
        dedupeKey: 'handoff:1:PARTNER_CHANNEL_BLOCKED:3',
        status: 'delivered',
        nextAttemptAt: plus(-9_000),
      }),
      // Not the kept pattern: the colons are part of it.
      outboxRow({
        dedupeKey: 'handoff:1:partner_channel_blocked',
        status: 'delivered',
        nextAttemptAt: plus(-4_000),
      }),
    );
    expect(await write(repo.pruneFinished, at, 2)).toBe(2);
    let keys = (await all()).map((row) => row.dedupeKey);
    expect(keys).not.toContain('handoff:1:partner_channel_blocked');
    expect(keys).not.toContain('old-1');
    expect(keys).toContain('old-2');
    expect(await write(repo.pruneFinished, at, 10)).toBe(2);
    keys = (await all()).map((row) => row.dedupeKey);
    expect(keys).toEqual([
      'at',
      'pending',
      'dead',
      'handoff:1:partner_channel_blocked:2',
      'digest:2026-W47:U0X',
      'DIGEST:2026-W46:U0X',
      'handoff:1:PARTNER_CHANNEL_BLOCKED:3',
    ]);
    expect(await write(repo.pruneFinished, at, 10)).toBe(0);
    expect(await write(repo.pruneFinished, plus(1), 0)).toBe(0);
    expect(await write(repo.pruneFinished, plus(1), 10)).toBe(1);
    expect((await all()).map((row) => row.dedupeKey)).not.toContain('at');
  });

  it('lists parked rows newest first, whole, at most limit, and counts them all', async () => {
    expect(await repo.findDead(db, 10)).toEqual([]);
    expect(await repo.countDead(db)).toBe(0);
    const d2Row = {
      dedupeKey: 'd2',
      status: 'dead' as const,
      attempts: 8,
      lastError: 'ratelimited',
      audience: 'partner' as const,
      recordAs: 'msg:2',
      uncertainSince: plus(2),
      scheduledAt: plus(3),
      nextAttemptAt: plus(4),
      createdAt: plus(1),
    };
    const [d1, , d2, d3] = await queue(
      outboxRow({ dedupeKey: 'd1', status: 'dead', attempts: 5, lastError: 'invalid_blocks' }),
      outboxRow({ dedupeKey: 'p', status: 'pending' }),
      outboxRow(d2Row),
      outboxRow({ dedupeKey: 'd3', status: 'dead', attempts: 1 }),
      outboxRow({ dedupeKey: 'x', status: 'delivered', deliveredAt: plus(5) }),
    );
    expect((await repo.findDead(db, 10)).map((row) => row.id)).toEqual([d3, d2, d1]);
    expect((await repo.findDead(db, 2)).map((row) => row.id)).toEqual([d3, d2]);
    expect(await repo.findDead(db, 0)).toEqual([]);
    expect(await repo.countDead(db)).toBe(3);
    const row = (await repo.findDead(db, 2))[1];
    // Whole: every column not set is null.
    expect(row).toEqual({
      installationId: 1,
      id: d2,
      channelKey: 'C0CHAN',
      method: 'chat.postMessage',
      payload: { text: 'hello', nested: { list: [1, 'two', null] } },
      ...{ targetMessageKey: null, threadOf: null, handoffId: null, surfaceKey: null, deliveredAt: null },
      ...{ postedChannelId: null, postedTs: null },
      ...d2Row,
    });
  });

  it('requeues one parked row by id, or all of them, due now with a fresh attempt count', async () => {
    const now = plus(10_000);
    const [d1, d2, pending, d3] = await queue(
      outboxRow({ dedupeKey: 'd1', status: 'dead', attempts: 5, lastError: 'boom' }),
      outboxRow({ dedupeKey: 'd2', status: 'dead', attempts: 3 }),
      outboxRow({ dedupeKey: 'p', status: 'pending', attempts: 2, nextAttemptAt: plus(50_000) }),
      outboxRow({ dedupeKey: 'd3', status: 'dead', attempts: 1 }),
    );
    // Not parked, or no such row: nothing.
    expect(await write(repo.requeueDead, now, pending)).toBe(0);
    expect(await write(repo.requeueDead, now, 999_999)).toBe(0);
    expect(await write(repo.requeueDead, now, d1)).toBe(1);
    let rows = await all();
    expect(rows.find((row) => row.id === d1)).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      scheduledAt: now,
      lastError: 'boom',
    });
    expect(rows.find((row) => row.id === pending)).toMatchObject({
      status: 'pending',
      attempts: 2,
      nextAttemptAt: plus(50_000),
      scheduledAt: null,
    });
    expect(await repo.countDead(db)).toBe(2);
    expect(await write(repo.requeueDead, plus(20_000))).toBe(2);
    rows = await all();
    for (const id of [d2, d3]) {
      expect(rows.find((row) => row.id === id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: plus(20_000),
        scheduledAt: plus(20_000),
      });
    }
    expect(await repo.countDead(db)).toBe(0);
    expect(await write(repo.requeueDead, now)).toBe(0);
  });

  it('parks a row with one more attempt and its error', async () => {
    const [id, other] = await queue(
      outboxRow({ dedupeKey: 'a', attempts: 4, nextAttemptAt: plus(7) }),
      outboxRow({ dedupeKey: 'b', attempts: 1 }),
    );
    const row = (await all()).find((r) => r.id === id);
    if (!row) throw new Error('no row');
    await write(repo.markDead, row, 'channel_not_found');
    const rows = await all();
    expect(rows.find((r) => r.id === id)).toEqual({
      ...row,
      status: 'dead',
      attempts: 5,
      lastError: 'channel_not_found',
    });
    expect(rows.find((r) => r.id === other)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: null,
    });
    expect((await repo.findDead(db, 5)).map((r) => r.id)).toEqual([id]);
    expect(await repo.countDead(db)).toBe(1);
  });

  it('reads the attempts a pending row has made; none once it is not pending', async () => {
    const [pending, dead, cancelled] = await queue(
      outboxRow({ dedupeKey: 'p', attempts: 2 }),
      outboxRow({ dedupeKey: 'd', attempts: 3, status: 'dead' }),
      outboxRow({ dedupeKey: 'c', attempts: 1, status: 'cancelled' }),
    );
    const made = (id: number | undefined) => write(repo.attemptsMade, id ?? -1);
    expect(await made(pending)).toBe(2);
    expect(await made(dead)).toBeUndefined();
    expect(await made(cancelled)).toBeUndefined();
    expect(await made(-1)).toBeUndefined();
  });

  it('parks with the count the database holds, not the one read before: a count started again since is kept', async () => {
    const [id] = await queue(outboxRow({ dedupeKey: 'a', attempts: 2 }));
    const read = (await all()).find((r) => r.id === id);
    if (!read) throw new Error('no row');
    // The app is invited back after the read: the hold's count starts again (slackEvents.ts forgetAccessErrors).
    await db.transaction(async (tx) => {
      const { outbox } = tablesOf(tx);
      await tx
        .update(outbox)
        .set({ attempts: 0 })
        .where(and(own(tx, outbox), eq(outbox.id, read.id)));
    });
    await write(repo.markDead, read, 'restricted_action');
    expect((await all()).find((r) => r.id === id)).toMatchObject({ status: 'dead', attempts: 1 });
  });

  it('sees its own writes inside the transaction, and nothing of a transaction that failed', async () => {
    const [id] = await queue(outboxRow({ dedupeKey: 'a', status: 'dead' }));
    await expect(
      db.transaction(async (tx) => {
        expect(await repo.requeueDead(tx, at, id)).toBe(1);
        expect(await repo.countDead(tx)).toBe(0);
        expect(await repo.findDead(tx, 5)).toEqual([]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.countDead(db)).toBe(1);
    expect((await repo.findDead(db, 5)).map((r) => r.id)).toEqual([id]);
  });
});
