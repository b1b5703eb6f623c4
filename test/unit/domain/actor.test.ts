import { describe, expect, it } from 'vitest';
import { type Actor, isInternalActor, isSameActor } from '../../../src/domain/actor.js';

const actor = (overrides: Partial<Actor> = {}): Actor => ({
  userId: 'U0AE',
  teamId: 'T0INTERNAL',
  ...overrides,
});
const INTERNAL = ['T0INTERNAL', 'E0GRID'];

describe('isInternalActor', () => {
  it.each([
    ['our workspace', actor(), true],
    ['another workspace of our organization (Grid)', actor({ teamId: 'E0GRID' }), true],
    ['a partner in a Slack Connect channel', actor({ teamId: 'T0PARTNER' }), false],
    ['an actor without a team id', actor({ teamId: undefined }), false],
    ['an empty team id', actor({ teamId: '' }), false],
  ])('%s -> %s', (_, who, expected) => {
    expect(isInternalActor(who, INTERNAL)).toBe(expected);
  });

  it('trusts nobody when no team is internal', () => {
    expect(isInternalActor(actor(), [])).toBe(false);
  });
});

describe('isSameActor', () => {
  it.each([
    ['same user, same team', actor(), true],
    ['same user id from a partner workspace', actor({ teamId: 'T0PARTNER' }), false],
    ['another user of our team', actor({ userId: 'U0OTHER' }), false],
    ['same user without a team id', actor({ teamId: undefined }), false],
  ])('%s -> %s', (_, who, expected) => {
    expect(isSameActor(who, 'U0AE', 'T0INTERNAL')).toBe(expected);
  });
});
