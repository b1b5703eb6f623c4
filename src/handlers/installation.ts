import type { Startup } from '../startup.js';

/**
 * Whether a request Slack signed is for this installation. One signing secret serves every
 * workspace an app is installed in, so a signed request can be another workspace's: an `app_uninstalled` from
 * there must not stop this install, nor a status change there move a handoff here. Checked on every event,
 * interaction and command, before any listener (the Bolt middleware in app.ts).
 */

/** The installation, as auth.test said at start: never from the request. */
export type Installation = Pick<Startup, 'internalTeamIds'> & {
  workspace: {
    teamId?: string | undefined;
    enterpriseId?: string | undefined;
    appId?: string | undefined;
    isEnterpriseInstall?: boolean | undefined;
  };
};

interface Authorization {
  team_id?: unknown;
  enterprise_id?: unknown;
  is_enterprise_install?: unknown;
}

const ids = (...values: unknown[]): string[] =>
  values.filter((v): v is string => typeof v === 'string' && v.length > 0);

/** What names the workspace of a request, by where Slack puts it in each kind. */
function field(body: Record<string, unknown>, ...path: string[]): unknown {
  let at: unknown = body;
  for (const key of path) at = (at as Record<string, unknown> | null | undefined)?.[key];
  return at;
}

const authorizationsOf = (body: Record<string, unknown>): Authorization[] =>
  Array.isArray(body.authorizations) ? (body.authorizations as Authorization[]) : [];

/** The workspaces an Events API delivery names: the envelope's `team_id`, `context_team_id` and `authorizations`. */
const eventTeams = (body: Record<string, unknown>) =>
  ids(body.team_id, body.context_team_id, ...authorizationsOf(body).map((a) => a?.team_id));

/** The orgs an Events API delivery names, in the same places. */
const eventOrgs = (body: Record<string, unknown>) =>
  ids(body.enterprise_id, body.context_enterprise_id, ...authorizationsOf(body).map((a) => a?.enterprise_id));

/**
 * The workspaces and orgs an interaction or a command names: the clicker's, the one the command was typed in, the one
 * the app's view or message belongs to (a partner clicking in a Slack Connect channel names theirs and ours), the org.
 */
const interactionNames = (body: Record<string, unknown>) =>
  ids(
    body.team_id,
    body.enterprise_id,
    field(body, 'team', 'id'),
    field(body, 'team', 'enterprise_id'),
    field(body, 'user', 'team_id'),
    field(body, 'enterprise', 'id'),
    field(body, 'view', 'app_installed_team_id'),
    field(body, 'view', 'team_id'),
    field(body, 'message', 'team'),
  );

/**
 * An Events API delivery is for this installation when it names it: its workspace (a workspace install), or its org
 * for an org-wide install.
 */
function eventIsOurs(body: Record<string, unknown>, own: Installation['workspace']): boolean {
  if (own.teamId && eventTeams(body).includes(own.teamId)) return true;
  // An org-wide install hears of its org's workspaces (team_access_granted names a workspace, not the install).
  const orgWide =
    own.isEnterpriseInstall === true ||
    authorizationsOf(body).some((a) => a?.is_enterprise_install === true) ||
    body.is_enterprise_install === true;
  return orgWide && own.enterpriseId !== undefined && eventOrgs(body).includes(own.enterpriseId);
}

/** An interaction or a command is ours when any workspace or org it names is one of ours. */
function interactionIsOurs(body: Record<string, unknown>, own: Installation): boolean {
  return interactionNames(body).some((id) => own.internalTeamIds.includes(id));
}

/** Why a request is not this installation's, or undefined when it is. */
export function foreignRequest(body: unknown, own: Installation): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const appId = typeof b.api_app_id === 'string' ? b.api_app_id : undefined;
  if (own.workspace.appId && appId && appId !== own.workspace.appId) return 'another app';
  if (b.type === 'event_callback') return eventIsOurs(b, own.workspace) ? undefined : 'another workspace';
  return interactionIsOurs(b, own) ? undefined : 'another workspace';
}

/** The ids a refusal's log line names (what the request said, for an admin to recognise). */
export function namedIds(body: unknown): Record<string, unknown> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return {
    type: b.type ?? (b.command ? 'slash_command' : undefined),
    teamId: b.team_id ?? field(b, 'team', 'id'),
    enterpriseId: b.enterprise_id ?? field(b, 'enterprise', 'id'),
    apiAppId: b.api_app_id,
    event: field(b, 'event', 'type'),
  };
}
