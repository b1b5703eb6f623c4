import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';

type AccessArgs<E extends 'team_access_granted' | 'team_access_revoked'> = SlackEventMiddlewareArgs<E> &
  AllMiddlewareArgs;

/** The workspace ids an access event names (`team_ids`). */
const teamIdsOf = (event: { team_ids?: unknown }): string[] =>
  Array.isArray(event.team_ids) ? event.team_ids.filter((id): id is string => typeof id === 'string') : [];

/** The orgs the envelope names: its own `enterprise_id` and its authorizations'. */
function orgsOf(body: unknown): string[] {
  const b = body as { enterprise_id?: unknown; authorizations?: { enterprise_id?: unknown }[] };
  const auths = Array.isArray(b.authorizations) ? b.authorizations : [];
  return [b.enterprise_id, ...auths.map((a) => a?.enterprise_id)].filter(
    (id): id is string => typeof id === 'string',
  );
}

/**
 * The workspaces an access event names, when it is about this deployment's org-wide install: its org, and the
 * install org-wide. Anything else (a workspace install in an org, an event of another org) changes nothing.
 */
function accessChange(deps: HandlerDeps, args: AccessArgs<'team_access_granted' | 'team_access_revoked'>) {
  const own = deps.startup.workspace;
  if (!own.isEnterpriseInstall || !own.enterpriseId || !orgsOf(args.body).includes(own.enterpriseId)) {
    args.logger.warn(`${args.event.type} for an install that is not this org-wide one: ignored`);
    return undefined;
  }
  return teamIdsOf(args.event);
}

/**
 * An org admin added the org-wide app to workspaces of the org: their people and channels are ours from now on, as
 * the workspaces it was in at start are (startup.ts `orgAccess`). Sent only to an org-wide install, to one process:
 * other replicas learn it at their next start (docs/install.md).
 */
export function teamAccessGranted(deps: HandlerDeps) {
  return async (args: AccessArgs<'team_access_granted'>) => {
    const teams = accessChange(deps, args);
    if (!teams) return;
    deps.startup.orgAccess.grant(teams);
    args.logger.info(
      `the org-wide install was added to workspaces of the org (${teams.join(', ')}): their people are ours`,
    );
  };
}

/** An org admin took the app out of workspaces of the org: their people count as ours no more. */
export function teamAccessRevoked(deps: HandlerDeps) {
  return async (args: AccessArgs<'team_access_revoked'>) => {
    const teams = accessChange(deps, args);
    if (!teams) return;
    deps.startup.orgAccess.revoke(teams);
    args.logger.info(`the org-wide install was removed from workspaces of the org (${teams.join(', ')})`);
  };
}
