import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import { workspacesOfOrg } from '../core/directory.js';
import { dailyAt, takeScheduledBackup } from '../db/backup.js';
import type { Logger } from '../logger.js';
import { retentionOn } from '../retention/ageOut.js';
import { type JobSpec, latestSlot } from '../runtime/scheduler.js';
import type { Startup } from '../startup.js';
import { reportingZone, type Services } from './types.js';

/**
 * A row of the jobs table. `callsSlack` is not optional here: each job says whether a run calls Slack itself, so that
 * it pauses while Slack takes no call from the app (uninstalled, its token revoked: runtime/slackPause.ts) and catches
 * up after. What a job only queues for the outbox is not a call: the outbox holds it meanwhile.
 */
const WEEK_MS = 7 * 86_400_000;

export type ScheduledJob = JobSpec & Required<Pick<JobSpec, 'callsSlack'>>;

/**
 * The scheduled jobs: the sweep (also at start), the metrics refresh, the weekly digest (caught up at start); and an
 * org-wide install's workspaces, asked again (`slack`: what start learned and the client that asks).
 */
export function scheduledJobs(
  config: Config,
  services: Services,
  logger: Logger,
  slack?: { startup: Startup; client: WebClient },
): ScheduledJob[] {
  return [
    ...everyInstall(config, services, logger),
    ...whenConfigured(config, services, logger),
    ...(slack?.startup.workspace.isEnterpriseInstall
      ? [orgWorkspacesJob(slack.startup, slack.client, logger)]
      : []),
  ];
}

/**
 * An org-wide install's workspaces: Slack tells one process when an org admin adds the app to a workspace or takes
 * it out (handlers/events/teamAccess.ts); every process asks Slack again every five minutes (auth.teams.list), so
 * the others learn it too, and one that missed the event.
 */
function orgWorkspacesJob(startup: Startup, client: WebClient, logger: Logger): ScheduledJob {
  return {
    name: 'org-workspaces-recheck',
    schedule: '*/5 * * * *',
    callsSlack: true,
    perProcess: true,
    run: async () => {
      const change = startup.orgAccess.sync(await workspacesOfOrg(client));
      if (change.granted.length > 0 || change.revoked.length > 0)
        logger.info(
          change,
          "the org's workspaces changed without this process hearing it: now as Slack lists them",
        );
    },
  };
}

/** The jobs every install runs. */
function everyInstall(config: Config, services: Services, logger: Logger): ScheduledJob[] {
  const reporting = config.revopsReporting;
  return [
    {
      name: 'response-window-sweep',
      schedule: config.responseWindow.sweepSchedule,
      // It reads AEs' statuses, and people and pools for the policies' moves.
      callsSlack: true,
      // The sweep (expiries first), then the escalation policies' steps that are due.
      run: async () => {
        // An edit made through another replica governs this sweep: the program is reread first (one query if not).
        await services.program.refresh();
        await services.sweeper.sweep();
        // The first steps' checks after the Accept: reminders, check-ins, owners told.
        await services.firstSteps.checkDue();
        await services.escalations.run();
        // An AE who went away during an open window: their owners are told (their status read once an hour).
        await services.escalations.checkAway();
        // An AE back from an absence: told once of the handoffs that went to their cover meanwhile.
        await services.escalations.tellReturned();
      },
      atStart: 'run',
      // A minute with nothing due claims and runs nothing, but a full sweep comes every 5 minutes.
      due: () => services.sweeper.due(),
    },
    {
      name: 'partner-thread-recheck',
      schedule: '*/15 * * * *',
      // It queues its updates.
      callsSlack: false,
      // A partner next move whose date has passed is held back from the partner: its thread's parent is updated.
      run: () => services.partnerText.recheck(),
      due: () => services.partnerText.due(),
    },
    {
      // Channels the app was removed from, asked about again (when any): an invite whose event was lost releases them.
      name: 'channel-access-recheck',
      schedule: '*/5 * * * *',
      callsSlack: true,
      run: () => services.channelAccess.recheck(),
      due: () => services.channelAccess.recheckDue(),
    },
    {
      name: 'escalation-pools',
      schedule: '*/15 * * * *',
      callsSlack: true,
      // User-group pools' members, for routing handoffs by the AE's pool; and the members of the user groups that hold
      // a role (admins, RevOps, a pool's or a partner's managers), read by the program.
      run: () => Promise.all([services.policies.refreshGroups(), services.program.refreshGroups()]),
      due: async () => services.policies.hasGroups() || services.program.hasGroups(),
    },
    {
      name: 'channel-sharing-recheck',
      schedule: '* * * * *',
      callsSlack: true,
      // Held partner channels, and internal channels not confirmed (switched off, or not seen at start), are asked
      // about again: only Slack's answer frees them.
      run: () => services.handlers.partners.recheckSharing(),
      // Most minutes nothing is held: a read says so, and the slot is not claimed.
      due: () => services.handlers.partners.sharingToRecheck(),
    },
    {
      name: 'metrics-refresh',
      schedule: '* * * * *',
      // It computes in the database; the App Homes it queues wait in the outbox.
      callsSlack: false,
      // Each process's figures are its own (kept in its memory), so each process refreshes its own, claiming no slot:
      // a claim let one replica refresh while the others' went stale, and cost two transactions a minute in every
      // installation. The Homes it queues are one per figures' version across processes (their dedupe key).
      perProcess: true,
      run: async () => {
        const refreshed = await services.metrics.refreshSnapshots(reporting.refreshMinutes * 60_000);
        if (refreshed > 0) logger.info({ refreshed }, 'metrics refreshed in the background');
        // RevOps Homes follow the figures: republished once a minute at most, when anything changed.
        await services.followMetrics();
      },
    },
  ];
}

/** The jobs of what the settings turn on: a CRM, daily backups; and the weekly digest. */
function whenConfigured(config: Config, services: Services, logger: Logger): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  const reporting = config.revopsReporting;
  // The zone as it is at start: a cron job's zone is set when it is scheduled.
  const zone = reportingZone(config, services.program.settings);
  if (config.crm.salesforce || config.crm.hubspot) {
    // Every minute, polling when CRM_POLL_SECONDS have passed on the app's clock (the sandbox and tests step it). It
    // asks the CRM, not Slack; the partner posts of what it finds wait in the outbox.
    jobs.push({
      name: 'crm-read-back',
      schedule: '* * * * *',
      callsSlack: false,
      run: () => services.followCrm(),
    });
  }
  // Always scheduled: the digest's channel is a setting of the program, chosen in Slack at any time (a run with none,
  // or with one Slack has not confirmed internal, posts nothing). DIGEST_SCHEDULE and its zone are read at start.
  const digest: ScheduledJob = {
    name: 'weekly-digest',
    schedule: reporting.digestSchedule,
    timeZone: zone,
    // It uploads its chart.
    callsSlack: true,
    run: async (slot) => logger.info({ result: await services.digest.post(slot) }, 'weekly digest run'),
    // A slot missed while the app was down (or Slack took no calls) is posted at start (or once Slack takes them
    // again); one already posted is not (one per week), nor one from before the app was in use.
    atStart: { catchUpWithinMs: WEEK_MS },
    catchUp: async (slot) =>
      logger.info({ result: await services.digest.catchUp(slot) }, 'weekly digest caught up'),
  };
  // A digest whose slot came while the company was closed (a closure day, before its hours) is held, and posted at
  // the company's next working moment: asked every minute, for the price of a schedule walk (and a read when one is
  // held), so that it goes at the company's opening.
  const heldSlot = (now: Date) => latestSlot(logger, digest, now, WEEK_MS);
  jobs.push(digest, {
    name: 'weekly-digest-held',
    schedule: '* * * * *',
    timeZone: zone,
    callsSlack: true,
    due: () => services.digest.heldDue(heldSlot),
    run: async () => {
      const result = await services.digest.postHeld(heldSlot);
      if (result !== 'none_held') logger.info({ result }, 'weekly digest held for the company’s hours');
    },
  });
  if (retentionOn(config.retention) || config.retention.uninstallDeleteAfterDays !== undefined) {
    // Data retention: once a day, at a quiet hour, what has aged out is removed (it deletes aged-out exports
    // from Slack when RETAIN_EXPORTS_DAYS is set), and the data of workspaces uninstalled long enough ago.
    jobs.push({
      name: 'data-retention',
      schedule: '17 3 * * *',
      timeZone: zone,
      callsSlack: config.retention.exportDays !== undefined,
      run: async () => {
        await services.retention.run();
        await services.uninstalls.purgeDue();
      },
    });
  }
  const backups = config.backups;
  if (backups) {
    // BACKUP_DIR: a daily copy of the database, as `npm run backup` makes it; a failure is logged as an error.
    jobs.push({
      name: 'database-backup',
      schedule: dailyAt(backups.at),
      timeZone: backups.timeZone,
      callsSlack: false,
      run: (slot) => takeScheduledBackup(config.databasePath, backups, slot, logger),
    });
  }
  return jobs;
}
