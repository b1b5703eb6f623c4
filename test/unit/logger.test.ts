import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, slackLogger } from '../../src/logger.js';
import { secretsOf } from '../../src/secrets.js';

/** A logger at debug whose lines are kept, with the settings' secrets of `env`. */
function capture(env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('debug', sink, secretsOf(env)), lines };
}

describe('no secret reaches the log, at any level', () => {
  const env = {
    SLACK_CLIENT_SECRET: 'client-secret-value-1',
    SLACK_SIGNING_SECRET: 'signing-secret-value-2',
    SLACK_STATE_SECRET: 'state-secret-value-3',
    SLACK_TOKEN_KEY: 'dG9rZW4ta2V5LXZhbHVlLTQ/"quoted"',
    SALESFORCE_CLIENT_SECRET: 'salesforce-secret-5',
    HUBSPOT_ACCESS_TOKEN: 'hubspot-token-value-6',
  };

  it("masks the settings' own secrets wherever they stand", () => {
    const { logger, lines } = capture(env);
    const slack = slackLogger(logger, 'oauth');
    for (const value of Object.values(env)) {
      slack.debug(`http request body: ${JSON.stringify({ anything: value })}`);
      logger.info({ given: value, nested: { deeper: [value] } }, `said ${value}`);
      logger.error(new Error(`failed with ${value}`));
    }
    const text = lines.join('\n');
    for (const value of Object.values(env)) expect(text).not.toContain(value);
    for (const value of Object.values(env)) expect(text).not.toContain(JSON.stringify(value).slice(1, -1));
    expect(lines.filter((l) => !l.includes('[redacted]'))).toEqual([]);
  });

  it('masks secrets by their shape in what a library writes: tokens, codes, refresh tokens, bodies', () => {
    const { logger, lines } = capture();
    const slack = slackLogger(logger, 'oauth-client');
    const secrets = [
      'xoxb-1111-2222-abcdefABCDEF',
      'xoxe.xoxb-1-abcdef0123456789',
      'xoxe-1-0123456789abcdef',
      'xoxp-1111-2222-3333-abcdef',
      'xapp-1-A0APP-1234-abcdef',
      'pat-na1-11111111-2222-3333-4444-555555555555',
      '00D000000000001!AQ0AQHhjk.something_secret',
      '0.1795857233037.dc0ff036fb3242508212276583c5b4',
      'refresh-value-7',
      'consumer-secret-8',
      'access-value-9',
    ];
    slack.debug(
      `http request body: ${JSON.stringify({ code: secrets[7], client_id: '1111.2222', client_secret: secrets[9] })}`,
    );
    slack.debug(`http request url: https://app.example/slack/oauth_redirect?code=${secrets[7]}&state=abc`);
    slack.debug(`grant_type=refresh_token&refresh_token=${secrets[8]}&client_secret=${secrets[9]}`);
    slack.debug(`result: { access_token: '${secrets[10]}', ok: true }`);
    slack.debug(`tokens ${secrets.slice(0, 7).join(' ')} and Authorization: Bearer ${secrets[6]}`);
    logger.info({ installation: { botToken: secrets[0], refresh_token: secrets[8] } }, 'installed');
    logger.info({ oauth: { response: { deeper: { access_token: secrets[10] } } } }, 'granted');
    const text = lines.join('\n');
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
    // What is not a secret stays: the events, an error's code, the other parameters.
    expect(text).toContain('client_id');
    expect(text).toContain('1111.2222');
    expect(text).toContain('state=abc');
    expect(text).toContain('installed');
    logger.warn({ err: { code: 'ECONNREFUSED' } }, 'could not connect');
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ err: { code: 'ECONNREFUSED' } });
  });
});
