/**
 * The workspaces and Enterprise Grid orgs one fake Slack hosts, and which of them a Web API call is for.
 *
 * The app is one app (one app id) installed in several places. Each installed workspace has its own state (users,
 * channels, views, files), its own bot user and bot token, and its own install (fakeSlack/oauth.ts). A call is
 * answered by the workspace its token belongs to, so it only reaches that workspace's users and channels. A
 * channel shared by two installed workspaces is one channel object known to both, with one list of messages.
 *
 * An org (Enterprise Grid) groups workspaces. The app installed org-wide has one bot user and one token for the
 * whole org; a call with that token is answered by the workspace it names (`team_id`), or else the one that holds
 * the conversation, user or view it is about. The fake's own workspace is one of an org's with the `enterprise`
 * option of `FakeSlack.start`. An org admin may remove the org-wide install from one of its workspaces and give it
 * back (`revokeTeam`, `grantTeam`: Slack's team_access_revoked and team_access_granted); auth.teams.list lists the
 * workspaces a token may act in.
 */
import { type ApiResult, type Args, type EnterpriseUser, fail, type SharedState, str } from './common.js';
import type { EventDelivery, EventSender, EventTarget, FakeEvent, TeamAccessEvent } from './events.js';
import { OAuth, type OAuthRegistration, type TokenCheck } from './oauth.js';
import { type EventPort, PeopleActions, type TokenLoss } from './peopleActions.js';
import type { FakeUser } from './types.js';
import { domainOf, Workspace } from './workspace.js';

/** A workspace to add to the fake, with the app installed in it (`FakeSlack.addWorkspace`). */
export interface WorkspaceSpec {
  /** Its team id, like 'T0SECOND'. */
  id: string;
  name: string;
  /** The `<domain>.slack.com` subdomain; derived from the name when omitted. */
  domain?: string;
  /** The org it belongs to (`addEnterprise` first); its bot user is then the org's. */
  enterpriseId?: string;
  /** The app's bot user here; default `U<id without its T>BOT` ('U0SECONDBOT'), or the org's. */
  botUserId?: string;
  /** Default `B<id without its T>BOT`, or the org's. */
  botId?: string;
  /** The bot token before any OAuth install; default `xoxb-<id in lower case>-token`. */
  token?: string;
  /** Who clicks Allow on the authorize page for this workspace; default 'U0OWNER' (add them with `addUser`). */
  installer?: string;
  /** The granted bot scopes; default the manifest's. */
  scopes?: readonly string[];
}

/** An Enterprise Grid org (`FakeSlack.addEnterprise`). */
export interface EnterpriseSpec {
  /** Its id, like 'E0ORG'. */
  id: string;
  name: string;
  /** Its `<domain>.enterprise.slack.com` subdomain; derived from the name when omitted. */
  domain?: string;
  /** The app's one bot user in every workspace of the org; default `W<id without its E>BOT` ('W0ORGBOT'). */
  botUserId?: string;
  /** Default `B<id without its E>BOT`. */
  botId?: string;
  /** The org-wide bot token; default `xoxb-<id in lower case>-org-token`. */
  token?: string;
  /** Who clicks Allow for an org-wide install: a member of one of the org's workspaces. Default 'U0OWNER'. */
  installer?: string;
  /**
   * The app is installed org-wide (default true): the org token works and events say `is_enterprise_install`.
   * False: installed workspace by workspace, until an org-wide install through OAuth.
   */
  orgWide?: boolean;
  scopes?: readonly string[];
}

/** One installed workspace and the app's install in it. */
export interface WorkspaceInstall {
  kind: 'workspace';
  teamId: string;
  botUserId: string;
  botId: string;
  enterpriseId: string | undefined;
  workspace: Workspace;
  oauth: OAuth;
  people: PeopleActions;
  scopes: { get(): string[]; set(scopes: string[]): void };
  /** The app was uninstalled here: its events are recorded, not sent. */
  muted: boolean;
}

/** An org and the app's org-wide install in it. */
export interface OrgInstall {
  kind: 'enterprise';
  id: string;
  name: string;
  domain: string;
  botUserId: string;
  botId: string;
  oauth: OAuth;
  scopes: string[];
  orgWide: boolean;
  /**
   * Workspaces of the org the org-wide install is no longer granted (`FakeEnterprise.revoke`): its token is
   * refused there (`team_access_not_granted`), auth.teams.list leaves them out, and their events are not sent.
   */
  revoked: Set<string>;
}

/** What the tenants need from the fake server. */
export interface TenantDeps {
  appId: string;
  sender: EventSender;
  registration: OAuthRegistration;
  defaultScopes: readonly string[];
  now(): number;
  statusNow(): number;
  uploadUrl(fileId: string): string;
  triggerTtlMs: number;
  fileProcessingCalls: number;
}

/**
 * The methods the fake answers that need `team_id` with an org-wide token. Slack: "some API methods will require a
 * team_id to indicate which workspace to act on" (https://api.slack.com/enterprise/apps/changes-apis#methods,
 * which lists conversations.list, users.list, usergroups.list and usergroups.users.list among them). Without it
 * Slack answers `missing_argument` (seen for users.list and conversations.list: lyft/omnibot#44,
 * sgratzl/slack-cleaner#101). A workspace the install was not granted answers `team_access_not_granted`: "The
 * token used is not granted the specific workspace access required to complete this request."
 */
export const TEAM_ID_REQUIRED: ReadonlySet<string> = new Set(['usergroups.list', 'usergroups.users.list']);

const tail = (id: string): string => id.slice(1);

/** The app's one bot user and bot id in an org: the spec's, else `W<id without its E>BOT` and `B<…>BOT`. */
export const orgBot = (spec: Pick<EnterpriseSpec, 'id' | 'botUserId' | 'botId'>) => ({
  botUserId: spec.botUserId ?? `W${tail(spec.id)}BOT`,
  botId: spec.botId ?? `B${tail(spec.id)}BOT`,
});

export class Tenants {
  /** Installed workspaces by team id, the fake's own one first. */
  readonly workspaces = new Map<string, WorkspaceInstall>();
  readonly enterprises = new Map<string, OrgInstall>();
  readonly shared: SharedState = {
    messages: new Map(),
    ts: { lastMicros: 0 },
    botOf: (userId) => {
      const install = [...this.workspaces.values()].find((w) => w.botUserId === userId);
      return install && { botId: install.botId, teamId: install.teamId };
    },
  };

  constructor(private readonly deps: TenantDeps) {
    deps.sender.visibility = (event, target) => this.visibility(event, target);
  }

  /**
   * Who sees an event besides the workspace it is delivered as: for one in a channel, whether the channel is shared
   * with another organization, and the other workspaces the app is installed in that hold the channel.
   */
  private visibility(event: FakeEvent, target: EventTarget | undefined) {
    const channelId = (event as { channel?: unknown }).channel;
    const own = this.workspaces.get(target?.teamId ?? this.primary.teamId);
    const channel = typeof channelId === 'string' ? own?.workspace.channels.get(channelId) : undefined;
    if (typeof channelId !== 'string' || !channel) return { shared: false, others: [] };
    const others = [...this.workspaces.values()]
      .filter((w) => w !== own && w.workspace.channels.has(channelId))
      .map((w) => this.target(w))
      .filter((t) => !t.muted);
    return { shared: channel.is_ext_shared === true, others };
  }

  /** The fake's own workspace (the first one added). */
  get primary(): WorkspaceInstall {
    const [first] = this.workspaces.values();
    if (!first) throw new Error('fake Slack: no workspace yet');
    return first;
  }

  /** A workspace's state, sharing messages and the ts clock with the others. */
  newWorkspace(ids: {
    teamId: string;
    botUserId: string;
    botId: string;
    teamName: string;
    teamDomain: string;
    enterpriseId?: string | undefined;
  }): Workspace {
    const { deps } = this;
    const { enterpriseId, ...rest } = ids;
    return new Workspace({
      ...rest,
      appId: deps.appId,
      triggerTtlMs: deps.triggerTtlMs,
      fileProcessingCalls: deps.fileProcessingCalls,
      uploadUrl: (id) => deps.uploadUrl(id),
      now: () => deps.now(),
      statusNow: () => deps.statusNow(),
      ...(enterpriseId
        ? {
            enterpriseId,
            org: {
              name: () => this.enterprises.get(enterpriseId)?.name ?? enterpriseId,
              enterpriseUser: (user: FakeUser) => this.enterpriseUser(enterpriseId, user),
            },
          }
        : {}),
      shared: this.shared,
    });
  }

  /**
   * `enterprise_user` of a person of an org (users.info): a user whose `team_id` is one of the org's workspaces;
   * `teams` is that workspace, then the org's other workspaces that know the same user id (`addUser` there too).
   */
  enterpriseUser(enterpriseId: string, user: FakeUser): EnterpriseUser | undefined {
    const org = this.enterprises.get(enterpriseId);
    const workspaces = this.orgWorkspaces(enterpriseId);
    if (!org || !workspaces.some((w) => w.teamId === user.team_id)) return undefined;
    const others = workspaces.filter((w) => w.teamId !== user.team_id && w.workspace.users.has(user.id));
    return {
      id: user.id,
      enterprise_id: org.id,
      enterprise_name: org.name,
      is_admin: false,
      is_owner: false,
      teams: [user.team_id, ...others.map((w) => w.teamId)],
    };
  }

  /**
   * The install target of `FakeSlack.approveInstall`: another workspace (`team`) or an org (`enterprise`); undefined
   * for the fake's own. Throws for an unknown one (a mistake in the test).
   */
  oauthTarget(opts: { team?: string | undefined; enterprise?: string | undefined }): OAuth | undefined {
    if (opts.enterprise) {
      const org = this.enterprises.get(opts.enterprise);
      if (!org) throw new Error(`fake Slack: no enterprise ${opts.enterprise} (addEnterprise first)`);
      return org.oauth;
    }
    if (!opts.team) return undefined;
    const install = this.workspaces.get(opts.team);
    if (!install) throw new Error(`fake Slack: no workspace ${opts.team} (addWorkspace first)`);
    return install.oauth;
  }

  /** Adds a workspace with the app installed (the fake's own first); `reinstalled` hears of an install after a loss. */
  addWorkspace(spec: WorkspaceSpec, reinstalled?: (loss: TokenLoss | undefined) => void): WorkspaceInstall {
    if (this.workspaces.has(spec.id) || this.enterprises.has(spec.id))
      throw new Error(`fake Slack: ${spec.id} is already there`);
    const org = spec.enterpriseId ? this.enterprises.get(spec.enterpriseId) : undefined;
    if (spec.enterpriseId && !org)
      throw new Error(`fake Slack: no enterprise ${spec.enterpriseId} (addEnterprise first)`);
    const botUserId = spec.botUserId ?? org?.botUserId ?? `U${tail(spec.id)}BOT`;
    const botId = spec.botId ?? org?.botId ?? `B${tail(spec.id)}BOT`;
    const { deps } = this;
    const workspace = this.newWorkspace({
      teamId: spec.id,
      teamName: spec.name,
      teamDomain: spec.domain ?? domainOf(spec.name),
      botUserId,
      botId,
      enterpriseId: spec.enterpriseId,
    });
    // Installed workspaces know each other (team.info, shareChannel between them).
    for (const other of this.workspaces.values()) {
      other.workspace.addTeam(workspace.ownTeam());
      workspace.addTeam(other.workspace.ownTeam());
    }
    let scopes = [...(spec.scopes ?? deps.defaultScopes)];
    const install = {
      kind: 'workspace',
      teamId: spec.id,
      botUserId,
      botId,
      enterpriseId: spec.enterpriseId,
      workspace,
      scopes: {
        get: () => scopes,
        set: (next: string[]) => {
          scopes = [...next];
        },
      },
      muted: false as boolean,
    } as WorkspaceInstall;
    install.people = new PeopleActions(workspace, this.port(install), { teamId: spec.id, botUserId });
    install.oauth = new OAuth(
      {
        now: () => deps.now(),
        teamId: spec.id,
        botUserId,
        appId: deps.appId,
        teamName: () => workspace.ownTeam().name,
        user: (id) => workspace.users.get(id),
        lost: () => install.people.tokenLoss !== undefined,
        reinstalled: () => {
          // The app is back: its bot user too (in no channel: Slack restores no membership).
          const loss = install.people.tokenLoss;
          install.people.tokenLoss = undefined;
          install.muted = false;
          reinstalled?.(loss);
        },
        grantedScopes: () => [...scopes],
        grant: (next) => install.scopes.set(next),
        // A workspace install into a workspace of an org names the org (is_enterprise_install stays false).
        ...(org ? { enterprise: { id: org.id, name: org.name } } : {}),
      },
      {
        token: spec.token ?? `xoxb-${spec.id.toLowerCase()}-token`,
        installer: spec.installer ?? 'U0OWNER',
        registration: deps.registration,
      },
    );
    this.workspaces.set(spec.id, install);
    return install;
  }

  addEnterprise(spec: EnterpriseSpec): OrgInstall {
    if (this.workspaces.has(spec.id) || this.enterprises.has(spec.id))
      throw new Error(`fake Slack: ${spec.id} is already there`);
    const { deps } = this;
    const org = {
      kind: 'enterprise',
      id: spec.id,
      name: spec.name,
      domain: spec.domain ?? domainOf(spec.name),
      ...orgBot(spec),
      scopes: [...(spec.scopes ?? deps.defaultScopes)],
      orgWide: spec.orgWide ?? true,
      revoked: new Set<string>(),
    } as OrgInstall;
    org.oauth = new OAuth(
      {
        now: () => deps.now(),
        teamId: spec.id,
        botUserId: org.botUserId,
        appId: deps.appId,
        teamName: () => org.name,
        user: (id) =>
          this.orgWorkspaces(org.id)
            .map((w) => w.workspace.users.get(id))
            .find((u) => u !== undefined),
        member: (user) => this.orgWorkspaces(org.id).some((w) => w.teamId === user.team_id),
        lost: () => false,
        reinstalled: () => {},
        grantedScopes: () => [...org.scopes],
        // Called on each install through the authorize page: the app is now installed org-wide.
        grant: (next) => {
          org.scopes = [...next];
          org.orgWide = true;
        },
        enterprise: { id: org.id, name: org.name },
        orgWide: true,
      },
      {
        token: spec.token ?? `xoxb-${spec.id.toLowerCase()}-org-token`,
        installer: spec.installer ?? 'U0OWNER',
        registration: deps.registration,
      },
    );
    this.enterprises.set(spec.id, org);
    return org;
  }

  /** The workspaces of an org, in the order they were added (the fake's own first, when it is one of them). */
  orgWorkspaces(enterpriseId: string): WorkspaceInstall[] {
    return [...this.workspaces.values()].filter((w) => w.enterpriseId === enterpriseId);
  }

  /** The workspaces of an org its org-wide install may act in: all but the revoked ones. */
  granted(org: OrgInstall): WorkspaceInstall[] {
    return this.orgWorkspaces(org.id).filter((w) => !org.revoked.has(w.teamId));
  }

  /**
   * An org admin gives the org-wide install access to one of the org's workspaces again (after `revokeTeam`), then
   * Slack's `team_access_granted`. Throws for a workspace not of the org, or one already granted.
   */
  grantTeam(org: OrgInstall, teamId: string): Promise<EventDelivery<TeamAccessEvent>> {
    const install = this.orgWorkspace(org, teamId);
    if (!org.revoked.has(teamId)) throw new Error(`fake Slack: ${teamId} is already granted to ${org.id}`);
    org.revoked.delete(teamId);
    return this.deliverTeamAccess(org, install, 'team_access_granted');
  }

  /**
   * An org admin removes the org-wide install from one of the org's workspaces: its token is refused there
   * (`team_access_not_granted`), auth.teams.list leaves it out, and that workspace's events are recorded, not sent.
   * Then Slack's `team_access_revoked`. Throws for a workspace not of the org, or one already revoked.
   */
  revokeTeam(org: OrgInstall, teamId: string): Promise<EventDelivery<TeamAccessEvent>> {
    const install = this.orgWorkspace(org, teamId);
    if (org.revoked.has(teamId)) throw new Error(`fake Slack: ${teamId} is already revoked from ${org.id}`);
    org.revoked.add(teamId);
    return this.deliverTeamAccess(org, install, 'team_access_revoked');
  }

  private orgWorkspace(org: OrgInstall, teamId: string): WorkspaceInstall {
    if (!org.orgWide) throw new Error(`fake Slack: the app is not installed org-wide in ${org.id}`);
    const install = this.orgWorkspaces(org.id).find((w) => w.teamId === teamId);
    if (!install) throw new Error(`fake Slack: ${teamId} is not a workspace of ${org.id}`);
    return install;
  }

  /** A team access event, sent to the org-wide install as that workspace's (sent even for a revoked one). */
  private deliverTeamAccess(
    org: OrgInstall,
    install: WorkspaceInstall,
    type: TeamAccessEvent['type'],
  ): Promise<EventDelivery<TeamAccessEvent>> {
    const event: TeamAccessEvent = { type, team_ids: [install.teamId], event_ts: install.workspace.nextTs() };
    return this.deps.sender.deliver(event, {
      teamId: install.teamId,
      botUserId: org.botUserId,
      enterpriseId: org.id,
      orgWide: true,
    });
  }

  /** The install that issued a token (valid or not), if any. */
  byToken(token: string): WorkspaceInstall | OrgInstall | undefined {
    // Remembered by token (a bench's thousand workspaces ask on every call), while its install still says so.
    const known = this.tokenOwners.get(token);
    if (known?.oauth.issued(token)) return known;
    const found = [...this.workspaces.values(), ...this.enterprises.values()].find((i) =>
      i.oauth.issued(token),
    );
    if (found) this.tokenOwners.set(token, found);
    return found;
  }

  private readonly tokenOwners = new Map<string, WorkspaceInstall | OrgInstall>();

  /** Whether Slack accepts the token now. An org token only while the app is installed org-wide. */
  check(install: WorkspaceInstall | OrgInstall, token: string): TokenCheck {
    if (install.kind === 'enterprise' && !install.orgWide) return 'invalid_auth';
    return install.oauth.check(token);
  }

  /** The `x-oauth-scopes` header of a call made with an accepted token, as Slack answers it. */
  scopesOf(token: string): Record<string, string> | undefined {
    const install = this.byToken(token);
    if (!install || this.check(install, token) !== 'ok') return undefined;
    const scopes = install.kind === 'workspace' ? install.scopes.get() : install.scopes;
    return { 'x-oauth-scopes': scopes.join(',') };
  }

  /** The install target an oauth.v2.access call is for: the one that issued its code or refresh token. */
  oauthFor(args: Args): OAuth | undefined {
    return [...this.workspaces.values(), ...this.enterprises.values()].find((i) => i.oauth.owns(args))?.oauth;
  }

  /** Answers a Web API call made with an install's (accepted) token. */
  answer(install: WorkspaceInstall | OrgInstall, method: string, args: Args): ApiResult {
    if (install.kind === 'workspace')
      return method === 'auth.teams.list' ? teamsList([install], args) : handle(install, method, args);
    if (method === 'auth.test') return orgAuthTest(install);
    const granted = this.granted(install);
    if (method === 'auth.teams.list') return teamsList(granted, args);
    const teamId = str(args.team_id);
    if (teamId) {
      const named = granted.find((w) => w.teamId === teamId);
      return named ? handle(named, method, args) : fail('team_access_not_granted');
    }
    if (TEAM_ID_REQUIRED.has(method)) return fail('missing_argument');
    const found = workspaceFor(granted, args) ?? granted[0];
    return found ? handle(found, method, args) : fail('team_access_not_granted');
  }

  /**
   * How a workspace's events reach the app: delivered as that workspace (its team, bot and org), and stopped for
   * it alone when the app is uninstalled there. The fake's own workspace alone stops all events, as it always did.
   */
  port(install: WorkspaceInstall): EventPort {
    return {
      deliver: (event) => this.deps.sender.deliver(event, this.target(install)),
      unsubscribe: (url?: string) => {
        if (install === this.primary && this.workspaces.size === 1) this.deps.sender.unsubscribe(url);
        else install.muted = true;
      },
    };
  }

  /** Who an event of a workspace is for (EventTarget). */
  target(install: WorkspaceInstall): EventTarget {
    const org = install.enterpriseId ? this.enterprises.get(install.enterpriseId) : undefined;
    // A workspace the org-wide install was removed from sends it nothing.
    const revoked = org?.orgWide === true && org.revoked.has(install.teamId);
    return {
      teamId: install.teamId,
      botUserId: install.botUserId,
      ...(org ? { enterpriseId: org.id, orgWide: org.orgWide } : {}),
      ...(install.muted || revoked ? { muted: true } : {}),
    };
  }

  /** The workspace a share of `channelId` with `teamId` starts from: the one holding it (not `teamId`). */
  ownerOf(channelId: string, teamId: string): WorkspaceInstall {
    return (
      [...this.workspaces.values()].find((w) => w.teamId !== teamId && w.workspace.channels.has(channelId)) ??
      this.primary
    );
  }

  /** After a share with an installed workspace: it knows the channel too (the same object, the same messages). */
  link(owner: WorkspaceInstall, channelId: string, teamId: string): void {
    const joined = this.workspaces.get(teamId);
    const channel = owner.workspace.channels.get(channelId);
    if (joined && channel) joined.workspace.channels.set(channelId, channel);
  }

  /** After an installed workspace left a shared channel: it no longer knows it, and its bot is out. */
  unlink(owner: WorkspaceInstall, channelId: string, teamId: string): void {
    const left = this.workspaces.get(teamId);
    const channel = owner.workspace.channels.get(channelId);
    if (!left || !channel) return;
    left.workspace.channels.delete(channelId);
    if (left.botUserId !== owner.botUserId)
      channel.members = channel.members.filter((id) => id !== left.botUserId);
  }

  /** The workspace holding a file (by id), if any. */
  fileHolder(fileId: string): Workspace | undefined {
    return [...this.workspaces.values()].find((w) => w.workspace.files.files.has(fileId))?.workspace;
  }

  /** Forgets every other workspace's views, trigger ids and files (the server resets its own). */
  reset(): void {
    for (const install of this.workspaces.values()) {
      if (install !== this.primary) install.workspace.reset();
    }
  }
}

function handle(install: WorkspaceInstall, method: string, args: Args): ApiResult {
  return install.workspace.handlers[method]?.(args) ?? fail('unknown_method');
}

/**
 * auth.teams.list (https://docs.slack.dev/reference/methods/auth.teams.list): the workspaces a token may act in,
 * `{ id, name }` each, paged with `limit` (1 to 1000, default 100; else
 * `invalid_limit`) and `cursor` (a `next_cursor` of an earlier page; else `invalid_cursor`). An org-wide token
 * lists the org's workspaces it is granted; a workspace token lists its own workspace.
 */
function teamsList(installs: WorkspaceInstall[], args: Args): ApiResult {
  let limit = 100;
  if (args.limit !== undefined && args.limit !== '') {
    limit = Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return fail('invalid_limit');
  }
  let start = 0;
  const cursor = str(args.cursor);
  if (cursor) {
    const at = /^next:(\d+)$/.exec(cursor)?.[1];
    if (at === undefined || Number(at) >= installs.length) return fail('invalid_cursor');
    start = Number(at);
  }
  const more = start + limit < installs.length;
  return {
    ok: true,
    teams: installs.slice(start, start + limit).map((w) => {
      const team = w.workspace.ownTeam();
      return { id: team.id, name: team.name };
    }),
    response_metadata: { next_cursor: more ? `next:${start + limit}` : '' },
  };
}

/** auth.test with an org-wide token: the org, as both team and enterprise. */
function orgAuthTest(org: OrgInstall): ApiResult {
  return {
    ok: true,
    url: `https://${org.domain}.enterprise.slack.com/`,
    team: org.name,
    user: 'bot',
    team_id: org.id,
    user_id: org.botUserId,
    bot_id: org.botId,
    enterprise_id: org.id,
    is_enterprise_install: true,
  };
}

/**
 * The workspace of an org a call without `team_id` is about: the one holding its conversation (a channel, a D…
 * or a person), else its person, else its view or trigger id.
 */
function workspaceFor(granted: WorkspaceInstall[], args: Args): WorkspaceInstall | undefined {
  const conversation = str(args.channel) ?? str(args.channel_id);
  if (conversation) {
    const person = conversation.startsWith('D') ? conversation.slice(1) : conversation;
    return granted.find((w) => w.workspace.channels.has(conversation) || w.workspace.users.has(person));
  }
  const user = str(args.user) ?? str(args.user_id) ?? str(args.users)?.split(',')[0];
  if (user) return granted.find((w) => w.workspace.users.has(user));
  const view = str(args.view_id) ?? str(args.external_id);
  const trigger = str(args.trigger_id);
  return granted.find(
    (w) =>
      (view !== undefined && w.workspace.views.find(view) !== undefined) ||
      (trigger !== undefined && w.workspace.views.triggers.has(trigger)),
  );
}
