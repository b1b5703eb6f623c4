import { expect, it } from 'vitest';
import * as repo from '../../src/db/repositories/removedChannels.js';
import { contract } from './engine.js';

export default contract('removedChannels repository', ({ db, at, plus, write }) => {
  const removed = (channelId: string, how: string, since: Date, adminsToldAt: Date | null = null) => ({
    installationId: 1,
    channelId,
    how,
    since,
    adminsToldAt,
  });
  const insert = (channelId: string, how: 'event' | 'held' | 'refused', since: Date) =>
    write(repo.insertRemovedChannel, { channelId, how, since });

  it('records a removal once, read back to the millisecond, and tells whether it was news; marks the admins told; deletes it (true only when one was recorded), after which it is news again', async () => {
    expect(await repo.isChannelRemoved(db, 'C0ONE')).toBe(false);
    expect(await repo.findRemovedChannel(db, 'C0ONE')).toBeUndefined();
    expect(await insert('C0ONE', 'event', at)).toBe(true);
    // A second removal of the same channel keeps the first one as it was.
    expect(await insert('C0ONE', 'refused', plus(5))).toBe(false);
    expect(await repo.isChannelRemoved(db, 'C0ONE')).toBe(true);
    expect(await repo.isChannelRemoved(db, 'C0TWO')).toBe(false);
    expect(await repo.findRemovedChannel(db, 'C0ONE')).toEqual(removed('C0ONE', 'event', at));
    // The admins told: marked only on the channel named; nothing written for a channel with no removal.
    await insert('C0TWO', 'held', at);
    await write(repo.markAdminsTold, 'C0ONE', plus(1));
    await write(repo.markAdminsTold, 'C0NONE', plus(2));
    expect(await repo.findRemovedChannel(db, 'C0ONE')).toEqual(removed('C0ONE', 'event', at, plus(1)));
    expect(await repo.findRemovedChannel(db, 'C0TWO')).toEqual(removed('C0TWO', 'held', at));
    expect(await repo.findRemovedChannel(db, 'C0NONE')).toBeUndefined();

    expect(await write(repo.deleteRemovedChannel, 'C0ONE')).toBe(true);
    expect(await write(repo.deleteRemovedChannel, 'C0ONE')).toBe(false);
    expect(await repo.isChannelRemoved(db, 'C0ONE')).toBe(false);
    expect(await repo.findRemovedChannel(db, 'C0ONE')).toBeUndefined();
    // Removed again later: news again.
    expect(await insert('C0ONE', 'refused', plus(9))).toBe(true);
    expect(await repo.findRemovedChannel(db, 'C0ONE')).toEqual(removed('C0ONE', 'refused', plus(9)));
  });

  it('lists the channels the longest removed first (then by id), at most limit', async () => {
    expect(await repo.removedChannelIds(db, 10)).toEqual([]);
    await db.transaction(async (tx) => {
      await repo.insertRemovedChannel(tx, { channelId: 'C0LATE', how: 'event', since: plus(2) });
      await repo.insertRemovedChannel(tx, { channelId: 'C0B', how: 'event', since: plus(1) });
      await repo.insertRemovedChannel(tx, { channelId: 'C0A', how: 'refused', since: plus(1) });
      await repo.insertRemovedChannel(tx, { channelId: 'C0FIRST', how: 'held', since: at });
    });
    expect(await repo.removedChannelIds(db, 10)).toEqual(['C0FIRST', 'C0A', 'C0B', 'C0LATE']);
    expect(await repo.removedChannelIds(db, 2)).toEqual(['C0FIRST', 'C0A']);
    expect(await repo.removedChannelIds(db, 0)).toEqual([]);
  });

  it('reads its own writes inside the transaction, and nothing of a transaction that failed', async () => {
    await expect(
      db.transaction(async (tx) => {
        expect(await repo.insertRemovedChannel(tx, { channelId: 'C0ONE', how: 'event', since: at })).toBe(
          true,
        );
        expect(await repo.isChannelRemoved(tx, 'C0ONE')).toBe(true);
        expect(await repo.removedChannelIds(tx, 5)).toEqual(['C0ONE']);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.isChannelRemoved(db, 'C0ONE')).toBe(false);
    expect(await repo.removedChannelIds(db, 5)).toEqual([]);
  });
});
