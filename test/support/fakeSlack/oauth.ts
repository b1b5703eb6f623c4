/**
 * Slack's OAuth v2 install flow for one install target of the fake (a workspace, or an org for an org-wide install): the browser side (`/oauth/v2/authorize`, answered as if
 * the signed-in installer clicked Allow), `oauth.v2.access` (a one-time code, or a refresh token with token rotation)
 * and which bot tokens the Web API accepts. Shapes and error names follow Slack's reference for oauth.v2.access and
 * its token rotation guide.
 */
import { randomBytes } from 'node:crypto';
import type { ApiResult, Args } from './common.js';
import type { FakeOAuthApp, FakeUser } from './types.js';

/** How long a code from the authorize page can be exchanged: 10 minutes, on the fake's clock. */
export const OAUTH_CODE_TTL_MS = 10 * 60_000;
/** The `expires_in` of a rotating access token: 12 hours, in seconds. */
export const ROTATING_TOKEN_TTL_S = 43_200;
/** What `fake.calls` shows instead of a client secret. */
export const MASKED_SECRET = '[masked]';

/** What the Web API makes of a token: accepted, or Slack's error for it. */
export type TokenCheck = 'ok' | 'invalid_auth' | 'token_revoked' | 'token_expired';

/** The browser's answer to an authorize URL: a redirect to the app, or Slack's error page. */
export type AuthorizeAnswer =
  | { status: 302; location: string }
  | { status: 400; error: string; page: string };

/** What the OAuth side needs from the rest of the fake. */
export interface OAuthHost {
  now(): number;
  teamId: string;
  botUserId: string;
  appId: string;
  teamName(): string;
  user(id: string): FakeUser | undefined;
  /** Whether the bot token was lost (revoked or uninstalled): `tokenLoss`. */
  lost(): boolean;
  /** A reinstall after a loss: clear it (and resume events after an uninstall). */
  reinstalled(): void;
  grantedScopes(): string[];
  grant(scopes: string[]): void;
  /** The Enterprise Grid org of the install: a workspace's org, or the org itself for an org-wide install. */
  enterprise?: { id: string; name: string };
  /** An org-wide install (`teamId` is then the org's id): answered with `team: null`. */
  orgWide?: boolean;
  /** Whether a person may install here; default: a member of `teamId`. */
  member?(user: FakeUser): boolean;
}

/** The app registration every install target of one fake shares (one app, installed in many workspaces). */
export interface OAuthRegistration {
  app: FakeOAuthApp | undefined;
}

interface PendingCode {
  clientId: string;
  createdAt: number;
  /** The redirect_uri the authorize URL named; undefined when it named none (the registered one was used). */
  redirectUri: string | undefined;
  scopes: string[];
  userScopes: string[];
  installer: string;
  used: boolean;
}

interface IssuedToken {
  /** Install generation: a loss then a reinstall starts a new one, and older tokens are revoked. */
  generation: number;
  /** Epoch ms, on the fake's clock; none for a token that never expires. */
  expiresAt?: number;
}

const splitScopes = (value: string | null | undefined): string[] =>
  (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Slack's page for a refused authorize URL (the fake answers it HTTP 400). */
const errorPage = (error: string, detail: string): AuthorizeAnswer => ({
  status: 400,
  error,
  page: `<!DOCTYPE html><html><head><title>Slack</title></head><body><h1>Something went wrong when authorizing this app.</h1><p>Error details: ${error}</p><p>${escapeHtml(detail)}</p></body></html>`,
});

/** Client credentials from HTTP Basic auth (`Authorization: Basic base64(id:secret)`), as Slack accepts them. */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const encoded = /^Basic\s+(.+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

/** The arguments of an oauth.v2.access call as `fake.calls` records them: the client secret masked. */
export function maskOAuthArgs(args: Args): Args {
  return typeof args.client_secret === 'string' ? { ...args, client_secret: MASKED_SECRET } : { ...args };
}

export class OAuth {
  /** The signed-in person who clicks Allow on the authorize page. */
  installer: string;
  /** The long-lived bot token, or the latest rotating one: what `fake.token` answers. */
  botToken: string;

  private generation = 0;
  private readonly codes = new Map<string, PendingCode>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, { generation: number; spent: boolean }>();
  private readonly registration: OAuthRegistration;

  constructor(
    private readonly host: OAuthHost,
    opts: { token: string; app?: FakeOAuthApp; installer: string; registration?: OAuthRegistration },
  ) {
    this.botToken = opts.token;
    this.tokens.set(opts.token, { generation: 0 });
    this.registration = opts.registration ?? { app: undefined };
    if (opts.app) this.registration.app = { ...opts.app };
    this.installer = opts.installer;
  }

  /** The registered app (shared by every install target); none by default (oauth.v2.access: invalid_client_id). */
  get app(): FakeOAuthApp | undefined {
    return this.registration.app;
  }

  set app(app: FakeOAuthApp | undefined) {
    this.registration.app = app;
  }

  /** Whether this install target issued `token` (valid or not): the Web API then asks it about the token. */
  issued(token: string): boolean {
    return this.tokens.has(token);
  }

  /** Whether an oauth.v2.access call is about a code or a refresh token this install target issued. */
  owns(args: Args): boolean {
    const code = typeof args.code === 'string' ? args.code : '';
    const refresh = typeof args.refresh_token === 'string' ? args.refresh_token : '';
    return this.codes.has(code) || this.refreshTokens.has(refresh);
  }

  /** Whether Slack accepts `token` as the bot token of the workspace now. */
  check(token: string): TokenCheck {
    const issued = this.tokens.get(token);
    if (!issued) return 'invalid_auth';
    if (issued.generation !== this.generation || this.host.lost()) return 'token_revoked';
    if (issued.expiresAt !== undefined && this.host.now() >= issued.expiresAt) return 'token_expired';
    return 'ok';
  }

  /**
   * What Slack's authorize page does with `url` once the installer (`installer`, default `this.installer`) clicks
   * Allow (or Cancel, with `deny`): a redirect to the app's redirect URI with a one-time `code` (or
   * `error=access_denied`) and the `state`, or the error page.
   */
  authorize(url: URL, opts: { installer?: string; deny?: boolean } = {}): AuthorizeAnswer {
    const q = url.searchParams;
    const app = this.app;
    const clientId = q.get('client_id');
    if (!app || !clientId || clientId !== app.clientId)
      return errorPage('invalid_client_id', `No app has the client_id "${clientId ?? ''}".`);
    const redirect = this.redirectFor(app, q.get('redirect_uri'));
    if ('error' in redirect) return redirect.error;
    const scopes = splitScopes(q.get('scope'));
    const userScopes = splitScopes(q.get('user_scope'));
    if (scopes.length === 0 && userScopes.length === 0)
      return errorPage('invalid_scope', 'The URL asks for no scope.');
    const outside = [
      ...(app.scopes ? scopes.filter((s) => !app.scopes?.includes(s)) : []),
      ...(app.userScopes ? userScopes.filter((s) => !app.userScopes?.includes(s)) : []),
    ];
    if (outside.length > 0)
      return errorPage('invalid_scope', `Invalid permissions requested: ${outside.join(', ')}.`);
    if (this.host.orgWide && !app.orgDeploy)
      return errorPage('org_deploy_not_enabled', 'The app is not enabled for org-wide installs (orgDeploy).');
    const installer = opts.installer ?? this.installer;
    const refusal = this.installerProblem(installer);
    if (refusal) return errorPage('installer_not_allowed', refusal);
    const location = new URL(redirect.uri);
    if (opts.deny) {
      location.searchParams.set('error', 'access_denied');
    } else {
      const code = `${this.host.teamId.replace(/\D/g, '') || '0'}.${Date.now()}.${hex(32)}`;
      this.codes.set(code, {
        clientId,
        createdAt: this.host.now(),
        redirectUri: q.get('redirect_uri') ?? undefined,
        scopes,
        userScopes,
        installer,
        used: false,
      });
      location.searchParams.set('code', code);
    }
    const state = q.get('state');
    if (state !== null) location.searchParams.set('state', state);
    return { status: 302, location: location.href };
  }

  /** oauth.v2.access: client credentials from the arguments or from HTTP Basic auth (`basic`). */
  access(args: Args, basic: { id: string; secret: string } | undefined): ApiResult {
    const clientId = basic?.id ?? (typeof args.client_id === 'string' ? args.client_id : undefined);
    const secret = basic?.secret ?? (typeof args.client_secret === 'string' ? args.client_secret : undefined);
    const app = this.app;
    if (!app || !clientId || clientId !== app.clientId) return { ok: false, error: 'invalid_client_id' };
    if (secret !== app.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const grant = args.grant_type ?? 'authorization_code';
    if (grant === 'authorization_code') return this.exchangeCode(app, args);
    if (grant === 'refresh_token') return this.refresh(app, args);
    return { ok: false, error: 'invalid_grant_type' };
  }

  /** Where the authorize page sends the browser: the given redirect_uri if allowed, else the registered one. */
  private redirectFor(app: FakeOAuthApp, given: string | null): { uri: string } | { error: AuthorizeAnswer } {
    const registered = app.redirectUri === undefined ? [] : [app.redirectUri].flat();
    if (given === null) {
      const [first] = registered;
      if (first) return { uri: first };
      return { error: errorPage('bad_redirect_uri', 'No redirect_uri was given, and the app has none.') };
    }
    if (registered.length > 0 && !registered.includes(given))
      return {
        error: errorPage(
          'bad_redirect_uri',
          `redirect_uri did not match any configured URIs. Passed URI: ${given}`,
        ),
      };
    try {
      new URL(given);
      return { uri: given };
    } catch {
      return { error: errorPage('bad_redirect_uri', `Not a URL: ${given}`) };
    }
  }

  /** Why the installer cannot install the app (Slack's sign-in and permission checks), or undefined. */
  private installerProblem(id: string): string | undefined {
    const user = this.host.user(id);
    if (!user) return `No signed-in member ${id} (addUser first).`;
    const member = this.host.member ? this.host.member(user) : user.team_id === this.host.teamId;
    if (!member) return `${id} is not a member of this workspace.`;
    if (user.deleted || user.is_bot) return `${id} cannot sign in.`;
    if (user.is_restricted || user.is_ultra_restricted)
      return `${id} is a guest: guests cannot install apps.`;
    return undefined;
  }

  private exchangeCode(app: FakeOAuthApp, args: Args): ApiResult {
    const code = typeof args.code === 'string' ? this.codes.get(args.code) : undefined;
    if (!code || code.clientId !== app.clientId || code.used) return { ok: false, error: 'invalid_code' };
    if (this.host.now() - code.createdAt > OAUTH_CODE_TTL_MS) return { ok: false, error: 'invalid_code' };
    const redirectUri = typeof args.redirect_uri === 'string' ? args.redirect_uri : undefined;
    if (
      code.redirectUri !== undefined
        ? redirectUri !== code.redirectUri
        : redirectUri !== undefined && !this.isRegistered(app, redirectUri)
    )
      return { ok: false, error: 'bad_redirect_uri' };
    code.used = true;
    if (this.host.lost()) {
      // A reinstall after the token was lost: a new install, whose tokens are new; the old ones stay revoked.
      this.generation += 1;
      this.host.reinstalled();
      if (!app.tokenRotation) this.botToken = this.issue(`xoxb-${hex(6)}-${hex(6)}-${hex(12)}`);
      this.host.grant(code.scopes);
    } else {
      this.host.grant([...new Set([...this.host.grantedScopes(), ...code.scopes])]);
    }
    return {
      ok: true,
      app_id: this.host.appId,
      authed_user: this.authedUser(app, code),
      ...this.botGrant(app),
      ...this.installedIn(),
    };
  }

  private refresh(app: FakeOAuthApp, args: Args): ApiResult {
    const given = typeof args.refresh_token === 'string' ? args.refresh_token : '';
    const entry = this.refreshTokens.get(given);
    if (
      !app.tokenRotation ||
      !entry ||
      entry.spent ||
      entry.generation !== this.generation ||
      this.host.lost()
    )
      return { ok: false, error: 'invalid_refresh_token' };
    entry.spent = true;
    return {
      ok: true,
      app_id: this.host.appId,
      ...this.botGrant(app),
      ...this.installedIn(),
    };
  }

  /** Where the app is installed, as oauth.v2.access says it (Slack's reference for org-wide apps). */
  private installedIn(): Record<string, unknown> {
    const { enterprise, orgWide } = this.host;
    return {
      team: orgWide ? null : { id: this.host.teamId, name: this.host.teamName() },
      enterprise: enterprise ? { ...enterprise } : null,
      is_enterprise_install: orgWide === true,
    };
  }

  /** The bot's part of an answer: the long-lived token, or a new rotating pair. */
  private botGrant(app: FakeOAuthApp): Record<string, unknown> {
    const common = {
      scope: this.host.grantedScopes().join(','),
      token_type: 'bot',
      bot_user_id: this.host.botUserId,
    };
    if (!app.tokenRotation) return { ...common, access_token: this.botToken };
    this.botToken = this.issue(`xoxe.xoxb-1-${hex(24)}`, ROTATING_TOKEN_TTL_S);
    return {
      ...common,
      access_token: this.botToken,
      expires_in: ROTATING_TOKEN_TTL_S,
      refresh_token: this.newRefreshToken(),
    };
  }

  /** The installer's part: their id, and a user token when the URL asked for user scopes. */
  private authedUser(app: FakeOAuthApp, code: PendingCode): Record<string, unknown> {
    if (code.userScopes.length === 0) return { id: code.installer };
    // A user token of the installer: issued as Slack does, but the fake's Web API only models the bot token.
    const user = {
      id: code.installer,
      scope: code.userScopes.join(','),
      token_type: 'user',
      access_token: app.tokenRotation ? `xoxe.xoxp-1-${hex(24)}` : `xoxp-${hex(6)}-${hex(6)}-${hex(12)}`,
    };
    return app.tokenRotation
      ? { ...user, expires_in: ROTATING_TOKEN_TTL_S, refresh_token: `xoxe-1-${hex(32)}` }
      : user;
  }

  private isRegistered(app: FakeOAuthApp, uri: string): boolean {
    return app.redirectUri !== undefined && [app.redirectUri].flat().includes(uri);
  }

  private issue(token: string, ttlSeconds?: number): string {
    this.tokens.set(token, {
      generation: this.generation,
      ...(ttlSeconds === undefined ? {} : { expiresAt: this.host.now() + ttlSeconds * 1000 }),
    });
    return token;
  }

  private newRefreshToken(): string {
    const token = `xoxe-1-${hex(32)}`;
    this.refreshTokens.set(token, { generation: this.generation, spent: false });
    return token;
  }
}
