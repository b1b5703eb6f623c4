import { and, asc, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/retention.js';
import { REMOVED_TEXT } from '../../src/domain/retention.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

export default contract('retention repository', ({ db, at, write }) => {
  const DAY = 86_400_000;
  const later = (days: number) => new Date(at.getTime() + days * DAY);
  const handoff = async (id: number) => {
    const { handoffs } = tablesOf(db);
    return (
      await db
        .select()
        .from(handoffs)
        .where(and(own(db, handoffs), eq(handoffs.id, id)))
    )[0];
  };

  it('finds the closed handoffs last changed before the cut-off, oldest first, not yet marked; never an open one', async () => {
    const declined = await addHandoff(db, at, { status: 'declined', updatedAt: later(1) });
    const won = await addHandoff(db, at, { status: 'accepted', outcome: 'won', updatedAt: at });
    const expired = await addHandoff(db, at, { status: 'expired', updatedAt: later(2) });
    await addHandoff(db, at, { status: 'accepted', outcome: 'meeting_held', updatedAt: at });
    await addHandoff(db, at, { status: 'sent', updatedAt: at });
    await addHandoff(db, at, { status: 'taken_back', updatedAt: at });
    const recent = await addHandoff(db, at, { status: 'withdrawn', updatedAt: later(10) });
    expect(await repo.agedOutHandoffs(db, 'text', later(5), 10)).toEqual([won, declined, expired]);
    expect(await repo.agedOutHandoffs(db, 'text', later(5), 2)).toEqual([won, declined]);
    expect(await repo.agedOutHandoffs(db, 'detail', later(11), 10)).toEqual([won, declined, expired, recent]);
    await write(repo.removePacketText, [won, declined], later(5));
    expect(await repo.agedOutHandoffs(db, 'text', later(5), 10)).toEqual([expired]);
    // Each mark is its own: the detail's pass still finds them.
    expect(await repo.agedOutHandoffs(db, 'detail', later(5), 10)).toEqual([won, declined, expired]);
  });

  it('removes the words of a handoff and of what was written about it; its facts and its last change stay', async () => {
    const id = await addHandoff(db, at, {
      status: 'declined',
      partnerContactName: 'Ada Partner',
      riskNote: 'Ada may leave',
      updatedAt: later(1),
    });
    const other = await addHandoff(db, at, { status: 'declined', partnerContactName: 'Bo Other' });
    const t = tablesOf(db);
    await db.transaction(async (tx) => {
      await tx.insert(t.decisions).values(
        [
          [id, 'Ada said no'],
          [other, 'Bo said no'],
        ].map(([handoffId, note]) =>
          ownRow(tx, {
            handoffId: handoffId as number,
            decision: 'declined' as const,
            decidedByUserId: 'U0AE',
            decidedByTeamId: 'T0',
            assignment: 1,
            note: note as string,
            decidedAt: at,
          }),
        ),
      );
      await tx.insert(t.handoffEvents).values(
        ownRow(tx, {
          handoffId: id,
          type: 'accepted',
          toStatus: 'accepted',
          aeUserId: 'U0AE',
          assignment: 1,
          cycle: 1,
          at,
          detail: { firstStep: 'Call Ada', firstStepDue: '2026-11-30', score: 3 },
        }),
      );
    });
    const before = await handoff(id);
    await write(repo.removePacketText, [id], later(40));
    const after = await handoff(id);
    expect(after).toEqual({
      ...before,
      partnerContactName: REMOVED_TEXT,
      whyPartner: REMOVED_TEXT,
      customerTrigger: REMOVED_TEXT,
      jointValue: REMOVED_TEXT,
      warmPath: REMOVED_TEXT,
      sellerNextMove: REMOVED_TEXT,
      partnerNextMove: REMOVED_TEXT,
      partnerContactRole: null,
      riskNote: null,
      evidenceUrl: null,
      textRemovedAt: later(40),
    });
    expect(after?.updatedAt).toEqual(later(1));
    const notes = await db
      .select({ handoffId: t.decisions.handoffId, note: t.decisions.note })
      .from(t.decisions)
      .where(own(db, t.decisions));
    expect(notes.sort((a, b) => a.handoffId - b.handoffId)).toEqual([
      { handoffId: id, note: null },
      { handoffId: other, note: 'Bo said no' },
    ]);
    const [event] = await db
      .select()
      .from(t.handoffEvents)
      .where(and(own(db, t.handoffEvents), eq(t.handoffEvents.handoffId, id)));
    expect(event?.detail).toEqual({ firstStepDue: '2026-11-30', score: 3 });
    expect((await handoff(other))?.partnerContactName).toBe('Bo Other');
  });

  it("rewrites the touch log's detail to its facts and marks the handoff; the events stay", async () => {
    const id = await addHandoff(db, at, { status: 'expired' });
    const t = tablesOf(db);
    const event = (detail: Record<string, unknown> | null) => ({
      handoffId: id,
      type: 'expired' as const,
      toStatus: 'expired' as const,
      aeUserId: 'U0AE',
      assignment: 1,
      cycle: 1,
      at,
      detail,
    });
    await db.transaction((tx) =>
      tx
        .insert(t.handoffEvents)
        .values(
          [
            event({ away: 'On holiday in Crete', previousAeUserId: 'U0PREV', days: 2, reasonCode: 'timing' }),
            event(null),
            event({ to: ['U0OWNER'], policyName: 'Default' }),
          ].map((row) => ownRow(tx, row)),
        ),
    );
    await write(repo.removeTouchDetail, [id], later(60));
    const rows = await db
      .select({ detail: t.handoffEvents.detail, aeUserId: t.handoffEvents.aeUserId })
      .from(t.handoffEvents)
      .where(and(own(db, t.handoffEvents), eq(t.handoffEvents.handoffId, id)))
      .orderBy(asc(t.handoffEvents.id));
    expect(rows).toEqual([
      { detail: { away: REMOVED_TEXT, days: 2, reasonCode: 'timing' }, aeUserId: 'U0AE' },
      { detail: null, aeUserId: 'U0AE' },
      { detail: { policyName: 'Default' }, aeUserId: 'U0AE' },
    ]);
    expect((await handoff(id))?.detailRemovedAt).toEqual(later(60));
  });

  it('deletes unsent packets saved before the cut-off and removes old help requests’ asks', async () => {
    const t = tablesOf(db);
    await db.transaction(async (tx) => {
      await tx.insert(t.drafts).values(
        [
          {
            sourceViewId: 'V0OLD',
            teamId: 'T0',
            authorUserId: 'U0OLD',
            content: { why: 'old' },
            createdAt: at,
            updatedAt: at,
          },
          {
            sourceViewId: 'V0NEW',
            teamId: 'T0',
            authorUserId: 'U0NEW',
            content: { why: 'new' },
            createdAt: at,
            updatedAt: later(20),
          },
        ].map((row) => ownRow(tx, row)),
      );
      await tx.insert(t.helpRequests).values(
        ownRow(tx, {
          sourceViewId: 'V0HELP',
          requestedByUserId: 'U0AE',
          requestedByTeamId: 'T0',
          accountName: 'Acme',
          accountKey: 'acme',
          ask: 'Who knows Ada at Acme?',
          status: 'open',
          createdAt: at,
        }),
      );
    });
    expect(await write(repo.removeOldDraftsAndAsks, later(10))).toBe(2);
    expect((await db.select().from(t.drafts).where(own(db, t.drafts))).map((d) => d.authorUserId)).toEqual([
      'U0NEW',
    ]);
    expect((await db.select().from(t.helpRequests).where(own(db, t.helpRequests))).map((r) => r.ask)).toEqual(
      [REMOVED_TEXT],
    );
    // Nothing left to do: a second run changes nothing.
    expect(await write(repo.removeOldDraftsAndAsks, later(10))).toBe(0);
  });

  it('remembers shared exports once, finds those shared before the cut-off oldest first, and forgets one', async () => {
    await db.transaction(async (tx) => {
      await repo.rememberExportFile(tx, { fileId: 'F0NEW', userId: 'U0REVOPS', at: later(9) });
      await repo.rememberExportFile(tx, { fileId: 'F0OLD', userId: 'U0REVOPS', at });
      await repo.rememberExportFile(tx, { fileId: 'F0OLD', userId: 'U0REVOPS', at: later(1) });
    });
    expect(await repo.agedOutExports(db, later(5), 10)).toEqual(['F0OLD']);
    expect(await repo.agedOutExports(db, later(10), 10)).toEqual(['F0OLD', 'F0NEW']);
    await write(repo.forgetExportFile, 'F0OLD');
    expect(await repo.agedOutExports(db, later(10), 10)).toEqual(['F0NEW']);
  });
});
