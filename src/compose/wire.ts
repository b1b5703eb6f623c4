import type { Config } from '../config.js';
import { type Directory, slackDirectory } from '../core/directory.js';
import { createLifecycle } from '../core/lifecycle.js';
import { createWindowPlanner, type WindowPlanner } from '../core/responseWindow.js';
import { createSurfaces } from '../core/surfaces.js';
import { crmActivityHearer } from '../crm/activities.js';
import { crmFromConfig, verifyCrm } from '../crm/connectors.js';
import { createCovers } from '../escalation/covers.js';
import { createPolicies } from '../escalation/policies.js';
import type { Installation } from '../install/oauth.js';
import type { OutboxWorker } from '../outbox/worker.js';
import { watchersHearer } from '../packets/watchers.js';
import { createInternalChannels, internalChannelSources } from '../partners/internalChannels.js';
import { seedProgram } from '../program/importOnce.js';
import { createProgram, type Program } from '../program/program.js';
import { envDayHours } from '../program/settings.js';
import { createUninstalls } from '../retention/uninstall.js';
import { type BackgroundWork, createBackgroundWork } from '../runtime/background.js';
import type { RevocationRecord } from '../runtime/health.js';
import { RequestActivity } from '../runtime/requestActivity.js';
import { revocationRecord } from '../runtime/revocations.js';
import { realTimers } from '../runtime/timers.js';
import { createSlackClients, type SlackClients } from '../slackClients.js';
import type { Startup } from '../startup.js';
import { resolveStartupPatiently } from '../startupRetry.js';
import { createServices } from './services.js';
import type { InstallationOptions, Services } from './types.js';

/** The window planner, reading the program's calendar and settings as they are at each use. */
function planner(program: Program): WindowPlanner {
  const { settings } = program;
  return createWindowPlanner({
    calendar: {
      get defaultTimeZone() {
        return settings.get('defaultTimeZone');
      },
      get dayStart() {
        return settings.get('businessDayStart');
      },
      get dayEnd() {
        return settings.get('businessDayEnd');
      },
      // The program's holidays, closures and people's days, as they are now (program/program.ts).
      isHoliday: program.calendar,
    },
    get reminders() {
      return settings.get('reminders');
    },
  });
}

/** The program, with what the environment held of it read in once (a part it holds is never overwritten). */
async function programOf(opts: InstallationOptions, directory: Directory): Promise<Program> {
  const { db, clock, logger } = opts;
  const program = createProgram({
    db,
    clock,
    logger: logger.child({ component: 'program' }),
    dayHours: envDayHours(opts.config.programSettings),
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
  return program;
}

/** The escalation policies, as the program says them now, in the version each handoff was sent under. */
function policiesOf(program: Program, directory: Directory, logger: InstallationOptions['logger']) {
  const { settings } = program;
  return createPolicies({
    book: program.book,
    versionOf: program.policyVersion,
    pinned: program.pinnedPolicy,
    get reminders() {
      return settings.get('reminders');
    },
    get escalationChannelId() {
      return settings.get('escalationChannelId');
    },
    directory,
    logger: logger.child({ component: 'escalation' }),
    get firstStepGraceDays() {
      return settings.get('firstStepGraceDays');
    },
  });
}

/** What start learns from Slack, retried with backoff while Slack cannot be reached (startupRetry.ts); or given. */
function startupFor(opts: InstallationOptions, clients: SlackClients, program: Program): Promise<Startup> {
  if (opts.startup) return Promise.resolve(opts.startup);
  return resolveStartupPatiently({
    book: program.book(),
    config: opts.config,
    // The program's channels (its settings, as they are now), checked with Slack as at every start.
    settings: program.settings,
    client: clients.interactive,
    clock: opts.clock,
    logger: opts.logger,
    timers: opts.timers ?? realTimers,
    ...(opts.onWaiting ? { onWaiting: opts.onWaiting } : {}),
  });
}

/** Slack's word of an uninstall is also the installation's: an OAuth install's tokens are deleted (install/store.ts). */
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
 * Slack's word of an uninstall or a revoked token, kept for every process on the database; a start whose auth.test
 * took the token forgets what was said of it. An OAuth install is keyed by its installation (its
 * token rotates), and a reinstall connects again; a single-token deployment records its installation.
 */
async function keepRevocations(opts: InstallationOptions, config: Config, clients: SlackClients) {
  const { db, clock, installs } = opts;
  const revocations = revocationRecord({
    db,
    clock,
    token: config.slack.botToken ?? `installation:${await installs.installed()}`,
  });
  const uninstalls = createUninstalls({
    db,
    clock,
    logger: opts.logger.child({ component: 'uninstall' }),
    days: config.retention.uninstallDeleteAfterDays,
  });
  const kept = uninstalling(revocations, installs);
  clients.connection.keepIn({
    read: () => kept.read(),
    write: async (by) => {
      await kept.write(by);
      // UNINSTALL_DELETE_AFTER_DAYS=0: the workspace's data goes now, after the answer to Slack (it may take a while).
      void uninstalls.uninstalled(db.installationId);
    },
  });
  if (!opts.startup) await revocations.forget();
  // A reinstall of this installation (its tenant's own: another workspace's install is another tenant).
  installs.onStored(() => {
    void revocations.forget().then(() => clients.connection.reinstated());
  });
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
function outboxWakes(opts: InstallationOptions, outbox: () => OutboxWorker | undefined) {
  const ringBell = () => opts.bell?.ring(opts.db.installationId);
  const onOutboxWrite = () => {
    outbox()?.wake();
    ringBell();
  };
  return { ringBell, onOutboxWrite };
}

/** Who answers for an AE while they are away; someone Slack gives no zone is in the program's default zone. */
function coversOf(opts: InstallationOptions, program: Program, directory: Directory) {
  return createCovers({
    db: opts.db,
    clock: opts.clock,
    logger: opts.logger.child({ component: 'covers' }),
    directory,
    get defaultTimeZone() {
      return program.settings.get('defaultTimeZone');
    },
  });
}

/** The clients, the start-time answers and the services, without starting anything. */
export async function wire(opts: InstallationOptions): Promise<{
  /** The deployment's settings (the installation's are its program's: `program.settings`). */
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
  // An OAuth installation's token is read at each call (it rotates, and a reinstall brings a new one).
  if (installs.reinstallable)
    clients.connection.useTokens(() => installs.tokens.current(), installs.tokens.forget);
  const directory = slackDirectory(clients.interactive, clock);
  const { config } = opts;
  const program = await programOf(opts, directory);
  const startup = await startupFor(opts, clients, program);
  await keepRevocations(opts, config, clients);
  const crm = opts.crm ?? crmFromConfig(config, logger, {}, opts.timers);
  // A CRM that refuses the credentials stops the start here, as a refused Slack token does.
  // An installation's own CRM refusing its credentials stops nothing: its admin is told when they look (/handoff crm).
  if (!opts.crm) await verifyCrm(crm, logger, { refusalStops: !opts.ownCrmInUse });
  const policies = policiesOf(program, directory, logger);
  await policies.refreshGroups();
  const background = createBackgroundWork(logger);
  followOrgAccess(startup, { directory, background, groups: [policies, program] });
  const activity = opts.activity ?? new RequestActivity();
  let outbox: OutboxWorker | undefined;
  const { ringBell, onOutboxWrite } = outboxWakes(opts, () => outbox);
  const internalChannels = createInternalChannels({
    configured: () => internalChannelSources(program.settings, program.book()),
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
        return program.settings.get('outcomeUndoSeconds') * 1000;
      },
      adminUserIds: program.adminUserIds,
      internalTeamIds: startup.internalTeamIds,
      homeTeamId: startup.workspace.teamId ?? startup.internalTeamIds[0] ?? '',
    }),
    startup,
    clients,
    background,
    directory,
    windows: planner(program),
    program,
    internalChannels,
    onOutboxWrite,
    ringBell,
    crm,
    policies,
    activity,
    covers: coversOf(opts, program, directory),
  });
  outbox = services.outbox;
  return { config, program, startup, services, background, clients, activity };
}
