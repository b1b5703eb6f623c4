import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, STEP_DATE_BLOCK_ID } from '../../src/blocks/ids.js';
import { openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { acceptAs, jordan, sweepAt } from '../support/afterAcceptFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import {
  buttonsOf,
  dmOf,
  handoffRow,
  json,
  type OpenedModal,
  outboxDrained,
  slashReply,
  submit,
} from '../support/ownerFlow.js';
import {
  click,
  clickOutcome,
  partnerCalls,
  partnerHarnesses,
  shown,
  threadReplies,
  topLevel,
} from '../support/partnerFlow.js';
import { viewSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';

/**
 * The first step the AE committed to is tracked like the response window, in their calendar. A reminder the business
 * day before its date, a check-in on it (Meeting held, New date), and with no news FIRST_STEP_GRACE_DAYS (2) business
 * days later the owner is told. The partner reads the step, never the checks.
 *
 * Jordan (the AE, Berlin) accepts on Thursday 26 November at 10:00 Berlin with a step two business days on, across the
 * weekend: Monday 30 November. Pat (New York) wrote it and owns it (the author is the owner by default).
 */

const start = partnerHarnesses();
const ae = { id: people.ae.id, team_id: TEAM };
const THURSDAY_10 = '2026-11-26T09:00:00Z';
/** The step's checks: Friday 09:00 Berlin, Monday 16:00 Berlin, Wednesday 16:00 Berlin. */
const REMINDER = '2026-11-27T08:00:00Z';
const CHECK_IN = '2026-11-30T15:00:00Z';
const OWNER = '2026-12-02T15:00:00Z';

const stepMessages = (h: Harness, userId: string) =>
  dmOf(h, userId).filter((m) => /first step/.test(json(m.blocks)) && !/accepted\*/.test(json(m.blocks)));
const buttonIds = (m: { blocks?: unknown } | undefined) =>
  [...json(m?.blocks).matchAll(/"action_id":"([^"]+)"/g)].map((x) => x[1]);

async function acceptedOnThursday(h: Harness) {
  const { handoff, dm } = await sendHandoff(h);
  h.clock.set(THURSDAY_10);
  const modal = await openAcceptModal(h, { handoffId: handoff.id, channelId: dm.channel, messageTs: dm.ts });
  expect(await submitAccept(h, modal)).toEqual({});
  await outboxDrained(h);
  return handoff;
}

async function openNewDate(h: Harness, handoffId: number): Promise<OpenedModal> {
  const opened = h.slack.callsTo('views.open').length;
  await click(h, ACTION_ID.newStepDate, handoffId, ae);
  const call = await waitFor(() => h.slack.callsTo('views.open')[opened], 4000, 'the new date modal');
  const view = call.args.view as OpenedModal;
  expect(view.callback_id).toBe(CALLBACK_ID.stepDate);
  return view;
}

/** The New date modal submitted by the AE (with the step's words too when it names the first step). */
const newDate = (h: Harness, modal: OpenedModal, date: string, text?: string) =>
  submit(
    h,
    viewSubmission({
      user: ae,
      callbackId: CALLBACK_ID.stepDate,
      privateMetadata: modal.private_metadata,
      values: {
        ...(text === undefined
          ? {}
          : { [STEP_DATE_BLOCK_ID.text]: { [ACTION_ID.value]: { type: 'plain_text_input', value: text } } }),
        [STEP_DATE_BLOCK_ID.due]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: date } },
      },
    }),
  );

describe('the first step, tracked after the Accept', () => {
  it('reminds the AE, checks in on the date, tells the owner after the grace; the partner reads only the step', async () => {
    const h = await start({ FIRST_STEP_BUSINESS_DAYS: '2' });
    const handoff = await acceptedOnThursday(h);
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      firstStepDue: '2026-11-30',
      stepCheck: 'reminder',
      nextStepCheckAt: new Date(REMINDER),
    });

    // Friday 09:00 Berlin: the reminder, with Meeting held and New date.
    await sweepAt(h, '2026-11-27T07:59:59Z');
    expect(stepMessages(h, people.ae.id)).toHaveLength(0);
    await sweepAt(h, REMINDER);
    const reminder = await waitFor(() => stepMessages(h, people.ae.id)[0], 4000, 'the reminder');
    expect(json(reminder?.blocks)).toContain(
      'Coming up on handoff #1 *Northwind Logistics* (via Meridian Cloud Consulting): your first step, *Accept the introduction and bring the demo*, by Mon 30 Nov.',
    );
    expect(buttonIds(reminder)).toEqual(
      expect.arrayContaining([ACTION_ID.newStepDate, 'handoff_outcome_meeting_held']),
    );
    expect((await handoffRow(h, handoff.id)).stepCheck).toBe('check_in');

    // Monday 16:00 Berlin: the check-in; the reminder keeps its words, its buttons move to the newest message.
    await sweepAt(h, CHECK_IN);
    const checkIn = await waitFor(() => stepMessages(h, people.ae.id)[1], 4000, 'the check-in');
    expect(json(checkIn?.blocks)).toContain('Mon 30 Nov was the date of your first step on handoff #1');
    expect(json(checkIn?.blocks)).toContain('How did it go?');
    expect(buttonIds(checkIn)).toContain(ACTION_ID.newStepDate);
    await waitFor(
      () => !buttonIds(stepMessages(h, people.ae.id)[0]).includes(ACTION_ID.newStepDate),
      4000,
      'the reminder without buttons',
    );
    // Its date has passed: the partner's thread parent no longer shows it as next (the every-15-minutes recheck).
    expect(json(topLevel(h)[0]?.blocks)).toContain(
      'Accept the introduction and bring the demo by Mon 30 Nov',
    );
    h.clock.set('2026-12-01T09:00:00Z');
    await h.app.scheduler.runNow('partner-thread-recheck');
    await waitFor(
      () => !json(topLevel(h)[0]?.blocks).includes('Accept the introduction and bring the demo'),
      4000,
      'the parent without the passed step',
    );
    // The accept's reply below it too (issue 77 item 6): it is a view of the deal, not a plan gone by.
    await waitFor(
      () => !shown(threadReplies(h)[0]).includes('Intro call with Dana Reyes'),
      4000,
      'the accept reply without the passed step',
    );
    expect(threadReplies(h)[0]?.text).toBe(
      ':white_check_mark: *Northwind Logistics*: accepted. Jordan Seller is taking it forward with Dana Reyes (Meridian Cloud Consulting).',
    );

    // Silence: Wednesday 16:00 Berlin, the owner is told; nothing more is owed.
    await sweepAt(h, '2026-12-02T14:59:59Z');
    expect(stepMessages(h, people.author.id).filter((m) => json(m.blocks).includes('No news'))).toHaveLength(
      0,
    );
    await sweepAt(h, OWNER);
    const told = await waitFor(
      () => dmOf(h, people.author.id).find((m) => json(m.blocks).includes('No news of the first step')),
      4000,
      'the owner told',
    );
    expect(json(told?.blocks)).toContain(
      `No news of the first step on handoff #1 *Northwind Logistics* (via Meridian Cloud Consulting): <@${people.ae.id}> said *Accept the introduction and bring the demo* by Mon 30 Nov, was asked on the day, and has recorded nothing since.`,
    );
    expect(await handoffRow(h, handoff.id)).toMatchObject({ stepCheck: null, nextStepCheckAt: null });

    // The touch log tells it; the partner heard only of the accept and its step.
    const events = (await h.database.db.select().from(h.tables.handoffEvents)).map((e) => e.type);
    expect(events.filter((t) => t.startsWith('step_'))).toEqual([
      'step_reminded',
      'step_checked_in',
      'step_overdue',
    ]);
    expect(threadReplies(h)).toHaveLength(1);
    expect(
      partnerCalls(h)
        .map((c) => JSON.stringify(c.args))
        .join('\n'),
    ).not.toMatch(/No news|How did it go|Coming up/);
  });

  it('New date moves the step and its checks (the owner told from the second one); Meeting held ends them', async () => {
    const h = await start({ FIRST_STEP_BUSINESS_DAYS: '2' });
    const handoff = await acceptedOnThursday(h);
    await sweepAt(h, CHECK_IN);

    // The first new date: Friday 4 December, suggested the next business day; the owner is not told.
    const modal = await openNewDate(h, handoff.id);
    expect(json(modal.blocks)).toContain('"initial_date":"2026-12-01"');
    expect(await newDate(h, modal, '2026-11-20')).toMatchObject({
      errors: { [STEP_DATE_BLOCK_ID.due]: 'Pick today or a later date.' },
    });
    // Not on a day Jordan does not work (issue 77 item 11): said on the field, their next working day offered.
    expect(await newDate(h, modal, '2026-12-05')).toMatchObject({
      errors: {
        [STEP_DATE_BLOCK_ID.due]:
          'Sat 5 Dec is not one of your working days: pick a day you work, like Mon 7 Dec.',
      },
    });
    expect(await newDate(h, modal, '2026-12-04')).toEqual({});
    await outboxDrained(h);
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      firstStepDue: '2026-12-04',
      stepNewDates: 1,
      stepCheck: 'reminder',
      nextStepCheckAt: new Date('2026-12-03T08:00:00Z'),
    });
    // A double submit changes nothing more.
    expect((await newDate(h, modal, '2026-12-04')).response_action).toBe('errors');
    expect((await handoffRow(h, handoff.id)).stepNewDates).toBe(1);
    // The check-in says the step has a new date, without buttons; the partner's parent shows the new date.
    await waitFor(
      () => json(stepMessages(h, people.ae.id).at(-1)?.blocks).includes('It has a new date now: Fri 4 Dec.'),
      4000,
      'the check-in brought up to date',
    );
    await waitFor(() => json(topLevel(h)[0]?.blocks).includes('by Fri 4 Dec'), 4000, 'the parent');
    expect(dmOf(h, people.author.id).some((m) => json(m.blocks).includes('a new date again'))).toBe(false);

    // The second new date tells the owner.
    expect(await newDate(h, await openNewDate(h, handoff.id), '2026-12-08')).toEqual({});
    await outboxDrained(h);
    const owner = await waitFor(
      () => dmOf(h, people.author.id).find((m) => json(m.blocks).includes('a new date again')),
      4000,
      'the owner told',
    );
    expect(json(owner.blocks)).toContain(
      '*Accept the introduction and bring the demo* by Tue 8 Dec (was Fri 4 Dec)',
    );

    // Meeting held: the step is done, its checks end, and New date is refused.
    await clickOutcome(h, 'meeting_held', handoff.id);
    await outboxDrained(h);
    const done = await handoffRow(h, handoff.id);
    expect(done.firstStepDoneAt).not.toBeNull();
    expect(done).toMatchObject({ stepCheck: null, nextStepCheckAt: null, outcome: 'meeting_held' });
    const url = await click(h, ACTION_ID.newStepDate, handoff.id, ae);
    const refusal = await waitFor(() => h.slack.responses.find((r) => r.url === url), 4000, 'the refusal');
    expect(String(refusal.body.text)).toContain('its first step is done');
    const events = (await h.database.db.select().from(h.tables.handoffEvents)).filter(
      (e) => e.type === 'step_new_date',
    );
    expect(events.map((e) => e.detail)).toEqual([
      { from: '2026-11-30', to: '2026-12-04' },
      { from: '2026-12-04', to: '2026-12-08', ownerTold: true },
    ]);
  });

  it('only the AE may give a new date; after downtime past the check-in, the check-in comes instead of a reminder of a date gone by', async () => {
    const h = await start({ FIRST_STEP_BUSINESS_DAYS: '2' });
    const handoff = await acceptedOnThursday(h);
    const opened = h.slack.callsTo('views.open').length;
    const url = await click(h, ACTION_ID.newStepDate, handoff.id, { id: people.author.id, team_id: TEAM });
    const refusal = await waitFor(() => h.slack.responses.find((r) => r.url === url), 4000, 'the refusal');
    expect(String(refusal.body.text)).toContain(
      'who accepted this handoff, can give its first step a new date',
    );
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);
    await sweepAt(h, '2026-12-01T09:00:00Z');
    const events = (await h.database.db.select().from(h.tables.handoffEvents)).map((e) => e.type);
    expect(events.filter((t) => t.startsWith('step_'))).toEqual(['step_checked_in']);
    const messages = await waitFor(
      () => stepMessages(h, people.ae.id).length === 1 && stepMessages(h, people.ae.id),
      4000,
      'the check-in',
    );
    expect(json(messages[0]?.blocks)).toContain('Mon 30 Nov was the date of your first step');
    expect(json(messages[0]?.blocks)).not.toContain('Coming up');
    expect((await handoffRow(h, handoff.id)).stepCheck).toBe('owner');
  });
});

/**
 * Deals accepted before first steps existed have none, so nothing reminds their AE and no policy takes them back (an
 * upgrade surprises no one), until an admin turns it on for them: `/handoff steps ask` asks each AE by DM to name a
 * first step, in the New date modal with the step's words. Then the deal is tracked like one accepted since.
 */

/** A deal accepted by Jordan as an earlier version stored it: no first step, nothing of it to check. */
async function acceptedBeforeFirstSteps(h: Harness): Promise<number> {
  const { handoff } = await sendHandoff(h);
  h.clock.set(THURSDAY_10);
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
    const modal = await openNewDate(h, id);
    expect(json(modal.blocks)).toContain('Accept the introduction and bring the demo');

    // Words the partner may not read are refused on their field; nothing is stored.
    expect(await newDate(h, modal, '2026-12-17', 'tbd')).toMatchObject({
      response_action: 'errors',
      errors: { [STEP_DATE_BLOCK_ID.text]: expect.any(String) },
    });
    expect((await handoffRow(h, id)).firstStep).toBeNull();

    // Named: stored, its checks planned; the DM says so without the button; the partner's parent reads it.
    expect(await newDate(h, modal, '2026-12-17', 'Workshop with Dana on the pilot scope')).toEqual({});
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
