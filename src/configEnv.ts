import { accessSync, constants, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { DateTime } from 'luxon';
import cron from 'node-cron';
import { z } from 'zod';
import { parseHolidaySetting } from './domain/holidays.js';
import { parseReminderPoints } from './domain/reminders.js';
import { parseOperatorHost } from './domain/salesforceHosts.js';

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

/** A name of this machine's own to listen on: an IP address (IPv4 or IPv6) or a host name such as localhost. */
const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const bindAddress = z
  .string()
  .refine(
    (value) => isIP(value) !== 0 || HOST_NAME.test(value),
    'must be an IP address of this machine (127.0.0.1, ::1, or 0.0.0.0 and :: for every interface) or a host name such as localhost',
  )
  .optional();

const integer = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

/** A number of days, or unset (undefined): a retention period. */
const days = (min: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce
      .number({ error: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(min, `must be at least ${min}`)
      .max(36_500, 'must be at most 36500')
      .optional(),
  );

/** A yes-or-no setting: `true` or `false` (any case), default false. */
const yesNo = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
  .optional()
  .transform((value) => value === 'true');

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

/** A key of 32 bytes in base64 (the tokens' seal, install/seal.ts). */
const key32 = (hint: string) =>
  z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, `must be 32 bytes in base64: ${hint}`)
    .optional();

export const envSchema = z.object({
  // Missing is allowed only with SLACK_CLIENT_ID (an OAuth install: crossFieldProblems says which is needed).
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional(),
  // The OAuth install (docs/install.md): the app's Client ID and Secret, the secret that signs the OAuth
  // state, and the key that seals the tokens at rest (32 bytes, base64).
  SLACK_CLIENT_ID: z.string().min(1).optional(),
  SLACK_CLIENT_SECRET: z.string().min(1).optional(),
  SLACK_STATE_SECRET: z.string().min(16, 'must be at least 16 characters: any long random string').optional(),
  SLACK_TOKEN_KEY: key32('make one with `openssl rand -base64 32`'),
  // During a key rotation: the key SLACK_TOKEN_KEY replaced, still read while the start seals its rows again.
  SLACK_TOKEN_KEY_PREVIOUS: key32('the SLACK_TOKEN_KEY it replaced'),
  SLACK_SIGNING_SECRET: z.string().min(1, 'must not be empty').optional(),
  SLACK_APP_TOKEN: z
    .string()
    .startsWith('xapp-', 'must be an app-level token starting with xapp- (or leave it unset for HTTP mode)')
    .optional(),
  SLACK_AUTHORIZATIONS_TOKEN: z
    .string()
    .startsWith('xapp-', 'must be an app-level token starting with xapp- with the authorizations:read scope')
    .optional(),
  SLACK_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://slack.com/api/' })
    .default('https://slack.com/api/'),
  PORT: integer(3000, 0, 65535),
  HOST: bindAddress,
  STARTUP_WAIT_SECONDS: integer(600, 0, 86_400),
  DATABASE_PATH: z.string().min(1, 'must not be empty').default('./data/handoff.db'),
  // Set: the app runs on this Postgres database instead of the SQLite file (docs/deploy.md, "When to choose Postgres").
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\/./,
      'must be a Postgres URL such as postgres://user:password@host:5432/handoff',
    )
    .optional(),
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
  /** Workspace guests may send and own handoffs (default: no). */
  ALLOW_GUEST_AUTHORS: yesNo,
  /** Workspace guests may be a handoff's AE or cover and read its internal packet (default: no). */
  ALLOW_GUEST_AES: yesNo,
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
  /** Accept with a commitment: the first step's date offered, this many business days after the accept. */
  FIRST_STEP_BUSINESS_DAYS: integer(3, 1, 30),
  /** Business days after the first step's check-in, with no news, before the owner is told. */
  FIRST_STEP_GRACE_DAYS: integer(2, 1, 10),
  /** A deal back with its owner and given to nobody: business days before their manager is told; 0: never. */
  UNASSIGNED_MANAGER_DAYS: integer(3, 0, 30),
  OUTCOME_UNDO_SECONDS: integer(60, 0, 3600),
  /** Before deciding: the longest pause of the AE's clock while their question waits; 0: no pause. */
  QUESTION_PAUSE_DAYS: integer(2, 0, 10),
  /** The business days more time gives the AE (once per handoff), and whether the owner approves it first. */
  MORE_TIME_DAYS: integer(2, 1, 10),
  MORE_TIME_APPROVAL: z.enum(['owner', 'auto']).default('owner'),
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
  REPORTING_CURRENCY: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be a currency code like USD or EUR')
    .transform((code) => code.toUpperCase())
    .optional(),
  METRICS_MAX_WAIT_MS: integer(200, 0, 60_000),
  METRICS_REFRESH_MINUTES: integer(5, 1, 1440),
  OUTBOX_POLL_INTERVAL_MS: integer(1000, 50, 60_000),
  OUTBOX_CHANNEL_INTERVAL_MS: integer(1100, 0, 60_000),
  OUTBOX_MAX_ATTEMPTS: integer(8, 1, 100),
  OUTBOX_UNCERTAIN_WAIT_MS: integer(30_000, 0, 600_000),
  OUTBOX_RETENTION_DAYS: integer(30, 1, 3650),
  OUTBOX_LEASE_MS: integer(60_000, 10_000, 600_000),
  /** What the app sends a person on its own goes at once, not in their working hours (escalation/reach.ts). */
  SEND_OUTSIDE_WORKING_HOURS: yesNo,
  SHUTDOWN_TIMEOUT_MS: integer(10_000, 100, 120_000),
  SALESFORCE_LOGIN_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://login.salesforce.com' })
    .default('https://login.salesforce.com'),
  SALESFORCE_ALLOWED_HOSTS: z
    .string()
    .optional()
    .refine(
      (list) =>
        list === undefined ||
        list
          .split(',')
          .filter((entry) => entry.trim() !== '')
          .every((entry) => parseOperatorHost(entry) !== undefined),
      'must be hosts such as sf-proxy.example.com:8443, comma-separated (http://host:port lets plain http go there)',
    ),
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
  CRM_INSTALLATIONS: z
    .string()
    .trim()
    .default('first')
    .refine(
      (v) => v === 'first' || v === 'all' || v.split(',').every((id) => /^[TE][A-Z0-9]{2,}$/.test(id.trim())),
      'must be first, all, or workspace (T…) and org (E…) ids, comma-separated',
    ),
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
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: integer(7, 1, 3650),
  BACKUP_AT: clockTime('03:30'),
  // Data retention (docs/privacy.md): days after a handoff closed; unset keeps it as long as the database.
  RETAIN_PACKET_TEXT_DAYS: days(1),
  RETAIN_TOUCH_DETAIL_DAYS: days(1),
  RETAIN_EXPORTS_DAYS: days(1),
  // At uninstall: unset keeps everything; 0 deletes the installation's data at once, N after N days unless reinstalled.
  UNINSTALL_DELETE_AFTER_DAYS: days(0),
});

/** The settings as read from the environment (see docs/configuration.md). */
export type Env = z.infer<typeof envSchema>;

/**
 * Scheduled backups: BACKUP_DIR must be a folder the app can write (checked at start, not at 03:30), and BACKUP_KEEP
 * and BACKUP_AT mean nothing without it. `set`: the environment's set values.
 */
export function backupSettingProblems(set: Record<string, string | undefined>): string[] {
  const dir = set.BACKUP_DIR;
  if (!dir) {
    return ['BACKUP_KEEP', 'BACKUP_AT']
      .filter((key) => set[key] !== undefined)
      .map(
        (key) =>
          `${key} is set but BACKUP_DIR is not: set BACKUP_DIR to turn scheduled backups on, or unset ${key}`,
      );
  }
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return [
      `BACKUP_DIR ${dir} cannot be used (${code}): create the folder, or unset BACKUP_DIR to turn scheduled backups off`,
    ];
  }
  if (!isDirectory) return [`BACKUP_DIR ${dir} is not a folder: name the folder the backups go to`];
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    return [
      `BACKUP_DIR ${dir} is not writable by the user running the app: change its owner or permissions, or choose another folder`,
    ];
  }
  return [];
}

const OAUTH_SETTINGS = [
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'SLACK_TOKEN_KEY',
] as const;

/** A bot token, or the OAuth install's four settings: one or the other, whole. */
function oauthProblems(set: Record<string, string>): string[] {
  const given = OAUTH_SETTINGS.filter((key) => set[key]);
  if (given.length === 0)
    return [
      ...(set.SLACK_BOT_TOKEN
        ? []
        : [
            'SLACK_BOT_TOKEN is missing: set it to the Bot User OAuth Token (xoxb-…) from your Slack app, or set SLACK_CLIENT_ID and the other OAuth install settings (docs/install.md)',
          ]),
      ...(set.CRM_INSTALLATIONS && set.CRM_INSTALLATIONS !== 'first'
        ? [
            'CRM_INSTALLATIONS is for the OAuth install, which serves several workspaces (docs/crm.md): a deployment on SLACK_BOT_TOKEN has one installation, which the CRM settings serve',
          ]
        : []),
      ...(set.SLACK_AUTHORIZATIONS_TOKEN
        ? [
            'SLACK_AUTHORIZATIONS_TOKEN is for the OAuth install, which serves several workspaces (docs/install.md): unset it, or set SLACK_CLIENT_ID and the other OAuth install settings',
          ]
        : []),
    ];
  const problems: string[] = [];
  if (set.SLACK_BOT_TOKEN)
    problems.push(
      `SLACK_BOT_TOKEN and ${given.join(', ')} are both set: a pasted bot token, or the OAuth install (docs/install.md), not both`,
    );
  const missing = OAUTH_SETTINGS.filter((key) => !set[key]);
  if (missing.length > 0 && !set.SLACK_BOT_TOKEN)
    problems.push(`the OAuth install needs ${missing.join(', ')} too (docs/install.md)`);
  if (set.SLACK_APP_TOKEN)
    problems.push(
      'the OAuth install serves /slack/install and /slack/oauth_redirect over HTTP: unset SLACK_APP_TOKEN (Socket Mode)',
    );
  return problems;
}

/** Cross-field rules, checked even when other settings are wrong so every problem is named at once. */
export function crossFieldProblems(set: Record<string, string>): string[] {
  const problems: string[] = [...oauthProblems(set)];
  if (!set.SLACK_APP_TOKEN && !set.SLACK_SIGNING_SECRET) {
    problems.push(
      'SLACK_SIGNING_SECRET is missing: set it to the Signing Secret from your Slack app (Basic Information), or set SLACK_APP_TOKEN for Socket Mode',
    );
  }
  const dayStart = set.BUSINESS_DAY_START ?? '09:00';
  const dayEnd = set.BUSINESS_DAY_END ?? '17:00';
  if (/^\d\d:\d\d$/.test(dayStart) && /^\d\d:\d\d$/.test(dayEnd) && dayEnd <= dayStart) {
    problems.push('BUSINESS_DAY_END must be later than BUSINESS_DAY_START');
  }
  if (Boolean(set.SALESFORCE_CLIENT_ID) !== Boolean(set.SALESFORCE_CLIENT_SECRET)) {
    problems.push(
      "SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET go together: set both (the connected app's consumer key and secret) or neither",
    );
  }
  problems.push(...backupSettingProblems(set));
  if (set.DATABASE_URL && set.DATABASE_PATH)
    problems.push(
      'DATABASE_URL and DATABASE_PATH are both set: set DATABASE_URL to run on Postgres, or DATABASE_PATH for a SQLite file, not both',
    );
  if (set.DATABASE_URL && set.BACKUP_DIR)
    problems.push(
      "BACKUP_DIR copies the SQLite file, and DATABASE_URL runs the app on Postgres: back Postgres up with pg_dump or your provider's backups (docs/deploy.md), and unset BACKUP_DIR",
    );
  return problems;
}
