/**
 * State of the fake workspace (users, conversations, messages, views, trigger ids, files) and the Web API
 * methods that act on it. Transport concerns (HTTP, auth, injected failures, recording) live in server.ts.
 */
import { validateMessage } from './blockLimits.js';
import {
  type ApiError,
  type ApiResult,
  type Args,
  blocksFail,
  type EnterpriseUser,
  fail,
  str,
  type WorkspaceConfig,
} from './common.js';
import { FileStore, type FileViewer } from './files.js';
import type { FakeChannel, FakeTeam, FakeUser, StoredMessage } from './types.js';
import { ViewStore } from './views.js';

export type { ApiResult } from './common.js';

type Handler = (args: Args) => ApiResult;
type Target =
  | { kind: 'im'; id: string; user: FakeUser }
  | { kind: 'channel'; id: string; channel: FakeChannel }
  | ApiError;

const DEFAULT_TZ = 'America/Los_Angeles';

/** A team's `<domain>.slack.com` subdomain when none was given: its name, lowercased, words joined by hyphens. */
export const domainOf = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'team';

/** Text, blocks or attachments given (malformed blocks count: validation reports them). */
const hasContent = (args: Args): boolean =>
  str(args.text) !== undefined ||
  [args.blocks, args.attachments].some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0));

/** Offset (seconds east of UTC) and long name of an IANA zone, today. */
function zoneInfo(tz: string): { offset: number; label: string } {
  const part = (timeZoneName: 'longOffset' | 'long') =>
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset'));
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  return { offset, label: part('long') };
}

export class Workspace {
  readonly users = new Map<string, FakeUser>();
  /** The own team (always there) and external ones, by id; domains resolved. */
  readonly teams = new Map<string, Required<FakeTeam>>();
  readonly channels = new Map<string, FakeChannel>();
  /** Messages per conversation id, in post order. */
  readonly messages: Map<string, StoredMessage[]>;
  readonly views: ViewStore;
  readonly files: FileStore;
  /** User groups (S… ids) and their members, in the order given. */
  readonly usergroups = new Map<string, string[]>();
  /** Each user group's name and handle (usergroups.list); a group added without them is named after its id. */
  readonly usergroupNames = new Map<string, { name: string; handle: string }>();
  /** The ts clock: the one all installed workspaces share, or the workspace's own. */
  private readonly ts: { lastMicros: number };

  readonly handlers: Record<string, Handler> = {
    'auth.test': () => this.authTest(),
    'users.info': (a) => this.usersInfo(a),
    'users.profile.get': (a) => this.usersProfileGet(a),
    'usergroups.users.list': (a) => this.usergroupsUsersList(a),
    'usergroups.list': (a) => this.usergroupsList(a),
    'team.info': (a) => this.teamInfo(a),
    'conversations.info': (a) => this.conversationsInfo(a),
    'conversations.open': (a) => this.conversationsOpen(a),
    'chat.postMessage': (a) => this.postMessage(a),
    'conversations.history': (a) => this.history(a, false),
    'conversations.replies': (a) => this.history(a, true),
    'chat.update': (a) => this.update(a),
    'chat.getPermalink': (a) => this.getPermalink(a),
    'chat.postEphemeral': (a) => this.postEphemeral(a),
    'views.open': (a) => this.views.open(a, false),
    'views.push': (a) => this.views.open(a, true),
    'views.update': (a) => this.views.update(a),
    'views.publish': (a) => this.views.publish(a),
    'files.getUploadURLExternal': (a) => this.files.getUploadURLExternal(a),
    'files.completeUploadExternal': (a) => this.completeUploadExternal(a),
    'files.info': (a) => this.files.info(a),
    'files.delete': (a) => this.files.delete(a),
    'users.lookupByEmail': (a) => this.lookupByEmail(a),
    'reactions.add': (a) => this.addReaction(a),
  };

  constructor(private readonly config: WorkspaceConfig) {
    this.messages = config.shared?.messages ?? new Map();
    this.ts = config.shared?.ts ?? { lastMicros: 0 };
    this.files = new FileStore(config);
    this.views = new ViewStore(
      config,
      (userId) => this.users.has(userId),
      (viewer) => this.filesFor(viewer),
    );
    this.addBotUser();
    this.addTeam({ id: config.teamId, name: config.teamName, domain: config.teamDomain });
  }

  /** The workspace's own team id. */
  get teamId(): string {
    return this.config.teamId;
  }

  /** The app's bot user in this workspace. */
  get botUserId(): string {
    return this.config.botUserId;
  }

  /** Adds (or replaces) a team; the own team's entry can be replaced, never removed. */
  addTeam(team: FakeTeam): void {
    this.teams.set(team.id, { id: team.id, name: team.name, domain: team.domain ?? domainOf(team.name) });
  }

  ownTeam(): Required<FakeTeam> {
    const team = this.teams.get(this.config.teamId);
    if (!team) throw new Error('fake Slack: the own team is missing');
    return team;
  }

  /**
   * What Slack does when an external organization joins a channel through Slack Connect: the team is added to
   * `shared_team_ids` and the channel becomes shared. Throws on what Slack could not do (unknown channel or team,
   * the own team, a team already in the channel): those are mistakes in the test.
   */
  shareChannel(channelId: string, teamId: string): FakeChannel {
    const channel = this.sharedChannel(channelId, teamId);
    const ids = channel.shared_team_ids ?? [this.config.teamId];
    if (ids.includes(teamId)) throw new Error(`fake Slack: ${channelId} is already shared with ${teamId}`);
    // New arrays: a channel added from a fixture may share them with the fixture.
    channel.shared_team_ids = [...ids, teamId];
    channel.is_shared = true;
    channel.is_ext_shared = true;
    return channel;
  }

  /**
   * What Slack does when an external organization leaves (or is removed from) a shared channel: the team leaves
   * `shared_team_ids`; the channel stays externally shared while another team than the own one is in it.
   */
  unshareChannel(channelId: string, teamId: string): FakeChannel {
    const channel = this.sharedChannel(channelId, teamId);
    const ids = channel.shared_team_ids ?? [this.config.teamId];
    if (!ids.includes(teamId)) throw new Error(`fake Slack: ${channelId} is not shared with ${teamId}`);
    channel.shared_team_ids = ids.filter((id) => id !== teamId);
    channel.is_ext_shared = channel.shared_team_ids.some((id) => id !== this.config.teamId);
    channel.is_shared = channel.is_ext_shared || (channel.is_org_shared ?? false);
    return channel;
  }

  /** The channel a share or unshare with an external team is about (throws on a test's mistake). */
  private sharedChannel(channelId: string, teamId: string): FakeChannel {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`fake Slack: no channel ${channelId} (addChannel first)`);
    if (!this.teams.has(teamId)) throw new Error(`fake Slack: no team ${teamId} (addTeam first)`);
    if (teamId === this.config.teamId) throw new Error(`fake Slack: ${teamId} is the fake's own team`);
    return channel;
  }

  /** Forgets messages, views, trigger ids and files; keeps users (and their statuses), user groups and channels. */
  reset(): void {
    this.messages.clear();
    this.views.reset();
    this.files.reset();
  }

  /**
   * Block Kit validation of a message body, with `slack_file` references resolved against the files as the
   * message's viewers see them: the members of `conversation` (where it is posted). Without a conversation (a
   * response URL the fake was given none for) a file shared anywhere, or public, counts as visible.
   */
  validateMessage(args: Args, conversation: string | undefined) {
    return validateMessage(args, {
      files: this.filesFor(conversation === undefined ? { anyone: true } : { conversation }),
    });
  }

  /**
   * The files as one surface's viewers see them. A message in a conversation: files shared there. A person's view
   * (Home tab): files shared in a conversation they are in (a channel they are a member of, or their DM with the
   * app). A viewer the fake cannot tell (a modal: its trigger does not say whose it is): files shared anywhere.
   * Public files are visible to all of them; a file private to the bot to none.
   */
  filesFor(viewer: FileViewer) {
    if ('conversation' in viewer)
      return this.files.lookupFor((channels) => channels.includes(viewer.conversation));
    if ('userId' in viewer) {
      const { userId } = viewer;
      return this.files.lookupFor((channels) =>
        channels.some(
          (id) =>
            id === this.dmChannelFor(userId) || (this.channels.get(id)?.members.includes(userId) ?? false),
        ),
      );
    }
    return this.files.lookupFor((channels) => channels.length > 0);
  }

  addBotUser(): void {
    const { botUserId, teamId } = this.config;
    if (this.users.has(botUserId)) return;
    this.users.set(botUserId, { id: botUserId, team_id: teamId, name: 'bot', is_bot: true });
  }

  dmChannelFor(userId: string): string {
    return `D${userId}`;
  }

  /**
   * A unique, increasing message ts in Slack's format, close to the current time: the fake Slack's clock (`now`,
   * real time unless the sandbox moves it), so a message posted at 09:00 on the sandbox's Friday reads 09:00.
   */
  nextTs(): string {
    const micros = Math.max(this.config.now() * 1000, this.ts.lastMicros + 1);
    this.ts.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  /** Resolves a `channel` argument: a user id (their DM with the bot), a D… id or a known channel id. */
  resolveTarget(channel: unknown, { allowUserId }: { allowUserId: boolean }): Target {
    const id = str(channel);
    if (!id) return fail('channel_not_found');
    const known = this.channels.get(id);
    if (known) return { kind: 'channel', id, channel: known };
    let userId: string | undefined;
    if (/^[UW]/.test(id)) userId = allowUserId ? id : undefined;
    else if (id.startsWith('D')) userId = id.slice(1);
    const user = userId ? this.users.get(userId) : undefined;
    if (!user || user.id === this.config.botUserId) return fail('channel_not_found');
    return { kind: 'im', id: this.dmChannelFor(user.id), user };
  }

  /** Message fields as Slack returns them in `message`. */
  messageObject(m: StoredMessage): Record<string, unknown> {
    // The app's bot in another installed workspace (a channel both share): its bot, its team.
    const otherBot = m.user === this.config.botUserId ? undefined : this.config.shared?.botOf(m.user);
    return {
      type: 'message',
      text: m.text ?? '',
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.attachments ? { attachments: m.attachments } : {}),
      user: m.user,
      ts: m.ts,
      // A person's message carries their team and no bot or app (postAsPerson).
      ...(otherBot
        ? { bot_id: m.bot_id ?? otherBot.botId, app_id: this.config.appId, team: otherBot.teamId }
        : m.user === this.config.botUserId || m.bot_id
          ? { bot_id: m.bot_id ?? this.config.botId, app_id: this.config.appId, team: this.config.teamId }
          : { team: this.users.get(m.user)?.team_id ?? this.config.teamId }),
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(m.edited ? { edited: { user: m.user, ts: m.ts } } : {}),
      ...(m.metadata ? { metadata: m.metadata } : {}),
      ...(m.files ? { files: m.files, upload: true } : {}),
    };
  }

  /** Posts a message (no validation): used by chat.postMessage and response URLs. */
  storeMessage(channel: string, args: Args, threadTs?: string): StoredMessage {
    const message: StoredMessage = {
      channel,
      ts: this.nextTs(),
      user: this.config.botUserId,
      ...(typeof args.text === 'string' ? { text: args.text } : {}),
      ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
      ...(Array.isArray(args.attachments) ? { attachments: args.attachments } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
    };
    const list = this.messages.get(channel) ?? [];
    list.push(message);
    this.messages.set(channel, list);
    return message;
  }

  /** Replaces text (when given) and blocks (when given; `[]` removes them), as chat.update does. */
  replaceMessage(message: StoredMessage, args: Args): void {
    if (typeof args.text === 'string') message.text = args.text;
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    if (Array.isArray(args.attachments)) message.attachments = args.attachments;
    if (args.metadata !== undefined) message.metadata = args.metadata;
    message.edited = true;
  }

  private authTest(): ApiResult {
    const { teamId, botUserId, botId } = this.config;
    const team = this.ownTeam();
    return {
      ok: true,
      url: `https://${team.domain}.slack.com/`,
      team: team.name,
      user: this.users.get(botUserId)?.name ?? 'bot',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      ...(this.config.enterpriseId ? { enterprise_id: this.config.enterpriseId } : {}),
      is_enterprise_install: false,
    };
  }

  usersInfo(args: Args): ApiResult {
    const u = this.users.get(str(args.user) ?? '');
    if (!u) return fail('user_not_found');
    const tz = u.tz ?? DEFAULT_TZ;
    const zone = zoneInfo(tz);
    const realName = u.real_name ?? u.name;
    return {
      ok: true,
      user: {
        id: u.id,
        team_id: u.team_id,
        name: u.name,
        real_name: realName,
        deleted: u.deleted ?? false,
        tz,
        tz_label: zone.label,
        tz_offset: u.tz_offset ?? zone.offset,
        is_bot: u.is_bot ?? false,
        is_app_user: false,
        // As Slack answers: a single-channel guest is restricted too; a full member is neither.
        is_restricted: (u.is_restricted ?? false) || (u.is_ultra_restricted ?? false),
        is_ultra_restricted: u.is_ultra_restricted ?? false,
        profile: this.profileObject(u),
        ...this.enterpriseUserOf(u),
      },
    };
  }

  /** `enterprise_user` of a member of this workspace's org (Enterprise Grid); nothing outside an org. */
  private enterpriseUserOf(u: FakeUser): { enterprise_user?: EnterpriseUser } {
    const enterpriseUser = this.config.org?.enterpriseUser(u);
    return enterpriseUser ? { enterprise_user: enterpriseUser } : {};
  }

  /**
   * The custom status of a user as Slack shows it now: past its expiration (by the fake's clock) it is cleared,
   * as Slack clears it.
   */
  private statusOf(u: FakeUser): { status_text: string; status_emoji: string; status_expiration: number } {
    const expiration = u.profile?.status_expiration ?? 0;
    if (expiration > 0 && expiration * 1000 <= this.config.statusNow())
      return { status_text: '', status_emoji: '', status_expiration: 0 };
    return {
      status_text: u.profile?.status_text ?? '',
      status_emoji: u.profile?.status_emoji ?? '',
      status_expiration: expiration,
    };
  }

  /** A user's profile as Slack answers it (users.profile.get, and `profile` in users.info). */
  private profileObject(u: FakeUser): Record<string, unknown> {
    const realName = u.real_name ?? u.name;
    const [firstName = '', ...lastNames] = realName.split(' ');
    const normalized = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    const status = this.statusOf(u);
    return {
      title: u.title ?? '',
      ...(u.email ? { email: u.email } : {}),
      phone: '',
      skype: '',
      real_name: realName,
      real_name_normalized: normalized(realName),
      display_name: u.name,
      display_name_normalized: normalized(u.name),
      fields: {},
      status_text: status.status_text,
      status_text_canonical: '',
      status_emoji: status.status_emoji,
      status_emoji_display_info: [],
      status_expiration: status.status_expiration,
      avatar_hash: '',
      first_name: firstName,
      last_name: lastNames.join(' '),
      team: u.team_id,
      ...(u.id === this.config.botUserId
        ? { bot_id: this.config.botId, api_app_id: this.config.appId, always_active: true }
        : {}),
    };
  }

  /** users.profile.get: `user` omitted = the token's own user (the bot); an unknown user is user_not_found. */
  private usersProfileGet(args: Args): ApiResult {
    const u = this.users.get(str(args.user) ?? this.config.botUserId);
    if (!u) return fail('user_not_found');
    return { ok: true, profile: this.profileObject(u) };
  }

  /** usergroups.users.list: the member ids of a user group; no_such_subteam for an unknown one. */
  private usergroupsUsersList(args: Args): ApiResult {
    const id = str(args.usergroup);
    if (!id) return fail('invalid_arguments', ['[ERROR] missing required field: usergroup']);
    const users = this.usergroups.get(id);
    if (!users) return fail('no_such_subteam');
    return { ok: true, users: [...users] };
  }

  /**
   * usergroups.list: the workspace's user groups in Slack's shape (`include_users` adds their members, `include_count`
   * their count). The fake keeps no disabled group.
   */
  private usergroupsList(args: Args): ApiResult {
    const withUsers = args.include_users === true || args.include_users === 'true';
    const created = Math.floor(this.config.now() / 1000);
    return {
      ok: true,
      usergroups: [...this.usergroups].map(([id, users]) => {
        const named = this.usergroupNames.get(id) ?? { name: id, handle: id.toLowerCase() };
        return {
          id,
          team_id: this.config.teamId,
          is_usergroup: true,
          is_subteam: true,
          name: named.name,
          description: '',
          handle: named.handle,
          is_external: false,
          date_create: created,
          date_update: created,
          date_delete: 0,
          auto_type: null,
          created_by: this.config.botUserId,
          updated_by: this.config.botUserId,
          deleted_by: null,
          prefs: { channels: [], groups: [] },
          user_count: users.length,
          ...(withUsers ? { users: [...users] } : {}),
        };
      }),
    };
  }

  /** team.info: `team` omitted (or empty) = the own team; external teams the fake knows; else team_not_found. */
  private teamInfo(args: Args): ApiResult {
    const team = this.teams.get(str(args.team) ?? this.config.teamId);
    if (!team) return fail('team_not_found');
    return {
      ok: true,
      team: {
        id: team.id,
        name: team.name,
        domain: team.domain,
        email_domain: '',
        // A workspace of an org names its org.
        ...(this.config.org && this.config.enterpriseId && team.id === this.config.teamId
          ? { enterprise_id: this.config.enterpriseId, enterprise_name: this.config.org.name() }
          : {}),
      },
    };
  }

  conversationsInfo(args: Args): ApiResult {
    const target = this.resolveTarget(args.channel, { allowUserId: false });
    if (!('kind' in target)) return target;
    if (target.kind === 'im') {
      return {
        ok: true,
        channel: { id: target.id, is_im: true, is_channel: false, is_group: false, user: target.user.id },
      };
    }
    const c = target.channel;
    const isMember = c.members.includes(this.config.botUserId);
    // Private conversations are invisible to a bot that is not in them.
    if (c.is_private && !isMember) return fail('channel_not_found');
    return {
      ok: true,
      channel: {
        id: c.id,
        name: c.name,
        is_channel: true,
        is_group: false,
        is_im: false,
        is_mpim: false,
        is_private: c.is_private ?? false,
        is_archived: false,
        is_member: isMember,
        is_shared: c.is_shared ?? false,
        is_ext_shared: c.is_ext_shared ?? false,
        is_org_shared: c.is_org_shared ?? false,
        is_pending_ext_shared: c.is_pending_ext_shared ?? false,
        shared_team_ids: [...(c.shared_team_ids ?? [this.config.teamId])],
        // Slack Connect: the other organizations' teams, as Slack lists them beside shared_team_ids.
        ...(c.is_ext_shared
          ? {
              connected_team_ids: (c.shared_team_ids ?? []).filter((id) => id !== this.config.teamId),
            }
          : {}),
        context_team_id: this.config.teamId,
      },
    };
  }

  private conversationsOpen(args: Args): ApiResult {
    const users = (str(args.users) ?? '').split(',').filter(Boolean);
    if (users.length !== 1) return fail(users.length === 0 ? 'users_list_not_supplied' : 'not_supported');
    const target = this.resolveTarget(users[0], { allowUserId: true });
    if (!('kind' in target)) return fail('user_not_found');
    return { ok: true, channel: { id: target.id } };
  }

  /** Resolves a posting target and checks the bot may post there. */
  private postTarget(channel: unknown, { allowUserId = true } = {}): Target {
    const target = this.resolveTarget(channel, { allowUserId });
    if (!('kind' in target)) return target;
    if (target.kind === 'im' && target.user.is_bot) return fail('cannot_dm_bot');
    if (target.kind === 'channel' && !target.channel.members.includes(this.config.botUserId)) {
      return fail('not_in_channel');
    }
    return target;
  }

  /** The thread a `thread_ts` argument puts a new message in (none when not given). */
  private threadOf(channel: string, threadTs: unknown): { ts: string | undefined } | ApiError {
    if (threadTs === undefined || threadTs === null || threadTs === '') return { ts: undefined };
    const parent = this.findMessage(channel, String(threadTs));
    if (!parent) return fail('thread_not_found');
    return { ts: parent.thread_ts ?? parent.ts };
  }

  /**
   * conversations.history (top-level messages, newest first) and conversations.replies (a thread: the parent, then
   * its replies, oldest first), as the bot sees them: only where it may post (members, or a D… from
   * conversations.open; user ids are refused). `oldest`/`latest` bound the ts (exclusive, like Slack's default);
   * `limit` and `cursor` page; metadata is returned only with `include_all_metadata`.
   */
  private history(args: Args, replies: boolean): ApiResult {
    const target = this.postTarget(args.channel, { allowUserId: false });
    if (!('kind' in target)) return target;
    const oldest = Number(str(args.oldest) ?? '0');
    const latest = Number(str(args.latest) ?? 'Infinity');
    let list = (this.messages.get(target.id) ?? []).filter((m) => {
      const ts = Number(m.ts);
      return ts > oldest && ts < latest;
    });
    if (replies) {
      const parentTs = str(args.ts);
      if (!parentTs || !this.findMessage(target.id, parentTs)) return fail('thread_not_found');
      list = list.filter((m) => m.ts === parentTs || m.thread_ts === parentTs);
    } else {
      list = list.filter((m) => !m.thread_ts || m.thread_ts === m.ts).reverse();
    }
    const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
    const start = Number(str(args.cursor)?.replace(/^next:/, '') ?? '0') || 0;
    const page = list.slice(start, start + limit);
    const more = start + limit < list.length;
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    return {
      ok: true,
      messages: page.map((m) => {
        const { metadata: _hidden, ...rest } = this.messageObject(m);
        return withMetadata ? this.messageObject(m) : rest;
      }),
      has_more: more,
      response_metadata: { next_cursor: more ? `next:${start + limit}` : '' },
    };
  }

  private postMessage(args: Args): ApiResult {
    const target = this.postTarget(args.channel);
    if (!('kind' in target)) return target;
    if (!hasContent(args)) return fail('no_text');
    const thread = this.threadOf(target.id, args.thread_ts);
    if ('error' in thread) return thread;
    const invalid = this.validateMessage(args, target.id);
    if (invalid) return blocksFail(invalid);
    const message = this.storeMessage(target.id, args, thread.ts);
    return { ok: true, channel: target.id, ts: message.ts, message: this.messageObject(message) };
  }

  /**
   * files.completeUploadExternal: completes uploaded files (see FileStore.toComplete for the refusals). With
   * `channel_id` (a conversation id: C…/G… the bot is a member of, or a D… id from conversations.open; user
   * ids are refused with `channel_not_found`), the files are shared there in a new message (in `thread_ts`'s
   * thread when given) whose text is `initial_comment`; `blocks` are validated like chat.postMessage's and
   * used only without `initial_comment`, as Slack documents. Without `channel_id` the files stay private to
   * the bot. Nothing changes when the call fails.
   */
  private completeUploadExternal(args: Args): ApiResult {
    const completions = this.files.toComplete(args.files);
    if (!Array.isArray(completions)) return completions;
    const comment = str(args.initial_comment);
    const blocks = comment === undefined ? args.blocks : undefined;
    let share: { channel: string; threadTs: string | undefined } | undefined;
    if (str(args.channel_id)) {
      const target = this.postTarget(args.channel_id, { allowUserId: false });
      if (!('kind' in target)) return target;
      const thread = this.threadOf(target.id, args.thread_ts);
      if ('error' in thread) return thread;
      share = { channel: target.id, threadTs: thread.ts };
    }
    const invalid = this.validateMessage({ text: comment, blocks }, share?.channel);
    if (invalid) return blocksFail(invalid);
    this.files.complete(completions, share?.channel);
    if (share) {
      const message = this.storeMessage(
        share.channel,
        { ...(comment !== undefined ? { text: comment } : {}), ...(blocks !== undefined ? { blocks } : {}) },
        share.threadTs,
      );
      message.files = completions.map(({ file }) => ({ id: file.id, name: file.name, title: file.title }));
    }
    return { ok: true, files: completions.map(({ file }) => ({ id: file.id, title: file.title })) };
  }

  private update(args: Args): ApiResult {
    const target = this.resolveTarget(args.channel, { allowUserId: false });
    if (!('kind' in target)) return target;
    const message = this.findMessage(target.id, str(args.ts) ?? '');
    if (!message) return fail('message_not_found');
    if (!hasContent(args)) return fail('no_text');
    const invalid = this.validateMessage(args, target.id);
    if (invalid) return blocksFail(invalid);
    this.replaceMessage(message, args);
    return {
      ok: true,
      channel: target.id,
      ts: message.ts,
      text: message.text ?? '',
      message: this.messageObject(message),
    };
  }

  /** chat.getPermalink: a link to an existing message (`message_not_found` otherwise). */
  /**
   * users.lookupByEmail: the user whose profile has this email (case-insensitive), as users.info answers it (a
   * deactivated one too, with `deleted: true`, as Slack does); `users_not_found` for an email nobody has.
   */
  private lookupByEmail(args: Args): ApiResult {
    const email = str(args.email)?.toLowerCase();
    if (!email) return fail('invalid_arguments');
    const u = [...this.users.values()].find((x) => x.email?.toLowerCase() === email);
    if (!u) return fail('users_not_found');
    return this.usersInfo({ user: u.id });
  }

  /** reactions.add: the bot reacts on a message of a conversation it is in (`already_reacted` the second time). */
  private addReaction(args: Args): ApiResult {
    const target = this.postTarget(args.channel, { allowUserId: false });
    if (!('kind' in target)) return target;
    const name = str(args.name);
    if (!name) return fail('invalid_name');
    const message = this.findMessage(target.id, str(args.timestamp) ?? '');
    if (!message) return fail('message_not_found');
    const reactions = message.reactions ?? {};
    const users = reactions[name] ?? [];
    if (users.includes(this.config.botUserId)) return fail('already_reacted');
    message.reactions = { ...reactions, [name]: [...users, this.config.botUserId] };
    return { ok: true };
  }

  /** A message a person wrote (not the app): seeded for shortcuts on it. Returns its ts. */
  postAsPerson(message: { channel: string; user: string; text: string; thread_ts?: string }): string {
    const list = this.messages.get(message.channel) ?? [];
    const ts = this.nextTs();
    list.push({
      channel: message.channel,
      ts,
      text: message.text,
      user: message.user,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    });
    this.messages.set(message.channel, list);
    return ts;
  }

  private getPermalink(args: Args): ApiResult {
    const target = this.resolveTarget(args.channel, { allowUserId: false });
    if (!('kind' in target)) return target;
    const ts = str(args.message_ts);
    if (!ts || !this.findMessage(target.id, ts)) return fail('message_not_found');
    return {
      ok: true,
      channel: target.id,
      permalink: `https://${this.ownTeam().domain}.slack.com/archives/${target.id}/p${ts.replace('.', '')}`,
    };
  }

  private postEphemeral(args: Args): ApiResult {
    const target = this.postTarget(args.channel);
    if (!('kind' in target)) return target;
    const user = this.users.get(str(args.user) ?? '');
    if (!user) return fail('user_not_found');
    if (target.kind === 'channel' && !target.channel.members.includes(user.id))
      return fail('user_not_in_channel');
    if (!hasContent(args)) return fail('no_text');
    const invalid = this.validateMessage(args, target.id);
    if (invalid) return blocksFail(invalid);
    return { ok: true, message_ts: this.nextTs() };
  }
}
