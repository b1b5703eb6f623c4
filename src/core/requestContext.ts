import type { Actor } from '../domain/actor.js';
import type { Viewer } from '../domain/lifecycle.js';

/** Who is asking, as every service that answers a Slack request reads it. */
/** Who is acting, and which workspaces count as ours for this request. */
export interface RequestContext {
  actor: Actor;
  internalTeamIds: readonly string[];
}

/** The acting person, as the lifecycle's policy sees them. */
export function viewerOf(req: RequestContext, adminUserIds: readonly string[]): Viewer {
  return { actor: req.actor, internalTeamIds: req.internalTeamIds, adminUserIds };
}
