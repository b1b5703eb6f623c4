/**
 * The Slack app manifest for one deployment, made from the repository's manifest.json (the one source): every
 * request URL pointed at `<base>/slack/events` (HTTP), or Socket Mode on and no request URL at all. Pure: the CLI
 * (src/manifest.ts) reads and writes the files.
 *
 * Request URLs are found, not listed: every string field under `features` or `settings` whose key is `url` or ends
 * in `_url` (today the slash command's `url`, `event_subscriptions.request_url` and `interactivity.request_url`;
 * `interactivity.message_menu_options_url` or a second command would be found the same way). Bolt serves every
 * kind of request on the one path. A URL anywhere else (an OAuth redirect, a directory listing link) is not a
 * request URL: the transform refuses the manifest rather than guess. The OAuth install (`--oauth`) adds its one
 * redirect URL itself, after that check (INSTALLS below).
 */
import { z } from 'zod';

/** Where the app takes every Slack request (src/receiver/headers.ts). */
export const EVENTS_PATH = '/slack/events';
/** Where Slack sends the installer back after they approve an OAuth install (@slack/oauth's default path). */
export const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';
/** Slack's longest request URL is 3000 characters (a slash command's `url`; the settings' allow 3500). */
const MAX_REQUEST_URL = 3000;

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** How a workspace gets the app's token: pasted into SLACK_BOT_TOKEN (the default), or an OAuth install. */
export type Install = 'token' | 'oauth';
export type Deployment = { mode: 'http'; baseUrl: string; install?: Install } | { mode: 'socket' };

export type Parsed<T> = { kind: 'ok'; value: T } | { kind: 'invalid'; message: string };

/**
 * The public base URL an admin typed: https, a host, nothing after it but an optional `/` (we append the path).
 * Returns it without the trailing slash.
 */
export function parseBaseUrl(raw: string): Parsed<string> {
  const text = raw.trim();
  const bad = (why: string): Parsed<string> => ({
    kind: 'invalid',
    message: `--url ${JSON.stringify(raw)} ${why}. Give the app's public base URL, like https://handoff.acme.com (the command adds ${EVENTS_PATH}).`,
  });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('is not a URL');
  }
  if (url.protocol !== 'https:')
    return bad('must start with https:// (Slack sends requests only to HTTPS URLs)');
  if (url.username || url.password) return bad('must not hold a user name or password');
  const hostProblem = hostNameProblem(text, url.hostname);
  if (hostProblem) return bad(hostProblem);
  if (url.pathname !== '/' || url.search || url.hash || /[?#]/.test(text)) {
    return bad('must have no path, query or fragment');
  }
  const base = url.origin;
  if (base.length + EVENTS_PATH.length > MAX_REQUEST_URL) return bad(`is longer than Slack allows`);
  return { kind: 'ok', value: base };
}

/** A DNS label: letters, digits and hyphens, 1 to 63, not starting or ending with a hyphen. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * Why the host is not one Slack could reach over HTTPS, or undefined: a public DNS name (two labels or more, each a
 * valid label, 253 characters at most) or an IPv4 address, typed as such. URL parsing decodes `%2e%2e` to `..` and
 * accepts `_`, an empty label or a trailing dot; none of those is a name a certificate is issued for.
 */
function hostNameProblem(typed: string, hostname: string): string | undefined {
  const authority = typed.replace(/^https:\/\//i, '').split(/[/?#]/)[0] ?? '';
  if (authority.includes('%')) return 'must spell its host name out (no %-escapes)';
  if (IPV4.test(hostname)) return undefined;
  const labels = hostname.split('.');
  if (hostname.length > 253 || labels.length < 2 || !labels.every((label) => LABEL.test(label)))
    return 'must have a public host name (like handoff.acme.com: letters, digits and hyphens between dots)';
  return undefined;
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isUrlKey = (key: string) => key === 'url' || key.endsWith('_url');
const looksLikeUrl = (value: Json) => typeof value === 'string' && /^https?:\/\//i.test(value);

/** Where a field is, as a path of keys and indices, for messages (`features.slash_commands[0].url`). */
export function pathText(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Every field holding a URL: a `url`/`*_url` key with a string value, or any string that starts with http(s)://. */
export function urlFields(manifest: Json): (string | number)[][] {
  const found: (string | number)[][] = [];
  const walk = (value: Json, path: (string | number)[]) => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, [...path, i]);
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if ((isUrlKey(key) && typeof child === 'string') || looksLikeUrl(child)) found.push([...path, key]);
        else walk(child, [...path, key]);
      }
    } else if (looksLikeUrl(value) && path.length > 0) {
      found.push(path);
    }
  };
  walk(manifest, []);
  return found;
}

/** A request URL: a URL field under `features` or `settings` (where Slack sends slash commands, events, actions). */
const isRequestUrl = (path: (string | number)[]) =>
  (path[0] === 'features' || path[0] === 'settings') &&
  typeof path.at(-1) === 'string' &&
  isUrlKey(String(path.at(-1)));

/** The object holding the field at `path`, and the field's key. */
function holder(root: JsonObject, path: (string | number)[]): { parent: JsonObject; key: string } {
  let node: Json = root;
  for (const step of path.slice(0, -1)) {
    node = Array.isArray(node)
      ? (node[step as number] as Json)
      : ((node as JsonObject)[step as string] as Json);
  }
  return { parent: node as JsonObject, key: String(path.at(-1)) };
}

/**
 * What each way of installing changes in the manifest once its request URLs are set; a new way is one row. OAuth: the
 * one redirect URL Slack accepts (`<base>/slack/oauth_redirect`), and org-wide installs allowed on Enterprise Grid.
 */
const INSTALLS: Record<Install, (manifest: JsonObject, baseUrl: string) => void> = {
  token: () => {},
  oauth: (manifest, baseUrl) => {
    const oauth = isObject(manifest.oauth_config) ? manifest.oauth_config : {};
    oauth.redirect_urls = [`${baseUrl}${OAUTH_REDIRECT_PATH}`];
    manifest.oauth_config = oauth;
    const settings = isObject(manifest.settings) ? manifest.settings : {};
    settings.org_deploy_enabled = true;
    manifest.settings = settings;
  },
};

/** The manifest for a deployment, or why manifest.json cannot be made into one. The source is not changed. */
export function manifestFor(source: JsonObject, deployment: Deployment): Parsed<JsonObject> {
  const manifest = structuredClone(source);
  const fields = urlFields(manifest);
  const strays = fields.filter((path) => !isRequestUrl(path));
  if (strays.length > 0) {
    return {
      kind: 'invalid',
      message: `manifest.json has URLs that are not request URLs, which this command does not set: ${strays.map(pathText).join(', ')}.`,
    };
  }
  for (const path of fields) {
    const { parent, key } = holder(manifest, path);
    if (deployment.mode === 'http') parent[key] = `${deployment.baseUrl}${EVENTS_PATH}`;
    else delete parent[key];
  }
  const settings = isObject(manifest.settings) ? manifest.settings : {};
  settings.socket_mode_enabled = deployment.mode === 'socket';
  manifest.settings = settings;
  if (deployment.mode === 'http') INSTALLS[deployment.install ?? 'token'](manifest, deployment.baseUrl);
  const problems = manifestProblems(manifest, deployment.mode);
  return problems.length > 0
    ? { kind: 'invalid', message: `The manifest would not be valid:\n- ${problems.join('\n- ')}` }
    : { kind: 'ok', value: manifest };
}

const httpsUrl = z
  .string()
  .max(MAX_REQUEST_URL)
  .regex(/^https:\/\/[^/?#\s]+\//, 'must be an https:// URL');

/** The rules of Slack's manifest schema (test/fixtures/slack/) that an install trips on. */
const manifestSchema = z.object({
  _metadata: z.object({ major_version: z.union([z.literal(1), z.literal(2)]) }).optional(),
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().min(1).max(140).optional(),
    long_description: z.string().min(175).max(4000).optional(),
    background_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/)
      .optional(),
  }),
  features: z
    .object({
      bot_user: z.object({ display_name: z.string().min(1).max(80) }),
      slash_commands: z
        .array(
          z.object({
            command: z.string().regex(/^\/.{1,31}$/),
            description: z.string().min(1).max(2000),
            url: httpsUrl.optional(),
          }),
        )
        .max(50)
        .optional(),
    })
    .optional(),
  oauth_config: z.object({
    redirect_urls: z.array(httpsUrl.max(2500)).max(1000).optional(),
    scopes: z.object({
      bot: z.array(z.string().min(1).max(50)).min(1, 'must name at least one scope').max(255),
    }),
  }),
  settings: z.object({
    socket_mode_enabled: z.boolean(),
    org_deploy_enabled: z.boolean().optional(),
    event_subscriptions: z
      .object({ request_url: httpsUrl.optional(), bot_events: z.array(z.string()).optional() })
      .optional(),
    interactivity: z.object({ is_enabled: z.boolean(), request_url: httpsUrl.optional() }).optional(),
  }),
});

/**
 * What Slack would refuse in the manifest, or what would leave the app deaf in this mode: required keys and lengths,
 * a non-empty list of bot scopes, and each request URL there and https (HTTP) or absent (Socket Mode).
 */
export function manifestProblems(manifest: JsonObject, mode: Deployment['mode']): string[] {
  const parsed = manifestSchema.safeParse(manifest);
  if (!parsed.success) {
    return parsed.error.issues.map(
      (issue) => `${pathText(issue.path as (string | number)[])}: ${issue.message}`,
    );
  }
  const { features, settings } = parsed.data;
  const problems: string[] = [];
  if (mode === 'socket') {
    for (const path of urlFields(manifest)) problems.push(`${pathText(path)}: no request URL in Socket Mode`);
    if (!settings.socket_mode_enabled) problems.push('settings.socket_mode_enabled: must be true');
    return problems;
  }
  if (settings.socket_mode_enabled) problems.push('settings.socket_mode_enabled: must be false over HTTP');
  (features?.slash_commands ?? []).forEach((command, i) => {
    if (!command.url) problems.push(`features.slash_commands[${i}].url: required over HTTP`);
  });
  const events = settings.event_subscriptions;
  if (events && (events.bot_events?.length ?? 0) > 0 && !events.request_url) {
    problems.push('settings.event_subscriptions.request_url: required over HTTP');
  }
  if (settings.interactivity?.is_enabled && !settings.interactivity.request_url) {
    problems.push('settings.interactivity.request_url: required over HTTP');
  }
  return problems;
}
