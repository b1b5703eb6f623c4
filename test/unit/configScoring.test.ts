import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };

describe('scoring and conflict settings', () => {
  it('default to bands 15/10, a 5-day maximum window and a 90-day lookback', () => {
    const config = loadConfig(base);
    expect(config.scoring).toEqual({ bands: { ready: 15, fix: 10 }, maxWindowDays: 5 });
    expect(config.conflictLookbackDays).toBe(90);
    expect(config.revopsUserIds).toEqual([]);
  });

  it('read configured bands and RevOps users', () => {
    const config = loadConfig({ ...base, SCORE_BANDS: '16, 12', REVOPS_USER_IDS: 'U0REV1,U0REV2' });
    expect(config.scoring.bands).toEqual({ ready: 16, fix: 12 });
    expect(config.revopsUserIds).toEqual(['U0REV1', 'U0REV2']);
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
