import type { Clock } from '../clock.js';
import type { Directory } from '../core/directory.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Db } from '../db/client.js';
import { cycleEvents, findWaitingForAe } from '../db/repositories/escalation.js';
import type { HandoffRow } from '../db/repositories/handoffs.js';
import { waitingForAe } from '../db/repositories/slackEvents.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import { type Away, type AwayRules, awayFrom, type SlackStatus } from '../domain/absence.js';
import type { Logger } from '../logger.js';
import type { Covers } from './covers.js';
import { awayNoticeMessages } from './notices.js';
import type { Policies } from './policies.js';
import { plannedMoveOf } from './policyPlans.js';

export interface AwayCheckDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  directory: Directory;
  away: AwayRules;
  covers?: Pick<Covers, 'activeFor' | 'awayNow'> | undefined;
  /** The handoff's escalation policy: when a level of it will move the handoff, the notice says so instead of asking. */
  policies?: Pick<Policies, 'byName' | 'limits'> | undefined;
}

/** When each AE's status is asked for again at the soonest (the app's clock): once an hour each. */
const STATUS_EVERY_MS = 60 * 60_000;

/**
 * How long a status the app knows stands once Slack's status events arrive (`user_status_changed`): a change comes
 * as an event at once, so the away check reads the status from Slack only when what it knows is this old. That read
 * is the fallback for an event Slack could not deliver (the app unreachable through Slack's retries, a Socket Mode
 * reconnect), caught within 6 hours, well inside a response window counted in business days; each start reads every
 * AE once anyway. Until an event arrives (an install whose manifest predates the subscription), nothing is kept and
 * every status is read as before: once an hour per AE by the away check, and at the moment it matters elsewhere.
 */
const KNOWN_FOR_MS = 6 * 60 * 60_000;

/**
 * The statuses the app knows, kept in memory: those Slack sent (`user_status_changed`) and those read while events
 * arrive. `over` gives a directory whose `status` answers from them while they stand, and reads Slack otherwise.
 */
export class KnownStatuses {
  private readonly known = new Map<string, { status: SlackStatus; at: number }>();
  /** Whether Slack sent a status event since start: only then can what is kept be trusted to stay current. */
  private heard = false;

  constructor(private readonly clock: Clock) {}

  /** The directory the away check and the escalation policies read statuses from. */
  over(directory: Directory): Directory {
    const read = directory.status?.bind(directory);
    if (!read) return directory;
    return {
      ...directory,
      status: async (userId) => {
        const kept = this.standing(userId);
        if (kept) return kept;
        const status = await read(userId);
        if (this.heard && status) this.remember(userId, status);
        return status;
      },
    };
  }

  /** A status event: recorded if the app keeps this person's status; true then (nothing else is written). */
  heardFrom(userId: string, status: SlackStatus): boolean {
    this.heard = true;
    if (!this.known.has(userId)) return false;
    this.remember(userId, status);
    return true;
  }

  remember(userId: string, status: SlackStatus): void {
    const now = this.clock.now().getTime();
    this.known.set(userId, { status, at: now });
    // What no longer stands is dropped as new statuses come: the map holds about the people asked about lately.
    for (const [id, entry] of this.known) if (now - entry.at >= KNOWN_FOR_MS) this.known.delete(id);
  }

  private standing(userId: string): SlackStatus | undefined {
    const entry = this.known.get(userId);
    if (!this.heard || !entry || this.clock.now().getTime() - entry.at >= KNOWN_FOR_MS) return undefined;
    return entry.status;
  }
}

/**
 * The owner already knows in this window that the AE is away: they were told, or the author chose at send (the
 * window from the AE's return, now anyway, or the cover).
 */
async function toldAway(db: Db, h: HandoffRow): Promise<boolean> {
  return (await cycleEvents(db, h, ['escalated', 'sent'])).some((e) =>
    e.type === 'escalated'
      ? typeof e.detail?.away === 'string'
      : e.detail?.windowFrom !== undefined ||
        e.detail?.sentWhileAway !== undefined ||
        e.detail?.coverFor !== undefined,
  );
}

/** Tells the owner of each of the AE's waiting handoffs not told yet in this window that the AE is away. */
async function tellOwners(
  deps: AwayCheckDeps,
  list: readonly HandoffRow[],
  away: Away,
  now: Date,
): Promise<number> {
  let told = 0;
  for (const h of list) {
    if (await toldAway(deps.db, h)) continue;
    const cover = (await deps.covers?.activeFor(h.aeUserId, h.aeTimeZone))?.coverUserId;
    const applied = await deps.lifecycle.apply({
      event: 'escalate',
      before: h,
      actor: null,
      at: now,
      change: {},
      detail: {
        away: away.status,
        until: away.until?.toISOString() ?? null,
        ...(away.days ? { awayDays: away.days } : {}),
        ...(cover ? { cover } : {}),
      },
      owes: async (tx, after) => {
        // The owner's buttons move to this notice: their older notices are brought up to date without them.
        await requestRefresh(tx, after.id, now);
        // A level of the policy that will move it if the AE does not answer: said instead of asking the owner.
        const plan = deps.policies ? await plannedMoveOf(tx, after, deps.policies, cover, now) : undefined;
        return awayNoticeMessages(
          after,
          { status: away.status, until: away.until?.getTime() ?? null, cover, days: away.days },
          plan,
        );
      },
    });
    if (applied) told += 1;
  }
  return told;
}

/**
 * An AE who went away during an open window (their Slack status says so, or it is one of the days away they gave
 * with their cover): the owner is told once per window, with
 * the handoff's owner buttons (reassign, to the cover they named if any; extend; withdraw), and it is in the touch
 * log, so the expiry that may follow is not counted as the AE's silence. When a level of the handoff's policy will
 * move it if the AE does not answer, the notice says what it will do and when, and does not ask the owner to act.
 * Statuses come as Slack's events (`createStatusEvents`) and are read by this check as the fallback.
 */
export function createAwayCheck(deps: AwayCheckDeps) {
  const { db, clock, logger } = deps;
  /** When each AE's status was last asked for (the app's clock). */
  const statusReadAt = new Map<string, number>();

  /** Away by their status, read from Slack at most once an hour per AE (undefined: not read now, or not away). */
  async function awayByStatus(ae: string, now: Date): Promise<Away | undefined> {
    const read = deps.directory.status?.bind(deps.directory);
    const last = statusReadAt.get(ae);
    if (!read || (last !== undefined && now.getTime() - last < STATUS_EVERY_MS)) return undefined;
    statusReadAt.set(ae, now.getTime());
    try {
      return awayFrom(await read(ae), deps.away, now);
    } catch (error) {
      logger.warn({ err: error, ae }, 'could not read an AE status; trying again later');
      statusReadAt.delete(ae);
      return undefined;
    }
  }

  async function checkAway(): Promise<number> {
    const now = clock.now();
    const open = await findWaitingForAe(db, 500);
    let told = 0;
    const byAe = new Map<string, HandoffRow[]>();
    for (const h of open) byAe.set(h.aeUserId, [...(byAe.get(h.aeUserId) ?? []), h]);
    for (const [ae, list] of byAe) {
      // The days away they gave (a read of the database, each time), else their status.
      const away = (await deps.covers?.awayNow(ae, list[0]?.aeTimeZone)) ?? (await awayByStatus(ae, now));
      if (away) told += await tellOwners(deps, list, away, now);
    }
    if (told > 0) logger.info({ told }, 'owners told that their AE is away');
    return told;
  }

  return { checkAway };
}

/**
 * `user_status_changed`: Slack sends every status change of everyone in the workspace. One of an AE with handoffs
 * waiting for their answer is kept (the away check reads no status from Slack while it stands) and, if it says they
 * are away, their owners are told at once. One of anyone else costs one read of the database: no call to Slack, and
 * nothing written (a status the app keeps for an escalation policy's read is brought up to date, in memory).
 */
export function createStatusEvents(deps: AwayCheckDeps & { statuses: KnownStatuses }) {
  return {
    async changed(userId: string, status: SlackStatus): Promise<number> {
      const kept = deps.statuses.heardFrom(userId, status);
      const waiting = await waitingForAe(deps.db, userId, 500);
      if (waiting.length === 0) return 0;
      if (!kept) deps.statuses.remember(userId, status);
      const now = deps.clock.now();
      const away = awayFrom(status, deps.away, now);
      if (!away) return 0;
      const told = await tellOwners(deps, waiting, away, now);
      if (told > 0)
        deps.logger.info({ told, ae: userId }, 'owners told that their AE is away (Slack status)');
      return told;
    },
  };
}

export type StatusEvents = ReturnType<typeof createStatusEvents>;
