import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/partnerThreads.js';
import type { NewHandoffRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { addEvent, addHandoff } from './seed.js';

export default contract('partnerThreads repository', ({ db, at, plus, write }) => {
  const handoff = (over: Partial<NewHandoffRow> = {}) => addHandoff(db, at, over);

  type EventOver = {
    type?: 'edited' | 'accepted' | 'sent';
    aeUserId?: string;
    actorUserId?: string | null;
    detail?: Record<string, unknown> | null;
  };
  const event = (handoffId: number, over: EventOver = {}) =>
    addEvent(db, {
      handoffId,
      type: over.type ?? 'edited',
      actorUserId: over.actorUserId === undefined ? 'U0AUTHOR' : over.actorUserId,
      actorTeamId: 'T0INTERNAL',
      aeUserId: over.aeUserId ?? 'U0AE',
      at,
      detail: over.detail ?? null,
    });

  it('reads a handoff’s partner thread in one: its decisions and outcome steps oldest first, to the millisecond, its parent', async () => {
    const id = await handoff();
    const other = await handoff();
    const parentKey = `handoff:${id}:partner`;
    const empty = { posted: false, parentStatus: undefined, decisions: [], outcomes: [] };
    expect(await repo.partnerThreadRecord(db, id, parentKey)).toEqual(empty);
    const decided = (
      handoffId: number,
      assignment: number,
      decision: 'accepted' | 'declined',
      by = 'U0AE',
    ) => ({
      handoffId,
      assignment,
      decision,
      decidedByUserId: by,
      decidedByTeamId: 'T0INTERNAL',
      decidedAt: assignment === 2 ? plus(1) : at,
    });
    await db.transaction(async (tx) => {
      const { decisions, outcomes } = tablesOf(tx);
      await tx
        .insert(decisions)
        .values(
          [
            { ...decided(id, 1, 'declined'), reasonCode: 'wrong_owner', note: 'busy' },
            decided(other, 1, 'accepted'),
            decided(id, 2, 'accepted', 'U0AE2'),
          ].map((r) => ownRow(tx, r)),
        );
      await tx.insert(outcomes).values(
        [
          { handoffId: id, outcome: 'meeting_held' as const, recordedByUserId: 'U0AE2', recordedAt: plus(2) },
          {
            handoffId: other,
            outcome: 'lost' as const,
            reasonCode: 'no_budget',
            recordedByUserId: 'U0AE',
            recordedAt: at,
          },
          {
            handoffId: id,
            outcome: 'lost' as const,
            reasonCode: 'no_budget',
            note: 'internal',
            crmOpportunity: '006X',
            recordedByUserId: 'U0AE2',
            recordedAt: plus(3),
          },
        ].map((r) => ownRow(tx, r)),
      );
    });
    const record = await repo.partnerThreadRecord(db, id, parentKey);
    expect(record).toEqual({
      posted: false,
      parentStatus: undefined,
      decisions: [
        { id: expect.any(Number), assignment: 1, decision: 'declined', reasonCode: 'wrong_owner' },
        { id: expect.any(Number), assignment: 2, decision: 'accepted', reasonCode: null },
      ],
      outcomes: [
        { id: expect.any(Number), outcome: 'meeting_held', reasonCode: null, recordedAt: plus(2) },
        { id: expect.any(Number), outcome: 'lost', reasonCode: 'no_budget', recordedAt: plus(3) },
      ],
    });
    expect(record.decisions[0]?.id).toBeLessThan(record.decisions[1]?.id ?? 0);
    expect(record.outcomes[0]?.id).toBeLessThan(record.outcomes[1]?.id ?? 0);
    const others = await repo.partnerThreadRecord(db, other, `handoff:${other}:partner`);
    expect(others.decisions.map((d) => d.decision)).toEqual(['accepted']);
    expect(others.outcomes.map((o) => [o.outcome, o.recordedAt])).toEqual([['lost', at]]);

    // The parent: the newest outbox row recorded under its key gives the status; once posted, it is remembered.
    const row = (dedupeKey: string, status: 'dead' | 'pending') => ({
      dedupeKey,
      channelKey: 'C0PARTNER',
      method: 'chat.postMessage' as const,
      payload: { text: 'parent' },
      recordAs: parentKey,
      handoffId: id,
      status,
      attempts: 0,
      nextAttemptAt: at,
      scheduledAt: at,
      createdAt: at,
    });
    await db.transaction((tx) => tx.insert(tablesOf(tx).outbox).values(ownRow(tx, row('p:1', 'pending'))));
    expect((await repo.partnerThreadRecord(db, id, parentKey)).parentStatus).toBe('pending');
    await db.transaction(async (tx) => {
      const { outbox } = tablesOf(tx);
      await tx
        .update(outbox)
        .set({ status: 'dead' })
        .where(and(own(tx, outbox), eq(outbox.dedupeKey, 'p:1')));
    });
    expect((await repo.partnerThreadRecord(db, id, parentKey)).parentStatus).toBe('dead');
    await db.transaction((tx) => tx.insert(tablesOf(tx).outbox).values(ownRow(tx, row('p:2', 'pending'))));
    expect((await repo.partnerThreadRecord(db, id, parentKey)).parentStatus).toBe('pending');
    expect((await repo.partnerThreadRecord(db, id, 'handoff:elsewhere')).parentStatus).toBeUndefined();
    await db.transaction((tx) =>
      tx.insert(tablesOf(tx).postedMessages).values(
        ownRow(tx, {
          messageKey: parentKey,
          channelId: 'C0PARTNER',
          ts: '1.1',
          handoffId: id,
          postedAt: at,
        }),
      ),
    );
    expect(await repo.partnerThreadRecord(db, id, parentKey)).toMatchObject({
      posted: true,
      parentStatus: 'pending',
    });
    expect((await repo.partnerThreadRecord(db, other, parentKey)).decisions).toHaveLength(1);
    // Inside a transaction too (the same prepared query).
    const inTx = await write(repo.partnerThreadRecord, id, parentKey);
    expect(inTx).toMatchObject({ posted: true, parentStatus: 'pending' });
    expect(inTx.decisions).toHaveLength(2);
    expect(inTx.outcomes).toHaveLength(2);
  });

  it('reads the names a move recorded with the AE packets, null where none, and only AE packets', async () => {
    const id = await handoff();
    expect(await repo.movedFromNames(db, id)).toEqual([]);
    await db.transaction(async (tx) => {
      const surface = (key: string, kind: 'ae_packet' | 'reminder', params: Record<string, unknown>) => ({
        key,
        handoffId: id,
        kind,
        viewerUserId: 'U0AE',
        channelKey: 'U0AE',
        params,
        createdAt: at,
      });
      await tx
        .insert(tablesOf(tx).surfaces)
        .values(
          [
            surface('packet-1', 'ae_packet', {}),
            surface('packet-2', 'ae_packet', { move: { fromName: 'Jordan Seller', fromUserId: 'U0OLD' } }),
            surface('packet-3', 'ae_packet', { move: { fromUserId: 'U0OLD' } }),
            surface('reminder-1', 'reminder', { move: { fromName: 'Not A Packet' } }),
          ].map((r) => ownRow(tx, r)),
        );
    });
    expect((await repo.movedFromNames(db, id)).sort()).toEqual(['Jordan Seller', null, null].sort());
  });

  it('names every other AE the touch log names, each once', async () => {
    const id = await handoff();
    const other = await handoff();
    expect(await repo.formerAeIds(db, id, 'U0AE')).toEqual([]);
    await event(id, { aeUserId: 'U0OLD' });
    await event(id, { aeUserId: 'U0OLD' });
    await event(id, { aeUserId: 'U0AE' });
    await event(id, { aeUserId: 'U0OLDER' });
    await event(other, { aeUserId: 'U0ELSEWHERE' });
    expect((await repo.formerAeIds(db, id, 'U0AE')).sort()).toEqual(['U0OLD', 'U0OLDER']);
    expect((await repo.formerAeIds(db, id, 'U0OLD')).sort()).toEqual(['U0AE', 'U0OLDER']);
  });

  it('reads the AE’s name from their newest handoff', async () => {
    expect(await repo.latestAeName(db, 'U0AE')).toBeUndefined();
    await handoff({ aeUserId: 'U0AE', aeName: 'Old Name' });
    await handoff({ aeUserId: 'U0AE', aeName: 'New Name' });
    await handoff({ aeUserId: 'U0OTHER', aeName: 'Someone Else' });
    expect(await repo.latestAeName(db, 'U0AE')).toBe('New Name');
    expect(await repo.latestAeName(db, 'U0OTHER')).toBe('Someone Else');
  });

  it('finds who last answered about a held-back next move: edits with heldBack only, newest first', async () => {
    const id = await handoff();
    expect(await repo.heldBackAnsweredBy(db, id)).toBeUndefined();
    await event(id, { type: 'edited', actorUserId: 'U0FIRST', detail: { heldBack: 'confirmed' } });
    await event(id, { type: 'edited', actorUserId: 'U0SECOND', detail: { heldBack: { move: 'x' } } });
    // Not counted: no heldBack field, a JSON null heldBack, no detail, another type of event.
    await event(id, { type: 'edited', actorUserId: 'U0NOFIELD', detail: { fields: ['accountName'] } });
    await event(id, { type: 'edited', actorUserId: 'U0NULLED', detail: { heldBack: null } });
    await event(id, { type: 'edited', actorUserId: 'U0NODETAIL', detail: null });
    await event(id, { type: 'accepted', actorUserId: 'U0ACCEPT', detail: { heldBack: 'yes' } });
    expect(await repo.heldBackAnsweredBy(db, id)).toBe('U0SECOND');
    // And when, to the millisecond (a move answered after an outcome step still holds past it).
    expect(await repo.heldBackAnsweredAt(db, id)).toEqual(at);
    const other = await handoff();
    expect(await repo.heldBackAnsweredAt(db, other)).toBeUndefined();
    await event(other, { type: 'edited', actorUserId: null, detail: { heldBack: false } });
    expect(await repo.heldBackAnsweredBy(db, other)).toBeUndefined();
  });

  it('saves the partner’s next move as confirmed and returns the handoff as saved; nothing for a missing one', async () => {
    const id = await handoff({ partnerNextMoveConfirmed: null });
    const later = plus(60_000);
    const saved = await write(
      repo.savePartnerNextMove,
      id,
      { move: 'Call Dana.', date: '2026-12-01' },
      later,
    );
    expect(saved).toMatchObject({
      id,
      partnerNextMove: 'Call Dana.',
      partnerNextMoveDate: '2026-12-01',
      partnerNextMoveConfirmed: 'Call Dana.',
      updatedAt: later,
      createdAt: at,
      partnerAgreedInWriting: true,
    });
    const cleared = await write(repo.savePartnerNextMove, id, { move: 'Wait.', date: null }, plus(60_001));
    expect(cleared?.partnerNextMoveDate).toBeNull();
    expect(cleared?.updatedAt).toEqual(plus(60_001));
    const { handoffs } = tablesOf(db);
    const [stored] = await db.select().from(handoffs).where(own(db, handoffs));
    expect(stored).toEqual(cleared);
    expect(await write(repo.savePartnerNextMove, id + 100, { move: 'x', date: null }, at)).toBeUndefined();
  });

  it('finds accepted deals whose partner text may have changed, after an id, by id, at most limit', async () => {
    const accepted = { status: 'accepted' as const, decidedAt: at };
    const past = await handoff({ ...accepted, partnerNextMoveDate: '2026-11-20' });
    await handoff({ ...accepted, partnerNextMoveDate: '2026-11-23' }); // not before today: no
    await handoff({ ...accepted, partnerNextMoveDate: null }); // no date, never moved: no
    const moved = await handoff({ ...accepted, partnerNextMoveDate: null, assignment: 2 });
    // After a step the move can still show (issue 50 item 6): its passed date is looked at; not once won or lost.
    const stepped = await handoff({
      ...accepted,
      partnerNextMoveDate: '2026-11-01',
      outcome: 'opportunity_created',
    });
    await handoff({ ...accepted, partnerNextMoveDate: '2026-11-01', outcome: 'won' });
    await handoff({ ...accepted, partnerNextMoveDate: '2026-11-01', outcome: 'lost' });
    await handoff({ partnerNextMoveDate: '2026-11-01' }); // still sent
    const pastToo = await handoff({ ...accepted, partnerNextMoveDate: '2026-11-22', assignment: 3 });
    const ids = async (afterId: number, limit: number) =>
      (await repo.findPartnerTextToRecheck(db, '2026-11-23', afterId, limit)).map((r) => r.id);
    expect(await ids(0, 10)).toEqual([past, moved, stepped, pastToo]);
    expect(await ids(0, 2)).toEqual([past, moved]);
    expect(await ids(moved, 10)).toEqual([stepped, pastToo]);
    expect(await ids(pastToo, 10)).toEqual([]);
    const [first] = await repo.findPartnerTextToRecheck(db, '2026-11-23', 0, 1);
    expect(first?.decidedAt).toEqual(at);
    expect(first?.partnerAgreedInWriting).toBe(true);
  });

  it('finds deals taken back after the accept too (issue 51): the partner still reads "Accepted", not once withdrawn', async () => {
    const past = { partnerNextMoveDate: '2026-11-20', decidedAt: at, takenBackAt: at };
    const takenBack = await handoff({ ...past, status: 'taken_back' });
    const movedOn = await handoff({ ...past, status: 'sent', assignment: 2 });
    const declinedSince = await handoff({ ...past, status: 'declined', assignment: 2 });
    await handoff({ ...past, status: 'withdrawn' });
    await handoff({ ...past, status: 'sent', takenBackAt: null }); // never accepted: the partner knows nothing
    const ids = (await repo.findPartnerTextToRecheck(db, '2026-11-23', 0, 10)).map((r) => r.id);
    expect(ids).toEqual([takenBack, movedOn, declinedSince]);
  });
});
