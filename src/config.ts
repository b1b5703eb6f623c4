import { DateTime } from 'luxon';
import cron from 'node-cron';
import { z } from 'zod';
import { DEFAULT_AWAY_EMOJI, DEFAULT_AWAY_WORDS } from './domain/absence.js';
import { type HolidayRegions, type PersonHolidayRegions, parseHolidaySetting } from './domain/holidays.js';
import { parseReminderPoints, type ReminderPoint } from './domain/reminders.js';

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const integer = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

const clockTime = (fallback: string) =>
  z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day like 09:00')
    .default(fallback);

/** A CRM field's API name: letters, digits and underscores, starting with a letter. */
const fieldName = (example: string) =>
  z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, `must be ${example}`)
    .optional();

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const envSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'is missing: set it to the Bot User OAuth Token (xoxb-…) from your Slack app' })
    .startsWith('xoxb-', 'must be a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: z.string().min(1, 'must not be empty').optional(),
  SLACK_APP_TOKEN: z
    .string()
    .startsWith('xapp-', 'must be an app-level token starting with xapp- (or leave it unset for HTTP mode)')
    .optional(),
  SLACK_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://slack.com/api/' })
    .default('https://slack.com/api/'),
  PORT: integer(3000, 0, 65535),
  DATABASE_PATH: z.string().min(1, 'must not be empty').default('./data/handoff.db'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  DEFAULT_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'must be an IANA time zone such as America/New_York'),
  BUSINESS_DAY_START: clockTime('09:00'),
  BUSINESS_DAY_END: clockTime('17:00'),
  // Unset or empty: each AE's own country, from their Slack time zone; `none`: no public holiday; else these regions.
  // `U012AB=DE-BY+AT` (or `=none`) entries: that person's own, whatever everyone else gets. Each bad entry is named.
  HOLIDAY_REGIONS: commaList.transform((entries, ctx) => {
    const { setting, problems } = parseHolidaySetting(entries);
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return setting;
  }),
  INTERNAL_TEAM_IDS: commaList,
  ADMIN_USER_IDS: commaList.refine(
    (ids) => ids.every((id) => /^[UW][A-Z0-9]{2,}$/.test(id)),
    'must be Slack user ids like U012ABCDEF (comma-separated)',
  ),
  REVOPS_USER_IDS: commaList.refine(
    (ids) => ids.every((id) => /^[UW][A-Z0-9]{2,}$/.test(id)),
    'must be Slack user ids like U012ABCDEF (comma-separated)',
  ),
  SCORE_BANDS: z
    .string()
    .default('15,10')
    .refine((value) => {
      const [ready, fix] = value.split(',').map((n) => Number(n.trim()));
      return (
        Number.isInteger(ready) &&
        Number.isInteger(fix) &&
        (fix as number) >= 0 &&
        (ready as number) > (fix as number) &&
        (ready as number) <= 18
      );
    }, 'must be two scores out of 18, "ready,fix" with ready above fix, like 15,10'),
  SCORE_MAX_WINDOW_DAYS: integer(5, 1, 10),
  CONFLICT_LOOKBACK_DAYS: integer(90, 0, 3650),
  STALL_BUSINESS_DAYS: integer(5, 0, 60),
  SWEEP_SCHEDULE: z
    .string()
    .default('* * * * *')
    .refine((expression) => cron.validate(expression), 'must be a cron expression such as "* * * * *"'),
  REMINDERS: z
    .string()
    .default('50%,last-morning')
    .refine((spec) => parseReminderPoints(spec) !== undefined, 'must be a list like "50%,last-morning"'),
  ESCALATION_CHANNEL_ID: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id like C012ABCDEF')
    .optional(),
  ESCALATION_MANAGERS: commaList.refine(
    (pairs) => pairs.every((pair) => /^[UW][A-Z0-9]{2,}=[UW][A-Z0-9]{2,}$/.test(pair)),
    'must be pairs like U0AE=U0MANAGER (comma-separated)',
  ),
  CLOSURE_DATES: commaList.refine(
    (dates) => dates.every((date) => /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date).isValid),
    'must be dates like 2026-12-24,2026-12-31 (comma-separated)',
  ),
  PARTNER_HELP_CHANNEL_ID: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id like C012ABCDEF')
    .optional(),
  DIGEST_CHANNEL_ID: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id like C012ABCDEF')
    .optional(),
  DIGEST_SCHEDULE: z
    .string()
    .default('0 9 * * 1')
    .refine((expression) => cron.validate(expression), 'must be a cron expression such as "0 9 * * 1"'),
  DIGEST_TIMEZONE: z
    .string()
    .optional()
    .refine(
      (zone) => zone === undefined || isTimeZone(zone),
      'must be an IANA time zone such as Europe/Paris',
    ),
  METRICS_TREND_WEEKS: integer(12, 2, 52),
  METRICS_MAX_WAIT_MS: integer(200, 0, 60_000),
  METRICS_REFRESH_MINUTES: integer(5, 1, 1440),
  OUTBOX_POLL_INTERVAL_MS: integer(1000, 50, 60_000),
  OUTBOX_CHANNEL_INTERVAL_MS: integer(1100, 0, 60_000),
  OUTBOX_MAX_ATTEMPTS: integer(8, 1, 100),
  OUTBOX_UNCERTAIN_WAIT_MS: integer(30_000, 0, 600_000),
  OUTBOX_RETENTION_DAYS: integer(30, 1, 3650),
  SHUTDOWN_TIMEOUT_MS: integer(10_000, 100, 120_000),
  SALESFORCE_LOGIN_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://login.salesforce.com' })
    .default('https://login.salesforce.com'),
  SALESFORCE_CLIENT_ID: z.string().optional(),
  SALESFORCE_CLIENT_SECRET: z.string().optional(),
  SALESFORCE_FIELD_CLASSIFICATION: fieldName('an Opportunity field API name such as Partner_Attribution__c'),
  SALESFORCE_FIELD_PARTNER: fieldName('an Opportunity field API name such as Partner_Name__c'),
  HUBSPOT_ACCESS_TOKEN: z.string().optional(),
  HUBSPOT_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.hubapi.com' })
    .default('https://api.hubapi.com'),
  HUBSPOT_PROPERTY_CLASSIFICATION: fieldName('a deal property internal name such as partner_attribution'),
  HUBSPOT_PROPERTY_PARTNER: fieldName('a deal property internal name such as partner_name'),
  CRM_POLL_SECONDS: integer(300, 60, 86_400),
  ESCALATION_POLICY_FILE: z.string().min(1).optional(),
  POOL_MAX_OPEN_HANDOFFS: integer(10, 1, 1000),
  AWAY_STATUS_WORDS: z.string().optional(),
  AWAY_STATUS_EMOJI: z
    .string()
    .optional()
    .refine(
      (value) => value === undefined || value.split(',').every((e) => /^:[a-z0-9_+'-]+:$/.test(e.trim())),
      'must be emoji names like :palm_tree:,:airplane: (comma-separated)',
    ),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
  };
  port: number;
  databasePath: string;
  logLevel: Env['LOG_LEVEL'];
  calendar: {
    defaultTimeZone: string;
    businessDayStart: string;
    businessDayEnd: string;
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
  /** May reassign, extend or withdraw any handoff. */
  adminUserIds: string[];
  /** May correct a classification and maintain the reseller registry (admins may too). */
  revopsUserIds: string[];
  scoring: { bands: { ready: number; fix: number }; maxWindowDays: number };
  conflictLookbackDays: number;
  /** An accepted deal with no outcome for this many business days nudges its AE (0: never). */
  stallBusinessDays: number;
  responseWindow: {
    sweepSchedule: string;
    reminders: ReminderPoint[];
    escalationChannelId: string | undefined;
    /** AE user id → manager user id, told when that AE lets a handoff expire. */
    managers: Record<string, string>;
  };
  /** Internal channel where AEs' requests for partner help go (unset: the feature says it is not set up). */
  partnerHelpChannelId: string | undefined;
  revopsReporting: {
    /** Weekly digest: channel (unset: no digest), cron schedule and its timezone (also the metrics' weeks). */
    digestChannelId: string | undefined;
    digestSchedule: string;
    timeZone: string;
    /** Weeks shown in the trend chart. */
    trendWeeks: number;
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
  };
  shutdownTimeoutMs: number;
  /** The CRM loop: off unless a CRM's credentials are set. */
  crm: {
    salesforce:
      | {
          loginUrl: string;
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
    /** How often the records of accepted linked handoffs are read for closed deals. */
    pollSeconds: number;
  };
  escalationPolicies: {
    /** The policy file (pools, policies, routes); unset: the default policy from REMINDERS and ESCALATION_*. */
    file: string | undefined;
    /** A pool member holding this many open handoffs is skipped by round robin. */
    maxOpenPerAe: number;
    /** A Slack status says its person is away when its text has one of these words, or it shows one of these emoji. */
    away: { words: string[]; emoji: string[] };
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Configuration problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Reads the settings from an environment (process.env in production); throws ConfigError naming every problem. */
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

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const blankAsUnset = Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '')
      .map(([key, value]) => [key, value.trim()]),
  );
  const parsed = envSchema.safeParse(blankAsUnset);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
  // Cross-field rules, checked even when other settings are wrong so every problem is named at once.
  if (!blankAsUnset.SLACK_APP_TOKEN && !blankAsUnset.SLACK_SIGNING_SECRET) {
    problems.push(
      'SLACK_SIGNING_SECRET is missing: set it to the Signing Secret from your Slack app (Basic Information), or set SLACK_APP_TOKEN for Socket Mode',
    );
  }
  const dayStart = blankAsUnset.BUSINESS_DAY_START ?? '09:00';
  const dayEnd = blankAsUnset.BUSINESS_DAY_END ?? '17:00';
  if (/^\d\d:\d\d$/.test(dayStart) && /^\d\d:\d\d$/.test(dayEnd) && dayEnd <= dayStart) {
    problems.push('BUSINESS_DAY_END must be later than BUSINESS_DAY_START');
  }
  if (Boolean(blankAsUnset.SALESFORCE_CLIENT_ID) !== Boolean(blankAsUnset.SALESFORCE_CLIENT_SECRET)) {
    problems.push(
      "SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET go together: set both (the connected app's consumer key and secret) or neither",
    );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return deepFreeze({
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
    },
    port: e.PORT,
    databasePath: e.DATABASE_PATH,
    logLevel: e.LOG_LEVEL,
    calendar: {
      defaultTimeZone: e.DEFAULT_TIMEZONE,
      businessDayStart: e.BUSINESS_DAY_START,
      businessDayEnd: e.BUSINESS_DAY_END,
      closureDates: e.CLOSURE_DATES,
      holidayRegions: e.HOLIDAY_REGIONS.everyone,
      holidayRegionsByPerson: e.HOLIDAY_REGIONS.people,
    },
    internalTeamIds: e.INTERNAL_TEAM_IDS,
    adminUserIds: e.ADMIN_USER_IDS,
    revopsUserIds: e.REVOPS_USER_IDS,
    scoring: {
      bands: (([ready, fix]) => ({ ready: ready as number, fix: fix as number }))(
        e.SCORE_BANDS.split(',').map((n) => Number(n.trim())),
      ),
      maxWindowDays: e.SCORE_MAX_WINDOW_DAYS,
    },
    conflictLookbackDays: e.CONFLICT_LOOKBACK_DAYS,
    stallBusinessDays: e.STALL_BUSINESS_DAYS,
    responseWindow: {
      sweepSchedule: e.SWEEP_SCHEDULE,
      reminders: parseReminderPoints(e.REMINDERS) ?? [],
      escalationChannelId: e.ESCALATION_CHANNEL_ID,
      managers: Object.fromEntries(e.ESCALATION_MANAGERS.map((pair) => pair.split('=') as [string, string])),
    },
    partnerHelpChannelId: e.PARTNER_HELP_CHANNEL_ID,
    revopsReporting: {
      digestChannelId: e.DIGEST_CHANNEL_ID,
      digestSchedule: e.DIGEST_SCHEDULE,
      timeZone: e.DIGEST_TIMEZONE ?? e.DEFAULT_TIMEZONE,
      trendWeeks: e.METRICS_TREND_WEEKS,
      maxWaitMs: e.METRICS_MAX_WAIT_MS,
      refreshMinutes: e.METRICS_REFRESH_MINUTES,
    },
    outbox: {
      pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS,
      channelIntervalMs: e.OUTBOX_CHANNEL_INTERVAL_MS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      uncertainWaitMs: e.OUTBOX_UNCERTAIN_WAIT_MS,
      retentionDays: e.OUTBOX_RETENTION_DAYS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    crm: {
      salesforce:
        e.SALESFORCE_CLIENT_ID && e.SALESFORCE_CLIENT_SECRET
          ? {
              loginUrl: e.SALESFORCE_LOGIN_URL.replace(/\/$/, ''),
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
      pollSeconds: e.CRM_POLL_SECONDS,
    },
    escalationPolicies: {
      file: e.ESCALATION_POLICY_FILE,
      maxOpenPerAe: e.POOL_MAX_OPEN_HANDOFFS,
      away: {
        words: e.AWAY_STATUS_WORDS
          ? e.AWAY_STATUS_WORDS.split(',')
              .map((w) => w.trim().toLowerCase())
              .filter(Boolean)
          : [...DEFAULT_AWAY_WORDS],
        emoji: e.AWAY_STATUS_EMOJI
          ? e.AWAY_STATUS_EMOJI.split(',')
              .map((w) => w.trim())
              .filter(Boolean)
          : [...DEFAULT_AWAY_EMOJI],
      },
    },
  });
}
