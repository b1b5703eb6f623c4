import cron from 'node-cron';
import type { Logger } from '../logger.js';
import type { Metrics } from '../services/metrics.js';
import type { ScheduledJob } from './responseWindowSweep.js';

/**
 * Every minute, recomputes in the background the figures of slow periods (longer than METRICS_MAX_WAIT_MS to
 * compute) that RevOps looked at in the last day and that are older than METRICS_REFRESH_MINUTES: the App Home then
 * shows figures that recent without anyone waiting. Small workspaces never have any: their figures are computed when
 * asked.
 */
export function scheduleMetricsRefresh(everyMinutes: number, metrics: Metrics, logger: Logger): ScheduledJob {
  const task = cron.schedule(
    '* * * * *',
    async () => {
      try {
        const refreshed = await metrics.refreshSnapshots(everyMinutes * 60_000);
        if (refreshed > 0) logger.info({ refreshed }, 'metrics refreshed in the background');
      } catch (error) {
        logger.error({ err: error }, 'metrics refresh failed');
      }
    },
    { name: 'metrics-refresh', noOverlap: true, suppressMissedWarning: true },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy?.();
    },
  };
}
