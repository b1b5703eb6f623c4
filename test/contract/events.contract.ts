import { and, isNull } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/events.js';
import type { NewHandoffRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { handoffRow } from './seed.js';

export default contract('events repository', ({ db, at, plus: ms, write }) => {
  const handoff = (over: Partial<NewHandoffRow> = {}) => handoffRow(db, at, over);

  const log = (input: Partial<repo.EventInput> & Pick<repo.EventInput, 'after'>) =>
    write(repo.logEvent, { type: 'sent', before: null, actor: null, at, ...input });

  it('appends events with every field (no detail as SQL null), read back oldest first to the millisecond', async () => {
    const h = await handoff();
    const other = await handoff();
    const first = await log({
      after: h,
      actor: { userId: 'U0AUTHOR', teamId: 'T0INTERNAL' },
      detail: { windowFrom: ms(5).toISOString(), nested: { n: 1.5, ok: true } },
      businessHours: 2.25,
    });
    const second = await log({
      type: 'accepted',
      before: { status: 'sent' },
      after: { ...h, status: 'accepted', assignment: 2, cycle: 3, aeUserId: 'U0AE2' },
      actor: { userId: 'U0AE' },
      at: ms(1),
    });
    const third = await log({ after: other });
    expect(second).toBeGreaterThan(first);
    // A missing detail is stored as SQL null, not as JSON null.
    const nulls = await db.transaction((tx) => {
      const { handoffEvents } = tablesOf(tx);
      return tx
        .select({ id: handoffEvents.id })
        .from(handoffEvents)
        .where(and(own(tx, handoffEvents), isNull(handoffEvents.detail)));
    });
    expect(nulls.map((r) => r.id).sort((a, b) => a - b)).toEqual([second, third]);

    const events = await repo.eventsOf(db, h.id);
    expect(events).toEqual([
      {
        installationId: 1,
        id: first,
        handoffId: h.id,
        type: 'sent',
        fromStatus: null,
        toStatus: 'sent',
        actorUserId: 'U0AUTHOR',
        actorTeamId: 'T0INTERNAL',
        aeUserId: 'U0AE',
        assignment: 1,
        cycle: 1,
        at,
        businessHours: 2.25,
        detail: { windowFrom: ms(5).toISOString(), nested: { n: 1.5, ok: true } },
      },
      {
        installationId: 1,
        id: second,
        handoffId: h.id,
        type: 'accepted',
        fromStatus: 'sent',
        toStatus: 'accepted',
        actorUserId: 'U0AE',
        actorTeamId: null,
        aeUserId: 'U0AE2',
        assignment: 2,
        cycle: 3,
        at: ms(1),
        businessHours: null,
        detail: null,
      },
    ]);
    expect(await repo.eventsOf(db, 9999)).toEqual([]);
  });

  it('finds when the current assignment started: its newest send or reassignment', async () => {
    const h = await handoff();
    expect(await repo.assignmentStartedAt(db, h.id, 1)).toBeUndefined();
    expect(await repo.assignmentWindowStart(db, h.id, 1)).toBeUndefined();
    await log({ after: h, at });
    await log({ type: 'expired', before: h, after: { ...h, status: 'expired' }, at: ms(10) });
    expect(await repo.assignmentStartedAt(db, h.id, 1)).toEqual(at);
    expect(await repo.assignmentWindowStart(db, h.id, 1)).toEqual(at);

    await log({ type: 'reassigned', before: h, after: { ...h, assignment: 2 }, at: ms(20) });
    await log({ type: 'extended', before: h, after: { ...h, assignment: 2 }, at: ms(30) });
    expect(await repo.assignmentStartedAt(db, h.id, 2)).toEqual(ms(20));
    expect(await repo.assignmentStartedAt(db, h.id, 1)).toEqual(at);
    expect(await repo.assignmentStartedAt(db, h.id, 3)).toBeUndefined();
  });

  it('starts the window at a later windowFrom, never at an earlier one', async () => {
    const h = await handoff();
    const h2 = await handoff();
    await log({ after: h, at, detail: { windowFrom: ms(3_600_000).toISOString() } });
    await log({ after: h2, at, detail: { windowFrom: ms(-1).toISOString() } });
    expect(await repo.assignmentWindowStart(db, h.id, 1)).toEqual(ms(3_600_000));
    expect(await repo.assignmentStartedAt(db, h.id, 1)).toEqual(at);
    expect(await repo.assignmentWindowStart(db, h2.id, 1)).toEqual(at);
    await log({
      type: 'reassigned',
      before: h,
      after: { ...h, assignment: 2 },
      at: ms(5),
      detail: { windowFrom: 7 },
    });
    expect(await repo.assignmentWindowStart(db, h.id, 2)).toEqual(ms(5));
  });

  it('lists handoffs whose log does not end at their status, by id', async () => {
    expect(await repo.logMismatches(db)).toEqual([]);
    const unlogged = await handoff();
    const agreeing = await handoff();
    const behind = await handoff({ status: 'accepted' });
    await log({ after: agreeing });
    await log({ after: { ...behind, status: 'sent' } });
    await log({ type: 'accepted', before: behind, after: behind, at: ms(1) });
    await log({ type: 'expired', before: behind, after: { ...behind, status: 'expired' }, at: ms(2) });
    expect(await repo.logMismatches(db)).toEqual([
      { handoffId: unlogged.id, status: 'sent', logStatus: null },
      { handoffId: behind.id, status: 'accepted', logStatus: 'expired' },
    ]);
    await log({ type: 'accepted', before: behind, after: behind, at: ms(3) });
    expect(await repo.logMismatches(db)).toEqual([
      { handoffId: unlogged.id, status: 'sent', logStatus: null },
    ]);
  });

  it('writes nothing of a transaction that failed', async () => {
    const h = await handoff();
    await expect(
      db.transaction(async (tx) => {
        await repo.logEvent(tx, { type: 'sent', before: null, after: h, actor: null, at });
        expect(await repo.eventsOf(tx, h.id)).toHaveLength(1);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.eventsOf(db, h.id)).toEqual([]);
  });
});
