import cron from 'node-cron';
import type { Logger } from '../logger.js';
import type { Sweeper } from '../services/sweep.js';

export interface ScheduledJob {
  stop(): Promise<void>;
}

/** Runs the response-window sweep on its cron schedule (and once at start, to catch up after downtime). */
export function scheduleResponseWindowSweep(
  schedule: string,
  sweeper: Sweeper,
  logger: Logger,
): ScheduledJob {
  const run = () => {
    try {
      sweeper.sweep();
    } catch (error) {
      logger.error({ err: error }, 'response-window sweep failed');
    }
  };
  const task = cron.schedule(schedule, run, {
    name: 'response-window-sweep',
    noOverlap: true,
    suppressMissedWarning: true,
  });
  run();
  return {
    async stop() {
      await task.stop();
      await task.destroy?.();
    },
  };
}
