import { describe, expect, it } from 'vitest';
import {
  bookJsonOf,
  bookProblems,
  hasBook,
  PROGRAM_SOURCE,
  parseBook,
  parsePinnedPolicy,
} from '../../../src/program/book.js';

const row = (kind: string, key: string, body: unknown) => ({ kind, key, body });
const STRATEGIC = [
  { at: '50%', action: 'remind' },
  { at: 'due+4h', action: 'reassign', to: ['pool:emea'] },
];

describe('bookJsonOf', () => {
  it('gives the book parts as the policy file’s JSON (empty without any, pools read before the first policy), leaving out what an entry removed and the other kinds', () => {
    const json = bookJsonOf([
      row('pool', 'emea', { users: ['U0AE1'] }),
      row('pool', 'gone', null),
      row('policy', 'strategic', STRATEGIC),
      row('policy', 'old', null),
      row('routes', '-', [{ partner: 'Meridian', policy: 'strategic' }]),
      row('limits', '-', { reassignments: 2 }),
      row('managers', '-', { U0AE1: 'U0MGR' }),
      row('person', 'U0AE1', { workingDays: [1] }),
    ]);
    expect(json).toEqual({
      pools: { emea: { users: ['U0AE1'] } },
      policies: { strategic: STRATEGIC },
      routes: [{ partner: 'Meridian', policy: 'strategic' }],
      limits: { reassignments: 2 },
    });
    expect(hasBook(json)).toBe(true);
    // Without book parts: the default policy alone, as without a file.
    const none = bookJsonOf([row('managers', '-', {}), row('routes', '-', null)]);
    expect(none).toEqual({ pools: {}, policies: {}, routes: [] });
    expect(hasBook(none)).toBe(false);
    expect(parseBook(none, 8)).toBeUndefined();
    expect(bookProblems(none, 8)).toEqual([]);
    const book = parseBook(bookJsonOf([row('pool', 'emea', { users: ['U0AE1'], cap: 3 })]), 8);
    expect(book?.policies).toEqual({});
    expect(book?.pools.emea).toMatchObject({ kind: 'users', users: ['U0AE1'], cap: 3 });
  });
});

describe('bookProblems', () => {
  it('names each problem with the file’s place of it, the parts read together; a parse throws them named for the program', () => {
    const json = bookJsonOf([
      row('pool', 'emea', { users: ['U0AE1', 'dana'] }),
      row('policy', 'strategic', [
        { at: 'soon', action: 'remind' },
        { at: 'due+4h', action: 'reassign', to: ['pool:apac'] },
      ]),
      row('routes', '-', [{ partner: 'Meridian', policy: 'nope' }]),
    ]);
    const problems = bookProblems(json, 8);
    expect(problems).toContain('pools.emea.users[1]: "dana" is not a Slack user id like U012ABCDEF');
    expect(problems.some((p) => p.startsWith('policies.strategic[0].at: "soon" must be like'))).toBe(true);
    expect(problems).toContain('policies.strategic[1].to[0]: no pool named "apac" in pools');
    expect(problems.some((p) => p.startsWith('routes[0].policy'))).toBe(true);
    // A policy naming a pool the program no longer has is a problem (the parts are read together).
    expect(
      bookProblems(bookJsonOf([row('pool', 'emea', null), row('policy', 'strategic', STRATEGIC)]), 8),
    ).toEqual(['policies.strategic[1].to[0]: no pool named "emea" in pools']);
    expect(() => parseBook(bookJsonOf([row('pool', 'emea', { users: [] })]), 8)).toThrow(
      `The escalation policy file ${PROGRAM_SOURCE} has a problem`,
    );
  });
});

describe('parsePinnedPolicy', () => {
  it('reads a policy as one of its versions said it, against today’s pools', () => {
    const policy = parsePinnedPolicy(
      'strategic',
      STRATEGIC,
      { emea: { users: ['U0AE1'], name: 'EMEA backup' } },
      8,
    );
    expect(policy?.name).toBe('strategic');
    expect(policy?.levels.map((l) => l.action)).toEqual(['remind', 'reassign']);
    // The pool's name as the program says it now.
    expect(policy?.levels[1]?.to).toEqual([{ kind: 'pool', name: 'emea', displayName: 'EMEA backup' }]);
  });

  it('a pool the version names but which was removed since stands in with no member the app can reach; a version that does not read gives nothing', () => {
    const policy = parsePinnedPolicy('strategic', STRATEGIC, {}, 8);
    expect(policy?.levels[1]).toMatchObject({ action: 'reassign', to: [{ kind: 'pool', name: 'emea' }] });
    // Also in a named policy's levels and an after-accept take-back.
    const named = parsePinnedPolicy(
      'named',
      {
        name: 'Named',
        levels: [
          { at: 'due+1d', action: 'reassign', to: ['pool:removed-one'] },
          { at: 'commitment+3d', action: 'reassign', to: ['pool:removed_two'] },
        ],
      },
      { other: { usergroup: 'S0OTHER' } },
      8,
    );
    expect(named?.displayName).toBe('Named');
    expect(named?.levels[0]?.to).toEqual([{ kind: 'pool', name: 'removed-one', displayName: 'Removed one' }]);
    expect(named?.afterAccept?.take_back?.to).toMatchObject({ kind: 'pool', name: 'removed_two' });
    // A version that does not read gives nothing (the caller follows the version in force).
    expect(parsePinnedPolicy('strategic', [{ at: 'soon', action: 'remind' }], {}, 8)).toBeUndefined();
    expect(parsePinnedPolicy('strategic', 'not a policy', {}, 8)).toBeUndefined();
  });
});
