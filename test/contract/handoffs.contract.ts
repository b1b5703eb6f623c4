import { expect, it } from 'vitest';
import { findStalled } from '../../src/db/repositories/dueTimes.js';
import * as repo from '../../src/db/repositories/handoffs.js';
import type { NewHandoffRow } from '../../src/db/schema.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { contract } from './engine.js';

export default contract('handoffs repository', ({ db, at, plus: ms, write }) => {
  let views = 0;

  const row = (over: Partial<NewHandoffRow> = {}): NewHandoffRow => {
    views += 1;
    return sentHandoffRow(at, { sourceViewId: `V${views}`, ...over });
  };
  const handoff = async (over: Partial<NewHandoffRow> = {}): Promise<repo.HandoffRow> =>
    (await write(repo.insertHandoff, row(over))).handoff;

  const decision = (h: repo.HandoffRow, over: Partial<repo.DecisionInput> = {}): repo.DecisionInput => ({
    handoffId: h.id,
    decision: 'accepted',
    reasonCode: null,
    note: null,
    actor: { userId: 'U0AE', teamId: 'T0INTERNAL' },
    at: ms(1000),
    cycle: h.cycle,
    ...over,
  });
  const decide = (input: repo.DecisionInput) => write(repo.recordDecision, input);

  it('inserts a handoff once per modal view and reads it back by id and by view', async () => {
    const input = row({ nextReminderAt: ms(5), reminderSchedule: [1, 2.5], partnerAgreedInWriting: false });
    const first = await write(repo.insertHandoff, input);
    expect(first.created).toBe(true);
    expect(first.handoff).toMatchObject({
      sourceViewId: input.sourceViewId,
      status: 'sent',
      assignment: 1,
      cycle: 1,
      editCount: 0,
      partnerAgreedInWriting: false,
      reminderSchedule: [1, 2.5],
      nextReminderAt: ms(5),
      sentAt: at,
      dueAt: ms(3 * 86_400_000),
      decidedAt: null,
    });
    const again = await write(repo.insertHandoff, { ...input, accountName: 'Someone else' });
    expect(again).toEqual({ handoff: first.handoff, created: false });
    expect(await repo.findHandoff(db, first.handoff.id)).toEqual(first.handoff);
    expect(await repo.findBySourceView(db, input.sourceViewId)).toEqual(first.handoff);
    expect(await repo.findHandoff(db, 9999)).toBeUndefined();
    expect(await repo.findBySourceView(db, 'VNONE')).toBeUndefined();
    const other = await handoff({ partnerAgreedInWriting: true });
    expect(other.id).toBeGreaterThan(first.handoff.id);
    expect(other.partnerAgreedInWriting).toBe(true);
  });

  it('records an accept once: the deal clock starts and the window moves on', async () => {
    const h = await handoff({ nextReminderAt: ms(500), nextEscalationAt: ms(700), stallNudgedAt: ms(-5) });
    const result = await decide(decision(h, { nextStallNudgeAt: ms(86_400_000) }));
    // Nothing is due for it any more: its reminder and escalation times are cleared (out of the sweep's indexes).
    expect(result?.handoff).toEqual({
      ...h,
      status: 'accepted',
      decidedAt: ms(1000),
      nextReminderAt: null,
      nextEscalationAt: null,
      cycle: h.cycle + 1,
      updatedAt: ms(1000),
      lastActivityAt: ms(1000),
      nextStallNudgeAt: ms(86_400_000),
      stallNudgedAt: null,
    });
    expect(result?.decision).toEqual({
      installationId: 1,
      id: expect.any(Number),
      handoffId: h.id,
      assignment: 1,
      decision: 'accepted',
      reasonCode: null,
      note: null,
      decidedByUserId: 'U0AE',
      decidedByTeamId: 'T0INTERNAL',
      decidedAt: ms(1000),
    });
    expect(await repo.findHandoff(db, h.id)).toEqual(result?.handoff);
    expect(await repo.findDecision(db, h.id, 1)).toEqual(result?.decision);
    expect(await repo.findDecision(db, h.id, 2)).toBeUndefined();
    // The second click (same window) and a decline after it change nothing.
    expect(await decide(decision(h))).toBeUndefined();
    expect(await decide(decision(h, { decision: 'declined', reasonCode: 'wrong_owner' }))).toBeUndefined();
    expect(await repo.findHandoff(db, h.id)).toEqual(result?.handoff);
  });

  it('records an accept without a stall nudge as null, and a decline without the deal clock', async () => {
    const h = await handoff({ lastActivityAt: ms(-7), nextStallNudgeAt: ms(7) });
    const accepted = await decide(decision(h));
    expect(accepted?.handoff.nextStallNudgeAt).toBeNull();
    expect(accepted?.handoff.lastActivityAt).toEqual(ms(1000));

    const d = await handoff({ assignment: 2, lastActivityAt: ms(-7), nextStallNudgeAt: ms(7) });
    const declined = await decide(
      decision(d, { decision: 'declined', reasonCode: 'wrong_owner', note: 'Not mine.', at: ms(2000) }),
    );
    expect(declined?.handoff).toMatchObject({
      status: 'declined',
      decidedAt: ms(2000),
      cycle: d.cycle + 1,
      lastActivityAt: ms(-7),
      nextStallNudgeAt: ms(7),
    });
    expect(declined?.decision).toMatchObject({
      assignment: 2,
      decision: 'declined',
      reasonCode: 'wrong_owner',
      note: 'Not mine.',
    });
    expect(await repo.findDecision(db, d.id, 2)).toEqual(declined?.decision);
  });

  it('refuses a decision for another window, another status or an older packet version', async () => {
    const h = await handoff({ editCount: 2 });
    expect(await decide(decision(h, { cycle: h.cycle + 1 }))).toBeUndefined();
    expect(await decide(decision(h, { editCount: 1 }))).toBeUndefined();
    const withdrawn = await handoff({ status: 'withdrawn' });
    expect(await decide(decision(withdrawn))).toBeUndefined();
    expect(await repo.findDecision(db, h.id, 1)).toBeUndefined();
    expect(await repo.findHandoff(db, h.id)).toEqual(h);
    expect((await decide(decision(h, { editCount: 2 })))?.handoff.status).toBe('accepted');
  });

  it('finds expiring, remindable and stalled handoffs, in order and up to the limit', async () => {
    const now = ms(10 * 86_400_000);
    const late = await handoff({ dueAt: ms(2000) });
    const early = await handoff({ dueAt: ms(1000) });
    const exact = await handoff({ dueAt: now });
    await handoff({ dueAt: ms(10 * 86_400_000 + 1) });
    await handoff({ status: 'accepted', dueAt: ms(0) });
    expect((await repo.findExpiring(db, now, 10)).map((h) => h.id)).toEqual([early.id, late.id, exact.id]);
    expect((await repo.findExpiring(db, now, 2)).map((h) => h.id)).toEqual([early.id, late.id]);

    const remindA = await handoff({ dueAt: ms(20 * 86_400_000), nextReminderAt: ms(500) });
    const remindB = await handoff({ dueAt: ms(20 * 86_400_000), nextReminderAt: ms(100) });
    const remindNow = await handoff({ dueAt: ms(20 * 86_400_000), nextReminderAt: now });
    await handoff({ dueAt: ms(20 * 86_400_000), nextReminderAt: ms(10 * 86_400_000 + 1) });
    await handoff({ dueAt: now, nextReminderAt: ms(50) }); // its window is over: expiring, not remindable
    await handoff({ status: 'accepted', dueAt: ms(20 * 86_400_000), nextReminderAt: ms(50) });
    expect((await repo.findRemindable(db, now, 10)).map((h) => h.id)).toEqual([
      remindB.id,
      remindA.id,
      remindNow.id,
    ]);
    expect((await repo.findRemindable(db, now, 1)).map((h) => h.id)).toEqual([remindB.id]);

    const stallA = await handoff({ status: 'accepted', nextStallNudgeAt: ms(300) });
    const stallB = await handoff({ status: 'accepted', nextStallNudgeAt: ms(200) });
    await handoff({ status: 'accepted', nextStallNudgeAt: ms(10 * 86_400_000 + 1) });
    await handoff({ status: 'accepted' });
    await handoff({ status: 'declined', nextStallNudgeAt: ms(1) });
    expect((await findStalled(db, now, 10)).map((h) => h.id)).toEqual([stallB.id, stallA.id]);
    expect((await findStalled(db, now, 1)).map((h) => h.id)).toEqual([stallB.id]);
    expect(await findStalled(db, ms(0), 10)).toEqual([]);
  });

  it('applies a guarded change only while every expectation still holds', async () => {
    const h = await handoff({
      nextReminderAt: ms(10),
      nextStallNudgeAt: ms(20),
      nextEscalationAt: ms(30),
      editCount: 1,
    });
    const update = (guard: Parameters<typeof repo.updateIfUnchanged>[2], changes: Partial<NewHandoffRow>) =>
      write(repo.updateIfUnchanged, h.id, guard, changes);
    const base = { statuses: ['sent'] as const, cycle: h.cycle };
    const none = { riskNote: 'changed' };
    expect(await update({ ...base, statuses: ['accepted', 'declined'] }, none)).toBeUndefined();
    expect(await update({ ...base, cycle: h.cycle + 1 }, none)).toBeUndefined();
    expect(await update({ ...base, nextReminderAt: null }, none)).toBeUndefined();
    expect(await update({ ...base, nextReminderAt: ms(11) }, none)).toBeUndefined();
    expect(await update({ ...base, outcome: 'won' }, none)).toBeUndefined();
    expect(await update({ ...base, nextStallNudgeAt: ms(21) }, none)).toBeUndefined();
    expect(await update({ ...base, editCount: 0 }, none)).toBeUndefined();
    expect(await update({ ...base, nextEscalationAt: null }, none)).toBeUndefined();
    expect(await update({ ...base, nextEscalationAt: ms(31) }, none)).toBeUndefined();
    expect(await repo.findHandoff(db, h.id)).toEqual(h);

    const updated = await update(
      {
        statuses: ['accepted', 'sent'],
        cycle: h.cycle,
        nextReminderAt: ms(10),
        outcome: null,
        nextStallNudgeAt: ms(20),
        editCount: 1,
        nextEscalationAt: ms(30),
      },
      { status: 'expired', expiredAt: ms(40), nextReminderAt: null, cycle: h.cycle + 1, riskNote: 'late' },
    );
    expect(updated).toEqual({
      ...h,
      status: 'expired',
      expiredAt: ms(40),
      nextReminderAt: null,
      cycle: h.cycle + 1,
      riskNote: 'late',
    });
    expect(await repo.findHandoff(db, h.id)).toEqual(updated);

    const accepted = await handoff({ status: 'accepted', outcome: 'meeting_held' });
    const withOutcome = await write(
      repo.updateIfUnchanged,
      accepted.id,
      {
        statuses: ['accepted'],
        cycle: accepted.cycle,
        nextReminderAt: null,
        nextEscalationAt: null,
        outcome: 'meeting_held',
      },
      { outcome: 'won', partnerAgreedInWriting: false },
    );
    expect(withOutcome).toMatchObject({ outcome: 'won', partnerAgreedInWriting: false });
  });

  it('appends outcome steps and returns each as stored', async () => {
    const h = await handoff({ status: 'accepted' });
    const first = await write(repo.insertOutcome, {
      handoffId: h.id,
      outcome: 'meeting_held',
      crmOpportunity: null,
      reasonCode: null,
      note: null,
      byUserId: 'U0AE',
      at: ms(1),
    });
    const second = await write(repo.insertOutcome, {
      handoffId: h.id,
      outcome: 'lost',
      crmOpportunity: 'OPP-1',
      reasonCode: 'budget',
      note: 'No budget.',
      byUserId: 'U0OWNER',
      at: ms(2),
    });
    expect(first).toEqual({
      installationId: 1,
      id: expect.any(Number),
      handoffId: h.id,
      outcome: 'meeting_held',
      crmOpportunity: null,
      reasonCode: null,
      note: null,
      recordedByUserId: 'U0AE',
      recordedAt: ms(1),
    });
    expect(second).toEqual({
      installationId: 1,
      id: expect.any(Number),
      handoffId: h.id,
      outcome: 'lost',
      crmOpportunity: 'OPP-1',
      reasonCode: 'budget',
      note: 'No budget.',
      recordedByUserId: 'U0OWNER',
      recordedAt: ms(2),
    });
    expect(second.id).toBeGreaterThan(first.id);
  });

  it('leaves nothing of a decision whose transaction failed', async () => {
    const h = await handoff();
    await expect(
      db.transaction(async (tx) => {
        expect(await repo.recordDecision(tx, decision(h))).toBeDefined();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.findHandoff(db, h.id)).toEqual(h);
    expect(await repo.findDecision(db, h.id, 1)).toBeUndefined();
  });
});
