import { expect, it } from 'vitest';
import { listHandoffsOf, wasAeOf } from '../../src/db/repositories/lookup.js';
import type { NewHandoffEventRow, NewHandoffRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { addEvent, addHandoff } from './seed.js';

export default contract('lookup repository', ({ db, at }) => {
  const handoff = (over: Partial<NewHandoffRow> = {}) => addHandoff(db, at, over);

  const event = (row: Pick<NewHandoffEventRow, 'handoffId' | 'aeUserId'> & Partial<NewHandoffEventRow>) =>
    addEvent(db, { type: 'sent', fromStatus: null, at, detail: { n: 1 }, ...row });

  const me = { userId: 'U0ME', teamId: 'T0INTERNAL' };

  it('lists what a person wrote, owns or answers as the AE of their team, newest first', async () => {
    const written = await handoff({ authorUserId: 'U0ME', ownerUserId: 'U0OTHER' });
    const owned = await handoff({ authorUserId: 'U0OTHER', ownerUserId: 'U0ME' });
    const asAe = await handoff({ aeUserId: 'U0ME', aeTeamId: 'T0INTERNAL' });
    await handoff({ aeUserId: 'U0ME', aeTeamId: 'T0ELSEWHERE' });
    await handoff({ authorUserId: 'U0OTHER', ownerUserId: 'U0OTHER', aeUserId: 'U0OTHER' });
    const { rows, total } = await listHandoffsOf(db, me, { all: true, limit: 10 });
    expect(rows.map((r) => r.id)).toEqual([asAe, owned, written]);
    expect(total).toBe(3);
    // Rows read back whole: timestamps to the millisecond, booleans.
    expect(rows[2]).toMatchObject({
      authorUserId: 'U0ME',
      sentAt: at,
      dueAt: new Date(at.getTime() + 3 * 86_400_000),
      partnerAgreedInWriting: true,
      onPriorityList: false,
      outcome: null,
    });
    expect(
      await listHandoffsOf(db, { userId: 'U0NOBODY', teamId: 'T0INTERNAL' }, { all: true, limit: 5 }),
    ).toEqual({ rows: [], total: 0 });
  });

  it('keeps to open ones unless all are asked for: sent, expired, accepted and not yet won or lost', async () => {
    const sent = await handoff({ authorUserId: 'U0ME' });
    const expired = await handoff({ authorUserId: 'U0ME', status: 'expired' });
    const accepted = await handoff({ authorUserId: 'U0ME', status: 'accepted' });
    const meeting = await handoff({ authorUserId: 'U0ME', status: 'accepted', outcome: 'meeting_held' });
    const opportunity = await handoff({
      authorUserId: 'U0ME',
      status: 'accepted',
      outcome: 'opportunity_created',
    });
    const won = await handoff({ authorUserId: 'U0ME', status: 'accepted', outcome: 'won' });
    const lost = await handoff({ authorUserId: 'U0ME', status: 'accepted', outcome: 'lost' });
    const declined = await handoff({ authorUserId: 'U0ME', status: 'declined' });
    const withdrawn = await handoff({ authorUserId: 'U0ME', status: 'withdrawn' });
    const open = await listHandoffsOf(db, me, { all: false, limit: 20 });
    expect(open.rows.map((r) => r.id)).toEqual([opportunity, meeting, accepted, expired, sent]);
    expect(open.total).toBe(5);
    const all = await listHandoffsOf(db, me, { all: true, limit: 20 });
    expect(all.rows.map((r) => r.id)).toEqual([
      withdrawn,
      declined,
      lost,
      won,
      opportunity,
      meeting,
      accepted,
      expired,
      sent,
    ]);
    expect(all.total).toBe(9);
  });

  it('returns at most `limit`, and counts them all when the page is full', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await handoff({ authorUserId: 'U0ME' }));
    await handoff({ authorUserId: 'U0ME', status: 'declined' });
    const page = await listHandoffsOf(db, me, { all: false, limit: 2 });
    expect(page.rows.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    expect(page.total).toBe(5);
    expect(typeof page.total).toBe('number');
    const exact = await listHandoffsOf(db, me, { all: false, limit: 5 });
    expect(exact.rows).toHaveLength(5);
    expect(exact.total).toBe(5);
    const allPage = await listHandoffsOf(db, me, { all: true, limit: 3 });
    expect(allPage.rows).toHaveLength(3);
    expect(allPage.total).toBe(6);
  });

  it('knows whether a person was ever the handoff’s AE from its touch log', async () => {
    const id = await handoff({ aeUserId: 'U0NOW' });
    const other = await handoff({});
    expect(await wasAeOf(db, id, 'U0BEFORE')).toBe(false);
    await event({ handoffId: id, aeUserId: 'U0BEFORE' });
    await event({ handoffId: id, aeUserId: 'U0NOW' });
    await event({ handoffId: other, aeUserId: 'U0ELSE' });
    expect(await wasAeOf(db, id, 'U0BEFORE')).toBe(true);
    expect(await wasAeOf(db, id, 'U0NOW')).toBe(true);
    expect(await wasAeOf(db, id, 'U0ELSE')).toBe(false);
    expect(await wasAeOf(db, other, 'U0BEFORE')).toBe(false);
    expect(await wasAeOf(db, 999_999, 'U0BEFORE')).toBe(false);
  });

  it('counts the away AE a cover had the handoff for (the touch log’s coverFor) as one of its AEs', async () => {
    const id = await handoff({ aeUserId: 'U0COVER' });
    await event({ handoffId: id, aeUserId: 'U0COVER', detail: { coverFor: 'U0AWAY' } });
    // Only a send or a move says whom the cover answers for.
    await event({ handoffId: id, aeUserId: 'U0COVER', type: 'escalated', detail: { coverFor: 'U0NOTE' } });
    expect(await wasAeOf(db, id, 'U0AWAY')).toBe(true);
    expect(await wasAeOf(db, id, 'U0NOTE')).toBe(false);
    expect(await wasAeOf(db, await handoff({}), 'U0AWAY')).toBe(false);
  });
});
