import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { recordSharing, sharingOf } from '../../src/db/repositories/internalChannels.js';
import { contract } from './engine.js';

export default contract('internalChannels repository', ({ db, at, plus, write }) => {
  async function rows() {
    const { internalChannelSharing } = tablesOf(db);
    return db.select().from(internalChannelSharing).orderBy(internalChannelSharing.channelId);
  }

  it('records the first word, a newer one, and one of the same moment; ignores an older one', async () => {
    expect(await sharingOf(db, 'C0OPS')).toBeUndefined();
    expect(await write(recordSharing, 'C0OPS', false, at)).toEqual({
      was: undefined,
      now: false,
    });
    expect(await sharingOf(db, 'C0OPS')).toBe(false);
    expect(await rows()).toEqual([{ installationId: 1, channelId: 'C0OPS', shared: false, checkedAt: at }]);

    expect(await write(recordSharing, 'C0OPS', true, plus(1))).toEqual({
      was: false,
      now: true,
    });
    expect(await sharingOf(db, 'C0OPS')).toBe(true);
    expect(await rows()).toEqual([
      { installationId: 1, channelId: 'C0OPS', shared: true, checkedAt: plus(1) },
    ]);

    // An older word (by one millisecond) changes nothing, and says what holds.
    expect(await write(recordSharing, 'C0OPS', false, at)).toEqual({
      was: true,
      now: true,
    });
    expect(await rows()).toEqual([
      { installationId: 1, channelId: 'C0OPS', shared: true, checkedAt: plus(1) },
    ]);

    // A word of the same moment replaces it.
    expect(await write(recordSharing, 'C0OPS', false, plus(1))).toEqual({
      was: true,
      now: false,
    });
    expect(await rows()).toEqual([
      { installationId: 1, channelId: 'C0OPS', shared: false, checkedAt: plus(1) },
    ]);
    expect(await sharingOf(db, 'C0OPS')).toBe(false);
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
