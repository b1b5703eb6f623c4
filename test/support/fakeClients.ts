/**
 * Clients of the fakes and readers of their answers, for the fakes' own tests (test/unit/support/fake*.test.ts):
 * a WebClient on the fake Slack, its OAuth pages, a local events URL; raw and client calls on the fake Salesforce and
 * HubSpot.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@hubspot/api-client';
import { type Logger, LogLevel, WebAPIPlatformError, WebClient, type WebClientOptions } from '@slack/web-api';
import jsforce from 'jsforce';
import { expect } from 'vitest';
import type { FakeHubspot } from './fakeHubspot.js';
import type { FakeSalesforce } from './fakeSalesforce.js';
import type { FakeSlack } from './fakeSlack.js';

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** A WebClient on the fake Slack (no retries, quiet), with the fake's token unless another (or none) is given. */
export const slackClient = (
  fake: FakeSlack,
  token: string | undefined = fake.token,
  opts: WebClientOptions = {},
) =>
  new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentLogger,
    ...opts,
  });

/** Runs a call that must fail with a platform error; returns the error's data. */
export async function platformError(call: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebAPIPlatformError);
  return (error as WebAPIPlatformError).data;
}

/** The error Slack answers a call with, or 'ok'. */
export async function slackAnswer(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (error instanceof WebAPIPlatformError) return error.data.error;
    throw error;
  }
}

/** The OAuth app the tests register on the fake Slack. */
export const OAUTH_APP = {
  clientId: '1111.2222',
  clientSecret: 'client-secret-value',
  redirectUri: 'https://handoff.example.com/slack/oauth_redirect',
};

/** The app's authorize URL on the fake Slack: OAUTH_APP asking for two bot scopes, unless `params` say otherwise. */
export function authorizeUrl(fake: FakeSlack, params: Record<string, string> = {}): string {
  const url = new URL(fake.authorizeUrl);
  const all = {
    client_id: OAUTH_APP.clientId,
    scope: 'chat:write,users:read',
    redirect_uri: OAUTH_APP.redirectUri,
    state: 'st4te',
    ...params,
  };
  for (const [key, value] of Object.entries(all)) url.searchParams.set(key, value);
  return url.href;
}

/** oauth.v2.access for a code the authorize page gave (its redirect location, or the code itself), as OAUTH_APP. */
export const exchangeCode = (fake: FakeSlack, code: string, extra: Record<string, string> = {}) =>
  slackClient(fake, undefined).oauth.v2.access({
    client_id: OAUTH_APP.clientId,
    client_secret: OAUTH_APP.clientSecret,
    code: code.startsWith('http') ? (new URL(code).searchParams.get('code') ?? '') : code,
    redirect_uri: OAUTH_APP.redirectUri,
    ...extra,
  });

/** oauth.v2.access for a refresh token, as OAUTH_APP (or with another client secret). */
export const refreshToken = (fake: FakeSlack, token: string, secret = OAUTH_APP.clientSecret) =>
  slackClient(fake, undefined).oauth.v2.access({
    client_id: OAUTH_APP.clientId,
    client_secret: secret,
    grant_type: 'refresh_token',
    refresh_token: token,
  });

/**
 * Stands in for the app's events URL: `onEvent` sees each raw body and headers (what it returns is kept), then the
 * request is answered 200 (or `answer()`'s status and text).
 */
export async function eventsReceiver<T = string>(
  onEvent: (body: string, headers: http.IncomingHttpHeaders) => T | Promise<T> = (body) => body as T,
  answer: () => { status: number; body: string } = () => ({ status: 200, body: 'ok' }),
) {
  const received: T[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      received.push(await onEvent(Buffer.concat(chunks).toString('utf8'), req.headers));
      const { status, body } = answer();
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The event type of an Events API envelope's raw body. */
export const eventType = (body: string): string =>
  (JSON.parse(body) as { event: { type: string } }).event.type;

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { errorCode?: string; code?: number | string; body?: unknown; data?: unknown }> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

export const sfForm = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** A fresh access token from the fake Salesforce's token endpoint. */
export async function sfToken(f: FakeSalesforce): Promise<string> {
  const res = await fetch(
    `${f.loginUrl}/services/oauth2/token`,
    sfForm({ grant_type: 'client_credentials', client_id: f.clientId, client_secret: f.clientSecret }),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A REST call under /services/data/v62.0 with a fresh token (or the one given). */
export async function sfApi(
  f: FakeSalesforce,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<Response> {
  const token = init.token ?? (await sfToken(f));
  return fetch(`${f.instanceUrl}/services/data/v62.0${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

/** A jsforce connection authorized on the fake Salesforce. */
export async function sfConnect(f: FakeSalesforce): Promise<jsforce.Connection> {
  const conn = new jsforce.Connection({
    oauth2: { loginUrl: f.loginUrl, clientId: f.clientId, clientSecret: f.clientSecret },
    loginUrl: f.loginUrl,
    version: '62.0',
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

/** A raw GET of the query endpoint through jsforce: the answer as Salesforce shapes it. */
export const sfQuery = (conn: jsforce.Connection, soql: string) =>
  conn.request<{
    totalSize: number;
    done: boolean;
    records: Record<string, unknown>[];
    nextRecordsUrl?: string;
  }>(`/query?q=${encodeURIComponent(soql)}`);

export const hsClient = (f: FakeHubspot, accessToken = f.accessToken) =>
  new Client({ accessToken, basePath: f.apiUrl, numberOfApiCallRetries: 0 });

/** A call to the fake HubSpot with plain fetch, authenticated unless a token (or null for none) is given. */
export function hsCall(
  f: FakeHubspot,
  path: string,
  init: { method?: string; body?: unknown; token?: string | null } = {},
): Promise<Response> {
  const token = init.token === undefined ? f.accessToken : init.token;
  return fetch(`${f.apiUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}
