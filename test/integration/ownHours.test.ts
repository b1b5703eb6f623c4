import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, MY_DAYS_BLOCK_ID } from '../../src/blocks/ids.js';
import { account } from '../support/crmFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import { dmOf, handoffRow, json, outboxDrained, QUIET } from '../support/ownerFlow.js';
import { blockAction, viewSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';
import { blocksOf, openHome } from '../support/revopsFlow.js';

/**
 * Issue 53: a person's own working week and business hours. Jordan (Europe/Berlin) works Sunday to Thursday, 08:00 to
 * 16:00, and says so in "Your days" in their App Home (signed requests, as Slack sends them). A handoff sent to them
 * on a Thursday afternoon is due in their week (Friday and Saturday skipped) and in their hours, and their DM and
 * their reminders say so; everyone else keeps Monday to Friday and the team's hours.
 */
type User = { id: string; team_id: string };
const jordan: User = { id: people.ae.id, team_id: TEAM };

interface Form {
  days: number[];
  starts?: string | null;
  ends?: string | null;
}

function myDaysSubmission(user: User, form: Form) {
  const options = (values: string[]) =>
    values.map((value) => ({ text: { type: 'plain_text', text: value }, value }));
  const time = (value: string | null | undefined) => ({
    [ACTION_ID.value]: { type: 'timepicker', selected_time: value ?? null },
  });
  return viewSubmission({
    callbackId: CALLBACK_ID.myDays,
    user,
    privateMetadata: '{}',
    values: {
      [MY_DAYS_BLOCK_ID.days]: {
        [ACTION_ID.value]: { type: 'checkboxes', selected_options: options(form.days.map(String)) },
      },
      [MY_DAYS_BLOCK_ID.starts]: time(form.starts),
      [MY_DAYS_BLOCK_ID.ends]: time(form.ends),
      [MY_DAYS_BLOCK_ID.regions]: { [ACTION_ID.value]: { type: 'plain_text_input', value: null } },
      [MY_DAYS_BLOCK_ID.until]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: null } },
      [MY_DAYS_BLOCK_ID.resume]: { [ACTION_ID.value]: { type: 'checkboxes', selected_options: [] } },
    },
  });
}

/** Submits "Your days"; resolves with Slack's answer (empty: saved, the modal closes). */
async function submitDays(h: Harness, user: User, form: Form) {
  const response = await h.interact(myDaysSubmission(user, form));
  expect(response.status).toBe(200);
  const text = await response.text();
  return text === ''
    ? {}
    : (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> });
}

/** "Edit my days" clicked in the App Home: the modal Slack was asked to open. */
async function openMyDays(h: Harness, user: User) {
  const opens = h.slack.callsTo('views.open').length;
  const {
    response_url: _none,
    channel: _channel,
    message: _message,
    ...rest
  } = blockAction({ actionId: ACTION_ID.myDays, value: 'edit', user, triggerId: h.slack.issueTriggerId() });
  const clicked = await h.interact({
    ...rest,
    container: { type: 'view', view_id: 'V0HOME' },
    view: { id: 'V0HOME', type: 'home', blocks: [], private_metadata: '' },
  });
  expect(clicked.status).toBe(200);
  const opened = await waitFor(() => h.slack.callsTo('views.open')[opens], 4000, 'the Your days modal');
  return opened.args.view as { blocks: { block_id?: string; element?: Record<string, unknown> }[] };
}

/** The "Your days" section of a person's App Home, as text. */
async function yourDays(h: Harness, userId: string): Promise<string> {
  const blocks = blocksOf(await openHome(h, userId));
  return json(blocks.find((b) => b.block_id === 'home_my_days') ?? null);
}

async function personEntries(h: Harness, key: string) {
  const { programLog } = h.tables;
  return h.database.db
    .select()
    .from(programLog)
    .where(and(eq(programLog.kind, 'person'), eq(programLog.key, key)))
    .orderBy(asc(programLog.id));
}

/** Thursday 26 November 2026, 15:00 in Berlin. */
const THURSDAY_AFTERNOON = '2026-11-26T14:00:00Z';
/** The same Thursday, 16:30 in Berlin: after Jordan's day ends (16:00), before the team's (17:00). */
const THURSDAY_LATE = '2026-11-26T15:30:00Z';

describe('your own week and hours: the form, the Home, and the response window', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: QUIET, now: '2026-11-23T10:00:00Z' });
  });
  afterAll(() => h.stop());

  it('the form offers Monday to Sunday and your day’s start and end; it says what is wrong on the field', async () => {
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

    expect(await submitDays(h, jordan, { days: [], starts: '08:00', ends: '16:00' })).toEqual({
      response_action: 'errors',
      errors: { [MY_DAYS_BLOCK_ID.days]: 'Choose at least one working day.' },
    });
    expect(await submitDays(h, jordan, { days: [7, 1, 2, 3, 4], starts: '16:00', ends: '08:00' })).toEqual({
      response_action: 'errors',
      errors: { [MY_DAYS_BLOCK_ID.ends]: 'Your day must end after it starts (16:00).' },
    });
    expect(await submitDays(h, jordan, { days: [7, 1, 2, 3, 4], starts: '08:00' })).toEqual({
      response_action: 'errors',
      errors: { [MY_DAYS_BLOCK_ID.ends]: 'Give the time your day ends too, or neither time.' },
    });
    expect(await personEntries(h, people.ae.id)).toEqual([]);
  });

  it('saves Sunday to Thursday, 08:00–16:00; the Home says it, and the form opens with it', async () => {
    expect(await submitDays(h, jordan, { days: [7, 1, 2, 3, 4], starts: '08:00', ends: '16:00' })).toEqual(
      {},
    );
    expect(await personEntries(h, people.ae.id)).toEqual([
      expect.objectContaining({
        actor: people.ae.id,
        body: { workingDays: [1, 2, 3, 4, 7], hours: { start: '08:00', end: '16:00' } },
      }),
    ]);
    expect(await yourDays(h, people.ae.id)).toContain(
      'You work Sunday to Thursday, 08:00–16:00 (Europe/Berlin).',
    );
    // Anyone else: as before.
    expect(await yourDays(h, people.otherAe.id)).toContain('You work Monday to Friday.');

    const view = await openMyDays(h, jordan);
    const element = (id: string) => view.blocks.find((b) => b.block_id === id)?.element;
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
