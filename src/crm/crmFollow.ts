import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** What one read of the CRMs reports (crm/readBack.ts): handoffs closed, CRMs that could not be read. */
export interface CrmPollResult {
  closed: number;
  failed: readonly string[];
}

export interface CrmFollowDeps {
  clock: Clock;
  logger: Logger;
  /** Whether any CRM is connected (none: following does nothing). */
  connected: boolean;
  /** CRM_POLL_SECONDS: the least time on the app's clock between two polls. */
  pollSeconds: number;
  /** Reads the CRM records of accepted linked handoffs for closed deals. */
  poll: () => Promise<CrmPollResult>;
}

/**
 * CRM read-back on the app's clock: called every minute by the scheduler (real time), it polls when CRM_POLL_SECONDS
 * have passed on the app's clock since the last poll (the first call polls), so the sandbox and tests that step the
 * clock poll as a running app would. A poll that closed something or could not read a CRM is logged.
 */
export function createCrmFollow(deps: CrmFollowDeps): () => Promise<void> {
  const { clock, logger } = deps;
  let polledAt: number | undefined;
  return async () => {
    if (!deps.connected) return;
    const now = clock.now().getTime();
    if (polledAt !== undefined && now - polledAt < deps.pollSeconds * 1000) return;
    polledAt = now;
    const result = await deps.poll();
    if (result.closed > 0 || result.failed.length > 0) logger.info({ ...result }, 'CRM read-back');
  };
}
