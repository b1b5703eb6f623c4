import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTransition } from '../../src/core/lifecycle.js';
import type { AppDatabase } from '../../src/db/client.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { logEvent } from '../../src/db/repositories/events.js';
import { recordDecision } from '../../src/db/repositories/handoffs.js';
import { type HandoffRow, handoffEvents, handoffs } from '../../src/db/schema.js';
import type { Db } from '../../src/db/types.js';
import type { LifecycleEvent } from '../../src/domain/lifecycle.js';
import type { Stats } from '../../src/domain/metrics.js';
import { createMetrics } from '../../src/revops/metrics.js';
import { TestClock } from '../support/clock.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { freshDatabase } from '../support/unitrest-freshDatabase.js';

/**
 * Windows that end without an answer and without expiring: by a reassignment or a withdrawal. Such a window is
 * neither an answered window nor silence: it is not in W (docs/revops.md, "The trust metrics"). The touch log is written
 * here by the real transitions (core/lifecycle.ts applyTransition, recordDecision for decisions, with their
 * guards), and read back through the metrics service (metric_facts, kept by the trigger, is the join of the log's
 * metric events with their handoffs: metricFacts.property.test.ts).
 *
 * November 2026 (UTC), by hand:
 * H1 sent to A1 Mon 2 10:00; reassigned to A2 Tue 3 (A1's window ends: not in W); A1's stale Accept is refused;
 *    A2 accepts Wed 4 (5 h).
 * H2 sent to A1 Mon 2 11:00; withdrawn Tue 3 (not in W); a sweep that read it before, still open and past due,
 *    cannot expire it Fri 6.
 * H3 sent to A2 Thu 5; expired Sun 8 (silence: E); the owner extends (the window reopens) Mon 9 and withdraws
 *    it Tue 10 before the late answer (the reopened window is not in W); a stale Accept is refused.
 * H4 sent to A3 Fri 6; reassigned to A1 Sat 7, then to A2 Sun 8, then withdrawn Mon 9: three windows, none in W;
 *    a sweep holding the row of A1's window cannot expire it.
 *
 * Overall: sent 4; AE requests 4 sends + 3 reassignments (H1→A2, H4→A1, H4→A2) = 7; W = 1 accepted (H1 by A2) +
 * 0 declined + 1 expired (H3) = 2; answers 1: acceptance 1 of 1, silence 1 of 2; time to decision [5].
 * A1: sent H1, H2 = 2; requests 2 + H4→A1 = 3; W 0 (each window ended by a reassignment or a withdrawal).
 * A2: sent H3 = 1; requests 1 + H1→A2 + H4→A2 = 3; accepted H1, expired H3: W 2, acceptance 1/1, silence 1/2.
 * A3: sent H4 = 1; requests 1; W 0.
 */

const at = (day: number, hour = 10) => new Date(Date.UTC(2026, 10, day, hour));
const from = at(1, 0);
const to = at(16, 0);
const OWNER = { userId: 'U0AUTHOR', teamId: 'T0INTERNAL' };

let database: AppDatabase;
/** The database as its one installation sees it. */
let db: Db;

beforeAll(() => {
  database = freshDatabase('metrics-window-ends-');
  db = firstInstallationOf(database.db);
});
afterAll(() => database.close());

const current = (h: HandoffRow) =>
  db.select().from(handoffs).where(eq(handoffs.id, h.id)).get() as HandoffRow;

function send(ae: string, sentAt: Date, view: string): Promise<HandoffRow> {
  return db.transaction(async (tx) => {
    const row = tx
      .insert(handoffs)
      .values(
        sentHandoffRow(sentAt, { sourceViewId: view, aeUserId: ae, aeName: ae, partnerKey: 'meridian' }),
      )
      .returning()
      .get();
    await logEvent(tx, { type: 'sent', before: null, after: row, actor: OWNER, at: sentAt });
    return row;
  });
}

/** The metrics are all this file reads: no feature hears of the changes (no followers, no CRM). */
const NO_HEARERS = [] as const;

/** One owner or sweep transition, as the services apply it; undefined when its guard refused it. */
function apply(
  event: Exclude<LifecycleEvent, 'accept' | 'decline'>,
  before: HandoffRow,
  when: Date,
  change: Partial<HandoffRow> = {},
): Promise<HandoffRow | undefined> {
  return db.transaction(
    async (tx) =>
      (
        await applyTransition(
          tx,
          {
            event,
            before,
            actor: event === 'expire' ? null : OWNER,
            at: when,
            change,
          },
          NO_HEARERS,
        )
      )?.handoff,
  );
}

const reassign = (before: HandoffRow, ae: string, when: Date) =>
  apply('reassign', before, when, {
    aeUserId: ae,
    aeName: ae,
    assignment: before.assignment + 1,
    cycle: before.cycle + 1,
    decidedAt: null,
    expiredAt: null,
    dueAt: new Date(when.getTime() + 3 * 86_400_000),
  });
const withdraw = (before: HandoffRow, when: Date) =>
  apply('withdraw', before, when, { withdrawnAt: when, nextReminderAt: null });
const expire = (before: HandoffRow, when: Date) =>
  apply('expire', before, when, { expiredAt: when, nextReminderAt: null });
const extend = (before: HandoffRow, when: Date) =>
  apply('extend', before, when, {
    cycle: before.cycle + 1,
    expiredAt: null,
    dueAt: new Date(when.getTime() + 3 * 86_400_000),
  });

/** The AE accepts, as core/handoffs.ts records it (the decision's own guarded statement). */
function accept(before: HandoffRow, when: Date, hours: number): Promise<HandoffRow | undefined> {
  return db.transaction(async (tx) => {
    const actor = { userId: before.aeUserId, teamId: 'T0INTERNAL' };
    return (
      await applyTransition(
        tx,
        {
          event: 'accept',
          before,
          actor,
          at: when,
          change: {},
          update: async (inner, guard) =>
            (
              await recordDecision(inner, {
                handoffId: before.id,
                decision: 'accepted',
                reasonCode: null,
                note: null,
                actor,
                at: when,
                cycle: guard.cycle,
              })
            )?.handoff,
          businessHours: hours,
        },
        NO_HEARERS,
      )
    )?.handoff;
  });
}

async function seed() {
  const h1 = await send('A1', at(2), 'V1');
  const h2 = await send('A1', at(2, 11), 'V2');
  const h1A2 = (await reassign(h1, 'A2', at(3))) as HandoffRow;
  // A1 clicks Accept on the DM they still have: their window ended with the reassignment.
  expect(await accept(h1, at(3, 12), 2)).toBeUndefined();
  expect((await accept(h1A2, at(4), 5))?.status).toBe('accepted');

  const h2Read = current(h2);
  expect((await withdraw(h2, at(3, 11)))?.status).toBe('withdrawn');
  // The sweep read H2 while it was still open; its window would have passed by Friday: nothing expires.
  expect(await expire(h2Read, at(6, 11))).toBeUndefined();

  const h3 = await send('A2', at(5), 'V3');
  const h3Expired = (await expire(h3, at(8))) as HandoffRow;
  const h3Reopened = (await extend(h3Expired, at(9))) as HandoffRow;
  expect((await withdraw(h3Reopened, at(10)))?.status).toBe('withdrawn');
  expect(await accept(h3Reopened, at(10, 12), 30)).toBeUndefined();

  const h4 = await send('A3', at(6), 'V4');
  const h4A1 = (await reassign(h4, 'A1', at(7))) as HandoffRow;
  const h4A2 = (await reassign(h4A1, 'A2', at(8, 12))) as HandoffRow;
  expect(await expire(h4A1, at(10, 11))).toBeUndefined();
  expect((await withdraw(h4A2, at(9, 12)))?.status).toBe('withdrawn');
  return { h1, h2, h3, h4 };
}

/** A group's counts and rates, in one line. */
const counts = (s: Stats | undefined) =>
  `sent ${s?.sent} requests ${s?.requests} accepted ${s?.accepted} declined ${s?.declined} expired ${s?.expired}` +
  ` answered ${s?.answered} W ${s?.windowsClosed} acceptance ${s?.acceptanceRate} silence ${s?.silenceRate}`;

describe('windows ended by a reassignment or a withdrawal before an answer', () => {
  it('are in the touch log, but count as requests only: W, answers and silence as computed by hand', async () => {
    const { h1, h2, h3, h4 } = await seed();
    const typesOf = (id: number) =>
      db
        .select({ type: handoffEvents.type })
        .from(handoffEvents)
        .where(eq(handoffEvents.handoffId, id))
        .all()
        .map((r) => r.type);
    expect(typesOf(h1.id)).toEqual(['sent', 'reassigned', 'accepted']);
    expect(typesOf(h2.id)).toEqual(['sent', 'withdrawn']);
    expect(typesOf(h3.id)).toEqual(['sent', 'expired', 'extended', 'withdrawn']);
    expect(typesOf(h4.id)).toEqual(['sent', 'reassigned', 'reassigned', 'withdrawn']);

    const metrics = createMetrics({
      db,
      clock: new TestClock(to),
      timeZone: 'UTC',
      trendWeeks: 12,
    });
    const m = await metrics.program(from, to);
    expect(counts(m.overall)).toBe(
      'sent 4 requests 7 accepted 1 declined 0 expired 1 answered 1 W 2 acceptance 1 silence 0.5',
    );
    expect([m.overall.medianHours, m.overall.p90Hours]).toEqual([5, 5]);
    // The accept is A2's, the expiry A2's: the AE of the window that ended that way.
    expect(Object.fromEntries(m.byAe.map((g) => [g.key, counts(g)]))).toEqual({
      A1: 'sent 2 requests 3 accepted 0 declined 0 expired 0 answered 0 W 0 acceptance null silence null',
      A2: 'sent 1 requests 3 accepted 1 declined 0 expired 1 answered 1 W 2 acceptance 1 silence 0.5',
      A3: 'sent 1 requests 1 accepted 0 declined 0 expired 0 answered 0 W 0 acceptance null silence null',
    });
    // The week by week trend counts the same windows: one accept and one expiry in all.
    const weeks = await metrics.trend(to);
    expect(weeks.reduce((n, w) => n + w.accepted + w.declined + w.expired, 0)).toBe(2);
  });
});
