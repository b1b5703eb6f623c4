import { describe, expect, it } from 'vitest';
import {
  may,
  PERMISSION_NAMES,
  PERMISSIONS,
  type ProgramRole,
  programRolesOf,
} from '../../../src/domain/permissions.js';

const ROLES = { revopsUserIds: ['U0REVOPS'], adminUserIds: ['U0ADMIN', 'U0BOTH'] };
const BOTH = { revopsUserIds: ['U0BOTH'], adminUserIds: ['U0BOTH'] };
const INTERNAL = ['T0OURS'];
const ours = (userId: string) => ({ actor: { userId, teamId: 'T0OURS' }, internalTeamIds: INTERNAL });

describe('the permission table', () => {
  it('reads the roles of a user id from the configuration lists', () => {
    expect([...programRolesOf(ROLES, 'U0REVOPS')]).toEqual(['revops']);
    expect([...programRolesOf(ROLES, 'U0ADMIN')]).toEqual(['admin']);
    expect([...programRolesOf(BOTH, 'U0BOTH')]).toEqual(['revops', 'admin']);
    expect([...programRolesOf(ROLES, 'U0MEMBER')]).toEqual([]);
  });

  it.each(PERMISSION_NAMES)('%s: allowed to exactly the roles the table lists', (permission) => {
    const roles: readonly ProgramRole[] = PERMISSIONS[permission];
    expect(may(ROLES, ours('U0REVOPS'), permission)).toBe(roles.includes('revops'));
    expect(may(ROLES, ours('U0ADMIN'), permission)).toBe(roles.includes('admin'));
    expect(may(ROLES, ours('U0MEMBER'), permission)).toBe(false);
  });

  it('refuses a listed user id acting from another workspace, or with none', () => {
    for (const permission of PERMISSION_NAMES) {
      expect(
        may(
          ROLES,
          { actor: { userId: 'U0ADMIN', teamId: 'T0PARTNER' }, internalTeamIds: INTERNAL },
          permission,
        ),
      ).toBe(false);
      expect(
        may(
          ROLES,
          { actor: { userId: 'U0ADMIN', teamId: undefined }, internalTeamIds: INTERNAL },
          permission,
        ),
      ).toBe(false);
    }
  });

  it('goes by the user id alone where Slack names no workspace (the caller vouches)', () => {
    expect(may(ROLES, 'U0ADMIN', 'outbox')).toBe(true);
    expect(may(ROLES, 'U0REVOPS', 'outbox')).toBe(false);
    expect(may(ROLES, 'U0REVOPS', 'metrics')).toBe(true);
    expect(may(ROLES, 'U0MEMBER', 'metrics')).toBe(false);
  });
});
