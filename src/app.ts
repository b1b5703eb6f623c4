import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type CustomRoute } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { sql } from 'drizzle-orm';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { holidayCalendar } from './domain/holidays.js';
import { registerHandlers } from './handlers/index.js';
import { scheduleMetricsRefresh } from './jobs/metricsRefresh.js';
import { type ScheduledJob, scheduleResponseWindowSweep } from './jobs/responseWindowSweep.js';
import { scheduleWeeklyDigest } from './jobs/weeklyDigest.js';
import { boltLogLevel, type Logger, slackLogger } from './logger.js';
import { createReceiver } from './receiver.js';
import { channelGuard } from './services/channelGuard.js';
import { createDigest, type Digest } from './services/digest.js';
import { slackDirectory } from './services/directory.js';
import { createExports } from './services/exports.js';
import { createHandoffService } from './services/handoffs.js';
import { createHelpRequests } from './services/helpRequests.js';
import { createHome, type Home } from './services/home.js';
import { createInternalChannels } from './services/internalChannels.js';
import { createMetrics, type Metrics } from './services/metrics.js';
import type { EscalationTargets } from './services/notifications.js';
import { OutboxWorker } from './services/outboxWorker.js';
import { createOutcomes } from './services/outcomes.js';
import { createOwnerActions } from './services/ownerActions.js';
import { createPacketService } from './services/packets.js';
import { createParked } from './services/parked.js';
import { partnerChannelBlockedNotifier, partnerChannelJoined } from './services/partnerChannel.js';
import { createPartnerDirectory } from './services/partners.js';
import { createReplies } from './services/replies.js';
import { createWindowPlanner } from './services/responseWindow.js';
import { createRevops } from './services/revops.js';
import { createSlackFiles } from './services/slackFiles.js';
import { createSweeper, type Sweeper } from './services/sweep.js';
import { type InstalledWorkspace, initSlackAuth } from './slackAuth.js';

export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
}

export interface RunningApp {
  app: App;
  outbox: OutboxWorker;
  sweeper: Sweeper;
  metrics: Metrics;
  digest: Digest;
  home: Home;
  /** Starts the receiver and the outbox worker; resolves with the HTTP port. */
  start(): Promise<{ port: number }>;
  /** Stops taking requests, finishes in-flight work, stops the worker. The caller closes the database. */
  stop(): Promise<void>;
}

/** Builds the Bolt app and everything it needs. Nothing runs until start(). */
export function buildApp(deps: AppDeps): RunningApp {
  const { config, db, clock, logger } = deps;
  let stopping = false;
  const workspace: InstalledWorkspace = { teamId: undefined, enterpriseId: undefined, botUserId: undefined };
  let inFlight = 0;
  /** Work a request started to finish after its answer (an App Home published again): waited for at stop. */
  const backgroundWork = new Set<Promise<unknown>>();
  let idle: (() => void) | undefined;

  const healthz: CustomRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      let healthy = !stopping;
      try {
        db.get(sql`select 1`);
      } catch {
        healthy = false;
      }
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: healthy }));
    },
  };

  const socketMode = Boolean(config.slack.appToken);
  const app = new App({
    token: config.slack.botToken,
    ...(socketMode
      ? {
          socketMode: true,
          appToken: config.slack.appToken,
          installerOptions: { port: config.port },
          customRoutes: [healthz],
        }
      : {
          receiver: createReceiver({
            signingSecret: config.slack.signingSecret ?? '',
            customRoutes: [healthz],
            logger: logger.child({ component: 'receiver' }),
            boltLogger: slackLogger(logger, 'bolt-receiver'),
          }),
        }),
    // auth.test runs in start() (initSlackAuth), where a failure is retried or reported, not cached forever.
    deferInitialization: true,
    logger: slackLogger(logger, 'bolt'),
    logLevel: boltLogLevel(config.logLevel),
    // Calls made while the user waits (users.info and conversations.info before the 3-second ack, views.open
    // with a single-use trigger) get one try of at most 1.5 s: a retry could reuse a spent trigger or miss the ack.
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      timeout: 1500,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    },
  });

  const outboxClient = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger: slackLogger(logger, 'outbox-client'),
    // Well under the shutdown timeout, so SIGTERM never has to abandon a call in flight.
    timeout: 5_000,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  const outbox = new OutboxWorker({
    db,
    clock,
    logger: logger.child({ component: 'outbox' }),
    client: outboxClient,
    pollIntervalMs: config.outbox.pollIntervalMs,
    channelIntervalMs: config.outbox.channelIntervalMs,
    maxAttempts: config.outbox.maxAttempts,
    uncertainWaitMs: config.outbox.uncertainWaitMs,
    onPartnerChannelBlocked: (row, error) => notifyPartnerChannelBlocked(row, error),
    guard: (row) => guard(row),
  });
  const onOutboxWrite = () => outbox.wake();
  const notifyPartnerChannelBlocked = partnerChannelBlockedNotifier({ db, clock, onOutboxWrite });

  // Count listeners still working after their ack, so a shutdown can wait for them.
  app.use(async (args) => {
    inFlight += 1;
    try {
      await args.next();
    } catch (error) {
      // A listener that throws must still answer Slack (an empty ack: the modal closes, the click is taken) rather
      // than leave it to time out. Wrong types in a payload (TypeError) are bad input, not an app failure.
      const ack = (args as { ack?: () => Promise<void> }).ack;
      await ack?.().catch(() => undefined);
      if (error instanceof TypeError)
        logger.warn({ err: error }, 'a Slack request with unexpected field types was ignored');
      else logger.error({ err: error }, 'a Slack listener failed');
    } finally {
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    }
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });

  const directory = slackDirectory(app.client, clock);
  const windows = createWindowPlanner({
    calendar: {
      defaultTimeZone: config.calendar.defaultTimeZone,
      dayStart: config.calendar.businessDayStart,
      dayEnd: config.calendar.businessDayEnd,
      isHoliday: holidayCalendar(config.calendar.holidayRegions, config.calendar.closureDates),
    },
    reminders: config.responseWindow.reminders,
  });
  // Internal channels for escalations, help requests and the digest: checked at start, switched off if shared.
  const internalChannels = createInternalChannels({
    configured: {
      escalation: config.responseWindow.escalationChannelId,
      partnerHelp: config.partnerHelpChannelId,
      digest: config.revopsReporting.digestChannelId,
    },
    directory,
    logger,
  });
  const guard = channelGuard({ db, sharedInternal: internalChannels.shared });
  const escalation: EscalationTargets = {
    get channelId() {
      return internalChannels.channelId('escalation');
    },
    managers: config.responseWindow.managers,
  };
  const outcomes = createOutcomes({
    db,
    clock,
    logger: logger.child({ component: 'outcomes' }),
    windows,
    adminUserIds: config.adminUserIds,
    stallBusinessDays: config.stallBusinessDays,
    onOutboxWrite,
  });
  const sweeper = createSweeper({
    db,
    clock,
    logger: logger.child({ component: 'sweep' }),
    escalation,
    onOutboxWrite,
    nextStallNudge: (handoff, at) => outcomes.nextNudge(handoff, handoff.outcome, at),
    outboxRetentionMs: config.outbox.retentionDays * 86_400_000,
  });
  let sweepJob: ScheduledJob | undefined;
  let metricsJob: ScheduledJob | undefined;
  let digestJob: ScheduledJob | undefined;

  // Uploads (charts, CSV exports) run after the ack, so they can take longer than the calls made while a user waits.
  const filesClient = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger: slackLogger(logger, 'files-client'),
    timeout: 20_000,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500 },
  });
  const files = createSlackFiles({
    db,
    client: filesClient,
    clock,
    logger: logger.child({ component: 'files' }),
  });
  const metrics = createMetrics({
    db,
    clock,
    timeZone: config.revopsReporting.timeZone,
    trendWeeks: config.revopsReporting.trendWeeks,
    maxWaitMs: config.revopsReporting.maxWaitMs,
    logger: logger.child({ component: 'metrics' }),
  });
  const seesMetrics = (userId: string) =>
    config.revopsUserIds.includes(userId) || config.adminUserIds.includes(userId);
  const parked = createParked({
    db,
    clock,
    logger: logger.child({ component: 'parked' }),
    adminUserIds: config.adminUserIds,
    onOutboxWrite,
  });
  const home = createHome({
    db,
    metrics,
    files,
    seesMetrics,
    trendWeeks: config.revopsReporting.trendWeeks,
    timeZone: config.revopsReporting.timeZone,
    parkedFor: (userId) => (parked.isAdminUser(userId) ? parked.count() : undefined),
  });
  const replies = createReplies({ db, clock, onOutboxWrite });
  const exports = createExports({
    db,
    clock,
    logger: logger.child({ component: 'export' }),
    files,
    replies,
    timeZone: config.revopsReporting.timeZone,
    revopsUserIds: config.revopsUserIds,
    adminUserIds: config.adminUserIds,
  });
  const digest = createDigest({
    db,
    clock,
    logger: logger.child({ component: 'digest' }),
    metrics,
    files,
    channelId: () => internalChannels.channelId('digest'),
    timeZone: config.revopsReporting.timeZone,
    trendWeeks: config.revopsReporting.trendWeeks,
    onOutboxWrite,
  });

  const partners = createPartnerDirectory({
    db,
    clock,
    logger: logger.child({ component: 'partners' }),
    directory,
    internalChannels,
    revopsUserIds: config.revopsUserIds,
    adminUserIds: config.adminUserIds,
    onOutboxWrite,
  });
  partners.useInternalTeamIds(() =>
    [workspace.teamId, workspace.enterpriseId, ...config.internalTeamIds].filter(
      (id): id is string => typeof id === 'string' && id.length > 0,
    ),
  );

  registerHandlers(app, {
    config,
    packets: createPacketService({
      db,
      clock,
      logger: logger.child({ component: 'packets' }),
      directory,
      windows,
      scoring: config.scoring,
      conflictLookbackDays: config.conflictLookbackDays,
      onOutboxWrite,
    }),
    revops: createRevops({
      db,
      clock,
      logger: logger.child({ component: 'revops' }),
      revopsUserIds: config.revopsUserIds,
      adminUserIds: config.adminUserIds,
    }),
    handoffs: createHandoffService({
      db,
      clock,
      logger: logger.child({ component: 'handoffs' }),
      expireIfDue: sweeper.expireIfDue,
      firstStallNudge: (handoff, at) => outcomes.nextNudge(handoff, null, at),
      businessHours: (from, to, timeZone) => windows.businessHoursBetween(from, to, timeZone),
      onOutboxWrite,
    }),
    ownerActions: createOwnerActions({
      db,
      clock,
      logger: logger.child({ component: 'owner-actions' }),
      directory,
      windows,
      expireIfDue: sweeper.expireIfDue,
      adminUserIds: config.adminUserIds,
      onOutboxWrite,
    }),
    outcomes,
    replies,
    home: (userId, period) => home.viewFor(userId, period),
    background: (task) => {
      if (stopping) return;
      const running = task(() => stopping).catch((error: unknown) =>
        logger.warn({ err: error }, 'background work after a request failed'),
      );
      backgroundWork.add(running);
      void running.finally(() => backgroundWork.delete(running));
    },
    helpRequests: createHelpRequests({
      db,
      clock,
      logger: logger.child({ component: 'help-requests' }),
      channelId: () => internalChannels.channelId('partnerHelp'),
      onOutboxWrite,
    }),
    exports,
    parked,
    partners,
    workspace,
    channelJoined: partnerChannelJoined({ db, clock, onOutboxWrite }),
    memberOf: async (userId, internalTeamIds) => {
      try {
        const user = await directory.lookupUser(userId);
        return user !== undefined && !user.isBot && internalTeamIds.includes(user.teamId)
          ? 'internal'
          : 'external';
      } catch {
        return 'unknown';
      }
    },
  });

  return {
    app,
    outbox,
    sweeper,
    metrics,
    digest,
    home,
    async start() {
      Object.assign(workspace, await initSlackAuth(app, logger));
      await internalChannels.confirmAll();
      const started = (await app.start(config.port)) as unknown;
      const server = socketMode ? undefined : (started as Server);
      const port = server ? (server.address() as AddressInfo).port : config.port;
      outbox.start();
      sweepJob = scheduleResponseWindowSweep(config.responseWindow.sweepSchedule, sweeper, logger);
      metricsJob = scheduleMetricsRefresh(config.revopsReporting.refreshMinutes, metrics, logger);
      if (internalChannels.channelId('digest')) {
        digestJob = scheduleWeeklyDigest(
          config.revopsReporting.digestSchedule,
          config.revopsReporting.timeZone,
          digest,
          logger,
        );
      }
      logger.info({ port, mode: socketMode ? 'socket' : 'http' }, 'handoff app listening');
      return { port };
    },
    async stop() {
      stopping = true;
      await app.stop();
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      await sweepJob?.stop();
      await metricsJob?.stop();
      await metrics.stop();
      await Promise.allSettled(backgroundWork);
      await digestJob?.stop();
      await exports.idle();
      await outbox.stop();
      logger.info('handoff app stopped');
    },
  };
}
