import type { RequestContext } from '../core/requestContext.js';
import type { Startup } from '../startup.js';

interface InteractionBody {
  user: { id: string; team_id?: string };
}

/**
 * The acting user as Slack identifies them (user.id + user.team_id), and the workspaces that count as ours: the one
 * the app is installed in and its Enterprise Grid org (from auth.test at start, never from the request: a payload's
 * `team` is not proof of anything about the clicker), and any configured in INTERNAL_TEAM_IDS.
 */
export function requestContext(
  body: InteractionBody,
  deps: { startup: Pick<Startup, 'internalTeamIds'> },
): RequestContext {
  return {
    actor: { userId: body.user.id, teamId: body.user.team_id },
    internalTeamIds: deps.startup.internalTeamIds,
  };
}
