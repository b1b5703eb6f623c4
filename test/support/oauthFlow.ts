import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { runDoctor } from '../../src/doctor/run.js';
import type { FakeSlack } from './fakeSlack.js';
import { type Harness, SIGNING_SECRET } from './harness.js';

/**
 * The OAuth install as the tests drive it (issue 55): the app's credentials, the settings that start it on OAuth, a
 * person's way through /slack/install and Slack's authorize page, and the doctor run on the same database.
 */

export const OAUTH_CLIENT = { clientId: '1111.2222', clientSecret: 'client-secret-of-the-app' };

/** The settings of an OAuth install (one token key per test file); the sweep out of the way. */
export const OAUTH_ENV = {
  SLACK_BOT_TOKEN: '',
  SLACK_CLIENT_ID: OAUTH_CLIENT.clientId,
  SLACK_CLIENT_SECRET: OAUTH_CLIENT.clientSecret,
  SLACK_STATE_SECRET: 'a-long-random-state-secret',
  SLACK_TOKEN_KEY: randomBytes(32).toString('base64'),
  SWEEP_SCHEDULE: '0 0 1 1 *',
};

/** A browser's GET: redirects not followed, with the state cookie when given. */
export const getManual = (url: string, cookie?: string) =>
  fetch(url, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) });

/**
 * Someone installs at `base`: /slack/install, Slack's authorize page (they click Allow, in `team` or org-wide into
 * `enterprise` when given), back to the redirect with the state cookie. The page they read, and its status.
 */
export async function installAt(
  slack: FakeSlack,
  base: string,
  opts: Parameters<FakeSlack['approveInstall']>[1] = {},
): Promise<{ status: number; page: string }> {
  const start = await getManual(`${base}/slack/install`);
  expect(start.status).toBe(302);
  const authorize = start.headers.get('location') ?? '';
  expect(authorize.startsWith(slack.authorizeUrl)).toBe(true);
  expect(new URL(authorize).searchParams.get('client_id')).toBe(OAUTH_CLIENT.clientId);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const back = await getManual(slack.approveInstall(authorize, opts), cookie);
  return { status: back.status, page: await back.text() };
}

/** `npm run doctor` on the harness's database, with the OAuth settings. */
export function doctorOn(h: Harness, slack: FakeSlack, more: Record<string, string> = {}) {
  return runDoctor({
    env: {
      ...OAUTH_ENV,
      ...more,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      ...(h.config.databaseUrl
        ? { DATABASE_URL: h.config.databaseUrl }
        : { DATABASE_PATH: h.config.databasePath }),
    },
    clock: h.clock,
  });
}
