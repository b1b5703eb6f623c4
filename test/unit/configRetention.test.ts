import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { configEnv, configProblems } from '../support/configEnv.js';

const env = configEnv;
const problems = configProblems;

describe('the retention settings (issue 57)', () => {
  it('keep everything when unset or empty, as before', () => {
    const keepAll = {
      packetTextDays: undefined,
      touchDetailDays: undefined,
      exportDays: undefined,
      uninstallDeleteAfterDays: undefined,
    };
    expect(loadConfig(env()).retention).toEqual(keepAll);
    expect(
      loadConfig(env({ RETAIN_PACKET_TEXT_DAYS: '', UNINSTALL_DELETE_AFTER_DAYS: ' ' })).retention,
    ).toEqual(keepAll);
  });

  it('read whole days; an uninstall may delete at once (0), a retention needs at least a day', () => {
    expect(
      loadConfig(
        env({
          RETAIN_PACKET_TEXT_DAYS: '365',
          RETAIN_TOUCH_DETAIL_DAYS: '730',
          RETAIN_EXPORTS_DAYS: '30',
          UNINSTALL_DELETE_AFTER_DAYS: '0',
        }),
      ).retention,
    ).toEqual({ packetTextDays: 365, touchDetailDays: 730, exportDays: 30, uninstallDeleteAfterDays: 0 });
    expect(problems({ RETAIN_PACKET_TEXT_DAYS: '0' })).toEqual([
      'RETAIN_PACKET_TEXT_DAYS must be at least 1',
    ]);
    expect(problems({ RETAIN_EXPORTS_DAYS: 'a month' })).toEqual([
      'RETAIN_EXPORTS_DAYS must be a whole number of days',
    ]);
    expect(problems({ UNINSTALL_DELETE_AFTER_DAYS: '-1' })).toEqual([
      'UNINSTALL_DELETE_AFTER_DAYS must be at least 0',
    ]);
    expect(problems({ RETAIN_TOUCH_DETAIL_DAYS: '1.5' })).toEqual([
      'RETAIN_TOUCH_DETAIL_DAYS must be a whole number of days',
    ]);
  });
});
