import { asc } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { tablesOf } from '../../../src/db/engine.js';
import { firstInstallationOf, ownRow } from '../../../src/db/owned.js';
import type { Db } from '../../../src/db/types.js';
import { createLogger } from '../../../src/logger.js';
import { seedProgram } from '../../../src/program/importOnce.js';
import { SINGLE } from '../../../src/program/kinds.js';
import { APPLIED_NOTE, createProgram, editProblems, type ProgramEdit } from '../../../src/program/program.js';
import { programStateOf } from '../../../src/program/state.js';
import { addHandoff } from '../../contract/seed.js';
import { TestClock } from '../../support/clock.js';
import { configEnv } from '../../support/configEnv.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';
import { capturedLogger } from '../../support/unitrest-logs.js';

const AT = new Date('2026-11-23T14:00:00Z');
const STRATEGIC = [
  { at: '50%', action: 'remind' },
  { at: 'due+4h', action: 'reassign', to: ['pool:emea'] },
];
const EMEA = { users: ['U0AE1', 'U0AE2'] };

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A program on a new migrated SQLite file; `second()` is another process's program on the same file. */
function open(usergroups: Record<string, string[]> = {}) {
  const database = freshDatabase('program-');
  closers.push(() => database.close());
  const db = firstInstallationOf(database.db);
  const { logger, lines: logs } = capturedLogger();
  const clock = new TestClock(AT);
  const make = () =>
    createProgram({
      db,
      clock,
      logger,
      dayHours: 8,
      usergroupMembers: async (id) => usergroups[id] ?? [],
    });
  return { db, program: make(), second: make, logs, clock };
}

async function logRows(db: Db) {
  const { programLog } = tablesOf(db);
  return db.select().from(programLog).orderBy(asc(programLog.id));
}

const admin = 'U0ADMIN';
const edit = (
  kind: ProgramEdit['kind'],
  key: string | undefined,
  body: unknown,
  note?: string,
): ProgramEdit => ({
  actor: admin,
  kind,
  ...(key !== undefined ? { key } : {}),
  body,
  ...(note !== undefined ? { note } : {}),
});

describe('editProblems', () => {
  const state = programStateOf(
    2,
    [
      { id: 1, kind: 'pool', key: 'emea', body: EMEA, actor: admin, note: null, at: AT },
      { id: 2, kind: 'policy', key: 'strategic', body: STRATEGIC, actor: admin, note: null, at: AT },
    ],
    8,
    () => {},
  );

  it('refuses a removal of a pool a policy names, and a policy naming a pool that the same edits remove', () => {
    expect(editProblems(state, [edit('pool', 'emea', null)], 8)).toEqual([
      'policies.strategic[1].to[0]: no pool named "emea" in pools',
    ]);
    expect(
      editProblems(
        state,
        [
          edit('pool', 'apac', { users: ['U0AE3'] }),
          edit('policy', 'apac', [{ at: 'due+1d', action: 'reassign', to: ['pool:apac'] }]),
          edit('pool', 'apac', null),
        ],
        8,
      ),
    ).toEqual(['policies.apac[0].to[0]: no pool named "apac" in pools']);
    // Removed together with the policy naming it: nothing is left to name it.
    expect(editProblems(state, [edit('policy', 'strategic', null), edit('pool', 'emea', null)], 8)).toEqual(
      [],
    );
  });

  it('checks the other parts by their schema, each problem at its place; a removal needs no value', () => {
    expect(
      editProblems(state, [edit('person', 'U0AE1', { regions: ['US', 'XX'], workingDays: [] })], 8),
    ).toEqual([
      'regions.1: "XX" is not a holiday region like US, DE-BY or GB-SCT',
      'workingDays: name at least one working day',
    ]);
    expect(editProblems(state, [edit('closures', undefined, 'soon')], 8)).toEqual([
      'company closures: Invalid input: expected array, received string',
    ]);
    expect(
      editProblems(state, [edit('managers', undefined, null), edit('person', 'U0AE1', null)], 8),
    ).toEqual([]);
  });

  it('a keyed part needs its key; a kind the program does not have is a problem, not a crash', () => {
    expect(editProblems(state, [edit('person', undefined, {})], 8)).toEqual(['person: needs its id']);
    expect(editProblems(state, [edit('pool', '', EMEA)], 8)[0]).toBe('pool: needs its id');
    expect(editProblems(state, [{ actor: admin, kind: 'partners' as never, body: {} }], 8)).toEqual([
      'partners: not a part of the program',
    ]);
  });
});

describe('program.editMany', () => {
  it('writes the edits together and rereads the program: the new version is in force', async () => {
    const { db, program } = open();
    await program.refresh();
    const result = await program.editMany([
      edit('pool', 'emea', EMEA),
      edit('policy', 'strategic', STRATEGIC),
    ]);
    const rows = await logRows(db);
    expect(rows.map((r) => [r.kind, r.key, r.actor, r.note])).toEqual([
      ['pool', 'emea', admin, null],
      ['policy', 'strategic', admin, null],
    ]);
    expect(result).toEqual({ ok: true, version: rows[1]?.id, changed: true });
    expect(program.policyVersion('strategic')).toBe(rows[1]?.id);
    expect(program.book()?.policies.strategic?.levels).toHaveLength(2);
    expect(program.state().revision).toBe(rows[1]?.id);
  });

  it('writes nothing when one edit has a problem', async () => {
    const { db, program } = open();
    await program.edit(edit('pool', 'emea', EMEA));
    const result = await program.editMany([
      edit('person', 'U0AE1', { workingDays: [1] }),
      edit('policy', 'strategic', [{ at: 'due+4h', action: 'reassign', to: ['pool:apac'] }]),
    ]);
    expect(result).toEqual({
      ok: false,
      problems: ['policies.strategic[0].to[0]: no pool named "apac" in pools'],
    });
    expect((await logRows(db)).map((r) => r.kind)).toEqual(['pool']);
    expect(program.person('U0AE1')).toBeUndefined();
  });

  it('does not write an unchanged value (nor one whose keys come in another order), nor remove what is not there', async () => {
    const { db, program } = open();
    const first = await program.edit(edit('person', 'U0AE1', { regions: ['US'], workingDays: [1, 2, 3] }));
    expect(first).toMatchObject({ ok: true, changed: true });
    const again = await program.edit(edit('person', 'U0AE1', { workingDays: [1, 2, 3], regions: ['US'] }));
    expect(again).toEqual({ ok: true, version: first.ok ? first.version : -1, changed: false });
    expect(await program.edit(edit('managers', undefined, null))).toEqual({
      ok: true,
      version: 0,
      changed: false,
    });
    expect((await logRows(db)).length).toBe(1);
  });

  it('a note forces a write of the same value (the history says why); a removal writes a null body, history kept', async () => {
    const { db, program } = open();
    await program.edit(edit('closures', undefined, ['2026-12-24']));
    const noted = await program.edit(edit('closures', undefined, ['2026-12-24'], 'confirmed with HR'));
    expect(noted).toMatchObject({ ok: true, changed: true });
    await program.edit(edit('person', 'U0AE1', { workingDays: [1] }));
    await program.edit(edit('person', 'U0AE1', null));
    expect(program.person('U0AE1')).toBeUndefined();
    expect((await logRows(db)).map((r) => [r.note, r.body])).toEqual([
      [null, ['2026-12-24']],
      ['confirmed with HR', ['2026-12-24']],
      [null, { workingDays: [1] }],
      [null, null],
    ]);
  });
});

it('the live views: are the same instances for the program’s life, refilled in place when it changes', async () => {
  const { program } = open({ S0REVOPS: ['U0RO2', 'U0RO3'] });
  await program.refresh();
  const { adminUserIds, revopsUserIds, managers, calendar } = program;
  expect(adminUserIds).toEqual([]);
  await program.editMany([
    edit('roles', undefined, {
      admin: { users: ['U0ADMIN'] },
      revops: { users: ['U0RO1'], usergroup: 'S0REVOPS' },
    }),
    edit('managers', undefined, { U0AE1: 'U0MGR' }),
  ]);
  expect(program.adminUserIds).toBe(adminUserIds);
  expect(program.revopsUserIds).toBe(revopsUserIds);
  expect(program.managers).toBe(managers);
  expect(program.calendar).toBe(calendar);
  expect(adminUserIds).toEqual(['U0ADMIN']);
  // A role's user group's members too.
  expect(revopsUserIds).toEqual(['U0RO1', 'U0RO2', 'U0RO3']);
  expect(managers).toEqual({ U0AE1: 'U0MGR' });
  await program.editMany([edit('roles', undefined, null), edit('managers', undefined, { U0AE2: 'U0MGR2' })]);
  expect(adminUserIds).toEqual([]);
  expect(revopsUserIds).toEqual([]);
  expect(managers).toEqual({ U0AE2: 'U0MGR2' });
});

describe('the calendar', () => {
  const friday = '2026-11-27';
  const thursday = '2026-11-26';

  it('closes a person’s non-working weekday, saying why; others work it', async () => {
    const { program } = open();
    await program.edit(edit('person', 'U0AE1', { workingDays: [1, 2, 3, 4] }));
    const { calendar } = program;
    expect(calendar(friday, 'Europe/Berlin', 'U0AE1')).toBe(true);
    expect(calendar.why(friday, 'Europe/Berlin', 'U0AE1')).toBe('not one of their working days');
    expect(calendar(friday, 'Europe/Berlin', 'U0AE2')).toBe(false);
    expect(calendar(friday, 'Europe/Berlin')).toBe(false);
    expect(calendar('2026-11-26', 'Europe/Berlin', 'U0AE1')).toBe(false);
    // A public holiday is named as such even on a day they do not work.
    await program.edit(edit('person', 'U0AE3', { workingDays: [1, 2, 3] }));
    expect(calendar.why(thursday, 'America/New_York', 'U0AE3')).toBe('Thanksgiving Day (US)');
  });

  it('a person’s own regions win over their zone’s; closures count for everyone', async () => {
    const { program } = open();
    const { calendar } = program;
    expect(calendar.why(thursday, 'America/New_York', 'U0AE1')).toBe('Thanksgiving Day (US)');
    await program.editMany([
      edit('person', 'U0AE1', { regions: ['DE-BY'] }),
      edit('person', 'U0AE2', { regions: 'none' }),
      edit('closures', undefined, ['2026-12-24']),
    ]);
    expect(calendar(thursday, 'America/New_York', 'U0AE1')).toBe(false);
    expect(calendar.why('2026-01-06', 'America/New_York', 'U0AE1')).toBe('Epiphany (DE-BY)');
    expect(calendar.regionsFor('America/New_York', 'U0AE1')).toEqual(['DE-BY']);
    expect(calendar.chosenFor('U0AE1')).toBe('person');
    expect(calendar(thursday, 'America/New_York', 'U0AE2')).toBe(false);
    expect(calendar.why(thursday, 'America/New_York', 'U0AE3')).toBe('Thanksgiving Day (US)');
    expect(calendar.why('2026-12-24', 'UTC', 'U0AE2')).toBe('a company closure day');
    // Everyone's setting, edited: the same calendar reads it.
    await program.edit(edit('holidays', undefined, { everyone: 'none' }));
    expect(calendar(thursday, 'America/New_York', 'U0AE3')).toBe(false);
    expect(calendar.regions).toBe('none');
  });
});

describe('policy versions', () => {
  it('keeps each version readable: a handoff’s pinned one, against today’s pools', async () => {
    const { program } = open();
    await program.editMany([edit('pool', 'emea', EMEA), edit('policy', 'strategic', STRATEGIC)]);
    const v1 = program.policyVersion('strategic') as number;
    await program.edit(edit('policy', 'strategic', [{ at: 'due+4h', action: 'notify', to: ['manager'] }]));
    const v2 = program.policyVersion('strategic') as number;
    expect(v2).toBeGreaterThan(v1);
    expect(program.pinnedPolicy('strategic', v1)?.levels.map((l) => l.action)).toEqual([
      'remind',
      'reassign',
    ]);
    expect(program.pinnedPolicy('strategic', v2)?.levels.map((l) => l.action)).toEqual(['notify']);
    // Not a version of this policy.
    expect(program.pinnedPolicy('other', v1)).toBeUndefined();
    // The pool renamed since: the pinned version reads today's name.
    await program.edit(edit('pool', 'emea', { ...EMEA, name: 'EMEA backup' }));
    expect(program.pinnedPolicy('strategic', v1)?.levels[1]?.to).toEqual([
      { kind: 'pool', name: 'emea', displayName: 'EMEA backup' },
    ]);
  });

  it('a version written by another process is read once this one rereads, even if asked for before', async () => {
    const { program, second } = open();
    const other = second();
    await program.refresh();
    await other.edit(edit('policy', 'strategic', [{ at: '50%', action: 'remind' }]));
    const v1 = other.policyVersion('strategic') as number;
    // Asked before this process reread the program: not known yet.
    expect(program.pinnedPolicy('strategic', v1)).toBeUndefined();
    await other.edit(edit('policy', 'strategic', [{ at: 'due', action: 'notify', to: ['manager'] }]));
    await program.refresh();
    expect(program.policyVersion('strategic')).toBe(other.policyVersion('strategic'));
    expect(program.pinnedPolicy('strategic', v1)?.levels.map((l) => l.action)).toEqual(['remind']);
  });

  it('rereads when an entry commits after a newer one (its id lower than the newest): the count moved', async () => {
    const { db, program } = open();
    const { programLog } = tablesOf(db);
    const entry = (id: number, kind: string, key: string, body: unknown) =>
      db.transaction((tx) =>
        tx.insert(programLog).values(ownRow(tx, { id, kind, key, body, actor: admin, note: null, at: AT })),
      );
    await entry(10, 'person', 'U0AE1', { workingDays: [1] });
    await program.refresh();
    expect(program.person('U0AE1')).toEqual({ workingDays: [1] });
    // Entry 5 commits after entry 10, as on Postgres when two edits' transactions end in the other order.
    await entry(5, 'managers', '-', { U0AE1: 'U0MGR' });
    await program.refresh();
    expect(program.managers).toEqual({ U0AE1: 'U0MGR' });
  });
});

describe('applyToOpen', () => {
  it('writes the version in force again, audited, and pins the policy’s open handoffs to it', async () => {
    const { db, program, logs } = open();
    await program.editMany([edit('pool', 'emea', EMEA), edit('policy', 'strategic', STRATEGIC)]);
    const v1 = program.policyVersion('strategic') as number;
    const open1 = await addHandoff(db, AT, { escalationPolicy: 'strategic', policyVersion: v1 });
    const closed = await addHandoff(db, AT, {
      escalationPolicy: 'strategic',
      policyVersion: v1,
      status: 'declined',
    });
    const otherPolicy = await addHandoff(db, AT, { escalationPolicy: 'other', policyVersion: v1 });
    await program.edit(edit('policy', 'strategic', [{ at: 'due+4h', action: 'notify', to: ['manager'] }]));
    const moved = await program.applyToOpen('U0REVOPS', 'strategic');
    const last = (await logRows(db)).at(-1);
    expect(last).toMatchObject({ kind: 'policy', key: 'strategic', actor: 'U0REVOPS', note: APPLIED_NOTE });
    expect(last?.body).toEqual([{ at: 'due+4h', action: 'notify', to: ['manager'] }]);
    expect(program.policyVersion('strategic')).toBe(last?.id);
    expect(moved).toEqual([open1]);
    const { handoffs } = tablesOf(db);
    const versions = Object.fromEntries(
      (await db.select().from(handoffs)).map((h) => [h.id, h.policyVersion]),
    );
    expect(versions).toEqual({ [open1]: last?.id, [closed]: v1, [otherPolicy]: v1 });
    expect(logs.some((l) => l.msg === 'policy applied to open handoffs')).toBe(true);
    // A policy the program does not have: nothing written.
    expect(await program.applyToOpen('U0REVOPS', 'nope')).toEqual([]);
    expect((await logRows(db)).at(-1)?.id).toBe(last?.id);
  });

  it('the program’s own default policy applies to the handoffs stored under no policy', async () => {
    const { db, program } = open();
    await program.edit(edit('policy', 'default', [{ at: '50%', action: 'remind' }]));
    const v1 = program.policyVersion('default') as number;
    const underDefault = await addHandoff(db, AT, { escalationPolicy: null, policyVersion: v1 });
    const sentBefore = await addHandoff(db, AT, { escalationPolicy: null, policyVersion: null });
    const moved = await program.applyToOpen(admin, 'default');
    expect(moved.sort()).toEqual([underDefault, sentBefore].sort());
  });
});

it('seedProgram adds no installer to a program that has named its admins, even none', async () => {
  // The installer as the first admin, and the first company's admins from ADMIN_USER_IDS: installationRouting.test.ts.
  const { db, program } = open();
  await db.transaction(async (tx) => {
    const { programLog } = tablesOf(tx);
    await tx.insert(programLog).values(
      ownRow(tx, {
        kind: 'roles',
        key: SINGLE,
        body: { admin: { users: [] }, revops: { users: [] } },
        actor: 'U0SOMEONE',
        note: null,
        at: AT,
      }),
    );
  });
  const seed = { settings: false, installer: 'U0INST' };
  await seedProgram({ db, config: loadConfig(configEnv({})), logger: createLogger('silent'), now: AT, seed });
  await program.refresh();
  expect(program.adminUserIds).toEqual([]);
  expect(await logRows(db)).toHaveLength(1);
});
