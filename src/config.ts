import { crossFieldProblems, type Env, envSchema } from './configEnv.js';
import type { HolidayRegions, PersonHolidayRegions } from './domain/holidays.js';
import { type OperatorHost, operatorHosts } from './domain/salesforceHosts.js';
import { type SettingsValues, settingsFromEnv } from './program/settings.js';

export type { Env } from './configEnv.js';

/** SLACK_TOKEN_KEY_PREVIOUS: the key a rotation replaced, read while the start seals its rows again. */
type OAuthKeyRotation = { previousTokenKey: string | undefined };

export interface Config {
  slack: {
    /** SLACK_BOT_TOKEN; undefined for an OAuth install, whose token is the installation's (src/install/). */
    botToken: string | undefined;
    /** The OAuth install's settings, when set instead of a bot token. */
    oauth:
      | (Record<'clientId' | 'clientSecret' | 'stateSecret' | 'tokenKey', string> & OAuthKeyRotation)
      | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    /**
     * SLACK_AUTHORIZATIONS_TOKEN: an app-level token with `authorizations:read`, for an OAuth install serving several
     * workspaces: an event in a channel they share names one installation, and this token asks Slack for the others.
     */
    authorizationsToken: string | undefined;
    apiUrl: string;
  };
  port: number;
  /** HOST: the address the HTTP server listens on (PORT's); undefined: every interface. */
  host: string | undefined;
  /**
   * STARTUP_WAIT_SECONDS, in ms: how long the start keeps retrying the checks that ask Slack (auth.test, the internal
   * channels) while Slack cannot be reached, before it gives up with what to check (startupRetry.ts).
   */
  startupWaitMs: number;
  databasePath: string;
  /** DATABASE_URL: the Postgres database the app runs on instead of the SQLite file at `databasePath`. */
  databaseUrl: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  /** The calendar's parts the program reads in once (its hours and zone are program settings). */
  calendar: {
    /** Company closure days (YYYY-MM-DD) skipped like weekends. */
    closureDates: string[];
    /**
     * Whose public holidays are skipped too: `by_zone` (the default) each AE's own country from their time zone,
     * `none` no public holiday, or these regions for every AE.
     */
    holidayRegions: HolidayRegions;
    /** AEs with their own regions (HOLIDAY_REGIONS' `U…=` entries; empty: none), whatever `holidayRegions` says. */
    holidayRegionsByPerson: PersonHolidayRegions;
  };
  /** Workspaces (T… or E… ids) whose members count as internal, besides the installing workspace. */
  internalTeamIds: string[];
  /**
   * ADMIN_USER_IDS, REVOPS_USER_IDS and ESCALATION_MANAGERS: read once into a token deployment's program
   * (program/importOnce.ts); the app reads the program's roles and managers.
   */
  seed: {
    adminUserIds: readonly string[];
    revopsUserIds: readonly string[];
    /** AE user id → manager user id, told when that AE lets a handoff expire. */
    managers: Readonly<Record<string, string>>;
  };
  responseWindow: {
    sweepSchedule: string;
  };
  revopsReporting: {
    /** The weekly digest's cron schedule (its channel is a program setting). */
    digestSchedule: string;
    /** DIGEST_TIMEZONE: the digest's and the metrics' weeks' own zone (unset: the program's default zone). */
    digestTimeZone: string | undefined;
    /** The App Home waits this long for figures; slower periods are shown from their last computation. */
    maxWaitMs: number;
    /** Such figures are recomputed in the background when older than this. */
    refreshMinutes: number;
  };
  outbox: {
    pollIntervalMs: number;
    channelIntervalMs: number;
    maxAttempts: number;
    uncertainWaitMs: number;
    /** Delivered and cancelled messages are deleted this long after they were queued (the touch log stays). */
    retentionDays: number;
    /** How long a replica holds a conversation it delivers in before another may take it over (outbox/leases.ts). */
    leaseMs: number;
    /** Whether what the app sends a person on its own goes at any hour (else at theirs: escalation/reach.ts). */
    outsideWorkingHours: boolean;
  };
  shutdownTimeoutMs: number;
  /** The CRM loop: off unless a CRM's credentials are set. */
  crm: {
    salesforce:
      | {
          loginUrl: string;
          /** The hosts the operator named, which calls may go to besides Salesforce's own (domain/salesforceHosts.ts). */
          hosts: readonly OperatorHost[];
          clientId: string;
          clientSecret: string;
          /** Opportunity fields written besides the Task (the optional mapping; unset: none). */
          fields: { classification?: string; partner?: string };
        }
      | undefined;
    hubspot:
      | {
          accessToken: string;
          apiUrl: string;
          /** Deal properties written besides the note (the optional mapping; unset: none). */
          fields: { classification?: string; partner?: string };
        }
      | undefined;
    salesforceHosts?: readonly OperatorHost[]; // SALESFORCE_ALLOWED_HOSTS and SALESFORCE_LOGIN_URL's host
    /** HUBSPOT_API_URL, for an installation's own HubSpot too (crm/ownCrm.ts); unset: HubSpot's. */
    hubspotApiUrl?: string;
    /** How often the records of accepted linked handoffs are read for closed deals. */
    pollSeconds: number;
    /**
     * CRM_INSTALLATIONS: which installations of an OAuth install the CRM settings serve (crm/connectors.ts
     * `crmServes`): the first, every one, or those whose workspace or org ids are listed.
     */
    installations: 'first' | 'all' | readonly string[];
  };
  escalationPolicies: {
    /** The policy file (pools, policies, routes); unset: the default policy from REMINDERS and ESCALATION_*. */
    file: string | undefined;
  };
  /**
   * The program's settings the environment sets (program/settings.ts), read into the program once, at the first
   * start that finds it without settings; the app reads the program's (`program.settings.get`).
   */
  programSettings: Readonly<Partial<SettingsValues>>;
  /**
   * Data retention (retention/): how many days after a handoff closed its packet's text and contact details,
   * its touch log's detail, and the CSV exports shared in Slack are kept; undefined: as long as the database. And what
   * an uninstall does: undefined keeps everything; 0 deletes the installation's data at once; N after N days unless
   * it is installed again.
   */
  retention: {
    packetTextDays: number | undefined;
    touchDetailDays: number | undefined;
    exportDays: number | undefined;
    uninstallDeleteAfterDays: number | undefined;
  };
  /**
   * Scheduled backups of the database (BACKUP_DIR, an existing, writable folder checked at start); undefined: off. The
   * newest `keep` `handoff-YYYYMMDD-HHMM.db` files are kept; the daily backup runs at `at` (hh:mm) in `timeZone`.
   */
  backups: { dir: string; keep: number; at: string; timeZone: string } | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Configuration problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** The resolved settings are read-only: nothing may change them after start (tests build a new one instead). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function definedOnly<T extends Record<string, string | undefined>>(o: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: string;
  };
}

/** The environment's set values, trimmed: a blank value counts as unset. */
function setValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '')
      .map(([key, value]) => [key, value.trim()]),
  );
}

/** Reads the settings from an environment (process.env in production); throws ConfigError naming every problem. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const set = setValues(env);
  const parsed = envSchema.safeParse(set);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
  problems.push(...crossFieldProblems(set));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return deepFreeze({
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      oauth:
        e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && e.SLACK_TOKEN_KEY
          ? {
              clientId: e.SLACK_CLIENT_ID,
              clientSecret: e.SLACK_CLIENT_SECRET,
              stateSecret: e.SLACK_STATE_SECRET,
              tokenKey: e.SLACK_TOKEN_KEY,
              previousTokenKey: e.SLACK_TOKEN_KEY_PREVIOUS,
            }
          : undefined,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      authorizationsToken: e.SLACK_AUTHORIZATIONS_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
    },
    port: e.PORT,
    host: e.HOST,
    startupWaitMs: e.STARTUP_WAIT_SECONDS * 1000,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    calendar: calendarOf(e),
    internalTeamIds: e.INTERNAL_TEAM_IDS,
    seed: {
      adminUserIds: e.ADMIN_USER_IDS,
      revopsUserIds: e.REVOPS_USER_IDS,
      managers: Object.fromEntries(e.ESCALATION_MANAGERS.map((pair) => pair.split('=') as [string, string])),
    },
    responseWindow: { sweepSchedule: e.SWEEP_SCHEDULE },
    revopsReporting: reportingOf(e),
    outbox: outboxOf(e),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    crm: crmOf(e),
    escalationPolicies: escalationPoliciesOf(e),
    backups: backupsOf(e),
    retention: {
      packetTextDays: e.RETAIN_PACKET_TEXT_DAYS,
      touchDetailDays: e.RETAIN_TOUCH_DETAIL_DAYS,
      exportDays: e.RETAIN_EXPORTS_DAYS,
      uninstallDeleteAfterDays: e.UNINSTALL_DELETE_AFTER_DAYS,
    },
    programSettings: settingsFromEnv(set),
  });
}

function calendarOf(e: Env): Config['calendar'] {
  return {
    closureDates: e.CLOSURE_DATES,
    holidayRegions: e.HOLIDAY_REGIONS.everyone,
    holidayRegionsByPerson: e.HOLIDAY_REGIONS.people,
  };
}

function reportingOf(e: Env): Config['revopsReporting'] {
  return {
    digestSchedule: e.DIGEST_SCHEDULE,
    digestTimeZone: e.DIGEST_TIMEZONE,
    maxWaitMs: e.METRICS_MAX_WAIT_MS,
    refreshMinutes: e.METRICS_REFRESH_MINUTES,
  };
}

function outboxOf(e: Env): Config['outbox'] {
  return {
    pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS,
    channelIntervalMs: e.OUTBOX_CHANNEL_INTERVAL_MS,
    maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    uncertainWaitMs: e.OUTBOX_UNCERTAIN_WAIT_MS,
    retentionDays: e.OUTBOX_RETENTION_DAYS,
    leaseMs: e.OUTBOX_LEASE_MS,
    outsideWorkingHours: e.SEND_OUTSIDE_WORKING_HOURS,
  };
}

function crmOf(e: Env): Config['crm'] {
  const salesforceHosts = operatorHosts(e.SALESFORCE_ALLOWED_HOSTS, e.SALESFORCE_LOGIN_URL);
  return {
    salesforce:
      e.SALESFORCE_CLIENT_ID && e.SALESFORCE_CLIENT_SECRET
        ? {
            loginUrl: e.SALESFORCE_LOGIN_URL.replace(/\/$/, ''),
            hosts: salesforceHosts,
            clientId: e.SALESFORCE_CLIENT_ID,
            clientSecret: e.SALESFORCE_CLIENT_SECRET,
            fields: definedOnly({
              classification: e.SALESFORCE_FIELD_CLASSIFICATION,
              partner: e.SALESFORCE_FIELD_PARTNER,
            }),
          }
        : undefined,
    hubspot: e.HUBSPOT_ACCESS_TOKEN
      ? {
          accessToken: e.HUBSPOT_ACCESS_TOKEN,
          apiUrl: e.HUBSPOT_API_URL.replace(/\/$/, ''),
          fields: definedOnly({
            classification: e.HUBSPOT_PROPERTY_CLASSIFICATION,
            partner: e.HUBSPOT_PROPERTY_PARTNER,
          }),
        }
      : undefined,
    salesforceHosts,
    hubspotApiUrl: e.HUBSPOT_API_URL.replace(/\/$/, ''),
    pollSeconds: e.CRM_POLL_SECONDS,
    installations:
      e.CRM_INSTALLATIONS === 'first' || e.CRM_INSTALLATIONS === 'all'
        ? e.CRM_INSTALLATIONS
        : e.CRM_INSTALLATIONS.split(',').map((id) => id.trim()),
  };
}

function escalationPoliciesOf(e: Env): Config['escalationPolicies'] {
  return {
    file: e.ESCALATION_POLICY_FILE,
  };
}

function backupsOf(e: Env): Config['backups'] {
  return e.BACKUP_DIR
    ? { dir: e.BACKUP_DIR, keep: e.BACKUP_KEEP, at: e.BACKUP_AT, timeZone: e.DEFAULT_TIMEZONE }
    : undefined;
}
