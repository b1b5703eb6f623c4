/**
 * One installed workspace of the fake Slack, for a test to set up and look at (`FakeSlack.addWorkspace`,
 * `FakeSlack.workspaceOf`). The set-up and read-back methods (`withWorkspaceMethods`) are the same for the fake itself,
 * which acts on its first workspace, and for each FakeWorkspace.
 */
import { copyChannel, copyFile, copyUser } from './common.js';
import type {
  AppUninstalledEvent,
  ChannelLeftEvent,
  EventDelivery,
  FakeEvent,
  MemberJoinedChannelEvent,
  TeamAccessEvent,
  TokensRevokedEvent,
  UserStatusChangedEvent,
} from './events.js';
import type { StatusChange, TokenLoss } from './peopleActions.js';
import type { OrgInstall, Tenants, WorkspaceInstall } from './tenants.js';
import type { FakeChannel, FakeFile, FakeTeam, FakeUser, FakeView, StoredMessage } from './types.js';

/**
 * The methods that set up and read back one installed workspace: FakeSlack's (its own workspace) and FakeWorkspace's
 * (another one) are these. `install` is the workspace; `tenants` all of them.
 */
// biome-ignore lint/suspicious/noExplicitAny: a mixin's base is a class whose constructor takes anything.
export function withWorkspaceMethods<B extends abstract new (...args: any[]) => object>(Base: B) {
  abstract class WorkspaceMethods extends Base {
    protected abstract readonly install: WorkspaceInstall;
    protected abstract readonly tenants: Tenants;

    /**
     * The workspace's current bot token: the one it started with (the fake's `token` option, 'xoxb-test-token') until
     * an OAuth install issues another (a reinstall after the token was lost, or any exchange with token rotation: the
     * latest access token).
     */
    get token(): string {
      return this.install.oauth.botToken;
    }

    /**
     * The bot scopes granted here, answered in the `x-oauth-scopes` header of calls made with its token (see
     * FakeSlackOptions.scopes).
     */
    get grantedScopes(): string[] {
      return this.install.scopes.get();
    }

    set grantedScopes(scopes: string[]) {
      this.install.scopes.set(scopes);
    }

    /** Who clicks Allow on the authorize page for this workspace: one of its members (default 'U0OWNER'). */
    get installer(): string {
      return this.install.oauth.installer;
    }

    set installer(userId: string) {
      this.install.oauth.installer = userId;
    }

    /** The Enterprise Grid org it belongs to (the fake's own: the `enterprise` option), if any. */
    get enterpriseId(): string | undefined {
      return this.install.enterpriseId;
    }

    addUser(user: FakeUser): void {
      this.install.workspace.users.set(user.id, copyUser(user));
    }

    /** Adds (or replaces) a conversation; put the bot user id in `members` to let the bot post there. */
    addChannel(channel: FakeChannel): void {
      this.install.workspace.channels.set(channel.id, copyChannel(channel));
    }

    /**
     * Adds (or replaces) a team for team.info: an external organization (to share channels with, see
     * `FakeSlack.shareChannel`) or, with its own team id, the workspace's own team (its name and domain also show in
     * auth.test and permalinks). Without `domain`, the name lowercased with hyphens ('Acme Corp' -> 'acme-corp').
     */
    addTeam(team: FakeTeam): void {
      this.install.workspace.addTeam(team);
    }

    /**
     * Adds (or replaces) a user group (an S… id, like Slack's) with these members, for usergroups.users.list, and with
     * its name and handle for usergroups.list. The members need not be users of the fake (Slack only lists ids).
     */
    addUserGroup(id: string, users: readonly string[], named?: { name: string; handle: string }): void {
      this.install.workspace.usergroups.set(id, [...users]);
      if (named) this.install.workspace.usergroupNames.set(id, { ...named });
    }

    /** Every user of the workspace (copies, with their statuses as set), the bot included. */
    users(): FakeUser[] {
      return [...this.install.workspace.users.values()].map(copyUser);
    }

    /** Every conversation that is not a DM, shared ones included (copies). */
    channels(): FakeChannel[] {
      return [...this.install.workspace.channels.values()].map(copyChannel);
    }

    /** Every team the workspace knows (copies, domains resolved), its own first. */
    teams(): Required<FakeTeam>[] {
      return [...this.install.workspace.teams.values()].map((t) => ({ ...t }));
    }

    /** Current messages of a conversation (D… id for DMs), in post order, whichever workspace's bot posted them. */
    messages(channel: string): StoredMessage[] {
      return (this.install.workspace.messages.get(channel) ?? []).map((m) => structuredClone(m));
    }

    /** One file by id (a copy: its bytes, its shares), or undefined. */
    file(id: string): FakeFile | undefined {
      const file = this.install.workspace.files.files.get(id);
      return file && copyFile(file);
    }

    dmChannelFor(userId: string): string {
      return this.install.workspace.dmChannelFor(userId);
    }

    /** A message a person wrote in a conversation (a thread reply with `thread_ts`); returns its ts. */
    postAsPerson(message: { channel: string; user: string; text: string; thread_ts?: string }): string {
      return this.install.workspace.postAsPerson(message);
    }

    /**
     * A fresh trigger id: single use, valid for 3 s (`triggerTtlMs`). Pass the id of an open modal to
     * make `views.push` stack onto that modal (as a trigger from a button inside it would); otherwise
     * `views.push` stacks onto the latest opened modal.
     */
    issueTriggerId(opts: { viewId?: string } = {}): string {
      return this.install.workspace.views.issueTriggerId(opts.viewId);
    }

    /** Current state of a view, by view id or external_id. */
    view(idOrExternalId: string): FakeView | undefined {
      const view = this.install.workspace.views.find(idOrExternalId);
      return view && structuredClone(view);
    }

    /** The Home tab view published for a user. */
    homeView(userId: string): FakeView | undefined {
      const id = this.install.workspace.views.homeViews.get(userId);
      return id ? this.view(id) : undefined;
    }

    /**
     * Sets a user's custom status, as the person would in Slack, without the event Slack then sends (`changeStatus`
     * sends it): users.profile.get and users.info show it until `expiration` (by the fake's `now`), then it reads as
     * cleared. No `expiration` (or null): until changed. An empty text and emoji clear it. Throws for an unknown user
     * (a mistake in the test).
     */
    setStatus(userId: string, status: StatusChange): void {
      this.install.people.setStatus(userId, status);
    }

    /**
     * The person sets (or clears) their status in Slack's client: as `setStatus`, then Slack's `user_status_changed`
     * event, delivered as by `FakeSlack.shareChannel`. The same for the others below, each what Slack does
     * (fakeSlack/peopleActions.ts).
     */
    changeStatus(userId: string, status: StatusChange): Promise<EventDelivery<UserStatusChangedEvent>> {
      return this.install.people.changeStatus(userId, status);
    }

    /** `actorId` removes the app from a channel: the bot user leaves it, then `channel_left` (`group_left` if private). */
    removeApp(channelId: string, actorId: string): Promise<EventDelivery<ChannelLeftEvent>> {
      return this.install.people.removeApp(channelId, actorId);
    }

    /** `inviterId` invites the app to a channel: the bot user joins it, then `member_joined_channel`. */
    inviteApp(channelId: string, inviterId: string): Promise<EventDelivery<MemberJoinedChannelEvent>> {
      return this.install.people.inviteApp(channelId, inviterId);
    }

    /**
     * The bot token is revoked: answered `token_revoked` from now on, the bot out of every channel, `tokens_revoked`
     * naming this workspace. The other workspaces keep theirs.
     */
    revokeBotToken(): Promise<EventDelivery<TokensRevokedEvent>> {
      return this.install.people.revokeBotToken();
    }

    /**
     * The app is uninstalled from this workspace: its token revoked, `app_uninstalled` and `tokens_revoked` with this
     * team's `team_id` and `authorizations`, then no event from here after them. The other workspaces keep their
     * tokens and events. An OAuth install into this workspace brings it back.
     */
    uninstallApp(): Promise<EventDelivery<AppUninstalledEvent | TokensRevokedEvent>[]> {
      return this.install.people.uninstallApp();
    }

    /** How the bot token was lost (`revokeBotToken`, `uninstallApp`); undefined while Slack accepts it. */
    get tokenLoss(): TokenLoss | undefined {
      return this.install.people.tokenLoss;
    }

    /**
     * Delivers any event as this workspace: its `team_id`, the app's id and bot in `authorizations`, and in an org
     * `enterprise_id`, `context_team_id`, `context_enterprise_id` and, once the app is installed org-wide, the
     * org-wide authorization (`team_id: null`, `is_enterprise_install: true`).
     */
    deliver<E extends FakeEvent>(event: E): Promise<EventDelivery<E>> {
      return this.tenants.port(this.install).deliver(event);
    }
  }
  return WorkspaceMethods;
}

export class FakeWorkspace extends withWorkspaceMethods(Object) {
  constructor(
    protected readonly install: WorkspaceInstall,
    protected readonly tenants: Tenants,
  ) {
    super();
  }

  get teamId(): string {
    return this.install.teamId;
  }

  /** The app's bot user here (the org's, in a workspace of an org). */
  get botUserId(): string {
    return this.install.botUserId;
  }

  get botId(): string {
    return this.install.botId;
  }
}

/** An Enterprise Grid org of the fake Slack and the app's org-wide install in it (`FakeSlack.addEnterprise`). */
export class FakeEnterprise {
  constructor(
    private readonly org: OrgInstall,
    private readonly tenants: Tenants,
  ) {}

  /** The org-wide bot token: the one it started with, or the latest an org-wide OAuth install issued. */
  get token(): string {
    return this.org.oauth.botToken;
  }

  /**
   * An org admin removes the org-wide install from one workspace of the org: the org token answers
   * `team_access_not_granted` there, auth.teams.list leaves it out, its events are recorded but not sent; then
   * `team_access_revoked` (`team_ids: [teamId]`). Throws unless installed org-wide and `teamId` is a granted
   * workspace of the org.
   */
  revoke(teamId: string): Promise<EventDelivery<TeamAccessEvent>> {
    return this.tenants.revokeTeam(this.org, teamId);
  }

  /** Gives a revoked workspace back to the org-wide install, then `team_access_granted`. Throws as `revoke`. */
  grant(teamId: string): Promise<EventDelivery<TeamAccessEvent>> {
    return this.tenants.grantTeam(this.org, teamId);
  }
}
