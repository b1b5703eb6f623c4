import { expect, it } from 'vitest';
import * as repo from '../../src/db/repositories/followers.js';
import { appendProgramEntry } from '../../src/db/repositories/program.js';
import { contract } from './engine.js';
import { addHandoff, outboxRowsAt, queueRows } from './seed.js';

export default contract('followers repository', ({ db, at, write }) => {
  const later = new Date(at.getTime() + 1);

  it('keeps one follow per person and handoff: a second choice replaces the first, since when stays', async () => {
    const handoffId = await addHandoff(db, at);
    const other = await addHandoff(db, at);
    expect(await repo.followOf(db, handoffId, 'U0MO')).toBeUndefined();
    await write(repo.follow, { handoffId, userId: 'U0MO', notify: 'all', at });
    await write(repo.follow, { handoffId, userId: 'U0RITA', notify: 'decisions', at: later });
    await write(repo.follow, { handoffId, userId: 'U0MO', notify: 'decisions', at: later });
    await write(repo.follow, { handoffId: other, userId: 'U0MO', notify: 'all', at });
    expect(await repo.followOf(db, handoffId, 'U0MO')).toEqual({
      installationId: 1,
      handoffId,
      userId: 'U0MO',
      notify: 'decisions',
      createdAt: at,
    });
    expect(await repo.watchersRecord(db, handoffId, null)).toEqual({
      followers: [
        { userId: 'U0MO', notify: 'decisions', createdAt: at },
        { userId: 'U0RITA', notify: 'decisions', createdAt: later },
      ],
      partner: undefined,
    });
    expect(await write(repo.unfollow, handoffId, 'U0MO')).toBe(true);
    expect(await write(repo.unfollow, handoffId, 'U0MO')).toBe(false);
    expect((await repo.watchersRecord(db, handoffId, null)).followers.map((f) => f.userId)).toEqual([
      'U0RITA',
    ]);
    expect((await repo.watchersRecord(db, other, null)).followers.map((f) => f.userId)).toEqual(['U0MO']);
  });

  it('reads the followers and the partner’s newest part in one, the earliest follower first', async () => {
    const handoffId = await addHandoff(db, at);
    await db.transaction(async (tx) => {
      await repo.follow(tx, { handoffId, userId: 'U0ZED', notify: 'all', at });
      await repo.follow(tx, { handoffId, userId: 'U0AMY', notify: 'all', at });
      await repo.follow(tx, {
        handoffId,
        userId: 'U0BEN',
        notify: 'decisions',
        at: new Date(at.getTime() - 1),
      });
    });
    const entry = (key: string, body: unknown, n: number) => ({
      kind: 'partner',
      key,
      body,
      actor: 'U0ADMIN',
      note: null,
      at: new Date(at.getTime() + n),
    });
    expect((await repo.watchersRecord(db, handoffId, '7')).partner).toBeUndefined();
    await db.transaction(async (tx) => {
      await appendProgramEntry(tx, entry('7', { managers: ['U0OLD'], notify: 'all' }, 1));
      await appendProgramEntry(tx, entry('7', { managers: ['U0NEW'], notify: 'decisions' }, 2));
      await appendProgramEntry(tx, entry('8', { managers: ['U0EIGHT'] }, 3));
      await appendProgramEntry(tx, { ...entry('7', { managers: ['U0POOL'] }, 4), kind: 'pool' });
    });
    const record = await repo.watchersRecord(db, handoffId, '7');
    expect(record).toEqual({
      followers: [
        { userId: 'U0BEN', notify: 'decisions', createdAt: new Date(at.getTime() - 1) },
        { userId: 'U0AMY', notify: 'all', createdAt: at },
        { userId: 'U0ZED', notify: 'all', createdAt: at },
      ],
      partner: { body: { managers: ['U0NEW'], notify: 'decisions' } },
    });
    expect((await repo.watchersRecord(db, handoffId, '8')).partner).toEqual({
      body: { managers: ['U0EIGHT'] },
    });
    expect((await repo.watchersRecord(db, handoffId, null)).partner).toBeUndefined();
    // A part removed: its newest entry's body is null.
    await write(appendProgramEntry, entry('8', null, 5));
    expect(await write(repo.watchersRecord, handoffId, '8')).toMatchObject({
      partner: { body: null },
    });
    const other = await addHandoff(db, at);
    expect(await repo.watchersRecord(db, other, '7')).toEqual({
      followers: [],
      partner: { body: { managers: ['U0NEW'], notify: 'decisions' } },
    });
  });

  it('finds the watchers’ messages of one event by their key, and no other', async () => {
    const handoffId = await addHandoff(db, at);
    const row = outboxRowsAt(at);
    await queueRows(db, [
      row({ dedupeKey: `${repo.watcherKeyPrefix(handoffId, 7)}U0MO`, handoffId }),
      row({ dedupeKey: `${repo.watcherKeyPrefix(handoffId, 7)}U0RITA`, handoffId }),
      row({ dedupeKey: `${repo.watcherKeyPrefix(handoffId, 71)}U0MO`, handoffId }),
      row({ dedupeKey: `handoff:${handoffId}:outcome:won:owner`, handoffId }),
    ]);
    expect((await repo.watcherKeysOf(db, handoffId, 7)).sort()).toEqual([
      `${repo.watcherKeyPrefix(handoffId, 7)}U0MO`,
      `${repo.watcherKeyPrefix(handoffId, 7)}U0RITA`,
    ]);
    expect(await repo.watcherKeysOf(db, handoffId, 8)).toEqual([]);
  });

  it('names the watchers already DMed about a handoff, not one whose DM was cancelled (issue 77 item 19)', async () => {
    const handoffId = await addHandoff(db, at);
    const other = await addHandoff(db, at);
    const row = outboxRowsAt(at);
    await queueRows(db, [
      row({ dedupeKey: `${repo.watcherKeyPrefix(handoffId, 7)}U0MO`, handoffId }),
      row({ dedupeKey: `${repo.watcherKeyPrefix(handoffId, 8)}U0RITA`, handoffId, status: 'cancelled' }),
      row({ dedupeKey: `${repo.watcherKeyPrefix(other, 9)}U0SAM`, handoffId: other }),
      row({ dedupeKey: `handoff:${handoffId}:outcome:won:owner`, handoffId }),
    ]);
    expect([...(await repo.watchersToldOf(db, handoffId))]).toEqual(['U0MO']);
  });

  it('reads its own write inside the transaction, and nothing of a transaction that failed', async () => {
    const handoffId = await addHandoff(db, at);
    await expect(
      db.transaction(async (tx) => {
        await repo.follow(tx, { handoffId, userId: 'U0MO', notify: 'all', at });
        expect((await repo.followOf(tx, handoffId, 'U0MO'))?.notify).toBe('all');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await repo.watchersRecord(db, handoffId, null)).followers).toEqual([]);
  });
});
