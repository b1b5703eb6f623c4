import { expect, it } from 'vitest';
import type { ProgramLogRow } from '../../../src/db/repositories/program.js';
import { personRegions, programStateOf } from '../../../src/program/state.js';

let ids = 0;
const row = (kind: string, key: string, body: unknown): ProgramLogRow => {
  ids += 1;
  return { id: ids, kind, key, body, actor: 'U0ADMIN', note: null, at: new Date('2026-11-23T14:00:00Z') };
};

/** The state of these rows, and what it warned of. */
function stateOf(rows: ProgramLogRow[]) {
  const warnings: { what: string; problems: string[] }[] = [];
  const state = programStateOf(rows.at(-1)?.id ?? 0, rows, 8, (what, problems) =>
    warnings.push({ what, problems }),
  );
  return { state, warnings };
}

// programStateOf.
it('reads every part, each policy’s version its entry’s id; an empty program has every part its default', () => {
  const empty = stateOf([]);
  expect(empty.state).toMatchObject({
    revision: 0,
    book: undefined,
    policyVersions: {},
    managers: {},
    closures: [],
    holidays: 'by_zone',
    people: {},
    roles: { admin: { users: [] }, revops: { users: [] } },
  });
  expect(empty.warnings).toEqual([]);
  const pool = row('pool', 'emea', { users: ['U0AE1'] });
  const policy = row('policy', 'strategic', [{ at: '50%', action: 'remind' }]);
  const rows = [
    pool,
    policy,
    row('managers', '-', { U0AE1: 'U0MGR' }),
    row('closures', '-', ['2026-12-24']),
    row('holidays', '-', { everyone: ['us'] }),
    row('roles', '-', { admin: { users: ['U0ADMIN'] } }),
    row('person', 'U0AE1', { regions: ['de-by'], workingDays: [1, 2] }),
    row('person', 'U0AE2', { regions: 'none' }),
    row('policy', 'removed', null),
  ];
  const { state, warnings } = stateOf(rows);
  expect(warnings).toEqual([]);
  expect(state.revision).toBe(rows.at(-1)?.id);
  expect(Object.keys(state.book?.pools ?? {})).toEqual(['emea']);
  expect(Object.keys(state.book?.policies ?? {})).toEqual(['strategic']);
  expect(state.policyVersions).toEqual({ strategic: policy.id });
  expect(state.managers).toEqual({ U0AE1: 'U0MGR' });
  expect(state.closures).toEqual(['2026-12-24']);
  expect(state.holidays).toEqual(['US']);
  expect(state.roles).toEqual({ admin: { users: ['U0ADMIN'] }, revops: { users: [] } });
  expect(state.people).toEqual({
    U0AE1: { regions: ['DE-BY'], workingDays: [1, 2] },
    U0AE2: { regions: 'none' },
  });
  expect(personRegions(state.people)).toEqual({ U0AE1: ['DE-BY'], U0AE2: [] });
});

it('a stored value or book that does not read falls back to its default, with a warning naming it and its problems', () => {
  const { state, warnings } = stateOf([
    row('managers', '-', { U0AE1: 'boss' }),
    row('closures', '-', 'christmas'),
    row('roles', '-', { admin: { users: ['U0ADMIN'] }, owners: {} }),
    row('person', 'U0AE1', { workingDays: [8] }),
    row('person', 'U0AE2', { workingDays: [1] }),
    row('holidays', '-', { everyone: ['US'] }),
  ]);
  // Each part that does not read keeps its default; the others read.
  expect(state.managers).toEqual({});
  expect(state.closures).toEqual([]);
  expect(state.roles).toEqual({ admin: { users: [] }, revops: { users: [] } });
  expect(state.people).toEqual({ U0AE2: { workingDays: [1] } });
  expect(state.holidays).toEqual(['US']);
  expect(warnings.map((w) => w.what).sort()).toEqual(['closures', 'managers', 'person U0AE1', 'roles']);
  const of = (what: string) => warnings.find((w) => w.what === what)?.problems ?? [];
  for (const w of warnings) expect(w.problems[0]).toBe('the stored value does not read; its default applies');
  expect(of('managers')[1]).toBe('U0AE1: must be a Slack user id like U012ABCDEF');
  expect(of('person U0AE1')[1]).toMatch(/^workingDays\.0: /);
  // A book that does not read leaves the default policy alone, with the file's problems in the warning.
  const badBook = stateOf([
    row('pool', 'emea', { users: ['U0AE1'] }),
    row('policy', 'strategic', [{ at: 'soon', action: 'remind' }]),
  ]);
  expect(badBook.state.book).toBeUndefined();
  expect(badBook.warnings).toHaveLength(1);
  expect(badBook.warnings[0]?.what).toBe('book');
  expect(badBook.warnings[0]?.problems[0]).toMatch(/^policies\.strategic\[0\]\.at: "soon" must be like/);
});
