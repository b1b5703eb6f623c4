import type { Logger } from '../logger.js';

/** What the pause needs of a job: its name and whether a run calls Slack (`callsSlack` in the jobs table). */
interface PausableJob {
  name: string;
  callsSlack?: boolean;
}

/**
 * The scheduled jobs that call Slack, held while Slack takes no call from the app (it was uninstalled, or its bot
 * token revoked: every call would fail). Jobs that only work locally (a backup) are never held. A held job's runs are
 * skipped, and the pause is logged once, at the first skipped run. Once Slack takes calls again, `ended` gives the
 * jobs held meanwhile, once, for the scheduler to catch up on as after downtime.
 */
export interface SlackPause {
  /** Whether `job` may run now; if not, it is remembered as held (and the pause logged, once). */
  allows(job: PausableJob): boolean;
  /** The names of the jobs held during a pause that has just ended, each given once; none otherwise. */
  ended(): string[];
}

/**
 * `cutOff` says why Slack takes no call now (`app_uninstalled`, `tokens_revoked`), or undefined while it does.
 * `pausable` names the jobs that call Slack, for the log line.
 */
export function createSlackPause(
  cutOff: (() => string | undefined) | undefined,
  pausable: readonly string[],
  logger: Logger,
): SlackPause {
  const held = new Set<string>();
  let pausedBy: string | undefined;
  return {
    allows(job) {
      if (!job.callsSlack || !cutOff) return true;
      const why = cutOff();
      if (why === undefined) return true;
      if (pausedBy === undefined) {
        pausedBy = why;
        logger.warn(
          { reason: why, paused: pausable },
          'Slack takes no calls from the app: the scheduled jobs that call Slack are paused until it does (the others go on)',
        );
      }
      held.add(job.name);
      return false;
    },
    ended() {
      if (pausedBy === undefined || cutOff?.() !== undefined) return [];
      pausedBy = undefined;
      const names = [...held];
      held.clear();
      logger.info({ resumed: names }, 'Slack takes calls again: the paused jobs resume and catch up');
      return names;
    },
  };
}
