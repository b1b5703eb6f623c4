import { appReceiver, buildApp, healthRoute } from './app.js';
import { buildTenant, type RunningApp, runningOf } from './compose/tenant.js';
import { startInstalls } from './compose/tenants.js';
import type { StartOptions } from './compose/types.js';
import { FIRST_INSTALLATION } from './db/columns.js';
import { type InstallationScope, ownedBy } from './db/owned.js';
import { RECEIVER_SERVER_OPTIONS } from './receiver.js';
import { createUninstalls } from './retention/uninstall.js';
import { processHolder } from './runtime/jobClaims.js';
import { openStatusServer, type StatusServer } from './runtime/statusServer.js';

/**
 * The composition root: `main.ts` reads the settings and opens the database, then `startHandoffApp` builds the Slack
 * clients, resolves what start must learn from Slack (frozen), builds the services, the Bolt app and the scheduled
 * jobs, and starts them. The test harness, the sandbox and the bench start the app through the same function. The
 * wiring lives in compose/: types.ts (what it takes and builds), wire.ts (clients, start-time answers, shared pieces),
 * services.ts, reporting.ts and handlers.ts (the services), jobs.ts (the scheduled jobs), tenant.ts (what serves one
 * installation) and tenants.ts (an OAuth install's several).
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

/**
 * The start after the status server: an OAuth install's tenants (compose/tenants.ts), or a deployment on
 * SLACK_BOT_TOKEN: one installation, its app on its own transport (HTTP or Socket Mode).
 */
async function startWithStatus(given: StartOptions, status: StatusServer): Promise<RunningApp> {
  // Workspaces uninstalled long enough ago (UNINSTALL_DELETE_AFTER_DAYS): their data goes before anything is served,
  // so a deletion due while the app served none (or cut short) is not left waiting for a daily run.
  await deleteDueUninstalls(given);
  if (given.config.slack.oauth) return startInstalls(given, status);
  // Every row the app writes is its installation's (db/owned.ts): a token deployment's once its start has recorded its
  // workspace (compose/wire.ts); the first installation's until then.
  const scope: InstallationScope = { id: undefined };
  const opts = { ...given, db: ownedBy(given.db, () => scope.id ?? FIRST_INSTALLATION), scope };
  const { config, logger } = opts;
  // One holder for this process's slots and outbox conversations, so an operator reads one name in both tables.
  const holder = opts.holder ?? processHolder();
  const tenant = await buildTenant(opts, { holder, status });
  // /healthz: the database, Slack's word on the token, whether the app is stopping.
  const healthz = { background: tenant.wired.background, health: tenant.served.health };
  const socketMode = Boolean(config.slack.appToken);
  const front = { config, logger, activity: tenant.wired.activity, ...clockOf(opts) };
  const receiver = socketMode ? undefined : appReceiver(front, [healthRoute(healthz)]);
  const app = buildApp({ ...front, serve: () => tenant.served, ...(receiver ? { receiver } : {}) });
  if (receiver) status.handOver(receiver.handle);
  else {
    // The status server stays, serving the running app's /healthz on HOST:PORT.
    const health = healthRoute(healthz).handler;
    status.serve((req, res) => health(req as Parameters<typeof health>[0], res));
    await app.start();
  }
  const port = status.port;
  await tenant.run();
  logger.info(
    { port, host: config.host ?? 'every interface', mode: socketMode ? 'socket' : 'http' },
    'handoff app listening',
  );
  return runningOf(app, tenant, port, async () => {
    // No new requests, no new ticks; then every listener still working, every upload, computation and job run.
    tenant.wired.background.close();
    if (socketMode) await app.stop();
    await status.close();
    await tenant.stop();
    logger.info('handoff app stopped');
  });
}

/** The clock a request's wait is measured on, when the caller gives one (tests). */
const clockOf = (opts: Pick<StartOptions, 'requestClock'>) =>
  opts.requestClock ? { requestClock: opts.requestClock } : {};

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
