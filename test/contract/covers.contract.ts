import { describe, expect, it } from 'vitest';
import { deleteCover, findCover, saveCover } from '../../src/db/repositories/covers.js';
import type { Db } from '../../src/db/types.js';
import { type Engine, eachTestOn } from './engine.js';

export function coversContract(engine: Engine): void {
  describe(`covers repository (${engine.name})`, () => {
    let db: Db;
    eachTestOn(engine, (opened) => {
      db = opened;
    });

    const at = new Date('2026-11-23T15:04:05.678Z');

    it('keeps one cover per AE: named, replaced, read back to the millisecond, then deleted', async () => {
      expect(await findCover(db, 'U0AE')).toBeUndefined();
      await db.transaction((tx) =>
        saveCover(tx, {
          aeUserId: 'U0AE',
          coverUserId: 'U0COVER',
          until: '2026-12-01',
          setAt: at,
          awayFrom: null,
        }),
      );
      const later = new Date(at.getTime() + 1);
      await db.transaction((tx) =>
        saveCover(tx, {
          aeUserId: 'U0AE',
          coverUserId: 'U0OTHER',
          until: '2026-12-05',
          setAt: later,
          awayFrom: '2026-12-03',
        }),
      );
      await db.transaction((tx) =>
        saveCover(tx, {
          aeUserId: 'U0AE2',
          coverUserId: 'U0COVER',
          until: '2026-12-02',
          setAt: at,
          awayFrom: null,
        }),
      );
      expect(await findCover(db, 'U0AE')).toEqual({
        installationId: 1,
        aeUserId: 'U0AE',
        coverUserId: 'U0OTHER',
        until: '2026-12-05',
        setAt: later,
        // The days away given with the cover (issue 50): replaced with the rest.
        awayFrom: '2026-12-03',
      });
      expect((await findCover(db, 'U0AE2'))?.awayFrom).toBeNull();
      await db.transaction((tx) => deleteCover(tx, 'U0AE'));
      expect(await findCover(db, 'U0AE')).toBeUndefined();
      expect((await findCover(db, 'U0AE2'))?.coverUserId).toBe('U0COVER');
    });

    it('reads its own write inside the transaction, and nothing of a transaction that failed', async () => {
      await expect(
        db.transaction(async (tx) => {
          await saveCover(tx, {
            aeUserId: 'U0AE',
            coverUserId: 'U0COVER',
            until: '2026-12-01',
            setAt: at,
            awayFrom: null,
          });
          expect((await findCover(tx, 'U0AE'))?.coverUserId).toBe('U0COVER');
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await findCover(db, 'U0AE')).toBeUndefined();
    });
  });
}
