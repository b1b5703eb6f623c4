import type { Clock } from '../clock.js';
import { heldBackNotice } from '../core/heldBack.js';
import { scheduledForReaders } from '../core/lifecycle.js';
import { messageKey } from '../core/notifications.js';
import type { Surfaces } from '../core/surfaces.js';
import type { Db } from '../db/client.js';
import { enqueue } from '../db/repositories/outbox.js';
import { findPartnerTextToRecheck } from '../db/repositories/partnerThreads.js';
import { findPostedMessage } from '../db/repositories/postedMessages.js';
import { requestRefresh, surfacesOf } from '../db/repositories/surfaces.js';
import type { HandoffRow } from '../db/schema.js';
import { latestTodayAt } from '../domain/partnerView.js';
import type { Logger } from '../logger.js';

/** Deals looked at per run, oldest first. */
const BATCH = 500;

/**
 * Partner-visible text that stops being true with time alone: the partner's next move, or our AE's first step, "by" a
 * date that has now passed. The partner thread's parent and its decisions' replies are rendered from the partner's
 * view, which holds such a date back (domain/partnerView.ts); nothing else changes the handoff when the date passes, so
 * this job (`partner-thread-recheck`) brings every such message whose rendering changed up to date, and asks the author
 * about what is held back (core/heldBack.ts).
 */
export function createPartnerText(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  surfaces: Pick<Surfaces, 'render'>;
  onOutboxWrite: () => void;
}) {
  const { db, clock, logger } = deps;

  /**
   * Asks the authors of deals whose partner next move is held back now (core/heldBack.ts), once per reason and
   * text version: a passed date, or a move naming a former AE (a deal that moved before it was accepted).
   */
  async function askAuthors(page: readonly HandoffRow[], now: Date): Promise<number> {
    let asked = 0;
    for (const h of page) {
      // The partner's thread is posted: what it leaves out is what the author is asked about.
      if (!(await findPostedMessage(db, messageKey.partnerParent(h)))) continue;
      const messages = await heldBackNotice(db, h, now);
      if (messages.length === 0) continue;
      // Asked by the app on its own: the author reads it in their working hours.
      await db.transaction((tx) => enqueue(tx, scheduledForReaders(messages), now));
      asked += messages.length;
    }
    return asked;
  }

  /**
   * Whether a posted message of the partner's thread (its parent, a decision's reply) would read otherwise now. One
   * not posted yet shows the deal as it is when it is posted.
   */
  async function partnerTextChanged(h: HandoffRow): Promise<boolean> {
    for (const surface of await surfacesOf(db, h.id)) {
      if (surface.audience !== 'partner' || !surface.posted) continue;
      const shown = await deps.surfaces.render(surface.key);
      if (shown && !shown.unchanged) return true;
    }
    return false;
  }

  /** Brings up to date the parents (and decisions' replies) whose partner next move's date has passed since they were rendered. */
  async function recheck(): Promise<number> {
    const now = clock.now();
    const latestToday = latestTodayAt(now);
    let refreshed = 0;
    let asked = 0;
    let afterId = 0;
    for (;;) {
      const page = await findPartnerTextToRecheck(db, latestToday, afterId, BATCH);
      for (const h of page) {
        if (!(await partnerTextChanged(h))) continue;
        await db.transaction((tx) => requestRefresh(tx, h.id, now));
        refreshed += 1;
      }
      asked += await askAuthors(page, now);
      if (page.length < BATCH) break;
      afterId = page[page.length - 1]?.id ?? afterId;
    }
    if (refreshed > 0)
      logger.info({ refreshed }, 'partner threads brought up to date: a next move date passed');
    if (asked > 0) logger.info({ asked }, 'authors asked about partner text held back from the partner');
    if (refreshed + asked > 0) deps.onOutboxWrite();
    return refreshed;
  }

  /** Whether a run has a handoff to look at: one read, so that a run with none claims no slot. */
  async function due(): Promise<boolean> {
    return (await findPartnerTextToRecheck(db, latestTodayAt(clock.now()), 0, 1)).length > 0;
  }

  return { recheck, due };
}

export type PartnerText = ReturnType<typeof createPartnerText>;
