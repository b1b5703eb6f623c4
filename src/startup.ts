import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { slackDirectory, workspacesOfOrg } from './core/directory.js';
import type { PolicyBook } from './domain/policyFile.js';
import type { Logger } from './logger.js';
import {
  checkInternalChannels,
  type InternalChannelCheck,
  internalChannelSources,
} from './partners/internalChannels.js';
import type { Settings } from './program/settings.js';
import { type InstalledWorkspace, SLACK_NOT_NOW, verifySlackAuth } from './slackAuth.js';

/**
 * What the app learns from Slack before it takes a request, resolved once and frozen: nothing changes it afterwards.
 * (What does change at run time, such as a channel shared with another organization, is state of its own service.)
 */
export interface Startup {
  /** The workspace the app is installed in (auth.test). */
  readonly workspace: InstalledWorkspace;
  /**
   * Workspaces whose members are ours: the installing one, its Enterprise Grid org, every workspace of the org an
   * org-wide install was added to, and INTERNAL_TEAM_IDS.
   */
  readonly internalTeamIds: readonly string[];
  /** The internal channels (every setting and policy target naming one) as the start-time check found them. */
  readonly internalChannels: InternalChannelCheck;
  /**
   * An org-wide install's workspaces as Slack grants and revokes the app's access to them (team_access_granted,
   * team_access_revoked): `internalTeamIds` changes in place, so every reader sees it at once. The installing
   * workspace, its org and INTERNAL_TEAM_IDS always stay.
   */
  readonly orgAccess: OrgAccess;
}

export interface OrgAccess {
  grant(teamIds: readonly string[]): void;
  revoke(teamIds: readonly string[]): void;
  /**
   * The org's workspaces as Slack lists them now (auth.teams.list): those not ours yet are granted, those ours but
   * not listed are revoked (never the fixed ones); listeners are told only of a change. Returns the change.
   */
  sync(teamIds: readonly string[]): { granted: string[]; revoked: string[] };
  /** Told after a grant or a revoke (the directory forgets the people it kept). */
  onChange(listener: () => void): void;
}

/**
 * A startup made of known values (tests, the bench), frozen like a resolved one. Without `internalChannels` no
 * internal channel is confirmed: nothing internal is posted in a channel (fail closed).
 */
export function startupOf(
  workspace: InstalledWorkspace,
  config: Pick<Config, 'internalTeamIds'>,
  internalChannels: InternalChannelCheck = { confirmed: [], shared: [] },
  /** An org-wide install's workspaces (auth.teams.list). */
  orgWorkspaces: readonly string[] = [],
): Startup {
  const named = (ids: readonly (string | undefined)[]) =>
    ids.filter((id): id is string => typeof id === 'string' && id.length > 0);
  const fixed = new Set(named([workspace.teamId, workspace.enterpriseId, ...config.internalTeamIds]));
  // The one live list every reader holds (not frozen: an org-wide install's workspaces come and go).
  const internalTeamIds = [...new Set([...fixed, ...named(orgWorkspaces)])];
  const listeners: (() => void)[] = [];
  const orgAccess: OrgAccess = {
    grant(teamIds) {
      for (const id of named(teamIds)) if (!internalTeamIds.includes(id)) internalTeamIds.push(id);
      for (const listener of listeners) listener();
    },
    revoke(teamIds) {
      for (const id of named(teamIds)) {
        const at = internalTeamIds.indexOf(id);
        if (at >= 0 && !fixed.has(id)) internalTeamIds.splice(at, 1);
      }
      for (const listener of listeners) listener();
    },
    sync(teamIds) {
      const listed = new Set(named(teamIds));
      const granted = [...listed].filter((id) => !internalTeamIds.includes(id));
      const revoked = internalTeamIds.filter((id) => !fixed.has(id) && !listed.has(id));
      if (granted.length > 0) orgAccess.grant(granted);
      if (revoked.length > 0) orgAccess.revoke(revoked);
      return { granted, revoked };
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
  return Object.freeze({
    workspace: Object.freeze({ ...workspace }),
    internalTeamIds,
    orgAccess: Object.freeze(orgAccess),
    internalChannels: Object.freeze({
      confirmed: Object.freeze([...internalChannels.confirmed]),
      shared: Object.freeze([...internalChannels.shared]),
    }),
  });
}

/**
 * Checks the token (auth.test) and every internal channel (the settings' and the policy
 * file's), then freezes the answers.
 */
export async function resolveStartup(deps: {
  config: Config;
  /** The program's settings (its internal channels). */
  settings: Settings;
  client: WebClient;
  clock: Clock;
  logger: Logger;
  /** The program's pools and policies (their `channel:` targets are internal channels too). */
  book?: PolicyBook | undefined;
}): Promise<Startup> {
  const workspace = await verifySlackAuth(deps.client);
  const internalChannels = await checkInternalChannels({
    configured: internalChannelSources(deps.settings, deps.book),
    directory: slackDirectory(deps.client, deps.clock),
    logger: deps.logger,
  });
  // An org-wide install: every workspace of the org it was added to is ours (one added later, when Slack says so).
  const orgWorkspaces = workspace.isEnterpriseInstall ? await orgWorkspacesAtStart(deps.client) : [];
  if (workspace.isEnterpriseInstall)
    deps.logger.info(
      { enterpriseId: workspace.enterpriseId, workspaces: orgWorkspaces.length },
      'installed org-wide: every workspace of the org it was added to is ours',
    );
  return startupOf(workspace, deps.config, internalChannels, orgWorkspaces);
}

/**
 * The workspaces an org-wide install covers, read at start. A hiccup is retried with the whole start check
 * (startupRetry.ts); a refusal stops the start saying which call and what to check.
 */
async function orgWorkspacesAtStart(client: WebClient): Promise<string[]> {
  try {
    return await workspacesOfOrg(client);
  } catch (error) {
    // "Not now" answers are retried with the whole start check (slackAuth.ts SLACK_NOT_NOW); a "no" is said.
    if (!(error instanceof WebAPIPlatformError) || SLACK_NOT_NOW.has(error.data.error)) throw error;
    throw new Error(
      `Slack refused auth.teams.list (${error.data.error}), the list of workspaces the org-wide install covers. Check that the app is installed org-wide and added to at least one workspace of the org (docs/install.md).`,
    );
  }
}
