import { and, asc, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import { insertOutcome } from '../../src/db/repositories/handoffs.js';
import * as repo from '../../src/db/repositories/outcomeHolds.js';
import { contract } from './engine.js';
import { addHandoff, outboxRowsAt, queueRows } from './seed.js';

export default contract('outcomeHolds repository', ({ db, at, plus, write }) => {
  const rowsOf = async () => {
    const { outbox } = tablesOf(db);
    return db.select().from(outbox).where(own(db, outbox)).orderBy(asc(outbox.id));
  };

  it('holds a waiting row until a time, and queues a held refresh in a conversation of its own', async () => {
    const handoffId = await addHandoff(db, at);
    await queueRows(db, [outboxRowsAt(at)({ dedupeKey: 'k:partner', handoffId })]);
    await db.transaction(async (tx) => {
      await repo.holdRow(tx, 'k:partner', plus(60_000), at);
      await repo.queueHeldRefresh(tx, { handoffId, key: 'outcome:7', until: plus(60_000), now: at });
      // Queued once whatever retries.
      await repo.queueHeldRefresh(tx, { handoffId, key: 'outcome:7', until: plus(90_000), now: at });
    });
    expect(await rowsOf()).toEqual([
      expect.objectContaining({ dedupeKey: 'k:partner', nextAttemptAt: plus(60_000), scheduledAt: at }),
      expect.objectContaining({
        dedupeKey: 'hold:outcome:7',
        channelKey: 'hold:outcome:7',
        method: 'surfaces.refresh',
        handoffId,
        status: 'pending',
        nextAttemptAt: plus(60_000),
        createdAt: at,
      }),
    ]);
  });

  it('cancels only rows still waiting and not being sent, freeing their keys', async () => {
    const handoffId = await addHandoff(db, at);
    const row = outboxRowsAt(at);
    await queueRows(db, [
      row({ dedupeKey: 'a', handoffId }),
      row({ dedupeKey: 'b', handoffId, uncertainSince: at }),
      row({ dedupeKey: 'c', handoffId, status: 'delivered' }),
    ]);
    expect(await write(repo.cancelHeld, ['a', 'b', 'c', 'none'], 'undone')).toBe(1);
    const rows = await rowsOf();
    expect(rows.map((r) => [r.dedupeKey, r.status])).toEqual([
      [`a:undone:${rows[0]?.id}`, 'cancelled'],
      ['b', 'pending'],
      ['c', 'delivered'],
    ]);
    expect(rows[0]?.lastError).toBe('undone');
    // The key is free again: the step recorded anew queues its row.
    await queueRows(db, [row({ dedupeKey: 'a', handoffId })]);
    expect(
      (await repo.heldRows(db, ['a', 'b'])).map((r) => [r.dedupeKey, r.status, r.uncertainSince]),
    ).toEqual(
      expect.arrayContaining([
        ['a', 'pending', null],
        ['b', 'pending', at],
      ]),
    );
    expect(await repo.heldRows(db, [])).toEqual([]);
  });

  it('finds the event of a step, and takes the step and its metric fact back', async () => {
    const handoffId = await addHandoff(db, at);
    const { handoffs, handoffEvents, outcomes, metricFacts } = tablesOf(db);
    const [h] = await db
      .select()
      .from(handoffs)
      .where(and(own(db, handoffs), eq(handoffs.id, handoffId)));
    if (!h) throw new Error('no handoff');
    const eventIds = await db.transaction(async (tx) => {
      const ids: number[] = [];
      for (const type of ['accepted', 'meeting_held'] as const) {
        const [e] = await tx
          .insert(handoffEvents)
          .values(
            ownRow(tx, {
              handoffId,
              type,
              fromStatus: 'accepted',
              toStatus: 'accepted',
              aeUserId: h.aeUserId,
              assignment: 1,
              cycle: 1,
              at,
            }),
          )
          .returning({ id: handoffEvents.id });
        ids.push(e?.id ?? 0);
      }
      return ids;
    });
    const step = await write(insertOutcome, {
      handoffId,
      outcome: 'meeting_held',
      crmOpportunity: null,
      reasonCode: null,
      note: null,
      byUserId: 'U0AE',
      at,
    });
    const eventId = await repo.outcomeEventId(db, handoffId, 'meeting_held');
    expect(eventId).toBe(eventIds[1]);
    expect(await repo.outcomeEventId(db, handoffId, 'won')).toBeUndefined();
    const factsOf = async () =>
      (
        await db
          .select()
          .from(metricFacts)
          .where(and(own(db, metricFacts), eq(metricFacts.handoffId, handoffId)))
      ).map((f) => f.type);
    expect((await factsOf()).sort()).toEqual(['accepted', 'meeting_held']);
    await write(repo.deleteOutcomeStep, step.id, eventId);
    expect(
      await db
        .select()
        .from(outcomes)
        .where(and(own(db, outcomes), eq(outcomes.handoffId, handoffId))),
    ).toEqual([]);
    expect(await factsOf()).toEqual(['accepted']);
  });
});
