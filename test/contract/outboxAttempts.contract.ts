import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own } from '../../src/db/owned.js';
import { isQueued } from '../../src/db/repositories/outbox.js';
import * as repo from '../../src/db/repositories/outboxAttempts.js';
import { contract } from './engine.js';
import { outboxFixtures } from './seed.js';

export default contract('outboxAttempts repository', ({ db, engine, at, write }) => {
  const { plus, addHandoff, outboxRow, queue, row, withRow } = outboxFixtures(() => db, at);

  it('marks a row delivered and remembers its post once; without a post or a key, remembers nothing', async () => {
    const handoffId = await addHandoff();
    const [posted, plain, again] = await queue(
      outboxRow({
        dedupeKey: 'posted',
        recordAs: 'posted-key',
        handoffId,
        attempts: 2,
        uncertainSince: at,
      }),
      outboxRow({ dedupeKey: 'plain', lastError: 'earlier failure' }),
      outboxRow({ dedupeKey: 'again', recordAs: 'posted-key' }),
    );
    const later = plus(5_000);
    await withRow(posted as number, (tx, r) =>
      repo.markDelivered(tx, r, later, { channelId: 'C0REAL', ts: '1.000100' }),
    );
    await withRow(plain as number, (tx, r) => repo.markDelivered(tx, r, later));
    // The key already remembered: the first post stays.
    await withRow(again as number, (tx, r) =>
      repo.markDelivered(tx, r, plus(9_000), { channelId: 'C0OTHER', ts: '2.0' }),
    );
    expect(await row(posted as number)).toMatchObject({
      status: 'delivered',
      deliveredAt: later,
      attempts: 3,
      lastError: null,
      uncertainSince: null,
      // Where it landed, kept with the row (an erasure edits it there: issue 57).
      postedChannelId: 'C0REAL',
      postedTs: '1.000100',
    });
    expect(await row(plain as number)).toMatchObject({
      status: 'delivered',
      deliveredAt: later,
      attempts: 1,
      lastError: null,
      postedChannelId: null,
      postedTs: null,
    });
    const { postedMessages } = tablesOf(db);
    expect(await db.select().from(postedMessages).where(own(db, postedMessages))).toEqual([
      {
        installationId: 1,
        messageKey: 'posted-key',
        channelId: 'C0REAL',
        ts: '1.000100',
        handoffId,
        postedAt: later,
      },
    ]);
    expect(await repo.stillPending(db, posted as number)).toBe(false);
  });

  it('re-arms a row due now, with a fresh count and no error or mark', async () => {
    const [id] = await queue(
      outboxRow({
        dedupeKey: 'r',
        attempts: 4,
        lastError: 'x',
        uncertainSince: at,
        nextAttemptAt: plus(-7),
      }),
    );
    const now = plus(1_234);
    await withRow(id as number, (tx, r) => repo.rearm(tx, r, now));
    expect(await row(id as number)).toMatchObject({
      status: 'pending',
      nextAttemptAt: now,
      scheduledAt: now,
      attempts: 0,
      lastError: null,
      uncertainSince: null,
    });
  });

  it("a 429's hold: the method's pending rows due before its end wait for it; others and later ones stay", async () => {
    const until = plus(30_000);
    const now = plus(1_000);
    const [due, other, later, delivered, locked] = await queue(
      outboxRow({ dedupeKey: 'due', method: 'chat.update' }),
      outboxRow({ dedupeKey: 'other', method: 'chat.postMessage' }),
      outboxRow({ dedupeKey: 'later', method: 'chat.update', nextAttemptAt: plus(60_000) }),
      outboxRow({ dedupeKey: 'delivered', method: 'chat.update', status: 'delivered' }),
      outboxRow({ dedupeKey: 'locked', method: 'chat.update', nextAttemptAt: plus(5) }),
    );
    // On Postgres a row another transaction holds (a decision superseding it, another replica's claim) is left as it
    // is, at once: the deferral waits on nobody. SQLite has one writer: nothing is held while this one writes. (Beside
    // a neighbour, each transaction runs twice in turn: no two are open at once.)
    const concurrent = engine.name === 'postgres' && !engine.neighbour;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const holder = concurrent
      ? db.transaction(async (tx) => {
          const { outbox } = tablesOf(tx);
          await tx
            .update(outbox)
            .set({ lastError: 'held' })
            .where(and(own(tx, outbox), eq(outbox.id, locked as number)));
          holding();
          await held;
        })
      : Promise.resolve(holding());
    await lockTaken;
    const deferred = await write(repo.deferMethod, 'chat.update', until, now);
    release();
    await holder;
    const waiting = { nextAttemptAt: until, scheduledAt: now };
    expect(await row(due as number)).toMatchObject(waiting);
    expect(await row(other as number)).toMatchObject({ nextAttemptAt: at, scheduledAt: null });
    expect(await row(later as number)).toMatchObject({ nextAttemptAt: plus(60_000), scheduledAt: null });
    expect(await row(delivered as number)).toMatchObject({ nextAttemptAt: at, scheduledAt: null });
    if (concurrent) {
      expect(deferred).toBe(1);
      expect(await row(locked as number)).toMatchObject({ nextAttemptAt: plus(5), lastError: 'held' });
    } else {
      expect(deferred).toBe(2);
      expect(await row(locked as number)).toMatchObject(waiting);
    }
  });

  it('schedules a retry: keeps an uncertain mark, sets one where none, clears it when certain', async () => {
    const [marked, unmarked, certain] = await queue(
      outboxRow({ dedupeKey: 'marked', attempts: 1, uncertainSince: plus(-50) }),
      outboxRow({ dedupeKey: 'unmarked', attempts: 0 }),
      outboxRow({ dedupeKey: 'certain', attempts: 2, uncertainSince: plus(-50) }),
    );
    const now = plus(100);
    const next = plus(60_001);
    const retry = async (id: number, uncertainAt?: Date) =>
      withRow(id, async (tx, r) => {
        await repo.markRetry(tx, r, { now, nextAttemptAt: next, error: `failed ${id}`, uncertainAt });
      });
    await retry(marked as number, plus(99));
    await retry(unmarked as number, plus(99));
    await retry(certain as number);
    const expected = { status: 'pending', nextAttemptAt: next, scheduledAt: now };
    expect(await row(marked as number)).toMatchObject({
      ...expected,
      attempts: 2,
      lastError: `failed ${marked}`,
      uncertainSince: plus(-50),
    });
    expect(await row(unmarked as number)).toMatchObject({
      ...expected,
      attempts: 1,
      uncertainSince: plus(99),
    });
    expect(await row(certain as number)).toMatchObject({ ...expected, attempts: 3, uncertainSince: null });
  });

  it('holds a row only if it was not woken since it was read: a release committed in between wins', async () => {
    const [woken, still] = await queue(outboxRow({ dedupeKey: 'woken' }), outboxRow({ dedupeKey: 'still' }));
    const readWoken = await row(woken as number);
    const readStill = await row(still as number);
    // The app is invited back: the channel's rows are due now (outboxChannels.ts wakeChannel), after the read, at
    // the very millisecond they were already due at (a fresh row: only its schedule shows the wake).
    const wokenAt = readWoken.nextAttemptAt;
    await db.transaction(async (tx) => {
      const { outbox } = tablesOf(tx);
      await tx
        .update(outbox)
        .set({ nextAttemptAt: wokenAt, scheduledAt: wokenAt })
        .where(and(own(tx, outbox), eq(outbox.id, woken as number)));
    });
    const hold = {
      now: plus(10),
      nextAttemptAt: plus(3_600_000),
      error: 'not_in_channel',
      unlessWoken: true,
    };
    expect(await write(repo.markRetry, readWoken, hold)).toBe(0);
    expect(await write(repo.markRetry, readStill, hold)).toBe(1);
    expect(await row(woken as number)).toMatchObject({
      nextAttemptAt: wokenAt,
      attempts: 0,
      lastError: null,
    });
    expect(await row(still as number)).toMatchObject({ nextAttemptAt: plus(3_600_000), attempts: 1 });
  });

  it('counts a retry in the database: a count started again after the row was read is not written over', async () => {
    const [id] = await queue(outboxRow({ dedupeKey: 'a', attempts: 1 }));
    const read = await row(id as number);
    await db.transaction(async (tx) => {
      const { outbox } = tablesOf(tx);
      await tx
        .update(outbox)
        .set({ attempts: 0 })
        .where(and(own(tx, outbox), eq(outbox.id, id as number)));
    });
    const retry = { now: plus(10), nextAttemptAt: plus(2_000), error: 'restricted_action' };
    expect(await write(repo.markRetry, read, retry)).toBe(1);
    expect(await row(id as number)).toMatchObject({ attempts: 1, lastError: 'restricted_action' });
  });

  it('a rate limit’s wait (counted: false) moves the row without counting an attempt', async () => {
    const [id] = await queue(outboxRow({ dedupeKey: 'limited', attempts: 2 }));
    const read = await row(id as number);
    const wait = {
      now: plus(10),
      nextAttemptAt: plus(1_000),
      error: 'rate limited for 1s',
      counted: false,
    };
    expect(await write(repo.markRetry, read, wait)).toBe(1);
    expect(await row(id as number)).toMatchObject({
      attempts: 2,
      nextAttemptAt: plus(1_000),
      lastError: 'rate limited for 1s',
    });
  });

  it('marks a row as sending once: a row already marked keeps its mark', async () => {
    const [fresh, marked] = await queue(
      outboxRow({ dedupeKey: 'fresh' }),
      outboxRow({ dedupeKey: 'marked', uncertainSince: plus(-1) }),
    );
    await withRow(fresh as number, (tx, r) => repo.markSending(tx, r, plus(7)));
    expect((await row(fresh as number)).uncertainSince).toEqual(plus(7));
    // The row as read before the mark: marked again with the newer time.
    const stale = { ...(await row(fresh as number)), uncertainSince: null };
    await write(repo.markSending, stale, plus(8));
    expect((await row(fresh as number)).uncertainSince).toEqual(plus(8));
    // Marked as read: left alone.
    await withRow(marked as number, (tx, r) => repo.markSending(tx, r, plus(9)));
    expect((await row(marked as number)).uncertainSince).toEqual(plus(-1));
  });

  it('tells whether a row is still pending, and cancels one with its reason', async () => {
    const [id, parked] = await queue(
      outboxRow({ dedupeKey: 'p', uncertainSince: at }),
      outboxRow({ dedupeKey: 'dead', status: 'dead' }),
    );
    expect(await repo.stillPending(db, id as number)).toBe(true);
    expect(await repo.stillPending(db, parked as number)).toBe(false);
    expect(await repo.stillPending(db, 999)).toBe(false);
    await withRow(id as number, (tx, r) => repo.markCancelled(tx, r, 'ephemeral expired'));
    expect(await row(id as number)).toMatchObject({
      status: 'cancelled',
      lastError: 'ephemeral expired',
      uncertainSince: null,
    });
    expect(await repo.stillPending(db, id as number)).toBe(false);
    expect(await isQueued(db, 'p')).toBe(true);
  });
});
