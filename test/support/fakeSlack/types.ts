import type { RateLimitOptions } from './rateLimits.js';
import type { EnterpriseSpec } from './tenants.js';
/** Public types of the fake Slack Web API server (see `test/support/fakeSlack.ts`). */

export interface FakeUser {
  id: string;
  team_id: string;
  name: string;
  real_name?: string;
  /** IANA zone; defaults to 'America/Los_Angeles' (Slack's default). */
  tz?: string;
  /** Seconds east of UTC; derived from `tz` (at the current date) when omitted. */
  tz_offset?: number;
  is_bot?: boolean;
  deleted?: boolean;
  /** A workspace guest (multi-channel): users.info says `is_restricted: true`. */
  is_restricted?: boolean;
  /** A single-channel guest: users.info says `is_restricted` and `is_ultra_restricted`, both true. */
  is_ultra_restricted?: boolean;
  /** The custom status of the profile (users.profile.get, users.info); none when omitted. */
  profile?: FakeProfileStatus;
  /** The profile's email (users.info, users.lookupByEmail: the app has `users:read.email`). */
  email?: string;
  /** The profile's title ("Alliances lead"). */
  title?: string;
}

/** A user's custom status, in Slack's profile fields. */
export interface FakeProfileStatus {
  status_text?: string;
  /** Like ':palm_tree:'. */
  status_emoji?: string;
  /**
   * When Slack clears the status, in unix seconds; 0 (or omitted) for never. Past it (by the fake's `now`), the
   * status reads as cleared.
   */
  status_expiration?: number;
}

/** A workspace (team): the fake's own one, or an external one connected through Slack Connect channels. */
export interface FakeTeam {
  id: string;
  name: string;
  /** The `<domain>.slack.com` subdomain; derived from the name when omitted. */
  domain?: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  is_private?: boolean;
  is_ext_shared?: boolean;
  is_shared?: boolean;
  is_org_shared?: boolean;
  is_pending_ext_shared?: boolean;
  shared_team_ids?: string[];
  /** User ids in the conversation; include the bot user id for the bot to be able to post. */
  members: string[];
}

export interface RecordedCall {
  method: string;
  /** Parsed arguments (form values of blocks/attachments/view/metadata/files JSON-decoded); `token` is removed. */
  args: Record<string, unknown>;
  /** Arrival time (Date.now()). */
  at: number;
  /** true only for an HTTP 200 `{ ok: true }` answer. */
  ok: boolean;
  /** JSON body answered (or the text body of an injected HTTP error); undefined while still pending. */
  response: unknown;
  /** HTTP status answered; 0 while still pending. */
  status: number;
  /** The token the call was made with (header or body), if any. */
  token?: string;
  /** true when the call was processed (its side effects happened) although an injected failure was answered. */
  processed?: boolean;
  /** true when the fake destroyed the connection instead of answering (`dropConnection`). */
  dropped?: boolean;
}

export interface Failure {
  /** Answer with this HTTP status and a small text body (e.g. 500, 503). */
  status?: number;
  /** Answer HTTP 200 `{ ok: false, error }`. */
  error?: string;
  /** Answer HTTP 429 with this `Retry-After` (seconds) and `{ ok: false, error: 'ratelimited' }`. */
  retryAfter?: number;
  /** Wait this long before answering; alone, the call is then handled normally (with its side effects). */
  delayMs?: number;
  /**
   * Hold the answer (the real one, an injected one, or a dropped connection) until this settles (the test releases
   * it), however long that takes. With `afterProcessing` the call is processed at once: a late answer with no race
   * against real time.
   */
  until?: Promise<unknown>;
  /**
   * Destroy the connection instead of answering: the client sees its request fail (a reset), as the outbox sees a
   * timeout (transient, uncertain). With `afterProcessing` the call is processed first (a posted message IS stored):
   * a lost answer that no client timeout has to race.
   */
  dropConnection?: boolean;
  /**
   * Answer with this raw body instead (a proxy's or an edge's error page): HTTP `status` (200 when not given), with
   * content type `contentType` (text/html when not given).
   */
  body?: string;
  /** The content type of `body`; default 'text/html; charset=utf-8'. */
  contentType?: string;
  /**
   * Answer with the method's own JSON answer cut after this many characters (HTTP `status`, 200 when not given): a
   * truncated body. The call is processed first (as with `afterProcessing`), since its answer is what gets cut.
   */
  truncateAt?: number;
  /**
   * Process the call first (auth, validation, its side effects: a posted message IS stored), then answer with the
   * injected failure instead of the real answer: a lost answer of any shape.
   */
  afterProcessing?: boolean;
  /**
   * Only calls whose `channel` argument is this (a user id for a DM, a channel id): the failure waits for a call to
   * that conversation, whichever conversation the app delivers to first.
   */
  channel?: string;
  /**
   * Only calls made with this token: one installation's Slack rate-limited or down while the others' is not (the
   * bench's tenants section).
   */
  token?: string;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  /** Parent ts when the message is a thread reply. */
  thread_ts?: string;
  /** Bot user id. */
  user: string;
  edited?: boolean;
  metadata?: unknown;
  /** The bot that posted it, when another app's (default: the app's own bot). */
  bot_id?: string;
  /** Files shared with this message (files.completeUploadExternal with `channel_id`). */
  files?: StoredMessageFile[];
  /** Reactions added with reactions.add: emoji name to the users who added it, in order. */
  reactions?: Record<string, string[]>;
}

export interface StoredMessageFile {
  id: string;
  name: string;
  title: string;
}

/**
 * A file of the fake workspace, from files.getUploadURLExternal (pending) through the upload (bytes) to
 * files.completeUploadExternal (completed, shared to `channels` or private to the bot).
 */
export interface FakeFile {
  /** `F` + 10 uppercase letters or digits, like Slack's. */
  id: string;
  /** The `filename` given to files.getUploadURLExternal. */
  name: string;
  /** The title given to files.completeUploadExternal; the filename when none was given. */
  title: string;
  /** The `length` declared to files.getUploadURLExternal. */
  length: number;
  alt_text?: string;
  snippet_type?: string;
  /** The bytes posted to the upload URL (empty until then). */
  bytes: Buffer;
  /** true once bytes were posted to the upload URL. */
  uploaded: boolean;
  /** true once files.completeUploadExternal accepted the file. */
  completed: boolean;
  /** Conversation ids the file was shared to (C…, G… or D…); empty for a file private to the bot. */
  channels: string[];
  /** Made public (files.sharedPublicURL, a user-token method: a person's doing, never the app's): always false. */
  public: boolean;
  /** files.info calls answered since completion (Slack's processing ends after `fileProcessingCalls`). */
  infoCalls: number;
  /** true once files.info reports a mimetype (processing finished); only then can image blocks show it. */
  processed: boolean;
  /** Slack-style mimetype and filetype derived from the file name's extension. */
  mimetype: string;
  filetype: string;
  /** Creation time (Date.now()) at files.getUploadURLExternal. */
  createdAt: number;
}

export interface StoredResponse {
  url: string;
  body: Record<string, unknown>;
  at: number;
}

/** A view as Slack returns it (`views.open` / `views.push` / `views.update` / `views.publish`). */
export interface FakeView {
  id: string;
  team_id: string;
  type: string;
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, unknown> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string | null;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
  [key: string]: unknown;
}

/**
 * An app registered for Slack's OAuth v2 install flow (fakeSlack/oauth.ts): set as `fake.oauthApp` or the `oauthApp`
 * option. `fake.authorizeUrl` is its authorize page (InstallProvider's `authorizationUrl`); oauth.v2.access exchanges
 * the page's code for the bot token.
 */
export interface FakeOAuthApp {
  clientId: string;
  clientSecret: string;
  /**
   * The app's registered Redirect URL(s). An authorize URL naming another is refused (`bad_redirect_uri` page); one
   * naming none goes to the first. When none is registered, any URL the authorize URL names is accepted.
   */
  redirectUri?: string | readonly string[];
  /**
   * Token rotation on: each code or refresh token exchanged yields an `xoxe.xoxb-` access token valid 12 hours (by the
   * fake's `now`; then `token_expired`) and a single-use `xoxe-1-` refresh token. Off (default): the answer carries the
   * long-lived bot token (`fake.token`).
   */
  tokenRotation?: boolean;
  /** The bot scopes the app may ask for; asking for another is refused (`invalid_scope` page). Default: any. */
  scopes?: readonly string[];
  /** The same for user scopes. Default: any. */
  userScopes?: readonly string[];
  /**
   * The app may be installed org-wide on Enterprise Grid (the manifest's `settings.org_deploy_enabled`). Off: the
   * authorize page refuses an org-wide install (`fake.approveInstall(url, { enterprise })`).
   */
  orgDeploy?: boolean;
}

export interface FakeSlackOptions {
  /** Default 'xoxb-test-token'. */
  token?: string;
  /** The app registered for OAuth installs (see FakeOAuthApp); none by default. Also settable as `fake.oauthApp`. */
  oauthApp?: FakeOAuthApp;
  /**
   * The signed-in person who clicks Allow on the authorize page: a full member of the own team known to the fake
   * (`addUser`), else the page refuses. Default 'U0OWNER' (the seeded workspace's owner, test/support/people.ts).
   * Also settable as `fake.installer`.
   */
  installer?: string;
  /**
   * Makes the fake's own workspace one of the workspaces of an Enterprise Grid org, created first (as by
   * `addEnterprise`; more of its workspaces: `addWorkspace({ …, enterpriseId })`). Then:
   * - the own workspace's bot user is the org's one bot user: `enterprise.botUserId`, else `botUserId`, else
   *   `W<id without its E>BOT` (likewise `botId`), so seeded data naming 'UBOT' keeps working with
   *   `botUserId: 'UBOT'`. `fake.botUserId` is that bot, in every workspace of the org;
   * - the app is installed org-wide unless `orgWide: false` (then through `approveInstall(url, { enterprise })`):
   *   the org token (`fake.enterprise(id).token`) acts in the own workspace and every other of the org, and the
   *   workspace token (`fake.token`) keeps working in the own workspace;
   * - the own workspace's events carry `enterprise_id` and the `context_` ids, and while installed org-wide
   *   `authorizations: [{ enterprise_id, team_id: null, is_enterprise_install: true, … }]`;
   * - users.info answers its people with `enterprise_user`, team.info and auth.test name the org.
   * Without it, the own workspace belongs to no org (the default).
   */
  enterprise?: EnterpriseSpec;
  /** Default 'T0INTERNAL'. */
  teamId?: string;
  /** Name of the own team (team.info, auth.test); default 'Acme Corp'. */
  teamName?: string;
  /** Domain of the own team (`<domain>.slack.com` in auth.test and permalinks); default 'acme'. */
  teamDomain?: string;
  /** Default 'UBOT'. */
  botUserId?: string;
  /** Default 'BBOT'. */
  botId?: string;
  /** Lifetime of trigger ids; default 3000 ms as on Slack. */
  triggerTtlMs?: number;
  /** Lifetime of response URLs; default 30 minutes as on Slack. */
  responseUrlTtlMs?: number;
  /** Uses allowed per response URL; default 5 as on Slack. */
  responseUrlMaxUses?: number;
  /**
   * How many files.info calls after files.completeUploadExternal still see the file processing (empty
   * `mimetype` / `filetype`; image blocks naming it are refused); default 1. 0 = processed at once.
   */
  fileProcessingCalls?: number;
  /**
   * Enforce Slack's rate limits (see rateLimits.ts): `true` for Slack's documented ones, or overrides. Off by
   * default: most tests make calls faster than Slack allows and are about something else.
   */
  rateLimits?: boolean | RateLimitOptions;
  /**
   * The fake's clock (epoch ms) for what Slack changes with time in the workspace: statuses past their
   * `status_expiration` read as cleared. Default `Date.now`; also settable later as `fake.now`. Trigger ids,
   * response URLs, rate limits and message ts keep real time (they are about the HTTP exchange itself).
   */
  now?: () => number;
  /**
   * The bot scopes the token was granted, answered in the `x-oauth-scopes` header of every call made with it (as
   * Slack does). Default: the bot scopes of the repository's manifest.json (an app installed from it). Also settable
   * later as `fake.grantedScopes`.
   */
  scopes?: readonly string[];
}
