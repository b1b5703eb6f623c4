import cron from 'node-cron';
import type { Logger } from '../logger.js';
import type { Digest } from '../services/digest.js';
import type { ScheduledJob } from './responseWindowSweep.js';

/** Posts the weekly digest on its cron schedule, in the reporting timezone. */
export function scheduleWeeklyDigest(
  schedule: string,
  timeZone: string,
  digest: Digest,
  logger: Logger,
): ScheduledJob {
  const task = cron.schedule(
    schedule,
    async () => {
      try {
        const result = await digest.post();
        logger.info({ result }, 'weekly digest run');
      } catch (error) {
        logger.error({ err: error }, 'weekly digest failed');
      }
    },
    { name: 'weekly-digest', timezone: timeZone, noOverlap: true, suppressMissedWarning: true },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy?.();
    },
  };
}
