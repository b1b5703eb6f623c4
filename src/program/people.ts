import { escapeMrkdwn } from '../blocks/mrkdwn.js';
import type { DirectoryUser } from '../core/directory.js';
import type { ProgramState } from './state.js';

/**
 * The people who hold a place in the program: admins, RevOps, pool members and managers, partner managers.
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

/**
 * Why some of these people cannot hold a place, each named (undefined: all can), asked of Slack (users.info). Said as
 * an editor's inline error, which is plain text: each is named by their name as Slack has it (their id when Slack
 * does not know them), never by `<@U…>` markup, which Slack would show as it is.
 */
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
    const user = users[i];
    const name = user?.name || id;
    const problem = holderProblem(user, name, internalTeamIds);
    if (problem && user && !user.deleted && !user.isBot) outside.push(name);
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

/** How a command names a person: a mention, their member ID or their email (Slack sends a typed @name as text). */
export const PERSON_NAMES =
  'Name each person by their Slack member ID (their profile → ⋮ → Copy member ID, like U012ABCDEF) or their email.';

export interface PersonLookups {
  lookupUser: (userId: string) => Promise<DirectoryUser | undefined>;
  lookupByEmail?: ((email: string) => Promise<DirectoryUser | undefined>) | undefined;
  /**
   * Who a plain `@name` may be (a command's `@sam` reaches us as text, not as a mention): these people's handles and
   * names are compared with it; absent: a plain name is not read.
   */
  candidates?: () => Promise<readonly string[]>;
}

/** The user id a word names by itself: a mention Slack escaped (`<@U…>`, `<@U…|sam>`) or a member ID. */
export const userIdIn = (word: string): string | undefined =>
  /^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$/.exec(word)?.[1] ??
  (/^[UW][A-Z0-9]{2,}$/.test(word) ? word : undefined);

/** Whether a word of a command names a person (rather than a date, a number or a keyword). */
export const namesPerson = (word: string): boolean =>
  userIdIn(word) !== undefined || word.startsWith('@') || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(word);

const plain = (name: string) => name.toLowerCase().replace(/[\s._-]+/g, '');

/**
 * The person one word of a command names, as Slack has them, or why it names nobody. `@name` is compared with the
 * candidates' handles, full names and first names; it must fit exactly one. Who they are (of ours, a person) is the
 * caller's check (holderProblem).
 */
export async function personNamed(
  deps: PersonLookups,
  word: string,
): Promise<{ user: DirectoryUser } | { problem: string }> {
  const id = userIdIn(word);
  // Said back in mrkdwn: what they typed is shown, never read as markup.
  const typedWord = escapeMrkdwn(word.slice(0, 80));
  try {
    if (id) {
      const user = await deps.lookupUser(id);
      return user ? { user } : { problem: `I could not find ${id} in Slack.` };
    }
    if (!word.startsWith('@') && word.includes('@')) {
      const user = deps.lookupByEmail ? await deps.lookupByEmail(word) : undefined;
      return user ? { user } : { problem: `I cannot tell who “${typedWord}” is. ${PERSON_NAMES}` };
    }
    if (word.startsWith('@') && deps.candidates) {
      const typed = plain(word.slice(1));
      const users = await Promise.all((await deps.candidates()).map((c) => deps.lookupUser(c)));
      const fits = users.filter(
        (u): u is DirectoryUser =>
          u !== undefined &&
          typed !== '' &&
          [u.handle, u.name, u.name.split(/\s+/)[0]].some((n) => n !== undefined && plain(n) === typed),
      );
      const unique = [...new Map(fits.map((u) => [u.id, u])).values()];
      if (unique.length === 1 && unique[0]) return { user: unique[0] };
      if (unique.length > 1)
        return {
          problem: `“${typedWord}” could be ${unique.map((u) => `<@${u.id}>`).join(' or ')}. Name one by a mention, member ID or email.`,
        };
    }
  } catch {
    return { problem: CHECK_FAILED };
  }
  return {
    problem: word.startsWith('@')
      ? `I cannot tell who “${typedWord}” is: Slack sends a name typed in a command as plain text. ${PERSON_NAMES}`
      : `I cannot tell who “${typedWord}” is. ${PERSON_NAMES}`,
  };
}

/**
 * Everyone the program names (admins, RevOps, managers, pools' and partners' managers): whom a plain `@name` in
 * `/handoff follow <#> @name` may mean.
 */
export function namedInProgram(state: ProgramState): string[] {
  const pools = Object.values(state.bookJson.pools) as { managers?: unknown }[];
  return [
    ...new Set([
      ...state.roles.admin.users,
      ...state.roles.revops.users,
      ...Object.values(state.managers),
      ...Object.values(state.partners).flatMap((p) => p.managers),
      ...pools.flatMap((p) =>
        Array.isArray(p.managers) ? p.managers.filter((m) => typeof m === 'string') : [],
      ),
    ]),
  ];
}
