import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { configEnv, configProblems } from '../support/configEnv.js';

const env = configEnv;
const problems = configProblems;

describe('loadConfig', () => {
  it('fills in the documented defaults', () => {
    const config = loadConfig(env());
    expect(config.port).toBe(3000);
    expect(config.databasePath).toBe('./data/handoff.db');
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.slack).toMatchObject({
      botToken: 'xoxb-1-abc',
      signingSecret: 'shhh',
      appToken: undefined,
    });
    expect(config.calendar).toEqual({
      closureDates: [],
      // Unset: each AE's own country's public holidays, from their time zone.
      holidayRegions: 'by_zone',
      holidayRegionsByPerson: {},
    });
    // The zone and the hours are the program's settings: their defaults are the settings rows' (nothing set here).
    expect(config.programSettings).toEqual({});
    expect(config.internalTeamIds).toEqual([]);
  });

  it('reads company closure dates and rejects a malformed one by name', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(loadConfig({ ...base, CLOSURE_DATES: '2026-12-24, 2026-12-25' }).calendar.closureDates).toEqual([
      '2026-12-24',
      '2026-12-25',
    ]);
    expect(() => loadConfig({ ...base, CLOSURE_DATES: '2026-12-24,Christmas' })).toThrow(
      /CLOSURE_DATES must be dates like/,
    );
    expect(() => loadConfig({ ...base, CLOSURE_DATES: '2026-02-30' })).toThrow(/CLOSURE_DATES/);
  });

  it("reads SALESFORCE_ALLOWED_HOSTS with SALESFORCE_LOGIN_URL's host, and refuses an entry that is not a host", () => {
    expect(
      loadConfig(env({ SALESFORCE_ALLOWED_HOSTS: 'sf-proxy.example.com:8443, http://127.0.0.1:4000,' })).crm
        .salesforceHosts,
    ).toEqual([
      { host: 'sf-proxy.example.com:8443', http: false },
      { host: '127.0.0.1:4000', http: true },
      { host: 'login.salesforce.com', http: false },
    ]);
    expect(loadConfig(env({ SALESFORCE_ALLOWED_HOSTS: '' })).crm.salesforceHosts).toEqual([
      { host: 'login.salesforce.com', http: false },
    ]);
    expect(problems({ SALESFORCE_ALLOWED_HOSTS: 'proxy.example.com/salesforce' })).toEqual([
      expect.stringMatching(/^SALESFORCE_ALLOWED_HOSTS must be hosts such as/),
    ]);
  });

  it('names every problem at once', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const { problems: list, message } = caught as ConfigError;
    expect(list).toHaveLength(3);
    expect(message).toMatch(/SLACK_BOT_TOKEN is missing/);
    expect(message).toMatch(/SLACK_SIGNING_SECRET is missing/);
    expect(message).toMatch(/PORT must be a whole number/);
  });

  it('makes the signing secret optional in Socket Mode', () => {
    const config = loadConfig(env({ SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1-abc' }));
    expect(config.slack.appToken).toBe('xapp-1-abc');
    expect(config.slack.signingSecret).toBeUndefined();
  });

  it.each([
    ['SLACK_BOT_TOKEN', 'xoxp-user-token', /SLACK_BOT_TOKEN must be a bot token starting with xoxb-/],
    ['SLACK_APP_TOKEN', 'xoxb-1-abc', /SLACK_APP_TOKEN must be an app-level token starting with xapp-/],
    ['DEFAULT_TIMEZONE', 'Mars/Olympus_Mons', /DEFAULT_TIMEZONE must be an IANA time zone/],
    ['PORT', '70000', /PORT must be at most 65535/],
    ['SLACK_API_URL', 'ftp://slack.example', /SLACK_API_URL must be an http\(s\) URL/],
    ['BUSINESS_DAY_START', '9am', /BUSINESS_DAY_START must be a time of day/],
  ])('rejects %s=%s', (name, value, message) => {
    const list = problems({ [name]: value });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(message);
  });

  it.each([
    ['17:00', '09:00'],
    ['09:00', '09:00'],
  ])('rejects a business day from %s to %s', (start, end) => {
    expect(problems({ BUSINESS_DAY_START: start, BUSINESS_DAY_END: end })).toEqual([
      'BUSINESS_DAY_END must be later than BUSINESS_DAY_START',
    ]);
  });

  it('accepts a valid timezone and business day', () => {
    const config = loadConfig(
      env({ DEFAULT_TIMEZONE: 'Asia/Tokyo', BUSINESS_DAY_START: '08:30', BUSINESS_DAY_END: '18:00' }),
    );
    // Read into the program at the first start.
    expect(config.programSettings).toEqual({
      defaultTimeZone: 'Asia/Tokyo',
      businessDayStart: '08:30',
      businessDayEnd: '18:00',
    });
  });

  it('names a business day that ends before it starts even when other settings are wrong too', () => {
    try {
      loadConfig({ SLACK_SIGNING_SECRET: 's', BUSINESS_DAY_START: '17:00', BUSINESS_DAY_END: '09:00' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringContaining('SLACK_BOT_TOKEN'),
        'BUSINESS_DAY_END must be later than BUSINESS_DAY_START',
      ]);
    }
  });

  it('treats whitespace-only values as unset (PORT stays 3000, not a random port)', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: '  ' });
    expect(config.port).toBe(3000);
  });

  it('treats blank strings as unset', () => {
    const config = loadConfig(env({ PORT: '', DATABASE_PATH: '', SLACK_APP_TOKEN: '', SLACK_API_URL: '' }));
    expect(config.port).toBe(3000);
    expect(config.databasePath).toBe('./data/handoff.db');
    expect(config.slack.appToken).toBeUndefined();
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(problems({ SLACK_SIGNING_SECRET: '' })).toEqual([
      expect.stringMatching(/SLACK_SIGNING_SECRET is missing/),
    ]);
  });

  it('parses comma lists, ignoring spaces and empty items', () => {
    const config = loadConfig(env({ INTERNAL_TEAM_IDS: ' T0A, E0GRID ,,T0B, ' }));
    expect(config.internalTeamIds).toEqual(['T0A', 'E0GRID', 'T0B']);
  });

  it('adds the trailing slash the Web API client needs to a custom API URL', () => {
    expect(loadConfig(env({ SLACK_API_URL: 'http://127.0.0.1:4000/api' })).slack.apiUrl).toBe(
      'http://127.0.0.1:4000/api/',
    );
  });
});
