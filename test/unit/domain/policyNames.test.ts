import { describe, expect, it } from 'vitest';
import { readablePolicyName } from '../../../src/domain/escalation.js';
import { policyChannelTargets } from '../../../src/domain/policyFile.js';
import { parsePolicies, policyProblems } from './unitdomain-policies.js';

/**
 * A policy's name as people read it: the file may give one (`{ "name": "…", "levels": [...] }`),
 * else the id is made readable. Messages show this name, never the id (blocks/moveNotices.ts and the others). Pools too.
 */

const parse = (policies: unknown) => parsePolicies({ policies }).policies;
const problems = (policies: unknown) => policyProblems({ policies });

const REMIND = { at: '50%', action: 'remind' };

describe('a policy’s name', () => {
  it('is the file’s `name` when the policy is an object, trimmed', () => {
    const { meridian } = parse({ meridian: { name: '  Meridian partners (EMEA) ', levels: [REMIND] } });
    expect(meridian).toMatchObject({ name: 'meridian', displayName: 'Meridian partners (EMEA)' });
    expect(meridian?.levels).toHaveLength(1);
  });

  it('is the id made readable without one, as an object or a list of levels', () => {
    expect(parse({ 'enterprise-backup': [REMIND] })['enterprise-backup']?.displayName).toBe(
      'Enterprise backup',
    );
    expect(parse({ quiet_1: { levels: [REMIND] } }).quiet_1?.displayName).toBe('Quiet 1');
    expect(readablePolicyName('default')).toBe('Default');
    expect(readablePolicyName('a--b__c')).toBe('A b c');
  });

  it('is one line of plain words: no Slack formatting, no line break, not empty, at most 60 characters', () => {
    const named = (name: unknown) => problems({ p: { name, levels: [REMIND] } });
    const format =
      "policies.p.name: a policy name is letters, digits, spaces and & ' ( ) . , / + - (no Slack formatting)";
    expect(named('*Strategic*')).toEqual([format]);
    expect(named('<!channel>')).toEqual([format]);
    expect(named('Two\nlines')).toEqual([format]);
    expect(named('   ')).toEqual([
      'policies.p.name: a policy name says something (or leave it out: the id is read then)',
    ]);
    expect(named('x'.repeat(61))).toEqual(['policies.p.name: a policy name is at most 60 characters']);
    expect(named(7)).toEqual([expect.stringMatching(/^policies\.p\.name: /)]);
  });

  it('an object holds its levels and name only, and its levels are placed under `levels`', () => {
    expect(problems({ p: { name: 'P', levels: [REMIND], priority: 1 } })).toEqual([
      expect.stringMatching(/^policies\.p: .*"priority"/),
    ]);
    expect(problems({ p: { name: 'P' } })).toEqual([
      'policies.p.levels: must be a list of at least one level',
    ]);
    expect(problems({ p: { name: 'P', levels: [] } })).toEqual([
      'policies.p.levels: must be a list of at least one level',
    ]);
    expect(problems({ p: { levels: [{ at: 'soon', action: 'remind' }] } })).toEqual([
      expect.stringMatching(/^policies\.p\.levels\[0\]\.at: /),
    ]);
    expect(problems({ p: 'remind' })).toEqual([
      'policies.p: a policy is a list of levels, or { "name": "…", "levels": [...] }',
    ]);
  });

  it('goes with the channels its levels post to, at their places in the file', () => {
    const book = parsePolicies({
      policies: {
        meridian: {
          name: 'Meridian partners',
          levels: [{ at: 'due', action: 'notify', to: ['channel:C0ESC'] }],
        },
        quiet: [{ at: 'due', action: 'notify', to: ['channel:C0QUIET'] }],
      },
    });
    expect(policyChannelTargets(book)).toEqual([
      {
        place: 'policies.meridian.levels[0].to[0]',
        channelId: 'C0ESC',
        policy: 'meridian',
        policyName: 'Meridian partners',
      },
      { place: 'policies.quiet[0].to[0]', channelId: 'C0QUIET', policy: 'quiet', policyName: 'Quiet' },
    ]);
  });
});

/** A pool's name as people read it, the same way: "the next AE of the *Inside sales* pool". */
describe('a pool’s name', () => {
  const MOVE = { at: 'due+4h', action: 'reassign', to: ['pool:account-executives'] };
  const file = (pool: Record<string, unknown>) => ({
    pools: { 'account-executives': pool },
    policies: { p: [MOVE] },
  });
  const book = (pool: Record<string, unknown>) => parsePolicies(file(pool));
  const poolProblems = (pool: Record<string, unknown>) => policyProblems(file(pool));

  it('is the file’s `name`, trimmed, else the id made readable; the reassigning level carries it', () => {
    const named = book({ name: ' Inside sales ', users: ['U0AE2'] });
    expect(named.pools['account-executives']).toEqual({
      kind: 'users',
      users: ['U0AE2'],
      displayName: 'Inside sales',
    });
    expect(named.policies.p?.levels[0]?.to).toEqual([
      { kind: 'pool', name: 'account-executives', displayName: 'Inside sales' },
    ]);
    const unnamed = book({ usergroup: 'S0AES' });
    expect(unnamed.pools['account-executives']).toEqual({
      kind: 'usergroup',
      id: 'S0AES',
      displayName: 'Account executives',
    });
    expect(unnamed.policies.p?.levels[0]?.to).toEqual([
      { kind: 'pool', name: 'account-executives', displayName: 'Account executives' },
    ]);
  });

  it('is one line of words, 1 to 60 characters, without Slack formatting', () => {
    const format =
      "pools.account-executives.name: a pool name is letters, digits, spaces and & ' ( ) . , / + - (no Slack formatting)";
    const named = (name: unknown) => poolProblems({ name, users: ['U0AE2'] });
    expect(named('*AEs*')).toEqual([format]);
    expect(named('<!here>')).toEqual([format]);
    expect(named('   ')).toEqual([
      'pools.account-executives.name: a pool name says something (or leave it out: the id is read then)',
    ]);
    expect(named('x'.repeat(61))).toEqual([
      'pools.account-executives.name: a pool name is at most 60 characters',
    ]);
    expect(named(7)).toEqual([expect.stringMatching(/^pools\.account-executives\.name: /)]);
  });
});
