/**
 * HTTP side of the fake Slack Web API: routing, body parsing, auth, injected failures, recording, response
 * URLs and file upload URLs. The workspace state and the Web API methods live in workspace.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { join } from 'node:path';
import { dropConnection, FailureQueue, FakeHttpServer, readBody, sendAnswer, sendRaw } from '../fakeHttp.js';
import { copyFile } from './common.js';
import {
  type ChannelSharedEvent,
  type ChannelUnsharedEvent,
  type EventDelivery,
  EventSender,
} from './events.js';
import { FakeEnterprise, FakeWorkspace, withWorkspaceMethods } from './fakeWorkspace.js';
import { basicCredentials, maskOAuthArgs, type OAuthRegistration } from './oauth.js';
import { RateLimiter } from './rateLimits.js';
import { SOCKET_PATH, SocketModeLink } from './socketMode.js';
import {
  type EnterpriseSpec,
  orgBot,
  Tenants,
  type WorkspaceInstall,
  type WorkspaceSpec,
} from './tenants.js';
import type {
  Failure,
  FakeFile,
  FakeOAuthApp,
  FakeSlackOptions,
  FakeView,
  RecordedCall,
  StoredResponse,
} from './types.js';
import type { SubmissionAnswer } from './views.js';
import type { ApiResult, Workspace } from './workspace.js';

type Args = Record<string, unknown>;

/** Form fields that Slack (and @slack/web-api) send as JSON strings. */
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata', 'files'];
/** `fail()` target for response URL posts (not matched by '*'). */
const RESPONSE_URL = 'response_url';

class BadRequest extends Error {}

const OAUTH_ACCESS = 'oauth.v2.access';

/** The bot scopes of the repository's manifest.json: what an app installed from it is granted. */
const MANIFEST_SCOPES: readonly string[] = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'manifest.json'), 'utf8')) as {
    oauth_config: { scopes: { bot: string[] } };
  }
).oauth_config.scopes.bot;

/** Parses Web API arguments like Slack: query string, then a form-encoded, multipart or JSON body. */
async function parseArgs(contentType: string, body: Buffer, query: URLSearchParams): Promise<Args> {
  const args: Args = Object.fromEntries(query);
  if (body.length === 0) return args;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BadRequest('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new BadRequest('invalid_json');
    // Slack ignores a token in a JSON body: JSON calls must authenticate with the Authorization header.
    const { token: _ignored, ...rest } = parsed as Args;
    return { ...args, ...rest };
  }
  if (type === 'application/x-www-form-urlencoded') {
    Object.assign(args, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (type === 'multipart/form-data') {
    const form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': contentType },
    }).formData();
    for (const [key, value] of form) {
      args[key] = typeof value === 'string' ? value : { filename: value.name, size: value.size };
    }
  } else {
    throw new BadRequest(type === '' ? 'missing_post_type' : 'invalid_post_type');
  }
  for (const key of JSON_FIELDS) {
    const value = args[key];
    if (typeof value !== 'string') continue;
    try {
      args[key] = JSON.parse(value);
    } catch {
      // Left as a string: validation then reports it as Slack would.
    }
  }
  return args;
}

/**
 * The bytes of a post to an upload URL: the single file field of a multipart/form-data body (@slack/web-api
 * names it `body`; any name is accepted), else the raw body. Undefined when a multipart body holds no file
 * field or several.
 */
async function uploadedBytes(contentType: string, body: Buffer): Promise<Buffer | undefined> {
  if (contentType.split(';')[0]?.trim().toLowerCase() !== 'multipart/form-data') return body;
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
  const files = [...form.values()].filter((v) => typeof v !== 'string');
  const [file] = files;
  if (files.length !== 1 || !file) return undefined;
  return Buffer.from(await file.arrayBuffer());
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  sendAnswer(res, { status, body, headers }, SLACK_TYPES);
}

const SLACK_TYPES = { text: 'text/plain; charset=utf-8', json: 'application/json; charset=utf-8' };

/** Whether a failure answers with something other than Slack's own answer once its delay is over. */
const answersInstead = (failure: Failure): boolean =>
  failure.retryAfter !== undefined ||
  failure.status !== undefined ||
  failure.error !== undefined ||
  failure.body !== undefined ||
  failure.truncateAt !== undefined ||
  failure.dropConnection === true;

const copyDelivery = <E extends EventDelivery>(delivery: E): E => structuredClone(delivery);

/** The methods only an app-level token (xapp-…) may call. */
const APP_LEVEL_METHODS = new Set(['apps.event.authorizations.list', 'apps.connections.open']);

export class FakeSlack extends withWorkspaceMethods(FakeHttpServer) {
  /** Starts a fake Slack Web API on 127.0.0.1 and a free port. */
  static start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    return new FakeSlack(opts).listen();
  }

  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  /** Every Web API call in arrival order, including failed and injected ones (ok: false). */
  readonly calls: RecordedCall[] = [];
  /** Accepted posts to response URLs (JSON bodies), in arrival order. */
  readonly responses: StoredResponse[] = [];
  /** The app's id: `app_id` of messages and views, `api_app_id` of event envelopes. */
  readonly appId = 'AFAKEAPP';
  /**
   * The fake's clock (epoch ms) for workspace state that changes with time: a status past its expiration reads as
   * cleared. `Date.now` unless given as the `now` option; may be replaced at any time (e.g. a test clock's).
   */
  now: () => number;
  /**
   * The clock statuses expire on, when not `now`: the harness gives the app's test clock, so a status set to expire
   * on the fixture's Thursday is still set while the test clock says Wednesday, whatever day the suite runs on.
   */
  statusClock: (() => number) | undefined;

  private readonly workspace: Workspace;
  private readonly opts: Required<Pick<FakeSlackOptions, 'responseUrlTtlMs' | 'responseUrlMaxUses'>>;
  private readonly failures = new FailureQueue<Failure, string>();
  private readonly responseUrls = new Map<
    string,
    { createdAt: number; uses: number; channel?: string; ts?: string }
  >();
  private readonly limiter: RateLimiter | undefined;
  private readonly eventSender: EventSender;
  /** The app's OAuth registration, one for every workspace and org it is installed in. */
  private readonly registration: OAuthRegistration = { app: undefined };
  /** Every installed workspace (this one first) and org (fakeSlack/tenants.ts). */
  protected readonly tenants: Tenants;
  /** The last `subscribeEvents`: events resume there when the app is reinstalled after `uninstallApp`. */
  private subscription: { url: string; signingSecret: string } | undefined;
  /** HTTP Basic credentials of an oauth.v2.access call, by its (unmasked) arguments. */
  private readonly basicAuth = new WeakMap<Args, { id: string; secret: string }>();

  private constructor(opts: FakeSlackOptions) {
    super('fakeSlack');
    this.teamId = opts.teamId ?? 'T0INTERNAL';
    // In an org, the own workspace's bot is the org's one bot user (FakeSlackOptions.enterprise).
    const org: EnterpriseSpec | undefined = opts.enterprise && {
      ...opts.enterprise,
      ...orgBot({
        id: opts.enterprise.id,
        botUserId: opts.enterprise.botUserId ?? opts.botUserId,
        botId: opts.enterprise.botId ?? opts.botId,
      }),
    };
    this.botUserId = org?.botUserId ?? opts.botUserId ?? 'UBOT';
    this.botId = org?.botId ?? opts.botId ?? 'BBOT';
    this.now = opts.now ?? Date.now;
    this.opts = {
      responseUrlTtlMs: opts.responseUrlTtlMs ?? 30 * 60_000,
      responseUrlMaxUses: opts.responseUrlMaxUses ?? 5,
    };
    this.limiter = opts.rateLimits
      ? new RateLimiter(opts.rateLimits === true ? {} : opts.rateLimits)
      : undefined;
    this.eventSender = new EventSender({ teamId: this.teamId, botUserId: this.botUserId, appId: this.appId });
    this.tenants = new Tenants({
      appId: this.appId,
      sender: this.eventSender,
      registration: this.registration,
      defaultScopes: MANIFEST_SCOPES,
      now: () => this.now(),
      statusNow: () => (this.statusClock ?? this.now)(),
      uploadUrl: (fileId) => `${this.origin}/upload/${fileId}`,
      triggerTtlMs: opts.triggerTtlMs ?? 3000,
      fileProcessingCalls: opts.fileProcessingCalls ?? 1,
    });
    if (org) this.tenants.addEnterprise(org);
    const own = this.tenants.addWorkspace(
      {
        id: this.teamId,
        name: opts.teamName ?? 'Acme Corp',
        domain: opts.teamDomain ?? 'acme',
        enterpriseId: org?.id,
        botUserId: this.botUserId,
        botId: this.botId,
        token: opts.token ?? 'xoxb-test-token',
        installer: opts.installer,
        scopes: opts.scopes,
      },
      (loss) => {
        // Reinstalled after an uninstall: events resume.
        if (loss === 'app_uninstalled' && this.subscription && !this.eventSender.url)
          this.eventSender.subscribe(this.subscription.url, this.subscription.signingSecret);
      },
    );
    if (opts.oauthApp) this.registration.app = { ...opts.oauthApp };
    this.workspace = own.workspace;
    this.socketMode.attach(this.server);
  }

  /** The fake's own workspace (see withWorkspaceMethods). */
  protected get install(): WorkspaceInstall {
    return this.tenants.primary;
  }

  /** Base URL to pass as `slackApiUrl` (trailing slash). */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /**
   * The app's app-level token (Basic Information → App-Level Tokens, scope authorizations:read). It calls only the
   * methods app-level tokens may (apps.event.authorizations.list); a bot token calling those, or it calling a bot's
   * method, is answered `not_allowed_token_type`.
   */
  readonly appLevelToken = `xapp-1-${this.appId}-1-fakeappleveltoken`;

  /** The Socket Mode link the app opens with `appLevelToken` (SLACK_APP_TOKEN): envelopes to it, its acks. */
  readonly socketMode = new SocketModeLink(this.appId);

  /** The app registered for OAuth installs (FakeOAuthApp), or undefined (oauth.v2.access: invalid_client_id). */
  get oauthApp(): FakeOAuthApp | undefined {
    return this.install.oauth.app;
  }

  set oauthApp(app: FakeOAuthApp | undefined) {
    this.install.oauth.app = app && { ...app };
  }

  /**
   * Slack's authorize page on this server (`<origin>/oauth/v2/authorize`, slack.com's is
   * https://slack.com/oauth/v2/authorize): pass it as InstallProvider's `authorizationUrl`. A GET answers 302 to the
   * redirect URI with `code` and `state`, as if `installer` clicked Allow, or HTTP 400 with Slack's error page.
   */
  get authorizeUrl(): string {
    return `${this.origin}/oauth/v2/authorize`;
  }

  /**
   * What the authorize page does with `authorizeUrl` (any origin; its query is what counts) when the installer
   * (`opts.installer`, default `fake.installer`) clicks Allow, or Cancel with `deny` (`error=access_denied`): the URL
   * the browser is sent to. Throws with the page's error (invalid_client_id, bad_redirect_uri, invalid_scope,
   * installer_not_allowed) where the page would refuse. `team`: install into another workspace of the fake
   * (`addWorkspace`); `enterprise`: install org-wide into an org (`addEnterprise`; the app needs `orgDeploy`).
   */
  approveInstall(
    authorizeUrl: string,
    opts: { installer?: string; deny?: boolean; team?: string; enterprise?: string } = {},
  ): string {
    const answer = (this.tenants.oauthTarget(opts) ?? this.install.oauth).authorize(
      new URL(authorizeUrl),
      opts,
    );
    if (answer.status === 400) throw new Error(`fake Slack: the authorize page refuses: ${answer.error}`);
    return answer.location;
  }

  /**
   * Adds another workspace with the app installed: its own users, channels, bot user and token (see WorkspaceSpec),
   * the same app. Its token's calls see only its users and channels, and channels shared with it
   * (`shareChannel(channelId, itsTeamId)`). The fake's own methods act on the first workspace; set this one up
   * through the FakeWorkspace returned (also `workspaceOf`).
   */
  addWorkspace(spec: WorkspaceSpec): FakeWorkspace {
    return new FakeWorkspace(this.tenants.addWorkspace(spec), this.tenants);
  }

  /** An installed workspace by team id (the fake's own one too). Throws for an unknown one (a test's mistake). */
  workspaceOf(teamId: string): FakeWorkspace {
    const install = this.tenants.workspaces.get(teamId);
    if (!install) throw new Error(`fake Slack: no workspace ${teamId} (addWorkspace first)`);
    return new FakeWorkspace(install, this.tenants);
  }

  /**
   * An interaction or command as Slack sends it from a workspace of an org: the org named (`enterprise`,
   * `team.enterprise_id`; a command's `enterprise_id`) and, once the app is installed org-wide there,
   * `is_enterprise_install` (a command's as the string it is in a form). Requests of a workspace in no org, and
   * requests that already say, are left alone.
   */
  asSentFromOrg<T>(payload: T): T {
    const body = payload as Record<string, unknown>;
    if (typeof body !== 'object' || body === null || body.enterprise || body.enterprise_id) return payload;
    const team = body.team as { id?: string } | undefined;
    const teamId = typeof body.command === 'string' ? body.team_id : team?.id;
    const install = typeof teamId === 'string' ? this.tenants.workspaces.get(teamId) : undefined;
    const org = install?.enterpriseId ? this.tenants.enterprises.get(install.enterpriseId) : undefined;
    if (!org) return payload;
    const orgWide = org.orgWide && !org.revoked.has(teamId as string);
    if (typeof body.command === 'string')
      return { ...body, enterprise_id: org.id, is_enterprise_install: String(orgWide) } as T;
    return {
      ...body,
      team: { ...team, enterprise_id: org.id },
      enterprise: { id: org.id, name: org.name },
      is_enterprise_install: orgWide,
    } as T;
  }

  /**
   * Adds an Enterprise Grid org (then its workspaces: `addWorkspace({ …, enterpriseId })`), with the app installed
   * org-wide unless `orgWide: false`: one bot user and one token for the whole org (see Tenants.answer).
   */
  addEnterprise(spec: EnterpriseSpec): FakeEnterprise {
    return new FakeEnterprise(this.tenants.addEnterprise(spec), this.tenants);
  }

  /** An org by id. Throws for an unknown one. */
  enterprise(id: string): FakeEnterprise {
    const org = this.tenants.enterprises.get(id);
    if (!org) throw new Error(`fake Slack: no enterprise ${id} (addEnterprise first)`);
    return new FakeEnterprise(org, this.tenants);
  }

  /** Successful (ok: true) calls of one method. */
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.ok);
  }

  /**
   * Has Slack deliver Events API events (from `shareChannel`, `changeStatus`, `removeApp`, …) to `url`, signed with
   * `signingSecret` as Slack signs them. Replaces an earlier subscription (e.g. the app's new URL after a restart).
   */
  subscribeEvents(url: string, signingSecret: string): void {
    this.subscription = { url, signingSecret };
    this.eventSender.subscribe(url, signingSecret);
  }

  /** Stops delivering events; given a URL, only when it is the subscribed one (a stopped app's, not its successor's). */
  unsubscribeEvents(url?: string): void {
    if (url === undefined || this.subscription?.url === url) this.subscription = undefined;
    this.eventSender.unsubscribe(url);
  }

  /** The URL events are delivered to, if any. */
  get eventsUrl(): string | undefined {
    return this.eventSender.url;
  }

  /** Every event produced (shareChannel, changeStatus, removeApp, …), in order, with what the app answered (copies). */
  get events(): EventDelivery[] {
    return this.eventSender.log.map(copyDelivery);
  }

  /**
   * An external organization joins a channel through Slack Connect: `teamId` (known through `addTeam`) is added to
   * the channel's `shared_team_ids`, `is_shared` and `is_ext_shared` become true, and a `channel_shared` event
   * follows. With a subscription (`subscribeEvents`) it is POSTed, signed, to the app, and this resolves once the
   * app answered, with its status; otherwise only the state changes and the envelope is returned. Throws (before
   * changing anything) for an unknown channel or team, the own team, or a team already in the channel.
   */
  async shareChannel(channelId: string, teamId: string): Promise<EventDelivery<ChannelSharedEvent>> {
    const owner = this.tenants.ownerOf(channelId, teamId);
    owner.workspace.shareChannel(channelId, teamId);
    this.tenants.link(owner, channelId, teamId);
    const event: ChannelSharedEvent = {
      type: 'channel_shared',
      connected_team_id: teamId,
      channel: channelId,
      event_ts: this.workspace.nextTs(),
    };
    return this.tenants.port(owner).deliver(event);
  }

  /**
   * An external organization leaves (or is removed from) a shared channel: `teamId` leaves `shared_team_ids`,
   * `is_ext_shared` stays true while another team than the own one remains, and a `channel_unshared` event
   * (`previously_connected_team_id`, the new `is_ext_shared`) is delivered as by `shareChannel`. Throws (before
   * changing anything) for an unknown channel or team, the own team, or a team not in the channel.
   */
  async unshareChannel(channelId: string, teamId: string): Promise<EventDelivery<ChannelUnsharedEvent>> {
    const owner = this.tenants.ownerOf(channelId, teamId);
    const channel = owner.workspace.unshareChannel(channelId, teamId);
    this.tenants.unlink(owner, channelId, teamId);
    const event: ChannelUnsharedEvent = {
      type: 'channel_unshared',
      previously_connected_team_id: teamId,
      channel: channelId,
      is_ext_shared: channel.is_ext_shared ?? false,
      event_ts: this.workspace.nextTs(),
    };
    return this.tenants.port(owner).deliver(event);
  }

  /**
   * A fresh URL on this server that acts like a response_url (5 uses within 30 minutes). Given the
   * message it belongs to, `replace_original` / `delete_original` change that message and
   * `response_type: 'in_channel'` posts a new one in `channel`.
   */
  responseUrl(opts: { channel?: string; ts?: string } = {}): string {
    const id = randomBytes(8).toString('hex');
    this.responseUrls.set(id, { createdAt: Date.now(), uses: 0, ...opts });
    return `${this.origin}/response/${id}`;
  }

  /**
   * What people can read in the fake workspace now, as one string, for a red-team search (issue 57's erasure): every
   * message of every conversation, every open view and App Home but those of `except` (a person's own Home tab, by
   * their user id), and the text of every file. Not the calls log: that is what was sent, not what Slack holds.
   */
  readableContent(except: readonly string[] = []): string {
    const { messages, views, files } = this.workspace;
    const hidden = new Set(except.flatMap((userId) => views.homeViews.get(userId) ?? []));
    return JSON.stringify({
      messages: [...messages.values()],
      // App Homes: a modal shows only while its person has it open (the tests answer the app, not the fake's modal).
      views: [...views.views.entries()]
        .filter(([id, view]) => view.type === 'home' && !hidden.has(id))
        .map(([, view]) => view),
      files: [...files.files.values()].map((file) => ({
        name: file.name,
        text: file.bytes.toString('utf8'),
      })),
    });
  }

  /**
   * Adds a message the bot posted before (seeded history, e.g. for a generated database), with its own ts; with
   * `bot_id`, one another app posted in the conversation.
   */
  importMessage(message: {
    channel: string;
    ts: string;
    text: string;
    metadata?: unknown;
    bot_id?: string;
  }): void {
    const list = this.workspace.messages.get(message.channel) ?? [];
    list.push({ ...message, user: this.botUserId });
    this.workspace.messages.set(message.channel, list);
  }

  /** Every file (pending, uploaded or completed), in creation order; copies. */
  files(): FakeFile[] {
    return [...this.workspace.files.files.values()].map(copyFile);
  }

  /** A message as Slack puts it in interaction payloads (`message`), or undefined. */
  messagePayload(channel: string, ts: string): Record<string, unknown> | undefined {
    const message = this.workspace.findMessage(channel, ts);
    return message && structuredClone(this.workspace.messageObject(message));
  }

  /**
   * What Slack does with the app's answer to a view_submission of `viewId` (the body of its ack; `{}` when empty):
   * `errors` keeps the view, `update` replaces it, `push` stacks a view on it (`push_limit_reached` beyond 3), `clear`
   * closes its whole stack and an empty answer closes it (the view under it shows again). `closed`: the views closed,
   * top first; `view`: the view put up by `update` or `push`.
   */
  answerViewSubmission(
    viewId: string,
    answer: SubmissionAnswer,
  ):
    | {
        ok: true;
        action: 'errors' | 'update' | 'push' | 'clear' | 'close';
        view?: FakeView;
        closed: string[];
      }
    | { ok: false; error: string } {
    const result = this.workspace.views.answerSubmission(viewId, answer);
    if (!result.ok) return { ok: false, error: String(result.error) };
    return { ...result, ...(result.view ? { view: structuredClone(result.view) } : {}) };
  }

  /**
   * The person closes a modal view (its close button, the X): it and any view above it leave the stack; with
   * `clear_on_close`, the whole stack goes (`cleared`). `closed`: the views closed, top first.
   */
  closeView(viewId: string): { ok: true; closed: string[]; cleared: boolean } | { ok: false; error: string } {
    const result = this.workspace.views.close(viewId);
    return result.ok ? result : { ok: false, error: String(result.error) };
  }

  /** The open stack (view ids, bottom first) holding a modal view, or undefined once the view is closed. */
  viewStack(viewId: string): string[] | undefined {
    return this.workspace.views.stackOf(viewId);
  }

  /**
   * Makes the next `times` calls of `method` ('*' = any Web API method, 'response_url' = posts to
   * response URLs) fail. The earliest registered matching failure is used first.
   */
  fail(method: string, failure: Failure, times = Number.POSITIVE_INFINITY): void {
    this.failures.add(method, failure, times);
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /**
   * Forgets calls, messages, views, trigger ids, files, responses, events and failures; keeps users (with their
   * statuses), user groups, teams, channels (as shared as they are) and the events subscription.
   */
  reset(): void {
    this.delays = undefined;
    this.calls.length = 0;
    this.eventSender.reset();
    this.responses.length = 0;
    this.responseUrls.clear();
    this.workspace.reset();
    this.tenants.reset();
    this.limiter?.reset();
    this.clearFailures();
  }

  private takeFailure(method: string, args: Args = {}, token?: string): Failure | undefined {
    return this.failures.take(
      (target, failure) =>
        (failure.channel === undefined || failure.channel === args.channel) &&
        (failure.token === undefined || failure.token === token) &&
        (target === method || (target === '*' && method !== RESPONSE_URL)),
    );
  }

  /** Waits out a failure's delay (and `until`), then answers for it unless it was only a delay. */
  private async applyFailure(
    failure: Failure | undefined,
    res: http.ServerResponse,
    /** The method's own answer, when the call was processed first (`afterProcessing`, `truncateAt`). */
    processed?: ApiResult,
  ): Promise<{ answered: false } | { answered: true; status: number; body: unknown; dropped?: true }> {
    if (!failure) return { answered: false };
    if (failure.delayMs) await this.sleep(failure.delayMs);
    if (failure.until) await failure.until;
    if (this.stopped) return { answered: true, status: 0, body: undefined };
    if (failure.dropConnection) {
      dropConnection(res);
      return { answered: true, status: 0, body: undefined, dropped: true };
    }
    if (failure.truncateAt !== undefined) {
      const status = failure.status ?? 200;
      const body = JSON.stringify(processed ?? { ok: false, error: 'fake_slack_not_processed' }).slice(
        0,
        failure.truncateAt,
      );
      sendRaw(res, status, body, SLACK_TYPES.json);
      return { answered: true, status, body };
    }
    if (failure.body !== undefined) {
      const status = failure.status ?? 200;
      sendRaw(res, status, failure.body, failure.contentType);
      return { answered: true, status, body: failure.body };
    }
    if (failure.retryAfter !== undefined) {
      const body = { ok: false, error: 'ratelimited' };
      send(res, 429, body, { 'retry-after': String(failure.retryAfter) });
      return { answered: true, status: 429, body };
    }
    if (failure.status !== undefined) {
      const body = `fake slack: injected HTTP ${failure.status}`;
      send(res, failure.status, body);
      return { answered: true, status: failure.status, body };
    }
    if (failure.error !== undefined) {
      const body = { ok: false, error: failure.error };
      send(res, 200, body);
      return { answered: true, status: 200, body };
    }
    return { answered: false };
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin || 'http://127.0.0.1');
    const body = await readBody(req);
    if (url.pathname.startsWith('/api/')) return this.handleApi(req, res, url, body);
    if (url.pathname === '/oauth/v2/authorize' && req.method === 'GET') {
      // Slack's `team` parameter picks the workspace to install into.
      const team = url.searchParams.get('team') ?? undefined;
      const target =
        team && this.tenants.workspaces.has(team) ? this.tenants.oauthTarget({ team }) : undefined;
      const answer = (target ?? this.install.oauth).authorize(url);
      if (answer.status === 302) return send(res, 302, '', { location: answer.location });
      return sendRaw(res, 400, answer.page);
    }
    if (url.pathname.startsWith('/response/') && req.method === 'POST') {
      return this.handleResponseUrl(res, url, body);
    }
    if (url.pathname.startsWith('/upload/') && req.method === 'POST') {
      return this.handleUpload(req, res, url, body);
    }
    send(res, 404, 'not found');
  }

  /**
   * A post of file bytes to an upload URL from files.getUploadURLExternal. Like Slack's upload host it needs
   * no token and answers `OK - <bytes received>` (HTTP 200); HTTP 404 for an unknown (or already completed)
   * file, HTTP 400 for a multipart body without exactly one file field. A size that differs from the declared
   * `length` is accepted here; files.completeUploadExternal then refuses the file (`invalid_arguments`).
   */
  private async handleUpload(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer) {
    const fileId = decodeURIComponent(url.pathname.slice('/upload/'.length));
    const holder = this.tenants.fileHolder(fileId);
    if (!holder) return send(res, 404, 'file not found');
    const bytes = await uploadedBytes(req.headers['content-type'] ?? '', body);
    if (!bytes) return send(res, 400, 'expected one file field in the multipart body');
    if (!holder.files.receiveUpload(fileId, bytes)) return send(res, 404, 'file not found');
    send(res, 200, `OK - ${bytes.length}`);
  }

  private async handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer) {
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    let args: Args = {};
    let parseError: string | undefined;
    try {
      args = await parseArgs(req.headers['content-type'] ?? '', body, url.searchParams);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      parseError = error.message;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    // oauth.v2.access: credentials may come as HTTP Basic auth; the client secret is never recorded.
    const basic = method === OAUTH_ACCESS ? basicCredentials(req.headers.authorization) : undefined;
    if (basic) this.basicAuth.set(args, basic);
    const recorded = method === OAUTH_ACCESS ? maskOAuthArgs(args) : args;
    const call: RecordedCall = {
      method,
      args: recorded,
      at: Date.now(),
      ok: false,
      response: undefined,
      status: 0,
    };
    if (token) call.token = token;
    this.calls.push(call);

    const failure = this.takeFailure(method, args, token);
    if (failure && answersInstead(failure) && (failure.afterProcessing || failure.truncateAt !== undefined)) {
      // Slack did the work; the answer is lost on the way back (an edge's page, a cut body, a 5xx, a dropped
      // connection).
      const result = this.process(method, args, token, parseError);
      call.processed = true;
      const injected = await this.applyFailure(failure, res, result);
      call.status = injected.answered ? injected.status : 0;
      call.response = injected.answered ? injected.body : undefined;
      if (injected.answered && injected.dropped) call.dropped = true;
      return;
    }
    if (failure?.afterProcessing && (failure.delayMs || failure.until)) {
      // Processed at once, answered late: with a client timeout shorter than the delay, the answer is lost.
      const result = this.process(method, args, token, parseError);
      call.processed = true;
      if (failure.delayMs) await this.sleep(failure.delayMs);
      if (failure.until) await failure.until;
      if (this.stopped) return;
      call.status = 200;
      call.ok = result.ok;
      call.response = result;
      send(res, 200, result);
      return;
    }
    const injected = await this.applyFailure(failure, res);
    if (injected.answered) {
      call.status = injected.status;
      call.response = injected.body;
      if (injected.dropped) call.dropped = true;
      return;
    }
    const retryAfter = this.limiter?.check(
      method,
      typeof args.channel === 'string' ? args.channel : undefined,
    );
    if (retryAfter) {
      const limited = { ok: false, error: 'ratelimited' };
      send(res, 429, limited, { 'retry-after': String(retryAfter) });
      call.status = 429;
      call.response = limited;
      return;
    }
    const result = this.process(method, args, token, parseError);
    call.status = 200;
    call.ok = result.ok;
    call.response = result;
    // Like Slack, a call made with the token says which scopes it has (comma-separated, no spaces).
    const scopes = token ? this.tenants.scopesOf(token) : undefined;
    send(res, 200, result, scopes);
  }

  /** What Slack does with a Web API call and answers (HTTP 200): auth, then the method's handler. */
  private process(
    method: string,
    args: Args,
    token: string | undefined,
    parseError: string | undefined,
  ): ApiResult {
    if (parseError) return { ok: false, error: parseError };
    // Needs no token: the client's credentials authenticate it.
    if (method === OAUTH_ACCESS)
      return (this.tenants.oauthFor(args) ?? this.install.oauth).access(args, this.basicAuth.get(args));
    if (!token) return { ok: false, error: 'not_authed' };
    if (token.startsWith('xapp-') || APP_LEVEL_METHODS.has(method)) return this.appLevel(method, args, token);
    // The workspace (or org) whose token it is answers: it only sees its own users and channels.
    const install = this.tenants.byToken(token);
    if (!install) return { ok: false, error: 'invalid_auth' };
    const check = this.tenants.check(install, token);
    if (check !== 'ok') return { ok: false, error: check };
    return this.tenants.answer(install, method, args);
  }

  /** A call with an app-level token, or of a method only one may call. */
  private appLevel(method: string, args: Args, token: string): ApiResult {
    if (!token.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
    if (token !== this.appLevelToken) return { ok: false, error: 'invalid_auth' };
    if (!APP_LEVEL_METHODS.has(method)) return { ok: false, error: 'not_allowed_token_type' };
    if (method === 'apps.connections.open')
      return { ok: true, url: `${this.origin.replace(/^http/, 'ws')}${SOCKET_PATH}?ticket=${randomUUID()}` };
    return this.eventSender.authorizationsList(args) as ApiResult;
  }

  private async handleResponseUrl(res: http.ServerResponse, url: URL, raw: Buffer): Promise<void> {
    const entry = this.responseUrls.get(url.pathname.slice('/response/'.length));
    if (!entry) return send(res, 404, { ok: false, error: 'invalid_url' });
    if (Date.now() - entry.createdAt > this.opts.responseUrlTtlMs)
      return send(res, 404, { ok: false, error: 'expired_url' });
    if (entry.uses >= this.opts.responseUrlMaxUses) return send(res, 404, { ok: false, error: 'used_url' });
    const failure = this.takeFailure(RESPONSE_URL);
    // Slack showed the message, and the answer was lost on the way back (an edge's 502 page, a cut connection).
    const processedFirst = failure?.afterProcessing === true;
    if (!processedFirst) {
      const injected = await this.applyFailure(failure, res);
      if (injected.answered) return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return send(res, 400, { ok: false, error: 'invalid_payload' });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return send(res, 400, { ok: false, error: 'invalid_payload' });
    }
    const message = body as Record<string, unknown>;
    const invalid = this.workspace.validateMessage(message, entry.channel);
    if (invalid) {
      return send(res, 400, {
        ok: false,
        error: invalid.error,
        response_metadata: { messages: invalid.messages },
      });
    }
    entry.uses += 1;
    this.responses.push({ url: url.href, body: message, at: Date.now() });
    this.applyResponse(entry, message);
    if (processedFirst && (await this.applyFailure(failure, res)).answered) return;
    send(res, 200, 'ok');
  }

  /** What a response URL post does to the conversation it belongs to (when the URL was given one). */
  private applyResponse(entry: { channel?: string; ts?: string }, body: Record<string, unknown>): void {
    if (!entry.channel) return;
    const original = entry.ts ? this.workspace.findMessage(entry.channel, entry.ts) : undefined;
    if (body.delete_original === true && original) {
      const list = this.workspace.messages.get(entry.channel) ?? [];
      list.splice(list.indexOf(original), 1);
    } else if (body.replace_original === true && original) {
      this.workspace.replaceMessage(original, body);
    } else if (body.response_type === 'in_channel') {
      const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
      this.workspace.storeMessage(entry.channel, body, threadTs);
    }
  }
}
