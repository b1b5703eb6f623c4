import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { settingsOver, settingsValues } from '../../src/program/settings.js';
import { configEnv as env, configProblems as problems } from '../support/configEnv.js';

type Env = Record<string, string | undefined>;
type Config = ReturnType<typeof loadConfig>;
/** The settings a first start reads into the program from this environment, as the app reads them. */
const settingsOf = (overrides: Env = {}) =>
  settingsOver(() => settingsValues(loadConfig(env(overrides)).programSettings));
type Settings = ReturnType<typeof settingsOf>;

const HINT = 'use country codes, optionally with a region, like US,DE-BY,GB-ENG';
const OWN_REGIONS =
  "a person's own regions are written as their Slack user id, =, then regions joined by + (U012ABCDEF=DE-BY+AT) or none";

describe('loadConfig', () => {
  it('fills in the documented defaults; blank and whitespace-only values are unset (PORT stays 3000)', () => {
    const blank = {
      PORT: '  ',
      DATABASE_PATH: '',
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: '',
      SWEEP_SCHEDULE: ' ',
      REMINDERS: '',
      HOLIDAY_REGIONS: '',
      ESCALATION_CHANNEL_ID: '  ',
      RETAIN_PACKET_TEXT_DAYS: '',
      UNINSTALL_DELETE_AFTER_DAYS: ' ',
    };
    for (const overrides of [{}, blank]) {
      const config = loadConfig(env(overrides));
      expect(config.port).toBe(3000);
      expect(config.databasePath).toBe('./data/handoff.db');
      expect(config.slack.apiUrl).toBe('https://slack.com/api/');
      expect(config.slack).toMatchObject({
        botToken: 'xoxb-1-abc',
        signingSecret: 'shhh',
        appToken: undefined,
      });
      // HOLIDAY_REGIONS unset: each AE's own country's public holidays, from their time zone.
      expect(config.calendar).toEqual({
        closureDates: [],
        holidayRegions: 'by_zone',
        holidayRegionsByPerson: {},
      });
      // The zone, the hours, the reminders…: the program's settings, whose defaults are the settings rows'.
      expect(config.programSettings).toEqual({});
      expect(config.internalTeamIds).toEqual([]);
      expect(config.seed).toEqual({ adminUserIds: [], revopsUserIds: [], managers: {} });
      expect(config.responseWindow).toEqual({ sweepSchedule: '* * * * *' });
      expect(config.retention).toEqual({
        packetTextDays: undefined,
        touchDetailDays: undefined,
        exportDays: undefined,
        uninstallDeleteAfterDays: undefined,
      });
      const settings = settingsOf(overrides);
      expect(settings.get('reminders')).toEqual([{ kind: 'share', percent: 50 }, { kind: 'lastMorning' }]);
      expect(settings.get('escalationChannelId')).toBeUndefined();
      const scoring = ['scoreReady', 'scoreFix', 'scoreMaxWindowDays', 'conflictLookbackDays'] as const;
      expect(scoring.map((name) => settings.get(name))).toEqual([15, 10, 5, 90]);
    }
  });

  /** What a setting reads as: the environment, where to look, and what is found there. */
  it.each([
    [
      { CLOSURE_DATES: '2026-12-24, 2026-12-31,' },
      (c) => c.calendar.closureDates,
      ['2026-12-24', '2026-12-31'],
    ],
    [
      { SALESFORCE_ALLOWED_HOSTS: 'sf-proxy.example.com:8443, http://127.0.0.1:4000,' },
      (c) => c.crm.salesforceHosts,
      [
        { host: 'sf-proxy.example.com:8443', http: false },
        { host: '127.0.0.1:4000', http: true },
        { host: 'login.salesforce.com', http: false },
      ],
    ],
    [
      { SALESFORCE_ALLOWED_HOSTS: '' },
      (c) => c.crm.salesforceHosts,
      [{ host: 'login.salesforce.com', http: false }],
    ],
    // Socket Mode: the signing secret is optional.
    [
      { SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1-abc' },
      (c) => [c.slack.appToken, c.slack.signingSecret],
      ['xapp-1-abc', undefined],
    ],
    // Read into the program at the first start.
    [
      { DEFAULT_TIMEZONE: 'Asia/Tokyo', BUSINESS_DAY_START: '08:30', BUSINESS_DAY_END: '18:00' },
      (c) => c.programSettings,
      { defaultTimeZone: 'Asia/Tokyo', businessDayStart: '08:30', businessDayEnd: '18:00' },
    ],
    [{ INTERNAL_TEAM_IDS: ' T0A, E0GRID ,,T0B, ' }, (c) => c.internalTeamIds, ['T0A', 'E0GRID', 'T0B']],
    // The trailing slash the Web API client needs.
    [{ SLACK_API_URL: 'http://127.0.0.1:4000/api' }, (c) => c.slack.apiUrl, 'http://127.0.0.1:4000/api/'],
    [{ HOLIDAY_REGIONS: 'US, DE-BY ,GB-ENG' }, (c) => c.calendar.holidayRegions, ['US', 'DE-BY', 'GB-ENG']],
    [{ HOLIDAY_REGIONS: 'none' }, (c) => c.calendar.holidayRegions, 'none'],
    [{ HOLIDAY_REGIONS: ' None ' }, (c) => c.calendar.holidayRegions, 'none'],
    // A person's own regions; everyone else's by zone, or the list for everyone, in any order.
    [
      { HOLIDAY_REGIONS: 'U0AE1JORD=DE-BY, U0AE2SAM = GB-ENG' },
      (c) => [c.calendar.holidayRegions, c.calendar.holidayRegionsByPerson],
      ['by_zone', { U0AE1JORD: ['DE-BY'], U0AE2SAM: ['GB-ENG'] }],
    ],
    [
      { HOLIDAY_REGIONS: 'U0AE1JORD=DE-BY,US' },
      (c) => [c.calendar.holidayRegions, c.calendar.holidayRegionsByPerson],
      [['US'], { U0AE1JORD: ['DE-BY'] }],
    ],
    [
      { HOLIDAY_REGIONS: 'none,U1AB=DE-BY+AT,W2CD=None' },
      (c) => [c.calendar.holidayRegions, c.calendar.holidayRegionsByPerson],
      ['none', { U1AB: ['DE-BY', 'AT'], W2CD: [] }],
    ],
    [{ HOLIDAY_REGIONS: 'US' }, (c) => c.calendar.holidayRegionsByPerson, {}],
    [
      { ADMIN_USER_IDS: 'U012ABCDEF, W0ENTERPRISE' },
      (c) => c.seed.adminUserIds,
      ['U012ABCDEF', 'W0ENTERPRISE'],
    ],
    ...['*/5 * * * *', '*/30 * * * * *', '0 9 * * 1-5'].map(
      (value) => [{ SWEEP_SCHEDULE: value }, (c: Config) => c.responseWindow.sweepSchedule, value] as const,
    ),
    [
      { REMINDERS: '25%, 75%, last-morning' },
      (_, s) => s.get('reminders'),
      [{ kind: 'share', percent: 25 }, { kind: 'share', percent: 75 }, { kind: 'lastMorning' }],
    ],
    [{ REMINDERS: 'last-morning' }, (_, s) => s.get('reminders'), [{ kind: 'lastMorning' }]],
    [{ ESCALATION_CHANNEL_ID: 'C012ABCDEF' }, (_, s) => s.get('escalationChannelId'), 'C012ABCDEF'],
    [{ ESCALATION_CHANNEL_ID: 'G0PRIVATE' }, (_, s) => s.get('escalationChannelId'), 'G0PRIVATE'],
    [
      { ESCALATION_MANAGERS: 'U0AE=U0MGR, U0AE2=U0MGR,W0AE3=U0BOSS' },
      (c) => c.seed.managers,
      { U0AE: 'U0MGR', U0AE2: 'U0MGR', W0AE3: 'U0BOSS' },
    ],
    // Whole days; an uninstall may delete at once (0).
    [
      {
        RETAIN_PACKET_TEXT_DAYS: '365',
        RETAIN_TOUCH_DETAIL_DAYS: '730',
        RETAIN_EXPORTS_DAYS: '30',
        UNINSTALL_DELETE_AFTER_DAYS: '0',
      },
      (c) => c.retention,
      { packetTextDays: 365, touchDetailDays: 730, exportDays: 30, uninstallDeleteAfterDays: 0 },
    ],
    [
      { SCORE_BANDS: '16, 12', REVOPS_USER_IDS: 'U0REV1,U0REV2' },
      (c, s) => [s.get('scoreReady'), s.get('scoreFix'), c.seed.revopsUserIds],
      [16, 12, ['U0REV1', 'U0REV2']],
    ],
  ] as [Env, (c: Config, s: Settings) => unknown, unknown][])('reads %j', (overrides, read, expected) => {
    expect(read(loadConfig(env(overrides)), settingsOf(overrides))).toEqual(expected);
  });

  /** Settings refused with the same problem, whatever the value. */
  const REFUSED: Record<string, [string[], string | RegExp]> = {
    CLOSURE_DATES: [
      ['2026-12-24,Christmas', '2026-02-30', '2026-12-24,24.12.2026', '2026-1-5', '2026-13-01', '2027-02-29'],
      'CLOSURE_DATES must be dates like 2026-12-24,2026-12-31 (comma-separated)',
    ],
    ADMIN_USER_IDS: [
      ['alice', 'U012ABCDEF,C012ABCDEF', 'u012abcdef', '@alice'],
      'ADMIN_USER_IDS must be Slack user ids like U012ABCDEF (comma-separated)',
    ],
    SWEEP_SCHEDULE: [
      ['every minute', '61 * * * *', '* * * *'],
      'SWEEP_SCHEDULE must be a cron expression such as "* * * * *"',
    ],
    REMINDERS: [
      ['50', 'half', '0%', '100%', '50%,tomorrow'],
      'REMINDERS must be a list like "50%,last-morning"',
    ],
    ESCALATION_CHANNEL_ID: [
      ['#escalations', 'U012ABCDEF', 'c012abcdef'],
      'ESCALATION_CHANNEL_ID must be a channel id like C012ABCDEF',
    ],
    ESCALATION_MANAGERS: [
      ['U0AE:U0MGR', 'U0AE=', 'U0AE=U0MGR=U0VP', 'alice=bob', 'U0AE=C0CHANNEL'],
      'ESCALATION_MANAGERS must be pairs like U0AE=U0MANAGER (comma-separated)',
    ],
    SCORE_BANDS: [
      ['12,15', '19,10', '15', 'ready,fix', '15,-1'],
      /^SCORE_BANDS must be two scores out of 18/,
    ],
    BUSINESS_DAY_START: [['9am'], /^BUSINESS_DAY_START must be a time of day/],
  };
  /** The problems loadConfig names for an environment, each by name: exactly these (a RegExp: one that matches). */
  it.each([
    ...Object.entries(REFUSED).flatMap(([name, [values, problem]]) =>
      values.map((v) => [{ [name]: v }, [problem]]),
    ),
    [{ SLACK_BOT_TOKEN: 'xoxp-user-token' }, [/^SLACK_BOT_TOKEN must be a bot token starting with xoxb-/]],
    [{ SLACK_APP_TOKEN: 'xoxb-1-abc' }, [/^SLACK_APP_TOKEN must be an app-level token starting with xapp-/]],
    [{ SLACK_SIGNING_SECRET: '' }, [/SLACK_SIGNING_SECRET is missing/]],
    [{ DEFAULT_TIMEZONE: 'Mars/Olympus_Mons' }, [/^DEFAULT_TIMEZONE must be an IANA time zone/]],
    [{ PORT: '70000' }, [/^PORT must be at most 65535/]],
    [{ SLACK_API_URL: 'ftp://slack.example' }, [/^SLACK_API_URL must be an http\(s\) URL/]],
    [
      { SALESFORCE_ALLOWED_HOSTS: 'proxy.example.com/salesforce' },
      [/^SALESFORCE_ALLOWED_HOSTS must be hosts such as/],
    ],
    [
      { BUSINESS_DAY_START: '17:00', BUSINESS_DAY_END: '09:00' },
      ['BUSINESS_DAY_END must be later than BUSINESS_DAY_START'],
    ],
    [
      { BUSINESS_DAY_START: '09:00', BUSINESS_DAY_END: '09:00' },
      ['BUSINESS_DAY_END must be later than BUSINESS_DAY_START'],
    ],
    [{ REVOPS_USER_IDS: 'pat' }, [/^REVOPS_USER_IDS must be Slack user ids/]],
    [{ SCORE_MAX_WINDOW_DAYS: '11' }, [/^SCORE_MAX_WINDOW_DAYS must be at most 10/]],
    [{ RETAIN_PACKET_TEXT_DAYS: '0' }, ['RETAIN_PACKET_TEXT_DAYS must be at least 1']],
    [{ RETAIN_EXPORTS_DAYS: 'a month' }, ['RETAIN_EXPORTS_DAYS must be a whole number of days']],
    [{ UNINSTALL_DELETE_AFTER_DAYS: '-1' }, ['UNINSTALL_DELETE_AFTER_DAYS must be at least 0']],
    [{ RETAIN_TOUCH_DETAIL_DAYS: '1.5' }, ['RETAIN_TOUCH_DETAIL_DAYS must be a whole number of days']],
    ...['XX', 'US-ZZ', 'Germany'].map((entry) => [
      { HOLIDAY_REGIONS: entry === 'XX' ? 'US,XX' : entry },
      [`HOLIDAY_REGIONS has "${entry}", which is not a country or region I know: ${HINT}`],
    ]),
    [
      { HOLIDAY_REGIONS: 'none,US' },
      ['HOLIDAY_REGIONS has "none" with regions for everyone (none,US): give one or the other'],
    ],
    [
      { HOLIDAY_REGIONS: 'U0AE1JORD=DE-XX' },
      [`HOLIDAY_REGIONS has "U0AE1JORD=DE-XX": "DE-XX" is not a country or region I know: ${HINT}`],
    ],
    [
      { HOLIDAY_REGIONS: 'US,U1AB=DE-BY+Austria' },
      [`HOLIDAY_REGIONS has "U1AB=DE-BY+Austria": "Austria" is not a country or region I know: ${HINT}`],
    ],
    [{ HOLIDAY_REGIONS: 'jordan=DE-BY' }, [`HOLIDAY_REGIONS has "jordan=DE-BY": ${OWN_REGIONS}`]],
    [{ HOLIDAY_REGIONS: 'U1AB=DE-BY=AT' }, [`HOLIDAY_REGIONS has "U1AB=DE-BY=AT": ${OWN_REGIONS}`]],
    [
      { HOLIDAY_REGIONS: 'U1AB=' },
      [`HOLIDAY_REGIONS has "U1AB=": "" is not a country or region I know: ${HINT}`],
    ],
    [
      { HOLIDAY_REGIONS: 'U1AB=DE-BY,U1AB=AT' },
      ['HOLIDAY_REGIONS names U1AB twice: give each person one entry (regions joined by +)'],
    ],
    [
      { HOLIDAY_REGIONS: 'U1AB=XX,YY' },
      [
        `HOLIDAY_REGIONS has "U1AB=XX": "XX" is not a country or region I know: ${HINT}`,
        `HOLIDAY_REGIONS has "YY", which is not a country or region I know: ${HINT}`,
      ],
    ],
  ] as [Env, (string | RegExp)[]][])('refuses %j', (overrides, expected) => {
    expect(problems(overrides)).toEqual(
      expected.map((p) => (typeof p === 'string' ? p : expect.stringMatching(p))),
    );
  });

  it('names every problem at once, a business day ending before it starts among them', () => {
    const caught = (environment: Env) => {
      try {
        loadConfig(environment);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return error as ConfigError;
      }
      throw new Error('accepted');
    };
    const { problems: list, message } = caught({ PORT: 'eighty' });
    expect(list).toHaveLength(3);
    expect(message).toMatch(/SLACK_BOT_TOKEN is missing/);
    expect(message).toMatch(/SLACK_SIGNING_SECRET is missing/);
    expect(message).toMatch(/PORT must be a whole number/);
    expect(
      caught({ SLACK_SIGNING_SECRET: 's', BUSINESS_DAY_START: '17:00', BUSINESS_DAY_END: '09:00' }).problems,
    ).toEqual([
      expect.stringContaining('SLACK_BOT_TOKEN'),
      'BUSINESS_DAY_END must be later than BUSINESS_DAY_START',
    ]);
    const many = caught(
      env({ SWEEP_SCHEDULE: 'hourly', REMINDERS: 'half', HOLIDAY_REGIONS: 'XX', ADMIN_USER_IDS: 'bob' }),
    );
    expect(many.problems).toHaveLength(4);
    for (const name of ['SWEEP_SCHEDULE', 'REMINDERS', 'HOLIDAY_REGIONS', 'ADMIN_USER_IDS'])
      expect(many.problems.some((problem) => problem.startsWith(`${name} `))).toBe(true);
  });
});
