import { asc } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/homeViews.js';
import type { OutboxRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { addEvent, addHandoff } from './seed.js';

export default contract('homeViews repository', ({ db, at, plus: ms, write }) => {
  const DAY = 86_400_000;

  const outboxRows = async (): Promise<OutboxRow[]> => {
    const { outbox } = tablesOf(db);
    return db.select().from(outbox).where(own(db, outbox)).orderBy(asc(outbox.id));
  };
  const open = (userId: string, metrics: boolean, when: Date, hash: string | null = null) =>
    write(repo.recordHomeView, { userId, hash, period: null, metrics, now: when });
  const deliverAll = () =>
    db.transaction(async (tx) => {
      const { outbox } = tablesOf(tx);
      await tx.update(outbox).set({ status: 'delivered' }).where(own(tx, outbox));
    });

  it('records an open Home, keeps the period picked when none is given, and reads it back', async () => {
    expect(await repo.findHomeView(db, 'U0A')).toBeUndefined();
    const record = (hash: string | null, period: string | null, metrics: boolean, now: Date) =>
      write(repo.recordHomeView, { userId: 'U0A', hash, period, metrics, now });
    await record('h1', 'quarter', true, ms(1));
    expect(await repo.findHomeView(db, 'U0A')).toEqual({
      installationId: 1,
      userId: 'U0A',
      hash: 'h1',
      period: 'quarter',
      metrics: true,
      wanted: 0,
      shown: 0,
      openedAt: ms(1),
    });
    await record(null, null, false, ms(2));
    expect(await repo.findHomeView(db, 'U0A')).toMatchObject({
      hash: null,
      period: 'quarter',
      metrics: false,
      openedAt: ms(2),
    });
    await record('h2', 'year', true, ms(3));
    expect(await write(repo.findHomeView, 'U0A')).toMatchObject({
      hash: 'h2',
      period: 'year',
    });
  });

  it('opens a Home once (an existing view stays as it is) and returns the changes asked of it so far', async () => {
    expect(await write(repo.homeOpening, 'U0A', true, ms(1))).toBe(0);
    expect(await repo.findHomeView(db, 'U0A')).toEqual({
      installationId: 1,
      userId: 'U0A',
      hash: null,
      period: null,
      metrics: true,
      wanted: 0,
      shown: 0,
      openedAt: ms(1),
    });
    await write(repo.queueHomes, ['U0A'], 't1', at);
    await write(repo.queueHomes, ['U0A'], 't2', at);
    expect(await write(repo.homeOpening, 'U0A', false, ms(9))).toBe(2);
    expect(await repo.findHomeView(db, 'U0A')).toMatchObject({ metrics: true, openedAt: ms(1), wanted: 2 });
  });

  it('keeps the hash published and the highest change count shown, and says when a change came in meanwhile', async () => {
    await open('U0A', false, at, 'h0');
    await write(repo.queueHomes, ['U0A'], 't1', at);
    await write(repo.queueHomes, ['U0A'], 't2', at);
    expect(await write(repo.rememberHomeHash, 'U0A', 'h1')).toEqual({ behind: false });
    expect(await repo.findHomeView(db, 'U0A')).toMatchObject({ hash: 'h1', shown: 0, wanted: 2 });
    expect(await write(repo.rememberHomeHash, 'U0A', 'h2', 1)).toEqual({ behind: true });
    expect(await repo.findHomeView(db, 'U0A')).toMatchObject({ hash: 'h2', shown: 1 });
    expect(await write(repo.rememberHomeHash, 'U0A', null, 0)).toEqual({ behind: true });
    expect(await repo.findHomeView(db, 'U0A')).toMatchObject({ hash: null, shown: 1 });
    expect(await write(repo.rememberHomeHash, 'U0A', 'h3', 2)).toEqual({
      behind: false,
    });
    expect(await repo.findHomeView(db, 'U0A')).toMatchObject({ hash: 'h3', shown: 2 });
    expect(await write(repo.rememberHomeHash, 'U0NOBODY', 'h', 1)).toEqual({
      behind: false,
    });
    expect(await repo.findHomeView(db, 'U0NOBODY')).toBeUndefined();
  });

  it('queues one publish per opened Home of these people, coalesced while one waits', async () => {
    await open('U0A', false, at);
    await open('U0B', true, at);
    await open('U0C', false, at);
    await write(repo.queueHomes, [], 't0', at);
    expect(await outboxRows()).toEqual([]);
    await write(repo.queueHomes, ['U0A', 'U0B', 'U0NEVER'], 't1', ms(5));
    const rows = await outboxRows();
    expect(rows.map((r) => [r.dedupeKey, r.channelKey]).sort()).toEqual([
      ['home:U0A:t1', 'home:U0A'],
      ['home:U0B:t1', 'home:U0B'],
    ]);
    expect(rows[0]).toMatchObject({
      method: 'views.publish',
      payload: {},
      audience: 'internal',
      handoffId: null,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: ms(5),
      createdAt: ms(5),
      surfaceKey: null,
      targetMessageKey: null,
    });
    // One waits for U0A: counted, not queued again; U0C gets its first.
    await write(repo.queueHomes, ['U0A', 'U0C'], 't2', ms(6));
    expect((await outboxRows()).map((r) => r.dedupeKey).slice(2)).toEqual(['home:U0C:t2']);
    expect((await repo.findHomeView(db, 'U0A'))?.wanted).toBe(2);
    expect((await repo.findHomeView(db, 'U0B'))?.wanted).toBe(1);
    expect((await repo.findHomeView(db, 'U0C'))?.wanted).toBe(1);
    expect(await repo.findHomeView(db, 'U0NEVER')).toBeUndefined();
    // Delivered: the next change queues again; the same token twice is one row.
    await deliverAll();
    await write(repo.queueHomes, ['U0A'], 't3', ms(7));
    await deliverAll();
    await write(repo.queueHomes, ['U0A'], 't3', ms(8));
    expect((await outboxRows()).filter((r) => r.dedupeKey === 'home:U0A:t3')).toHaveLength(1);
  });

  it('queues a publish of every metrics Home opened in the last day, and says how many', async () => {
    await open('U0FRESH', true, ms(-1000));
    await open('U0EDGE', true, ms(-DAY + 1));
    await open('U0OLD', true, ms(-DAY));
    await open('U0PLAIN', false, at);
    expect(await write(repo.queueMetricsHomes, 'e1', at)).toBe(2);
    expect((await outboxRows()).map((r) => [r.dedupeKey, r.channelKey, r.nextAttemptAt]).sort()).toEqual([
      ['home:U0EDGE:metrics:e1', 'home:U0EDGE', at],
      ['home:U0FRESH:metrics:e1', 'home:U0FRESH', at],
    ]);
    expect((await repo.findHomeView(db, 'U0FRESH'))?.wanted).toBe(1);
    expect((await repo.findHomeView(db, 'U0OLD'))?.wanted).toBe(0);
    expect((await repo.findHomeView(db, 'U0PLAIN'))?.wanted).toBe(0);
    // Both wait: counted again, none queued.
    expect(await write(repo.queueMetricsHomes, 'e2', ms(1))).toBe(0);
    expect((await repo.findHomeView(db, 'U0FRESH'))?.wanted).toBe(2);
    await deliverAll();
    expect(await write(repo.queueMetricsHomes, 'e3', ms(2))).toBe(1);
    expect((await outboxRows()).at(-1)?.dedupeKey).toBe('home:U0FRESH:metrics:e3');
  });

  it('gives the newest touch-log event id, 0 when there is none', async () => {
    expect(await repo.latestEventId(db)).toBe(0);
    const handoffId = await addHandoff(db, at);
    await addEvent(db, { handoffId, type: 'sent', fromStatus: null, at });
    const newest = await addEvent(db, { handoffId, type: 'sent', fromStatus: null, at });
    expect(await repo.latestEventId(db)).toBe(newest);
  });
});
