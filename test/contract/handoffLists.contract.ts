import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/handoffLists.js';
import type { HandoffRow, NewHandoffRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { handoffRow } from './seed.js';

export default contract('handoffLists repository', ({ db, at, plus: ms, write }) => {
  const handoff = (over: Partial<NewHandoffRow> = {}) => handoffRow(db, at, over);
  const ids = (rows: readonly HandoffRow[]) => rows.map((row) => row.id);

  it('lists what an owner still has to act on: open, expired, taken back, and declines since the cut-off, newest first', async () => {
    const sent = await handoff({ ownerUserId: 'U0OWNER' });
    const expired = await handoff({ ownerUserId: 'U0OWNER', status: 'expired' });
    const oldDecline = await handoff({ ownerUserId: 'U0OWNER', status: 'declined', decidedAt: ms(-1) });
    const recentDecline = await handoff({ ownerUserId: 'U0OWNER', status: 'declined', decidedAt: at });
    await handoff({ ownerUserId: 'U0OWNER', status: 'accepted', decidedAt: at });
    await handoff({ ownerUserId: 'U0OTHER' });
    // Taken back from its AE: its owner reassigns or withdraws it.
    const takenBack = await handoff({ ownerUserId: 'U0OWNER', status: 'taken_back', takenBackAt: at });
    await handoff({ ownerUserId: 'U0OTHER', status: 'taken_back', takenBackAt: at });
    await handoff({ ownerUserId: 'U0OWNER', status: 'withdrawn' });
    const rows = await repo.findOwnedNeedingAttention(db, 'U0OWNER', 10, at);
    expect(ids(rows)).toEqual([takenBack.id, recentDecline.id, expired.id, sent.id]);
    expect(ids(rows)).not.toContain(oldDecline.id);
    expect(rows[1]?.decidedAt).toEqual(at);
    expect(rows[3]?.partnerAgreedInWriting).toBe(true);
    expect(ids(await repo.findOwnedNeedingAttention(db, 'U0OWNER', 2, at))).toEqual([
      takenBack.id,
      recentDecline.id,
    ]);
    expect(await repo.findOwnedNeedingAttention(db, 'U0NOBODY', 10, at)).toEqual([]);
  });

  it('names the installation’s accounts, each spelling once, newest first (issue 77 item 15)', async () => {
    await handoff({ accountName: 'Coho Winery' });
    await handoff({ accountName: 'Blue Yonder' });
    await handoff({ accountName: 'Coho Winery' });
    expect(await repo.knownAccountNames(db)).toEqual(['Coho Winery', 'Blue Yonder']);
  });

  it('lists the handoffs waiting for an AE, soonest due first, up to the limit', async () => {
    const later = await handoff({ dueAt: ms(2000) });
    const sooner = await handoff({ dueAt: ms(1000) });
    await handoff({ status: 'accepted' });
    await handoff({ aeUserId: 'U0AE2' });
    const rows = await repo.findAwaitingAe(db, 'U0AE', 10);
    expect(ids(rows)).toEqual([sooner.id, later.id]);
    expect(rows[0]?.dueAt).toEqual(ms(1000));
    expect(rows[0]?.sentAt).toEqual(at);
    expect(ids(await repo.findAwaitingAe(db, 'U0AE', 1))).toEqual([sooner.id]);
    expect(await repo.findAwaitingAe(db, 'U0NOBODY', 10)).toEqual([]);
  });

  it('gives an author’s latest scores, newest first, skipping unscored ones and those sent since `before`', async () => {
    await handoff({ score: 50, sentAt: ms(0) });
    await handoff({ score: 60, sentAt: ms(1) });
    await handoff({ score: null, sentAt: ms(2) });
    await handoff({ score: 70, sentAt: ms(3) });
    await handoff({ score: 80, sentAt: ms(4) });
    await handoff({ score: 99, authorUserId: 'U0OTHER' });
    expect(await repo.lastScores(db, 'U0AUTHOR')).toEqual([80, 70, 60]);
    expect(await repo.lastScores(db, 'U0AUTHOR', 10)).toEqual([80, 70, 60, 50]);
    expect(await repo.lastScores(db, 'U0AUTHOR', 10, ms(3))).toEqual([60, 50]);
    expect(await repo.lastScores(db, 'U0AUTHOR', 10, ms(4))).toEqual([70, 60, 50]);
    expect(await repo.lastScores(db, 'U0NOBODY')).toEqual([]);
  });

  it('lists deals in progress for their AE or owner: accepted, without a final outcome, newest first', async () => {
    const open = await handoff({ status: 'accepted' });
    const meeting = await handoff({ status: 'accepted', outcome: 'meeting_held', ownerUserId: 'U0OWNER' });
    const opportunity = await handoff({ status: 'accepted', outcome: 'opportunity_created' });
    await handoff({ status: 'accepted', outcome: 'won' });
    await handoff({ status: 'accepted', outcome: 'lost' });
    await handoff({ status: 'sent' });
    await handoff({ status: 'accepted', aeUserId: 'U0AE2' });
    expect(ids(await repo.findDealsInProgress(db, 'U0AE', 10))).toEqual([
      opportunity.id,
      meeting.id,
      open.id,
    ]);
    expect(ids(await repo.findDealsInProgress(db, 'U0AE', 1))).toEqual([opportunity.id]);
    expect(ids(await repo.findDealsInProgress(db, 'U0OWNER', 10))).toEqual([meeting.id]);
    expect(await repo.findDealsInProgress(db, 'U0NOBODY', 10)).toEqual([]);
  });

  it('reads a handoff’s outcomes in the order recorded, timestamps to the millisecond', async () => {
    const h = await handoff({ status: 'accepted' });
    const other = await handoff({ status: 'accepted' });
    expect(await repo.findOutcomes(db, h.id)).toEqual([]);
    await db.transaction(async (tx) => {
      const { outcomes } = tablesOf(tx);
      const base = { recordedByUserId: 'U0AE' };
      await tx
        .insert(outcomes)
        .values(ownRow(tx, { ...base, handoffId: h.id, outcome: 'meeting_held', recordedAt: ms(1) }));
      await tx
        .insert(outcomes)
        .values(ownRow(tx, { ...base, handoffId: other.id, outcome: 'won', recordedAt: ms(2) }));
      await tx.insert(outcomes).values(
        ownRow(tx, {
          handoffId: h.id,
          outcome: 'opportunity_created',
          crmOpportunity: 'OPP-1',
          note: 'internal',
          recordedByUserId: 'U0OWNER',
          recordedAt: ms(3),
        }),
      );
    });
    const rows = await repo.findOutcomes(db, h.id);
    expect(rows.map((row) => row.outcome)).toEqual(['meeting_held', 'opportunity_created']);
    expect(rows[0]).toMatchObject({ handoffId: h.id, crmOpportunity: null, recordedAt: ms(1) });
    expect(rows[1]).toMatchObject({
      crmOpportunity: 'OPP-1',
      note: 'internal',
      recordedByUserId: 'U0OWNER',
    });
    expect(rows[1]?.recordedAt).toEqual(ms(3));
    // Asked again (the prepared query, on the same connection), and inside a transaction.
    expect((await repo.findOutcomes(db, other.id)).map((row) => row.outcome)).toEqual(['won']);
    expect(await write(repo.findOutcomes, h.id)).toHaveLength(2);
  });

  it('reads every decision of the given handoffs, and none for no handoffs', async () => {
    const a = await handoff({ status: 'declined' });
    const b = await handoff({ status: 'accepted' });
    const c = await handoff({ status: 'declined' });
    await db.transaction(async (tx) => {
      const { decisions } = tablesOf(tx);
      const base = { decidedByUserId: 'U0AE', decidedByTeamId: 'T0INTERNAL' };
      await tx.insert(decisions).values(
        ownRow(tx, {
          ...base,
          handoffId: a.id,
          assignment: 1,
          decision: 'declined',
          reasonCode: 'no_clear_problem',
          note: 'why',
          decidedAt: ms(1),
        }),
      );
      await tx
        .insert(decisions)
        .values(
          ownRow(tx, { ...base, handoffId: a.id, assignment: 2, decision: 'accepted', decidedAt: ms(2) }),
        );
      await tx
        .insert(decisions)
        .values(ownRow(tx, { ...base, handoffId: b.id, decision: 'accepted', decidedAt: ms(3) }));
      await tx
        .insert(decisions)
        .values(ownRow(tx, { ...base, handoffId: c.id, decision: 'declined', decidedAt: ms(4) }));
    });
    expect(await repo.findDecisionsOf(db, [])).toEqual([]);
    const rows = await repo.findDecisionsOf(db, [a.id, b.id]);
    const sorted = [...rows].sort((x, y) => x.id - y.id);
    expect(sorted.map((row) => [row.handoffId, row.assignment, row.decision])).toEqual([
      [a.id, 1, 'declined'],
      [a.id, 2, 'accepted'],
      [b.id, 1, 'accepted'],
    ]);
    expect(sorted[0]).toMatchObject({ reasonCode: 'no_clear_problem', note: 'why', decidedAt: ms(1) });
    expect(await repo.findDecisionsOf(db, [9999])).toEqual([]);
  });

  it('lists everything an author sent, the open and won ones first, newest first within each (issue 77 item 19)', async () => {
    const won = await handoff({ status: 'accepted', outcome: 'won' });
    const a = await handoff();
    const b = await handoff({ status: 'declined', decidedAt: at });
    const lost = await handoff({ status: 'accepted', outcome: 'lost' });
    const c = await handoff({ status: 'accepted', outcome: 'meeting_held' });
    await handoff({ authorUserId: 'U0OTHER' });
    expect(ids(await repo.findSentBy(db, 'U0AUTHOR', 10))).toEqual([c.id, a.id, won.id, lost.id, b.id]);
    // A cut list keeps the won deal sent first, before newer closed ones.
    expect(ids(await repo.findSentBy(db, 'U0AUTHOR', 3))).toEqual([c.id, a.id, won.id]);
    expect(await repo.findSentBy(db, 'U0NOBODY', 10)).toEqual([]);
  });

  it('lists an AE’s won deals, newest first, up to the limit (issue 77 item 19)', async () => {
    const first = await handoff({ status: 'accepted', outcome: 'won' });
    const second = await handoff({ status: 'accepted', outcome: 'won' });
    await handoff({ status: 'accepted', outcome: 'lost' });
    await handoff({ status: 'accepted', outcome: 'won', aeUserId: 'U0AE2' });
    expect(ids(await repo.findWonBy(db, 'U0AE', 10))).toEqual([second.id, first.id]);
    expect(ids(await repo.findWonBy(db, 'U0AE', 1))).toEqual([second.id]);
  });

  it('finds the digest’s handoffs at risk: due soon, unanswered, and stalled deals, each up to the limit', async () => {
    const dueLater = await handoff({ dueAt: ms(2000) });
    const dueSoon = await handoff({ dueAt: ms(1000) });
    await handoff({ dueAt: ms(5000) });
    const expiredLate = await handoff({ status: 'expired', dueAt: ms(-1000) });
    const expiredEarly = await handoff({ status: 'expired', dueAt: ms(-2000) });
    const stalledLate = await handoff({ status: 'accepted', stallNudgedAt: at, lastActivityAt: ms(-10) });
    const stalledEarly = await handoff({
      status: 'accepted',
      outcome: 'meeting_held',
      stallNudgedAt: at,
      lastActivityAt: ms(-20),
    });
    await handoff({ status: 'accepted', outcome: 'won', stallNudgedAt: at, lastActivityAt: ms(-30) });
    await handoff({ status: 'accepted', lastActivityAt: ms(-40) });
    await handoff({ status: 'declined', stallNudgedAt: at, lastActivityAt: ms(-50) });

    const risk = await repo.findAtRisk(db, ms(5000), 10);
    expect(ids(risk.dueSoon)).toEqual([dueSoon.id, dueLater.id]);
    expect(ids(risk.unanswered)).toEqual([expiredEarly.id, expiredLate.id]);
    expect(ids(risk.stalled)).toEqual([stalledEarly.id, stalledLate.id]);
    expect(risk.stalled[0]?.lastActivityAt).toEqual(ms(-20));
    expect(risk.stalled[0]?.stallNudgedAt).toEqual(at);

    const one = await repo.findAtRisk(db, ms(5000), 1);
    expect([ids(one.dueSoon), ids(one.unanswered), ids(one.stalled)]).toEqual([
      [dueSoon.id],
      [expiredEarly.id],
      [stalledEarly.id],
    ]);
    expect((await repo.findAtRisk(db, ms(1000), 10)).dueSoon).toEqual([]);

    // Issue 77 item 14: with `idleBefore`, deals whose open first step is dated before it are candidates too, least
    // recently active first with the nudged ones; a step done, an outcome, or a later date is not.
    const idle = await handoff({
      status: 'accepted',
      firstStep: 'Intro call',
      firstStepDue: '2026-11-20',
      lastActivityAt: ms(-15),
    });
    await handoff({ status: 'accepted', firstStep: 'Intro call', firstStepDue: '2026-11-25' });
    await handoff({
      status: 'accepted',
      firstStep: 'Intro call',
      firstStepDue: '2026-11-20',
      firstStepDoneAt: at,
    });
    await handoff({
      status: 'accepted',
      outcome: 'meeting_held',
      firstStep: 'x',
      firstStepDue: '2026-11-20',
    });
    expect(ids((await repo.findAtRisk(db, ms(5000), 10, '2026-11-25')).stalled)).toEqual([
      stalledEarly.id,
      idle.id,
      stalledLate.id,
    ]);
    expect(ids((await repo.findAtRisk(db, ms(5000), 10)).stalled)).toEqual([stalledEarly.id, stalledLate.id]);
  });
});
