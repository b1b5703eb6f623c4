import { expect, it } from 'vitest';
import type { ProgramLogRow } from '../../../src/db/repositories/program.js';
import { changeLines } from '../../../src/program/programDiff.js';
import {
  importChanges,
  importProblems,
  parseProgramFile,
  programFileOf,
  programFileText,
} from '../../../src/program/programFile.js';
import { programStateOf } from '../../../src/program/state.js';

/** The program's current entries, as currentProgram returns them (one per part, null: removed). */
const rowsOf = (parts: [kind: string, key: string, body: unknown][]): ProgramLogRow[] =>
  parts.map(([kind, key, body], i) => ({ id: i + 1, kind, key, body, actor: 'U0ADMIN', note: null, at: AT }));
const AT = new Date('2026-03-02T10:00:00Z');

const stateOf = (rows: ProgramLogRow[]) => programStateOf(rows.length, rows, 8, () => {});
const WHO = { actor: 'config', note: 'imported from program.json' };

const STRATEGIC = {
  name: 'Strategic accounts',
  levels: [
    { at: '50%', action: 'remind' },
    { at: 'due', action: 'notify', to: ['manager'] },
    { at: 'due+4h', action: 'reassign', to: ['pool:emea'] },
  ],
};

const PROGRAM = rowsOf([
  ['pool', 'emea', { users: ['U0AE1', 'U0AE2'], cap: 10 }],
  ['pool', 'apac', { users: ['U0AE3'] }],
  ['policy', 'strategic', STRATEGIC],
  ['routes', '-', [{ aePool: 'emea', policy: 'strategic' }]],
  ['closures', '-', ['2026-12-25']],
  ['person', 'U0AE2', { workingDays: [1, 2, 3, 4] }],
  ['person', 'U0AE1', { regions: ['DE-BY'] }],
  ['pool', 'gone', null],
]);

it('writes the parts as stored, in one order, ids sorted, and leaves out what was never set or was removed', () => {
  const file = programFileOf(PROGRAM);
  expect(Object.keys(file)).toEqual(['pools', 'policies', 'routes', 'closures', 'people']);
  expect(Object.keys(file.pools ?? {})).toEqual(['apac', 'emea']);
  expect(Object.keys(file.people ?? {})).toEqual(['U0AE1', 'U0AE2']);
  expect(file.policies?.strategic).toEqual(STRATEGIC);
  expect(programFileText(programFileOf([]))).toBe('{}\n');
  // The same program written twice is the same text, whatever order its rows came in.
  expect(programFileText(programFileOf([...PROGRAM].reverse()))).toBe(programFileText(file));
  // And whatever order the database kept each value's fields in (Postgres's jsonb: shortest first).
  const jsonbOrder = rowsOf([
    ['pool', 'emea', { cap: 10, users: ['U0AE1', 'U0AE2'] }],
    [
      'policy',
      'strategic',
      { levels: [{ to: ['manager'], at: 'due', action: 'notify' }], name: 'Strategic' },
    ],
    ['routes', '-', [{ policy: 'strategic', aePool: 'emea' }]],
  ]);
  expect(programFileText(programFileOf(jsonbOrder))).toBe(
    `${JSON.stringify(
      {
        pools: { emea: { users: ['U0AE1', 'U0AE2'], cap: 10 } },
        policies: {
          strategic: { name: 'Strategic', levels: [{ at: 'due', action: 'notify', to: ['manager'] }] },
        },
        routes: [{ aePool: 'emea', policy: 'strategic' }],
      },
      null,
      2,
    )}\n`,
  );
});

it('reads a policy file as a program file, and names each problem of a file with its place', () => {
  const policyFile = { pools: { emea: { users: ['U0AE1'] } }, policies: { strategic: STRATEGIC } };
  expect(parseProgramFile(JSON.stringify(policyFile))).toEqual({ ok: true, file: policyFile });
  expect(parseProgramFile('{\n  "pools": {,\n}')).toEqual({
    ok: false,
    problems: ['it is not valid JSON: line 2, column 13'],
  });
  const bad = parseProgramFile(
    JSON.stringify({
      $schema: 'x',
      pools: [],
      routes: {},
      limits: null,
      people: { bob: {} },
      closures: ['2026-12-24'],
    }),
  );
  expect(bad).toEqual({
    ok: false,
    problems: [
      '$schema: not a part of the program (pools, policies, routes, limits, managers, closures, holidays, roles, people, partners, settings, scoring)',
      'pools: must be an object of pools by id',
      'routes: must be a list of routes',
      'people.bob: must be a Slack user id like U012ABCDEF',
    ],
  });
});

it('replaces each section the file has, leaves the others, edits only what changes, and says each in one readable line', () => {
  const file = {
    pools: { emea: { users: ['U0AE1', 'U0AE2', 'U0SAM'], cap: 8 } },
    policies: {
      strategic: {
        ...STRATEGIC,
        levels: [...STRATEGIC.levels, { at: 'due+8h', action: 'notify', to: ['owner'] }],
      },
    },
    closures: ['2026-12-25', '2026-12-24'],
  };
  const changes = importChanges(PROGRAM, file, WHO);
  expect(changes.map((c) => [c.edit.kind, c.edit.key, c.edit.body === null ? 'removed' : 'set'])).toEqual([
    ['pool', 'emea', 'set'],
    ['pool', 'apac', 'removed'],
    ['policy', 'strategic', 'set'],
    ['closures', '-', 'set'],
  ]);
  expect(changes.every((c) => c.edit.actor === 'config' && c.edit.note === WHO.note)).toBe(true);
  expect(changeLines(changes)).toEqual([
    'pool emea: members +U0SAM, cap 10 → 8',
    'pool apac: removed',
    'policy strategic: changed (3 levels → 4)',
    'closures: +2026-12-24',
  ]);
  // The file the program exports changes nothing; nor does the same value in another key order.
  expect(importChanges(PROGRAM, programFileOf(PROGRAM), WHO)).toEqual([]);
  const reordered = { pools: { emea: { cap: 10, users: ['U0AE1', 'U0AE2'] }, apac: { users: ['U0AE3'] } } };
  expect(importChanges(PROGRAM, reordered, WHO)).toEqual([]);
  const more = importChanges(
    PROGRAM,
    {
      routes: [{ partner: 'Meridian', policy: 'strategic' }],
      managers: { U0AE1: 'U0MGR' },
      holidays: { everyone: ['DE-BY', 'US'] },
      roles: { admin: { users: ['U0ADMIN'] }, revops: { users: [], usergroup: 'S0REV' } },
      people: { U0AE1: { regions: ['DE-BE'], paused: 'until_resumed' }, U0NEW: { workingDays: [1, 3, 5] } },
      limits: {},
    },
    WHO,
  );
  expect(changeLines(more)).toEqual([
    'routes: +partner "Meridian" → strategic, -pool emea → strategic',
    'managers: +U0AE1 → U0MGR',
    "holidays: everyone each person's country (from their time zone) → DE-BY+US",
    'roles: admin +U0ADMIN, revops user group none → S0REV',
    'person U0AE1: regions DE-BY → DE-BE, paused no → until resumed',
    'person U0NEW: added (working days Mon Wed Fri)',
    'person U0AE2: removed',
  ]);
});

it('checks an import as an edit in Slack, and names each problem with its place in the file', () => {
  const state = stateOf(PROGRAM);
  const file = {
    // The pool the policy reassigns to is gone, and a member is not a user id.
    pools: { apac: { users: ['U0AE3', 'bob'] } },
    people: { U0AE1: { regions: ['XX'] }, U0AE2: { workingDays: [] } },
    closures: ['2026-02-30'],
  };
  const problems = importProblems(state, importChanges(PROGRAM, file, WHO), 8);
  expect(problems).toEqual([
    'closures.0: is not a date of the calendar',
    'people.U0AE1.regions.0: "XX" is not a holiday region like US, DE-BY or GB-SCT',
    'people.U0AE2.workingDays: name at least one working day',
    'pools.apac.users[1]: "bob" is not a Slack user id like U012ABCDEF',
    'policies.strategic.levels[2].to[0]: no pool named "emea" in pools',
    'routes[0].aePool: no pool named "emea"',
  ]);
  expect(importProblems(state, importChanges(PROGRAM, programFileOf(PROGRAM), WHO), 8)).toEqual([]);
});
