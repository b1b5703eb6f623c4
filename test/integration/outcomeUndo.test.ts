import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ACTION_ID, OUTCOME_ACTION_PREFIX } from '../../src/blocks/ids.js';
import { follow } from '../../src/db/repositories/followers.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import { buttonsOf, buttonValues, dmOf, ephemeralAt, handoffRow } from '../support/ownerFlow.js';
import {
  accept,
  aeSlackUser,
  click,
  clickOutcome,
  partnerHarnesses,
  shown,
  threadReplies,
} from '../support/partnerFlow.js';
import { people } from '../support/people.js';

/**
 * Every outcome that reaches the partner asks for one confirmation and can be undone for a short while before it is
 * posted. The partner's reply waits in the outbox until the undo window ends (its due time, on the app's clock: the
 * test moves the clock, it does not sleep).
 */

const start = partnerHarnesses();
const UNDO = { OUTCOME_UNDO_SECONDS: '60' };

async function acceptedDeal(h: Harness) {
  const { handoff, dm } = await sendHandoff(h);
  await accept(h, handoff.id);
  await waitFor(() => threadReplies(h).length === 1, 8000, 'the acceptance reply');
  await quiet(h);
  return { handoff, packetTs: dm.ts };
}

const steps = async (h: Harness, id: number) =>
  h.database.db.select().from(h.tables.outcomes).where(eq(h.tables.outcomes.handoffId, id));
const partnerRow = async (h: Harness, id: number) =>
  (
    await h.database.db
      .select()
      .from(h.tables.outbox)
      .where(
        and(
          eq(h.tables.outbox.handoffId, id),
          eq(h.tables.outbox.audience, 'partner'),
          eq(h.tables.outbox.method, 'chat.postMessage'),
        ),
      )
  ).filter((r) => r.dedupeKey.includes(':outcome:') || r.dedupeKey.includes(':undone:'));
/** The AE's own notice of the step they recorded (it carries the Undo while the window is open). */
const notice = (h: Harness, id: number) =>
  dmOf(h, people.ae.id).findLast(
    (m) => shown(m).includes(`#${id}`) && shown(m).includes('recorded *Meeting held*'),
  );

describe('the undo window of an outcome', () => {
  it('asks for a confirmation on the one-click steps; holds the partner post and a follower’s DM, and Undo takes the step back before either hears it', async () => {
    const h = await start(UNDO);
    const { handoff, packetTs } = await acceptedDeal(h);
    const packet = dmOf(h, people.ae.id).find((m) => m.ts === packetTs);
    const button = ((packet?.blocks ?? []) as { type: string; elements?: Record<string, unknown>[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === `${OUTCOME_ACTION_PREFIX}meeting_held`);
    expect(button?.confirm).toMatchObject({ title: { text: 'Mark meeting held?' } });
    expect(JSON.stringify(packet?.blocks)).toContain('Mark as closed won?');

    // Mo follows it: a follower's DM of the step waits with the partner's reply, and goes with the undo.
    const mo = people.member.id;
    await h.database.db.transaction((tx) =>
      follow(tx, { handoffId: handoff.id, userId: mo, notify: 'all', at: h.clock.now() }),
    );
    const follower = () =>
      h.database.db
        .select()
        .from(h.tables.outbox)
        .where(and(eq(h.tables.outbox.handoffId, handoff.id), eq(h.tables.outbox.channelKey, mo)));

    const recordedAt = h.clock.now().getTime();
    await clickOutcome(h, 'meeting_held', handoff.id);
    const told = await waitFor(() => notice(h, handoff.id), 8000, "the AE's notice with Undo");
    await quiet(h);
    // Recorded, but the partner's reply waits for the window's end, on the app's clock.
    expect((await handoffRow(h, handoff.id)).outcome).toBe('meeting_held');
    const held = expect.objectContaining({ status: 'pending', nextAttemptAt: new Date(recordedAt + 60_000) });
    expect(await partnerRow(h, handoff.id)).toEqual([held]);
    expect(await follower()).toEqual([held]);
    expect(threadReplies(h)).toHaveLength(1);
    expect(shown(told)).toContain('You recorded *Meeting held*');
    expect(shown(told)).toContain('unless you undo it');
    expect(buttonsOf(told)).toEqual([ACTION_ID.outcomeUndo]);
    // The step was the first step done (issue 51): its checks ended with it.
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      firstStepDoneAt: new Date(recordedAt),
      stepCheck: null,
    });

    h.clock.advance(30_000);
    await click(h, ACTION_ID.outcomeUndo, buttonValues(told)[ACTION_ID.outcomeUndo] ?? '', aeSlackUser);
    await waitFor(
      async () => (await handoffRow(h, handoff.id)).outcome === null,
      8000,
      'the step taken back',
    );
    await quiet(h);
    expect(await steps(h, handoff.id)).toEqual([]);
    // Undone, it did not happen: the first step is open again, its next check planned from now (issue 51).
    const reopened = await handoffRow(h, handoff.id);
    expect(reopened.firstStepDoneAt).toBeNull();
    expect(reopened.stepCheck).toBe('reminder');
    expect(reopened.nextStepCheckAt?.getTime()).toBeGreaterThan(h.clock.now().getTime());
    expect(await partnerRow(h, handoff.id)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect(await follower()).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    const events = await h.database.db
      .select()
      .from(h.tables.handoffEvents)
      .where(eq(h.tables.handoffEvents.handoffId, handoff.id));
    expect(events.map((e) => e.type)).toEqual(['sent', 'accepted', 'meeting_held', 'outcome_undone']);
    const facts = await h.database.db
      .select()
      .from(h.tables.metricFacts)
      .where(eq(h.tables.metricFacts.handoffId, handoff.id));
    expect(facts.map((f) => f.type).sort()).toEqual(['accepted', 'sent']);
    // The notice says so, with no Undo; the AE's packet offers Meeting held again.
    const undone = dmOf(h, people.ae.id).find((m) => m.ts === told.ts);
    expect(shown(undone)).toContain('then undid it: the partner was not told');
    expect(buttonsOf(undone)).toEqual([]);
    expect(buttonsOf(dmOf(h, people.ae.id).find((m) => m.ts === packetTs))).toContain(
      `${OUTCOME_ACTION_PREFIX}meeting_held`,
    );

    // Past the window the partner and the follower still hear nothing.
    h.clock.advance(120_000);
    await quiet(h);
    expect(threadReplies(h)).toHaveLength(1);
    expect(dmOf(h, mo)).toEqual([]);
  });

  it('lets only the recorder (or an admin) undo it; posts when the window ends; Undo is then refused and the notice loses it', async () => {
    const h = await start(UNDO);
    const { handoff } = await acceptedDeal(h);
    await clickOutcome(h, 'meeting_held', handoff.id);
    const told = await waitFor(() => notice(h, handoff.id), 8000, "the AE's notice with Undo");
    const byAuthor = await click(h, ACTION_ID.outcomeUndo, buttonValues(told)[ACTION_ID.outcomeUndo] ?? '', {
      id: people.author.id,
      team_id: people.author.team_id,
    });
    expect(await ephemeralAt(h, byAuthor)).toContain('or an admin can undo it');
    await quiet(h);
    expect((await handoffRow(h, handoff.id)).outcome).toBe('meeting_held');
    expect(await partnerRow(h, handoff.id)).toEqual([expect.objectContaining({ status: 'pending' })]);
    expect(threadReplies(h)).toHaveLength(1);

    h.clock.advance(60_000);
    await waitFor(() => threadReplies(h).length === 2, 8000, 'the partner told at the window’s end');
    expect(shown(threadReplies(h)[1])).toContain('met the customer');
    await waitFor(
      () => buttonsOf(dmOf(h, people.ae.id).find((m) => m.ts === told.ts)).length === 0,
      8000,
      'the Undo taken off the notice',
    );
    const url = await click(
      h,
      ACTION_ID.outcomeUndo,
      buttonValues(told)[ACTION_ID.outcomeUndo] ?? '',
      aeSlackUser,
    );
    expect(await ephemeralAt(h, url)).toContain('can no longer be undone');
    expect((await handoffRow(h, handoff.id)).outcome).toBe('meeting_held');
  });
});
