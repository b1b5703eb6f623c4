import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { anyInstallationOf, own, ownedBy, ownRow } from '../../src/db/owned.js';
import { handoffDueBy, installationsDueBy, nextDueAt } from '../../src/db/repositories/dueTimes.js';
import type { NewHandoffRow, OutboxRow } from '../../src/db/schema.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { contract, NEIGHBOUR } from './engine.js';

export default contract('dueTimes repository', ({ db, engine }) => {
  const sent = new Date('2026-11-20T14:00:00.123Z');
  const t = (iso: string) => new Date(iso);
  const far = t('2027-01-01T00:00:00.000Z');

  const handoff = (sourceViewId: string, over: Partial<NewHandoffRow>) =>
    db.transaction(async (tx) => {
      await tx
        .insert(tablesOf(tx).handoffs)
        .values(ownRow(tx, { ...sentHandoffRow(sent, { sourceViewId }), dueAt: far, ...over }));
    });
  const message = (dedupeKey: string, status: OutboxRow['status'], nextAttemptAt: Date) =>
    db.transaction(async (tx) => {
      await tx.insert(tablesOf(tx).outbox).values(
        ownRow(tx, {
          dedupeKey,
          channelKey: 'C0CHAN',
          method: 'chat.postMessage',
          payload: { text: 'hello' },
          status,
          attempts: 0,
          nextAttemptAt,
          createdAt: sent,
        }),
      );
    });

  it('is the earliest of an undecided window end, reminder, escalation step and deferred start, strictly after the time asked, to the millisecond', async () => {
    await handoff('V1', {
      dueAt: t('2026-11-25T14:00:00.004Z'),
      nextReminderAt: t('2026-11-24T14:00:00.003Z'),
      nextEscalationAt: t('2026-11-26T14:00:00.005Z'),
      windowStartedAt: t('2026-11-23T09:00:00.002Z'),
    });
    expect(await nextDueAt(db, sent)).toEqual(t('2026-11-23T09:00:00.002Z'));
    expect(await nextDueAt(db, t('2026-11-23T09:00:00.001Z'))).toEqual(t('2026-11-23T09:00:00.002Z'));
    expect(await nextDueAt(db, t('2026-11-23T09:00:00.002Z'))).toEqual(t('2026-11-24T14:00:00.003Z'));
    expect(await nextDueAt(db, t('2026-11-24T14:00:00.003Z'))).toEqual(t('2026-11-25T14:00:00.004Z'));
    expect(await nextDueAt(db, t('2026-11-25T14:00:00.004Z'))).toEqual(t('2026-11-26T14:00:00.005Z'));
    expect(await nextDueAt(db, t('2026-11-26T14:00:00.005Z'))).toBeUndefined();
  });

  it('takes the earliest over several handoffs', async () => {
    await handoff('V1', { dueAt: t('2026-11-25T14:00:00.000Z') });
    await handoff('V2', { dueAt: t('2026-11-24T10:00:00.000Z') });
    await handoff('V3', { dueAt: t('2026-11-26T14:00:00.000Z') });
    expect(await nextDueAt(db, sent)).toEqual(t('2026-11-24T10:00:00.000Z'));
    expect(await nextDueAt(db, t('2026-11-24T10:00:00.000Z'))).toEqual(t('2026-11-25T14:00:00.000Z'));
  });

  it('ignores the window end, reminders and deferred start of a decided handoff, but not its escalation step or stall nudge (accepted only)', async () => {
    await handoff('V1', {
      status: 'accepted',
      dueAt: t('2026-11-21T14:00:00.000Z'),
      nextReminderAt: t('2026-11-21T15:00:00.000Z'),
      windowStartedAt: t('2026-11-21T16:00:00.000Z'),
      nextEscalationAt: t('2026-11-23T14:00:00.000Z'),
      nextStallNudgeAt: t('2026-11-22T14:00:00.000Z'),
    });
    // A stall nudge counts for accepted handoffs only.
    await handoff('V2', { status: 'sent', nextStallNudgeAt: t('2026-11-22T13:00:00.000Z') });
    await handoff('V3', { status: 'declined', nextStallNudgeAt: t('2026-11-22T13:30:00.000Z') });
    expect(await nextDueAt(db, sent)).toEqual(t('2026-11-22T14:00:00.000Z'));
    expect(await nextDueAt(db, t('2026-11-22T14:00:00.000Z'))).toEqual(t('2026-11-23T14:00:00.000Z'));
    expect(await nextDueAt(db, t('2026-11-23T14:00:00.000Z'))).toEqual(far);
  });

  it('is nothing for an empty database; takes the next attempt of pending outbox messages only', async () => {
    expect(await nextDueAt(db, sent)).toBeUndefined();
    await message('m1', 'delivered', t('2026-11-21T00:00:00.000Z'));
    await message('m2', 'dead', t('2026-11-21T01:00:00.000Z'));
    await message('m3', 'cancelled', t('2026-11-21T02:00:00.000Z'));
    expect(await nextDueAt(db, sent)).toBeUndefined();
    await message('m4', 'pending', t('2026-11-21T03:00:00.999Z'));
    await message('m5', 'pending', t('2026-11-20T13:00:00.000Z'));
    expect(await nextDueAt(db, sent)).toEqual(t('2026-11-21T03:00:00.999Z'));
    await handoff('V1', { dueAt: t('2026-11-21T03:00:00.998Z') });
    expect(await nextDueAt(db, sent)).toEqual(t('2026-11-21T03:00:00.998Z'));
  });

  it('says a handoff has something due by a time: each due time, to the millisecond, of the handoffs it concerns', async () => {
    // Issue 56: the sweep's tick asks this before it claims its slot.
    expect(await handoffDueBy(db, far)).toBe(false);
    await handoff('V1', { nextReminderAt: t('2026-11-24T14:00:00.003Z') });
    expect(await handoffDueBy(db, t('2026-11-24T14:00:00.002Z'))).toBe(false);
    expect(await handoffDueBy(db, t('2026-11-24T14:00:00.003Z'))).toBe(true);
    // Each kind of due time, alone on an otherwise quiet handoff of its own status.
    const kinds: [NonNullable<NewHandoffRow['status']>, Partial<NewHandoffRow>][] = [
      ['sent', { pauseEndsAt: t('2026-11-22T00:00:00.000Z') }],
      ['expired', { nextEscalationAt: t('2026-11-22T00:00:00.000Z') }],
      ['accepted', { nextStallNudgeAt: t('2026-11-22T00:00:00.000Z') }],
      ['accepted', { nextStepCheckAt: t('2026-11-22T00:00:00.000Z') }],
    ];
    for (const [k, [status, over]] of kinds.entries()) {
      await handoff(`K${k}`, { status, ...over });
      expect(await handoffDueBy(db, t('2026-11-21T23:59:59.999Z')), `${status} ${Object.keys(over)}`).toBe(
        false,
      );
      expect(await handoffDueBy(db, t('2026-11-22T00:00:00.000Z')), `${status} ${Object.keys(over)}`).toBe(
        true,
      );
      await db.transaction((tx) => {
        const { handoffs } = tablesOf(tx);
        return tx.delete(handoffs).where(and(own(tx, handoffs), eq(handoffs.sourceViewId, `K${k}`)));
      });
    }
  });

  it('does not count a window’s start (a sent handoff’s is its send), what a decided handoff no longer waits for, nor the outbox', async () => {
    await handoff('V0', { windowStartedAt: t('2026-11-20T14:00:00.000Z') });
    await handoff('V1', {
      status: 'declined',
      dueAt: t('2026-11-21T14:00:00.000Z'),
      nextReminderAt: t('2026-11-21T15:00:00.000Z'),
      nextStallNudgeAt: t('2026-11-21T16:00:00.000Z'),
      nextStepCheckAt: t('2026-11-21T17:00:00.000Z'),
      // An escalation step of a status the escalations do not act in (db/repositories/escalation.ts).
      nextEscalationAt: t('2026-11-21T18:00:00.000Z'),
    });
    await message('m1', 'pending', t('2026-11-21T00:00:00.000Z'));
    expect(await handoffDueBy(db, t('2026-11-22T00:00:00.000Z'))).toBe(false);
  });

  it('names every installation with a handoff due by a time, in one read across installations', async () => {
    const all = anyInstallationOf(db);
    const due = async (by: string) =>
      [...(await installationsDueBy(all, t(by))).keys()].sort((a, b) => a - b);
    expect(await due('2027-06-01T00:00:00.000Z')).toEqual([]);
    await handoff('V1', { nextReminderAt: t('2026-11-24T14:00:00.003Z') });
    // Another installation's, due a day later; and one whose handoff waits for nothing the sweep does.
    const other = ownedBy(all, 77);
    await other.transaction((tx) =>
      tx.insert(tablesOf(tx).handoffs).values(
        ownRow(tx, {
          ...sentHandoffRow(sent, { sourceViewId: 'V1' }),
          dueAt: t('2026-11-25T14:00:00.003Z'),
        }),
      ),
    );
    await ownedBy(all, 78).transaction((tx) =>
      tx.insert(tablesOf(tx).handoffs).values(
        ownRow(tx, {
          ...sentHandoffRow(sent, { sourceViewId: 'V1' }),
          status: 'declined',
          dueAt: t('2026-11-21T14:00:00.000Z'),
        }),
      ),
    );
    // The neighbour installation of the contract's second run holds a twin of each of this one's rows.
    const mine = engine.neighbour ? [db.installationId, NEIGHBOUR] : [db.installationId];
    expect(await due('2026-11-24T14:00:00.002Z')).toEqual([]);
    expect(await due('2026-11-24T14:00:00.003Z')).toEqual(mine);
    expect(await due('2026-11-25T14:00:00.003Z')).toEqual([...mine, 77]);
    // With each one's earliest time due.
    const earliest = await installationsDueBy(all, t('2026-11-26T00:00:00.000Z'));
    expect(earliest.get(db.installationId)).toBe(t('2026-11-24T14:00:00.003Z').getTime());
    expect(earliest.get(77)).toBe(t('2026-11-25T14:00:00.003Z').getTime());
    // What each installation's own read says, the same.
    expect(await handoffDueBy(other, t('2026-11-25T14:00:00.002Z'))).toBe(false);
    expect(await handoffDueBy(other, t('2026-11-25T14:00:00.003Z'))).toBe(true);
  });
});
