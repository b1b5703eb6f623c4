import type { Config } from '../config.js';
import { type Directory, slackDirectory } from '../core/directory.js';
import { createLifecycle } from '../core/lifecycle.js';
import { createWindowPlanner, type WindowPlanner } from '../core/responseWindow.js';
import { createSurfaces } from '../core/surfaces.js';
import { crmActivityHearer } from '../crm/activities.js';
import { crmFromConfig, verifyCrm } from '../crm/connectors.js';
import {
  installationByKey,
  markUninstalled,
  recordTokenInstallation,
} from '../db/repositories/installations.js';
import { createCovers } from '../escalation/covers.js';
import { businessDayHours, createPolicies } from '../escalation/policies.js';
import type { Installation } from '../install/oauth.js';
import { installKeyOf } from '../install/store.js';
import type { OutboxWorker } from '../outbox/worker.js';
import { watchersHearer } from '../packets/watchers.js';
import { createInternalChannels } from '../partners/internalChannels.js';
import { seedProgram } from '../program/importOnce.js';
import { liveConfig } from '../program/liveConfig.js';
import { createProgram, type Program } from '../program/program.js';
import { createUninstalls } from '../retention/uninstall.js';
import { type BackgroundWork, createBackgroundWork } from '../runtime/background.js';
import type { RevocationRecord } from '../runtime/health.js';
import { RequestActivity } from '../runtime/requestActivity.js';
import { revocationRecord } from '../runtime/revocations.js';
import { realTimers } from '../runtime/timers.js';
import { createSlackClients, type SlackClients } from '../slackClients.js';
import { internalChannelSettings, type Startup } from '../startup.js';
import { resolveStartupPatiently } from '../startupRetry.js';
import { createServices } from './services.js';
import type { Services, StartOptions } from './types.js';

/** The window planner, reading the program's calendar and settings as they are at each use (config is live). */
function planner(config: Config, program: Program): WindowPlanner {
  return createWindowPlanner({
    calendar: {
      get defaultTimeZone() {
        return config.calendar.defaultTimeZone;
      },
      get dayStart() {
        return config.calendar.businessDayStart;
      },
      get dayEnd() {
        return config.calendar.businessDayEnd;
      },
      // The program's holidays, closures and people's days, as they are now (program/program.ts).
      isHoliday: program.calendar,
    },
    get reminders() {
      return config.responseWindow.reminders;
    },
  });
}

/**
 * The program, with the settings that were the program before issue 53 read into it once (a part it holds is never
 * overwritten); and the settings as the app reads them from here on: the roles and managers are the program's.
 */
async function programOf(
  opts: StartOptions,
  directory: Directory,
): Promise<{ program: Program; config: Config }> {
  const { db, clock, logger } = opts;
  const program = createProgram({
    db,
    clock,
    logger: logger.child({ component: 'program' }),
    dayHours: businessDayHours(opts.config.calendar),
    usergroupMembers: (id) => directory.usergroupMembers?.(id) ?? Promise.resolve([]),
  });
  await seedProgram({
    db,
    config: opts.config,
    logger,
    now: clock.now(),
    seed: opts.programSeed ?? { settings: true },
  });
  await program.refresh();
  return { program, config: liveConfig(opts.config, program) };
}

/** The escalation policies, as the program says them now, in the version each handoff was sent under. */
function policiesOf(config: Config, program: Program, directory: Directory, logger: StartOptions['logger']) {
  return createPolicies({
    book: program.book,
    versionOf: program.policyVersion,
    pinned: program.pinnedPolicy,
    get reminders() {
      return config.responseWindow.reminders;
    },
    get escalationChannelId() {
      return config.responseWindow.escalationChannelId;
    },
    directory,
    logger: logger.child({ component: 'escalation' }),
    get firstStepGraceDays() {
      return config.firstStepGraceDays;
    },
  });
}

/** What start learns from Slack, retried with backoff while Slack cannot be reached (startupRetry.ts); or given. */
function startupFor(
  opts: StartOptions,
  clients: SlackClients,
  program: Program,
  config: Config,
): Promise<Startup> {
  if (opts.startup) return Promise.resolve(opts.startup);
  return resolveStartupPatiently({
    book: program.book(),
    // The program's channels (its settings, as they are now), checked with Slack as at every start.
    config,
    client: clients.interactive,
    clock: opts.clock,
    logger: opts.logger,
    timers: opts.timers ?? realTimers,
    ...(opts.onWaiting ? { onWaiting: opts.onWaiting } : {}),
  });
}

/** With an OAuth install, Slack's word of an uninstall also deletes the installation's tokens (install/store.ts). */
function uninstalling(record: RevocationRecord, installs: Installation): RevocationRecord {
  return {
    read: () => record.read(),
    write: async (by) => {
      await record.write(by);
      await installs.uninstalled();
    },
  };
}

/**
 * A deployment on SLACK_BOT_TOKEN whose data an uninstall deletes (UNINSTALL_DELETE_AFTER_DAYS set): Slack's word marks
 * its installation uninstalled, as an OAuth install's is, so the deletion knows since when; a start with a new token
 * records it installed again. Unset, the installation stays as it was (nothing is deleted, nothing needs the time).
 */
function tokenUninstalling(record: RevocationRecord, opts: StartOptions, startup: Startup): RevocationRecord {
  if (opts.config.retention.uninstallDeleteAfterDays === undefined) return record;
  return {
    read: () => record.read(),
    write: async (by) => {
      await record.write(by);
      const { installKey } = tokenInstallation(startup);
      await opts.db.transaction((tx) => markUninstalled(tx, installKey, opts.clock.now()));
    },
  };
}

/**
 * A deployment on SLACK_BOT_TOKEN: its workspace, as auth.test gave it, is recorded as its installation,
 * so its database is the first installation of a multi-workspace one.
 */
function tokenInstallation(startup: Startup) {
  const { workspace } = startup;
  const isEnterpriseInstall =
    workspace.isEnterpriseInstall === true || (!workspace.teamId && Boolean(workspace.enterpriseId));
  return { isEnterpriseInstall, installKey: installKeyOf({ ...workspace, isEnterpriseInstall }) };
}

async function recordTokenInstall(opts: StartOptions, startup: Startup) {
  const { db, clock, scope } = opts;
  const { workspace } = startup;
  const { isEnterpriseInstall, installKey } = tokenInstallation(startup);
  await db.transaction((tx) =>
    recordTokenInstallation(
      tx,
      {
        installKey,
        teamId: workspace.teamId ?? null,
        enterpriseId: workspace.enterpriseId ?? null,
        isEnterpriseInstall,
        appId: workspace.appId ?? null,
        botUserId: workspace.botUserId ?? null,
        botId: workspace.botId ?? null,
      },
      clock.now(),
    ),
  );
  // From here on, what the app writes is this installation's (db/installationScope.ts).
  if (scope && scope.id === undefined) scope.id = (await installationByKey(db, installKey))?.id;
}

/**
 * Slack's word of an uninstall or a revoked token, kept for every process on the database; a start whose auth.test
 * took the token forgets what was said of it. An OAuth install is keyed by its installation (its
 * token rotates), and a reinstall connects again; a single-token deployment records its installation.
 */
async function keepRevocations(opts: StartOptions, config: Config, clients: SlackClients, startup: Startup) {
  const { db, clock, installs } = opts;
  const revocations = revocationRecord({
    db,
    clock,
    token: config.slack.botToken ?? `installation:${await installs?.installed()}`,
  });
  const uninstalls = createUninstalls({
    db,
    clock,
    logger: opts.logger.child({ component: 'uninstall' }),
    days: config.retention.uninstallDeleteAfterDays,
  });
  const kept = installs ? uninstalling(revocations, installs) : tokenUninstalling(revocations, opts, startup);
  clients.connection.keepIn({
    read: () => kept.read(),
    write: async (by) => {
      await kept.write(by);
      // UNINSTALL_DELETE_AFTER_DAYS=0: the workspace's data goes now, after the answer to Slack (it may take a while).
      void uninstalls.uninstalled(opts.scope?.id);
    },
  });
  if (!opts.startup) await revocations.forget();
  // A reinstall of this installation (its tenant's own: another workspace's install is another tenant).
  installs?.onStored(() => {
    void revocations.forget().then(() => clients.connection.reinstated());
  });
  if (!installs && !opts.startup) await recordTokenInstall(opts, startup);
}

/**
 * An org-wide install added to a workspace or taken out of one: who Slack shows changes at once (the directory
 * forgets the people it kept), and the members of the user groups that hold roles and pools are read again.
 */
function followOrgAccess(
  startup: Startup,
  deps: { directory: Directory; background: BackgroundWork; groups: { refreshGroups(): Promise<void> }[] },
) {
  startup.orgAccess.onChange(() => {
    deps.directory.forgetPeople?.();
    deps.background.run('user groups read again after the org-wide install changed workspaces', () =>
      Promise.all(deps.groups.map((g) => g.refreshGroups())),
    );
  });
}

/**
 * After a commit that queued outbox rows: this process's outbox wakes, and the other processes hear the bell
 * (Postgres: db/pg/bell.ts), rung after the commit, outside its transaction. `ringBell` alone: the outbox's own
 * writes (it looks again anyway).
 */
function outboxWakes(opts: StartOptions, outbox: () => OutboxWorker | undefined) {
  const ringBell = () => opts.bell?.ring(opts.scope?.id);
  const onOutboxWrite = () => {
    outbox()?.wake();
    ringBell();
  };
  return { ringBell, onOutboxWrite };
}

/** The clients, the start-time answers and the services, without starting anything. */
export async function wire(opts: StartOptions): Promise<{
  /** The settings with the program's live views (roles, managers): what every part of the app reads. */
  config: Config;
  program: Program;
  startup: Startup;
  services: Services;
  background: BackgroundWork;
  clients: SlackClients;
  activity: RequestActivity;
}> {
  const { db, clock, logger } = opts;
  const clients = opts.clients ?? createSlackClients(opts.config, logger);
  const { installs } = opts;
  if (installs) clients.connection.useTokens(() => installs.tokens.current(), installs.tokens.forget);
  const directory = slackDirectory(clients.interactive, clock);
  const { program, config } = await programOf(opts, directory);
  const startup = await startupFor(opts, clients, program, config);
  await keepRevocations(opts, config, clients, startup);
  const crm = opts.crm ?? crmFromConfig(config, logger, {}, opts.timers);
  // A CRM that refuses the credentials stops the start here, as a refused Slack token does.
  // An installation's own CRM refusing its credentials stops nothing: its admin is told when they look (/handoff crm).
  if (!opts.crm) await verifyCrm(crm, logger, { refusalStops: !opts.ownCrmInUse });
  const policies = policiesOf(config, program, directory, logger);
  await policies.refreshGroups();
  const background = createBackgroundWork(logger);
  followOrgAccess(startup, { directory, background, groups: [policies, program] });
  const activity = opts.activity ?? new RequestActivity();
  let outbox: OutboxWorker | undefined;
  const { ringBell, onOutboxWrite } = outboxWakes(opts, () => outbox);
  const internalChannels = createInternalChannels({
    configured: () => internalChannelSettings(config, program.book()),
    checked: startup.internalChannels,
    logger,
    db,
    clock,
  });
  // What start found, for every process on this database (a newer word another process heard stays).
  await internalChannels.recordStart();
  const services = createServices({
    ...opts,
    config,
    // The features that hear of every change, in the order their messages are queued.
    lifecycle: createLifecycle({
      db,
      onOutboxWrite,
      hearers: [watchersHearer(program.groupMembers), crmActivityHearer],
    }),
    surfaces: createSurfaces({
      db,
      clock,
      get outcomeUndoMs() {
        return config.outcomeUndoSeconds * 1000;
      },
      adminUserIds: program.adminUserIds,
      internalTeamIds: startup.internalTeamIds,
      homeTeamId: startup.workspace.teamId ?? startup.internalTeamIds[0] ?? '',
    }),
    startup,
    clients,
    background,
    directory,
    windows: planner(config, program),
    program,
    internalChannels,
    onOutboxWrite,
    ringBell,
    crm,
    policies,
    activity,
    covers: createCovers({
      db,
      clock,
      logger: logger.child({ component: 'covers' }),
      directory,
      defaultTimeZone: config.calendar.defaultTimeZone,
    }),
  });
  outbox = services.outbox;
  return { config, program, startup, services, background, clients, activity };
}
