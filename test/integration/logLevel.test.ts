import { LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { boltLogLevel } from '../../src/logger.js';
import { installedWithAdmin, submitCrmForm } from '../support/crmForm.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import type { RecordedCall } from '../support/fakeSlack.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness, waitFor } from '../support/harness.js';
import { OAUTH_CLIENT, OAUTH_ENV } from '../support/oauthFlow.js';
import { appHomeOpened } from '../support/payloads.js';
import { people } from '../support/people.js';
import { postEvent } from '../support/signing.js';

/**
 * LOG_LEVEL reaches the handlers: they log through Bolt's logger, whose level Bolt sets itself (INFO unless told),
 * so a handler's debug line must show with LOG_LEVEL=debug and stay out with the default (info).
 *
 * The handler line: publishHome (src/handlers/homeTab.ts) publishes the App Home, and when the tab promises newer
 * figures, publishes it again with the first publish's hash; if the person's tab changed meanwhile, Slack refuses
 * that with hash_conflict and the handler logs at debug. The test makes the first tab promise newer figures (its
 * refresh) and, while they are "computed", publishes another Home tab for the person straight to the fake Slack,
 * so the republish meets a real hash_conflict.
 */

const CONFLICT_LINE = 'App Home changed before its newer metrics were ready';
const QUIET = { SWEEP_SCHEDULE: '0 0 1 1 *' };
const PINO_DEBUG = 20;
const user = people.author;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const errorOf = (call: RecordedCall) => (call.response as { error?: string } | undefined)?.error;
const publishes = (h: Harness) =>
  h.slack.calls.filter((c) => c.method === 'views.publish' && c.args.user_id === user.id);

/** Opens the author's App Home with a tab whose newer figures arrive after the tab changed: the republish conflicts. */
async function openHomeThatConflicts(h: Harness): Promise<RecordedCall> {
  const home = h.app.home;
  const viewFor = home.viewFor;
  let refreshed = false;
  home.viewFor = async (userId, period) => {
    const tab = await viewFor(userId, period);
    if (refreshed) return tab;
    return {
      ...tab,
      refresh: async () => {
        refreshed = true;
        // Meanwhile the person's tab changes (another publish): the hash the republish carries is stale.
        const other = new WebClient(h.slack.token, { slackApiUrl: h.slack.apiUrl });
        await other.views.publish({
          user_id: userId,
          view: {
            type: 'home',
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Changed meanwhile' } }],
          },
        });
      },
    };
  };

  const response = await postEvent(h.eventsUrl, SIGNING_SECRET, appHomeOpened(user.id, 'EvLogLevel1'));
  expect(response.status).toBe(200);
  const refused = await waitFor(
    () => publishes(h).find((c) => c.status !== 0 && !c.ok),
    8000,
    'the refused republish',
  );
  expect(errorOf(refused)).toBe('hash_conflict');
  const [first, changed] = publishes(h);
  // The first publish (no hash), the change made meanwhile, then the republish with the first one's hash.
  expect(first?.ok).toBe(true);
  expect(first?.args.hash).toBeUndefined();
  expect(changed?.ok).toBe(true);
  expect(refused.args.hash).toBe((first?.response as { view?: { hash?: string } } | undefined)?.view?.hash);
  expect(refreshed).toBe(true);
  return refused;
}

const conflictLines = (h: Harness) => h.logs.filter((l) => l.msg === CONFLICT_LINE);

describe('LOG_LEVEL and the handlers’ logger (Bolt)', () => {
  it('LOG_LEVEL=debug: Bolt logs at DEBUG and a handler’s debug line reaches the logs', async () => {
    const h = await startHarness({ env: { ...QUIET, LOG_LEVEL: 'debug' } });
    harness = h;
    expect(h.config.logLevel).toBe('debug');
    expect(h.app.app.logger.getLevel()).toBe(LogLevel.DEBUG);

    await openHomeThatConflicts(h);
    const [line] = await waitFor(
      () => (conflictLines(h).length > 0 ? conflictLines(h) : undefined),
      5000,
      'the debug line',
    );
    expect(line).toMatchObject({ level: PINO_DEBUG, component: 'bolt', msg: CONFLICT_LINE });
    expect(conflictLines(h)).toHaveLength(1);
    // A refused stale republish is expected: not a warning.
    expect(h.logs.filter((l) => String(l.msg).includes('newer metrics failed'))).toEqual([]);
  });

  it('default LOG_LEVEL (info): Bolt logs at INFO and the same debug line stays out of the logs', async () => {
    const h = await startHarness({ env: QUIET });
    harness = h;
    expect(h.config.logLevel).toBe('info');
    expect(h.app.app.logger.getLevel()).toBe(LogLevel.INFO);

    await openHomeThatConflicts(h);
    // The handler has had its chance to log (it logs as the refused call's answer arrives).
    await quiet(h);
    expect(conflictLines(h)).toEqual([]);
    expect(h.logs.filter((l) => l.level === PINO_DEBUG)).toEqual([]);
    expect(h.logs.filter((l) => String(l.msg).includes('newer metrics failed'))).toEqual([]);
    // Info lines still get through (the app logs at info when it starts).
    expect(h.logs.some((l) => (l.level as number) >= 30)).toBe(true);
  });

  it('boltLogLevel maps each LOG_LEVEL to a Bolt level (the app gets it: the two tests above)', () => {
    const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
    expect(levels.map(boltLogLevel)).toEqual([
      LogLevel.DEBUG,
      LogLevel.DEBUG,
      LogLevel.INFO,
      LogLevel.WARN,
      LogLevel.ERROR,
      LogLevel.ERROR,
      LogLevel.ERROR,
    ]);
  });

  it('LOG_LEVEL=debug: an OAuth install and a CRM connect log their events and none of their secrets', async () => {
    const sf = await FakeSalesforce.start({
      clientId: 'own-consumer-key',
      clientSecret: 'own-consumer-secret-77',
    });
    const app = await installedWithAdmin(
      { LOG_LEVEL: 'debug', SALESFORCE_ALLOWED_HOSTS: sf.loginUrl },
      { rotation: true },
    );
    try {
      const { h, slack } = app;
      const credentials = { loginUrl: sf.loginUrl, clientId: sf.clientId, clientSecret: sf.clientSecret };
      // A refused secret first (its check logs why), then the right one.
      await submitCrmForm(h, people.owner, 'salesforce', { ...credentials, clientSecret: 'wrong-secret-77' });
      expect(await submitCrmForm(h, people.owner, 'salesforce', credentials)).toMatchObject({
        response_action: 'update',
      });
      const [access] = slack.callsTo('oauth.v2.access');
      const granted = access?.response as { access_token?: string; refresh_token?: string } | undefined;
      const secrets = {
        code: access?.args.code,
        botToken: granted?.access_token,
        refreshToken: granted?.refresh_token,
        clientSecret: OAUTH_CLIENT.clientSecret,
        stateSecret: OAUTH_ENV.SLACK_STATE_SECRET,
        tokenKey: OAUTH_ENV.SLACK_TOKEN_KEY,
        signingSecret: SIGNING_SECRET,
        crmSecret: sf.clientSecret,
        crmWrongSecret: 'wrong-secret-77',
        crmToken: sf.calls.find((c) => c.token)?.token,
      };
      for (const [name, value] of Object.entries(secrets))
        expect(typeof value === 'string' && value.length >= 8, `${name} known`).toBe(true);
      const lines = h.logs.map((l) => JSON.stringify(l));
      const leaked = Object.entries(secrets)
        .map(([name, value]) => [name, lines.filter((line) => line.includes(value as string))] as const)
        .filter(([, found]) => found.length > 0);
      expect(Object.fromEntries(leaked)).toEqual({});
      // The events are still there: the token exchange (at debug, its request redacted), the install, the connect.
      expect(lines.some((l) => l.includes('http request body') && l.includes('client_secret'))).toBe(true);
      expect(lines.some((l) => l.includes('oauth.v2.access'))).toBe(true);
      expect(h.logs.some((l) => l.msg === "this installation's own Salesforce connected")).toBe(true);
    } finally {
      await app.stop();
      await sf.stop();
    }
  });
});
