import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';
import type { SlackStatus } from '../domain/absence.js';
import { type GuestKind, type GuestPolicy, guestKindOf, guestRefusal, NO_GUESTS } from '../domain/guests.js';

export interface DirectoryUser {
  id: string;
  teamId: string;
  name: string;
  /** The name people @mention them by (their display name, or their username), when Slack gives one. */
  handle?: string;
  isBot: boolean;
  deleted: boolean;
  timeZone: string | undefined;
  /** A workspace guest (users.info `is_restricted`, `is_ultra_restricted`); absent for a full member. */
  guest?: GuestKind;
  /** Their profile's title ("Alliances lead"), when they gave one. */
  title?: string;
}

export interface DirectoryChannel {
  id: string;
  /** The name as the app sees it (names can differ per side of a shared channel: use only to talk to people). */
  name: string;
  /** Every workspace (or Grid org) in the channel, ours included (Slack's shared_team_ids). */
  sharedTeamIds: string[];
  /** Whether the app is in the channel (it must be, to post there). */
  isMember: boolean;
  isArchived: boolean;
  /** Shared with another organization (Slack Connect). */
  isExternallyShared: boolean;
}

/** A Slack user group: its id (S…), name and handle (the @ mention's). */
export interface DirectoryUsergroup {
  id: string;
  name: string;
  handle: string;
}

/** Looks people and channels up in Slack. `undefined` means Slack says there is no such thing (or it cannot see it). */
export interface Directory {
  lookupUser(userId: string): Promise<DirectoryUser | undefined>;
  lookupChannel(channelId: string): Promise<DirectoryChannel | undefined>;
  /** A workspace's name (team.info), for a Slack Connect workspace in a shared channel; undefined if Slack won't say. */
  teamName(teamId: string): Promise<string | undefined>;
  /** A person's Slack status (users.profile.get), not cached: whether they are away is read when it matters. */
  status?(userId: string): Promise<SlackStatus | undefined>;
  /** The members of a Slack user group (usergroups.users.list), for a pool named by its group. */
  usergroupMembers?(usergroupId: string): Promise<string[]>;
  /** The workspace's user groups (usergroups.list, not disabled ones), for a role held by a group. */
  usergroups?(): Promise<DirectoryUsergroup[]>;
  /** The person with this email (users.lookupByEmail: a CRM owner found in Slack), undefined when nobody has it. */
  lookupByEmail?(email: string): Promise<DirectoryUser | undefined>;
  /**
   * Forgets the people it keeps, and an org-wide install's workspaces: who Slack shows changed at once (the install
   * added to or taken out of a workspace of the org, startup.ts `orgAccess`).
   */
  forgetPeople?(): void;
}

/**
 * Why this Slack user cannot be given a handoff or stand in for someone (a bot, deactivated, someone of another
 * organization), or undefined when they can. `who`: how the message names the person wanted.
 */
export function personRefusal(
  user: DirectoryUser | undefined,
  internalTeamIds: readonly string[],
  who: 'an account executive' | 'a colleague',
  guests: GuestPolicy = NO_GUESTS,
): string | undefined {
  if (!user) return 'I could not find this person in Slack.';
  if (user.isBot) return 'Choose a person, not a bot or an app.';
  if (user.deleted) return "This person's Slack account is deactivated.";
  if (!internalTeamIds.includes(user.teamId)) return `Choose ${who} from your own company, not a partner.`;
  // Both stand in for the AE and read the internal packet: a guest only when an admin allows guests as AEs.
  return guestRefusal(user, who === 'an account executive' ? 'ae' : 'cover', guests);
}

export class DirectoryUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Slack user lookup failed', { cause });
    this.name = 'DirectoryUnavailableError';
  }
}

interface UsersInfoUser {
  id?: string;
  team_id?: string;
  name?: string;
  real_name?: string;
  tz?: string;
  is_bot?: boolean;
  deleted?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  profile?: { real_name?: string; display_name?: string; title?: string };
}

const CACHE_MS = 5 * 60_000;

/**
 * Answers kept CACHE_MS by the business clock (at most 5,000, then forgotten at once). A lookup that throws is not
 * kept: the next one asks Slack again. `clear` forgets them all.
 */
function expiring<T>(clock: Clock) {
  const entries = new Map<string, { value: T; until: number }>();
  const cached = async (key: string, load: () => Promise<T>): Promise<T> => {
    const now = clock.now().getTime();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    if (entries.size > 5000) entries.clear();
    entries.set(key, { value, until: now + CACHE_MS });
    return value;
  };
  return Object.assign(cached, { clear: () => entries.clear() });
}

export function slackDirectory(client: WebClient, clock: Clock): Directory {
  const users = expiring<DirectoryUser | undefined>(clock);
  const teams = expiring<string | undefined>(clock);
  const orgTeams = remembered(() => workspacesOfOrg(client));
  return {
    // users.info with a short cache: validation runs before the 3-second ack, so repeat lookups must be instant.
    lookupUser: (userId) => users(userId, () => lookupUser(client, userId)),
    // Not cached: membership changes when someone invites the app, and the answer must be current.
    lookupChannel: (channelId) => lookupChannel(client, channelId),
    status: (userId) => status(client, userId),
    async usergroupMembers(usergroupId) {
      try {
        const result = await inSomeWorkspace(orgTeams, (team) =>
          client.usergroups.users.list({ usergroup: usergroupId, ...team }),
        );
        return (result.users ?? []).filter((u): u is string => typeof u === 'string');
      } catch (error) {
        throw new DirectoryUnavailableError(error);
      }
    },
    async usergroups() {
      try {
        const pages = await inEveryWorkspace(orgTeams, (team) =>
          client.usergroups.list({ include_disabled: false, ...team }),
        );
        const groups = new Map<string, { id: string; name: string; handle: string }>();
        for (const g of pages.flatMap((page) => page.usergroups ?? []))
          if (g.id && !groups.has(g.id))
            groups.set(g.id, { id: g.id, name: g.name ?? g.id, handle: g.handle ?? '' });
        return [...groups.values()];
      } catch (error) {
        throw new DirectoryUnavailableError(error);
      }
    },
    // Cached like users: a workspace's name rarely changes, and the review waits for it before the ack.
    teamName: (teamId) => teams(teamId, () => teamName(client, teamId)),
    lookupByEmail: (email) => users(`email:${email.toLowerCase()}`, () => lookupByEmail(client, email)),
    forgetPeople: () => {
      users.clear();
      orgTeams.forget();
    },
  };
}

/**
 * The workspaces of the org an org-wide token was added to (auth.teams.list, every page). Their members and channels
 * are ours; one added later is told by Slack (handlers/events/teamAccess.ts).
 */
export async function workspacesOfOrg(client: WebClient): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.auth.teams.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    for (const team of page.teams ?? []) if (team.id) found.push(team.id);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return found;
}

/** A load whose answer is kept once it succeeds (a failure is asked again next time). */
function remembered<T>(load: () => Promise<T>) {
  let kept: Promise<T> | undefined;
  const get = (): Promise<T> => {
    kept ??= load().catch((error: unknown) => {
      kept = undefined;
      throw error;
    });
    return kept;
  };
  return Object.assign(get, {
    forget: () => {
      kept = undefined;
    },
  });
}

type TeamArg = { team_id?: string };

/** Slack's answers for a workspace an org-wide token no longer reaches. */
const WORKSPACE_GONE = new Set(['team_access_not_granted', 'team_not_found']);

/**
 * A call that acts in one workspace. With an org-wide token Slack asks which (`missing_argument`: the user group
 * methods, https://api.slack.com/enterprise/apps/changes-apis): then each workspace of the org is tried in turn,
 * and the first that answers is the answer.
 */
async function inSomeWorkspace<T>(orgTeams: () => Promise<string[]>, call: (team: TeamArg) => Promise<T>) {
  try {
    return await call({});
  } catch (error) {
    if (slackCode(error) !== 'missing_argument') throw error;
    let last: unknown = error;
    for (const team_id of await orgTeams()) {
      try {
        return await call({ team_id });
      } catch (next) {
        last = next;
      }
    }
    throw last;
  }
}

/** A call that lists what one workspace has; with an org-wide token, every workspace of the org's, in turn. */
async function inEveryWorkspace<T>(orgTeams: () => Promise<string[]>, call: (team: TeamArg) => Promise<T>) {
  try {
    return [await call({})];
  } catch (error) {
    if (slackCode(error) !== 'missing_argument') throw error;
    const answers: T[] = [];
    for (const team_id of await orgTeams()) {
      try {
        answers.push(await call({ team_id }));
      } catch (next) {
        // A workspace the app was just taken out of: the others still answer.
        if (!WORKSPACE_GONE.has(slackCode(next) ?? '')) throw next;
      }
    }
    return answers;
  }
}

/** Slack's error code on a Web API failure (`user_not_found`…), when it has one. */
const slackCode = (error: unknown) => (error as { data?: { error?: string } }).data?.error;

/** A users.info (or users.lookupByEmail) user as the directory keeps it. */
function directoryUser(u: UsersInfoUser | undefined): DirectoryUser | undefined {
  if (!u?.id) return undefined;
  const title = u.profile?.title?.trim();
  return {
    id: u.id,
    teamId: u.team_id ?? '',
    name: u.profile?.real_name || u.real_name || u.profile?.display_name || u.name || u.id,
    ...(u.profile?.display_name || u.name ? { handle: u.profile?.display_name || u.name } : {}),
    isBot: Boolean(u.is_bot) || u.id === 'USLACKBOT',
    deleted: Boolean(u.deleted),
    timeZone: u.tz,
    ...(guestKindOf(u) ? { guest: guestKindOf(u) } : {}),
    ...(title ? { title } : {}),
  };
}

async function lookupUser(client: WebClient, userId: string): Promise<DirectoryUser | undefined> {
  try {
    const result = await client.users.info({ user: userId });
    return directoryUser(result.user as UsersInfoUser | undefined);
  } catch (error) {
    if (slackCode(error) !== 'user_not_found') throw new DirectoryUnavailableError(error);
    return undefined;
  }
}

async function lookupByEmail(client: WebClient, email: string): Promise<DirectoryUser | undefined> {
  try {
    const result = await client.users.lookupByEmail({ email });
    return directoryUser(result.user as UsersInfoUser | undefined);
  } catch (error) {
    if (slackCode(error) !== 'users_not_found') throw new DirectoryUnavailableError(error);
    return undefined;
  }
}

async function lookupChannel(client: WebClient, channelId: string): Promise<DirectoryChannel | undefined> {
  try {
    const result = await client.conversations.info({ channel: channelId });
    const c = result.channel;
    if (!c?.id) return undefined;
    // Slack lists the teams in shared_team_ids and, for Slack Connect, the other organizations' in
    // connected_team_ids; an answer may carry only one of them.
    const ids = c as { shared_team_ids?: unknown; connected_team_ids?: unknown };
    const listed = [ids.shared_team_ids, ids.connected_team_ids].flatMap((list) =>
      Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string') : [],
    );
    return {
      id: c.id,
      name: c.name ?? c.id,
      sharedTeamIds: [...new Set(listed)],
      isMember: Boolean(c.is_member),
      isArchived: Boolean(c.is_archived),
      isExternallyShared: Boolean(c.is_ext_shared || c.is_pending_ext_shared),
    };
  } catch (error) {
    if (slackCode(error) === 'channel_not_found') return undefined;
    throw new DirectoryUnavailableError(error);
  }
}

async function status(client: WebClient, userId: string): Promise<SlackStatus | undefined> {
  try {
    const result = await client.users.profile.get({ user: userId });
    const p = result.profile as
      | { status_text?: string; status_emoji?: string; status_expiration?: number }
      | undefined;
    return p
      ? {
          text: p.status_text ?? '',
          emoji: p.status_emoji ?? '',
          expiration: Number(p.status_expiration ?? 0),
        }
      : undefined;
  } catch (error) {
    if (slackCode(error) === 'user_not_found') return undefined;
    throw new DirectoryUnavailableError(error);
  }
}

async function teamName(client: WebClient, teamId: string): Promise<string | undefined> {
  try {
    const result = await client.team.info({ team: teamId });
    return result.team?.name || undefined;
  } catch (error) {
    // Not visible to the app (or an old install without team:read): the review asks the author instead.
    if (slackCode(error) === undefined) throw new DirectoryUnavailableError(error);
    return undefined;
  }
}
