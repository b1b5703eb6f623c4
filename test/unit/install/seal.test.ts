import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { open, opened, SealError, seal, tokenKeys } from '../../../src/install/seal.js';

const raw = randomBytes(32);
const key = { current: raw, previous: undefined };
const another = () => ({ current: randomBytes(32), previous: undefined });
const TOKEN = 'xoxb-1111-2222-secretpart';

describe('tokens sealed at rest', () => {
  it('opens what it sealed, never shows the token, and seals the same text differently each time', () => {
    const a = seal(key, TOKEN);
    const b = seal(key, TOKEN);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain('secretpart');
    expect(a).not.toBe(b);
    expect(open(key, a)).toBe(TOKEN);
  });

  it('refuses a changed value and another key, saying what to do', () => {
    const sealed = seal(key, TOKEN);
    const [v, nonce, tag, body] = sealed.split('.');
    const flipped = `${v}.${nonce}.${tag}.${(body ?? '').slice(0, -2)}AA`;
    expect(() => open(key, flipped)).toThrow(SealError);
    expect(() => open(another(), sealed)).toThrow(/SLACK_TOKEN_KEY_PREVIOUS/);
    expect(() => open(key, 'xoxb-plain')).toThrow(/not in a known format/);
  });

  it('takes keys of 32 bytes only', () => {
    expect(tokenKeys({ tokenKey: raw.toString('base64') })).toEqual(key);
    expect(() => tokenKeys({ tokenKey: randomBytes(16).toString('base64') })).toThrow(
      /SLACK_TOKEN_KEY must be 32/,
    );
    expect(() =>
      tokenKeys({ tokenKey: raw.toString('base64'), previousTokenKey: randomBytes(8).toString('base64') }),
    ).toThrow(/SLACK_TOKEN_KEY_PREVIOUS must be 32/);
  });

  it('during a rotation, opens what the previous key sealed and says it is due to be sealed again', () => {
    const old = seal(key, TOKEN);
    const rotated = { current: randomBytes(32), previous: raw };
    expect(opened(rotated, old)).toEqual({ plain: TOKEN, stale: true });
    const again = seal(rotated, TOKEN);
    expect(opened(rotated, again)).toEqual({ plain: TOKEN, stale: false });
    // Sealed again under the new key, it no longer needs the previous one.
    expect(open({ current: rotated.current, previous: undefined }, again)).toBe(TOKEN);
    expect(() => open({ current: randomBytes(32), previous: randomBytes(32) }, old)).toThrow(
      /neither SLACK_TOKEN_KEY nor SLACK_TOKEN_KEY_PREVIOUS/,
    );
  });
});

describe('the settings of the OAuth install', () => {
  const base = { SLACK_SIGNING_SECRET: 'secret' };
  const oauth = {
    SLACK_CLIENT_ID: '1.2',
    SLACK_CLIENT_SECRET: 'client-secret',
    SLACK_STATE_SECRET: 'a-long-random-state-secret',
    SLACK_TOKEN_KEY: raw.toString('base64'),
  };

  it('takes the four settings instead of a bot token', () => {
    const config = loadConfig({ ...base, ...oauth });
    expect(config.slack.botToken).toBeUndefined();
    expect(config.slack.oauth).toEqual({
      clientId: '1.2',
      clientSecret: 'client-secret',
      stateSecret: 'a-long-random-state-secret',
      tokenKey: raw.toString('base64'),
      previousTokenKey: undefined,
    });
    expect(loadConfig({ ...base, SLACK_BOT_TOKEN: 'xoxb-1' }).slack.oauth).toBeUndefined();
  });

  it('names what is missing or set twice', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env });
        return '';
      } catch (error) {
        return String(error);
      }
    };
    expect(problems({})).toContain('SLACK_BOT_TOKEN is missing');
    expect(problems({ SLACK_CLIENT_ID: '1.2' })).toContain(
      'the OAuth install needs SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_TOKEN_KEY too',
    );
    expect(problems({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1' })).toContain('not both');
    expect(problems({ ...oauth, SLACK_APP_TOKEN: 'xapp-1' })).toContain('unset SLACK_APP_TOKEN');
    expect(problems({ ...oauth, SLACK_TOKEN_KEY: 'short' })).toContain('SLACK_TOKEN_KEY must be 32 bytes');
    // The authorizations token: for the OAuth install, and an app-level token.
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_AUTHORIZATIONS_TOKEN: 'xapp-1' })).toContain(
      'SLACK_AUTHORIZATIONS_TOKEN is for the OAuth install',
    );
    expect(problems({ ...oauth, SLACK_AUTHORIZATIONS_TOKEN: 'xoxb-1' })).toContain(
      'SLACK_AUTHORIZATIONS_TOKEN must be an app-level token',
    );
    // Which installations the CRM settings serve: the OAuth install's choice, a rule or ids.
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1', CRM_INSTALLATIONS: 'all' })).toContain(
      'CRM_INSTALLATIONS is for the OAuth install',
    );
    expect(problems({ ...oauth, CRM_INSTALLATIONS: 'everyone' })).toContain(
      'CRM_INSTALLATIONS must be first, all, or workspace (T…) and org (E…) ids',
    );
    expect(loadConfig({ ...base, ...oauth, CRM_INSTALLATIONS: 'T0A, E0B' }).crm.installations).toEqual([
      'T0A',
      'E0B',
    ]);
    expect(loadConfig({ ...base, SLACK_BOT_TOKEN: 'xoxb-1' }).crm.installations).toBe('first');
    expect(
      loadConfig({ ...base, ...oauth, SLACK_AUTHORIZATIONS_TOKEN: 'xapp-1' }).slack.authorizationsToken,
    ).toBe('xapp-1');
  });
});
