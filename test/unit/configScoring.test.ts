import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { settingsOver, settingsValues } from '../../src/program/settings.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
/** The settings a first start reads into the program from this environment, as the app reads them. */
const settingsOf = (env: Record<string, string>) =>
  settingsOver(() => settingsValues(loadConfig({ ...base, ...env }).programSettings));

describe('scoring and conflict settings', () => {
  it('default to bands 15/10, a 5-day maximum window and a 90-day lookback', () => {
    const settings = settingsOf({});
    expect([
      settings.get('scoreReady'),
      settings.get('scoreFix'),
      settings.get('scoreMaxWindowDays'),
    ]).toEqual([15, 10, 5]);
    expect(settings.get('conflictLookbackDays')).toBe(90);
    expect(loadConfig(base).seed.revopsUserIds).toEqual([]);
  });

  it('read configured bands and RevOps users', () => {
    const env = { SCORE_BANDS: '16, 12', REVOPS_USER_IDS: 'U0REV1,U0REV2' };
    const settings = settingsOf(env);
    expect([settings.get('scoreReady'), settings.get('scoreFix')]).toEqual([16, 12]);
    expect(loadConfig({ ...base, ...env }).seed.revopsUserIds).toEqual(['U0REV1', 'U0REV2']);
  });

  it.each(['12,15', '19,10', '15', 'ready,fix', '15,-1'])('refuse SCORE_BANDS=%s by name', (bands) => {
    expect(() => loadConfig({ ...base, SCORE_BANDS: bands })).toThrow(
      /SCORE_BANDS must be two scores out of 18/,
    );
  });

  it('refuse a malformed RevOps list and an out-of-range window maximum', () => {
    expect(() => loadConfig({ ...base, REVOPS_USER_IDS: 'pat' })).toThrow(
      /REVOPS_USER_IDS must be Slack user ids/,
    );
    expect(() => loadConfig({ ...base, SCORE_MAX_WINDOW_DAYS: '11' })).toThrow(
      /SCORE_MAX_WINDOW_DAYS must be at most 10/,
    );
  });
});
