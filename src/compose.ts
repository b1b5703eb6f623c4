import type { RunningApp } from './compose/tenant.js';
import { startInstalls } from './compose/tenants.js';
import type { StartOptions } from './compose/types.js';
import { RECEIVER_SERVER_OPTIONS } from './receiver.js';
import { createUninstalls } from './retention/uninstall.js';
import { openStatusServer, type StatusServer } from './runtime/statusServer.js';

/**
 * The composition root: `main.ts` reads the settings and opens the database, then `startHandoffApp` builds the Slack
 * clients, resolves what start must learn from Slack (frozen), builds the services, the Bolt app and the scheduled
 * jobs, and starts them. The test harness, the sandbox and the bench start the app through the same function. The
 * wiring lives in compose/: types.ts (what it takes and builds), wire.ts (clients, start-time answers, shared pieces),
 * services.ts, reporting.ts and handlers.ts (the services), jobs.ts (the scheduled jobs), tenant.ts (what serves one
 * installation) and tenants.ts (every installation through one app: an OAuth install's, or a token deployment's one).
 */

export { scheduledJobs } from './compose/jobs.js';
export { createServices } from './compose/services.js';
export type { RunningApp, Tenant } from './compose/tenant.js';
export type { Services, StartOptions } from './compose/types.js';
export { wire } from './compose/wire.js';

/**
 * Builds everything from the settings and starts it: the HTTP receiver (or Socket Mode), the outbox, the jobs. From
 * the first moment HOST:PORT answers /healthz (503 while the start waits for Slack, saying why: runtime/statusServer.ts).
 */
export async function startHandoffApp(opts: StartOptions): Promise<RunningApp> {
  const { config, logger } = opts;
  const status = await openStatusServer({
    host: config.host,
    port: config.port,
    logger,
    serverOptions: RECEIVER_SERVER_OPTIONS,
  });
  opts.onStatusPort?.(status.port);
  try {
    return await startWithStatus(opts, status);
  } catch (error) {
    await status.close();
    throw error;
  }
}

/** The start after the status server: every installation in force, each through the same path (compose/tenants.ts). */
async function startWithStatus(given: StartOptions, status: StatusServer): Promise<RunningApp> {
  // Workspaces uninstalled long enough ago (UNINSTALL_DELETE_AFTER_DAYS): their data goes before anything is served,
  // so a deletion due while the app served none (or cut short) is not left waiting for a daily run.
  await deleteDueUninstalls(given);
  return startInstalls(given, status);
}

async function deleteDueUninstalls(given: StartOptions): Promise<void> {
  const days = given.config.retention.uninstallDeleteAfterDays;
  if (days === undefined) return;
  const logger = given.logger.child({ component: 'uninstall' });
  try {
    await createUninstalls({ db: given.db, clock: given.clock, logger, days }).purgeDue();
  } catch (error) {
    logger.error(
      { err: error },
      "uninstalled workspaces' data could not be deleted at start; the daily run will",
    );
  }
}
