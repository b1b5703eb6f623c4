import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, STEP_DATE_BLOCK_ID } from '../../src/blocks/ids.js';
import { acceptAs, jordan, sweepAt } from '../support/afterAcceptFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import {
  buttonsOf,
  dmOf,
  handoffRow,
  json,
  type OpenedModal,
  slashReply,
  submit,
} from '../support/ownerFlow.js';
import { click, partnerHarnesses, threadReplies, topLevel } from '../support/partnerFlow.js';
import { viewSubmission } from '../support/payloads.js';
import { people } from '../support/people.js';

/**
 * Issue 51: deals accepted before first steps existed have none, so nothing reminds their AE and no policy takes them
 * back (an upgrade surprises no one), until an admin turns it on for them: `/handoff steps ask` asks each AE by DM to
 * name a first step, in the New date modal with the step's words. Then the deal is tracked like one accepted since.
 */

const start = partnerHarnesses();
const ACCEPTED = '2026-11-26T09:00:00Z';

/** A deal accepted by Jordan as an earlier version stored it: no first step, nothing of it to check. */
async function acceptedBeforeFirstSteps(h: Harness): Promise<number> {
  const { handoff } = await sendHandoff(h);
  h.clock.set(ACCEPTED);
  await acceptAs(h, handoff.id, jordan);
  // Writes go through a transaction (a bare query reads on the reader connection).
  await h.database.db.transaction((tx) =>
    tx
      .update(h.tables.handoffs)
      .set({
        firstStep: null,
        firstStepDue: null,
        estimatedValue: null,
        stepCheck: null,
        nextStepCheckAt: null,
      })
      .where(eq(h.tables.handoffs.id, handoff.id)),
  );
  return handoff.id;
}

const nameStep = (h: Harness, modal: OpenedModal, text: string, date: string) =>
  submit(
    h,
    viewSubmission({
      user: jordan,
      callbackId: CALLBACK_ID.stepDate,
      privateMetadata: modal.private_metadata,
      values: {
        [STEP_DATE_BLOCK_ID.text]: { [ACTION_ID.value]: { type: 'plain_text_input', value: text } },
        [STEP_DATE_BLOCK_ID.due]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: date } },
      },
    }),
  );

describe('first steps for deals accepted before them', () => {
  it('checks nothing until an admin asks; the AE names a step, which is then tracked and read by the partner', async () => {
    const h = await start({ ADMIN_USER_IDS: people.owner.id, FIRST_STEP_BUSINESS_DAYS: '2' });
    const id = await acceptedBeforeFirstSteps(h);
    const stepDms = () => dmOf(h, people.ae.id).filter((m) => /first step/i.test(json(m.blocks)));

    // Weeks pass: no reminder, no check-in, no take-back for it.
    await sweepAt(h, '2026-12-14T15:00:00Z');
    expect(stepDms()).toEqual([]);
    expect((await handoffRow(h, id)).status).toBe('accepted');

    // Only an admin may count them and ask; anyone else is refused and nothing is asked.
    expect(await slashReply(h, people.member, 'steps ask')).toMatch(/^Only an admin can/);
    // Refused by the subcommand's row before it ran, and logged for the admin who looks.
    expect(h.logs.map((l) => l.msg)).toContain(
      `/handoff steps refused for ${people.member.id}: it needs the firstSteps permission`,
    );
    expect(await slashReply(h, people.owner, 'steps')).toMatch(
      /^1 accepted deal with no outcome yet has no first step: accepted before the app asked for one/,
    );
    expect(stepDms()).toEqual([]);

    // The admin asks: Jordan's DM, with Name the first step.
    expect(await slashReply(h, people.owner, 'steps ask')).toBe(
      'Asked the AEs of 1 accepted deal to name a first step, each by DM with *Name the first step*.',
    );
    await quiet(h);
    const asked = await waitFor(() => stepDms()[0], 4000, 'the DM asking for a first step');
    expect(json(asked.blocks)).toContain('which you accepted, has no first step');
    expect(buttonsOf(asked)).toEqual([ACTION_ID.newStepDate]);
    expect(json(asked.blocks)).toContain('Name the first step');

    // Jordan opens it: the step's words (the accept's default) and its date.
    const opened = h.slack.callsTo('views.open').length;
    await click(h, ACTION_ID.newStepDate, id, jordan);
    const call = await waitFor(() => h.slack.callsTo('views.open')[opened], 4000, 'the first step modal');
    const modal = call.args.view as OpenedModal;
    expect(modal.callback_id).toBe(CALLBACK_ID.stepDate);
    expect(json(modal.blocks)).toContain('Accept the introduction and bring the demo');

    // Words the partner may not read are refused on their field; nothing is stored.
    expect(await nameStep(h, modal, 'tbd', '2026-12-17')).toMatchObject({
      response_action: 'errors',
      errors: { [STEP_DATE_BLOCK_ID.text]: expect.any(String) },
    });
    expect((await handoffRow(h, id)).firstStep).toBeNull();

    // Named: stored, its checks planned; the DM says so without the button; the partner's parent reads it.
    expect(await nameStep(h, modal, 'Workshop with Dana on the pilot scope', '2026-12-17')).toEqual({});
    await quiet(h);
    expect(await handoffRow(h, id)).toMatchObject({
      firstStep: 'Workshop with Dana on the pilot scope',
      firstStepDue: '2026-12-17',
      stepCheck: 'reminder',
    });
    await waitFor(() => buttonsOf(stepDms()[0]).length === 0, 4000, 'the ask without its button');
    expect(json(stepDms()[0]?.blocks)).toContain(
      'Named: *Workshop with Dana on the pilot scope* by Thu 17 Dec.',
    );
    await waitFor(
      () => json(topLevel(h)[0]?.blocks).includes('Workshop with Dana on the pilot scope by Thu 17 Dec'),
      4000,
      'the partner parent with the step',
    );
    // The partner's thread has the accept's reply only: naming the step is no news of its own.
    expect(threadReplies(h)).toHaveLength(1);

    // It is tracked now: the reminder the business day before.
    await sweepAt(h, '2026-12-16T08:00:00Z');
    await waitFor(() => stepDms().find((m) => json(m.blocks).includes('Coming up')), 4000, 'the reminder');

    // The touch log: asked by the admin, named by the AE. Asking again finds nothing to ask.
    const events = (await h.database.db.select().from(h.tables.handoffEvents)).filter(
      (e) => e.handoffId === id,
    );
    expect(events.filter((e) => e.type === 'step_asked').map((e) => e.actorUserId)).toEqual([
      people.owner.id,
    ]);
    expect(events.filter((e) => e.type === 'step_named').map((e) => e.actorUserId)).toEqual([people.ae.id]);
    expect(await slashReply(h, people.owner, 'steps ask')).toBe(
      'Every accepted deal with no outcome yet has a first step. Nobody was asked.',
    );
  });
});
