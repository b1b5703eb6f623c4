import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { type AppDeps, buildApp, healthRoute } from './app.js';
import { scheduledJobs } from './compose/jobs.js';
import type { Services, StartOptions } from './compose/types.js';
import { wire } from './compose/wire.js';
import { type InstallationScope, scopedTo } from './db/installationScope.js';
import { installationInForce } from './db/repositories/installations.js';
import { createInstalls, INSTALL_PATH, type Installs, OAUTH_REDIRECT_PATH } from './install/oauth.js';
import { PROGRAM_FOLLOW_MS, type Program } from './program/program.js';
import type { BackgroundWork } from './runtime/background.js';
import { createSlotClaims, processHolder } from './runtime/jobClaims.js';
import { createScheduler, type Scheduler } from './runtime/scheduler.js';
import { openStatusServer, type StatusServer } from './runtime/statusServer.js';
import { StorageHealth } from './runtime/storageHealth.js';
import { realTimers } from './runtime/timers.js';
import type { Startup } from './startup.js';

/**
 * The composition root: `main.ts` reads the settings and opens the database, then `startHandoffApp` builds the Slack
 * clients, resolves what start must learn from Slack (frozen), builds the services, the Bolt app and the scheduled
 * jobs, and starts them. The test harness, the sandbox and the bench start the app through the same function. The
 * wiring lives in compose/: types.ts (what it takes and builds), wire.ts (clients, start-time answers, shared pieces),
 * services.ts, reporting.ts and handlers.ts (the services), jobs.ts (the scheduled jobs).
 */

export { scheduledJobs } from './compose/jobs.js';
export { createServices } from './compose/services.js';
export type { Services, StartOptions } from './compose/types.js';
export { wire } from './compose/wire.js';

export interface RunningApp
  extends Pick<
    Services,
    'outbox' | 'sweeper' | 'metrics' | 'digest' | 'home' | 'crmReadBack' | 'escalations'
  > {
  app: App;
  startup: Startup;
  /** The partner program as data (issue 53): tests and the sandbox edit it as the Admin tab does. */
  program: Program;
  scheduler: Scheduler;
  background: BackgroundWork;
  port: number;
  /** Stops taking requests, finishes all background work, stops the outbox. The caller closes the database. */
  stop(): Promise<void>;
}

/**
 * Builds everything from the settings and starts it: the HTTP receiver (or Socket Mode), the outbox, the jobs. From
 * the first moment HOST:PORT answers /healthz (503 while the start waits for Slack, saying why: runtime/statusServer.ts).
 */
export async function startHandoffApp(opts: StartOptions): Promise<RunningApp> {
  const { config, logger } = opts;
  const status = await openStatusServer({ host: config.host, port: config.port, logger });
  opts.onStatusPort?.(status.port);
  try {
    return await startWithStatus(opts, status);
  } catch (error) {
    await status.close();
    throw error;
  }
}

/** Listens on HOST:PORT (`port`: the status server's, so PORT=0 keeps the port it was given). */
const listenOn = (config: StartOptions['config'], port: number) =>
  config.host ? { port, host: config.host } : port;

/**
 * An OAuth install (issue 55) waits for its installation: until someone installs the app at /slack/install, the
 * status server serves that page and its redirect, and /healthz says what is awaited.
 */
async function installed(opts: StartOptions, status: StatusServer): Promise<Installs | undefined> {
  if (!opts.config.slack.oauth) return opts.installs;
  const installs = opts.installs ?? createInstalls(opts);
  status.route(INSTALL_PATH, installs.routes.install);
  status.route(OAUTH_REDIRECT_PATH, installs.routes.callback);
  const reason = `not installed: open ${INSTALL_PATH} on this server in a browser to install the app in Slack`;
  status.waiting(reason);
  opts.onWaiting?.(reason);
  await installs.installed();
  return installs;
}

/** What the Bolt app is built from (app.ts). */
function appDepsOf(
  opts: StartOptions,
  wired: Awaited<ReturnType<typeof wire>>,
  installs: Installs | undefined,
): AppDeps {
  return {
    config: wired.config,
    logger: opts.logger,
    startup: wired.startup,
    handlers: wired.services.handlers,
    background: wired.background,
    activity: wired.activity,
    ...(opts.requestClock ? { requestClock: opts.requestClock } : {}),
    ...(installs ? { installs } : {}),
    health: {
      storage: new StorageHealth(opts.storage, opts.logger, { now: () => opts.clock.now() }),
      slack: wired.clients.connection,
      recheckSlack: () => wired.clients.interactive.auth.test(),
    },
  };
}

async function startWithStatus(given: StartOptions, status: StatusServer): Promise<RunningApp> {
  const installs = await installed(given, status);
  // Every row the app writes is its installation's (db/installationScope.ts): an OAuth deployment's is known now, a
  // token deployment's once its start has recorded its workspace (compose/wire.ts).
  const scope: InstallationScope = { id: installs ? await installationInForce(given.db) : undefined };
  const opts = { ...given, db: scopedTo(given.db, scope), scope };
  const { config, logger } = opts;
  // One holder for this process's slots and outbox conversations, so an operator reads one name in both tables.
  const holder = opts.holder ?? processHolder();
  const wired = await wire({
    ...opts,
    ...(installs ? { installs } : {}),
    holder,
    onWaiting: (reason) => {
      status.waiting(reason);
      opts.onWaiting?.(reason);
    },
  });
  const { services, background } = wired;
  const appDeps = appDepsOf(opts, wired, installs);
  const app = buildApp(appDeps);
  const socketMode = Boolean(config.slack.appToken);
  let server: Server | undefined;
  if (socketMode) {
    // The status server stays, serving the running app's /healthz on HOST:PORT.
    const health = healthRoute(appDeps).handler;
    status.serve((req, res) => health(req as Parameters<typeof health>[0], res));
    await app.start();
  } else {
    await status.close();
    server = (await app.start(listenOn(config, status.port))) as unknown as Server;
  }
  const port = server ? (server.address() as AddressInfo).port : status.port;
  services.outbox.start();
  // An edit made through another process on the database applies here within PROGRAM_FOLLOW_MS (issue 53).
  wired.program.follow(opts.timers ?? realTimers, PROGRAM_FOLLOW_MS);
  const scheduler = createScheduler(
    scheduledJobs(wired.config, services, logger, { startup: wired.startup, client: wired.clients.outbox }),
    {
      ...opts,
      background,
      // Slack uninstalled the app or revoked its token: the jobs that call Slack wait for a restart with a new token.
      slackCutOff: () => wired.clients.connection.revoked,
      // Told to another process on the database: read again right before each run of a job that calls Slack.
      refreshCutOff: () => wired.clients.connection.revokedNow(),
      // Each slot runs once across the processes on this database (one on SQLite; replicas on Postgres).
      claims: createSlotClaims({ db: opts.db, clock: opts.clock, holder }),
    },
  );
  await scheduler.start();
  logger.info(
    { port, host: config.host ?? 'every interface', mode: socketMode ? 'socket' : 'http' },
    'handoff app listening',
  );
  const { outbox, sweeper, metrics, digest, home, crmReadBack, escalations } = services;
  return {
    ...{ outbox, sweeper, metrics, digest, home, crmReadBack, escalations },
    app,
    startup: wired.startup,
    program: wired.program,
    scheduler,
    background,
    port,
    async stop() {
      // No new requests, no new ticks; then every listener still working, every upload, computation and job run.
      background.close();
      await app.stop();
      await status.close();
      await scheduler.stop();
      await background.drain();
      await outbox.stop();
      wired.program.stop(opts.timers ?? realTimers);
      logger.info('handoff app stopped');
    },
  };
}
