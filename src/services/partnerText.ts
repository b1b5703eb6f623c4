import { and, asc, eq, gt, isNotNull, isNull, lt } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { findPostedMessage } from '../db/repositories/outbox.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import { handoffs } from '../db/schema.js';
import { dayIn } from '../domain/partnerView.js';
import type { Logger } from '../logger.js';
import { messageKey } from './notifications.js';
import type { Surfaces } from './surfaces.js';

/** Deals looked at per run, oldest first. */
const BATCH = 500;

/**
 * Partner-visible text that stops being true with time alone: the partner's next move "by" a date that has now passed.
 * The partner thread's parent is rendered from the partner's view, which holds such a move back (domain/partnerView.ts);
 * nothing else changes the handoff when the date passes, so this job (`partner-thread-recheck`) brings every parent
 * whose rendering changed up to date.
 */
export function createPartnerText(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  surfaces: Pick<Surfaces, 'render'>;
  onOutboxWrite: () => void;
}) {
  const { db, clock, logger } = deps;

  /** Brings up to date the parents whose partner next move's date has passed since they were rendered. */
  function recheck(): number {
    const now = clock.now();
    // A date has passed once it is before "today" somewhere: the earliest today is in UTC-12, the latest in UTC+14.
    const latestToday = dayIn(now, 'Pacific/Kiritimati');
    let refreshed = 0;
    let afterId = 0;
    for (;;) {
      const page = db
        .select()
        .from(handoffs)
        .where(
          and(
            // The next move shows only while the deal is accepted and nothing more happened yet.
            eq(handoffs.status, 'accepted'),
            isNull(handoffs.outcome),
            isNotNull(handoffs.partnerChannelId),
            isNotNull(handoffs.partnerNextMoveDate),
            lt(handoffs.partnerNextMoveDate, latestToday),
            gt(handoffs.id, afterId),
          ),
        )
        .orderBy(asc(handoffs.id))
        .limit(BATCH)
        .all();
      for (const h of page) {
        const key = messageKey.partnerParent(h);
        // A parent not posted yet shows the deal as it is when it is posted.
        if (!findPostedMessage(db, key)) continue;
        const shown = deps.surfaces.render(key);
        if (!shown || shown.unchanged) continue;
        db.transaction((tx) => requestRefresh(tx, h.id, now));
        refreshed += 1;
      }
      if (page.length < BATCH) break;
      afterId = page[page.length - 1]?.id ?? afterId;
    }
    if (refreshed > 0) {
      logger.info({ refreshed }, 'partner threads brought up to date: a next move date passed');
      deps.onOutboxWrite();
    }
    return refreshed;
  }

  return { recheck };
}

export type PartnerText = ReturnType<typeof createPartnerText>;
