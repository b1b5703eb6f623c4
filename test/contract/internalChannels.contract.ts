import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own } from '../../src/db/owned.js';
import { recordSharing, sharingOf } from '../../src/db/repositories/internalChannels.js';
import { contract } from './engine.js';

export default contract('internalChannels repository', ({ db, at, plus, write }) => {
  async function rows() {
    const { internalChannelSharing } = tablesOf(db);
    return db
      .select()
      .from(internalChannelSharing)
      .where(own(db, internalChannelSharing))
      .orderBy(internalChannelSharing.channelId);
  }

  it('records the first word, a newer one, and one of the same moment; ignores an older one', async () => {
    expect(await sharingOf(db, 'C0OPS')).toBeUndefined();
    // Each word, what it answers, and the row after it: an older word (by one millisecond) changes nothing and says
    // what holds; a word of the same moment replaces it.
    const steps: [boolean, Date, boolean | undefined, boolean, Date][] = [
      [false, at, undefined, false, at],
      [true, plus(1), false, true, plus(1)],
      [false, at, true, true, plus(1)],
      [false, plus(1), true, false, plus(1)],
    ];
    for (const [shared, when, was, now, checkedAt] of steps) {
      expect(await write(recordSharing, 'C0OPS', shared, when)).toEqual({ was, now });
      expect(await sharingOf(db, 'C0OPS')).toBe(now);
      expect(await rows()).toEqual([{ installationId: 1, channelId: 'C0OPS', shared: now, checkedAt }]);
    }
  });

  it('keeps each channel’s word apart', async () => {
    await db.transaction(async (tx) => {
      await recordSharing(tx, 'C0A', true, at);
      await recordSharing(tx, 'C0B', false, plus(5));
    });
    expect(await sharingOf(db, 'C0A')).toBe(true);
    expect(await sharingOf(db, 'C0B')).toBe(false);
    expect(await sharingOf(db, 'C0C')).toBeUndefined();
    expect(await rows()).toEqual([
      { installationId: 1, channelId: 'C0A', shared: true, checkedAt: at },
      { installationId: 1, channelId: 'C0B', shared: false, checkedAt: plus(5) },
    ]);
  });

  it('reads its own write inside the transaction, and nothing of a transaction that failed', async () => {
    await expect(
      db.transaction(async (tx) => {
        await recordSharing(tx, 'C0OPS', true, at);
        expect(await sharingOf(tx, 'C0OPS')).toBe(true);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await sharingOf(db, 'C0OPS')).toBeUndefined();
  });
});
