import type { Logger } from '../logger.js';
import type { People } from './kinds.js';
import type { ProgramState } from './state.js';

/**
 * The Slack user groups the program names for a role: the admins' and RevOps', a pool's managers'
 * (`managersGroup`), a partner's managers' (`usergroup`). Their members are read when the program is read and by the
 * pools job every 15 minutes, and kept: a request asks the program, never Slack.
 */

/** Every user group the program names for a role (not a pool's members' group: the policies read those). */
export function roleGroupsOf(state: ProgramState): string[] {
  const ids = new Set<string>();
  const { admin, revops } = state.roles;
  if (admin.usergroup) ids.add(admin.usergroup);
  if (revops.usergroup) ids.add(revops.usergroup);
  for (const pool of Object.values(state.bookJson.pools)) {
    const group = (pool as { managersGroup?: unknown } | undefined)?.managersGroup;
    if (typeof group === 'string') ids.add(group);
  }
  for (const partner of Object.values(state.partners)) if (partner.usergroup) ids.add(partner.usergroup);
  return [...ids];
}

/**
 * The members of each group (usergroups.users.list). A group Slack could not read holds no one (logged): a role
 * held through it is held by nobody until the next read.
 */
export async function groupMembersOf(
  deps: { logger: Logger; usergroupMembers?: (usergroupId: string) => Promise<string[]> },
  ids: readonly string[],
): Promise<Map<string, readonly string[]>> {
  const read = deps.usergroupMembers;
  const entries = await Promise.all(
    ids.map(async (id): Promise<[string, readonly string[]]> => {
      if (!read) return [id, []];
      try {
        return [id, await read(id)];
      } catch (error) {
        deps.logger.warn({ usergroup: id, err: error }, 'could not read the user group of a role');
        return [id, []];
      }
    }),
  );
  return new Map(entries);
}

/** A role's people: those listed, and the members of its user group as last read (`groups`). */
function membersOf(people: People, groups: ReadonlyMap<string, readonly string[]>): string[] {
  return [...new Set([...people.users, ...((people.usergroup && groups.get(people.usergroup)) || [])])];
}

/**
 * The groups' members as last read, and the admins' and RevOps' live views (`admins`, `revops`: the program's stable
 * arrays, refilled in place) filled from them with each read.
 */
export function roleGroupsHeld(
  deps: Parameters<typeof groupMembersOf>[0],
  admins: string[],
  revops: string[],
) {
  let groups: ReadonlyMap<string, readonly string[]> = new Map();
  const set = (members: ReadonlyMap<string, readonly string[]>, state: ProgramState): void => {
    groups = members;
    admins.splice(0, admins.length, ...membersOf(state.roles.admin, groups));
    revops.splice(0, revops.length, ...membersOf(state.roles.revops, groups));
  };
  return {
    set,
    members: (usergroupId: string): readonly string[] => groups.get(usergroupId) ?? [],
    /** Reads the groups of the program as it is (`stateNow`) again; a reread of the program meanwhile stands. */
    async reread(stateNow: () => ProgramState): Promise<void> {
      const state = stateNow();
      const fresh = await groupMembersOf(deps, roleGroupsOf(state));
      if (stateNow() === state) set(fresh, state);
    },
  };
}
