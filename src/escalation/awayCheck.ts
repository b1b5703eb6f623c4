import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { cycleEvents, findWaitingForAe } from '../db/repositories/escalation.js';
import type { HandoffRow } from '../db/repositories/handoffs.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import { type AwayRules, awayFrom } from '../domain/absence.js';
import type { Logger } from '../logger.js';
import type { Directory } from '../services/directory.js';
import type { Lifecycle } from '../services/lifecycle.js';
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
  covers?: Pick<Covers, 'activeFor'> | undefined;
  /** The handoff's escalation policy: when a level of it will move the handoff, the notice says so instead of asking. */
  policies?: Pick<Policies, 'byName' | 'limits'> | undefined;
}

/** When each AE's status is read again at the soonest (the app's clock): once an hour each. */
const STATUS_EVERY_MS = 60 * 60_000;

/**
 * An AE who went away during an open window (their Slack status says so): the owner is told once per window, with
 * the handoff's owner buttons (reassign, to the cover they named if any; extend; withdraw), and it is in the touch
 * log, so the expiry that may follow is not counted as the AE's silence. When a level of the handoff's policy will
 * move it if the AE does not answer, the notice says what it will do and when, and does not ask the owner to act.
 */
export function createAwayCheck(deps: AwayCheckDeps) {
  const { db, clock, logger } = deps;
  /** When each AE's status was last read (the app's clock). */
  const statusReadAt = new Map<string, number>();

  /**
   * The owner already knows in this window that the AE is away: they were told, or the author chose at send
   * (the window from the AE's return, now anyway, or the cover).
   */
  function toldAway(h: HandoffRow): boolean {
    return cycleEvents(db, h, ['escalated', 'sent']).some((e) =>
      e.type === 'escalated'
        ? typeof e.detail?.away === 'string'
        : e.detail?.windowFrom !== undefined ||
          e.detail?.sentWhileAway !== undefined ||
          e.detail?.coverFor !== undefined,
    );
  }

  async function checkAway(): Promise<number> {
    if (!deps.directory.status) return 0;
    const now = clock.now();
    const open = findWaitingForAe(db, 500);
    let told = 0;
    const byAe = new Map<string, HandoffRow[]>();
    for (const h of open) byAe.set(h.aeUserId, [...(byAe.get(h.aeUserId) ?? []), h]);
    for (const [ae, list] of byAe) {
      const last = statusReadAt.get(ae);
      if (last !== undefined && now.getTime() - last < STATUS_EVERY_MS) continue;
      statusReadAt.set(ae, now.getTime());
      let away: ReturnType<typeof awayFrom>;
      try {
        away = awayFrom(await deps.directory.status(ae), deps.away, now);
      } catch (error) {
        logger.warn({ err: error, ae }, 'could not read an AE status; trying again later');
        statusReadAt.delete(ae);
        continue;
      }
      if (!away) continue;
      for (const h of list) {
        if (toldAway(h)) continue;
        const cover = deps.covers?.activeFor(h.aeUserId, h.aeTimeZone)?.coverUserId;
        const applied = deps.lifecycle.apply({
          event: 'escalate',
          before: h,
          actor: null,
          at: now,
          change: {},
          detail: {
            away: away.status,
            until: away.until?.toISOString() ?? null,
            ...(cover ? { cover } : {}),
          },
          owes: (tx, after) => {
            // The owner's buttons move to this notice: their older notices are brought up to date without them.
            requestRefresh(tx, after.id, now);
            // A level of the policy that will move it if the AE does not answer: said instead of asking the owner.
            const plan = deps.policies ? plannedMoveOf(tx, after, deps.policies, cover, now) : undefined;
            return awayNoticeMessages(
              after,
              { status: away.status, until: away.until?.getTime() ?? null, cover },
              plan,
            );
          },
        });
        if (applied) told += 1;
      }
    }
    if (told > 0) logger.info({ told }, 'owners told that their AE is away');
    return told;
  }

  return { checkAway };
}
