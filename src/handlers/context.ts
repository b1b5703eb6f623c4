import type { RequestContext } from '../services/handoffs.js';

interface InteractionBody {
  user: { id: string; team_id?: string };
  team?: { id: string } | null;
  enterprise?: { id: string } | null;
}

/**
 * The acting user as Slack identifies them (user.id + user.team_id), and the workspaces that count as ours:
 * the one the interaction belongs to (team.id, the installing workspace even in a shared channel), its
 * Enterprise Grid org, and any configured in INTERNAL_TEAM_IDS.
 */
export function requestContext(body: InteractionBody, configuredTeamIds: readonly string[]): RequestContext {
  const internalTeamIds = [body.team?.id, body.enterprise?.id, ...configuredTeamIds].filter(
    (id): id is string => typeof id === 'string' && id.length > 0,
  );
  return { actor: { userId: body.user.id, teamId: body.user.team_id }, internalTeamIds };
}
