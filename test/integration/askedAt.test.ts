import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { acceptHandoff } from '../support/acceptFlow.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest } from '../support/harness.js';
import {
  expire,
  extendSubmission,
  handoffRow,
  openOwnerModal,
  otherAeUser,
  outboxDrained,
  QUIET,
  reassignTo,
  type SlackUser,
  submit,
} from '../support/ownerFlow.js';
import { people } from '../support/people.js';

/**
 * When the AE was asked, kept on the handoff (issue 32: the Accept read it from the touch log): set by the send and
 * by a reassignment, kept by an expiry and an extension, and the time to decision counts from it. A handoff sent
 * before it was kept (null) still reads it from the touch log.
 */
const start = harnessPerTest();

const HOUR = 3_600_000;

async function acceptedHours(h: Harness, handoffId: number, user: SlackUser): Promise<number | null> {
  expect(await acceptHandoff(h, { handoffId, user })).toEqual({});
  const { handoffEvents } = h.tables;
  const events = await h.database.db
    .select()
    .from(handoffEvents)
    .where(eq(handoffEvents.handoffId, handoffId));
  return events.find((e) => e.type === 'accepted')?.businessHours ?? null;
}

describe('asked_at: when the current AE was asked', () => {
  it('is the send; an expiry and an extension keep it, a reassignment starts it again, and the decision counts from it', async () => {
    const h = await start({ env: QUIET });
    const { handoff } = await sendHandoff(h);
    expect(handoff.askedAt?.toISOString()).toBe(handoff.sentAt.toISOString());

    await expire(h, handoff);
    const extendModal = await openOwnerModal(h, 'extend', handoff.id);
    expect(
      await submit(h, extendSubmission({ privateMetadata: extendModal.private_metadata, days: '2' })),
    ).toEqual({});
    const extended = await handoffRow(h, handoff.id);
    expect(extended.cycle).toBeGreaterThan(handoff.cycle);
    expect(extended.askedAt?.toISOString()).toBe(handoff.sentAt.toISOString());

    await expire(h, extended);
    const reassignAt = h.clock.now();
    expect(await reassignTo(h, handoff.id, people.otherAe.id, '3')).toEqual({});
    const moved = await handoffRow(h, handoff.id);
    expect(moved.assignment).toBe(2);
    expect(moved.askedAt?.toISOString()).toBe(reassignAt.toISOString());
    await outboxDrained(h);

    // Reassigned Monday 30 November at 14:00 UTC (the extended window's end), to an AE in Los Angeles, where it is
    // 06:00: their business hours start at 09:00 (17:00 UTC). An answer at 11:00 there took them two.
    expect(reassignAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    h.clock.set(new Date('2026-11-30T19:00:00Z'));
    expect(await acceptedHours(h, handoff.id, otherAeUser)).toBeCloseTo(2, 6);
  });

  it('a handoff sent before it was kept reads it from the touch log', async () => {
    const h = await start({ env: QUIET });
    const { handoff } = await sendHandoff(h);
    // Sent Monday 15:00 in Berlin, inside business hours; answered an hour later.
    const answeredAt = new Date(handoff.sentAt.getTime() + HOUR);
    // As stored before the column: no asked_at. Its sent_at is moved to the answer's time, so that only the touch
    // log's send (an hour earlier) can give the hour below; falling back to sent_at would give 0.
    await h.database.db.transaction(
      async (tx) =>
        await tx
          .update(tablesOf(tx).handoffs)
          .set({ askedAt: null, sentAt: answeredAt })
          .where(eq(tablesOf(tx).handoffs.id, handoff.id)),
    );
    h.clock.set(answeredAt);
    expect(await acceptedHours(h, handoff.id, aeUser)).toBeCloseTo(1, 6);
  });
});
