import type { Directory } from './directory.js';

/** Whether a person belongs to one of our workspaces, as far as Slack can say now. */
export type Membership = 'internal' | 'external' | 'unknown';

/**
 * Whether a user's own workspace is one of ours (users.info, cached by the directory): a bot or a member of another
 * workspace is external; `unknown` when Slack cannot say now.
 */
export function membership(directory: Pick<Directory, 'lookupUser'>) {
  return async (userId: string, internalTeamIds: readonly string[]): Promise<Membership> => {
    try {
      const user = await directory.lookupUser(userId);
      return user !== undefined && !user.isBot && internalTeamIds.includes(user.teamId)
        ? 'internal'
        : 'external';
    } catch {
      return 'unknown';
    }
  };
}
