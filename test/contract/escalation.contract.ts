import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/escalation.js';
import type { HandoffEventType, NewHandoffRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { addEvent, handoffRow } from './seed.js';

export default contract('escalation repository', ({ db, at, plus: ms, write }) => {
  const handoff = (over: Partial<NewHandoffRow> = {}) => handoffRow(db, at, over);

  const event = (
    handoffId: number,
    type: HandoffEventType,
    over: { aeUserId?: string; cycle?: number; detail?: Record<string, unknown> | null; at?: Date } = {},
  ) => addEvent(db, { handoffId, type, at, ...over });

  const surface = async (
    handoffId: number,
    over: { key: string; kind?: 'expired_owner' | 'reminder'; viewerUserId?: string | null },
    params: Record<string, unknown>,
  ): Promise<number> => {
    const rows = await db.transaction((tx) =>
      tx
        .insert(tablesOf(tx).surfaces)
        .values(
          ownRow(tx, {
            key: over.key,
            handoffId,
            kind: over.kind ?? 'expired_owner',
            viewerUserId: over.viewerUserId === undefined ? 'U0AUTHOR' : over.viewerUserId,
            channelKey: 'dm:U0AUTHOR',
            params,
            createdAt: at,
          }),
        )
        .returning(),
    );
    return (rows[0] as { id: number }).id;
  };

  it('finds the escalations due (open or expired, due at or before now, after an id), by id, at most a page', async () => {
    const early = await handoff({ nextEscalationAt: ms(-1000) });
    const exact = await handoff({ status: 'expired', nextEscalationAt: at });
    await handoff({ nextEscalationAt: ms(1) }); // not due yet, by a millisecond
    await handoff({ status: 'accepted', nextEscalationAt: ms(-1000) });
    await handoff({ status: 'withdrawn', nextEscalationAt: ms(-1000) });
    await handoff({ nextEscalationAt: null });
    const lastMs = await handoff({ nextEscalationAt: ms(-1) });

    const due = await repo.findEscalationsDue(db, at, 0, 10);
    expect(due.map((h) => h.id)).toEqual([early.id, exact.id, lastMs.id]);
    expect(due[0]).toEqual(early);
    expect(due[1]?.nextEscalationAt).toEqual(at);
    expect(due[2]?.nextEscalationAt).toEqual(ms(-1));
    expect(due[0]?.sentAt).toEqual(at);
    expect(due[0]?.partnerAgreedInWriting).toBe(true);

    expect((await repo.findEscalationsDue(db, at, early.id, 10)).map((h) => h.id)).toEqual([
      exact.id,
      lastMs.id,
    ]);
    expect((await repo.findEscalationsDue(db, at, 0, 2)).map((h) => h.id)).toEqual([early.id, exact.id]);
    expect((await repo.findEscalationsDue(db, at, exact.id, 1)).map((h) => h.id)).toEqual([lastMs.id]);
    expect(await repo.findEscalationsDue(db, at, lastMs.id, 10)).toEqual([]);
    expect((await repo.findEscalationsDue(db, ms(1), 0, 10)).length).toBe(4);
    expect(await repo.findEscalationsDue(db, ms(-1001), 0, 10)).toEqual([]);
  });

  it('finds the handoffs waiting for their AE, by id, at most the limit, and counts those of an AE', async () => {
    expect(await repo.openCountOf(db, 'U0AE')).toBe(0);
    const a = await handoff();
    await handoff({ status: 'accepted' });
    const b = await handoff({ aeUserId: 'U0OTHER' });
    await handoff({ status: 'expired' });
    const c = await handoff();
    expect((await repo.findWaitingForAe(db, 10)).map((h) => h.id)).toEqual([a.id, b.id, c.id]);
    expect((await repo.findWaitingForAe(db, 2)).map((h) => h.id)).toEqual([a.id, b.id]);
    expect((await repo.findWaitingForAe(db, 10))[1]).toEqual(b);
    expect(await repo.findWaitingForAe(db, 0)).toEqual([]);
    const n = await repo.openCountOf(db, 'U0AE');
    expect(n).toBe(2);
    expect(typeof n).toBe('number');
    expect(await repo.openCountOf(db, 'U0OTHER')).toBe(1);
    expect(await repo.openCountOf(db, 'U0NOBODY')).toBe(0);
  });

  it("reads the current window's events of the given types, oldest first, with their JSON detail", async () => {
    const h = await handoff({ cycle: 2 });
    const other = await handoff({ cycle: 2 });
    await event(h.id, 'reminded', { cycle: 1, detail: { n: 1 } });
    await event(h.id, 'reminded', { cycle: 2, detail: { n: 1, nested: { a: [1, 'x'] }, flag: true } });
    await event(h.id, 'stall_nudged', { cycle: 2 });
    await event(h.id, 'extended', { cycle: 2, detail: { days: 2 } });
    await event(h.id, 'reminded', { cycle: 2, detail: { n: 2 } });
    await event(other.id, 'reminded', { cycle: 2, detail: { n: 9 } });

    // With when each happened (since when the app knew an AE was away, for the expiry's record: issue 50).
    expect(await repo.cycleEvents(db, h, ['reminded', 'stall_nudged'])).toEqual([
      { type: 'reminded', detail: { n: 1, nested: { a: [1, 'x'] }, flag: true }, at },
      { type: 'stall_nudged', detail: null, at },
      { type: 'reminded', detail: { n: 2 }, at },
    ]);
    expect(await repo.cycleEvents(db, { id: h.id, cycle: 1 }, ['reminded'])).toEqual([
      { type: 'reminded', detail: { n: 1 }, at },
    ]);
    expect(await repo.cycleEvents(db, h, ['declined'])).toEqual([]);
    expect(await repo.cycleEvents(db, { id: h.id, cycle: 3 }, ['reminded'])).toEqual([]);
  });

  it("counts the policies' moves of a handoff: reassignments with a policy level, in every window", async () => {
    const h = await handoff({ partnerKey: 'meridian' });
    const other = await handoff({ partnerKey: 'meridian' });
    expect(await repo.policyMovesOf(db, h.id)).toBe(0);
    await event(h.id, 'reassigned', { cycle: 1, detail: { policyLevel: 1 } });
    await event(h.id, 'reassigned', { cycle: 2, detail: { policyLevel: 0 } });
    await event(h.id, 'reassigned', { cycle: 3, detail: { policyLevel: 'cover' } });
    await event(h.id, 'reassigned', { cycle: 4, detail: { previousAe: 'U0AE' } }); // by hand
    await event(h.id, 'reassigned', { cycle: 5, detail: { policyLevel: null } });
    await event(h.id, 'reassigned', { cycle: 6 });
    await event(h.id, 'sent', { detail: { policyLevel: 1 } });
    await event(h.id, 'reminded', { detail: { policyLevel: 1 } });
    await event(other.id, 'reassigned', { detail: { policyLevel: 1 } });
    const n = await repo.policyMovesOf(db, h.id);
    expect(n).toBe(3);
    expect(typeof n).toBe('number');
    expect(await repo.policyMovesOf(db, other.id)).toBe(1);
    expect(await repo.policyMovesOf(db, other.id + 100)).toBe(0);
  });

  it("finds a pool's last pick (the newest send or reassignment naming it), its picks since a moment, and its newest picks", async () => {
    const h = await handoff({ partnerKey: 'meridian' });
    expect(await repo.lastPickOfPool(db, 'emea')).toBeUndefined();
    await event(h.id, 'sent', { aeUserId: 'U0A', detail: { pool: 'emea' }, at: ms(-86_400_000) });
    expect(await repo.lastPickOfPool(db, 'emea')).toBe('U0A');
    await event(h.id, 'reassigned', { aeUserId: 'U0B', detail: { pool: 'emea', policyLevel: 1 } });
    await event(h.id, 'reassigned', { aeUserId: 'U0C', detail: { pool: 'apac' }, at: ms(1000) });
    await event(h.id, 'reassigned', { aeUserId: 'U0B', detail: { pool: 'emea' }, at: ms(3000) });
    // Not picks of emea: a reminder, another spelling, no pool, another key.
    await event(h.id, 'reminded', { aeUserId: 'U0D', detail: { pool: 'emea' }, at: ms(4000) });
    await event(h.id, 'reassigned', { aeUserId: 'U0E', detail: { pool: 'EMEA' }, at: ms(4000) });
    await event(h.id, 'reassigned', { aeUserId: 'U0F', at: ms(4000) });
    await event(h.id, 'reassigned', { aeUserId: 'U0G', detail: { poolName: 'emea' }, at: ms(4000) });
    expect(await repo.lastPickOfPool(db, 'emea')).toBe('U0B');
    expect(await repo.lastPickOfPool(db, 'apac')).toBe('U0C');
    expect(await repo.lastPickOfPool(db, 'EMEA')).toBe('U0E');
    expect(await repo.lastPickOfPool(db, 'amer')).toBeUndefined();
    expect(await repo.poolPicksSince(db, 'emea', at)).toEqual([
      { aeUserId: 'U0B', at },
      { aeUserId: 'U0B', at: ms(3000) },
    ]);
    expect(await repo.poolPicksSince(db, 'emea', ms(-86_400_000))).toHaveLength(3);
    expect(await repo.poolPicksSince(db, 'amer', ms(-86_400_000))).toEqual([]);
    expect(await repo.recentPicksOfPool(db, 'emea', 2)).toEqual(['U0B', 'U0B']);
    expect(await repo.recentPicksOfPool(db, 'emea', 5)).toEqual(['U0B', 'U0B', 'U0A']);
  });

  it("lists everyone who was a handoff's AE, with repeats", async () => {
    const h = await handoff({ partnerKey: 'meridian' });
    const other = await handoff({ partnerKey: 'meridian' });
    expect(await repo.aesOf(db, h.id)).toEqual([]);
    await event(h.id, 'sent', { aeUserId: 'U0A' });
    await event(h.id, 'reminded', { aeUserId: 'U0A' });
    await event(h.id, 'reassigned', { aeUserId: 'U0B' });
    await event(h.id, 'extended', { aeUserId: 'U0X' });
    await event(h.id, 'reassigned', { aeUserId: 'U0A' });
    await event(other.id, 'sent', { aeUserId: 'U0C' });
    expect((await repo.aesOf(db, h.id)).sort()).toEqual(['U0A', 'U0A', 'U0B']);
    expect(await repo.aesOf(db, other.id)).toEqual(['U0C']);
  });

  it("finds the owner's expiry notice of the current window, the newest if several", async () => {
    const h = await handoff({ cycle: 2 });
    const other = await handoff({ cycle: 2 });
    expect(await repo.findOwnerExpiryNotice(db, h)).toBeUndefined();
    await surface(h.id, { key: 'k1' }, { cycle: 1 });
    await surface(h.id, { key: 'k2', viewerUserId: 'U0SOMEONE' }, { cycle: 2 });
    await surface(h.id, { key: 'k3', kind: 'reminder' }, { cycle: 2 });
    await surface(h.id, { key: 'k4', viewerUserId: null }, { cycle: 2 });
    await surface(h.id, { key: 'k6' }, { other: 2 });
    await surface(other.id, { key: 'k7' }, { cycle: 2 });
    expect(await repo.findOwnerExpiryNotice(db, h)).toBeUndefined();

    const older = await surface(h.id, { key: 'k8' }, { cycle: 2, step: 1 });
    expect(await repo.findOwnerExpiryNotice(db, h)).toEqual({ id: older, params: { cycle: 2, step: 1 } });
    const newer = await surface(h.id, { key: 'k9' }, { cycle: 2, step: 2, moved: { to: 'U0B' } });
    expect(await repo.findOwnerExpiryNotice(db, h)).toEqual({
      id: newer,
      params: { cycle: 2, step: 2, moved: { to: 'U0B' } },
    });
    const first = await repo.findOwnerExpiryNotice(db, { ...h, cycle: 1 });
    expect(first?.params).toEqual({ cycle: 1 });
    expect(await repo.findOwnerExpiryNotice(db, { ...h, ownerUserId: 'U0SOMEONE' })).toMatchObject({
      params: { cycle: 2 },
    });
    expect(await repo.findOwnerExpiryNotice(db, { ...h, cycle: 3 })).toBeUndefined();
  });

  it("replaces a surface's params, and only that surface's", async () => {
    const h = await handoff();
    const a = await surface(h.id, { key: 'k1' }, { cycle: 1, step: 1 });
    const b = await surface(h.id, { key: 'k2', viewerUserId: 'U0SOMEONE' }, { cycle: 1, step: 1 });
    await write(repo.setSurfaceParams, a, { cycle: 1, step: 2, list: ['x', 'y'], none: null });
    expect(await repo.findOwnerExpiryNotice(db, h)).toEqual({
      id: a,
      params: { cycle: 1, step: 2, list: ['x', 'y'], none: null },
    });
    expect(await repo.findOwnerExpiryNotice(db, { ...h, ownerUserId: 'U0SOMEONE' })).toEqual({
      id: b,
      params: { cycle: 1, step: 1 },
    });
    await write(repo.setSurfaceParams, a, { cycle: 5 });
    expect(await repo.findOwnerExpiryNotice(db, h)).toBeUndefined();
    expect(await repo.findOwnerExpiryNotice(db, { ...h, cycle: 5 })).toEqual({ id: a, params: { cycle: 5 } });
    await write(repo.setSurfaceParams, a + b + 100, { cycle: 1 }); // no such surface: nothing
    expect((await repo.findOwnerExpiryNotice(db, { ...h, ownerUserId: 'U0SOMEONE' }))?.params).toEqual({
      cycle: 1,
      step: 1,
    });
  });
});
