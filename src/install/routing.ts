/**
 * Which installation a signed Slack request is for, read as Slack and Bolt read it (bolt-js App.ts `buildSource`,
 * then @slack/oauth's lookup): never "the first installation that recognises an id in it".
 *
 * - An Events API delivery names its installation in `authorizations[0]` (then the envelope's `team_id`).
 * - A view's submission or action belongs to the installation that opened the view: `view.app_installed_team_id`.
 * - Any other interaction or command is the acting workspace's: `team.id` (or `team_id`), then the person's
 *   `user.team_id` when Slack leaves the team out (an org-wide install).
 * - `is_enterprise_install` sends the request to the org-wide install of its `enterprise_id`.
 * - A workspace with no installation of its own is served by its org's org-wide install, if there is one.
 * - Someone of a workspace with no installation, acting on the app's message or view in a Slack Connect channel (a
 *   partner), is served by the installation whose message or view it is (`message.team`, `view.team_id`).
 */

/** Who acts and where, as a request says it. */
export interface RequestSource {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
  /** The workspace whose message or view an interaction acts on, when the actor's has no installation. */
  onBehalfOf?: string[];
}

/** An installation the process serves, as the router needs it. */
export interface RoutedInstallation {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}

type Body = Record<string, unknown>;

/** A Slack id (T…, E…: upper-case letters and digits); anything else names no installation (and never reaches a query). */
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[A-Z0-9]{1,64}$/.test(value) ? value : undefined;
const object = (value: unknown): Body | undefined =>
  typeof value === 'object' && value !== null ? (value as Body) : undefined;
const yes = (value: unknown) => value === true || value === 'true';

export function requestSource(body: unknown): RequestSource {
  const b = object(body) ?? {};
  if (b.type === 'event_callback') {
    const first = object(Array.isArray(b.authorizations) ? b.authorizations[0] : undefined);
    return {
      teamId: text(first?.team_id) ?? text(b.team_id),
      enterpriseId: first ? text(first.enterprise_id) : text(b.enterprise_id),
      isEnterpriseInstall: yes(first?.is_enterprise_install ?? b.is_enterprise_install),
    };
  }
  if (typeof b.command === 'string')
    return {
      teamId: text(b.team_id),
      enterpriseId: text(b.enterprise_id),
      isEnterpriseInstall: yes(b.is_enterprise_install),
    };
  const team = object(b.team);
  return {
    teamId:
      text(object(b.view)?.app_installed_team_id) ??
      text(team?.id) ??
      text(b.team_id) ??
      text(object(b.user)?.team_id),
    enterpriseId: text(object(b.enterprise)?.id) ?? text(team?.enterprise_id) ?? text(b.enterprise_id),
    isEnterpriseInstall: yes(b.is_enterprise_install),
    onBehalfOf: [text(object(b.message)?.team), text(object(b.view)?.team_id)].filter(
      (id): id is string => id !== undefined,
    ),
  };
}

/** The installations served, indexed by what a request names: `find` gives the one a request is for. */
export function routeIndex<T extends RoutedInstallation>(served: Iterable<T>) {
  const workspaces = new Map<string, T>();
  const orgs = new Map<string, T>();
  for (const i of served) {
    const [map, key] = i.isEnterpriseInstall ? [orgs, i.enterpriseId] : [workspaces, i.teamId];
    if (key && !map.has(key)) map.set(key, i);
  }
  const orgWide = (enterpriseId: string | undefined) => (enterpriseId ? orgs.get(enterpriseId) : undefined);
  return {
    find(source: RequestSource): T | undefined {
      if (source.isEnterpriseInstall) {
        const org = orgWide(source.enterpriseId);
        if (org) return org;
      }
      const own = source.teamId ? workspaces.get(source.teamId) : undefined;
      const found = own ?? orgWide(source.enterpriseId);
      if (found) return found;
      for (const teamId of source.onBehalfOf ?? []) {
        const theirs = workspaces.get(teamId);
        if (theirs) return theirs;
      }
      return undefined;
    },
  };
}

/** The installation a request is for among those served, or undefined when none of them is its. */
export function installationFor<T extends RoutedInstallation>(
  source: RequestSource,
  served: Iterable<T>,
): T | undefined {
  return routeIndex(served).find(source);
}
