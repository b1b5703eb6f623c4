import { type CoveredDeal, whileAwayMessage } from '../blocks/coverModal.js';
import type { Clock } from '../clock.js';
import { type Directory, DirectoryUnavailableError } from '../core/directory.js';
import type { WindowPlanner } from '../core/responseWindow.js';
import type { Db } from '../db/client.js';
import { type CoveredHandoff, coveredNotTold } from '../db/repositories/covers.js';
import { logEvent } from '../db/repositories/events.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue } from '../db/repositories/outbox.js';
import type { Logger } from '../logger.js';
import { COVER_MAX_DAYS, type Covers } from './covers.js';

export interface CoverReturnDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Directory;
  windows: Pick<WindowPlanner, 'reachableAt'>;
  covers?: Pick<Covers, 'activeFor'> | undefined;
  /** Wakes the outbox for what was queued. */
  onOutboxWrite?: () => void;
}

/** How far back the touch log is read for handoffs sent to a cover: the longest cover, and a fortnight to return in. */
const LOOK_BACK_MS = (COVER_MAX_DAYS + 14) * 86_400_000;

/** The handoffs that went to covers and their away AE has not been told of, by that AE. */
function byAwayAe(rows: readonly CoveredHandoff[]): Map<string, CoveredHandoff[]> {
  const byAe = new Map<string, CoveredHandoff[]>();
  for (const row of rows) byAe.set(row.coverFor, [...(byAe.get(row.coverFor) ?? []), row]);
  return byAe;
}

/**
 * "While you were away": an AE whose handoffs went to their cover is told of them once they are
 * back, that is once their cover stands no more (its last day passed, or they ended it), at their next working moment
 * (not at night, nor on a day off). One DM lists each handoff, where it stands now and with whom, with View (they may
 * view and follow it); the touch log records that they were told (`cover_returned`), so each is told once.
 */
export function createCoverReturns(deps: CoverReturnDeps) {
  const { db, clock, logger } = deps;

  /** Tells one AE who is back of the handoffs that went to their cover; false when they are not back (or not now). */
  async function tell(ae: string, rows: readonly CoveredHandoff[], now: Date): Promise<boolean> {
    const person = await deps.directory.lookupUser(ae);
    if (!person || person.deleted) return false;
    if (await deps.covers?.activeFor(ae, person.timeZone)) return false;
    if (deps.windows.reachableAt(now, { id: ae, timeZone: person.timeZone }).getTime() > now.getTime())
      return false;
    const told = await db.transaction(async (tx) => {
      const deals: CoveredDeal[] = [];
      for (const row of rows) {
        const h = await findHandoff(tx, row.handoffId);
        // One entry per handoff: moved to the cover again, it is one deal to read of.
        if (h && !deals.some((d) => d.h.id === h.id)) deals.push({ h, cover: row.cover, at: row.at });
      }
      if (deals.length === 0) return 0;
      const last = rows.at(-1)?.eventId ?? 0;
      const added = await enqueue(
        tx,
        [
          {
            method: 'chat.postMessage',
            dedupeKey: `cover-return:${ae}:${last}`,
            channel: ae,
            payload: { ...whileAwayMessage(deals, person.timeZone ?? 'UTC') },
          },
        ],
        now,
      );
      if (added === 0) return 0;
      for (const { h } of deals)
        await logEvent(tx, {
          type: 'cover_returned',
          before: h,
          after: h,
          actor: null,
          at: now,
          detail: { coverFor: ae },
        });
      return deals.length;
    });
    if (told > 0) logger.info({ ae, handoffs: told }, 'AE back from a cover told of its handoffs');
    return told > 0;
  }

  async function tellReturned(): Promise<number> {
    const now = clock.now();
    const rows = await coveredNotTold(db, new Date(now.getTime() - LOOK_BACK_MS));
    let told = 0;
    for (const [ae, list] of byAwayAe(rows)) {
      try {
        if (await tell(ae, list, now)) told += 1;
      } catch (error) {
        // One person must not hold back the others; Slack not answering (who they are) is tried next sweep.
        const level = error instanceof DirectoryUnavailableError ? 'warn' : 'error';
        logger[level]({ err: error, ae }, 'could not tell an AE back from a cover; trying again next sweep');
      }
    }
    if (told > 0) deps.onOutboxWrite?.();
    return told;
  }

  return { tellReturned };
}

export type CoverReturns = ReturnType<typeof createCoverReturns>;
