import type { WebClient } from '@slack/web-api';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { slackDirectory } from './services/directory.js';
import { checkInternalChannels, type InternalChannelCheck } from './services/internalChannels.js';
import { type InstalledWorkspace, verifySlackAuth } from './slackAuth.js';

/**
 * What the app learns from Slack before it takes a request, resolved once and frozen: nothing changes it afterwards.
 * (What does change at run time, such as a channel shared with another organization, is state of its own service.)
 */
export interface Startup {
  /** The workspace the app is installed in (auth.test). */
  readonly workspace: InstalledWorkspace;
  /** Workspaces whose members are ours: the installing one, its Enterprise Grid org and INTERNAL_TEAM_IDS. */
  readonly internalTeamIds: readonly string[];
  /** The configured internal channels as the start-time check found them. */
  readonly internalChannels: InternalChannelCheck;
}

export function internalChannelSettings(config: Config) {
  return {
    escalation: config.responseWindow.escalationChannelId,
    partnerHelp: config.partnerHelpChannelId,
    digest: config.revopsReporting.digestChannelId,
  };
}

/** A startup made of known values (tests, the bench), frozen like a resolved one. */
export function startupOf(
  workspace: InstalledWorkspace,
  config: Pick<Config, 'internalTeamIds'>,
  internalChannels: InternalChannelCheck = { off: [], shared: [] },
): Startup {
  const internalTeamIds = [workspace.teamId, workspace.enterpriseId, ...config.internalTeamIds].filter(
    (id): id is string => typeof id === 'string' && id.length > 0,
  );
  return Object.freeze({
    workspace: Object.freeze({ ...workspace }),
    internalTeamIds: Object.freeze(internalTeamIds),
    internalChannels: Object.freeze({
      off: Object.freeze([...internalChannels.off]),
      shared: Object.freeze([...internalChannels.shared]),
    }),
  });
}

/** Checks the token (auth.test, retried through a hiccup) and the internal channels, then freezes the answers. */
export async function resolveStartup(deps: {
  config: Config;
  client: WebClient;
  clock: Clock;
  logger: Logger;
}): Promise<Startup> {
  const workspace = await verifySlackAuth(deps.client, deps.logger);
  const internalChannels = await checkInternalChannels({
    configured: internalChannelSettings(deps.config),
    directory: slackDirectory(deps.client, deps.clock),
    logger: deps.logger,
  });
  return startupOf(workspace, deps.config, internalChannels);
}
