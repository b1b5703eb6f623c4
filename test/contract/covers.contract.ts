import { expect, it } from 'vitest';
import { coveredNotTold, deleteCover, findCover, saveCover } from '../../src/db/repositories/covers.js';
import type { NewHandoffEventRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { addEvent, addHandoff } from './seed.js';

export default contract('covers repository', ({ db, at, write }) => {
  const cover = (
    aeUserId: string,
    coverUserId: string,
    until: string,
    setAt = at,
    awayFrom: string | null = null,
  ) => ({ aeUserId, coverUserId, until, setAt, awayFrom });
  const saveFor = (...args: Parameters<typeof cover>) => write(saveCover, cover(...args));

  it('keeps one cover per AE: named, replaced, read back to the millisecond, then deleted', async () => {
    expect(await findCover(db, 'U0AE')).toBeUndefined();
    await saveFor('U0AE', 'U0COVER', '2026-12-01');
    const later = new Date(at.getTime() + 1);
    await saveFor('U0AE', 'U0OTHER', '2026-12-05', later, '2026-12-03');
    await saveFor('U0AE2', 'U0COVER', '2026-12-02');
    expect(await findCover(db, 'U0AE')).toEqual({
      installationId: 1,
      aeUserId: 'U0AE',
      coverUserId: 'U0OTHER',
      until: '2026-12-05',
      setAt: later,
      // The days away given with the cover: replaced with the rest.
      awayFrom: '2026-12-03',
    });
    expect((await findCover(db, 'U0AE2'))?.awayFrom).toBeNull();
    await write(deleteCover, 'U0AE');
    expect(await findCover(db, 'U0AE')).toBeUndefined();
    expect((await findCover(db, 'U0AE2'))?.coverUserId).toBe('U0COVER');
  });

  const handoff = (sourceViewId: string) => addHandoff(db, at, { sourceViewId });

  const event = (row: Pick<NewHandoffEventRow, 'handoffId' | 'type' | 'at'> & Partial<NewHandoffEventRow>) =>
    addEvent(db, { fromStatus: null, aeUserId: 'U0COVER', ...row });

  it('finds the handoffs that went to a cover since a moment and whose away AE was not told of them since', async () => {
    const later = new Date(at.getTime() + 60_000);
    const sent = await handoff('V1');
    const moved = await handoff('V2');
    const told = await handoff('V3');
    const sentId = await event({ handoffId: sent, type: 'sent', at, detail: { coverFor: 'U0AWAY' } });
    await event({ handoffId: moved, type: 'sent', at, detail: {}, aeUserId: 'U0AWAY' });
    const movedId = await event({
      handoffId: moved,
      type: 'reassigned',
      at: later,
      detail: { coverFor: 'U0AWAY', previousAeUserId: 'U0AWAY' },
    });
    await event({ handoffId: told, type: 'sent', at, detail: { coverFor: 'U0AWAY' } });
    await event({ handoffId: told, type: 'cover_returned', at: later, detail: { coverFor: 'U0AWAY' } });
    // Too old to look at, and a send with no cover.
    await event({
      handoffId: sent,
      type: 'sent',
      at: new Date(at.getTime() - 1),
      detail: { coverFor: 'U0OLD' },
    });
    await event({ handoffId: await handoff('V4'), type: 'sent', at, detail: null });
    expect(await coveredNotTold(db, at)).toEqual([
      { eventId: sentId, handoffId: sent, coverFor: 'U0AWAY', cover: 'U0COVER', at },
      { eventId: movedId, handoffId: moved, coverFor: 'U0AWAY', cover: 'U0COVER', at: later },
    ]);
  });

  it('reads its own write inside the transaction, and nothing of a transaction that failed', async () => {
    await expect(
      db.transaction(async (tx) => {
        await saveCover(tx, cover('U0AE', 'U0COVER', '2026-12-01'));
        expect((await findCover(tx, 'U0AE'))?.coverUserId).toBe('U0COVER');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await findCover(db, 'U0AE')).toBeUndefined();
  });
});
