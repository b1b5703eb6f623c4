import type { Clock } from '../clock.js';
import type { Directory, DirectoryUser } from '../core/directory.js';
import type { Db } from '../db/client.js';
import { aesOf as aesOfHandoff, openCountOf } from '../db/repositories/escalation.js';
import type { HandoffRow } from '../db/repositories/handoffs.js';
import { type AwayRules, awayFrom } from '../domain/absence.js';
import { type GuestKind, type GuestPolicy, guestRefusal, guestWords, NO_GUESTS } from '../domain/guests.js';
import type { Skipped } from '../domain/moves.js';
import { type Pause, pausedOn, pauseEnd } from '../domain/ownDays.js';
import type { Covers } from './covers.js';
import type { Policies } from './policies.js';
import { turnOrder, weightOf } from './poolFairness.js';

export interface PoolPickDeps {
  db: Db;
  clock: Clock;
  policies: Pick<Policies, 'members'> & Partial<Pick<Policies, 'pool'>>;
  directory: Directory;
  /** A pool member holding this many open handoffs (waiting for their answer) is skipped; a pool's `cap` wins. */
  maxOpenPerAe: number;
  /** A member's own pause from their pools: until they resume, or through a day of their calendar. */
  pausedOf?: (userId: string) => Pause | undefined;
  /** Today (YYYY-MM-DD) in a zone's calendar (none: the deployment's zone). */
  windows?: { todayOf(at: Date, timeZone: string | undefined): string };
  away: AwayRules;
  /** Members of our workspaces (a pool member of another organization is never chosen). */
  internalTeamIds: () => readonly string[];
  /** What an admin allows workspace guests (absent: a guest is never picked). */
  guests?: GuestPolicy;
  /** The days away members gave with their cover: skipped then, as when their status says away (a fair pool counts them off). */
  covers?: (Pick<Covers, 'awayNow'> & Partial<Pick<Covers, 'awayDays'>>) | undefined;
}

/** A pool's pick: the member chosen (none: nobody can take it), whom it passed over and why, and why them. */
export interface PoolPick {
  person: DirectoryUser | undefined;
  skipped: Skipped[];
  /** Why this member, when their weight or the pool's fairness decided ("furthest behind this week's share: 1 of 3"). */
  why?: string;
}

/** Why round robin passes over a member, in words that follow their name ("@Sam away (…)"). */
const SKIP = {
  currentAe: 'its AE now',
  hadIt: 'already had it',
  owner: 'the owner',
  author: 'the author',
  unknown: 'not found in our workspace',
  deactivated: 'deactivated',
  bot: 'a bot',
  outside: 'not a member of our workspace',
  guest: (kind: GuestKind) => guestWords(kind),
  full: (limit: number) => `holds ${limit} or more open handoffs`,
  away: (status: string) => `away (${status})`,
  weightZero: 'weight 0 (takes no new handoffs)',
  paused: (paused: Pause) =>
    paused === 'until_resumed' ? 'paused (until they resume)' : `paused until ${pauseEnd(paused)}`,
} as const;

/** The handoff a pick is for: its people, and its id once it exists (a new packet has none yet). */
type ForHandoff = Pick<HandoffRow, 'aeUserId' | 'ownerUserId' | 'authorUserId'> & { id?: number };

/** Why a member is out of their pools today (their own pause, its last day included in their calendar). */
function pauseReason(deps: PoolPickDeps, user: string, timeZone: string | undefined): string | undefined {
  const paused = deps.pausedOf?.(user);
  if (!paused) return undefined;
  const now = deps.clock.now();
  const today = deps.windows?.todayOf(now, timeZone) ?? now.toISOString().slice(0, 10);
  return pausedOn(paused, today) ? SKIP.paused(paused) : undefined;
}

/** Why a person found in Slack cannot take a handoff (not an active member of ours, a guest not allowed), if so. */
function personReason(deps: PoolPickDeps, person: DirectoryUser | undefined): string | undefined {
  if (!person) return SKIP.unknown;
  if (person.deleted) return SKIP.deactivated;
  if (person.isBot) return SKIP.bot;
  if (!deps.internalTeamIds().includes(person.teamId)) return SKIP.outside;
  // A guest reads the internal packet as its AE only when an admin allows it.
  if (person.guest && guestRefusal(person, 'ae', deps.guests ?? NO_GUESTS)) return SKIP.guest(person.guest);
  return undefined;
}

/**
 * Round robin over a pool: the next member after the last one the pool got (or, in a fair pool, the one furthest
 * behind their share of the period: escalation/poolFairness.ts), passing over (with why) this handoff's
 * AE, the AEs who already had it, its owner and author, anyone not an active member of our workspace, anyone holding
 * too many open handoffs (the pool's cap, else POOL_MAX_OPEN_HANDOFFS), anyone who paused themselves out of their
 * pools (`/handoff pause`), and anyone away by their Slack status.
 */
export function createPoolPicks(deps: PoolPickDeps) {
  const { db, clock } = deps;

  const fairness = {
    db,
    dayOf: (at: Date) => deps.windows?.todayOf(at, undefined) ?? at.toISOString().slice(0, 10),
    ...(deps.covers?.awayDays ? { awayDays: deps.covers.awayDays } : {}),
  };

  const openCount = (userId: string) => openCountOf(db, userId);

  /** Everyone who was this handoff's AE (sent to them, or reassigned to them). */
  async function aesOf(handoffId: number | undefined): Promise<Set<string>> {
    if (handoffId === undefined) return new Set();
    return new Set(await aesOfHandoff(db, handoffId));
  }

  /** Why `user` cannot take it for the handoff's own reasons (no Slack call needed), if they cannot. */
  async function ownReason(
    h: ForHandoff,
    user: string,
    hadIt: Set<string>,
    cap: number,
  ): Promise<string | undefined> {
    if (user === h.aeUserId) return SKIP.currentAe;
    if (hadIt.has(user)) return SKIP.hadIt;
    if (user === h.ownerUserId) return SKIP.owner;
    if (user === h.authorUserId) return SKIP.author;
    if ((await openCount(user)) >= cap) return SKIP.full(cap);
    return undefined;
  }

  /** The next member who can take the handoff, with every member passed over before them and why. */
  async function choose(h: ForHandoff, pool: string): Promise<PoolPick> {
    const members = await deps.policies.members(pool);
    const info = deps.policies.pool?.(pool);
    const { order, why } = await turnOrder(fairness, { id: pool, info }, members, clock.now());
    const hadIt = await aesOf(h.id);
    const cap = info?.cap ?? deps.maxOpenPerAe;
    const skipped: Skipped[] = [];
    for (const [i, user] of order.entries()) {
      const own = weightOf(info, user) === 0 ? SKIP.weightZero : await ownReason(h, user, hadIt, cap);
      if (own) {
        skipped.push({ user, why: own });
        continue;
      }
      const person = await deps.directory.lookupUser(user);
      // Not an active member of ours, or paused out of their pools.
      const cannot = personReason(deps, person) ?? pauseReason(deps, user, person?.timeZone);
      if (cannot || !person) {
        skipped.push({ user, why: cannot ?? SKIP.unknown });
        continue;
      }
      // Away by their status, or on the days away they gave with their cover.
      const away =
        awayFrom(await deps.directory.status?.(user), deps.away, clock.now()) ??
        (await deps.covers?.awayNow(user, person.timeZone));
      if (away) {
        skipped.push({ user, why: SKIP.away(away.status) });
        continue;
      }
      const chosen = why(user, order.slice(i + 1));
      return { person, skipped, ...(chosen ? { why: chosen } : {}) };
    }
    return { person: undefined, skipped };
  }

  /**
   * The next AE of a pool for a new handoff (the packet named a pool): round robin, skipping the author and the
   * owner, anyone away or full. With whom it skipped and why.
   */
  function nextFromPool(pool: string, exclude: { authorUserId: string; ownerUserId: string }) {
    return choose({ aeUserId: '', ...exclude }, pool);
  }

  return { choose, nextFromPool };
}

export type PoolPicks = ReturnType<typeof createPoolPicks>;
