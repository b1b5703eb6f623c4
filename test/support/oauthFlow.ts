import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { runDoctor } from '../../src/doctor/run.js';
import { FakeSlack, type FakeWorkspace } from './fakeSlack.js';
import {
  type Harness,
  type HarnessOptions,
  SIGNING_SECRET,
  seedWorkspace,
  startHarness,
  waitFor,
} from './harness.js';

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
/**
 * The base URL of an app waiting for its first OAuth install, once it serves /slack/install: its status server
 * (`port()`, known from `onStatusPort`) answers 503 "starting" while the database opens, and an install started then
 * meets that 503 (a Postgres start on a busy machine took that long once). So: the port, then the status that says
 * it waits for its install.
 */
export async function waitingForInstall(port: () => number): Promise<string> {
  await waitFor(() => port() > 0, 20_000, 'the status server');
  const base = `http://127.0.0.1:${port()}`;
  const reason = async () => {
    const body = (await (await fetch(`${base}/healthz`)).json().catch(() => ({}))) as { reason?: unknown };
    return String(body.reason ?? '');
  };
  await waitFor(async () => (await reason()).startsWith('not installed'), 20_000, 'waiting for the install');
  return base;
}

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

/** Two installations of one deployment, and how to stop it (once: a second call waits for the first). */
export interface InstalledTwice {
  h: Harness;
  /** The page each installer read at the end of their install. */
  pages: [string, string];
  stop(opts?: { keepDatabase?: boolean }): Promise<void>;
}

/**
 * Starts the app on OAuth on `slack` (OAUTH_ENV, then `opts.env`); the fake's own workspace installs it, then
 * `second` (added to the fake with its installer) at the running app's own /slack/install, as a second workspace
 * would. Resolves once both are served; a start that fails stops what it started.
 */
export async function installedTwice(
  slack: FakeSlack,
  second: FakeWorkspace,
  opts: Pick<HarnessOptions, 'timers'> & { env?: Record<string, string> } = {},
): Promise<InstalledTwice> {
  let port = 0;
  const started = startHarness({
    slack,
    env: { ...OAUTH_ENV, ...opts.env },
    ...(opts.timers ? { timers: opts.timers } : {}),
    onStatusPort: (p) => {
      port = p;
    },
  });
  let stopped: Promise<void> | undefined;
  const stop = (stopOpts: { keepDatabase?: boolean } = {}) => {
    stopped ??= started.then(
      (h) => h.stop(stopOpts),
      () => undefined,
    );
    return stopped;
  };
  try {
    const base = await waitingForInstall(() => port);
    slack.oauthApp = { ...OAUTH_CLIENT, redirectUri: `${base}/slack/oauth_redirect`, tokenRotation: false };
    const first = await installAt(slack, base);
    expect(first.status).toBe(200);
    const h = await started;
    const again = await installAt(slack, h.baseUrl, { team: second.teamId, installer: second.installer });
    expect(again.status).toBe(200);
    await waitFor(() => h.app.tenants().length === 2, 10_000, 'the second installation served');
    return { h, stop, pages: [first.page, again.page] };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The second company of the tests of several installations: Beta Corp's author, who installs the app there. */
export const BETA_AUTHOR = {
  id: 'U0BAUTHOR',
  team_id: 'T0BETA',
  name: 'bea',
  real_name: 'Bea Marketer',
  tz: 'Europe/Paris',
};

/** A fake Slack with its own workspace seeded and Beta Corp's beside it (BETA_AUTHOR its member and installer). */
export async function twoCompanies(): Promise<{ slack: FakeSlack; beta: FakeWorkspace }> {
  const slack = await FakeSlack.start({ botUserId: 'UBOT' });
  seedWorkspace(slack);
  const beta = slack.addWorkspace({ id: BETA_AUTHOR.team_id, name: 'Beta Corp', installer: BETA_AUTHOR.id });
  beta.addUser(BETA_AUTHOR);
  return { slack, beta };
}
