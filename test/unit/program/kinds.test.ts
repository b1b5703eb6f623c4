import { expect, it } from 'vitest';
import {
  closuresSchema,
  holidaysSchema,
  managersSchema,
  PROGRAM_KIND_NAMES,
  PROGRAM_KINDS,
  partnerSchema,
  personSchema,
  rolesSchema,
} from '../../../src/program/kinds.js';

/** Each problem of a value as `place: message`, as the program's edits name them. */
const problems = (
  schema: {
    safeParse(v: unknown): {
      success: boolean;
      error?: { issues: { path: PropertyKey[]; message: string }[] };
    };
  },
  value: unknown,
) => {
  const parsed = schema.safeParse(value);
  return parsed.success
    ? []
    : (parsed.error?.issues ?? []).map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
};

it('the program’s kinds: the book’s four parts read by the policy file’s rules, the others each by its schema; a partner’s managers (at most 20) and what they are told', () => {
  expect(PROGRAM_KIND_NAMES).toEqual([
    'pool',
    'policy',
    'routes',
    'limits',
    'managers',
    'closures',
    'holidays',
    'roles',
    'person',
    'partner',
    'settings',
    'scoring',
  ]);
  for (const name of PROGRAM_KIND_NAMES) {
    const kind: { book: boolean; schema?: unknown } = PROGRAM_KINDS[name];
    expect(kind.book || kind.schema !== undefined, name).toBe(true);
  }
  expect(PROGRAM_KIND_NAMES.filter((n) => PROGRAM_KINDS[n].keyed)).toEqual([
    'pool',
    'policy',
    'person',
    'partner',
  ]);
  expect(partnerSchema.parse({ managers: ['U0SAM'] })).toEqual({ managers: ['U0SAM'] });
  expect(partnerSchema.parse({ managers: ['U0SAM'], notify: 'decisions' })).toEqual({
    managers: ['U0SAM'],
    notify: 'decisions',
  });
  expect(problems(partnerSchema, { managers: ['sam'], notify: 'sometimes' })).toEqual([
    'managers.0: must be a Slack user id like U012ABCDEF',
    'notify: Invalid option: expected one of "all"|"decisions"|"off"',
  ]);
  const many = Array.from({ length: 21 }, (_, i) => `U0P${i}`);
  expect(problems(partnerSchema, { managers: many })).toEqual(['managers: at most 20 partner managers']);
  expect(problems(partnerSchema, {})[0]).toMatch(/^managers: /);
});

it('person: takes regions (upper-cased), working days, hours and a pause, each optional, and names each problem with its place', () => {
  expect(personSchema.parse({})).toEqual({});
  expect(personSchema.parse({ regions: [' de-by '], workingDays: [1, 2, 3], paused: '2026-12-24' })).toEqual({
    regions: ['DE-BY'],
    workingDays: [1, 2, 3],
    paused: '2026-12-24',
  });
  expect(personSchema.parse({ regions: 'none', paused: 'until_resumed' })).toEqual({
    regions: 'none',
    paused: 'until_resumed',
  });
  // Each problem named with its place: program.test.ts, editProblems.
  // Any day of the week, ISO numbered 1..7 (a Sunday-to-Thursday week is 7, 1, 2, 3, 4); nothing else, none twice.
  expect(problems(personSchema, { workingDays: [1, 8] })[0]).toMatch(/^workingDays\.1: /);
  expect(problems(personSchema, { workingDays: [0] })[0]).toMatch(/^workingDays\.0: /);
  expect(problems(personSchema, { workingDays: [1, 1] })).toEqual(['workingDays: names a day twice']);
  expect(personSchema.parse({ workingDays: [7, 1, 2, 3, 4] })).toEqual({ workingDays: [7, 1, 2, 3, 4] });
  // Their own hours: times of day, the end after the start.
  expect(personSchema.parse({ hours: { start: '08:00', end: '16:00' } })).toEqual({
    hours: { start: '08:00', end: '16:00' },
  });
  expect(problems(personSchema, { hours: { start: '16:00', end: '08:00' } })).toEqual([
    'hours.end: the day must end after it starts',
  ]);
  expect(problems(personSchema, { hours: { start: '8am', end: '16:00' } })).toEqual([
    'hours.start: must be a time of day like 09:00',
  ]);
  expect(problems(personSchema, { hours: { start: '08:00' } })[0]).toMatch(/^hours\.end: /);
  expect(problems(personSchema, { paused: '2026-02-30' })).toEqual(['paused: is not a date of the calendar']);
  expect(problems(personSchema, { paused: 'tomorrow' })[0]).toMatch(/^paused: /);
  expect(problems(personSchema, { timeOff: [] })[0]).toMatch(/timeOff|Unrecognized/);
});

it('roles (listed people and/or a user group, each empty by default), managers, closures and public holidays', () => {
  expect(rolesSchema.parse({})).toEqual({ admin: { users: [] }, revops: { users: [] } });
  expect(rolesSchema.parse({ admin: { users: ['U0ADMIN'], usergroup: 'S0ADMINS' } })).toEqual({
    admin: { users: ['U0ADMIN'], usergroup: 'S0ADMINS' },
    revops: { users: [] },
  });
  expect(problems(rolesSchema, { admin: { users: ['dana'] }, revops: { usergroup: 'U0NOTAGROUP' } })).toEqual(
    [
      'admin.users.0: must be a Slack user id like U012ABCDEF',
      'revops.usergroup: must be a Slack user group id like S012ABCDEF',
    ],
  );
  // managers: a user id to a user id.
  expect(managersSchema.parse({ U0AE: 'U0MGR' })).toEqual({ U0AE: 'U0MGR' });
  expect(problems(managersSchema, { U0AE: 'boss' })).toEqual([
    'U0AE: must be a Slack user id like U012ABCDEF',
  ]);
  expect(problems(managersSchema, { ae: 'U0MGR' })[0]).toMatch(/^ae: /);
  // closures: calendar dates.
  expect(closuresSchema.parse(['2026-12-24', '2026-12-31'])).toEqual(['2026-12-24', '2026-12-31']);
  expect(problems(closuresSchema, ['2026-12-24', '24.12.2026'])).toEqual([
    '1: must be a date like 2026-12-24',
  ]);
  // public holidays: by each one’s zone, none, or these regions.
  expect(holidaysSchema.parse({ everyone: 'by_zone' })).toEqual({ everyone: 'by_zone' });
  expect(holidaysSchema.parse({ everyone: 'none' })).toEqual({ everyone: 'none' });
  expect(holidaysSchema.parse({ everyone: ['us', 'GB-SCT'] })).toEqual({ everyone: ['US', 'GB-SCT'] });
  expect(problems(holidaysSchema, { everyone: [] }).length).toBeGreaterThan(0);
  expect(problems(holidaysSchema, { everyone: ['US'], extra: 1 }).length).toBeGreaterThan(0);
});
