import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCEPT_BLOCK_ID, ACTION_ID } from '../../src/blocks/ids.js';
import { eventsOf, logMismatches } from '../../src/db/repositories/events.js';
import type { HandoffEventRow } from '../../src/db/schema.js';
import { openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import {
  authorUser,
  clickOwnerButton,
  DUE,
  expire,
  extendSubmission,
  handoffRow,
  openOwnerModal,
  otherAeUser,
  reassignTo,
  type SlackUser,
  submit,
} from '../support/ownerFlow.js';
import {
  accept,
  aeSlackUser,
  click,
  clickOutcome,
  outcomeAction,
  recordOpportunity,
} from '../support/partnerFlow.js';
import { declineSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';
import { revopsUser, slash } from '../support/reviewFlow.js';

/**
 * The touch log (handoff_events) as the real app writes it: every state change appends one event in its own
 * transaction; the sweep's events have no actor; refused actions append nothing; history cannot be rewritten.
 */

const ENV = { SWEEP_SCHEDULE: '0 0 1 1 *', REVOPS_USER_IDS: people.member.id };
const HOUR = 3_600_000;
/** Sent Monday 2026-11-23 15:00 Berlin (14:00Z), 3 business days 09:00–17:00: first reminder Wednesday 11:00. */
const SENT_AT = '2026-11-23T14:00:00.000Z';
const HALFWAY = '2026-11-25T10:00:00.000Z';

const SHAPE = [
  'type',
  'fromStatus',
  'toStatus',
  'actorUserId',
  'actorTeamId',
  'aeUserId',
  'assignment',
  'cycle',
] as const;
type Shape = Pick<HandoffEventRow, (typeof SHAPE)[number]> & { at: string; detail: unknown };
const shape = (e: HandoffEventRow) =>
  ({
    ...Object.fromEntries(SHAPE.map((key) => [key, e[key]])),
    at: e.at.toISOString(),
    detail: e.detail,
  }) as Shape;

/**
 * One event as `shape` reads it: `by` acted (of our workspace; null for the sweep's own moves), on the handoff as it is
 * after the change (its AE, assignment and cycle).
 */
const row = (
  type: string,
  [fromStatus, toStatus]: [string | null, string],
  by: string | null,
  [aeUserId, assignment, cycle]: [string, number, number],
  at: string,
  detail: unknown,
): Shape =>
  ({
    type,
    fromStatus,
    toStatus,
    actorUserId: by,
    actorTeamId: by && TEAM,
    aeUserId,
    assignment,
    cycle,
    at,
    detail,
  }) as Shape;

const events = (h: Harness, id: number) => eventsOf(h.database.db, id);

/*
 * Every event records the handoff as it is after the change (status, AE, assignment, cycle). A decision closes its
 * window, so the handoff's cycle moves on with it (recordDecision): the accepted or declined event carries the next
 * cycle, and a later reassignment or extension one more.
 */

/**
 * Business hours are kept on decisions (time to decision), and on the first outcome step after an accept with a first
 * step (time to first step): on no other event.
 */
function expectHoursOnDecisionsOnly(log: HandoffEventRow[]) {
  const OUTCOME_STEPS = ['meeting_held', 'opportunity_created', 'won', 'lost'];
  let stepDone = true;
  for (const e of log) {
    if (e.type === 'accepted') stepDone = typeof e.detail?.firstStep !== 'string';
    const firstStepDone = OUTCOME_STEPS.includes(e.type) && !stepDone;
    if (firstStepDone) stepDone = true;
    if (e.type === 'accepted' || e.type === 'declined' || firstStepDone)
      expect(e.businessHours, e.type).not.toBeNull();
    else expect(e.businessHours, e.type).toBeNull();
  }
}

describe('the touch log', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ now: SENT_AT, env: ENV });
  });
  afterEach(() => h.stop());

  it('records a whole life: send, reminder, expiry, extension, acceptance, outcomes and a RevOps correction', async () => {
    const { handoff } = await sendHandoff(h);
    const id = handoff.id;
    expect(handoff.reminderSchedule?.[0]).toBe(Date.parse(HALFWAY));

    h.clock.set(HALFWAY);
    expect((await h.app.sweeper.sweep()).reminded).toBe(1);
    await expire(h, handoff);

    h.clock.advance(30 * 60_000);
    const extendAt = h.clock.now().toISOString();
    const modal = await openOwnerModal(h, 'extend', id);
    expect(await submit(h, extendSubmission({ privateMetadata: modal.private_metadata, days: '2' }))).toEqual(
      {},
    );

    // Thursday 16:00 Berlin: Mon 15–17 (2 h) + Tue (8 h) + Wed (8 h) + Thu 09–16 (7 h) since the send.
    h.clock.set(new Date(Date.parse(DUE) + HOUR));
    const acceptAt = h.clock.now().toISOString();
    await accept(h, id);
    await waitFor(async () => (await handoffRow(h, id)).status === 'accepted', 4000, 'accepted');

    h.clock.advance(24 * HOUR);
    const meetingAt = h.clock.now().toISOString();
    await clickOutcome(h, 'meeting_held', id);
    await waitFor(async () => (await handoffRow(h, id)).outcome === 'meeting_held', 4000, 'meeting held');
    h.clock.advance(24 * HOUR);
    const opportunityAt = h.clock.now().toISOString();
    await recordOpportunity(h, id, 'OPP-20417');
    h.clock.advance(24 * HOUR);
    const wonAt = h.clock.now().toISOString();
    await clickOutcome(h, 'won', id);
    await waitFor(async () => (await handoffRow(h, id)).outcome === 'won', 4000, 'won');

    h.clock.advance(HOUR);
    const correctedAt = h.clock.now().toISOString();
    const from = handoff.classification;
    expect(from).toBe('partner_influenced');
    expect(
      await slash(h, `classify ${id} sourced Reopened after the partner introduction.`, revopsUser),
    ).toContain(`Handoff #${id} is now *Partner-sourced*`);

    const log = await events(h, id);
    const ae = people.ae.id;
    const author = people.author.id;
    expect(log.map(shape)).toEqual([
      row('sent', [null, 'sent'], author, [ae, 1, 1], SENT_AT, {
        score: handoff.score,
        classification: 'partner_influenced',
      }),
      row('reminded', ['sent', 'sent'], null, [ae, 1, 1], HALFWAY, { reminder: 1 }),
      row('expired', ['sent', 'expired'], null, [ae, 1, 1], DUE, null),
      row('extended', ['expired', 'sent'], author, [ae, 1, 2], extendAt, { days: 2 }),
      // The first step the AE committed to (the accept modal's defaults: three business days on).
      row('accepted', ['sent', 'accepted'], ae, [ae, 1, 3], acceptAt, {
        firstStep: 'Accept the introduction and bring the demo',
        firstStepDue: '2026-12-01',
      }),
      ...(
        [
          ['meeting_held', meetingAt],
          ['opportunity_created', opportunityAt],
          ['won', wonAt],
        ] as const
      ).map(([type, at]) => row(type, ['accepted', 'accepted'], ae, [ae, 1, 3], at, null)),
      row('classification_corrected', ['accepted', 'accepted'], people.member.id, [ae, 1, 3], correctedAt, {
        from: 'partner_influenced',
        to: 'partner_sourced',
      }),
    ]);
    expectHoursOnDecisionsOnly(log);
    // Time to decision runs from the original request (the send), across the expiry and the extension.
    expect(log.find((e) => e.type === 'accepted')?.businessHours).toBeCloseTo(25, 6);
    expect(await logMismatches(h.database.db)).toEqual([]);
  });

  it('records decline → reassign → accept, each decision timed from its own request', async () => {
    const { handoff } = await sendHandoff(h);
    const id = handoff.id;

    // One business hour later (Monday 16:00 Berlin) the AE declines.
    h.clock.advance(HOUR);
    const declinedAt = h.clock.now().toISOString();
    expect(
      await submit(h, declineSubmission({ handoffId: id, reason: 'timing', note: 'Full this quarter.' })),
    ).toEqual({});
    await waitFor(async () => (await handoffRow(h, id)).status === 'declined', 4000, 'declined');

    // The owner reassigns at Monday 16:00Z = 08:00 in Los Angeles, before the new AE's day starts.
    h.clock.advance(HOUR);
    const reassignedAt = h.clock.now().toISOString();
    expect(await reassignTo(h, id, people.otherAe.id, '3')).toEqual({});

    // Tuesday 10:30 in Los Angeles: Monday 09:00–17:00 (8 h) + Tuesday 09:00–10:30 (1.5 h).
    h.clock.set('2026-11-24T18:30:00.000Z');
    const acceptedAt = h.clock.now().toISOString();
    await accept(h, id, otherAeUser);
    await waitFor(async () => (await handoffRow(h, id)).status === 'accepted', 4000, 'accepted');

    const log = await events(h, id);
    expect(log.map(shape)).toEqual([
      expect.objectContaining({
        type: 'sent',
        toStatus: 'sent',
        aeUserId: people.ae.id,
        assignment: 1,
        cycle: 1,
      }),
      row('declined', ['sent', 'declined'], people.ae.id, [people.ae.id, 1, 2], declinedAt, {
        reasonCode: 'timing',
      }),
      row('reassigned', ['declined', 'sent'], people.author.id, [people.otherAe.id, 2, 3], reassignedAt, {
        previousAeUserId: people.ae.id,
        days: 3,
      }),
      // Three business days in Sam's calendar (Los Angeles): Thanksgiving is not one.
      row('accepted', ['sent', 'accepted'], people.otherAe.id, [people.otherAe.id, 2, 4], acceptedAt, {
        firstStep: 'Accept the introduction and bring the demo',
        firstStepDue: '2026-11-30',
      }),
    ]);
    expectHoursOnDecisionsOnly(log);
    expect(log[1]?.businessHours).toBeCloseTo(1, 6);
    expect(log[3]?.businessHours).toBeCloseTo(9.5, 6);
    expect(await logMismatches(h.database.db)).toEqual([]);
  });

  // Who may act (each refusal changing nothing, handoff_events included): authorizationMatrix.test.ts; accepts
  // submitted at once, one decision and one event: races.test.ts.
  it('appends nothing for refused actions: a forged id, an owner action that no longer applies, a repeated outcome', async () => {
    const { handoff } = await sendHandoff(h);
    const id = handoff.id;
    /** Clicks and waits for the ephemeral refusal, so the click was fully handled before counting events. */
    const refused = async (actionId: string, value: number | string, user: SlackUser) => {
      const responseUrl = await click(h, actionId, value, user);
      return String(
        (await waitFor(() => h.slack.responses.find((r) => r.url === responseUrl), 4000)).body.text,
      );
    };
    expect(await refused(ACTION_ID.accept, '999', aeSlackUser)).toContain('could not find');
    // The accept modal (where an accept is recorded) for a forged id: refused inline.
    const modal = await openAcceptModal(h, { handoffId: id });
    const forged = await submitAccept(h, { ...modal, private_metadata: JSON.stringify({ handoffId: 999 }) });
    expect(forged.response_action).toBe('errors');
    expect(String(forged.errors?.[ACCEPT_BLOCK_ID.step])).toContain('could not find');
    expect(await events(h, id)).toHaveLength(1);

    h.clock.advance(HOUR);
    expect(await submitAccept(h, modal)).toEqual({});
    expect(await refused(ACTION_ID.withdraw, id, authorUser)).not.toBe('');
    await clickOutcome(h, 'meeting_held', id);
    await waitFor(async () => (await handoffRow(h, id)).outcome === 'meeting_held', 4000, 'meeting held');
    expect(await refused(outcomeAction('meeting_held'), id, aeSlackUser)).not.toBe('');
    await quiet(h);
    expect((await events(h, id)).map((e) => e.type)).toEqual(['sent', 'accepted', 'meeting_held']);
    expect(await logMismatches(h.database.db)).toEqual([]);
  });

  // Append-only rows and the check of a state the log disagrees with: metricsSeeded.test.ts.
  it('records a withdrawal by the owner; the handoff cannot be deleted from under its history', async () => {
    const { handoff } = await sendHandoff(h);
    const { handoffs } = h.tables;
    await expect(
      h.database.db.transaction((tx) => tx.delete(handoffs).where(eq(handoffs.id, handoff.id))),
    ).rejects.toThrow();
    h.clock.advance(2 * HOUR);
    const withdrawnAt = h.clock.now().toISOString();
    await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, authorUser);
    await waitFor(async () => (await handoffRow(h, handoff.id)).status === 'withdrawn', 4000, 'withdrawn');
    const log = await events(h, handoff.id);
    expect(log.map(shape)).toEqual([
      expect.objectContaining({ type: 'sent', toStatus: 'sent', at: SENT_AT }),
      row('withdrawn', ['sent', 'withdrawn'], people.author.id, [people.ae.id, 1, 1], withdrawnAt, null),
    ]);
    expectHoursOnDecisionsOnly(log);
    expect(await logMismatches(h.database.db)).toEqual([]);
  });
});
