import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { buildApp } from './app.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import {
  findHomeView,
  homeOpening,
  latestEventId,
  queueHomes,
  queueMetricsHomes,
  recordHomeView,
  rememberHomeHash,
} from './db/repositories/surfaces.js';
import { holidayCalendar } from './domain/holidays.js';
import { can, offerFor } from './domain/lifecycle.js';
import type { HandlerDeps } from './handlers/index.js';
import type { Logger } from './logger.js';
import { type BackgroundWork, createBackgroundWork } from './runtime/background.js';
import { StorageHealth } from './runtime/health.js';
import { RequestActivity } from './runtime/requestActivity.js';
import { createScheduler, type JobSpec, type Scheduler } from './runtime/scheduler.js';
import { channelGuard } from './services/channelGuard.js';
import { type Covers, createCovers } from './services/covers.js';
import { createCrmDelivery } from './services/crm/delivery.js';
import { createHubspot } from './services/crm/hubspot.js';
import { type Crm, crmFromConfig, verifyCrm } from './services/crm/index.js';
import { type CrmReadBack, createCrmReadBack } from './services/crm/readBack.js';
import { createSalesforce } from './services/crm/salesforce.js';
import { createDigest, type Digest } from './services/digest.js';
import { type Directory, slackDirectory } from './services/directory.js';
import { createEdits } from './services/edits.js';
import { createEscalations, type Escalations } from './services/escalations.js';
import { createExports } from './services/exports.js';
import { createHandoffService, viewerOf } from './services/handoffs.js';
import { createHeldBack } from './services/heldBack.js';
import { createHelpRequests } from './services/helpRequests.js';
import { createHome, type Home } from './services/home.js';
import { createInternalChannels, type InternalChannels } from './services/internalChannels.js';
import { createLifecycle, type Lifecycle } from './services/lifecycle.js';
import { createLookup } from './services/lookup.js';
import type { PeriodKey } from './services/metrics.js';
import { createMetrics, type Metrics } from './services/metrics.js';
import { type HomeRenderer, OutboxWorker } from './services/outboxWorker.js';
import { createOutcomes, type Outcomes } from './services/outcomes.js';
import { createOwnerActions } from './services/ownerActions.js';
import { createPacketService } from './services/packets.js';
import { createParked, type Parked } from './services/parked.js';
import { partnerChannelBlockedNotifier, partnerChannelJoined } from './services/partnerChannel.js';
import { createPartnerDirectory } from './services/partners.js';
import { createPartnerText, type PartnerText } from './services/partnerText.js';
import { createPolicies, loadPolicyBook, type Policies } from './services/policies.js';
import { createReplies } from './services/replies.js';
import { createWindowPlanner, type WindowPlanner } from './services/responseWindow.js';
import { createRevops } from './services/revops.js';
import { createSlackFiles, type SlackFiles } from './services/slackFiles.js';
import { createSurfaces, type Surfaces } from './services/surfaces.js';
import { createSweeper, type Sweeper } from './services/sweep.js';
import { createSlackClients, type SlackClients } from './slackClients.js';
import { internalChannelSettings, resolveStartup, type Startup } from './startup.js';

/**
 * The composition root: `main.ts` reads the settings and opens the database, then `startHandoffApp` builds the Slack
 * clients, resolves what start must learn from Slack (frozen), builds the services, the Bolt app and the scheduled
 * jobs, and starts them. The test harness, the sandbox and the bench start the app through the same function.
 */

interface Base {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
}

export interface Services {
  outbox: OutboxWorker;
  sweeper: Sweeper;
  metrics: Metrics;
  digest: Digest;
  home: Home;
  internalChannels: InternalChannels;
  /** Queues a republish of the RevOps Homes when a handoff changed since the last time (called every minute). */
  followMetrics: () => void;
  /** Reads the CRM records of accepted linked handoffs for closed deals (every CRM_POLL_SECONDS). */
  crmReadBack: CrmReadBack;
  /** Partner threads whose words a passing date made untrue, brought up to date (services/partnerText.ts). */
  partnerText: PartnerText;
  /** The escalation policies' notifications and reassignments, run after each sweep. */
  escalations: Escalations;
  policies: Policies;
  /** Polls the CRMs when CRM_POLL_SECONDS have passed on the app's clock since the last poll (called every minute). */
  followCrm: () => Promise<void>;
  /** What the Slack handlers use. */
  handlers: Omit<HandlerDeps, 'config' | 'startup'>;
}

/** The pieces most services share. */
interface Shared extends Base {
  startup: Startup;
  clients: SlackClients;
  background: BackgroundWork;
  directory: Directory;
  windows: WindowPlanner;
  internalChannels: InternalChannels;
  onOutboxWrite: () => void;
  /** Applies every change of a handoff after it is sent (services/lifecycle.ts). */
  lifecycle: Lifecycle;
  /** Messages about a handoff, rendered from its state (services/surfaces.ts). */
  surfaces: Surfaces;
  /** The connected CRMs (none: the CRM loop is off). */
  crm: Crm;
  /** Escalation policies (ESCALATION_POLICY_FILE, or the default from the settings). */
  policies: Policies;
  /** Who answers for an AE while they are away. */
  covers: Covers;
  /** The Slack requests being answered: the outbox's deliveries wait for a quiet turn (runtime/requestActivity.ts). */
  activity: RequestActivity;
}

/** The length of a business day in hours ("1d" in the policy file). */
function businessDayHours(config: Config): number {
  const minutes = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  return (minutes(config.calendar.businessDayEnd) - minutes(config.calendar.businessDayStart)) / 60;
}

/** RevOps and admins: their App Home shows program metrics. */
const seesMetrics = (config: Config, userId: string) =>
  config.revopsUserIds.includes(userId) || config.adminUserIds.includes(userId);

function planner(config: Config): WindowPlanner {
  return createWindowPlanner({
    calendar: {
      defaultTimeZone: config.calendar.defaultTimeZone,
      dayStart: config.calendar.businessDayStart,
      dayEnd: config.calendar.businessDayEnd,
      isHoliday: holidayCalendar(
        config.calendar.holidayRegions,
        config.calendar.closureDates,
        config.calendar.holidayRegionsByPerson,
      ),
    },
    reminders: config.responseWindow.reminders,
  });
}

/** The outbox: every Slack post the app owes, delivered after its transaction committed. */
function outboxFor(s: Shared, homes: HomeRenderer): OutboxWorker {
  const { config, db, clock, logger } = s;
  const guard = channelGuard({ db, internalChannels: s.internalChannels });
  const blocked = partnerChannelBlockedNotifier({ db, clock, onOutboxWrite: s.onOutboxWrite });
  return new OutboxWorker({
    db,
    clock,
    logger: logger.child({ component: 'outbox' }),
    client: s.clients.outbox,
    pollIntervalMs: config.outbox.pollIntervalMs,
    channelIntervalMs: config.outbox.channelIntervalMs,
    maxAttempts: config.outbox.maxAttempts,
    uncertainWaitMs: config.outbox.uncertainWaitMs,
    onPartnerChannelBlocked: blocked,
    guard,
    surfaces: s.surfaces,
    homes,
    turn: () => s.activity.turn(),
    ...(s.crm.connectors.length > 0
      ? { crm: createCrmDelivery({ db, crm: s.crm, logger: logger.child({ component: 'crm' }) }) }
      : {}),
  });
}

/** App Home republishes after changes: rendered when sent, with the hash of the view last published. */
function homeRenderer(s: Shared, home: Home): HomeRenderer {
  return {
    async render(userId) {
      const seen = findHomeView(s.db, userId);
      if (!seen) return undefined;
      const tab = await home.viewFor(userId, (seen.period as PeriodKey | null) ?? undefined);
      if (tab.refresh) {
        // Newer figures are being computed: published again when they are ready, as the tab promises.
        const refresh = tab.refresh;
        s.background.track(
          refresh().then(() => {
            queueHomes(s.db, [userId], `refresh:${s.clock.now().getTime()}`, s.clock.now());
            s.onOutboxWrite();
          }),
        );
      }
      return { view: tab.view, hash: seen.hash, version: seen.wanted };
    },
    published: (userId, hash, version) => rememberHomeHash(s.db, userId, hash, version).behind,
  };
}

/** The response window and what follows a decision: expiries, escalations, stall nudges. */
function windowServices(s: Shared): { outcomes: Outcomes; sweeper: Sweeper } {
  const { config, db, clock, logger } = s;
  const outcomes = createOutcomes({
    db,
    clock,
    logger: logger.child({ component: 'outcomes' }),
    windows: s.windows,
    adminUserIds: config.adminUserIds,
    stallBusinessDays: config.stallBusinessDays,
    lifecycle: s.lifecycle,
  });
  const internal = s.internalChannels;
  const sweeper = createSweeper({
    db,
    clock,
    logger: logger.child({ component: 'sweep' }),
    escalation: {
      get channelId() {
        return internal.channelId('escalation');
      },
      managers: config.responseWindow.managers,
    },
    lifecycle: s.lifecycle,
    nextStallNudge: (handoff, at) => outcomes.nextNudge(handoff, handoff.outcome, at),
    outboxRetentionMs: config.outbox.retentionDays * 86_400_000,
    policies: s.policies,
    covers: s.covers,
  });
  return { outcomes, sweeper };
}

/** RevOps: the figures, the App Home, uploads, the digest. */
function reportingServices(s: Shared, parked: Parked) {
  const { config, db, clock, logger } = s;
  const reporting = config.revopsReporting;
  const files: SlackFiles = createSlackFiles({
    db,
    client: s.clients.files,
    clock,
    logger: logger.child({ component: 'files' }),
  });
  const metrics = createMetrics({
    db,
    clock,
    background: s.background,
    timeZone: reporting.timeZone,
    trendWeeks: reporting.trendWeeks,
    maxWaitMs: reporting.maxWaitMs,
    logger: logger.child({ component: 'metrics' }),
  });
  const home = createHome({
    db,
    now: () => clock.now(),
    metrics,
    seesMetrics: (userId) => seesMetrics(config, userId),
    trendWeeks: reporting.trendWeeks,
    timeZone: reporting.timeZone,
    parkedFor: (userId) => (parked.isAdminUser(userId) ? parked.count() : undefined),
    offer: (userId, h) => offerFor(s.surfaces.viewerFor(userId, h), h, clock.now()),
  });
  const digest = createDigest({
    db,
    clock,
    logger: logger.child({ component: 'digest' }),
    metrics,
    files,
    channelId: () => s.internalChannels.channelId('digest'),
    timeZone: reporting.timeZone,
    trendWeeks: reporting.trendWeeks,
    onOutboxWrite: s.onOutboxWrite,
  });
  return { files, metrics, home, digest };
}

/** Whether a user's own workspace is one of ours (users.info, cached); `unknown` when Slack cannot say now. */
function membership(directory: Directory): HandlerDeps['memberOf'] {
  return async (userId, internalTeamIds) => {
    try {
      const user = await directory.lookupUser(userId);
      return user !== undefined && !user.isBot && internalTeamIds.includes(user.teamId)
        ? 'internal'
        : 'external';
    } catch {
      return 'unknown';
    }
  };
}

/** Packets in, decisions and owner actions: what changes a handoff. */
function decisionServices(s: Shared, sweeper: Sweeper, outcomes: Outcomes, escalations: Escalations) {
  const { config, db, clock, logger, onOutboxWrite } = s;
  const log = (component: string) => logger.child({ component });
  const edits = createEdits({
    db,
    clock,
    lifecycle: s.lifecycle,
    adminUserIds: config.adminUserIds,
    onOutboxWrite,
  });
  return {
    edits,
    packets: createPacketService({
      db,
      clock,
      logger: log('packets'),
      directory: s.directory,
      windows: s.windows,
      scoring: config.scoring,
      conflictLookbackDays: config.conflictLookbackDays,
      onOutboxWrite,
      edits,
      crm: s.crm,
      policies: s.policies,
      covers: s.covers,
      away: config.escalationPolicies.away,
      pools: { names: () => s.policies.poolNames(), next: escalations.nextFromPool },
    }),
    handoffs: createHandoffService({
      db,
      clock,
      logger: log('handoffs'),
      expireIfDue: sweeper.expireIfDue,
      firstStallNudge: (handoff, at) => outcomes.nextNudge(handoff, null, at),
      businessHours: (from, to, ae) => s.windows.businessHoursBetween(from, to, ae),
      lifecycle: s.lifecycle,
      adminUserIds: config.adminUserIds,
    }),
    ownerActions: createOwnerActions({
      db,
      clock,
      logger: log('owner-actions'),
      directory: s.directory,
      windows: s.windows,
      expireIfDue: sweeper.expireIfDue,
      adminUserIds: config.adminUserIds,
      lifecycle: s.lifecycle,
      policies: s.policies,
    }),
  };
}

/** Every service, wired once. Nothing runs until the app starts. */
export function createServices(s: Shared): Services {
  const { config, db, clock, logger, onOutboxWrite } = s;
  const log = (component: string) => logger.child({ component });
  const roles = { revopsUserIds: config.revopsUserIds, adminUserIds: config.adminUserIds };
  const { outcomes, sweeper } = windowServices(s);
  const parked = createParked({ db, clock, logger: log('parked'), ...roles, onOutboxWrite });
  const { files, metrics, home, digest } = reportingServices(s, parked);
  const outbox = outboxFor(s, homeRenderer(s, home));
  const replies = createReplies({ db, clock, onOutboxWrite });
  const timeZone = config.revopsReporting.timeZone;
  const escalations = createEscalations({
    db,
    clock,
    logger: log('escalation'),
    lifecycle: s.lifecycle,
    policies: s.policies,
    directory: s.directory,
    windows: s.windows,
    managers: config.responseWindow.managers,
    maxOpenPerAe: config.escalationPolicies.maxOpenPerAe,
    away: config.escalationPolicies.away,
    covers: s.covers,
    internalTeamIds: () => s.startup.internalTeamIds,
  });
  const handlers: Services['handlers'] = {
    ...decisionServices(s, sweeper, outcomes, escalations),
    revops: createRevops({ db, clock, logger: log('revops'), ...roles, onOutboxWrite }),
    outcomes,
    replies,
    home: (userId, period) => home.viewFor(userId, period),
    homeAsked: (userId) => homeOpening(db, userId, seesMetrics(config, userId), clock.now()),
    homeShown: (userId, hash, period, asked) => {
      recordHomeView(db, {
        userId,
        hash,
        period: period ?? null,
        metrics: seesMetrics(config, userId),
        now: clock.now(),
      });
      // A change landed while this tab was rendered: publish the newer state (queued, rendered when sent).
      if (asked !== undefined && (findHomeView(db, userId)?.wanted ?? 0) > asked) {
        queueHomes(db, [userId], `caught-up:${clock.now().getTime()}:${asked}`, clock.now());
        onOutboxWrite();
      }
    },
    background: (task) => void s.background.run('background work after a request', task),
    helpRequests: createHelpRequests({
      db,
      clock,
      logger: log('help-requests'),
      channelId: () => s.internalChannels.channelId('partnerHelp'),
      onOutboxWrite,
    }),
    exports: createExports({
      db,
      clock,
      background: s.background,
      logger: log('export'),
      files,
      replies,
      timeZone,
      directory: s.directory,
      ...roles,
    }),
    parked,
    partners: createPartnerDirectory({
      db,
      clock,
      logger: log('partners'),
      directory: s.directory,
      internalChannels: s.internalChannels,
      ...roles,
      internalTeamIds: s.startup.internalTeamIds,
      onOutboxWrite,
    }),
    channelJoined: partnerChannelJoined({ db, clock, onOutboxWrite }),
    memberOf: membership(s.directory),
    slackRejected: () => s.clients.connection.rejected,
    lookup: createLookup({
      db,
      clock,
      adminUserIds: config.adminUserIds,
      revopsUserIds: config.revopsUserIds,
      packetPreview: s.surfaces.packetPreview,
    }),
    editable: (ctx, h) => can(viewerOf(ctx, config.adminUserIds), 'edit', h, clock.now()),
    ...(s.crm.connectors.length > 0 ? { crm: s.crm } : {}),
    covers: s.covers,
    poolNames: () => s.policies.poolNames(),
    heldBack: createHeldBack({ db, clock, adminUserIds: config.adminUserIds, onOutboxWrite }),
  };
  const crmReadBack = createCrmReadBack({
    db,
    clock,
    logger: log('crm'),
    crm: s.crm,
    lifecycle: s.lifecycle,
  });
  let polledAt: number | undefined;
  const followCrm = async () => {
    if (s.crm.connectors.length === 0) return;
    const now = clock.now().getTime();
    if (polledAt !== undefined && now - polledAt < config.crm.pollSeconds * 1000) return;
    polledAt = now;
    const result = await crmReadBack.poll();
    if (result.closed > 0 || result.failed.length > 0) logger.info({ ...result }, 'CRM read-back');
  };
  let seenEvent = latestEventId(db);
  let followedAt = clock.now().getTime();
  const followMetrics = () => {
    // At most once a minute of the app's clock (the job's own minute is real time; tests step the app's clock).
    if (clock.now().getTime() - followedAt < 60_000) return;
    const latest = latestEventId(db);
    if (latest === seenEvent) return;
    seenEvent = latest;
    followedAt = clock.now().getTime();
    if (queueMetricsHomes(db, String(latest), clock.now()) > 0) onOutboxWrite();
  };
  return {
    outbox,
    sweeper,
    metrics,
    digest,
    home,
    internalChannels: s.internalChannels,
    followMetrics,
    crmReadBack,
    partnerText: createPartnerText({
      db,
      clock,
      logger: log('partner-text'),
      surfaces: s.surfaces,
      onOutboxWrite,
    }),
    followCrm,
    escalations,
    policies: s.policies,
    handlers,
  };
}

/** The scheduled jobs: the sweep (also at start), the metrics refresh, the weekly digest (caught up at start). */
export function scheduledJobs(config: Config, services: Services, logger: Logger): JobSpec[] {
  const reporting = config.revopsReporting;
  const jobs: JobSpec[] = [
    {
      name: 'response-window-sweep',
      schedule: config.responseWindow.sweepSchedule,
      // The sweep (expiries first), then the escalation policies' steps that are due.
      run: async () => {
        services.sweeper.sweep();
        await services.escalations.run();
        // An AE who went away during an open window: their owners are told (their status read once an hour).
        await services.escalations.checkAway();
      },
      atStart: 'run',
    },
    {
      name: 'partner-thread-recheck',
      schedule: '*/15 * * * *',
      // A partner next move whose date has passed is held back from the partner: its thread's parent is updated.
      run: () => services.partnerText.recheck(),
    },
    {
      name: 'escalation-pools',
      schedule: '*/15 * * * *',
      // User-group pools' members, for routing handoffs by the AE's pool.
      run: () => services.policies.refreshGroups(),
    },
    {
      name: 'channel-sharing-recheck',
      schedule: '* * * * *',
      // Held partner channels, and internal channels not confirmed (switched off, or not seen at start), are asked
      // about again: only Slack's answer frees them.
      run: () => services.handlers.partners.recheckSharing(),
    },
    {
      name: 'metrics-refresh',
      schedule: '* * * * *',
      run: async () => {
        const refreshed = await services.metrics.refreshSnapshots(reporting.refreshMinutes * 60_000);
        if (refreshed > 0) logger.info({ refreshed }, 'metrics refreshed in the background');
        // RevOps Homes follow the figures: republished once a minute at most, when anything changed.
        services.followMetrics();
      },
    },
  ];
  if (config.crm.salesforce || config.crm.hubspot) {
    // Every minute, polling when CRM_POLL_SECONDS have passed on the app's clock (the sandbox and tests step it).
    jobs.push({ name: 'crm-read-back', schedule: '* * * * *', run: () => services.followCrm() });
  }
  // Scheduled whenever configured: a channel start could not confirm is asked about again every minute, and a run
  // while it is not confirmed posts nothing.
  if (config.revopsReporting.digestChannelId) {
    jobs.push({
      name: 'weekly-digest',
      schedule: reporting.digestSchedule,
      timeZone: reporting.timeZone,
      run: async (slot) => logger.info({ result: await services.digest.post(slot) }, 'weekly digest run'),
      // A slot missed while the app was down is posted at start; one already posted is not (one per week), nor one
      // from before the app was in use.
      atStart: { catchUpWithinMs: 7 * 86_400_000 },
      catchUp: async (slot) =>
        logger.info({ result: await services.digest.catchUp(slot) }, 'weekly digest caught up'),
    });
  }
  return jobs;
}

export interface RunningApp
  extends Pick<
    Services,
    'outbox' | 'sweeper' | 'metrics' | 'digest' | 'home' | 'crmReadBack' | 'escalations'
  > {
  app: App;
  startup: Startup;
  scheduler: Scheduler;
  background: BackgroundWork;
  port: number;
  /** Stops taking requests, finishes all background work, stops the outbox. The caller closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions extends Base {
  /** The Slack clients (tests pass clients with short timeouts); built from the config otherwise. */
  clients?: SlackClients;
  /** Skips the start-time calls to Slack (the bench's in-process probe). */
  startup?: Startup;
  /** The CRMs, already checked (the sandbox's fakes); built from the settings and checked at start otherwise. */
  crm?: Crm;
}

/** Builds everything from the settings and starts it: the HTTP receiver (or Socket Mode), the outbox, the jobs. */
export async function startHandoffApp(opts: StartOptions): Promise<RunningApp> {
  const { config, logger } = opts;
  const wired = await wire(opts);
  const { services, background } = wired;
  const app = buildApp({
    config,
    logger,
    startup: wired.startup,
    handlers: services.handlers,
    background,
    activity: wired.activity,
    health: {
      storage: new StorageHealth(opts.db.$client, logger, { now: () => opts.clock.now() }),
      slack: wired.clients.connection,
      recheckSlack: () => wired.clients.interactive.auth.test(),
    },
  });
  const started = (await app.start(config.port)) as unknown;
  const server = config.slack.appToken ? undefined : (started as Server);
  const port = server ? (server.address() as AddressInfo).port : config.port;
  services.outbox.start();
  const scheduler = createScheduler(scheduledJobs(config, services, logger), { ...opts, background });
  await scheduler.start();
  logger.info({ port, mode: config.slack.appToken ? 'socket' : 'http' }, 'handoff app listening');
  const { outbox, sweeper, metrics, digest, home, crmReadBack, escalations } = services;
  return {
    ...{ outbox, sweeper, metrics, digest, home, crmReadBack, escalations },
    app,
    startup: wired.startup,
    scheduler,
    background,
    port,
    async stop() {
      // No new requests, no new ticks; then every listener still working, every upload, computation and job run.
      background.close();
      await app.stop();
      await scheduler.stop();
      await background.drain();
      await outbox.stop();
      logger.info('handoff app stopped');
    },
  };
}

/** The clients, the start-time answers and the services, without starting anything. */
export async function wire(opts: StartOptions): Promise<{
  startup: Startup;
  services: Services;
  background: BackgroundWork;
  clients: SlackClients;
  activity: RequestActivity;
}> {
  const { config, clock, logger } = opts;
  const clients = opts.clients ?? createSlackClients(config, logger);
  const startup =
    opts.startup ?? (await resolveStartup({ config, client: clients.interactive, clock, logger }));
  const crm =
    opts.crm ?? crmFromConfig(config, logger, { salesforce: createSalesforce, hubspot: createHubspot });
  // A CRM that refuses the credentials stops the start here, as a refused Slack token does.
  if (!opts.crm) await verifyCrm(crm, logger);
  const directory = slackDirectory(clients.interactive, clock);
  const policies = createPolicies({
    book: loadPolicyBook(config.escalationPolicies.file, businessDayHours(config)),
    reminders: config.responseWindow.reminders,
    escalationChannelId: config.responseWindow.escalationChannelId,
    directory,
    logger: logger.child({ component: 'escalation' }),
  });
  await policies.refreshGroups();
  const background = createBackgroundWork(logger);
  const activity = new RequestActivity();
  let outbox: OutboxWorker | undefined;
  const onOutboxWrite = () => outbox?.wake();
  const services = createServices({
    ...opts,
    lifecycle: createLifecycle({ db: opts.db, onOutboxWrite }),
    surfaces: createSurfaces({
      db: opts.db,
      clock: opts.clock,
      adminUserIds: config.adminUserIds,
      internalTeamIds: startup.internalTeamIds,
      homeTeamId: startup.workspace.teamId ?? startup.internalTeamIds[0] ?? '',
    }),
    startup,
    clients,
    background,
    directory,
    windows: planner(config),
    internalChannels: createInternalChannels({
      configured: internalChannelSettings(config),
      checked: startup.internalChannels,
      logger,
    }),
    onOutboxWrite,
    crm,
    policies,
    activity,
    covers: createCovers({
      db: opts.db,
      clock,
      logger: logger.child({ component: 'covers' }),
      directory,
      defaultTimeZone: config.calendar.defaultTimeZone,
    }),
  });
  outbox = services.outbox;
  return { startup, services, background, clients, activity };
}
