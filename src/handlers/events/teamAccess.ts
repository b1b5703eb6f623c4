import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';

/** The workspace ids an access event names (`team_ids`). */
const teamIdsOf = (event: { team_ids?: unknown }): string[] =>
  Array.isArray(event.team_ids) ? event.team_ids.filter((id): id is string => typeof id === 'string') : [];

/**
 * An org admin added the org-wide app to workspaces of the org: their people and channels are ours from now on, as
 * the workspaces it was in at start are (startup.ts `orgAccess`). Sent only to an org-wide install.
 */
export function teamAccessGranted(deps: HandlerDeps) {
  return async ({ event, logger }: SlackEventMiddlewareArgs<'team_access_granted'> & AllMiddlewareArgs) => {
    const teams = teamIdsOf(event);
    deps.startup.orgAccess.grant(teams);
    logger.info(
      `the org-wide install was added to workspaces of the org (${teams.join(', ')}): their people are ours`,
    );
  };
}

/** An org admin took the app out of workspaces of the org: their people count as ours no more. */
export function teamAccessRevoked(deps: HandlerDeps) {
  return async ({ event, logger }: SlackEventMiddlewareArgs<'team_access_revoked'> & AllMiddlewareArgs) => {
    const teams = teamIdsOf(event);
    deps.startup.orgAccess.revoke(teams);
    logger.info(`the org-wide install was removed from workspaces of the org (${teams.join(', ')})`);
  };
}
