import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/surfaces.js';
import type { OutboxRow, SurfaceKind } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { handoffRow } from './seed.js';

export default contract('surfaces repository', ({ db, engine, at, plus: ms, write }) => {
  const handoff = () => handoffRow(db, at);

  const surface = (
    handoffId: number,
    key: string,
    over: {
      kind?: SurfaceKind;
      viewer?: string | null;
      params?: Record<string, unknown>;
      audience?: 'internal' | 'partner';
      now?: Date;
    } = {},
  ) =>
    write(repo.insertSurface, {
      key,
      handoffId,
      spec: {
        kind: over.kind ?? 'ae_packet',
        viewer: over.viewer === undefined ? 'U0AE' : over.viewer,
        params: over.params ?? {},
      },
      channelKey: `dm:${key}`,
      audience: over.audience ?? 'internal',
      now: over.now ?? at,
    });

  const outboxRows = async (): Promise<OutboxRow[]> => {
    const { outbox } = tablesOf(db);
    return db.select().from(outbox).where(own(db, outbox)).orderBy(asc(outbox.id));
  };

  const queuedFor = async (surfaceKey: string, status: OutboxRow['status']) =>
    db.transaction(async (tx) => {
      const { outbox } = tablesOf(tx);
      await tx.insert(outbox).values(
        ownRow(tx, {
          dedupeKey: `post:${surfaceKey}:${status}`,
          channelKey: `dm:${surfaceKey}`,
          method: 'chat.postMessage',
          payload: {},
          status,
          attempts: 0,
          nextAttemptAt: at,
          surfaceKey,
          createdAt: at,
        }),
      );
    });

  const setStatus = (id: number, status: OutboxRow['status']) =>
    db.transaction(async (tx) => {
      const { outbox } = tablesOf(tx);
      await tx
        .update(outbox)
        .set({ status })
        .where(and(own(tx, outbox), eq(outbox.id, id)));
    });

  it('records a surface once (a second insert of its key changes nothing) and reads it back', async () => {
    const h = await handoff();
    const other = await handoff();
    expect(await repo.findSurface(db, 'k1')).toBeUndefined();
    await surface(h.id, 'k1', { params: { cycle: 2, nested: { a: [1, 'x'] } }, now: ms(1) });
    await surface(h.id, 'k1', { params: { changed: true }, viewer: 'U0OTHER', now: ms(5) });
    await surface(h.id, 'k2', { kind: 'partner_parent', viewer: null, audience: 'partner' });
    await surface(other.id, 'k3');
    expect(await repo.findSurface(db, 'k1')).toEqual({
      installationId: 1,
      id: expect.any(Number),
      key: 'k1',
      handoffId: h.id,
      kind: 'ae_packet',
      viewerUserId: 'U0AE',
      channelKey: 'dm:k1',
      audience: 'internal',
      params: { cycle: 2, nested: { a: [1, 'x'] } },
      posted: false,
      wanted: 1,
      shown: 0,
      attempted: 0,
      renderedHash: null,
      createdAt: ms(1),
    });
    expect(await repo.findSurface(db, 'k2')).toMatchObject({
      viewerUserId: null,
      audience: 'partner',
      params: {},
    });
    expect((await repo.surfacesOf(db, h.id)).map((s) => s.key)).toEqual(['k1', 'k2']);
    expect(await repo.surfacesOf(db, 9999)).toEqual([]);
    expect(await write(repo.findSurface, 'k3')).toMatchObject({ handoffId: other.id });
  });

  it('two changes of one handoff committing at once queue one intent, and neither fails', async () => {
    // No surface yet, so nothing the first change writes is locked against the second: on Postgres both read the
    // same next id before either commits, and the second's insert waits on the first's key.
    const h = await handoff();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let queued = () => {};
    const firstQueued = new Promise<void>((resolve) => {
      queued = resolve;
    });
    const first = db.transaction(async (tx) => {
      await repo.requestRefresh(tx, h.id, ms(1));
      queued();
      await held;
    });
    await firstQueued;
    const second = write(repo.requestRefresh, h.id, ms(2));
    if (engine.name === 'postgres') {
      // Released once the second waits on the first's row (it has read the state the first has not committed).
      const waiting = async () =>
        Number(
          (
            (await (db as unknown as { execute(q: SQL): Promise<{ rows: { n: string }[] }> }).execute(
              sql`select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
            )) as { rows: { n: string }[] }
          ).rows[0]?.n ?? 0,
        );
      for (let tries = 0; (await waiting()) === 0 && tries < 500; tries += 1)
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    release();
    await first;
    await second;
    expect((await outboxRows()).map((r) => [r.dedupeKey, r.status])).toEqual([
      [`refresh:${h.id}:1`, 'pending'],
    ]);
  });

  it('counts a change on every surface of the handoff and queues one refresh intent, coalesced while it waits', async () => {
    const h = await handoff();
    const other = await handoff();
    await surface(h.id, 'k1');
    await surface(h.id, 'k2');
    await surface(other.id, 'k3');
    expect(repo.refreshChannel(h.id)).toBe(`refresh:${h.id}`);
    await write(repo.requestRefresh, h.id, ms(10));
    await write(repo.requestRefresh, h.id, ms(20));
    expect((await repo.surfacesOf(db, h.id)).map((s) => s.wanted)).toEqual([3, 3]);
    expect((await repo.findSurface(db, 'k3'))?.wanted).toBe(1);
    const [first, ...rest] = await outboxRows();
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      dedupeKey: `refresh:${h.id}:1`,
      channelKey: `refresh:${h.id}`,
      method: 'surfaces.refresh',
      payload: {},
      audience: 'internal',
      handoffId: h.id,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: ms(10),
      createdAt: ms(10),
      targetMessageKey: null,
      surfaceKey: null,
      scheduledAt: null,
    });
    // Delivered: the next change queues a new intent, its key made unique by the next row id.
    await setStatus(first?.id as number, 'delivered');
    await write(repo.requestRefresh, h.id, ms(30));
    // Another handoff's intent does not hold this one back.
    await write(repo.requestRefresh, other.id, ms(40));
    const rows = await outboxRows();
    // The number is one more than the installation's newest outbox row before it (beside a neighbour, engine.ts,
    // whose rows take ids too, that is not the row's own position).
    const next = (i: number) => (rows[i - 1]?.id ?? 0) + 1;
    expect(rows.slice(1, 3).map((r) => [r.dedupeKey, r.nextAttemptAt])).toEqual([
      [`refresh:${h.id}:${next(1)}`, ms(30)],
      [`refresh:${other.id}:${next(2)}`, ms(40)],
    ]);
  });

  it('fans a refresh out into one update per posted surface with none waiting, and queues one surface’s update', async () => {
    const h = await handoff();
    const other = await handoff();
    await surface(h.id, 'posted', { audience: 'partner' });
    await surface(h.id, 'waiting');
    await surface(h.id, 'unposted');
    await surface(other.id, 'elsewhere');
    for (const key of ['posted', 'waiting', 'elsewhere']) {
      await write(repo.surfaceShown, key, 1, `hash-${key}`);
    }
    await queuedFor('waiting', 'pending');
    await write(repo.requestRefresh, h.id, ms(1));
    const before = (await outboxRows()).length;
    await write(repo.fanOutRefresh, h.id, ms(7));
    const added = (await outboxRows()).slice(before);
    expect(added).toEqual([
      expect.objectContaining({
        dedupeKey: 'surface:posted:v2',
        channelKey: 'dm:posted',
        method: 'chat.update',
        payload: {},
        targetMessageKey: 'posted',
        audience: 'partner',
        handoffId: h.id,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: ms(7),
        createdAt: ms(7),
        surfaceKey: 'posted',
      }),
    ]);
    // Again: one is waiting now, so nothing is added; delivered, the same key is not queued twice.
    await write(repo.fanOutRefresh, h.id, ms(8));
    expect((await outboxRows()).length).toBe(before + 1);
    await setStatus(added[0]?.id as number, 'delivered');
    await write(repo.queueSurfaceUpdate, 'posted', ms(9));
    expect((await outboxRows()).length).toBe(before + 1);
    // A newer change count is a new update; an unposted or unknown surface gets none.
    await write(repo.requestRefresh, other.id, ms(10));
    const count = (await outboxRows()).length;
    await write(repo.queueSurfaceUpdate, 'elsewhere', ms(11));
    await write(repo.queueSurfaceUpdate, 'unposted', ms(11));
    await write(repo.queueSurfaceUpdate, 'nothing', ms(11));
    const last = (await outboxRows()).slice(count);
    expect(last.map((r) => [r.dedupeKey, r.surfaceKey, r.handoffId, r.nextAttemptAt])).toEqual([
      ['surface:elsewhere:v2', 'elsewhere', other.id, ms(11)],
    ]);
  });

  it('remembers what a delivery showed: posted, the highest version, the last hash given; says when behind', async () => {
    const h = await handoff();
    await surface(h.id, 'k1');
    expect(await write(repo.surfaceShown, 'k1', 1, 'hash-a')).toEqual({ behind: false });
    expect(await repo.findSurface(db, 'k1')).toMatchObject({
      posted: true,
      shown: 1,
      renderedHash: 'hash-a',
    });
    await write(repo.requestRefresh, h.id, at);
    await write(repo.requestRefresh, h.id, at);
    expect(await write(repo.surfaceShown, 'k1', 2)).toEqual({ behind: true });
    expect(await repo.findSurface(db, 'k1')).toMatchObject({ shown: 2, wanted: 3, renderedHash: 'hash-a' });
    // An older version delivered late does not move it back.
    expect(await write(repo.surfaceShown, 'k1', 1, 'hash-b')).toEqual({ behind: true });
    expect(await repo.findSurface(db, 'k1')).toMatchObject({ shown: 2, renderedHash: 'hash-b' });
    expect(await write(repo.surfaceShown, 'k1', 3, 'hash-c')).toEqual({ behind: false });
    expect(await repo.findSurface(db, 'k1')).toMatchObject({ shown: 3, renderedHash: 'hash-c' });
    expect(await write(repo.surfaceShown, 'missing', 1, 'x')).toEqual({ behind: false });
  });

  it('keeps the version a post attempt showed (0 until one, or for an unknown surface)', async () => {
    const h = await handoff();
    await surface(h.id, 'k1');
    expect(await repo.attemptedVersion(db, 'k1')).toBe(0);
    await write(repo.surfaceAttempted, 'k1', 4);
    expect(await repo.attemptedVersion(db, 'k1')).toBe(4);
    await write(repo.surfaceAttempted, 'k1', 2);
    expect(await repo.attemptedVersion(db, 'k1')).toBe(2);
    await write(repo.surfaceAttempted, 'missing', 2);
    expect(await repo.attemptedVersion(db, 'missing')).toBe(0);
    expect((await repo.findSurface(db, 'k1'))?.shown).toBe(0);
  });

  it('finds a person’s newest surface of some kinds: posted, or with a post pending or parked', async () => {
    const h = await handoff();
    const other = await handoff();
    const idOf = async (key: string) => (await repo.findSurface(db, key))?.id;
    await surface(h.id, 'packet', { kind: 'ae_packet' });
    await surface(h.id, 'reminder-posted', { kind: 'reminder' });
    await surface(h.id, 'reminder-pending', { kind: 'reminder' });
    await surface(h.id, 'reminder-dead', { kind: 'reminder' });
    await surface(h.id, 'reminder-cancelled', { kind: 'reminder' });
    await surface(h.id, 'owner', { kind: 'reminder', viewer: 'U0OWNER' });
    await surface(other.id, 'other', { kind: 'reminder' });
    for (const key of ['packet', 'reminder-posted', 'owner', 'other']) {
      await write(repo.surfaceShown, key, 1);
    }
    await queuedFor('reminder-pending', 'pending');
    await queuedFor('reminder-dead', 'dead');
    await queuedFor('reminder-cancelled', 'cancelled');
    expect(await repo.newestSurfaceId(db, h.id, 'U0AE', ['reminder'])).toBe(await idOf('reminder-dead'));
    expect(await repo.newestSurfaceId(db, h.id, 'U0AE', ['ae_packet'])).toBe(await idOf('packet'));
    expect(await repo.newestSurfaceId(db, h.id, 'U0AE', ['ae_packet', 'escalation'])).toBe(
      await idOf('packet'),
    );
    expect(await repo.newestSurfaceId(db, h.id, 'U0OWNER', ['reminder', 'ae_packet'])).toBe(
      await idOf('owner'),
    );
    expect(await repo.newestSurfaceId(db, other.id, 'U0AE', ['reminder'])).toBe(await idOf('other'));
    expect(await repo.newestSurfaceId(db, h.id, 'U0AE', ['escalation'])).toBeUndefined();
    expect(await repo.newestSurfaceId(db, h.id, 'U0AE', [])).toBeUndefined();
    expect(await repo.newestSurfaceId(db, h.id, 'U0NOBODY', ['reminder'])).toBeUndefined();
    // Parked then cancelled: the pending one is the newest left.
    const dead = (await outboxRows()).find((r) => r.surfaceKey === 'reminder-dead');
    await setStatus(dead?.id as number, 'cancelled');
    expect(await write(repo.newestSurfaceId, h.id, 'U0AE', ['reminder'])).toBe(
      await idOf('reminder-pending'),
    );
  });
});
