import type { DirectoryUser } from '../core/directory.js';

/**
 * The people who hold a place in the program (issue 53): admins, RevOps, pool members and managers, partner managers.
 * Each is a person of our own workspaces: Slack's people pickers list the people of a Slack Connect channel's other
 * organizations too (a multi_users_select cannot filter them out), so every editor's save and `/handoff partners
 * managers` ask Slack who each new person is, here.
 */

/** Why this person cannot hold a place in the program (undefined: they can). `who`: how the message names them. */
export function holderProblem(
  user: DirectoryUser | undefined,
  who: string,
  internalTeamIds: readonly string[],
): string | undefined {
  if (!user || user.deleted) return `I could not find ${who} in Slack.`;
  if (user.isBot) return `${who} is a bot or an app: choose a person.`;
  if (!internalTeamIds.includes(user.teamId))
    return `${who} is not in our workspace: choose people of our own workspaces.`;
  return undefined;
}

export const CHECK_FAILED = 'I could not check these people with Slack just now. Try again.';

/** Why some of these people cannot hold a place, each named (undefined: all can), asked of Slack (users.info). */
export async function peopleProblem(
  lookupUser: (userId: string) => Promise<DirectoryUser | undefined>,
  internalTeamIds: readonly string[],
  userIds: readonly string[],
): Promise<string | undefined> {
  if (userIds.length === 0) return undefined;
  let users: (DirectoryUser | undefined)[];
  try {
    users = await Promise.all(userIds.map((id) => lookupUser(id)));
  } catch {
    return CHECK_FAILED;
  }
  const outside: string[] = [];
  const others: string[] = [];
  userIds.forEach((id, i) => {
    const problem = holderProblem(users[i], `<@${id}>`, internalTeamIds);
    const user = users[i];
    if (problem && user && !user.deleted && !user.isBot) outside.push(`<@${id}>`);
    else if (problem) others.push(problem);
  });
  const said =
    outside.length > 0
      ? [
          `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not in our workspace: choose people of our own workspaces.`,
        ]
      : [];
  const text = [...said, ...others].join(' ');
  return text ? text.slice(0, 1900) : undefined;
}
