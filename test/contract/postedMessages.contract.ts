import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/postedMessages.js';
import { contract } from './engine.js';
import { type NewOutboxRow, outboxRowsAt, queueRows, addHandoff as seedHandoff } from './seed.js';

export default contract('postedMessages repository', ({ db, at, plus }) => {
  const handoff = () => seedHandoff(db, at);

  const outboxRow = outboxRowsAt(at, { text: 'hello', blocks: [{ type: 'section' }], n: 1.5, ok: true });

  const queue = (...rows: NewOutboxRow[]) => queueRows(db, rows);

  it('finds a posted message by its key, read back to the millisecond, and nothing for an unknown key', async () => {
    const handoffId = await handoff();
    expect(await repo.findPostedMessage(db, 'msg:1')).toBeUndefined();
    const posted = [
      { messageKey: 'msg:1', channelId: 'C0ONE', ts: '1700000000.000100', handoffId, postedAt: plus(1) },
      { messageKey: 'msg:2', channelId: 'D0TWO', ts: '1700000000.000200', handoffId: null, postedAt: at },
    ];
    await db.transaction(async (tx) => {
      await tx.insert(tablesOf(tx).postedMessages).values(posted.map((row) => ownRow(tx, row)));
    });
    for (const row of posted) {
      expect(await repo.findPostedMessage(db, row.messageKey)).toEqual({ installationId: 1, ...row });
    }
    expect(await repo.findPostedMessage(db, 'msg:3')).toBeUndefined();
    expect(await repo.findPostedMessage(db, 'MSG:1')).toBeUndefined();
  });

  it('reads its own write inside a transaction, and nothing of one that failed', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(tablesOf(tx).postedMessages).values(
          ownRow(tx, {
            messageKey: 'msg:tx',
            channelId: 'C0ONE',
            ts: '1.2',
            handoffId: null,
            postedAt: at,
          }),
        );
        expect((await repo.findPostedMessage(tx, 'msg:tx'))?.ts).toBe('1.2');
        await tx
          .insert(tablesOf(tx).outbox)
          .values(ownRow(tx, outboxRow({ dedupeKey: 'd:tx', recordAs: 'msg:tx' })));
        expect(await repo.outboxStatusByRecordAs(tx, 'msg:tx')).toBe('pending');
        expect((await repo.findOutboxByRecordAs(tx, 'msg:tx'))?.dedupeKey).toBe('d:tx');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.findPostedMessage(db, 'msg:tx')).toBeUndefined();
    expect(await repo.findOutboxByRecordAs(db, 'msg:tx')).toBeUndefined();
    expect(await repo.outboxStatusByRecordAs(db, 'msg:tx')).toBeUndefined();
  });

  it('finds the newest outbox row recording a key, whole, and its status', async () => {
    const handoffId = await handoff();
    expect(await repo.findOutboxByRecordAs(db, 'msg:p')).toBeUndefined();
    expect(await repo.outboxStatusByRecordAs(db, 'msg:p')).toBeUndefined();
    // Every column of a row set, read back as written.
    const newerRow = {
      recordAs: 'msg:p',
      status: 'delivered' as const,
      attempts: 2,
      handoffId,
      audience: 'partner' as const,
      threadOf: 'msg:parent',
      targetMessageKey: 'msg:target',
      surfaceKey: 'surface:1',
      nextAttemptAt: plus(7),
      scheduledAt: plus(3),
      uncertainSince: plus(4),
      deliveredAt: plus(9),
      postedChannelId: 'C0CHAN',
      postedTs: '1795842000.000100',
      createdAt: plus(1),
    };
    const [older, newer] = await queue(
      outboxRow({ dedupeKey: 'd:1', recordAs: 'msg:p', status: 'dead', lastError: 'channel_not_found' }),
      outboxRow({ dedupeKey: 'd:2', ...newerRow }),
      outboxRow({ dedupeKey: 'd:3', recordAs: 'msg:other', status: 'cancelled' }),
    );
    expect(newer).toBeGreaterThan(older ?? Number.POSITIVE_INFINITY);
    expect(await repo.findOutboxByRecordAs(db, 'msg:p')).toEqual({
      installationId: 1,
      id: newer,
      dedupeKey: 'd:2',
      channelKey: 'C0CHAN',
      method: 'chat.postMessage',
      payload: { text: 'hello', blocks: [{ type: 'section' }], n: 1.5, ok: true },
      lastError: null,
      ...newerRow,
    });
    expect(await repo.outboxStatusByRecordAs(db, 'msg:p')).toBe('delivered');
    expect(await repo.outboxStatusByRecordAs(db, 'msg:other')).toBe('cancelled');
    expect((await repo.findOutboxByRecordAs(db, 'msg:other'))?.audience).toBe('internal');
    // A row posting under no key is not found by any key.
    await queue(outboxRow({ dedupeKey: 'd:4' }));
    expect(await repo.outboxStatusByRecordAs(db, 'msg:none')).toBeUndefined();
    // The newest row wins, whatever its status.
    const [newest] = await queue(outboxRow({ dedupeKey: 'd:5', recordAs: 'msg:p' }));
    expect((await repo.findOutboxByRecordAs(db, 'msg:p'))?.id).toBe(newest);
    expect(await repo.outboxStatusByRecordAs(db, 'msg:p')).toBe('pending');
  });

  it('names the handoffs the app posted about at these messages of one conversation, posts and thread replies', async () => {
    const [one, two] = [await handoff(), await handoff()];
    await db.transaction(async (tx) => {
      await tx.insert(tablesOf(tx).postedMessages).values(
        [
          { messageKey: 'p:1', channelId: 'C0HERE', ts: '1700000000.000100', handoffId: one, postedAt: at },
          { messageKey: 'p:2', channelId: 'C0ELSE', ts: '1700000000.000200', handoffId: two, postedAt: at },
          { messageKey: 'p:3', channelId: 'C0HERE', ts: '1700000000.000300', handoffId: null, postedAt: at },
        ].map((row) => ownRow(tx, row)),
      );
    });
    await queue(
      outboxRow({
        dedupeKey: 'r:1',
        handoffId: two,
        status: 'delivered',
        postedChannelId: 'C0HERE',
        postedTs: '1700000000.000400',
      }),
      outboxRow({
        dedupeKey: 'r:2',
        handoffId: one,
        postedChannelId: 'C0HERE',
        postedTs: '1700000000.000100',
      }),
    );
    expect(await repo.handoffsPostedAt(db, 'C0HERE', ['1700000000.000100'])).toEqual([one]);
    expect(
      (await repo.handoffsPostedAt(db, 'C0HERE', ['1700000000.000100', '1700000000.000400'])).sort(),
    ).toEqual([one, two].sort());
    // Another conversation's ts, a post about no handoff, no ts at all: none.
    expect(await repo.handoffsPostedAt(db, 'C0HERE', ['1700000000.000200', '1700000000.000300'])).toEqual([]);
    expect(await repo.handoffsPostedAt(db, 'C0HERE', [])).toEqual([]);
  });
});
