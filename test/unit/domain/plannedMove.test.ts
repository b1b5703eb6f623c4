import { describe, expect, it } from 'vitest';
import type { Policy } from '../../../src/domain/escalation.js';
import { plannedMove } from '../../../src/domain/moves.js';

/** What a policy's reassigning level will do (domain/moves.ts): told to the owner instead of asking them to act. */
const policy: Policy = {
  name: 'meridian',
  displayName: 'Meridian partners',
  levels: [
    { at: { kind: 'due', afterBusinessHours: 0 }, action: 'notify', to: [{ kind: 'owner' }] },
    {
      at: { kind: 'due', afterBusinessHours: 4 },
      action: 'reassign',
      to: [{ kind: 'pool', name: 'backup' }],
    },
    { at: { kind: 'due', afterBusinessHours: 16 }, action: 'notify', to: [{ kind: 'channel', id: 'C1' }] },
    { at: { kind: 'due', afterBusinessHours: 24 }, action: 'reassign', to: [{ kind: 'cover' }] },
  ],
};
const steps = [
  { at: 100, level: 1, repeat: 0 },
  { at: 200, level: 2, repeat: 0 },
  { at: 300, level: 3, repeat: 0 },
];
const base = { policy, name: 'meridian', steps, nextAt: 100, movesLeft: true };

describe('plannedMove', () => {
  it('the first reassigning level still to run, with when it acts and whether it is due now', () => {
    expect(plannedMove({ ...base, now: 50 })).toEqual({
      policy: 'meridian',
      // The name people read: the messages never show the id.
      policyName: 'Meridian partners',
      level: 2,
      at: { kind: 'due', afterBusinessHours: 4 },
      repeat: 0,
      when: 100,
      now: false,
      to: { kind: 'pool', pool: 'backup' },
    });
    expect(plannedMove({ ...base, now: 100 })).toMatchObject({ when: 100, now: true });
  });

  it('after downtime only the latest due step runs: a reassigning step behind it will not', () => {
    // Steps at 100 and 200 are both due: only the notify at 200 runs; the cover level at 300 needs a cover.
    expect(plannedMove({ ...base, now: 250 })).toBeUndefined();
    expect(plannedMove({ ...base, now: 250, cover: 'U0SAM' })).toMatchObject({
      level: 4,
      when: 300,
      to: { kind: 'cover', cover: 'U0SAM' },
    });
  });

  it('nothing will act: no step left, the limit of moves reached', () => {
    expect(plannedMove({ ...base, now: 50, nextAt: null })).toBeUndefined();
    expect(plannedMove({ ...base, now: 50, movesLeft: false })).toBeUndefined();
    // Only steps not yet run count.
    expect(plannedMove({ ...base, now: 150, nextAt: 200 })).toBeUndefined();
  });
});
