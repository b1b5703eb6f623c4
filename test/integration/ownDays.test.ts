import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandReply } from '../../src/blocks/commandReplies.js';
import { ACTION_ID, CALLBACK_ID, MY_DAYS_BLOCK_ID, MY_DAYS_RESUME_OPTION } from '../../src/blocks/ids.js';
import { eventsOf } from '../../src/db/repositories/events.js';
import { account } from '../support/crmFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import { dmOf, handoffRow, json, outboxDrained, QUIET, slashReply, sweepAt } from '../support/ownerFlow.js';
import { accept, memberUser } from '../support/partnerFlow.js';
import { blockAction, viewSubmission } from '../support/payloads.js';
import { PARTNER_TEAM, people, TEAM } from '../support/people.js';
import { type Block, blocksOf, openHome } from '../support/revopsFlow.js';
import { startWithPolicyFile } from '../support/time-policyFile.js';

/**
 * Each person's own days. The App Home says them ("Your days"), the person edits their own in a modal (working days,
 * holiday regions, a pause from their pools), and `/handoff pause` / `/handoff resume` take them out of their pools and
 * back, telling each pool's manager by DM. Round robin passes a paused member over, and a day someone does not work is
 * closed in their response window.
 */
const POLICY = {
  pools: {
    backup: {
      name: 'EMEA backup',
      users: [people.otherAe.id, people.member.id],
      managers: [people.owner.id],
    },
  },
  policies: {
    strategic: [
      { at: 'due', action: 'notify', to: ['channel:C0INTERNAL'] },
      { at: 'due+4h', action: 'reassign', to: ['pool:backup'] },
    ],
  },
  routes: [{ partner: 'Meridian Cloud Consulting', policy: 'strategic' }],
};

type User = { id: string; team_id: string };
const jordan: User = { id: people.ae.id, team_id: TEAM };
const sam: User = { id: people.otherAe.id, team_id: TEAM };
const partner: User = { id: people.partner.id, team_id: PARTNER_TEAM };
const pat: User = { id: people.author.id, team_id: TEAM };

/** The "Your days" section of a Home. */
const daysOf = (blocks: readonly Block[]) =>
  json(blocks.find((b) => b.block_id === 'home_my_days') ?? null) +
  json(blocks[blocks.findIndex((b) => b.block_id === 'home_my_days') + 1] ?? null);

async function homeText(h: Harness, userId: string): Promise<string> {
  return daysOf(blocksOf(await openHome(h, userId)));
}

/** Waits for a DM to `userId` that says exactly `text`. */
const told = (h: Harness, userId: string, text: string) =>
  waitFor(() => dmOf(h, userId).some((m) => m.text === text), 8000, text);

/** "Edit my days" clicked in the App Home (no response_url; a fresh trigger to open the modal with). */
function homeClick(h: Harness, user: User) {
  const {
    response_url: _none,
    channel: _channel,
    message: _message,
    ...rest
  } = blockAction({ actionId: ACTION_ID.myDays, value: 'edit', user, triggerId: h.slack.issueTriggerId() });
  return h.interact({
    ...rest,
    container: { type: 'view', view_id: 'V0HOME' },
    view: { id: 'V0HOME', type: 'home', blocks: [], private_metadata: '' },
  });
}

/** "Edit my days" clicked: the modal Slack was asked to open. */
async function openMyDays(h: Harness, user: User) {
  const opens = h.slack.callsTo('views.open').length;
  expect((await homeClick(h, user)).status).toBe(200);
  const opened = await waitFor(() => h.slack.callsTo('views.open')[opens], 4000, 'the Your days modal');
  return opened.args.view as {
    callback_id: string;
    blocks: { block_id?: string; element?: Record<string, unknown> }[];
  };
}

interface Form {
  days?: number[];
  starts?: string | null;
  ends?: string | null;
  regions?: string | null;
  until?: string | null;
  resume?: boolean;
}

function myDaysSubmission(user: User, form: Form, privateMetadata = '{}') {
  const options = (values: string[]) =>
    values.map((value) => ({ text: { type: 'plain_text', text: value }, value }));
  const input = (type: string, field: string, value: unknown) => ({
    [ACTION_ID.value]: { type, [field]: value },
  });
  return viewSubmission({
    callbackId: CALLBACK_ID.myDays,
    user,
    privateMetadata,
    values: {
      [MY_DAYS_BLOCK_ID.days]: input(
        'checkboxes',
        'selected_options',
        options((form.days ?? []).map(String)),
      ),
      [MY_DAYS_BLOCK_ID.starts]: input('timepicker', 'selected_time', form.starts ?? null),
      [MY_DAYS_BLOCK_ID.ends]: input('timepicker', 'selected_time', form.ends ?? null),
      [MY_DAYS_BLOCK_ID.regions]: input('plain_text_input', 'value', form.regions ?? null),
      [MY_DAYS_BLOCK_ID.until]: input('datepicker', 'selected_date', form.until ?? null),
      [MY_DAYS_BLOCK_ID.resume]: input(
        'checkboxes',
        'selected_options',
        options(form.resume ? [MY_DAYS_RESUME_OPTION] : []),
      ),
    },
  });
}

/** Submits the form; resolves with Slack's answer (empty: saved, the modal closes). */
async function submitDays(h: Harness, user: User, form: Form, privateMetadata?: string) {
  const response = await h.interact(myDaysSubmission(user, form, privateMetadata));
  expect(response.status).toBe(200);
  const text = await response.text();
  return text === ''
    ? {}
    : (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> });
}

/** Every person entry of the program for `key`, oldest first. */
async function personEntries(h: Harness, key: string) {
  const { programLog } = h.tables;
  return h.database.db
    .select()
    .from(programLog)
    .where(and(eq(programLog.kind, 'person'), eq(programLog.key, key)))
    .orderBy(asc(programLog.id));
}

/** Sends a handoff to Jordan under the pool policy and runs it to its reassignment; returns the handoff after it. */
async function reassigned(h: Harness, name: string) {
  const { handoff } = await sendHandoff(h, account(name));
  const sent = await handoffRow(h, handoff.id);
  await sweepAt(h, sent.dueAt);
  await sweepAt(h, sent.escalationSteps?.[0]?.at as number);
  return handoffRow(h, handoff.id);
}

describe('your days: the App Home, the form, pause and resume', () => {
  let h: Harness;
  beforeAll(async () => {
    // Pat is an admin: they pause and resume someone else.
    h = await startWithPolicyFile(POLICY, { env: { ...QUIET, ADMIN_USER_IDS: pat.id } });
  });
  afterAll(() => h.stop());

  it('the App Home says your days (working days, whose public holidays and why, your pools); Edit my days opens your form, says what is wrong on the field, and saves your own', async () => {
    const mine = await homeText(h, people.ae.id);
    expect(mine).toContain('*Your days*');
    expect(mine).toContain('You work Monday to Friday.');
    expect(mine).toContain(
      'Public holidays of Germany (DE) count for you, from your time zone Europe/Berlin.',
    );
    expect(mine).toContain('You are in no pool.');
    expect(mine).toContain(ACTION_ID.myDays);
    expect(mine).toContain('Edit my days');
    expect(mine).toContain('`/handoff cover`');
    expect(await homeText(h, people.otherAe.id)).toContain('Your pools: *EMEA backup*.');

    // Edit my days opens your form; it says what is wrong on the field, and saves your own days.
    const view = await openMyDays(h, jordan);
    expect(view.callback_id).toBe(CALLBACK_ID.myDays);
    expect(json(view.blocks)).toContain(
      'Like US, DE-BY; empty: from your time zone; none: no public holidays.',
    );

    expect(await submitDays(h, jordan, { days: [] })).toEqual({
      response_action: 'errors',
      errors: { [MY_DAYS_BLOCK_ID.days]: 'Choose at least one working day.' },
    });
    const badRegion = await submitDays(h, jordan, { days: [1, 2, 3, 4, 5], regions: 'US, XX' });
    expect(badRegion.response_action).toBe('errors');
    expect(Object.keys(badRegion.errors ?? {})).toEqual([MY_DAYS_BLOCK_ID.regions]);
    expect(badRegion.errors?.[MY_DAYS_BLOCK_ID.regions]).toContain(
      '"XX" is not a holiday region like US, DE-BY',
    );
    expect(await personEntries(h, people.ae.id)).toEqual([]);

    const publishes = h.slack.callsTo('views.publish').length;
    expect(await submitDays(h, jordan, { days: [4, 1, 2], regions: 'us, de-by' })).toEqual({});
    expect(await personEntries(h, people.ae.id)).toEqual([
      expect.objectContaining({
        actor: people.ae.id,
        body: { regions: ['US', 'DE-BY'], workingDays: [1, 2, 4] },
      }),
    ]);
    // Their Home shows it at once.
    const home = await waitFor(
      () =>
        h.slack
          .callsTo('views.publish')
          .slice(publishes)
          .find((c) => c.args.user_id === people.ae.id),
      8000,
      'the Home republished',
    );
    const text = daysOf(blocksOf(home));
    expect(text).toContain('You work Monday, Tuesday and Thursday.');
    expect(text).toContain(
      'Public holidays of United States (US) and Germany, DE-BY count for you: you chose them.',
    );

    // Back to the defaults: nothing of theirs is kept.
    expect(await submitDays(h, jordan, { days: [1, 2, 3, 4, 5], regions: '' })).toEqual({});
    expect((await personEntries(h, people.ae.id)).at(-1)?.body).toBeNull();
    expect(await homeText(h, people.ae.id)).toContain('You work Monday to Friday.');
  });

  // Someone outside refused (the button and the form): authorizationMatrix.test.ts.
  it('nobody edits another person’s days: the key is the submitter’s, whatever the view says', async () => {
    const jordans = await personEntries(h, people.ae.id);
    const forged = JSON.stringify({ userId: people.ae.id, key: people.ae.id });
    expect(await submitDays(h, memberUser as User, { days: [1, 2, 3] }, forged)).toEqual({});
    expect(await personEntries(h, people.member.id)).toEqual([
      expect.objectContaining({ actor: people.member.id, body: { workingDays: [1, 2, 3] } }),
    ]);
    expect(await personEntries(h, people.ae.id)).toEqual(jordans);
    // Mo back to the defaults.
    expect(await submitDays(h, memberUser as User, { days: [1, 2, 3, 4, 5] })).toEqual({});
  });

  it('/handoff pause until 2026-12-03: out of your pools, the manager told, round robin passes you over; /handoff resume puts you back', async () => {
    const reply = await slashReply(h, sam, 'pause until 2026-12-03');
    expect(reply).toContain(
      'You are out of *EMEA backup* until *Thu 3 Dec*, the last day: round robin passes you over.',
    );
    expect(reply).toContain('Their managers have been told.');
    expect((await personEntries(h, people.otherAe.id)).at(-1)).toMatchObject({
      actor: people.otherAe.id,
      body: { paused: '2026-12-03' },
    });
    await told(
      h,
      people.owner.id,
      `:pause_button: <@${people.otherAe.id}> is out of the *EMEA backup* pool until *Thu 3 Dec* (the last day): round robin passes them over until then. Nothing to do.`,
    );
    expect(await homeText(h, people.otherAe.id)).toContain(
      ':pause_button: You are out of your pools until *Thu 3 Dec* (the last day): round robin passes you over.',
    );

    const moved = await reassigned(h, 'Northwind Paused');
    expect(moved.aeUserId).toBe(people.member.id);
    expect((await eventsOf(h.database.db, moved.id)).at(-1)).toMatchObject({
      type: 'reassigned',
      detail: expect.objectContaining({
        pool: 'backup',
        skipped: [{ user: people.otherAe.id, why: 'paused until Thu 3 Dec' }],
      }),
    });
    // Mo answers it: its window's levels stop.
    await accept(h, moved.id, memberUser);

    // `/handoff resume` puts Sam back: the manager told, and round robin gives Sam the next one.
    expect(await slashReply(h, sam, 'resume')).toBe(
      ':white_check_mark: You are back in *EMEA backup*: round robin gives you handoffs again. Their managers have been told.',
    );
    expect((await personEntries(h, people.otherAe.id)).at(-1)?.body).toBeNull();
    await told(
      h,
      people.owner.id,
      `:white_check_mark: <@${people.otherAe.id}> is back in the *EMEA backup* pool: round robin gives them handoffs again.`,
    );
    expect(await slashReply(h, sam, 'resume')).toBe(
      'You were not paused: you are in your pools. `/handoff pause` takes you out of them.',
    );
    // The last pick was Mo: Sam is next.
    expect((await reassigned(h, 'Contoso Resumed')).aeUserId).toBe(people.otherAe.id);
  });

  it('an admin pauses Sam until a day and resumes him: the same pause, Sam and the manager told; nobody else may', async () => {
    const entries = (await personEntries(h, people.otherAe.id)).length;
    // Someone with no role may pause only themselves: refused before anyone is looked up.
    expect(await slashReply(h, jordan, `pause <@${sam.id}|sam> until 2026-12-18`)).toBe(
      commandReply.forbidden('pauseOthers'),
    );
    expect(await slashReply(h, jordan, `resume ${sam.id}`)).toBe(commandReply.forbidden('pauseOthers'));
    // Slack sends a typed @name as text: it is read among the pools' members.
    const reply = await slashReply(h, pat, 'pause @sam until 2026-12-18');
    expect(reply).toBe(
      `:pause_button: <@${sam.id}> is out of *EMEA backup* until *Fri 18 Dec*, the last day: round robin passes them over. They and their pools' managers have been told; \`/handoff resume <@${sam.id}>\` puts them back.`,
    );
    expect(await personEntries(h, people.otherAe.id)).toHaveLength(entries + 1);
    expect((await personEntries(h, people.otherAe.id)).at(-1)).toMatchObject({
      actor: pat.id,
      body: { paused: '2026-12-18' },
    });
    await told(
      h,
      sam.id,
      `:pause_button: <@${pat.id}> took you out of your pools (*EMEA backup*) until *Fri 18 Dec* (the last day): round robin passes you over. \`/handoff resume\` puts you back.`,
    );
    await told(
      h,
      people.owner.id,
      `:pause_button: <@${sam.id}> is out of the *EMEA backup* pool until *Fri 18 Dec* (the last day) (paused by <@${pat.id}>): round robin passes them over until then. Nothing to do.`,
    );
    expect(await homeText(h, sam.id)).toContain('You are out of your pools until *Fri 18 Dec*');

    // Nobody of another organization, nor anyone unknown, is paused.
    expect(await slashReply(h, pat, `pause <@${partner.id}|dana>`)).toBe(
      `<@${partner.id}> is not in our workspace: choose people of our own workspaces. Nothing was changed.`,
    );
    expect(await slashReply(h, pat, 'pause @nobody')).toContain(
      'Slack sends a name typed in a command as plain text',
    );

    expect(await slashReply(h, pat, `resume <@${sam.id}|sam>`)).toBe(
      `:white_check_mark: <@${sam.id}> is no longer paused: back in *EMEA backup*. They and their pools' managers have been told.`,
    );
    expect((await personEntries(h, people.otherAe.id)).at(-1)).toMatchObject({ actor: pat.id, body: null });
    await waitFor(
      () => dmOf(h, sam.id).some((m) => m.text?.includes('put you back in your pools (*EMEA backup*)')),
      8000,
      'Sam told of the resume',
    );
    expect(await slashReply(h, pat, `resume ${sam.id}`)).toBe(
      `<@${sam.id}> was not paused. Nothing was changed.`,
    );

    // Jordan is in no pool: only Jordan is told, and the answer says no more.
    expect(await slashReply(h, pat, `pause ${jordan.id}`)).toBe(
      `:pause_button: <@${jordan.id}> is out of any pool they join until resumed: round robin passes them over. They have been told; \`/handoff resume <@${jordan.id}>\` puts them back.`,
    );
    expect(await slashReply(h, pat, `resume ${jordan.id}`)).toBe(
      `:white_check_mark: <@${jordan.id}> is no longer paused. They have been told.`,
    );
  });

  it('pausing when in no pool says so and still records it; a past day or junk is refused', async () => {
    const managerDms = dmOf(h, people.owner.id).length;
    expect(await slashReply(h, jordan, 'pause')).toContain('You are in no pool now');
    expect((await personEntries(h, people.ae.id)).at(-1)?.body).toEqual({ paused: 'until_resumed' });
    expect(await homeText(h, people.ae.id)).toContain('You are out of your pools until *you resume*');
    expect(await slashReply(h, jordan, 'resume')).toBe(
      ':white_check_mark: You are no longer paused. You are in no pool now.',
    );
    await outboxDrained(h);
    expect(dmOf(h, people.owner.id)).toHaveLength(managerDms);

    const entries = (await personEntries(h, people.ae.id)).length;
    expect(await slashReply(h, jordan, 'pause until 2020-01-01')).toBe(
      'Choose today or a later day: that one has passed. Nothing was changed.',
    );
    expect(await slashReply(h, jordan, 'pause tomorrow')).toContain(
      'Usage: `/handoff pause until 2026-12-03`',
    );
    expect(await personEntries(h, people.ae.id)).toHaveLength(entries);
  });
});

/** Thursday 26 November 2026, 15:00 in Berlin. */
const THURSDAY_AFTERNOON = '2026-11-26T14:00:00Z';
/** The same Thursday, 16:30 in Berlin: after Jordan's day ends (16:00), before the team's (17:00). */
const THURSDAY_LATE = '2026-11-26T15:30:00Z';

// Jordan (Europe/Berlin) works Sunday to Thursday, 08:00 to 16:00: a handoff sent to them is due in their week and
// hours, and their DM and reminders say so; everyone else keeps Monday to Friday and the team's hours.
describe('your own week and hours: the form, the Home, and the response window', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: QUIET, now: '2026-11-23T10:00:00Z' });
  });
  afterAll(() => h.stop());

  it('the form offers Monday to Sunday and your day’s start and end, says what is wrong on the field, and saves Sunday to Thursday, 08:00–16:00 for the handoffs sent after', async () => {
    const view = await openMyDays(h, jordan);
    const days = view.blocks.find((b) => b.block_id === MY_DAYS_BLOCK_ID.days)?.element as {
      options: { value: string }[];
    };
    expect(days.options.map((o) => o.value)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(json(days.options)).toContain('Sunday');
    for (const block of [MY_DAYS_BLOCK_ID.starts, MY_DAYS_BLOCK_ID.ends])
      expect(view.blocks.find((b) => b.block_id === block)?.element).toMatchObject({
        type: 'timepicker',
        action_id: ACTION_ID.value,
      });
    expect(json(view.blocks)).toContain('Your day starts');
    expect(json(view.blocks)).toContain("the team's, 09:00–17:00");

    expect(await submitDays(h, jordan, { days: [7, 1, 2, 3, 4], starts: '16:00', ends: '08:00' })).toEqual({
      response_action: 'errors',
      errors: { [MY_DAYS_BLOCK_ID.ends]: 'Your day must end after it starts (16:00).' },
    });
    expect(await submitDays(h, jordan, { days: [7, 1, 2, 3, 4], starts: '08:00' })).toEqual({
      response_action: 'errors',
      errors: { [MY_DAYS_BLOCK_ID.ends]: 'Give the time your day ends too, or neither time.' },
    });
    expect(await personEntries(h, people.ae.id)).toEqual([]);

    // Sent before the change (Monday 11:00 in Berlin): due Thursday 11:00, and kept so.
    const before = await sendHandoff(h, account('Before Days'));
    expect(before.handoff.dueAt.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(await submitDays(h, jordan, { days: [7, 1, 2, 3, 4], starts: '08:00', ends: '16:00' })).toEqual(
      {},
    );
    expect((await handoffRow(h, before.handoff.id)).dueAt.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(await personEntries(h, people.ae.id)).toEqual([
      expect.objectContaining({
        actor: people.ae.id,
        body: { workingDays: [1, 2, 3, 4, 7], hours: { start: '08:00', end: '16:00' } },
      }),
    ]);
    expect(await homeText(h, people.ae.id)).toContain(
      'You work Sunday to Thursday, 08:00–16:00 (Europe/Berlin).',
    );
    // Anyone else: as before.
    expect(await homeText(h, people.otherAe.id)).toContain('You work Monday to Friday.');

    const saved = await openMyDays(h, jordan);
    const element = (id: string) => saved.blocks.find((b) => b.block_id === id)?.element;
    const initial = (element(MY_DAYS_BLOCK_ID.days)?.initial_options ?? []) as { value: string }[];
    expect(initial.map((o) => o.value)).toEqual(['7', '1', '2', '3', '4']);
    expect(element(MY_DAYS_BLOCK_ID.starts)?.initial_time).toBe('08:00');
    expect(element(MY_DAYS_BLOCK_ID.ends)?.initial_time).toBe('16:00');
  });

  it('a handoff sent Thursday afternoon with one business day is due Sunday, not Friday', async () => {
    h.clock.set(new Date(THURSDAY_AFTERNOON));
    const { handoff, dm } = await sendHandoff(h, { ...account('Thursday Week'), responseWindowDays: '1' });
    // Friday and Saturday are not Jordan's: Sunday 29 November, 15:00 in Berlin.
    expect(handoff.dueAt.toISOString()).toBe('2026-11-29T14:00:00.000Z');
    expect(json(dm.blocks)).toContain('please answer by *<!date^1795960800^');
    expect(json(dm.blocks)).toContain('|Sun 29 Nov 2026, 15:00 CET>* (1 business day)');
  });

  it('sent after their day ends, the window starts at their Sunday morning; the reminders follow their hours', async () => {
    h.clock.set(new Date(THURSDAY_LATE));
    const { handoff, dm } = await sendHandoff(h, account('Thursday Late'));
    // Three business days from Sunday 08:00: Monday, Tuesday, Wednesday 2 December 08:00 in Berlin.
    const row = await handoffRow(h, handoff.id);
    expect(row.dueAt.toISOString()).toBe('2026-12-02T07:00:00.000Z');
    expect(row.windowStartedAt).toEqual(new Date(THURSDAY_LATE));
    // Half of their 24 business hours (Sunday's 8, Monday's first 4): Monday 12:00; the last morning: Tuesday 08:00.
    expect(row.reminderSchedule).toEqual([
      Date.parse('2026-11-30T11:00:00Z'),
      Date.parse('2026-12-01T07:00:00Z'),
    ]);
    expect(json(dm.blocks)).toContain('|Wed 2 Dec 2026, 08:00 CET>* (3 business days)');

    // The sweep at Monday 12:00 reminds them, due Wednesday 08:00.
    h.clock.set(new Date('2026-11-30T11:00:00Z'));
    expect((await h.app.sweeper.sweep()).reminded).toBeGreaterThanOrEqual(1);
    await outboxDrained(h);
    const reminder = await waitFor(
      () =>
        dmOf(h, people.ae.id).find(
          (m) => json(m.blocks).includes('*Reminder*') && json(m.blocks).includes('Thursday Late'),
        ),
      8000,
      'the reminder',
    );
    expect(json(reminder.blocks)).toContain('|Wed 2 Dec 2026, 08:00 CET>*');

    // It expires at their Wednesday 08:00, not before.
    h.clock.set(new Date('2026-12-02T06:59:00Z'));
    await h.app.sweeper.sweep();
    expect((await handoffRow(h, handoff.id)).status).toBe('sent');
    h.clock.set(new Date('2026-12-02T07:00:00Z'));
    await h.app.sweeper.sweep();
    expect((await handoffRow(h, handoff.id)).status).toBe('expired');
  });
});
