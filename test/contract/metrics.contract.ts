import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/metrics.js';
import type { HandoffEventType, NewHandoffRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { addEvent, addHandoff } from './seed.js';

/** What a test says of an event of the touch log; the rest is filled in. */
interface LogEntry {
  handoffId: number;
  type: HandoffEventType;
  at: Date;
  ae?: string;
  businessHours?: number | null;
  detail?: Record<string, unknown> | null;
}

export default contract('metrics repository', ({ db }) => {
  const t0 = new Date('2026-11-23T15:04:05.678Z');
  const ms = (n: number) => new Date(t0.getTime() + n);

  const handoff = (over: Partial<NewHandoffRow> = {}) =>
    addHandoff(db, t0, { partnerKey: 'meridian', partnerOrg: 'Meridian', authorUserId: 'U0A1', ...over });

  /** Appends events to the touch log, each in its own transaction and in the order given; returns their ids. */
  async function log(entries: LogEntry[]): Promise<number[]> {
    const ids: number[] = [];
    for (const { ae, ...e } of entries) ids.push(await addEvent(db, { ...e, aeUserId: ae ?? 'U0AE' }));
    return ids;
  }

  const noFlags = { earlierAccept: false, earlierAcceptSamePartner: false, earlierAcceptSameAuthor: false };

  it('reads each metric event with its handoff’s dimensions, to the millisecond, and skips the others', async () => {
    const h = await handoff({ aeUserId: 'U0AE', score: 12, classification: 'partner_sourced' });
    const types: HandoffEventType[] = [
      'sent',
      'reminded',
      'reassigned',
      'accepted',
      'declined',
      'expired',
      'edited',
      'meeting_held',
      'opportunity_created',
      'won',
      'lost',
    ];
    const ids = await log([
      ...types.map((type, i) => ({
        handoffId: h,
        type,
        at: ms(i),
        businessHours: type === 'accepted' ? 1.25 : null,
      })),
      { handoffId: h, type: 'expired', at: ms(20), detail: { away: 'status' } },
    ]);
    const events = await repo.metricEvents(db, t0, ms(21));
    expect(events.map((e) => e.type)).toEqual([
      'sent',
      'reassigned',
      'accepted',
      'declined',
      'expired',
      'meeting_held',
      'opportunity_created',
      'won',
      'lost',
      'expired_away',
    ]);
    const accepted = events[2];
    expect(accepted).toEqual({
      id: ids[3],
      type: 'accepted',
      at: ms(3),
      handoffId: h,
      aeUserId: 'U0AE',
      businessHours: 1.25,
      partnerKey: 'meridian',
      partnerOrg: 'Meridian',
      authorUserId: 'U0A1',
      classification: null,
      score: 12,
      ...noFlags,
    });
    expect(accepted?.at).toBeInstanceOf(Date);
    // Only outcome steps carry the handoff's classification.
    expect(events.filter((e) => e.classification !== null).map((e) => e.type)).toEqual([
      'meeting_held',
      'opportunity_created',
      'won',
      'lost',
    ]);
    expect(events.map((e) => e.id)).toEqual(ids.filter((_, i) => ![1, 6].includes(i)));
  });

  it('gives an outcome step its handoff’s current classification, none when it has none', async () => {
    const classified = await handoff({ classification: 'partner_influenced' });
    const unclassified = await handoff();
    await log([
      { handoffId: classified, type: 'meeting_held', at: ms(1) },
      { handoffId: unclassified, type: 'won', at: ms(2) },
    ]);
    const classifications = async () => (await repo.metricEvents(db, t0, ms(3))).map((e) => e.classification);
    expect(await classifications()).toEqual(['partner_influenced', null]);

    // A RevOps correction after the step: the step is read with the handoff's classification now.
    await db.transaction(async (tx) => {
      const { handoffs } = tablesOf(tx);
      await tx
        .update(handoffs)
        .set({ classification: 'partner_sourced' })
        .where(and(own(tx, handoffs), eq(handoffs.id, classified)));
      await tx
        .update(handoffs)
        .set({ classification: 'partner_influenced' })
        .where(and(own(tx, handoffs), eq(handoffs.id, unclassified)));
    });
    expect(await classifications()).toEqual(['partner_sourced', 'partner_influenced']);
  });

  it('flags an accept that had an earlier accept of another handoff by the same AE, in each scope', async () => {
    const first = await handoff({ partnerKey: 'meridian', authorUserId: 'U0A1' });
    const sameAuthor = await handoff({ partnerKey: 'globex', authorUserId: 'U0A1' });
    const samePartner = await handoff({ partnerKey: 'meridian', authorUserId: 'U0A2' });
    const otherAe = await handoff({ partnerKey: 'meridian', authorUserId: 'U0A1' });
    const ids = await log([
      { handoffId: first, type: 'sent', at: ms(0) },
      { handoffId: first, type: 'accepted', at: ms(1) },
      // The same handoff accepted again (after a reassignment back): not an earlier accept of another one.
      { handoffId: first, type: 'accepted', at: ms(2) },
      { handoffId: sameAuthor, type: 'accepted', at: ms(3) },
      // The first handoff once more, now after another one was accepted (first_accepts' second accept).
      { handoffId: first, type: 'accepted', at: ms(4) },
      { handoffId: samePartner, type: 'accepted', at: ms(5) },
      { handoffId: otherAe, type: 'accepted', at: ms(6), ae: 'U0AE2' },
      { handoffId: samePartner, type: 'declined', at: ms(7) },
    ]);
    const flags = (await repo.metricEvents(db, t0, ms(8))).map((e) => [
      e.id,
      e.earlierAccept,
      e.earlierAcceptSamePartner,
      e.earlierAcceptSameAuthor,
    ]);
    expect(flags).toEqual([
      [ids[0], false, false, false],
      [ids[1], false, false, false],
      [ids[2], false, false, false],
      [ids[3], true, false, true],
      [ids[4], true, false, true],
      [ids[5], true, true, false],
      [ids[6], false, false, false],
      [ids[7], false, false, false],
    ]);

    // The flags look at the whole log, not only the period read: the first accept can be before it.
    expect((await repo.metricEvents(db, ms(5), ms(6)))[0]).toMatchObject({
      id: ids[5],
      earlierAccept: true,
      earlierAcceptSamePartner: true,
      earlierAcceptSameAuthor: false,
    });
  });

  it('reads the take-backs of a period with their handoff’s dimensions, the partner by its directory name', async () => {
    const [partner] = await db.transaction((tx) =>
      tx
        .insert(tablesOf(tx).partners)
        .values(
          ownRow(tx, {
            name: 'Meridian Partners',
            key: 'meridian',
            domain: null,
            createdAt: t0,
            updatedAt: t0,
          }),
        )
        .returning({ id: tablesOf(tx).partners.id }),
    );
    const listed = await handoff({ partnerId: partner?.id ?? null, authorUserId: 'U0A2' });
    const typed = await handoff({ partnerKey: 'globex', partnerOrg: 'Globex typed' });
    const ids = await log([
      { handoffId: listed, type: 'accepted', at: ms(0), businessHours: 1 },
      { handoffId: listed, type: 'taken_back', at: ms(1) },
      { handoffId: listed, type: 'reassigned', at: ms(1), ae: 'U0AE2' },
      { handoffId: typed, type: 'handed_back', at: ms(2), ae: 'U0AE3' },
      { handoffId: typed, type: 'withdrawn', at: ms(3) },
      { handoffId: listed, type: 'handed_back', at: ms(4), ae: 'U0AE2' },
    ]);
    const read = await repo.takeBackEvents(db, ms(1), ms(4));
    expect(read).toEqual([
      {
        id: ids[1],
        type: 'taken_back',
        at: ms(1),
        handoffId: listed,
        aeUserId: 'U0AE',
        businessHours: null,
        partnerKey: 'meridian',
        partnerOrg: 'Meridian Partners',
        authorUserId: 'U0A2',
        classification: null,
        score: null,
        ...noFlags,
      },
      {
        id: ids[3],
        type: 'handed_back',
        at: ms(2),
        handoffId: typed,
        aeUserId: 'U0AE3',
        businessHours: null,
        partnerKey: 'globex',
        partnerOrg: 'Globex typed',
        authorUserId: 'U0A1',
        classification: null,
        score: null,
        ...noFlags,
      },
    ]);
    expect(read[0]?.at).toBeInstanceOf(Date);
    expect(await repo.takeBackEvents(db, ms(5), ms(9))).toEqual([]);
  });

  it('reads the first steps of the handoffs asked for: the latest date, the AE’s zone and the new dates', async () => {
    const moved = await handoff({
      firstStep: 'Intro call',
      firstStepDue: '2026-12-02',
      aeTimeZone: 'Europe/Berlin',
      stepNewDates: 2,
    });
    const none = await handoff();
    await handoff({ firstStep: 'Not asked for', firstStepDue: '2026-12-03' });
    const read = await repo.firstStepsOf(db, [moved, none, moved]);
    expect(read.sort((a, b) => a.handoffId - b.handoffId)).toEqual([
      { handoffId: moved, firstStepDue: '2026-12-02', aeTimeZone: 'Europe/Berlin', stepNewDates: 2 },
      { handoffId: none, firstStepDue: null, aeTimeZone: expect.any(String), stepNewDates: 0 },
    ]);
    expect(await repo.firstStepsOf(db, [])).toEqual([]);
  });

  describe('in batches', () => {
    /** Events at ms 0, ms 1, seven at ms 2 (one millisecond), ms 3 and ms 5, on two handoffs. */
    async function tiedLog(): Promise<number[]> {
      const a = await handoff();
      const b = await handoff();
      const times = [0, 1, 2, 2, 2, 2, 2, 2, 2, 3, 5];
      return log(times.map((n, i) => ({ handoffId: i % 2 === 0 ? a : b, type: 'sent', at: ms(n) })));
    }

    const read = async (from: Date, to: Date, size: number) => {
      const batches: repo.MetricEventRow[][] = [];
      for await (const batch of repo.metricEventBatches(db, from, to, size)) batches.push(batch);
      return batches;
    };

    it('reads every event of [from, to) once, in (at, id) order, whatever the batch size, ties included', async () => {
      const ids = await tiedLog();
      // From ms 1 (included) to ms 5 (excluded): all but the first and the last.
      const expected = ids.slice(1, -1);
      for (let size = 1; size <= expected.length + 1; size += 1) {
        const batches = await read(ms(1), ms(5), size);
        expect(batches.flat().map((e) => e.id)).toEqual(expected);
        expect(batches.map((b) => b.length)).toEqual(
          Array.from({ length: Math.ceil(expected.length / size) }, (_, i) =>
            Math.min(size, expected.length - i * size),
          ),
        );
      }
      expect((await read(ms(1), ms(5), 3)).flat().map((e) => e.at.getTime() - t0.getTime())).toEqual([
        1, 2, 2, 2, 2, 2, 2, 2, 3,
      ]);
      expect(await read(ms(6), ms(9), 2)).toEqual([]);
      expect(await repo.metricEvents(db, ms(2), ms(2))).toEqual([]);
    });

    it('runs a query per batch: an event committed between two batches, after the last one read, is read', async () => {
      const ids = await tiedLog();
      const h = await handoff();
      const batches = repo.metricEventBatches(db, t0, ms(10), 4);
      const firstBatch = await batches.next();
      expect(firstBatch.done === false && firstBatch.value.map((e) => e.id)).toEqual(ids.slice(0, 4));
      // While the reader waits between batches, a write commits (on SQLite, a statement left open would also keep
      // the reader on its old snapshot).
      const [late] = await log([{ handoffId: h, type: 'accepted', at: ms(4) }]);
      const rest: number[] = [];
      for await (const batch of batches) rest.push(...batch.map((e) => e.id));
      expect(rest).toEqual([...ids.slice(4, -1), late, ids.at(-1)]);
    });
  });

  it('lists the requests for help made in [from, to), with their partner and who took them', async () => {
    const request = (sourceViewId: string, createdAt: Date, over: { claimedByUserId?: string } = {}) => ({
      sourceViewId,
      requestedByUserId: `U0${sourceViewId}`,
      requestedByTeamId: 'T0INTERNAL',
      accountName: 'Northwind Logistics',
      accountKey: 'northwind logistics',
      ask: 'An intro, please.',
      status: over.claimedByUserId ? ('claimed' as const) : ('open' as const),
      claimedByUserId: over.claimedByUserId ?? null,
      claimedAt: over.claimedByUserId ? createdAt : null,
      createdAt,
    });
    await db.transaction((tx) =>
      tx.insert(tablesOf(tx).helpRequests).values(
        [
          request('BEFORE', ms(-1)),
          {
            ...request('FROM', t0, { claimedByUserId: 'U0PAM' }),
            partnerKey: 'meridian',
            partnerOrg: 'Meridian',
          },
          request('INSIDE', ms(5)),
          request('TO', ms(10)),
        ].map((row) => ownRow(tx, row)),
      ),
    );
    const found = await repo.helpRequestsIn(db, t0, ms(10));
    expect([...found].sort((a, b) => a.requestedByUserId.localeCompare(b.requestedByUserId))).toEqual([
      {
        requestedByUserId: 'U0FROM',
        partnerKey: 'meridian',
        partnerOrg: 'Meridian',
        claimedByUserId: 'U0PAM',
      },
      { requestedByUserId: 'U0INSIDE', partnerKey: null, partnerOrg: null, claimedByUserId: null },
    ]);
    expect(await repo.helpRequestsIn(db, ms(11), ms(20))).toEqual([]);
  });
});
