import { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { AnyDb } from '../db/client.js';
import { markUninstalled, recordTokenInstallation } from '../db/repositories/installations.js';
import type { Logger } from '../logger.js';
import { realTimers, type Timers } from '../runtime/timers.js';
import { verifySlackAuth } from '../slackAuth.js';
import { type SlackClients, slackClientOptions } from '../slackClients.js';
import { patiently } from '../startupRetry.js';
import type { Installs } from './oauth.js';
import { installKeyOf } from './store.js';

/**
 * A deployment on SLACK_BOT_TOKEN is one installation, seeded from its token before anything is served, and served
 * through the same path as an OAuth install's (compose/tenants.ts). Its workspace, as auth.test names it (asked again
 * while Slack cannot be reached), is recorded as an installation; its token is the environment's. It is not installed
 * again while the app runs: Slack's word of an uninstall marks it uninstalled when its data is to be deleted
 * (UNINSTALL_DELETE_AFTER_DAYS counts from then), and it stays served, its jobs that call Slack paused, until a restart
 * with a new token records it installed again.
 */
export function createTokenInstalls(deps: {
  config: Config;
  db: AnyDb;
  clock: Clock;
  logger: Logger;
  timers?: Timers | undefined;
  clients?: SlackClients | undefined;
  onWaiting: (reason: string) => void;
}): Installs {
  const { config, db, clock, logger } = deps;
  const token = config.slack.botToken ?? '';
  let identified: Promise<string> | undefined;
  const identify = async () => {
    const client =
      deps.clients?.interactive ?? new WebClient(token, slackClientOptions(config, logger, 'interactive'));
    const patience = { config, logger, timers: deps.timers ?? realTimers, onWaiting: deps.onWaiting };
    const workspace = await patiently(patience, () => verifySlackAuth(client));
    const isEnterpriseInstall =
      workspace.isEnterpriseInstall === true || (!workspace.teamId && Boolean(workspace.enterpriseId));
    const installKey = installKeyOf({ ...workspace, isEnterpriseInstall });
    const ids = {
      installKey,
      teamId: workspace.teamId ?? null,
      enterpriseId: workspace.enterpriseId ?? null,
      isEnterpriseInstall,
      appId: workspace.appId ?? null,
      botUserId: workspace.botUserId ?? null,
      botId: workspace.botId ?? null,
    };
    await db.transaction((tx) => recordTokenInstallation(tx, ids, clock.now()));
    return installKey;
  };
  const installed = () => {
    identified ??= identify();
    return identified;
  };
  const nothingStored = () => {};
  return {
    installed,
    onStored: nothingStored,
    inForce: async () => [await installed()],
    of: (installKey) => ({
      tokens: { current: () => Promise.resolve(token), forget: nothingStored },
      reinstallable: false,
      installed: () => Promise.resolve(installKey),
      async uninstalled() {
        if (config.retention.uninstallDeleteAfterDays === undefined) return;
        await db.transaction((tx) => markUninstalled(tx, installKey, clock.now()));
      },
      onStored: nothingStored,
    }),
  };
}
