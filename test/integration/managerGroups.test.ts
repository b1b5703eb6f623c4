import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID, PROGRAM_BLOCK_ID as B, CALLBACK_ID } from '../../src/blocks/ids.js';
import { NO_USERGROUP } from '../../src/blocks/programEditors.js';
import { partnerByName } from '../../src/db/repositories/partners.js';
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
  stateOf,
  submitEditor,
  viewText,
} from '../support/programFlow.js';
import { blocksOf, openHome, QUIET } from '../support/revopsFlow.js';

/**
 * Issue 53 item 7: a pool's managers and a partner's managers may be a Slack user group, chosen in the pool's and the
 * partner's editors (admins only for a pool, admins and RevOps for a partner) from the workspace's groups. The
 * group's members, read by the program when it is read (and by the pools job), edit that pool as its named managers
 * do, and hear of the partner's decisions in their DMs as its named partner managers do. No request asks Slack who is
 * in a group.
 *
 * The cast: Olu is the admin; Mo (no role) is in the "Pool leads" group; Sam (no role) in the "Alliances" group.
 */
const ADMIN = internalUser(people.owner);
const MO = internalUser(people.member);
const SAM = internalUser(people.otherAe);
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
    const page = await openPage(h, ADMIN, 'pools');
    const editor = await pushEditor(h, ADMIN, page, 'pool:backup');
    expect(groupOptions(editor)).toEqual([NO_USERGROUP, LEADS, ALLIANCES]);
    await saved(ADMIN, editor, { [B.managersGroup]: LEADS });
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
        (await h.database.db.select().from(h.tables.handoffs).where(eq(h.tables.handoffs.id, handoff.id)))[0]
          ?.status === 'declined',
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
    expect(dmOf(h, MO.id).filter((m) => (m.text ?? '').startsWith(`Handoff #${handoff.id} · `))).toEqual([]);
  }, 30_000);
});
