import { describe, expect, it } from 'vitest';
import {
  follow,
  followersOf,
  followOf,
  unfollow,
  watcherKeyPrefix,
  watcherKeysOf,
} from '../../src/db/repositories/followers.js';
import type { Db } from '../../src/db/types.js';
import { type Engine, eachTestOn } from './engine.js';
import { addHandoff, outboxRowsAt, queueRows } from './seed.js';

export function followersContract(engine: Engine): void {
  describe(`followers repository (${engine.name})`, () => {
    let db: Db;
    eachTestOn(engine, (opened) => {
      db = opened;
    });

    const at = new Date('2026-11-23T15:04:05.678Z');
    const later = new Date(at.getTime() + 1);

    it('keeps one follow per person and handoff: a second choice replaces the first, since when stays', async () => {
      const handoffId = await addHandoff(db, at);
      const other = await addHandoff(db, at);
      expect(await followOf(db, handoffId, 'U0MO')).toBeUndefined();
      await db.transaction((tx) => follow(tx, { handoffId, userId: 'U0MO', notify: 'all', at }));
      await db.transaction((tx) =>
        follow(tx, { handoffId, userId: 'U0RITA', notify: 'decisions', at: later }),
      );
      await db.transaction((tx) => follow(tx, { handoffId, userId: 'U0MO', notify: 'decisions', at: later }));
      await db.transaction((tx) => follow(tx, { handoffId: other, userId: 'U0MO', notify: 'all', at }));
      expect(await followOf(db, handoffId, 'U0MO')).toEqual({
        installationId: 1,
        handoffId,
        userId: 'U0MO',
        notify: 'decisions',
        createdAt: at,
      });
      expect(await followersOf(db, handoffId)).toEqual([
        { installationId: 1, handoffId, userId: 'U0MO', notify: 'decisions', createdAt: at },
        { installationId: 1, handoffId, userId: 'U0RITA', notify: 'decisions', createdAt: later },
      ]);
      expect(await db.transaction((tx) => unfollow(tx, handoffId, 'U0MO'))).toBe(true);
      expect(await db.transaction((tx) => unfollow(tx, handoffId, 'U0MO'))).toBe(false);
      expect((await followersOf(db, handoffId)).map((f) => f.userId)).toEqual(['U0RITA']);
      expect((await followersOf(db, other)).map((f) => f.userId)).toEqual(['U0MO']);
    });

    it('finds the watchers’ messages of one event by their key, and no other', async () => {
      const handoffId = await addHandoff(db, at);
      const row = outboxRowsAt(at);
      await queueRows(db, [
        row({ dedupeKey: `${watcherKeyPrefix(handoffId, 7)}U0MO`, handoffId }),
        row({ dedupeKey: `${watcherKeyPrefix(handoffId, 7)}U0RITA`, handoffId }),
        row({ dedupeKey: `${watcherKeyPrefix(handoffId, 71)}U0MO`, handoffId }),
        row({ dedupeKey: `handoff:${handoffId}:outcome:won:owner`, handoffId }),
      ]);
      expect((await watcherKeysOf(db, handoffId, 7)).sort()).toEqual([
        `${watcherKeyPrefix(handoffId, 7)}U0MO`,
        `${watcherKeyPrefix(handoffId, 7)}U0RITA`,
      ]);
      expect(await watcherKeysOf(db, handoffId, 8)).toEqual([]);
    });

    it('reads its own write inside the transaction, and nothing of a transaction that failed', async () => {
      const handoffId = await addHandoff(db, at);
      await expect(
        db.transaction(async (tx) => {
          await follow(tx, { handoffId, userId: 'U0MO', notify: 'all', at });
          expect((await followOf(tx, handoffId, 'U0MO'))?.notify).toBe('all');
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await followersOf(db, handoffId)).toEqual([]);
    });
  });
}
