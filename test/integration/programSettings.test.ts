import { expect, it } from 'vitest';
import { ACTION_ID, settingBlockId as S } from '../../src/blocks/ids.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import { inlineErrors } from '../support/ib2-answers.js';
import { dmOf, handoffRow } from '../support/ownerFlow.js';
import { aeSlackUser, click, partnerHarnesses } from '../support/partnerFlow.js';
import { channels, people } from '../support/people.js';
import {
  editValues,
  homeButton,
  internalUser,
  modalButton,
  openPage,
  type ProgramView,
  programLog,
  pushEditor,
  type SlackUser,
  savedPage,
  stateOf,
  submitEditor,
  viewOpenedBy,
  viewText,
} from '../support/programFlow.js';
import { ROLES } from '../support/revopsFlow.js';

/**
 * Issue 53 item 3: the settings about the program are the program's, edited in Slack (App Home → The program →
 * Settings), in force at once. The environment's values are read in once, at the first start; each group has its
 * editor, for whom its row names (admins; RevOps for the packets and the reporting); bad values are refused inline.
 *
 * Olu is the admin (and owns the handoffs), Mo is RevOps, Jordan the AE (Berlin): he gets the packet Monday 23
 * November 15:00 Berlin, due Thursday 26 November 15:00.
 */
const ADMIN = internalUser(people.owner);
const REVOPS = internalUser(people.member);
const ENV = { ...ROLES, STALL_BUSINESS_DAYS: '7', MORE_TIME_DAYS: '3' };

const start = partnerHarnesses();

async function settingsPage(h: Harness, user: SlackUser): Promise<ProgramView> {
  const trigger = await homeButton(h, user, `${ACTION_ID.programOpen}:settings`, 'settings');
  return viewOpenedBy(h, 'views.open', trigger);
}

async function editor(h: Harness, user: SlackUser, page: ProgramView, group: string): Promise<ProgramView> {
  const trigger = await modalButton(h, user, page, ACTION_ID.programEdit, `settings:${group}`);
  return viewOpenedBy(h, 'views.push', trigger);
}

const settingsEntries = async (h: Harness) => (await programLog(h)).filter((r) => r.kind === 'settings');

it('reads the environment’s program settings in once, shows each group with who may edit it, and refuses bad values inline', async () => {
  const h = await start(ENV);
  const [imported, ...more] = await settingsEntries(h);
  expect(more).toEqual([]);
  expect(imported).toMatchObject({ actor: 'import', body: { stallBusinessDays: 7, moreTimeDays: 3 } });
  expect(imported?.note).toContain('STALL_BUSINESS_DAYS');

  const page = await settingsPage(h, ADMIN);
  expect(page.title?.text).toBe('Settings');
  const text = viewText(page);
  expect(text).toContain('Quiet accepted deals: *7 business days*\\n');
  expect(text).toContain('More time: *3 business days*\\n');
  expect(text).toContain('Reminders: at 50% of the window and on its last morning\\n');
  expect(text).toContain('Escalation channel: none\\n');
  // Unset, a setting with words of its own for its default says them.
  expect(text).toContain('Reporting currency: the CRM’s corporate currency"');
  expect(text).toContain('Values in *bold* are this program’s own; the others are the defaults.');
  expect(editValues(page)).toEqual([
    'settings:window',
    'settings:packets',
    'settings:decisions',
    'settings:pools',
    'settings:reporting',
  ]);
  // RevOps read every group, and edit the packets' and the reporting's.
  expect(editValues(await settingsPage(h, REVOPS))).toEqual(['settings:packets', 'settings:reporting']);

  // Bad values are refused inline, on their input, and nothing is written.
  const before = (await programLog(h)).length;
  const packets = await editor(h, ADMIN, page, 'packets');
  expect(
    await submitEditor(
      h,
      ADMIN,
      packets,
      stateOf(packets, { [S('scoreReady')]: '10', [S('scoreFix')]: '12' }),
    ),
  ).toEqual(inlineErrors({ [S('scoreReady')]: 'Must be above "Fix below".' }));
  const window = await editor(h, ADMIN, page, 'window');
  expect(
    await submitEditor(
      h,
      ADMIN,
      window,
      stateOf(window, { [S('businessDayStart')]: '18:00', [S('defaultTimeZone')]: 'Mars/Olympus' }),
    ),
  ).toEqual(
    inlineErrors({
      [S('defaultTimeZone')]: 'Must be a time zone like America/New_York or Europe/Paris.',
      [S('businessDayEnd')]: 'Must be after the start.',
    }),
  );
  expect(await programLog(h)).toHaveLength(before);
});

it('an admin’s edit is in force at once: more time is given at once, with its new days, without a restart', async () => {
  const h = await start(ENV);
  const page = await settingsPage(h, ADMIN);
  const form = await editor(h, ADMIN, page, 'decisions');
  expect(form.title?.text).toBe('Around the decision');
  const after = await savedPage(h, ADMIN, form, {
    [S('moreTimeApproval')]: 'auto',
    [S('moreTimeDays')]: '4',
  });
  expect(viewText(after)).toContain('More time is: *given at once*\\n');
  expect(viewText(after)).toContain('More time: *4 business days*\\n');
  expect((await settingsEntries(h)).at(-1)).toMatchObject({
    actor: ADMIN.id,
    body: { stallBusinessDays: 7, moreTimeDays: 4, moreTimeApproval: 'auto' },
  });

  // The history says who changed what, from what to what.
  const trigger = await homeButton(h, ADMIN, `${ACTION_ID.programOpen}:history`, 'history');
  expect(viewText(await viewOpenedBy(h, 'views.open', trigger))).toContain(
    `<@${ADMIN.id}> · settings: More time: 3 business days → 4 business days; More time is: approved by the owner, with one click → given at once`,
  );

  const { handoff } = await sendHandoff(h, { ownerUserId: people.owner.id });
  await quiet(h);
  await click(h, ACTION_ID.askMoreTime, handoff.id, aeSlackUser);
  await quiet(h);
  const given = await handoffRow(h, handoff.id);
  expect(given.moreTime).toBe('granted');
  // Four business days after Thursday 26 November 15:00 Berlin: Wednesday 2 December.
  expect(given.dueAt.toISOString()).toBe('2026-12-02T14:00:00.000Z');
  expect(dmOf(h, people.ae.id).some((m) => JSON.stringify(m).includes('*4 more business days*'))).toBe(true);

  // An emptied setting goes back to its default; the others stay.
  const emptied = await editor(h, ADMIN, await settingsPage(h, ADMIN), 'decisions');
  expect(viewText(await savedPage(h, ADMIN, emptied, { [S('moreTimeDays')]: null }))).toContain(
    'More time: 2 business days\\n',
  );
  const last = (await settingsEntries(h)).at(-1);
  expect(last?.body).toMatchObject({ stallBusinessDays: 7 });
  expect(last?.body).not.toHaveProperty('moreTimeDays');
  expect(h.app.program.state().settings.moreTimeDays).toBe(2);
});

it('the pool editor offers the cap Settings says now, not the start’s; a channel chosen there escalates the next silence', async () => {
  const h = await start(ENV);
  const form = await editor(h, ADMIN, await settingsPage(h, ADMIN), 'pools');
  const after = await savedPage(h, ADMIN, form, { [S('poolMaxOpen')]: '7' });
  expect(viewText(after)).toContain('Open handoffs per AE: *7 handoffs*\\n');
  const pool = await pushEditor(h, ADMIN, await openPage(h, ADMIN, 'pools'), 'pool:');
  expect(viewText(pool)).toContain('A member holding this many is skipped by the round robin. Empty: 7.');

  // A channel chosen in Settings is checked with Slack at once and escalates the next silence, no restart.
  const window = await editor(h, ADMIN, await settingsPage(h, ADMIN), 'window');
  const shown = await savedPage(h, ADMIN, window, { [S('escalationChannelId')]: [channels.internal.id] });
  expect(viewText(shown)).toContain(`Escalation channel: *<#${channels.internal.id}>*\\n`);
  await quiet(h);
  const { handoff } = await sendHandoff(h);
  h.clock.set(handoff.dueAt);
  expect((await h.app.sweeper.sweep()).expired).toBe(1);
  const escalation = await waitFor(() => h.slack.messages(channels.internal.id)[0], 6000, 'the escalation');
  expect(JSON.stringify(escalation.blocks)).toContain('*Silence*');
  await quiet(h);
  expect(h.slack.messages(channels.partner.id).filter((m) => JSON.stringify(m).includes('Silence'))).toEqual(
    [],
  );
});
