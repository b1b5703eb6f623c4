import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CallbackOptions,
  type InstallationStore,
  InstallProvider,
  type Installation as SlackInstallation,
} from '@slack/oauth';
import { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { AnyDb } from '../db/client.js';
import { installationByKey, installedNow } from '../db/repositories/installations.js';
import type { InstallationRow } from '../db/schema.js';
import { type Logger, slackLogger } from '../logger.js';
import { OAUTH_REDIRECT_PATH } from '../manifest/deployment.js';
import { manifestBotScopes } from '../manifest/scopes.js';
import { realTimers, type Timers } from '../runtime/timers.js';
import { onFirstUse } from '../slackClients.js';
import { installPage } from './pages.js';
import { type TokenKeys, tokenKeys } from './seal.js';
import { createInstallationStore, storedInstallation } from './store.js';
import { type BotTokens, botTokens, type Refreshed } from './tokens.js';

/** Where Slack sends the installer back, and where an install starts: what the manifest's `--oauth` registers. */
export const INSTALL_PATH = '/slack/install';
export { OAUTH_REDIRECT_PATH };

/** Slack's authorize page beside its Web API (`https://slack.com/api/` → `https://slack.com/oauth/v2/authorize`). */
export const authorizeUrlOf = (apiUrl: string) => new URL('../oauth/v2/authorize', apiUrl).toString();

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The OAuth install: @slack/oauth's InstallProvider serves `/slack/install` (straight on to Slack's
 * authorize page, with a signed `state` in a cookie) and `/slack/oauth_redirect` (the state checked, the code
 * exchanged with oauth.v2.access, the installation stored, sealed, in the app's database). A deployment serves every
 * installation in force (compose/tenants.ts builds one tenant each); `of(installKey)` is one installation's view: its bot
 * token (refreshed when it rotates, tokens.ts), its uninstall, its reinstalls. A deployment on SLACK_BOT_TOKEN is
 * one installation seeded from its token (token.ts), with no install pages.
 */
export interface Installs {
  /** /slack/install and its redirect (none on SLACK_BOT_TOKEN). */
  readonly routes?: { install: HttpHandler; callback: HttpHandler };
  /** The first installation's key, once there is one (resolves at once when the app was installed before). */
  installed(): Promise<string>;
  /** Told when an installation is stored in this process: a first install, a reinstall, another workspace's. */
  onStored(listener: (installKey: string) => void): void;
  /** The keys of every installation in force, oldest first. */
  inForce(): Promise<string[]>;
  /** One installation's part: its token, its uninstall, its reinstalls. */
  of(installKey: string): Installation;
}

/** One installation (of an OAuth install, or a token deployment's), as the tenant that serves it reads it. */
export interface Installation {
  readonly tokens: BotTokens;
  /**
   * Installed by OAuth, it can be installed again while the app runs: its token is read at each call, an uninstall
   * stops its tenant, and a reinstall starts a new one. A token deployment's stays served until a restart.
   */
  readonly reinstallable: boolean;
  /** Its key. */
  installed(): Promise<string>;
  /** Slack said the app was uninstalled there or its bot token revoked: its tokens are deleted. */
  uninstalled(): Promise<void>;
  /** Told when it is stored again in this process (a reinstall, new scopes). */
  onStored(listener: (installKey: string) => void): void;
}

/** @slack/oauth's InstallProvider over the store, and what the installer reads when Slack sends them back. */
function providerOf(deps: InstallsDeps, store: InstallationStore, logger: Logger) {
  const oauth = deps.config.slack.oauth as NonNullable<Config['slack']['oauth']>;
  const installer = new InstallProvider({
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    installationStore: store,
    directInstall: true,
    authorizationUrl: authorizeUrlOf(deps.config.slack.apiUrl),
    installUrlOptions: { scopes: manifestBotScopes() },
    clientOptions: { slackApiUrl: deps.config.slack.apiUrl },
    logger: slackLogger(deps.logger, 'oauth'),
  });
  const callback: CallbackOptions = {
    success: (installation, _options, _req, res) => {
      logger.info(
        { teamId: installation.team?.id, enterpriseId: installation.enterprise?.id },
        'the app was installed',
      );
      const org = installation.isEnterpriseInstall ? installation.enterprise : undefined;
      if (org)
        // Slack's own advice: an org-wide app is in no workspace until an admin adds it to some.
        installPage(
          res,
          200,
          'installedOrg',
          org.name,
          addToWorkspacesUrl(deps.config.slack.apiUrl, org.id, installation.appId),
        );
      else installPage(res, 200, 'installed', installation.team?.name ?? installation.enterprise?.name);
    },
    failure: (error, _options, _req, res) => {
      logger.warn({ error: error.message }, 'an install did not complete');
      installPage(res, 400, 'failed');
    },
  };
  return { installer, callback };
}

/** Slack's web app beside each of its Web APIs (GovSlack's is its own); Slack's for any other (a test's fake). */
const SLACK_WEB_HOSTS: Readonly<Record<string, string>> = {
  'slack.com': 'app.slack.com',
  'slack-gov.com': 'app.slack-gov.com',
};

/**
 * The org admin's page that adds an org-wide app to the org's workspaces (api.slack.com/enterprise/apps), on the web
 * app of the Slack whose Web API the app calls (SLACK_API_URL).
 */
export function addToWorkspacesUrl(apiUrl: string, enterpriseId: string, appId: string | undefined): string {
  const host = SLACK_WEB_HOSTS[new URL(apiUrl).hostname] ?? 'app.slack.com';
  return `https://${host}/manage/${encodeURIComponent(enterpriseId)}/integrations/profile/${encodeURIComponent(appId ?? '')}/workspaces/add`;
}

/** An installation's bot token, refreshed with oauth.v2.access when it rotates. */
function tokensOf(
  deps: InstallsDeps,
  store: Pick<ReturnType<typeof createInstallationStore>, 'storeRefreshed'>,
  key: TokenKeys,
  logger: Logger,
  current: () => Promise<InstallationRow | undefined>,
): BotTokens {
  const oauth = deps.config.slack.oauth as NonNullable<Config['slack']['oauth']>;
  // Most tokens never rotate: the client is built at the first refresh.
  const web = onFirstUse(
    () =>
      new WebClient(undefined, {
        slackApiUrl: deps.config.slack.apiUrl,
        logger: slackLogger(deps.logger, 'oauth-client'),
      }),
  );
  return botTokens({
    clock: deps.clock,
    logger,
    read: async () => {
      const row = await current();
      return row ? storedInstallation({ db: deps.db, key }, row.installKey) : undefined;
    },
    store: (installation: SlackInstallation) => store.storeRefreshed(installation),
    refresh: async (refreshToken) =>
      (await web.oauth.v2.access({
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      })) as unknown as Refreshed,
  });
}

export interface InstallsDeps {
  config: Config;
  db: AnyDb;
  clock: Clock;
  logger: Logger;
  /** How often a process that did not serve the callback looks for the installation another one stored. */
  lookEveryMs?: number;
  /** Real time for that look (the process's own by default). */
  timers?: Timers;
}

/**
 * The installation's key once someone installs the app: told at once by this process's store, or found by looking
 * every `lookEveryMs` (another process on the database served the redirect), on the app's timers.
 */
export function waitForInstall(
  deps: Pick<InstallsDeps, 'timers' | 'lookEveryMs'>,
  current: () => Promise<InstallationRow | undefined>,
  listeners: ((installKey: string) => void)[],
): Promise<string> {
  const timers = deps.timers ?? realTimers;
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const done = (installKey: string) => {
      if (settled) return;
      settled = true;
      timers.clearInterval(timer);
      listeners.splice(listeners.indexOf(done), 1);
      resolve(installKey);
    };
    listeners.push(done);
    const timer = timers.setInterval(() => {
      current().then((row) => row?.sealed && done(row.installKey), reject);
    }, deps.lookEveryMs ?? 5000);
    timer.unref?.();
  });
}

export function createInstalls(deps: InstallsDeps): Installs {
  const oauth = deps.config.slack.oauth;
  if (!oauth) throw new Error('the OAuth install is not configured');
  const key = tokenKeys(oauth);
  const logger = deps.logger.child({ component: 'install' });
  const listeners: ((installKey: string) => void)[] = [];
  /** Each installation's tokens, made when first asked. */
  const tokensByKey = new Map<string, BotTokens>();
  const store = createInstallationStore({
    db: deps.db,
    clock: deps.clock,
    key,
    onStored: (installKey) => {
      tokensByKey.get(installKey)?.forget();
      // A copy: a waiter leaves the list as it is told.
      for (const listener of [...listeners]) listener(installKey);
    },
  });
  const inForce = async () => (await installedNow(deps.db)).filter((row) => row.sealed !== null);
  const tokensFor = (installKey: string) => {
    let tokens = tokensByKey.get(installKey);
    if (!tokens) {
      tokens = tokensOf(deps, store, key, logger, () => installationByKey(deps.db, installKey));
      tokensByKey.set(installKey, tokens);
    }
    return tokens;
  };
  const { installer, callback } = providerOf(deps, store, logger);
  const routes = {
    install: (req: IncomingMessage, res: ServerResponse) => installer.handleInstallPath(req, res),
    callback: (req: IncomingMessage, res: ServerResponse) => installer.handleCallback(req, res, callback),
  };
  const first = async () => (await inForce())[0];
  const onStored = (listener: (installKey: string) => void) => {
    listeners.push(listener);
  };
  return {
    routes,
    installed: async () => {
      const row = await first();
      return row ? row.installKey : waitForInstall(deps, first, listeners);
    },
    onStored,
    inForce: async () => (await inForce()).map((row) => row.installKey),
    of: (installKey) => ({
      tokens: tokensFor(installKey),
      reinstallable: true,
      installed: () => Promise.resolve(installKey),
      async uninstalled() {
        await store.uninstalled(installKey);
        tokensFor(installKey).forget();
      },
      onStored: (listener) => onStored((stored) => stored === installKey && listener(stored)),
    }),
  };
}
