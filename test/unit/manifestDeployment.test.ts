import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Json,
  type JsonObject,
  manifestFor,
  manifestProblems,
  parseBaseUrl,
} from '../../src/manifest/deployment.js';

const root = join(import.meta.dirname, '..', '..');
const source = (): JsonObject => JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
const BASE = 'https://handoff.acme.com';

/** Every string in the manifest that is a URL, wherever it is: the test's own walk, not the code's. */
function urlStrings(value: Json): string[] {
  if (typeof value === 'string') return /^https?:\/\//i.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(urlStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(urlStrings);
  return [];
}

function made(manifest: JsonObject, deployment: Parameters<typeof manifestFor>[1]): JsonObject {
  const result = manifestFor(manifest, deployment);
  if (result.kind === 'invalid') throw new Error(result.message);
  return result.value;
}

/** manifest.json with more request URLs than it has today: a second command and the options-load URL. */
function withMoreRequestUrls(): JsonObject {
  const m = source() as {
    features: { slash_commands: JsonObject[] };
    settings: { interactivity: JsonObject };
  };
  m.features.slash_commands.push({
    command: '/handoff2',
    description: 'Another',
    url: 'https://old.example/x',
  });
  m.settings.interactivity.message_menu_options_url = 'https://old.example/options';
  return m as unknown as JsonObject;
}

describe('the manifest for an HTTP deployment', () => {
  it('points every URL of manifest.json at <url>/slack/events, and changes nothing else', () => {
    const before = source();
    expect(urlStrings(before)).toHaveLength(3);
    const after = made(before, { mode: 'http', baseUrl: BASE });
    // The three Slack sends requests to (the command's, events', interactivity's), each where it was.
    expect(urlStrings(after)).toEqual(Array(3).fill(`${BASE}/slack/events`));
    expect(JSON.stringify(after)).not.toContain('example.com');
    // Everything else as in manifest.json; the source object is not changed.
    const strip = (m: JsonObject) => JSON.stringify(m).replaceAll(/"https:\/\/[^"]+"/g, '"URL"');
    expect(strip(after)).toBe(strip(before));
    expect(before).toEqual(source());
  });

  it('finds request URLs it was not told about (a second command, the options-load URL)', () => {
    const after = made(withMoreRequestUrls(), { mode: 'http', baseUrl: BASE });
    const urls = urlStrings(after);
    expect(urls).toHaveLength(5);
    expect(new Set(urls)).toEqual(new Set([`${BASE}/slack/events`]));
  });

  it('refuses a URL that is not a request URL rather than point it at the app, and a manifest Slack would refuse: no bot scopes, no name', () => {
    const m = source() as JsonObject & { oauth_config: JsonObject };
    m.oauth_config.redirect_urls = ['https://handoff.example.com/oauth'];
    const result = manifestFor(m, { mode: 'http', baseUrl: BASE });
    expect(result).toEqual({
      kind: 'invalid',
      message: expect.stringContaining('oauth_config.redirect_urls[0]'),
    });
    const noScopes = source() as JsonObject & { oauth_config: { scopes: { bot: string[] } } };
    noScopes.oauth_config.scopes.bot = [];
    const a = manifestFor(noScopes, { mode: 'http', baseUrl: BASE });
    expect(a).toEqual({ kind: 'invalid', message: expect.stringContaining('oauth_config.scopes.bot') });
    const noName = source() as JsonObject & { display_information: JsonObject };
    delete noName.display_information.name;
    const b = manifestFor(noName, { mode: 'http', baseUrl: BASE });
    expect(b).toEqual({ kind: 'invalid', message: expect.stringContaining('display_information.name') });
  });

  it('names a request URL that is missing or not https', () => {
    const m = source() as JsonObject & {
      settings: { interactivity: JsonObject; event_subscriptions: JsonObject; socket_mode_enabled: boolean };
    };
    delete m.settings.interactivity.request_url;
    m.settings.event_subscriptions.request_url = 'http://handoff.acme.com/slack/events';
    expect(manifestProblems(m, 'http')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^settings\.event_subscriptions\.request_url: must be an https:\/\/ URL/),
      ]),
    );
    m.settings.event_subscriptions.request_url = `${BASE}/slack/events`;
    expect(manifestProblems(m, 'http')).toEqual(['settings.interactivity.request_url: required over HTTP']);
  });
});

describe('the manifest for an OAuth install (--oauth)', () => {
  const oauth = { mode: 'http', baseUrl: BASE, install: 'oauth' } as const;

  it('adds the one redirect URL and allows org-wide installs, and changes nothing else', () => {
    const token = made(source(), { mode: 'http', baseUrl: BASE });
    const after = made(source(), oauth) as JsonObject & {
      oauth_config: { redirect_urls: string[] };
      settings: JsonObject;
    };
    expect(after.oauth_config.redirect_urls).toEqual([`${BASE}/slack/oauth_redirect`]);
    expect(after.settings.org_deploy_enabled).toBe(true);
    // The same manifest as the token install's once those two are put back: scopes, events, request URLs.
    const back = structuredClone(after) as typeof after;
    delete (back.oauth_config as JsonObject).redirect_urls;
    back.settings.org_deploy_enabled = (token as { settings: JsonObject }).settings
      .org_deploy_enabled as Json;
    expect(JSON.stringify(back)).toBe(JSON.stringify(token));
    expect(manifestProblems(after, 'http')).toEqual([]);
  });

  it('is the token install without it: an omitted install and `token` give the same manifest', () => {
    const omitted = made(source(), { mode: 'http', baseUrl: BASE });
    expect(made(source(), { mode: 'http', baseUrl: BASE, install: 'token' })).toEqual(omitted);
    expect((omitted as { oauth_config: JsonObject }).oauth_config.redirect_urls).toBeUndefined();
    expect((omitted as { settings: JsonObject }).settings.org_deploy_enabled).toBe(false);
  });

  it('still refuses a redirect URL already in manifest.json rather than keep or replace it; checks the redirect URL as Slack would: https, at most 2500 characters', () => {
    const m = source() as JsonObject & { oauth_config: JsonObject };
    m.oauth_config.redirect_urls = ['https://handoff.example.com/slack/oauth_redirect'];
    expect(manifestFor(m, oauth)).toEqual({
      kind: 'invalid',
      message: expect.stringContaining('oauth_config.redirect_urls[0]'),
    });
    const after = made(source(), oauth) as JsonObject & { oauth_config: { redirect_urls: string[] } };
    after.oauth_config.redirect_urls = ['http://handoff.acme.com/slack/oauth_redirect'];
    expect(manifestProblems(after, 'http')).toEqual([
      expect.stringMatching(/^oauth_config\.redirect_urls\[0\]: must be an https:\/\/ URL/),
    ]);
    after.oauth_config.redirect_urls = [`${BASE}/${'a'.repeat(2500)}`];
    expect(manifestProblems(after, 'http')).toEqual([
      expect.stringMatching(/^oauth_config\.redirect_urls\[0\]: /),
    ]);
  });
});

describe('the manifest for Socket Mode', () => {
  it('turns Socket Mode on and has no request URL at all; the HTTP manifest has it off, whatever manifest.json says', () => {
    const after = made(withMoreRequestUrls(), { mode: 'socket' });
    expect(urlStrings(after)).toEqual([]);
    expect(JSON.stringify(after)).not.toMatch(/"(url|request_url|message_menu_options_url)"/);
    const s = (after as { settings: JsonObject }).settings;
    expect(s.socket_mode_enabled).toBe(true);
    // Events, interactivity and the commands stay on: Slack sends them over the socket.
    expect(s.interactivity).toEqual({ is_enabled: true });
    // Every event of manifest.json, none dropped.
    const events = (source() as { settings: { event_subscriptions: JsonObject } }).settings
      .event_subscriptions;
    expect((s.event_subscriptions as JsonObject).bot_events).toEqual(events.bot_events);
    expect((s.event_subscriptions as { bot_events: string[] }).bot_events.length).toBeGreaterThan(4);
    expect((after as { features: { slash_commands: JsonObject[] } }).features.slash_commands).toHaveLength(2);
    const m = source() as JsonObject & { settings: JsonObject };
    m.settings.socket_mode_enabled = true;
    const http = made(m, { mode: 'http', baseUrl: BASE }) as { settings: JsonObject };
    expect(http.settings.socket_mode_enabled).toBe(false);
  });
});

describe('--url', () => {
  it.each([
    ['https://handoff.acme.com', 'https://handoff.acme.com'],
    ['https://handoff.acme.com/', 'https://handoff.acme.com'],
    ['  https://Handoff.ACME.com  ', 'https://handoff.acme.com'],
    ['https://handoff.acme.com:8443', 'https://handoff.acme.com:8443'],
    ['https://xn--handff-zxa.acme.com', 'https://xn--handff-zxa.acme.com'],
    ['https://handöff.acme.com', 'https://xn--handff-zxa.acme.com'],
    ['https://203.0.113.7', 'https://203.0.113.7'],
  ])('takes %j as %s', (raw, base) => {
    expect(parseBaseUrl(raw)).toEqual({ kind: 'ok', value: base });
  });

  it.each([
    ['http://handoff.acme.com', 'must start with https://'],
    ['handoff.acme.com', 'is not a URL'],
    ['', 'is not a URL'],
    ['https://handoff.acme.com/slack/events', 'must have no path, query or fragment'],
    ['https://handoff.acme.com/app', 'must have no path, query or fragment'],
    ['https://handoff.acme.com?x=1', 'must have no path, query or fragment'],
    ['https://handoff.acme.com/?', 'must have no path, query or fragment'],
    ['https://handoff.acme.com#top', 'must have no path, query or fragment'],
    ['https://admin:pw@handoff.acme.com', 'must not hold a user name or password'],
    [`https://${'a'.repeat(3000)}.com`, ''],
    // Hosts URL parsing accepts and no certificate names.
    ['https://%2e%2e', 'must spell its host name out (no %-escapes)'],
    ['https://%68andoff.acme.com', 'must spell its host name out (no %-escapes)'],
    ['https://..', 'must have a public host name'],
    ['https://handoff..acme.com', 'must have a public host name'],
    ['https://-handoff.acme.com', 'must have a public host name'],
    ['https://hand_off.acme.com', 'must have a public host name'],
    ['https://localhost', 'must have a public host name'],
    ['https://handoff.acme.com.', 'must have a public host name'],
    ['https://[::1]', 'must have a public host name'],
    [`https://${'a'.repeat(64)}.com`, 'must have a public host name'],
  ])('refuses %j', (raw, why) => {
    const result = parseBaseUrl(raw);
    expect(result.kind).toBe('invalid');
    if (result.kind === 'invalid') expect(result.message).toContain(why);
  });
});
