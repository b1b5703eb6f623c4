import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { dueAfterClockStep } from '../db/repositories/outboxChannels.js';
import type { Logger } from '../logger.js';

/**
 * The business clock as the outbox reads it, watched for steps back: the first look (on start, for a clock that
 * stepped back while the app was down) and every look that reads earlier than one before make the rows scheduled on
 * a clock ahead of it due now (`dueAfterClockStep`). A step forward needs nothing: what was waiting is due sooner.
 */
export class ClockWatch {
  /** The latest business time seen: a later look at the clock that reads earlier saw it step back. */
  private latest: number | undefined;

  constructor(private readonly deps: { db: Db; clock: Clock; logger: Logger }) {}

  async now(): Promise<Date> {
    const { db, clock, logger } = this.deps;
    const now = clock.now();
    const at = now.getTime();
    if (this.latest === undefined || at < this.latest) {
      const stepped = this.latest === undefined ? undefined : this.latest - at;
      const due = await db.transaction((tx) => dueAfterClockStep(tx, now));
      if (due > 0 || stepped !== undefined)
        logger.warn(
          { due, ...(stepped === undefined ? {} : { steppedBackMs: stepped }) },
          stepped === undefined
            ? 'outbox messages scheduled on a clock ahead of this one (it stepped back) are due now'
            : 'the clock stepped back: outbox messages waiting on the clock as it was are due now',
        );
    }
    this.latest = at;
    return now;
  }
}
