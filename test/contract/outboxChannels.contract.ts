import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { first, tablesOf } from '../../src/db/engine.js';
import { anyInstallationOf, own, ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/outboxChannels.js';
import type { AnyDb } from '../../src/db/types.js';
import { contract } from './engine.js';
import { type NewOutboxRow, outboxRowsAt, queueRows, addHandoff as seedHandoff } from './seed.js';

export default contract('outboxChannels repository', ({ db, at, plus, write }) => {
  const handoff = () => seedHandoff(db, at);

  const outboxRow = outboxRowsAt(at);

  const queue = (...rows: NewOutboxRow[]) => queueRows(db, rows);

  async function times(id: number | undefined) {
    const { outbox: table } = tablesOf(db);
    return first(
      db
        .select({
          nextAttemptAt: table.nextAttemptAt,
          scheduledAt: table.scheduledAt,
          status: table.status,
        })
        .from(table)
        .where(and(own(db, table), eq(table.id, id ?? -1))),
    );
  }

  it('makes due now the pending rows stamped ahead of now, and only those', async () => {
    const now = plus(60_000);
    const ids = await queue(
      // Waits past now, stamped ahead of now (scheduled_at): due now.
      outboxRow({ dedupeKey: 'ahead', nextAttemptAt: plus(3_600_000), scheduledAt: plus(60_001) }),
      // Never rescheduled, created ahead of now: due now.
      outboxRow({ dedupeKey: 'created-ahead', nextAttemptAt: plus(120_000), createdAt: plus(90_000) }),
      // Created ahead, but scheduled since at a stamp not ahead: the stamp is scheduled_at, it keeps its time.
      outboxRow({
        dedupeKey: 'rescheduled',
        nextAttemptAt: plus(120_000),
        scheduledAt: plus(1),
        createdAt: plus(90_000),
      }),
      // Queued for a later time with a past stamp: keeps its time.
      outboxRow({ dedupeKey: 'later', nextAttemptAt: plus(3_600_000), scheduledAt: plus(10) }),
      // Stamped exactly now: not ahead.
      outboxRow({ dedupeKey: 'stamped-now', nextAttemptAt: plus(3_600_000), scheduledAt: now }),
      // Due already (next attempt not after now): left alone.
      outboxRow({ dedupeKey: 'due', nextAttemptAt: now, scheduledAt: plus(70_000) }),
      // Not pending: left alone.
      outboxRow({
        dedupeKey: 'dead',
        status: 'dead',
        nextAttemptAt: plus(3_600_000),
        scheduledAt: plus(70_000),
      }),
    );
    expect(await write(repo.dueAfterClockStep, now)).toBe(2);
    const pending = (nextAttemptAt: Date, scheduledAt: Date) => ({
      nextAttemptAt,
      scheduledAt,
      status: 'pending',
    });
    const [ahead, createdAhead, rescheduled, later, stampedNow, due, dead] = ids;
    expect(await times(ahead)).toEqual(pending(now, now));
    expect(await times(createdAhead)).toEqual(pending(now, now));
    expect(await times(rescheduled)).toEqual(pending(plus(120_000), plus(1)));
    expect(await times(later)).toEqual(pending(plus(3_600_000), plus(10)));
    expect((await times(stampedNow))?.nextAttemptAt).toEqual(plus(3_600_000));
    expect(await times(due)).toEqual(pending(now, plus(70_000)));
    expect((await times(dead))?.nextAttemptAt).toEqual(plus(3_600_000));
    // Run again: nothing left ahead.
    expect(await write(repo.dueAfterClockStep, now)).toBe(0);
  });

  it('gives the earliest next attempt of a pending row, to the millisecond', async () => {
    expect(await repo.nextPendingAt(db)).toBeUndefined();
    await queue(
      outboxRow({ dedupeKey: 'dead', status: 'dead', nextAttemptAt: plus(-5_000) }),
      outboxRow({ dedupeKey: 'delivered', status: 'delivered', nextAttemptAt: plus(-9_000) }),
    );
    expect(await repo.nextPendingAt(db)).toBeUndefined();
    await queue(
      outboxRow({ dedupeKey: 'b', nextAttemptAt: plus(7) }),
      outboxRow({ dedupeKey: 'a', nextAttemptAt: plus(3) }),
      outboxRow({ dedupeKey: 'c', nextAttemptAt: plus(4_000) }),
    );
    expect(await repo.nextPendingAt(db)).toEqual(plus(3));
  });

  it('lists the handoffs with partner rows waiting in a channel, each once, at most limit', async () => {
    const [h1, h2, h3, h4] = [await handoff(), await handoff(), await handoff(), await handoff()];
    expect(await repo.handoffsWaitingIn(db, 'C0PARTNER')).toEqual([]);
    await queue(
      outboxRow({ dedupeKey: '1a', channelKey: 'C0PARTNER', audience: 'partner', handoffId: h1 }),
      outboxRow({ dedupeKey: '1b', channelKey: 'C0PARTNER', audience: 'partner', handoffId: h1 }),
      outboxRow({ dedupeKey: '2', channelKey: 'C0PARTNER', audience: 'partner', handoffId: h2 }),
      // An internal row, a delivered one, another channel's and one of no handoff are not listed.
      outboxRow({ dedupeKey: '3', channelKey: 'C0PARTNER', audience: 'internal', handoffId: h3 }),
      outboxRow({
        dedupeKey: '4',
        channelKey: 'C0PARTNER',
        audience: 'partner',
        handoffId: h4,
        status: 'delivered',
      }),
      outboxRow({ dedupeKey: '5', channelKey: 'C0ELSE', audience: 'partner', handoffId: h3 }),
      outboxRow({ dedupeKey: '6', channelKey: 'C0PARTNER', audience: 'partner', handoffId: null }),
    );
    expect((await repo.handoffsWaitingIn(db, 'C0PARTNER')).sort((a, b) => a - b)).toEqual([h1, h2]);
    expect(await repo.handoffsWaitingIn(db, 'C0ELSE')).toEqual([h3]);
    expect(await repo.handoffsWaitingIn(db, 'C0NONE')).toEqual([]);
    // The limit bounds the distinct rows read (the null handoff among them is then left out).
    const bounded = await repo.handoffsWaitingIn(db, 'C0PARTNER', 1);
    expect(bounded.length).toBeLessThanOrEqual(1);
    for (const id of bounded) expect([h1, h2]).toContain(id);
    expect(await repo.handoffsWaitingIn(db, 'C0PARTNER', 0)).toEqual([]);
  });

  it('wakes a channel: its pending rows due now, stamped now; returns how many', async () => {
    const now = plus(1_000);
    const [a, b, other, dead] = await queue(
      outboxRow({ dedupeKey: 'a', channelKey: 'C0X', nextAttemptAt: plus(50_000), scheduledAt: plus(1) }),
      outboxRow({ dedupeKey: 'b', channelKey: 'C0X', nextAttemptAt: plus(-50_000) }),
      outboxRow({ dedupeKey: 'other', channelKey: 'C0Y', nextAttemptAt: plus(50_000) }),
      outboxRow({ dedupeKey: 'dead', channelKey: 'C0X', status: 'dead', nextAttemptAt: plus(50_000) }),
    );
    expect(await write(repo.wakeChannel, 'C0X', now)).toBe(2);
    expect(await times(a)).toEqual({ nextAttemptAt: now, scheduledAt: now, status: 'pending' });
    expect(await times(b)).toEqual({ nextAttemptAt: now, scheduledAt: now, status: 'pending' });
    expect(await times(other)).toEqual({
      nextAttemptAt: plus(50_000),
      scheduledAt: null,
      status: 'pending',
    });
    expect(await times(dead)).toEqual({ nextAttemptAt: plus(50_000), scheduledAt: null, status: 'dead' });
    expect(await write(repo.wakeChannel, 'C0NONE', now)).toBe(0);
  });

  it('tells whether a row waiting in the channel was last refused with one of the errors', async () => {
    await queue(
      outboxRow({ dedupeKey: '1', channelKey: 'C0X', lastError: 'not_in_channel' }),
      outboxRow({ dedupeKey: '2', channelKey: 'C0X', lastError: null }),
      outboxRow({ dedupeKey: '3', channelKey: 'C0Y', lastError: 'ratelimited' }),
      outboxRow({ dedupeKey: '4', channelKey: 'C0Z', lastError: 'channel_not_found', status: 'dead' }),
    );
    expect(await repo.waitsAfter(db, 'C0X', ['not_in_channel', 'channel_not_found'])).toBe(true);
    expect(await repo.waitsAfter(db, 'C0X', ['channel_not_found'])).toBe(false);
    expect(await repo.waitsAfter(db, 'C0X', [])).toBe(false);
    expect(await repo.waitsAfter(db, 'C0Y', ['not_in_channel'])).toBe(false);
    expect(await repo.waitsAfter(db, 'C0Z', ['channel_not_found'])).toBe(false);
    expect(await repo.waitsAfter(db, 'C0NONE', ['not_in_channel'])).toBe(false);
  });

  it('counts the rows waiting in a channel, as a number, and gives the channel of a pending row by its dedupe key', async () => {
    expect(await repo.countPendingIn(db, 'C0X')).toBe(0);
    await queue(
      outboxRow({ dedupeKey: '1', channelKey: 'C0X' }),
      outboxRow({ dedupeKey: '2', channelKey: 'C0X' }),
      outboxRow({ dedupeKey: '3', channelKey: 'C0X', status: 'delivered' }),
      outboxRow({ dedupeKey: '4', channelKey: 'C0Y' }),
      outboxRow({ dedupeKey: '5', channelKey: 'C0Y', status: 'cancelled' }),
    );
    expect(await repo.countPendingIn(db, 'C0X')).toBe(2);
    expect(await repo.countPendingIn(db, 'C0Y')).toBe(1);
    expect(await repo.countPendingIn(db, 'C0NONE')).toBe(0);
    expect(await repo.pendingChannelOf(db, '1')).toBe('C0X');
    expect(await repo.pendingChannelOf(db, '4')).toBe('C0Y');
    // Nothing once it is not pending (delivered, cancelled), nor for an unknown key.
    for (const key of ['3', '5', 'none']) expect(await repo.pendingChannelOf(db, key), key).toBeUndefined();
  });

  it('sees its own writes inside the transaction, and nothing of a transaction that failed', async () => {
    await queue(outboxRow({ dedupeKey: 'a', channelKey: 'C0X', nextAttemptAt: plus(50_000) }));
    await expect(
      db.transaction(async (tx) => {
        await tx
          .insert(tablesOf(tx).outbox)
          .values(ownRow(tx, outboxRow({ dedupeKey: 'b', channelKey: 'C0X' })));
        expect(await repo.countPendingIn(tx, 'C0X')).toBe(2);
        expect(await repo.wakeChannel(tx, 'C0X', plus(5))).toBe(2);
        expect(await repo.nextPendingAt(tx)).toEqual(plus(5));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.countPendingIn(db, 'C0X')).toBe(1);
    expect(await repo.nextPendingAt(db)).toEqual(plus(50_000));
  });
  it('names the installations with a message due, each once', async () => {
    // Across installations: the rows are written as given, each naming its installation.
    const all: AnyDb = anyInstallationOf(db);
    const of = (installationId: number, over: Partial<NewOutboxRow> & Pick<NewOutboxRow, 'dedupeKey'>) => ({
      ...outboxRow(over),
      installationId,
    });
    await all.transaction((tx) =>
      tx
        .insert(tablesOf(tx).outbox)
        .values([
          of(7, { dedupeKey: 'seven-a' }),
          of(7, { dedupeKey: 'seven-b', channelKey: 'C0OTHER' }),
          of(5, { dedupeKey: 'five-later', nextAttemptAt: plus(1_000) }),
          of(9, { dedupeKey: 'nine-delivered', status: 'delivered' }),
          of(9, { dedupeKey: 'nine-dead', status: 'dead' }),
        ]),
    );
    expect(await repo.installationsDue(all, at)).toEqual([7]);
    expect(await repo.installationsDue(all, plus(1_000))).toEqual([5, 7]);
  });
});
