import type { App } from '@slack/bolt';
import type { Served } from '../app.js';
import { ownedBy } from '../db/owned.js';
import { firstInstallation, installationByKey } from '../db/repositories/installations.js';
import type { Db } from '../db/types.js';
import { listenersFor } from '../handlers/index.js';
import type { Installation } from '../install/oauth.js';
import type { TokenKeys } from '../install/seal.js';
import { slackLogger } from '../logger.js';
import { PROGRAM_FOLLOW_MS, type Program } from '../program/program.js';
import type { BackgroundWork } from '../runtime/background.js';
import type { TickHub } from '../runtime/cronTicks.js';
import { createSlotClaims } from '../runtime/jobClaims.js';
import type { RequestActivity } from '../runtime/requestActivity.js';
import { createScheduler, installationLagMs, type Scheduler } from '../runtime/scheduler.js';
import type { StatusServer } from '../runtime/statusServer.js';
import { StorageHealth } from '../runtime/storageHealth.js';
import { realTimers } from '../runtime/timers.js';
import type { Startup } from '../startup.js';
import { scheduledJobs } from './jobs.js';
import { tenantCrm } from './tenantCrm.js';
import type { InstallationOptions, Services, StartOptions } from './types.js';
import { wire } from './wire.js';

export interface RunningApp
  extends Pick<
    Services,
    'outbox' | 'sweeper' | 'metrics' | 'digest' | 'home' | 'crmReadBack' | 'escalations'
  > {
  app: App;
  startup: Startup;
  /** The partner program as data: tests and the sandbox edit it as the Admin tab does. */
  program: Program;
  scheduler: Scheduler;
  background: BackgroundWork;
  port: number;
  /** Every installation's tenant this process serves (one on SLACK_BOT_TOKEN). */
  tenants(): Tenant[];
  /**
   * Settles once every installation in force at start has started (or failed to): the app serves from the first, and
   * starts the others while it serves (compose/tenants.ts `startEach`).
   */
  started: Promise<void>;
  /** Stops taking requests, finishes all background work, stops the outbox. The caller closes the database. */
  stop(): Promise<void>;
}

/** What the installation brings to each of its requests through the one app (app.ts). */
function servedOf(opts: InstallationOptions, wired: Wired): Served {
  return {
    config: wired.config,
    startup: wired.startup,
    listeners: listenersFor({ config: wired.config, startup: wired.startup, ...wired.services.handlers }),
    client: wired.clients.interactive,
    logger: slackLogger(opts.logger, 'bolt'),
    replies: wired.services.handlers.replies,
    background: wired.background,
    installs: opts.installs,
    health: {
      storage: new StorageHealth(opts.storage, opts.logger, { now: () => opts.clock.now() }),
      slack: wired.clients.connection,
      recheckSlack: () => wired.clients.interactive.auth.test(),
    },
  };
}

export type Wired = Awaited<ReturnType<typeof wire>>;

/**
 * What serves one installation (each of an OAuth install's, or a token deployment's one: compose/tenants.ts): its
 * clients and services, its listeners (served to the deployment's one Bolt app), its outbox and its scheduled jobs,
 * on its rows.
 */
export interface Tenant {
  /** Its installation's view of the database (db/owned.ts). */
  db: Db;
  wired: Wired;
  /** What it brings to each of its requests through the one app. */
  served: Served;
  scheduler: Scheduler;
  /** Starts its outbox, its program's follow and its jobs (once its app takes requests). */
  run(): Promise<void>;
  /** Stops its jobs, waits for its work, stops its outbox (the app's transport is the caller's); run or not. */
  stop(): Promise<void>;
}

/** One installation's tenant, built, not started (`opts.db` is that installation's view). */
export async function buildTenant(
  opts: InstallationOptions,
  extra: {
    holder: string;
    status: StatusServer;
    /** One look for every installation the process serves kicks its outbox and follows its program (sharedLooks.ts). */
    shared?: boolean;
    /** The process's one hub of scheduled ticks, shared by every installation's jobs (runtime/cronTicks.ts). */
    ticks?: TickHub;
  },
): Promise<Tenant> {
  const { logger } = opts;
  const wired = await wire({
    ...opts,
    holder: extra.holder,
    onWaiting: (reason) => {
      extra.status.waiting(reason);
      opts.onWaiting?.(reason);
    },
  });
  const { services, background } = wired;
  const timers = opts.timers ?? realTimers;
  const scheduler = createScheduler(
    scheduledJobs(wired.config, services, logger, { startup: wired.startup, client: wired.clients.outbox }),
    {
      ...opts,
      background,
      // Many installations' minutely jobs spread over the minute, each installation at its own second.
      lagMs: installationLagMs(opts.db.installationId),
      // Slack uninstalled the app or revoked its token: the jobs that call Slack wait for a restart with a new token.
      slackCutOff: () => wired.clients.connection.revoked,
      // Told to another process on the database: read again right before each run of a job that calls Slack.
      refreshCutOff: () => wired.clients.connection.revokedNow(),
      // Each slot runs once across the processes on this database (one on SQLite; replicas on Postgres), per
      // installation (the claims are its rows).
      claims: createSlotClaims({ db: opts.db, clock: opts.clock, holder: extra.holder }),
      ...(extra.ticks ? { ticks: extra.ticks } : {}),
    },
  );
  let unsubscribe: (() => void) | undefined;
  let ran = false;
  return {
    db: opts.db,
    wired,
    served: servedOf(opts, wired),
    scheduler,
    async run() {
      ran = true;
      services.outbox.start({ poll: !extra.shared });
      // Rows another process queued for this installation (a replica's, the CLI's) are delivered as they commit.
      unsubscribe = opts.bell?.subscribe(opts.db.installationId, () => services.outbox.wake());
      // An edit made through another process on the database applies here within PROGRAM_FOLLOW_MS.
      if (!extra.shared) wired.program.follow(timers, PROGRAM_FOLLOW_MS);
      await scheduler.start();
    },
    async stop() {
      unsubscribe?.();
      background.close();
      // Built but never run (uninstalled while it was being built again): only its requests' work to wait for.
      if (!ran) return background.drain();
      await scheduler.stop();
      await background.drain();
      await services.outbox.stop();
      wired.program.stop(timers);
    },
  };
}

/** The running app as its callers read it: one tenant's parts (the first installation's, for an OAuth install). */
export function runningOf(
  app: App,
  tenant: Tenant,
  running: Pick<RunningApp, 'port' | 'stop' | 'started' | 'tenants'>,
): RunningApp {
  const { outbox, sweeper, metrics, digest, home, crmReadBack, escalations } = tenant.wired.services;
  return {
    ...{ outbox, sweeper, metrics, digest, home, crmReadBack, escalations },
    app,
    startup: tenant.wired.startup,
    program: tenant.wired.program,
    scheduler: tenant.scheduler,
    background: tenant.wired.background,
    ...running,
  };
}

/** One installation's tenant, built on its rows with its CRM (tenantCrm.ts), not started. */
export async function makeTenant(
  given: StartOptions,
  installation: Installation,
  installKey: string,
  parts: {
    key: TokenKeys | undefined;
    activity: RequestActivity;
    made: Parameters<typeof buildTenant>[1];
    crmChanged: () => void;
    uninstalled: () => void;
    /** Built again: what its start found in Slack, which has not changed (and asking again could wait on Slack). */
    startup?: Tenant['wired']['startup'];
    /** The process's one look at every installation's due handoffs. */
    sweepLook: NonNullable<InstallationOptions['sweepLook']>;
  },
): Promise<Tenant> {
  const row = await installationByKey(given.db, installKey);
  if (!row) throw new Error(`no installation ${installKey}`);
  const db = ownedBy(given.db, row.id);
  const logger = given.logger.child({ installation: installKey });
  const first = (await firstInstallation(given.db))?.id === row.id;
  const crm = await tenantCrm(given, { ...row, first }, { db, key: parts.key, logger }, parts.crmChanged);
  return buildTenant(
    {
      ...given,
      ...crm,
      ...(parts.startup ? { startup: parts.startup } : {}),
      db,
      logger,
      activity: parts.activity,
      sweepLook: parts.sweepLook,
      // The environment's program settings are the first company's; each installation's installer is its admin.
      programSeed: { settings: first, installer: row.installerUserId ?? undefined },
      installs: {
        ...installation,
        // Slack said the app was uninstalled there: its tokens go, and its tenant stops until a reinstall.
        async uninstalled() {
          await installation.uninstalled();
          if (installation.reinstallable) parts.uninstalled();
        },
      },
    },
    parts.made,
  );
}
