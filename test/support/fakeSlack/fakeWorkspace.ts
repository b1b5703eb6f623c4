/**
 * One installed workspace of the fake Slack, for a test to set up and look at (`FakeSlack.addWorkspace`,
 * `FakeSlack.workspaceOf`). Its methods do what FakeSlack's methods of the same name do, for this workspace: the
 * fake's own methods act on its first workspace.
 */
import { copyChannel, copyUser } from './common.js';
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

export class FakeWorkspace {
  constructor(
    private readonly install: WorkspaceInstall,
    private readonly tenants: Tenants,
  ) {}

  get teamId(): string {
    return this.install.teamId;
  }

  /** The Enterprise Grid org it belongs to, if any. */
  get enterpriseId(): string | undefined {
    return this.install.enterpriseId;
  }

  /** The app's bot user here (the org's, in a workspace of an org). */
  get botUserId(): string {
    return this.install.botUserId;
  }

  get botId(): string {
    return this.install.botId;
  }

  /** The workspace's current bot token: the one it started with, or the latest an OAuth install issued. */
  get token(): string {
    return this.install.oauth.botToken;
  }

  /** Who clicks Allow on the authorize page for this workspace: one of its members. */
  get installer(): string {
    return this.install.oauth.installer;
  }

  set installer(userId: string) {
    this.install.oauth.installer = userId;
  }

  /** The bot scopes granted here (the `x-oauth-scopes` header of calls made with its token). */
  get grantedScopes(): string[] {
    return this.install.scopes.get();
  }

  set grantedScopes(scopes: string[]) {
    this.install.scopes.set(scopes);
  }

  addUser(user: FakeUser): void {
    this.install.workspace.users.set(user.id, copyUser(user));
  }

  /** Adds (or replaces) a conversation of this workspace; put `botUserId` in `members` for the bot to post. */
  addChannel(channel: FakeChannel): void {
    this.install.workspace.channels.set(channel.id, copyChannel(channel));
  }

  /** Adds (or replaces) a team this workspace knows: an external organization to share channels with. */
  addTeam(team: FakeTeam): void {
    this.install.workspace.addTeam(team);
  }

  addUserGroup(id: string, users: readonly string[], named?: { name: string; handle: string }): void {
    this.install.workspace.usergroups.set(id, [...users]);
    if (named) this.install.workspace.usergroupNames.set(id, { ...named });
  }

  /** Every user this workspace knows (copies), the bot included. */
  users(): FakeUser[] {
    return [...this.install.workspace.users.values()].map(copyUser);
  }

  /** Every conversation this workspace knows, shared ones included (copies). */
  channels(): FakeChannel[] {
    return [...this.install.workspace.channels.values()].map(copyChannel);
  }

  teams(): Required<FakeTeam>[] {
    return [...this.install.workspace.teams.values()].map((t) => ({ ...t }));
  }

  /** Current messages of a conversation (D… id for DMs), in post order, whichever workspace's bot posted them. */
  messages(channel: string): StoredMessage[] {
    return (this.install.workspace.messages.get(channel) ?? []).map((m) => structuredClone(m));
  }

  /** A file uploaded to this workspace (its bytes, its shares), or undefined. */
  file(id: string): FakeFile | undefined {
    const file = this.install.workspace.files.files.get(id);
    return file && { ...file, bytes: Buffer.from(file.bytes), channels: [...file.channels] };
  }

  dmChannelFor(userId: string): string {
    return this.install.workspace.dmChannelFor(userId);
  }

  /** A message a person of this workspace wrote in a conversation; returns its ts. */
  postAsPerson(message: { channel: string; user: string; text: string; thread_ts?: string }): string {
    return this.install.workspace.postAsPerson(message);
  }

  /** A fresh trigger id for views.open in this workspace (see FakeSlack.issueTriggerId). */
  issueTriggerId(opts: { viewId?: string } = {}): string {
    return this.install.workspace.views.issueTriggerId(opts.viewId);
  }

  view(idOrExternalId: string): FakeView | undefined {
    const view = this.install.workspace.views.find(idOrExternalId);
    return view && structuredClone(view);
  }

  homeView(userId: string): FakeView | undefined {
    const id = this.install.workspace.views.homeViews.get(userId);
    return id ? this.view(id) : undefined;
  }

  setStatus(userId: string, status: StatusChange): void {
    this.install.people.setStatus(userId, status);
  }

  changeStatus(userId: string, status: StatusChange): Promise<EventDelivery<UserStatusChangedEvent>> {
    return this.install.people.changeStatus(userId, status);
  }

  removeApp(channelId: string, actorId: string): Promise<EventDelivery<ChannelLeftEvent>> {
    return this.install.people.removeApp(channelId, actorId);
  }

  inviteApp(channelId: string, inviterId: string): Promise<EventDelivery<MemberJoinedChannelEvent>> {
    return this.install.people.inviteApp(channelId, inviterId);
  }

  /** The bot token of this workspace is revoked; the others keep theirs. `tokens_revoked` names this team. */
  revokeBotToken(): Promise<EventDelivery<TokensRevokedEvent>> {
    return this.install.people.revokeBotToken();
  }

  /**
   * The app is uninstalled from this workspace alone: its token revoked, `app_uninstalled` and `tokens_revoked`
   * with this team's `team_id` and `authorizations`, then no more events from here. The other workspaces keep
   * their tokens and events. An OAuth install into this workspace brings it back.
   */
  uninstallApp(): Promise<EventDelivery<AppUninstalledEvent | TokensRevokedEvent>[]> {
    return this.install.people.uninstallApp();
  }

  /** How this workspace's bot token was lost; undefined while Slack accepts it. */
  get tokenLoss(): TokenLoss | undefined {
    return this.install.people.tokenLoss;
  }

  /**
   * Delivers any event as this workspace: its `team_id`, the app's id, its bot in `authorizations`, and on
   * Enterprise Grid its org (`enterprise_id`, `context_team_id`, `is_enterprise_install` for an org-wide install).
   */
  deliver<E extends FakeEvent>(event: E): Promise<EventDelivery<E>> {
    return this.tenants.port(this.install).deliver(event);
  }
}

/** An Enterprise Grid org of the fake Slack and the app's org-wide install in it (`FakeSlack.addEnterprise`). */
export class FakeEnterprise {
  constructor(
    private readonly org: OrgInstall,
    private readonly tenants: Tenants,
  ) {}

  get id(): string {
    return this.org.id;
  }

  get name(): string {
    return this.org.name;
  }

  /** The app's one bot user in every workspace of the org. */
  get botUserId(): string {
    return this.org.botUserId;
  }

  get botId(): string {
    return this.org.botId;
  }

  /** The org-wide bot token: the one it started with, or the latest an org-wide OAuth install issued. */
  get token(): string {
    return this.org.oauth.botToken;
  }

  /** Whether the app is installed org-wide (its token works; events say `is_enterprise_install: true`). */
  get orgWide(): boolean {
    return this.org.orgWide;
  }

  /** Who clicks Allow for an org-wide install: a member of one of the org's workspaces. */
  get installer(): string {
    return this.org.oauth.installer;
  }

  set installer(userId: string) {
    this.org.oauth.installer = userId;
  }

  /** The org's workspaces, in the order they were added (the fake's own first, with the `enterprise` option). */
  workspaces(): FakeWorkspace[] {
    return this.tenants.orgWorkspaces(this.org.id).map((w) => new FakeWorkspace(w, this.tenants));
  }

  /** The team ids of the org's workspaces the org-wide install is granted (auth.teams.list): all but the revoked. */
  grantedTeams(): string[] {
    return this.tenants.granted(this.org).map((w) => w.teamId);
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
