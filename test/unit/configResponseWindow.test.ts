import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { settingsOver, settingsValues } from '../../src/program/settings.js';
import { configProblems } from '../support/configEnv.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };

const load = (overrides: Record<string, string> = {}) => loadConfig({ ...base, ...overrides });
/** The settings a first start reads into the program from this environment, as the app reads them. */
const settingsOf = (overrides: Record<string, string> = {}) =>
  settingsOver(() => settingsValues(load(overrides).programSettings));

/** The problems loadConfig names for one setting, or [] when it accepts it. */
const problems = (name: string, value: string) => configProblems({ [name]: value });

describe('loadConfig: response-window settings', () => {
  it('fills in the defaults', () => {
    const config = load();
    // Unset: each AE's own country's public holidays, from their time zone (issue 31, item 8).
    expect(config.calendar.holidayRegions).toBe('by_zone');
    expect(config.calendar.closureDates).toEqual([]);
    expect(config.seed).toEqual({ adminUserIds: [], revopsUserIds: [], managers: {} });
    expect(config.responseWindow).toEqual({ sweepSchedule: '* * * * *' });
    expect(settingsOf().get('reminders')).toEqual([{ kind: 'share', percent: 50 }, { kind: 'lastMorning' }]);
    expect(settingsOf().get('escalationChannelId')).toBeUndefined();
  });

  it('treats blank values as unset', () => {
    const env = { SWEEP_SCHEDULE: ' ', REMINDERS: '', HOLIDAY_REGIONS: '', ESCALATION_CHANNEL_ID: '  ' };
    const config = load(env);
    expect(config.responseWindow.sweepSchedule).toBe('* * * * *');
    expect(config.programSettings).toEqual({});
    expect(settingsOf(env).get('reminders')).toEqual([
      { kind: 'share', percent: 50 },
      { kind: 'lastMorning' },
    ]);
    expect(config.calendar.holidayRegions).toBe('by_zone');
    expect(settingsOf(env).get('escalationChannelId')).toBeUndefined();
  });

  describe('HOLIDAY_REGIONS', () => {
    it('reads countries and regions, ignoring spaces', () => {
      expect(load({ HOLIDAY_REGIONS: 'US, DE-BY ,GB-ENG' }).calendar.holidayRegions).toEqual([
        'US',
        'DE-BY',
        'GB-ENG',
      ]);
    });

    it('reads "none" (any case) as no public holidays at all', () => {
      expect(load({ HOLIDAY_REGIONS: 'none' }).calendar.holidayRegions).toBe('none');
      expect(load({ HOLIDAY_REGIONS: ' None ' }).calendar.holidayRegions).toBe('none');
    });

    // Each problem names the entry at fault (issue 31, item 8: entries may now be a person's own too).
    it.each([
      ['US,XX', '"XX"'],
      ['US-ZZ', '"US-ZZ"'],
      ['Germany', '"Germany"'],
    ])('rejects %j by name', (value, entry) => {
      expect(problems('HOLIDAY_REGIONS', value)).toEqual([
        `HOLIDAY_REGIONS has ${entry}, which is not a country or region I know: use country codes, optionally with a region, like US,DE-BY,GB-ENG`,
      ]);
    });

    it('rejects "none" with regions for everyone', () => {
      expect(problems('HOLIDAY_REGIONS', 'none,US')).toEqual([
        'HOLIDAY_REGIONS has "none" with regions for everyone (none,US): give one or the other',
      ]);
    });
  });

  it('CLOSURE_DATES: reads dates, ignoring spaces and empty items', () => {
    expect(load({ CLOSURE_DATES: '2026-12-24, 2026-12-31,' }).calendar.closureDates).toEqual([
      '2026-12-24',
      '2026-12-31',
    ]);
  });

  it('ADMIN_USER_IDS: reads Slack user ids', () => {
    expect(load({ ADMIN_USER_IDS: 'U012ABCDEF, W0ENTERPRISE' }).seed.adminUserIds).toEqual([
      'U012ABCDEF',
      'W0ENTERPRISE',
    ]);
  });

  it.each(['*/5 * * * *', '*/30 * * * * *', '0 9 * * 1-5'])('SWEEP_SCHEDULE: accepts %j', (value) => {
    expect(load({ SWEEP_SCHEDULE: value }).responseWindow.sweepSchedule).toBe(value);
  });

  it('REMINDERS: reads reminder points', () => {
    expect(settingsOf({ REMINDERS: '25%, 75%, last-morning' }).get('reminders')).toEqual([
      { kind: 'share', percent: 25 },
      { kind: 'share', percent: 75 },
      { kind: 'lastMorning' },
    ]);
    expect(settingsOf({ REMINDERS: 'last-morning' }).get('reminders')).toEqual([{ kind: 'lastMorning' }]);
  });

  it.each(['C012ABCDEF', 'G0PRIVATE'])('ESCALATION_CHANNEL_ID: reads %j', (value) => {
    expect(settingsOf({ ESCALATION_CHANNEL_ID: value }).get('escalationChannelId')).toBe(value);
  });

  it('ESCALATION_MANAGERS: reads AE=manager pairs', () => {
    expect(load({ ESCALATION_MANAGERS: 'U0AE=U0MGR, U0AE2=U0MGR,W0AE3=U0BOSS' }).seed.managers).toEqual({
      U0AE: 'U0MGR',
      U0AE2: 'U0MGR',
      W0AE3: 'U0BOSS',
    });
  });

  /** Each setting's refused values, and the one problem it names for each. */
  const REFUSED: Record<string, [string[], string]> = {
    CLOSURE_DATES: [
      ['2026-12-24,24.12.2026', '2026-1-5', '2026-13-01', '2027-02-29'],
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
  };
  it.each(
    Object.entries(REFUSED).flatMap(([name, [values, message]]) => values.map((v) => [name, v, message])),
  )('%s rejects %j by name', (name, value, message) => {
    expect(problems(name, value)).toEqual([message]);
  });

  it('names every malformed response-window setting at once', () => {
    let caught: unknown;
    try {
      load({ SWEEP_SCHEDULE: 'hourly', REMINDERS: 'half', HOLIDAY_REGIONS: 'XX', ADMIN_USER_IDS: 'bob' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const list = (caught as ConfigError).problems;
    expect(list).toHaveLength(4);
    for (const name of ['SWEEP_SCHEDULE', 'REMINDERS', 'HOLIDAY_REGIONS', 'ADMIN_USER_IDS']) {
      expect(list.some((problem) => problem.startsWith(`${name} `))).toBe(true);
    }
  });
});
