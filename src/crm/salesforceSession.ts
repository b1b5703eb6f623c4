import jsforce from 'jsforce';
import { type OperatorHost, salesforceAddressRefusal } from '../domain/salesforceHosts.js';
import { classifyAnswer, SALESFORCE_CODES, salesforceCode } from './failures.js';
import { myDomainAdvice } from './salesforceLoginUrl.js';
import { CrmError, snippetOf } from './types.js';

export interface SalesforceSettings {
  loginUrl: string;
  /**
   * Hosts the operator named (SALESFORCE_ALLOWED_HOSTS, SALESFORCE_LOGIN_URL's): besides Salesforce's own, the only
   * places the login URL and the token answer's `instance_url` may be (domain/salesforceHosts.ts).
   */
  hosts: readonly OperatorHost[];
  clientId: string;
  clientSecret: string;
  /** REST API version (default 62.0). */
  apiVersion?: string;
  /** Per call (default 10 s): a call that takes longer counts as a lost answer. */
  timeoutMs?: number;
}

/** Errors the token endpoint answers when it refuses the connected app or its run-as user. */
const REFUSED_GRANT = new Set([
  'invalid_client',
  'invalid_client_id',
  'invalid_grant',
  'unauthorized_client',
  'inactive_user',
  'inactive_org',
]);

export interface SalesforceRequest {
  method: string;
  url: string;
  body?: unknown;
}

/** A connection to one Salesforce org: its token, and REST calls classified on failure. */
export interface SalesforceSession {
  /** One REST call (after a token), classified on failure (see `call` below). */
  call<T>(request: SalesforceRequest, write: boolean, ms?: number): Promise<T>;
  /** Forgets the token in use and asks for a new one. */
  reauthorize(): Promise<void>;
  /** The org's base URL, once a token named it. */
  instanceUrl(): string | undefined;
}

interface Session {
  conn: jsforce.Connection;
  loginUrl: string;
  hosts: readonly OperatorHost[];
  timeout: number;
  /** The token endpoint refused the credentials (at start, or on a refresh). */
  refused?: string;
  authorized?: Promise<void>;
}

/**
 * The connected app's client credentials (OAuth 2.0 client credentials flow: a token from
 * `<login url>/services/oauth2/token`, calls to the `instance_url` it returns, a new token when one expires).
 */
export function openSalesforceSession(settings: SalesforceSettings): SalesforceSession {
  const oauth2 = new jsforce.OAuth2({
    loginUrl: settings.loginUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
  });
  const session: Session = {
    conn: new jsforce.Connection({
      oauth2,
      loginUrl: settings.loginUrl,
      version: settings.apiVersion ?? '62.0',
      // A new token by the same flow when the one in use expires or is revoked (jsforce calls this on a 401).
      refreshFn: (c, callback) => {
        authorize(session, c)
          .then((token) => callback(undefined, token))
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    }),
    loginUrl: settings.loginUrl,
    hosts: settings.hosts,
    timeout: settings.timeoutMs ?? 10_000,
  };
  return {
    call: (request, write, ms) => call(session, request, write, ms),
    async reauthorize() {
      session.authorized = undefined;
      await ready(session);
    },
    instanceUrl: () => session.conn.instanceUrl,
  };
}

async function authorize(session: Session, c: jsforce.Connection = session.conn): Promise<string> {
  refuseAddress(session, 'login URL', session.loginUrl);
  try {
    await c.authorize({ grant_type: 'client_credentials' });
  } catch (error) {
    throw tokenError(session, error);
  }
  session.refused = undefined;
  // The token answer names where the calls go: it is not called unless it is Salesforce's (or the operator's).
  refuseAddress(session, 'instance_url of the token answer', c.instanceUrl);
  return c.accessToken ?? '';
}

/**
 * Refuses to call an address that is neither Salesforce's over https nor one the operator named: an
 * admin's login URL, or a token answer, must not make the server call its own network. Nothing is fetched from it.
 */
function refuseAddress(session: Session, what: string, address: string | undefined): void {
  const refused = addressError(session, what, address);
  if (refused) throw refused;
}

function addressError(session: Session, what: string, address: string | undefined): CrmError | undefined {
  if (!salesforceAddressRefusal(address ?? '', session.hosts)) return undefined;
  const host = URL.canParse(address ?? '') ? new URL(address ?? '').host : 'an address that does not parse';
  return new CrmError(
    `Salesforce: the ${what} (${host}) is not Salesforce's over https nor named in SALESFORCE_ALLOWED_HOSTS: not called`,
    { transient: false, unexpected: true },
  );
}

function tokenError(session: Session, error: unknown): CrmError {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  // A login URL that is not the org's My Domain (login.salesforce.com, a Lightning address) is said with the one to use.
  const advice = myDomainAdvice(session.loginUrl, { said: message });
  const then = advice ? `. ${advice}` : '';
  if (REFUSED_GRANT.has(name)) {
    session.refused = `${name}: ${message}`;
    return new CrmError(`Salesforce refused the client credentials (${name}: ${message})${then}`, {
      transient: true,
      auth: true,
    });
  }
  return new CrmError(`Salesforce token request failed: ${name ? `${name}: ` : ''}${message}${then}`, {
    transient: true,
    uncertain: true,
  });
}

async function ready(session: Session): Promise<void> {
  session.authorized ??= authorize(session).then(
    () => undefined,
    (error: unknown) => {
      session.authorized = undefined;
      throw error;
    },
  );
  await session.authorized;
}

/**
 * One REST call, classified on failure by its HTTP status first (crm/failures.ts). jsforce's error keeps
 * Salesforce's `errorCode` but drops the status, so the call goes through a transport of its own (jsforce takes one
 * per call) that passes every request on and notes each answer's status: the last one is what the error is about
 * (after a 401, the session is refreshed and the request made again).
 */
async function call<T>(
  session: Session,
  request: SalesforceRequest,
  write: boolean,
  ms = session.timeout,
): Promise<T> {
  await ready(session);
  const { conn } = session;
  // Checked again at each call, and after a failed one: a token renewed inside jsforce (after a 401) may have named
  // another instance, which jsforce then does not call. Refused, the next call asks for a new token.
  const instanceRefused = () => {
    const refused = addressError(session, 'instance_url of the token answer', conn.instanceUrl);
    if (refused) session.authorized = undefined;
    return refused;
  };
  const before = instanceRefused();
  if (before) throw before;
  let status: number | undefined;
  const transport = {
    httpRequest(...args: Parameters<jsforce.Connection['_transport']['httpRequest']>) {
      const pending = conn._transport.httpRequest(...args);
      pending.then(
        (response) => {
          status = response.statusCode;
        },
        () => {
          status = undefined;
        },
      );
      return pending;
    },
  };
  try {
    const req = {
      method: request.method as 'GET',
      url: request.url,
      ...(request.body === undefined
        ? {}
        : { body: JSON.stringify(request.body), headers: { 'content-type': 'application/json' } }),
    };
    return (await conn.request<T>(req, { retry: { maxRetries: 0 }, timeout: ms, transport } as never)) as T;
  } catch (error) {
    throw instanceRefused() ?? classify(session.refused, error, status, write);
  }
}

function classify(
  refused: string | undefined,
  error: unknown,
  httpStatus: number | undefined,
  write: boolean,
): CrmError {
  if (error instanceof CrmError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = salesforceCode(error);
  // A 401 whose session could not be refreshed (the token endpoint refused, or did not answer).
  const status = /^Unable to refresh session/.test(message) ? 401 : httpStatus;
  const { kind, opts } = classifyAnswer(SALESFORCE_CODES, { status, code }, write);
  const said = `${code ?? `HTTP ${status}`}: ${snippetOf(message)}`;
  switch (kind) {
    case 'auth':
      return new CrmError(
        refused ? `Salesforce refused the client credentials (${refused})` : `Salesforce: ${said}`,
        { ...opts, auth: Boolean(refused) },
      );
    case 'no_answer':
      return new CrmError(`Salesforce: no answer (${message})`, opts);
    case 'server':
    case 'unreadable':
      return new CrmError(`Salesforce: HTTP ${status}${code ? ` ${said}` : ''}`, opts);
    case 'rate_limited':
      return new CrmError(`Salesforce: rate limited (${code ?? `HTTP ${status}`})`, opts);
    default:
      return new CrmError(`Salesforce: ${said}`, opts);
  }
}
