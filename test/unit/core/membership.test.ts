import { describe, expect, it } from 'vitest';
import type { DirectoryUser } from '../../../src/core/directory.js';
import { membership } from '../../../src/core/membership.js';

/** Whether a person is one of ours: their own workspace, as users.info says, or `unknown` when Slack cannot say. */

const person = (over: Partial<DirectoryUser>): DirectoryUser => ({
  id: 'U1',
  teamId: 'TOURS',
  name: 'Ada',
  isBot: false,
  deleted: false,
  timeZone: undefined,
  ...over,
});

function memberOf(user: DirectoryUser | undefined | Error) {
  return membership({
    lookupUser: async () => {
      if (user instanceof Error) throw user;
      return user;
    },
  });
}

describe('membership', () => {
  it('is internal for a person whose own workspace is one of ours; external for a member of another workspace, a bot, or a person Slack does not know; unknown when Slack cannot answer now', async () => {
    expect(await memberOf(person({}))('U1', ['TOTHER', 'TOURS'])).toBe('internal');
    expect(await memberOf(person({ teamId: 'TPARTNER' }))('U1', ['TOURS'])).toBe('external');
    expect(await memberOf(person({ isBot: true }))('U1', ['TOURS'])).toBe('external');
    expect(await memberOf(undefined)('U1', ['TOURS'])).toBe('external');
    expect(await memberOf(new Error('ratelimited'))('U1', ['TOURS'])).toBe('unknown');
  });
});
