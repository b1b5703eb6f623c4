import type { Config } from '../config.js';
import { holidayCalendar } from '../domain/holidays.js';
import { createCovers } from '../escalation/covers.js';
import { businessDayHours, createPolicies, loadPolicyBook } from '../escalation/policies.js';
import type { OutboxWorker } from '../outbox/worker.js';
import { createInternalChannels } from '../partners/internalChannels.js';
import { type BackgroundWork, createBackgroundWork } from '../runtime/background.js';
import { RequestActivity } from '../runtime/requestActivity.js';
import { revocationRecord } from '../runtime/revocations.js';
import { realTimers } from '../runtime/timers.js';
import { createHubspot } from '../services/crm/hubspot.js';
import { crmFromConfig, verifyCrm } from '../services/crm/index.js';
import { createSalesforce } from '../services/crm/salesforce.js';
import { slackDirectory } from '../services/directory.js';
import { createLifecycle } from '../services/lifecycle.js';
import { createWindowPlanner, type WindowPlanner } from '../services/responseWindow.js';
import { createSurfaces } from '../services/surfaces.js';
import { createSlackClients, type SlackClients } from '../slackClients.js';
import { internalChannelSettings, type Startup } from '../startup.js';
import { resolveStartupPatiently } from '../startupRetry.js';
import { createServices } from './services.js';
import type { Services, StartOptions } from './types.js';

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

/** What start learns from Slack, retried with backoff while Slack cannot be reached (startupRetry.ts); or given. */
function startupFor(opts: StartOptions, clients: SlackClients): Promise<Startup> {
  if (opts.startup) return Promise.resolve(opts.startup);
  return resolveStartupPatiently({
    config: opts.config,
    client: clients.interactive,
    clock: opts.clock,
    logger: opts.logger,
    timers: opts.timers ?? realTimers,
    ...(opts.onWaiting ? { onWaiting: opts.onWaiting } : {}),
  });
}

/** The clients, the start-time answers and the services, without starting anything. */
export async function wire(opts: StartOptions): Promise<{
  startup: Startup;
  services: Services;
  background: BackgroundWork;
  clients: SlackClients;
  activity: RequestActivity;
}> {
  const { config, db, clock, logger } = opts;
  const clients = opts.clients ?? createSlackClients(config, logger);
  const startup = await startupFor(opts, clients);
  // Slack's word of an uninstall or a revoked token, kept for every process on the database; a start whose auth.test
  // took the token forgets what was said of it (issue 50 item 23).
  const revocations = revocationRecord({ db, clock, token: config.slack.botToken });
  clients.connection.keepIn(revocations);
  if (!opts.startup) await revocations.forget();
  const crm =
    opts.crm ?? crmFromConfig(config, logger, { salesforce: createSalesforce, hubspot: createHubspot });
  // A CRM that refuses the credentials stops the start here, as a refused Slack token does.
  if (!opts.crm) await verifyCrm(crm, logger);
  const directory = slackDirectory(clients.interactive, clock);
  const policies = createPolicies({
    book: loadPolicyBook(config.escalationPolicies.file, businessDayHours(config.calendar)),
    reminders: config.responseWindow.reminders,
    escalationChannelId: config.responseWindow.escalationChannelId,
    directory,
    logger: logger.child({ component: 'escalation' }),
    firstStepGraceDays: config.firstStepGraceDays,
  });
  await policies.refreshGroups();
  const background = createBackgroundWork(logger);
  const activity = new RequestActivity();
  let outbox: OutboxWorker | undefined;
  const onOutboxWrite = () => outbox?.wake();
  const internalChannels = createInternalChannels({
    configured: internalChannelSettings(config),
    checked: startup.internalChannels,
    logger,
    db,
    clock,
  });
  // What start found, for every process on this database (a newer word another process heard stays).
  await internalChannels.recordStart();
  const services = createServices({
    ...opts,
    lifecycle: createLifecycle({ db, onOutboxWrite }),
    surfaces: createSurfaces({
      db,
      clock,
      outcomeUndoMs: config.outcomeUndoSeconds * 1000,
      adminUserIds: config.adminUserIds,
      internalTeamIds: startup.internalTeamIds,
      homeTeamId: startup.workspace.teamId ?? startup.internalTeamIds[0] ?? '',
    }),
    startup,
    clients,
    background,
    directory,
    windows: planner(config),
    internalChannels,
    onOutboxWrite,
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
  return { startup, services, background, clients, activity };
}
