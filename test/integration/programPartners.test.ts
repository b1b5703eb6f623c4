import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID, PROGRAM_BLOCK_ID as B, CALLBACK_ID, managerBlockId } from '../../src/blocks/ids.js';
import { NO_USERGROUP } from '../../src/blocks/programEditors.js';
import type { Tenant } from '../../src/compose/tenant.js';
import { ensurePartner, partnerByName } from '../../src/db/repositories/partners.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import { dmOf } from '../support/ownerFlow.js';
import { shown } from '../support/partnerFlow.js';
import { declineSubmission } from '../support/payloads.js';
import { people } from '../support/people.js';
import {
  type Answer,
  buttonsIn,
  editValues,
  internalUser,
  modalButton,
  openPage,
  PROGRAM_REFUSALS,
  type ProgramView,
  programLog,
  pushEditor,
  type SlackUser,
  savedPage,
  stateOf,
  submitEditor,
  viewText,
} from '../support/programFlow.js';
import { blocksOf, openHome, QUIET } from '../support/revopsFlow.js';

/**
 * Issue 53 items 2, 6 and 7 in Slack: the Partners page of "The program" (each partner of the directory, its Slack
 * Connect channel, its partner managers and what they hear), its editor for admins, RevOps and the partner's own
 * managers; people of other organizations refused inline wherever an editor chooses people; and a role held by a
 * Slack user group, chosen in the roles editor from the workspace's groups (usergroups.list).
 *
 * The cast: Olu is the admin, Mo is RevOps, Jordan (an AE, no role) becomes Meridian's partner manager, Sam (no role)
 * is in the RevOps user group, Dana is the partner's user (Slack Connect).
 */
const ADMIN = internalUser(people.owner);
const REVOPS = internalUser(people.member);
const JORDAN = internalUser(people.ae);
const SAM = internalUser(people.otherAe);
const DANA = people.partner.id;
// An inline error is plain text: the person is named by their name, never by `<@U…>` markup Slack would show raw.
const OUTSIDE = `${people.partner.real_name} is not in our workspace: choose people of our own workspaces.`;

let h: Harness;
let meridian: number;
let tailspin: number;

beforeAll(async () => {
  h = await startHarness({
    env: { ...QUIET, ADMIN_USER_IDS: ADMIN.id, REVOPS_USER_IDS: REVOPS.id },
  });
  await sendHandoff(h);
  await h.database.db.transaction((tx) => ensurePartner(tx, 'Tailspin Integrators', h.clock.now()));
  meridian = (await partnerByName(h.database.db, 'Meridian Cloud Consulting'))?.id as number;
  tailspin = (await partnerByName(h.database.db, 'Tailspin Integrators'))?.id as number;
  h.slack.addUserGroup('S0REVOPSTEAM', [SAM.id], { name: 'RevOps team', handle: 'revops-team' });
  h.slack.addUserGroup('S0ADMINS', [ADMIN.id], { name: 'Program admins', handle: 'program-admins' });
  h.slack.addUserGroup('S0SALES', [SAM.id], { name: 'Sales', handle: 'sales' });
}, 30_000);

afterAll(async () => {
  await h?.stop();
  await h?.slack.stop();
});

const save = (user: SlackUser, editor: ProgramView, answers: Record<string, Answer> = {}) =>
  submitEditor(h, user, editor, stateOf(editor, answers));

const pageButtons = async (user: SlackUser) =>
  buttonsIn({ blocks: blocksOf(await openHome(h, user.id)) as ProgramView['blocks'] })
    .filter((b) => b.action_id.startsWith(`${ACTION_ID.programOpen}:`))
    .map((b) => b.value)
    .sort();

/** An editor's answer that refuses, with nothing written. */
async function refused(
  user: SlackUser,
  editor: ProgramView,
  answers: Record<string, Answer>,
  errors: object,
) {
  const before = (await programLog(h)).length;
  expect(await save(user, editor, answers)).toEqual({ response_action: 'errors', errors });
  expect(await programLog(h)).toHaveLength(before);
}

// The Partners page.
// Who sees the page in their App Home: programAdmin.test.ts; who may open it: authorizationMatrix.test.ts.
it('lists each partner with its channel and managers', async () => {
  const page = await openPage(h, ADMIN, 'partners');
  expect(page.title?.text).toBe('Partners');
  const text = viewText(page);
  expect(text).toContain('*Meridian Cloud Consulting*');
  expect(text).toContain('Slack Connect: <#C0PARTNER>');
  expect(text).toContain('*Tailspin Integrators*');
  expect(text).toContain('No Slack Connect channel yet: one is added with the first handoff sent there.');
  expect(text).toContain('Partner managers: none named');
  expect(editValues(page).sort()).toEqual([`partner:${meridian}`, `partner:${tailspin}`].sort());
});

it('RevOps names the partner managers and what they hear; someone of another organization is refused inline', async () => {
  const page = await openPage(h, REVOPS, 'partners');
  const editor = await pushEditor(h, REVOPS, page, `partner:${meridian}`);
  expect(editor).toMatchObject({ callback_id: CALLBACK_ID.programPart, title: { text: 'Partner' } });
  expect(editor.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual([
    B.managers,
    // Or everyone in a user group (the user groups below).
    B.managersGroup,
    B.notify,
    B.contacts,
  ]);
  await refused(REVOPS, editor, { [B.managers]: [JORDAN.id, DANA] }, { [B.managers]: OUTSIDE });
  await refused(
    REVOPS,
    editor,
    { [B.managers]: [people.bot.id] },
    { [B.managers]: `${people.bot.real_name} is a bot or an app: choose a person.` },
  );
  // What nobody hears is not chosen for nobody.
  await refused(
    REVOPS,
    editor,
    { [B.notify]: 'decisions' },
    { [B.notify]: 'Name its partner managers first: this is what they hear.' },
  );

  const shown = await savedPage(h, REVOPS, editor, { [B.managers]: [JORDAN.id], [B.notify]: 'decisions' });
  expect(viewText(shown)).toContain(`Partner managers: <@${JORDAN.id}>, told of decisions only`);
  expect((await programLog(h)).at(-1)).toMatchObject({
    kind: 'partner',
    key: String(meridian),
    actor: REVOPS.id,
    body: { managers: [JORDAN.id], notify: 'decisions' },
  });
  // As the command reads it.
  expect(h.app.program.state().partners[String(meridian)]).toEqual({
    managers: [JORDAN.id],
    notify: 'decisions',
  });
  const history = viewText(await openPage(h, REVOPS, 'history'));
  expect(history).toContain(
    `the partner managers of *Meridian Cloud Consulting*: +<@${JORDAN.id}>, hear decisions and outcomes → decisions only`,
  );
});

it('a partner manager opens the page, edits what they hear of their partner only, not its managers', async () => {
  expect(await pageButtons(JORDAN)).toEqual(['partners']);
  const page = await openPage(h, JORDAN, 'partners');
  expect(editValues(page)).toEqual([`partner:${meridian}`]);
  const editor = await pushEditor(h, JORDAN, page, `partner:${meridian}`);
  expect(editor.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual([
    B.notify,
    B.contacts,
  ]);
  expect(viewText(editor)).toContain(`Partner managers: <@${JORDAN.id}>. Admins and RevOps name them.`);

  // Their form with a managers input added (forged): the managers stay.
  const values = {
    ...stateOf(editor, { [B.notify]: 'off' }),
    [B.managers]: { [ACTION_ID.value]: { type: 'multi_users_select', selected_users: [SAM.id] } },
  };
  await savedPage(h, JORDAN, editor, values, true);
  expect((await programLog(h)).at(-1)).toMatchObject({
    kind: 'partner',
    key: String(meridian),
    actor: JORDAN.id,
    body: { managers: [JORDAN.id], notify: 'off' },
  });

  // They keep the partner's contacts: a line each, the role after a comma; too long a name is refused inline.
  const again = await pushEditor(h, JORDAN, await openPage(h, JORDAN, 'partners'), `partner:${meridian}`);
  expect(
    await submitEditor(h, JORDAN, again, stateOf(again, { [B.contacts]: `${'L'.repeat(81)}, VP` })),
  ).toEqual({ response_action: 'errors', errors: { [B.contacts]: 'At most 80 characters.' } });
  const withContacts = await savedPage(h, JORDAN, again, {
    [B.contacts]: 'Lee Park, VP Alliances\n\n  Ana Ruiz  ',
  });
  expect(viewText(withContacts)).toContain('Contacts: Lee Park, VP Alliances; Ana Ruiz');
  expect((await programLog(h)).at(-1)).toMatchObject({
    actor: JORDAN.id,
    body: {
      managers: [JORDAN.id],
      notify: 'off',
      contacts: [{ name: 'Lee Park', role: 'VP Alliances' }, { name: 'Ana Ruiz' }],
    },
  });
  expect(viewText(await openPage(h, ADMIN, 'history'))).toContain(
    'the partner managers of *Meridian Cloud Consulting*: +contact Lee Park, VP Alliances, +contact Ana Ruiz',
  );

  // Another partner's editor: refused (by DM), nothing pushed.
  const pushes = h.slack.callsTo('views.push').length;
  await modalButton(h, JORDAN, page, ACTION_ID.programEdit, `partner:${tailspin}`);
  await waitFor(
    () =>
      h.slack.messages(h.slack.dmChannelFor(JORDAN.id)).some((m) => m.text?.startsWith('Only the program')),
    6000,
    'the refusal',
  );
  expect(h.slack.callsTo('views.push')).toHaveLength(pushes);
});

it('people of other organizations, in every editor: are refused inline on the input they were chosen in', async () => {
  const pools = await openPage(h, ADMIN, 'pools');
  const pool = await pushEditor(h, ADMIN, pools, 'pool:');
  await refused(
    ADMIN,
    pool,
    { [B.id]: 'outside', [B.members]: [SAM.id, DANA], [B.managers]: [DANA] },
    { [B.members]: OUTSIDE, [B.managers]: OUTSIDE },
  );
  h.slack.closeView(pool.id);

  const rolesPage = await openPage(h, ADMIN, 'roles');
  const roles = await pushEditor(h, ADMIN, rolesPage, 'roles:-');
  await refused(
    ADMIN,
    roles,
    { [B.admins]: [ADMIN.id, DANA], [B.revops]: [REVOPS.id, DANA] },
    { [B.admins]: OUTSIDE, [B.revops]: OUTSIDE },
  );
  h.slack.closeView(roles.id);

  const managers = await pushEditor(h, ADMIN, rolesPage, 'managers:-');
  await refused(
    ADMIN,
    managers,
    { [managerBlockId(0, 'ae')]: DANA, [managerBlockId(0, 'manager')]: ADMIN.id },
    { [managerBlockId(0, 'ae')]: OUTSIDE },
  );
});

// Roles as Slack user groups.
it('RevOps as a user group: its members open the policies at once', async () => {
  expect(await pageButtons(SAM)).toEqual([]);
  const page = await openPage(h, ADMIN, 'roles');
  const editor = await pushEditor(h, ADMIN, page, 'roles:-');
  const group = editor.blocks.find((b) => b.block_id === B.revopsGroup);
  expect(group?.label?.text).toBe('Or everyone in a user group');
  expect(group?.element?.options?.map((o) => o.value)).toEqual([
    NO_USERGROUP,
    'S0REVOPSTEAM',
    'S0ADMINS',
    'S0SALES',
  ]);
  expect(group?.element?.initial_option?.value).toBe(NO_USERGROUP);

  await savedPage(h, ADMIN, editor, { [B.revopsGroup]: 'S0REVOPSTEAM' });
  expect((await programLog(h)).at(-1)).toMatchObject({
    kind: 'roles',
    actor: ADMIN.id,
    body: { admin: { users: [ADMIN.id] }, revops: { users: [REVOPS.id], usergroup: 'S0REVOPSTEAM' } },
  });
  expect(h.app.program.revopsUserIds).toContain(SAM.id);
  expect(await pageButtons(SAM)).toEqual(expect.arrayContaining(['history', 'partners', 'policies']));
  const policies = await openPage(h, SAM, 'policies');
  expect(policies.title?.text).toBe('Escalation policies');
});

it('when Slack cannot list the groups, the one in force stays the only choice, and the editor says so', async () => {
  h.slack.fail('usergroups.list', { error: 'internal_error' }, 1);
  const page = await openPage(h, ADMIN, 'roles');
  const editor = await pushEditor(h, ADMIN, page, 'roles:-');
  const group = editor.blocks.find((b) => b.block_id === B.revopsGroup);
  expect(group?.element?.options?.map((o) => o.value)).toEqual([NO_USERGROUP, 'S0REVOPSTEAM']);
  expect(group?.element?.initial_option?.value).toBe('S0REVOPSTEAM');
  expect(viewText(editor)).toContain('I could not read the workspace’s user groups from Slack just now');
});

it('the last admin leaves their own name only for an admins’ group they are in', async () => {
  const page = await openPage(h, ADMIN, 'roles');
  const editor = await pushEditor(h, ADMIN, page, 'roles:-');
  await refused(
    ADMIN,
    editor,
    { [B.admins]: [], [B.adminGroup]: 'S0SALES' },
    {
      [B.admins]: 'You are not in the admins’ user group: you cannot remove yourself. Ask another admin to.',
    },
  );
  await refused(
    ADMIN,
    editor,
    { [B.admins]: [] },
    { [B.admins]: 'The program needs at least one admin: name someone.' },
  );
  await savedPage(h, ADMIN, editor, { [B.admins]: [], [B.adminGroup]: 'S0ADMINS' });
  expect(h.app.program.state().roles.admin).toEqual({ users: [], usergroup: 'S0ADMINS' });
  expect(h.app.program.adminUserIds).toEqual([ADMIN.id]);
  // An admin through the group only: the page still opens, and the group may be kept without their name.
  const again = await pushEditor(h, ADMIN, await openPage(h, ADMIN, 'roles'), 'roles:-');
  await savedPage(h, ADMIN, again, { [B.revops]: [REVOPS.id, JORDAN.id] });
  expect(h.app.program.state().roles.revops.users).toEqual([REVOPS.id, JORDAN.id]);
});

describe('managers as Slack user groups, on a harness of their own', () => {
  /**
   * A pool's managers and a partner's managers may be a Slack user group, chosen in the pool's and the
   * partner's editors (admins only for a pool, admins and RevOps for a partner) from the workspace's groups. The
   * group's members, read by the program when it is read (and by the pools job), edit that pool as its named managers
   * do, and hear of the partner's decisions in their DMs as its named partner managers do. No request asks Slack who is
   * in a group.
   *
   * The cast: Olu is the admin; Mo (no role) is in the "Pool leads" group; Sam (no role) in the "Alliances" group.
   */
  const MO = internalUser(people.member);
  const LEADS = 'S0POOLLEADS';
  const ALLIANCES = 'S0ALLIANCES';

  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { ...QUIET, ADMIN_USER_IDS: ADMIN.id } });
    h.slack.addUserGroup(LEADS, [MO.id], { name: 'Pool leads', handle: 'pool-leads' });
    h.slack.addUserGroup(ALLIANCES, [SAM.id], { name: 'Alliances', handle: 'alliances' });
    for (const [key, users] of [
      ['backup', [people.otherAe.id, people.ae.id]],
      ['emea', [people.ae.id]],
    ] as const)
      expect(
        await h.app.program.edit({ actor: ADMIN.id, kind: 'pool', key, body: { users: [...users] } }),
      ).toMatchObject({ ok: true });
  }, 30_000);

  afterAll(async () => {
    await h?.stop();
    await h?.slack.stop();
  });

  /** Saves an editor: it closes (an empty ack), and the program holds the edit. */
  async function saved(user: SlackUser, editor: ProgramView, answers: Record<string, Answer>) {
    expect(await submitEditor(h, user, editor, stateOf(editor, answers))).toEqual({});
  }

  const groupOptions = (editor: ProgramView) =>
    editor.blocks.find((b) => b.block_id === B.managersGroup)?.element?.options?.map((o) => o.value);

  describe("a pool's managers as a user group", () => {
    it('an admin chooses the group; its member edits that pool, not another, and leaves with the group', async () => {
      // No group named yet: the pools job has nothing to read again, and claims no slot.
      const policies = (h.app.tenants()[0] as Tenant).wired.services.policies;
      expect([h.app.program.hasGroups(), policies.hasGroups()]).toEqual([false, false]);
      const page = await openPage(h, ADMIN, 'pools');
      const editor = await pushEditor(h, ADMIN, page, 'pool:backup');
      expect(groupOptions(editor)).toEqual([NO_USERGROUP, LEADS, ALLIANCES]);
      await saved(ADMIN, editor, { [B.managersGroup]: LEADS });
      expect([h.app.program.hasGroups(), policies.hasGroups()]).toEqual([true, false]);
      expect((await programLog(h)).at(-1)).toMatchObject({
        kind: 'pool',
        key: 'backup',
        actor: ADMIN.id,
        body: { users: [people.otherAe.id, people.ae.id], managersGroup: LEADS },
      });
      // Read when the program was read: opening the pages and the editor below asks Slack nothing more.
      expect(h.app.program.groupMembers(LEADS)).toEqual([MO.id]);
      const reads = h.slack.callsTo('usergroups.users.list').length;

      // Mo, in the group, sees the Pools page, and may edit the backup pool alone.
      const home = blocksOf(await openHome(h, MO.id));
      expect(
        buttonsIn({ blocks: home as ProgramView['blocks'] })
          .filter((b) => b.action_id.startsWith(`${ACTION_ID.programOpen}:`))
          .map((b) => b.value),
      ).toEqual(['pools']);
      const theirs = await openPage(h, MO, 'pools');
      expect(editValues(theirs)).toEqual(['pool:backup']);
      expect(viewText(theirs)).toContain(`Managed by <!subteam^${LEADS}>`);
      const own = await pushEditor(h, MO, theirs, 'pool:backup');
      expect(own).toMatchObject({ callback_id: CALLBACK_ID.programPart, title: { text: 'Edit pool' } });
      // A pool's manager changes neither its managers nor their group: the editor says who they are.
      expect(own.blocks.some((b) => b.block_id === B.managersGroup)).toBe(false);
      expect(viewText(own)).toContain(`Managed by <!subteam^${LEADS}>`);
      expect(h.slack.callsTo('usergroups.users.list')).toHaveLength(reads);
      // A pool whose members are a user group: the escalation policies have one to read again too.
      expect(
        await h.app.program.edit({ actor: ADMIN.id, kind: 'pool', key: 'leads', body: { usergroup: LEADS } }),
      ).toMatchObject({ ok: true });
      expect(policies.hasGroups()).toBe(true);
      // Their form with a group forged in: the group is kept as it is.
      await submitEditor(h, MO, own, {
        ...stateOf(own, { [B.cap]: '2' }),
        [B.managersGroup]: {
          [ACTION_ID.value]: {
            type: 'static_select',
            selected_option: { text: { type: 'plain_text', text: 'x' }, value: NO_USERGROUP },
          },
        },
      });
      expect((await programLog(h)).at(-1)).toMatchObject({
        kind: 'pool',
        key: 'backup',
        actor: MO.id,
        body: { users: [people.otherAe.id, people.ae.id], cap: 2, managersGroup: LEADS },
      });

      // Another pool's Edit (a forged button): refused by DM, nothing pushed.
      const dms = dmOf(h, MO.id).length;
      await modalButton(h, MO, theirs, ACTION_ID.programEdit, 'pool:emea');
      await waitFor(() => dmOf(h, MO.id).length > dms, 6000, 'the refusal DM');
      expect(dmOf(h, MO.id).at(-1)?.text).toBe(PROGRAM_REFUSALS.notYours);

      // Mo leaves the group in Slack: the pools job reads it again, and they edit the pool no more.
      h.slack.addUserGroup(LEADS, [], { name: 'Pool leads', handle: 'pool-leads' });
      await h.app.program.refreshGroups();
      expect(h.app.program.groupMembers(LEADS)).toEqual([]);
      expect(editValues(await openPage(h, ADMIN, 'pools'))).toContain('pool:backup');
      const before = dmOf(h, MO.id).length;
      await modalButton(h, MO, theirs, ACTION_ID.programEdit, 'pool:backup');
      await waitFor(() => dmOf(h, MO.id).length > before, 6000, 'the refusal DM');
      expect(dmOf(h, MO.id).at(-1)?.text).toBe(PROGRAM_REFUSALS.notYours);
    }, 30_000);

    it('a group Slack cannot read holds no one until it is read again', async () => {
      h.slack.addUserGroup(LEADS, [MO.id], { name: 'Pool leads', handle: 'pool-leads' });
      h.slack.fail('usergroups.users.list', { error: 'internal_error' });
      await h.app.program.refreshGroups();
      expect(h.app.program.groupMembers(LEADS)).toEqual([]);
      h.slack.clearFailures();
      await h.app.program.refreshGroups();
      expect(h.app.program.groupMembers(LEADS)).toEqual([MO.id]);
    });

    it('the policy file refuses a managers group that is not a user group id, with its place', async () => {
      const result = await h.app.program.edit({
        actor: ADMIN.id,
        kind: 'pool',
        key: 'emea',
        body: { users: [people.ae.id], managersGroup: 'leads' },
      });
      expect(result).toEqual({
        ok: false,
        problems: ['pools.emea.managersGroup: is not a Slack user group id like S012ABCDEF'],
      });
    });
  });

  describe("a partner's managers as a user group", () => {
    it("an admin chooses the group; its member hears of the partner's decision in their DMs", async () => {
      const { handoff } = await sendHandoff(h);
      const partner = await partnerByName(h.database.db, handoff.partnerOrg);
      if (!partner) throw new Error('no partner');
      const page = await openPage(h, ADMIN, 'partners');
      const editor = await pushEditor(h, ADMIN, page, `partner:${partner.id}`);
      expect(groupOptions(editor)).toEqual([NO_USERGROUP, LEADS, ALLIANCES]);
      await saved(ADMIN, editor, { [B.managersGroup]: ALLIANCES });
      expect((await programLog(h)).at(-1)).toMatchObject({
        kind: 'partner',
        key: String(partner.id),
        body: { managers: [], usergroup: ALLIANCES },
      });
      expect(h.app.program.state().partners[String(partner.id)]).toEqual({
        managers: [],
        usergroup: ALLIANCES,
      });

      // Sam, in the group, may choose what the partner's managers hear: their editor has no managers' inputs.
      const samPage = await openPage(h, SAM, 'partners');
      expect(editValues(samPage)).toEqual([`partner:${partner.id}`]);
      expect(viewText(samPage)).toContain(`Partner managers: <!subteam^${ALLIANCES}>, told of`);
      const theirs = await pushEditor(h, SAM, samPage, `partner:${partner.id}`);
      expect(theirs.blocks.some((b) => b.block_id === B.managersGroup)).toBe(false);
      expect(viewText(theirs)).toContain(`Partner managers: <!subteam^${ALLIANCES}>`);

      const response = await h.interact(declineSubmission({ handoffId: handoff.id, reason: 'timing' }));
      expect(response.status).toBe(200);
      await waitFor(
        async () =>
          (
            await h.database.db.select().from(h.tables.handoffs).where(eq(h.tables.handoffs.id, handoff.id))
          )[0]?.status === 'declined',
        6000,
        'the decline',
      );
      const told = () =>
        dmOf(h, SAM.id).filter(
          (m) =>
            (m.text ?? '').startsWith(`Handoff #${handoff.id} · `) &&
            shown(m).includes('You are a partner manager'),
        );
      await waitFor(() => told().length === 1, 8000, "the partner manager's DM");
      await quiet(h);
      expect(told()).toHaveLength(1);
      expect(told()[0]?.text).toBe(
        `Handoff #${handoff.id} · ${handoff.accountName} (${handoff.partnerOrg}): declined`,
      );
      // Mo is in no partner's group: told nothing.
      expect(dmOf(h, MO.id).filter((m) => (m.text ?? '').startsWith(`Handoff #${handoff.id} · `))).toEqual(
        [],
      );
    }, 30_000);
  });
});
