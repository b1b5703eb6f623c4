import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ACTION_ID,
  PROGRAM_BLOCK_ID as B,
  CALLBACK_ID,
  levelBlockId,
  managerBlockId,
  weightBlockId,
} from '../../src/blocks/ids.js';
import { ensurePartner } from '../../src/db/repositories/partners.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { may } from '../../src/domain/permissions.js';
import { APPLIED_NOTE } from '../../src/program/edits.js';
import { account } from '../support/crmFlow.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import { inlineErrors } from '../support/ib2-answers.js';
import { dmOf, handoffRow } from '../support/ownerFlow.js';
import { people } from '../support/people.js';
import {
  type Answer,
  buttonsIn,
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
 * Issue 53 items 2 and 7: the program's pages and editors in Slack, through the real receiver. The App Home shows
 * "The program" to those who run a part of it; a page opens from there, an editor is pushed from its Edit or New, and
 * a saved editor is in force at once (and after a restart), written to the program's log with who saved it. Each
 * editor refuses bad input inline; who may edit what is checked again on every submission.
 *
 * The cast: Olu is the admin, Mo is RevOps, Pat (no role) manages the EMEA backup pool, Jordan is an AE, Sam an AE who
 * becomes RevOps, Dana the partner's user (Slack Connect).
 */
const ADMIN = internalUser(people.owner);
const REVOPS = internalUser(people.member);
const POOL_MANAGER = internalUser(people.author);
const AE = internalUser(people.ae);
const SAM = internalUser(people.otherAe);

const FILE = {
  pools: { backup: { name: 'Backup AEs', users: [people.otherAe.id, people.member.id] } },
  policies: {
    strategic: [
      { at: '50%', action: 'remind' },
      { at: 'due+4h', action: 'reassign', to: ['pool:backup'] },
    ],
  },
  routes: [{ partner: 'Meridian Cloud Consulting', policy: 'strategic' }],
};

const { notYours: NOT_YOURS, forbidden: FORBIDDEN } = PROGRAM_REFUSALS;

let h: Harness;
let slack: FakeSlack;
let dir: string;
let env: Record<string, string>;
/** The handoff sent at start (Meridian's, under the file's `strategic` policy). */
let open: HandoffRow;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'program-admin-'));
  const file = join(dir, 'policies.json');
  writeFileSync(file, JSON.stringify(FILE));
  env = {
    ...QUIET,
    ADMIN_USER_IDS: ADMIN.id,
    REVOPS_USER_IDS: REVOPS.id,
    ESCALATION_POLICY_FILE: file,
  };
  h = await startHarness({ env });
  slack = h.slack;
  ({ handoff: open } = await sendHandoff(h, account('Northwind Program')));
  // A second partner of the directory, for a policy's route.
  await h.database.db.transaction((tx) => ensurePartner(tx, 'Tailspin Integrators', h.clock.now()));
}, 30_000);

afterAll(async () => {
  await h?.stop();
  await slack?.stop();
  rmSync(dir, { recursive: true, force: true });
  // The first start's SQLite file, kept for the restart.
  if (h?.engine === 'sqlite') rmSync(dirname(h.databaseKey), { recursive: true, force: true });
});

/** Submits an editor with these answers (by block id) over its initial values. */
function save(user: SlackUser, editor: ProgramView, answers: Record<string, Answer> = {}) {
  return submitEditor(h, user, editor, stateOf(editor, answers));
}

/** The values of the buttons of an action (its action id, or one per button: `<action id>:<value>`). */
const buttonValues = (view: { blocks: unknown[] }, actionId: string) =>
  buttonsIn(view as ProgramView)
    .filter((b) => b.action_id === actionId || b.action_id.startsWith(`${actionId}:`))
    .map((b) => b.value);

const lastEntry = async () => (await programLog(h)).at(-1);

/** A refusal the person is told by DM (no response_url in a modal or the App Home): nothing opened or pushed. */
async function refusedByDm(user: SlackUser, act: () => Promise<unknown>, text: string) {
  await quiet(h);
  const before = { dms: dmOf(h, user.id).length, log: (await programLog(h)).length };
  const views = () => h.slack.callsTo('views.open').length + h.slack.callsTo('views.push').length;
  const opened = views();
  await act();
  await waitFor(() => dmOf(h, user.id).length > before.dms, 6000, 'the refusal DM');
  expect(dmOf(h, user.id).at(-1)?.text).toBe(text);
  await quiet(h);
  expect(views()).toBe(opened);
  expect(await programLog(h)).toHaveLength(before.log);
}

it('the program in the App Home: shows admins every page, RevOps the policies and history, and an AE nothing', async () => {
  const home = async (user: SlackUser) => blocksOf(await openHome(h, user.id));
  const pages = (blocks: unknown[]) => buttonValues({ blocks }, ACTION_ID.programOpen).sort();

  const admin = await home(ADMIN);
  expect(JSON.stringify(admin)).toContain('*The program*: 1 pool · 1 escalation policy');
  expect(pages(admin)).toEqual(['calendar', 'history', 'partners', 'policies', 'pools', 'roles', 'settings']);
  expect(pages(await home(REVOPS))).toEqual(['history', 'partners', 'policies', 'settings']);
  const ae = await home(AE);
  expect(JSON.stringify(ae)).not.toContain('The program');
  expect(pages(ae)).toEqual([]);
});

// Pools.
it('an admin makes a pool in its editor: in force at once, in the log, still there after a restart; edits it again and again', async () => {
  const page = await openPage(h, ADMIN, 'pools');
  expect(page.title?.text).toBe('Pools');
  expect(viewText(page)).toContain('*Backup AEs*');
  expect(buttonValues(page, ACTION_ID.programEdit)).toEqual(['pool:backup', 'pool:']);

  const editor = await pushEditor(h, ADMIN, page, 'pool:');
  expect(editor).toMatchObject({ callback_id: CALLBACK_ID.programPart, title: { text: 'New pool' } });
  expect(h.slack.viewStack(editor.id)).toEqual([page.id, editor.id]);

  const pool = {
    [B.id]: 'emea-backup',
    [B.name]: 'EMEA backup',
    [B.members]: [people.otherAe.id, people.ae.id],
    [B.cap]: '3',
    [B.managers]: [POOL_MANAGER.id],
  };
  // An id taken, and (forged: Slack requires the input) no member: inline, nothing written.
  const before = (await programLog(h)).length;
  expect(await save(ADMIN, editor, { ...pool, [B.id]: 'backup' })).toEqual(
    inlineErrors({ [B.id]: 'A pool has this id already: choose another.' }),
  );
  const noMembers = stateOf(editor, pool);
  noMembers[B.members] = { [ACTION_ID.value]: { type: 'multi_users_select', selected_users: [] } };
  expect(await submitEditor(h, ADMIN, editor, noMembers)).toEqual(
    inlineErrors({ [B.members]: 'A pool has at least one member.' }),
  );
  // An edit of a pool that is not there (removed meanwhile; here forged) makes none.
  expect(
    await submitEditor(h, ADMIN, editor, stateOf(editor, pool), {
      privateMetadata: JSON.stringify({ part: 'pool', key: 'gone' }),
    }),
  ).toEqual(
    inlineErrors({
      [B.name]: 'This was removed meanwhile: nothing was saved. Close this, and open the page again.',
    }),
  );
  expect(await programLog(h)).toHaveLength(before);

  const shown = await savedPage(h, ADMIN, editor, pool);
  expect(viewText(shown)).toContain('*EMEA backup*');
  expect(viewText(shown)).toContain('At most 3 open handoffs each');
  expect(viewText(shown)).toContain(`Managed by <@${POOL_MANAGER.id}>`);
  expect(await lastEntry()).toMatchObject({
    kind: 'pool',
    key: 'emea-backup',
    actor: ADMIN.id,
    body: {
      name: 'EMEA backup',
      users: [people.otherAe.id, people.ae.id],
      cap: 3,
      managers: [POOL_MANAGER.id],
    },
  });
  expect(h.app.program.book()?.pools['emea-backup']).toMatchObject({ cap: 3 });

  // The next start reads it from the database.
  await h.stop({ keepDatabase: true });
  h = await startHarness({ env, slack, databasePath: h.databaseKey });
  expect(h.app.program.state().bookJson.pools['emea-backup']).toMatchObject({
    name: 'EMEA backup',
    users: [people.otherAe.id, people.ae.id],
    managers: [POOL_MANAGER.id],
  });

  // Edited again and again from one page: the stack stays within Slack’s three views.
  let pools = await openPage(h, ADMIN, 'pools');
  for (const cap of ['4', '5', '3']) {
    const again = await pushEditor(h, ADMIN, pools, 'pool:emea-backup');
    expect(again.title?.text).toBe('Edit pool');
    pools = await savedPage(h, ADMIN, again, { [B.cap]: cap });
    expect(viewText(pools)).toContain(`At most ${cap} open handoffs each`);
  }
}, 30_000);

// Policies.
it('an admin makes a policy of two levels and a route; the page says its levels in words; "Remove this level" removes one', async () => {
  const page = await openPage(h, ADMIN, 'policies');
  const editor = await pushEditor(h, ADMIN, page, 'policy:');
  expect(editor.title?.text).toBe('New policy');

  const valid: Record<string, Answer> = {
    [B.id]: 'emea-strategic',
    [B.name]: 'EMEA strategic',
    [levelBlockId(0, 'when')]: '50%',
    [levelBlockId(0, 'action')]: 'remind',
    [levelBlockId(1, 'when')]: 'due+4h',
    [levelBlockId(1, 'action')]: 'reassign',
    [levelBlockId(1, 'to')]: ['pool:emea-backup'],
    [B.partners]: ['Tailspin Integrators'],
  };
  const before = (await programLog(h)).length;
  // A reassign to two, a notice to nobody: each on its row.
  expect(
    await save(ADMIN, editor, {
      ...valid,
      [levelBlockId(0, 'action')]: 'notify',
      [levelBlockId(1, 'to')]: ['pool:emea-backup', 'cover'],
    }),
  ).toEqual(
    inlineErrors({
      [levelBlockId(0, 'to')]: 'Choose whom to tell.',
      [levelBlockId(1, 'to')]: 'Reassign to exactly one: a pool or the AE’s cover.',
    }),
  );
  // A check-in is on the first step's date, not at the due time.
  expect(
    await save(ADMIN, editor, {
      ...valid,
      [levelBlockId(0, 'when')]: 'due',
      [levelBlockId(0, 'action')]: 'check_in',
    }),
  ).toEqual(inlineErrors({ [levelBlockId(0, 'when')]: "A check-in is on the first step's date." }));
  expect(await programLog(h)).toHaveLength(before);

  const shown = await savedPage(h, ADMIN, editor, valid);
  const text = viewText(shown);
  expect(text).toContain('*EMEA strategic*');
  expect(text).toContain('Half the window gone: remind the AE');
  expect(text).toContain(
    '4 business hours after the due time: reassign to the next AE of the *EMEA backup* pool',
  );
  expect(text).toContain("Followed by Tailspin Integrators's handoffs.");
  const written = (await programLog(h)).slice(before);
  expect(written.map((e) => [e.kind, e.key, e.actor])).toEqual([
    ['policy', 'emea-strategic', ADMIN.id],
    ['routes', '-', ADMIN.id],
  ]);
  expect(h.app.program.state().bookJson.routes).toContainEqual({
    partner: 'Tailspin Integrators',
    policy: 'emea-strategic',
  });

  // "Remove this level" removes a level.
  const again = await openPage(h, ADMIN, 'policies');
  const removing = await pushEditor(h, ADMIN, again, 'policy:emea-strategic');
  expect(removing.title?.text).toBe('Edit policy');
  const removed = await savedPage(h, ADMIN, removing, { [levelBlockId(0, 'when')]: 'remove' });
  const at = removed.blocks.findIndex((b) => b.text?.text === '*EMEA strategic*');
  expect(JSON.stringify(removed.blocks[at + 1])).toContain('• 4 business hours after the due time');
  expect(JSON.stringify(removed.blocks[at + 1])).not.toContain('Half the window gone');
  expect(h.app.program.state().bookJson.policies['emea-strategic']).toEqual({
    name: 'EMEA strategic',
    levels: [{ at: 'due+4h', action: 'reassign', to: ['pool:emea-backup'] }],
  });
});

it('a pool a policy sends handoffs to is not removed: said on the remove box', async () => {
  const page = await openPage(h, ADMIN, 'pools');
  const editor = await pushEditor(h, ADMIN, page, 'pool:emea-backup');
  const before = (await programLog(h)).length;
  expect(await save(ADMIN, editor, { [B.remove]: ['remove'] })).toEqual(
    inlineErrors({ [B.remove]: 'The emea-strategic policy sends handoffs to this pool: change it first.' }),
  );
  expect(await programLog(h)).toHaveLength(before);

  // A pool whose AEs' handoffs follow a policy (a route): the same. (The person closes this editor first.)
  expect(h.slack.closeView(editor.id)).toMatchObject({ ok: true, closed: [editor.id] });
  const added = await savedPage(h, ADMIN, await pushEditor(h, ADMIN, page, 'pool:'), {
    [B.id]: 'routed',
    [B.members]: [people.member.id],
  });
  const policies = await openPage(h, ADMIN, 'policies');
  await savedPage(h, ADMIN, await pushEditor(h, ADMIN, policies, 'policy:emea-strategic'), {
    [B.pools]: ['routed'],
  });
  expect(h.app.program.state().bookJson.routes).toContainEqual({
    aePool: 'routed',
    policy: 'emea-strategic',
  });
  const routed = await pushEditor(h, ADMIN, added, 'pool:routed');
  expect(await save(ADMIN, routed, { [B.remove]: ['remove'] })).toEqual(
    inlineErrors({
      [B.remove]: "A policy is followed by the handoffs to this pool's AEs: take the pool off it first.",
    }),
  );
});

it('apply to open handoffs: an edit leaves the open handoff on its version; ticking "Apply to the 1 open handoff" moves it, audited', async () => {
  const pinned = (await handoffRow(h, open.id)).policyVersion;
  expect(pinned).toBe(h.app.program.policyVersion('strategic'));
  const editAt = async (at: string, apply: boolean) => {
    const page = await openPage(h, ADMIN, 'policies');
    const editor = await pushEditor(h, ADMIN, page, 'policy:strategic');
    expect(viewText(editor)).toContain('Apply to the 1 open handoff under it too');
    return savedPage(h, ADMIN, editor, {
      [levelBlockId(0, 'when')]: at,
      ...(apply ? { [B.apply]: ['apply'] } : {}),
    });
  };

  await editAt('75%', false);
  expect(h.app.program.policyVersion('strategic')).toBeGreaterThan(pinned as number);
  expect((await handoffRow(h, open.id)).policyVersion).toBe(pinned);

  const dms = dmOf(h, ADMIN.id).length;
  await editAt('25%', true);
  const applied = await lastEntry();
  expect(applied).toMatchObject({ kind: 'policy', key: 'strategic', actor: ADMIN.id, note: APPLIED_NOTE });
  expect(applied?.note).toBe('applied to the open handoffs under this policy');
  expect((await handoffRow(h, open.id)).policyVersion).toBe(applied?.id);
  await waitFor(
    () =>
      dmOf(h, ADMIN.id)
        .slice(dms)
        .some((m) => m.text === `Saved, and applied to 1 open handoff: #${open.id}.`),
    6000,
    'the admin told',
  );
});

it('the calendar: takes closures one per line (a bad date inline) and everyone’s holiday regions', async () => {
  const page = await openPage(h, ADMIN, 'calendar');
  const editor = await pushEditor(h, ADMIN, page, 'calendar:-');
  const before = (await programLog(h)).length;
  expect(await save(ADMIN, editor, { [B.closures]: '2026-12-24\n2026-13-01' })).toEqual(
    inlineErrors({ [B.closures]: '"2026-13-01" is not a date of the calendar.' }),
  );
  expect(await save(ADMIN, editor, { [B.holidays]: 'regions', [B.regions]: '' })).toMatchObject(
    inlineErrors({ [B.regions]: expect.any(String) }),
  );
  expect(await programLog(h)).toHaveLength(before);

  const shown = await savedPage(h, ADMIN, editor, {
    [B.closures]: '2026-12-31\n2026-12-24',
    [B.holidays]: 'regions',
    [B.regions]: 'US, de-by',
  });
  expect(viewText(shown)).toContain('2026-12-24, 2026-12-31');
  expect(viewText(shown)).toContain('Public holidays: those of US, DE-BY, for everyone');
  expect(h.app.program.state()).toMatchObject({
    closures: ['2026-12-24', '2026-12-31'],
    holidays: ['US', 'DE-BY'],
  });
  expect((await programLog(h)).slice(before).map((e) => [e.kind, e.actor])).toEqual([
    ['closures', ADMIN.id],
    ['holidays', ADMIN.id],
  ]);
});

// Roles and managers.
it('the last admin cannot remove themselves; RevOps added see the metrics at once; manager pairs added and removed', async () => {
  const page = await openPage(h, ADMIN, 'roles');
  const editor = await pushEditor(h, ADMIN, page, 'roles:-');
  expect(await save(ADMIN, editor, { [B.admins]: [SAM.id] })).toEqual(
    inlineErrors({ [B.admins]: 'You cannot remove yourself: ask another admin to.' }),
  );
  const roles = { adminUserIds: h.app.program.adminUserIds, revopsUserIds: h.app.program.revopsUserIds };
  expect(may(roles, SAM.id, 'metrics')).toBe(false);
  expect(JSON.stringify(blocksOf(await openHome(h, SAM.id)))).not.toContain('Program metrics');

  const shown = await savedPage(h, ADMIN, editor, { [B.revops]: [REVOPS.id, SAM.id] });
  expect(viewText(shown)).toContain(`*RevOps*: <@${REVOPS.id}>, <@${SAM.id}>`);
  expect(may(roles, SAM.id, 'metrics')).toBe(true);
  expect(JSON.stringify(blocksOf(await openHome(h, SAM.id)))).toContain('*Program metrics*');
  expect(await lastEntry()).toMatchObject({
    kind: 'roles',
    actor: ADMIN.id,
    body: { admin: { users: [ADMIN.id] }, revops: { users: [REVOPS.id, SAM.id] } },
  });

  // Manager pairs: added, then one removed.
  const rolesPage = await openPage(h, ADMIN, 'roles');
  let pairs = await pushEditor(h, ADMIN, rolesPage, 'managers:-');
  expect(await save(ADMIN, pairs, { [managerBlockId(0, 'ae')]: AE.id })).toEqual(
    inlineErrors({ [managerBlockId(0, 'manager')]: 'Choose their manager too.' }),
  );
  let pairsShown = await savedPage(h, ADMIN, pairs, {
    [managerBlockId(0, 'ae')]: AE.id,
    [managerBlockId(0, 'manager')]: ADMIN.id,
  });
  pairs = await pushEditor(h, ADMIN, pairsShown, 'managers:-');
  pairsShown = await savedPage(h, ADMIN, pairs, {
    [managerBlockId(0, 'ae')]: SAM.id,
    [managerBlockId(0, 'manager')]: ADMIN.id,
  });
  expect(viewText(pairsShown)).toContain(`<@${AE.id}>: <@${ADMIN.id}>`);
  expect({ ...h.app.program.managers }).toEqual({ [AE.id]: ADMIN.id, [SAM.id]: ADMIN.id });

  pairs = await pushEditor(h, ADMIN, pairsShown, 'managers:-');
  pairsShown = await savedPage(h, ADMIN, pairs, { [B.managers]: [AE.id] });
  expect(viewText(pairsShown)).not.toContain(`<@${AE.id}>: `);
  expect({ ...h.app.program.managers }).toEqual({ [SAM.id]: ADMIN.id });
  expect(await lastEntry()).toMatchObject({
    kind: 'managers',
    actor: ADMIN.id,
    body: { [SAM.id]: ADMIN.id },
  });
});

it('who may edit what: a pool manager edits their pool’s members and cap, not its managers, and opens no other pool', async () => {
  const home = blocksOf(await openHome(h, POOL_MANAGER.id));
  expect(buttonValues({ blocks: home }, ACTION_ID.programOpen)).toEqual(['pools']);
  const page = await openPage(h, POOL_MANAGER, 'pools');
  expect(buttonValues(page, ACTION_ID.programEdit)).toEqual(['pool:emea-backup']);

  const editor = await pushEditor(h, POOL_MANAGER, page, 'pool:emea-backup');
  const inputs = editor.blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
  // A pool's manager sets its weights and how it shares its handoffs too (issue 53 item 5).
  expect(inputs).toEqual([
    B.name,
    B.members,
    B.cap,
    ...[0, 1, 2].flatMap((row) => [weightBlockId(row, 'user'), weightBlockId(row, 'value')]),
    B.fairness,
  ]);
  // Their form, with the managers and the removal an admin's form has added to it: neither is taken.
  const values = {
    ...stateOf(editor, { [B.members]: [people.ae.id], [B.cap]: '2' }),
    [B.managers]: { [ACTION_ID.value]: { type: 'multi_users_select', selected_users: [SAM.id] } },
    [B.remove]: {
      [ACTION_ID.value]: {
        type: 'checkboxes',
        selected_options: [{ text: { type: 'plain_text', text: 'Remove this pool' }, value: 'remove' }],
      },
    },
  };
  await savedPage(h, POOL_MANAGER, editor, values, true);
  expect(await lastEntry()).toMatchObject({
    kind: 'pool',
    key: 'emea-backup',
    actor: POOL_MANAGER.id,
    body: { name: 'EMEA backup', users: [people.ae.id], cap: 2, managers: [POOL_MANAGER.id] },
  });

  // Another pool's Edit (a forged button), and its editor's submission: refused, nothing pushed or written. (A new
  // pool, and every part a pool's manager, RevOps, an AE or the partner may not edit: authorizationMatrix.test.ts.)
  const fresh = await openPage(h, POOL_MANAGER, 'pools');
  await refusedByDm(
    POOL_MANAGER,
    () => modalButton(h, POOL_MANAGER, fresh, ACTION_ID.programEdit, 'pool:backup'),
    NOT_YOURS,
  );
  const forged = {
    ...editor,
    id: 'V0FORGED',
    private_metadata: JSON.stringify({ part: 'pool', key: 'backup' }),
  };
  await refusedByDm(
    POOL_MANAGER,
    async () =>
      expect(await submitEditor(h, POOL_MANAGER, forged, stateOf(editor, {}), { apply: false })).toEqual({}),
    FORBIDDEN,
  );
});
