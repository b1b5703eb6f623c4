import { expect, it } from 'vitest';
import * as repo from '../../src/db/repositories/channelAccessNotices.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

export default contract('channelAccessNotices repository', ({ db, at, plus, write }) => {
  const handoff = () => addHandoff(db, at);

  const notice = (
    messageKey: string,
    channelId: string,
    handoffId: number | null,
    toldAt = at,
  ): repo.ChannelAccessNoticeRow => ({ messageKey, channelId, readerUserId: 'U0OWNER', handoffId, toldAt });

  /** A notice as it reads back: the first installation's (the contract's database is not scoped). */
  const stored = (row: repo.ChannelAccessNoticeRow) => ({ ...row, installationId: 1 });
  const insert = (row: repo.ChannelAccessNoticeRow) => write(repo.insertChannelAccessNotice, row);

  it('records a notice once per message key, and once per channel and handoff', async () => {
    const h1 = await handoff();
    const h2 = await handoff();
    expect(await insert(notice('k1', 'C0X', h1))).toBe(true);
    expect(await insert({ ...notice('k1', 'C0Y', h2), readerUserId: 'U0ELSE' })).toBe(false);
    expect(await insert(notice('k2', 'C0X', h1, plus(5)))).toBe(false);
    expect(await insert(notice('k3', 'C0X', h2, plus(1)))).toBe(true);
    expect(await insert(notice('k4', 'C0Y', h1))).toBe(true);
    // Notices of no handoff are not one wait: each is recorded.
    expect(await insert(notice('k5', 'C0X', null, plus(2)))).toBe(true);
    expect(await insert(notice('k6', 'C0X', null, plus(2)))).toBe(true);
    expect(await repo.channelAccessNoticesIn(db, 'C0X')).toEqual([
      stored(notice('k1', 'C0X', h1)),
      stored(notice('k3', 'C0X', h2, plus(1))),
      stored(notice('k5', 'C0X', null, plus(2))),
      stored(notice('k6', 'C0X', null, plus(2))),
    ]);
    expect(await repo.channelAccessNoticesIn(db, 'C0Y')).toEqual([stored(notice('k4', 'C0Y', h1))]);
    expect(await repo.channelAccessNoticesIn(db, 'C0NONE')).toEqual([]);
  });

  it('lists a channel’s notices oldest first, then by message key', async () => {
    await insert(notice('b', 'C0X', null, plus(10)));
    await insert(notice('c', 'C0X', null, plus(1)));
    await insert(notice('a', 'C0X', null, plus(10)));
    await insert(notice('d', 'C0X', null, at));
    expect((await repo.channelAccessNoticesIn(db, 'C0X')).map((n) => [n.messageKey, n.toldAt])).toEqual([
      ['d', at],
      ['c', plus(1)],
      ['a', plus(10)],
      ['b', plus(10)],
    ]);
  });

  it('forgets a channel’s notices, saying how many', async () => {
    const h1 = await handoff();
    await insert(notice('k1', 'C0X', h1));
    await insert(notice('k2', 'C0X', null));
    await insert(notice('k3', 'C0Y', h1));
    expect(await write(repo.deleteChannelAccessNotices, 'C0X')).toBe(2);
    expect(await write(repo.deleteChannelAccessNotices, 'C0X')).toBe(0);
    expect(await repo.channelAccessNoticesIn(db, 'C0X')).toEqual([]);
    expect(await repo.channelAccessNoticesIn(db, 'C0Y')).toHaveLength(1);
    // Forgotten, the same handoff and channel can be told again.
    expect(await insert(notice('k4', 'C0X', h1))).toBe(true);
  });

  it('lists the channels with notices, the longest told first (ties by channel id), at most `limit`', async () => {
    expect(await repo.channelsWithAccessNotices(db, 10)).toEqual([]);
    await insert(notice('k1', 'C0LATE', null, plus(50)));
    await insert(notice('k2', 'C0B', null, plus(20)));
    await insert(notice('k3', 'C0B', null, plus(30)));
    await insert(notice('k4', 'C0EARLY', null, plus(40)));
    await insert(notice('k5', 'C0EARLY', null, plus(1)));
    await insert(notice('k6', 'C0A', null, plus(20)));
    expect(await repo.channelsWithAccessNotices(db, 10)).toEqual(['C0EARLY', 'C0A', 'C0B', 'C0LATE']);
    expect(await repo.channelsWithAccessNotices(db, 2)).toEqual(['C0EARLY', 'C0A']);
  });

  it('records nothing of a transaction that failed', async () => {
    await expect(
      db.transaction(async (tx) => {
        expect(await repo.insertChannelAccessNotice(tx, notice('k1', 'C0X', null))).toBe(true);
        expect(await repo.channelAccessNoticesIn(tx, 'C0X')).toHaveLength(1);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.channelAccessNoticesIn(db, 'C0X')).toEqual([]);
  });
});
