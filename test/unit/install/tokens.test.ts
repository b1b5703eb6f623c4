import type { Installation } from '@slack/oauth';
import { describe, expect, it } from 'vitest';
import { botTokens, type Refreshed } from '../../../src/install/tokens.js';
import { createLogger } from '../../../src/logger.js';
import { TestClock } from '../../support/clock.js';

const NOW = Date.parse('2026-11-23T14:00:00Z');
const installation = (token: string, expiresInS: number, refreshToken = `r-${token}`): Installation => ({
  team: { id: 'T0ACME' },
  enterprise: undefined,
  user: { id: 'U0OWNER', token: undefined, scopes: undefined },
  bot: { token, refreshToken, expiresAt: NOW / 1000 + expiresInS, scopes: [], id: 'B0', userId: 'U0BOT' },
  isEnterpriseInstall: false,
  authVersion: 'v2',
});

function world(first: Installation) {
  const clock = new TestClock(new Date(NOW));
  let stored = first;
  const refreshes: string[] = [];
  let answer: (refreshToken: string) => Promise<Refreshed> = async (refreshToken) => ({
    access_token: `new-after-${refreshToken}`,
    refresh_token: `r2-${refreshToken}`,
    expires_in: 43_200,
  });
  const tokens = botTokens({
    clock,
    logger: createLogger('silent'),
    read: async () => stored,
    store: async (next) => {
      stored = next;
    },
    refresh: (refreshToken) => {
      refreshes.push(refreshToken);
      return answer(refreshToken);
    },
  });
  return {
    clock,
    tokens,
    refreshes,
    stored: () => stored,
    set: (next: Installation) => {
      stored = next;
    },
    answer: (fn: typeof answer) => {
      answer = fn;
    },
  };
}

describe('the bot token of an OAuth install', () => {
  it('is used as stored while it has more than two hours left, then refreshed once for every caller', async () => {
    const w = world(installation('xoxe.xoxb-1', 3 * 3600));
    expect(await w.tokens.current()).toBe('xoxe.xoxb-1');
    w.clock.set(new Date(NOW + 3600_000 + 1000));
    w.tokens.forget();
    const all = await Promise.all([w.tokens.current(), w.tokens.current(), w.tokens.current()]);
    expect(all).toEqual(['new-after-r-xoxe.xoxb-1', 'new-after-r-xoxe.xoxb-1', 'new-after-r-xoxe.xoxb-1']);
    expect(w.refreshes).toEqual(['r-xoxe.xoxb-1']);
    expect(w.stored().bot).toMatchObject({
      token: 'new-after-r-xoxe.xoxb-1',
      refreshToken: 'r2-r-xoxe.xoxb-1',
      expiresAt: (NOW + 3600_000 + 1000) / 1000 + 43_200,
    });
  });

  it('takes the token another process stored when its own refresh token was spent first', async () => {
    const w = world(installation('xoxe.xoxb-1', 60));
    w.answer(async () => {
      // The other process refreshed first and stored its new token.
      w.set(installation('xoxe.xoxb-other', 43_200));
      throw new Error('invalid_refresh_token');
    });
    expect(await w.tokens.current()).toBe('xoxe.xoxb-other');
  });

  it('says the app is not installed when no installation is in force, and fails a refresh nobody made', async () => {
    const none = botTokens({
      clock: new TestClock(new Date(NOW)),
      logger: createLogger('silent'),
      read: async () => undefined,
      store: async () => undefined,
      refresh: async () => ({ access_token: '', refresh_token: '', expires_in: 0 }),
    });
    await expect(none.current()).rejects.toThrow(/not installed/);
    const w = world(installation('xoxe.xoxb-1', 60));
    w.answer(async () => {
      throw new Error('invalid_refresh_token');
    });
    await expect(w.tokens.current()).rejects.toThrow(/invalid_refresh_token/);
  });
});
