import { type ChannelAccess, createChannelAccess } from '../core/channelAccess.js';
import type { Directory } from '../core/directory.js';
import { createReplies } from '../core/replies.js';
import { createCrmFollow } from '../crm/crmFollow.js';
import { createCrmDelivery } from '../crm/delivery.js';
import { createCrmReadBack } from '../crm/readBack.js';
import { crmRefusedNotifier } from '../crm/refused.js';
import { isPostgres } from '../db/engine.js';
import { latestEventId, queueMetricsHomes } from '../db/repositories/homeViews.js';
import type { OutboxRow } from '../db/repositories/outbox.js';
import { createAbsenceOf } from '../escalation/absence.js';
import { resumeAtLimit } from '../escalation/asks.js';
import { createStatusEvents, KnownStatuses, type StatusEvents } from '../escalation/awayCheck.js';
import { createEscalations, type Escalations } from '../escalation/escalations.js';
import { createFirstSteps, type FirstSteps } from '../escalation/firstSteps.js';
import type { OwnerReminders } from '../escalation/ownerReminders.js';
import { reachGuard } from '../escalation/reach.js';
import { createSweeper, type Sweeper } from '../escalation/sweep.js';
import { createHomeViews } from '../home/homeViews.js';
import { createParked } from '../outbox/parked.js';
import type { DeliveryVerdict, HomeRenderer } from '../outbox/types.js';
import { OutboxWorker } from '../outbox/worker.js';
import { createOutcomes, type Outcomes } from '../outcomes/outcomes.js';
import { channelGuard } from '../partners/channelGuard.js';
import { internalChannelSources } from '../partners/internalChannels.js';
import { partnerChannelBlockedNotifier } from '../partners/partnerChannel.js';
import { createPartnerText } from '../partners/partnerText.js';
import { createRetention } from '../retention/ageOut.js';
import { createUninstalls } from '../retention/uninstall.js';
import { createMetricsFollow } from '../revops/metricsFollow.js';
import { handlerDeps } from './handlers.js';
import { ownDaysService, reportingServices, seesMetrics } from './reporting.js';
import { awayOf, componentLog, guestsOf, pausesOf, type Services, type Shared } from './types.js';

/** The outbox: every Slack post the app owes, delivered after its transaction committed. */
function outboxFor(s: Shared, homes: HomeRenderer, access: ChannelAccess): OutboxWorker {
  const { config, db, clock, logger } = s;
  return new OutboxWorker({
    db,
    clock,
    logger: logger.child({ component: 'outbox' }),
    client: s.clients.outbox,
    pollIntervalMs: config.outbox.pollIntervalMs,
    channelIntervalMs: config.outbox.channelIntervalMs,
    maxAttempts: config.outbox.maxAttempts,
    uncertainWaitMs: config.outbox.uncertainWaitMs,
    ...(s.holder === undefined ? {} : { holder: s.holder }),
    ...(s.outboxTimers === undefined ? {} : { timers: s.outboxTimers }),
    leaseMs: config.outbox.leaseMs,
    // SQLite's file is locked to this process: no other delivers, and leases a previous one left mean nothing.
    alone: !isPostgres(db),
    onPartnerChannelBlocked: partnerChannelBlockedNotifier({ db, clock, onOutboxWrite: s.onOutboxWrite }),
    // A CRM write refused by the account's own rules is parked at once; its handoff's owner is told what to fix.
    onRefusedByRules: crmRefusedNotifier({ db, clock, onOutboxWrite: s.onOutboxWrite }),
    guard: deliveryGuard(s, access),
    // Slack uninstalled the app or revoked its token (told to any process on the database, read at most every 2 s):
    // every message waits for a restart with a new token.
    paused: async () => (await s.clients.connection.revokedNow(2_000)) !== undefined,
    surfaces: s.surfaces,
    homes,
    // On OAuth the client carries no token of its own: the delivery ids are keyed by the token key.
    ...(config.slack.oauth ? { deliverySecret: config.slack.oauth.tokenKey } : {}),
    turn: () => s.activity.turn(),
    // What a local kind queued (a change expanded into its messages) may be another process's conversation's.
    onQueued: s.ringBell,
    ...(s.crm.connectors.length > 0
      ? {
          crm: createCrmDelivery({
            db,
            crm: s.crm,
            clock,
            logger: logger.child({ component: 'crm' }),
            onOutboxWrite: s.onOutboxWrite,
          }),
        }
      : {}),
  });
}

/**
 * The last check before a delivery: may the conversation receive it (partners/channelGuard.ts), then, for what the app
 * sends a person on its own, may that person be reached now (escalation/reach.ts).
 */
function deliveryGuard(s: Shared, access: ChannelAccess) {
  const channel = channelGuard({ db: s.db, internalChannels: s.internalChannels, access });
  const reach = reachGuard({
    clock: s.clock,
    directory: s.directory,
    windows: s.windows,
    awayDays: (userId) => s.covers.awayDays(userId),
    get defaultTimeZone() {
      return s.program.settings.get('defaultTimeZone');
    },
  });
  return async (row: OutboxRow): Promise<DeliveryVerdict> => {
    const verdict = await channel(row);
    if (verdict.kind !== 'send' || s.config.outbox.outsideWorkingHours) return verdict;
    return (await reach(row)) ?? verdict;
  };
}

/** The response window and what follows a decision: expiries, escalations, stall nudges. */
function windowServices(s: Shared): {
  outcomes: Outcomes;
  sweeper: Sweeper;
  escalations: Escalations;
  statusEvents: StatusEvents;
  firstSteps: FirstSteps;
} {
  const { config, db, clock, program } = s;
  const log = componentLog(s.logger);
  const outcomes = outcomesOf(s);
  // Statuses Slack sends (user_status_changed) are read before asking Slack (escalation/awayCheck.ts).
  const statuses = new KnownStatuses(clock);
  const directory = statuses.over(s.directory);
  const away = awayOf(program.settings);
  const { sweepLook } = s;
  const sweeper = createSweeper({
    db,
    clock,
    logger: log('sweep'),
    ...(sweepLook
      ? {
          look: {
            due: () => sweepLook.due(db.installationId),
            swept: () => sweepLook.swept(db.installationId),
          },
        }
      : {}),
    escalation: {
      get channelId() {
        return s.internalChannels.channelId('escalation');
      },
      managers: program.managers,
    },
    lifecycle: s.lifecycle,
    nextStallNudge: (handoff, at) => outcomes.nextNudge(handoff, handoff.outcome, at),
    outboxRetentionMs: config.outbox.retentionDays * 86_400_000,
    policies: s.policies,
    covers: s.covers,
    absenceOf: createAbsenceOf({ clock, directory, away, covers: s.covers }),
    resumePaused: (handoff, now) =>
      resumeAtLimit({ lifecycle: s.lifecycle, pauses: pausesOf(s), logger: log('asks') }, handoff, now),
    owners: ownerReminders(s, directory),
  });
  const escalations = createEscalations({
    db,
    clock,
    logger: log('escalation'),
    lifecycle: s.lifecycle,
    policies: s.policies,
    directory,
    windows: s.windows,
    managers: program.managers,
    get maxOpenPerAe() {
      return program.settings.get('poolMaxOpen');
    },
    pausedOf: (userId) => s.program.person(userId)?.paused,
    away,
    covers: s.covers,
    internalTeamIds: () => s.startup.internalTeamIds,
    guests: guestsOf(program.settings),
    onOutboxWrite: s.onOutboxWrite,
  });
  const statusEvents = createStatusEvents({
    db,
    clock,
    logger: log('escalation'),
    lifecycle: s.lifecycle,
    policies: s.policies,
    directory,
    away,
    covers: s.covers,
    statuses,
  });
  const firstSteps = firstStepServices(s, directory, escalations.takeBack);
  return { outcomes, sweeper, escalations, statusEvents, firstSteps };
}

/** Recording outcome steps after the Accept, and the stall nudges they plan. */
function outcomesOf(s: Shared): Outcomes {
  const { program } = s;
  return createOutcomes({
    db: s.db,
    clock: s.clock,
    logger: componentLog(s.logger)('outcomes'),
    windows: s.windows,
    adminUserIds: program.adminUserIds,
    get stallBusinessDays() {
      return program.settings.get('stallBusinessDays');
    },
    get undoSeconds() {
      return program.settings.get('outcomeUndoSeconds');
    },
    lifecycle: s.lifecycle,
  });
}

/** The owners of deals given to nobody, reminded in their own calendar. */
function ownerReminders(s: Shared, directory: Pick<Directory, 'lookupUser'>): OwnerReminders {
  const { settings } = s.program;
  return {
    // The owner's own zone (Slack's word, cached by the directory); the deployment's when Slack does not say.
    whose: async (userId) => {
      const zone = await directory.lookupUser(userId).then(
        (u) => u?.timeZone,
        () => undefined,
      );
      return { id: userId, timeZone: zone ?? settings.get('defaultTimeZone') };
    },
    nextMorning: (after, whose) => s.windows.nextMorning(after, whose),
    reachableAt: (at, whose) => s.windows.reachableAt(at, whose),
    managerDays: () => settings.get('unassignedManagerDays'),
  };
}

/** After the Accept: the first steps' checks and new dates, in the AEs' calendars. */
function firstStepServices(
  s: Shared,
  directory: Parameters<typeof createAbsenceOf>[0]['directory'],
  takeBack: Escalations['takeBack'],
): FirstSteps {
  const { program, db, clock } = s;
  return createFirstSteps({
    db,
    clock,
    logger: componentLog(s.logger)('first-steps'),
    lifecycle: s.lifecycle,
    schedule: (due, ae) => s.windows.stepSchedule(due, ae, s.policies.afterAccept(ae.policy)),
    today: (at, ae) => s.windows.todayOf(at, ae.timeZone),
    closedDay: (date, ae) => s.windows.closedDay(date, ae),
    nextBusinessDay: (at, ae) => s.windows.todayOf(s.windows.businessDaysAfter(at, 1, ae), ae.timeZone),
    absenceOf: createAbsenceOf({ clock, directory, away: awayOf(program.settings), covers: s.covers }),
    adminUserIds: program.adminUserIds,
    takeBack,
    roles: program,
    takeBackTo: (policy) => s.policies.afterAccept(policy).take_back?.to,
  });
}

/** CRM read-back and its following of the app's clock. */
function crmServices(s: Shared) {
  const { config, db, clock } = s;
  const logger = s.logger.child({ component: 'crm' });
  const crmReadBack = createCrmReadBack({ db, clock, logger, crm: s.crm, lifecycle: s.lifecycle });
  const followCrm = createCrmFollow({
    clock,
    logger: s.logger,
    connected: s.crm.connectors.length > 0,
    pollSeconds: config.crm.pollSeconds,
    poll: () => crmReadBack.poll(),
  });
  return { crmReadBack, followCrm };
}

/** Data retention and what an uninstall deletes. */
function retentionServices(s: Shared, files: { deleteFile(fileId: string): Promise<'deleted' | 'gone'> }) {
  const { config, db, clock } = s;
  const log = componentLog(s.logger);
  return {
    retention: createRetention({
      db,
      clock,
      logger: log('retention'),
      settings: config.retention,
      deleteFile: files.deleteFile,
    }),
    uninstalls: createUninstalls({
      db,
      clock,
      logger: log('uninstall'),
      days: config.retention.uninstallDeleteAfterDays,
    }),
  };
}

/** Every service, wired once. Nothing runs until the app starts. */
export function createServices(s: Shared): Services {
  const { db, clock, onOutboxWrite, program } = s;
  const log = componentLog(s.logger);
  const roles = { revopsUserIds: program.revopsUserIds, adminUserIds: program.adminUserIds };
  const { outcomes, sweeper, escalations, statusEvents, firstSteps } = windowServices(s);
  const channelAccess = createChannelAccess({
    db,
    clock,
    logger: log('channels'),
    directory: s.directory,
    internalSources: () => internalChannelSources(program.settings, program.book()),
    adminUserIds: program.adminUserIds,
    get timeZone() {
      return program.settings.get('defaultTimeZone');
    },
    onOutboxWrite,
  });
  const parked = createParked({ db, clock, logger: log('parked'), ...roles, onOutboxWrite });
  const myDays = ownDaysService(s);
  const { files, metrics, home, digest } = reportingServices(s, parked, myDays);
  const homeViews = createHomeViews({
    db,
    clock,
    viewFor: (userId, period) => home.viewFor(userId, period),
    seesMetrics: (userId) => seesMetrics(program, userId),
    background: s.background,
    onOutboxWrite,
  });
  const outbox = outboxFor(s, homeViews.renderer, channelAccess);
  const handlers = handlerDeps(s, {
    sweeper,
    firstSteps,
    outcomes,
    escalations,
    parked,
    replies: createReplies({ db, clock, onOutboxWrite }),
    files,
    homeViews,
    home: (userId, period) => home.viewFor(userId, period),
    statusEvents,
    channelAccess,
    myDays,
  });
  return {
    outbox,
    channelAccess,
    sweeper,
    firstSteps,
    ...retentionServices(s, files),
    metrics,
    digest,
    home,
    internalChannels: s.internalChannels,
    followMetrics: createMetricsFollow({
      clock,
      latestEvent: () => latestEventId(db),
      queueHomes: (token, at) => db.transaction((tx) => queueMetricsHomes(tx, token, at)),
      onOutboxWrite,
    }),
    ...crmServices(s),
    partnerText: createPartnerText({
      db,
      clock,
      logger: log('partner-text'),
      surfaces: s.surfaces,
      onOutboxWrite,
    }),
    escalations,
    policies: s.policies,
    program: s.program,
    handlers,
  };
}
