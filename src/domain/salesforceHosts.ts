/**
 * Where the app may send Salesforce credentials and calls: Salesforce's own hosts over https (an org's My
 * Domain `*.my.salesforce.com`, sandboxes' `*.sandbox.my.salesforce.com` among them, and `login.salesforce.com`,
 * `test.salesforce.com`), and the hosts the operator names (SALESFORCE_ALLOWED_HOSTS, SALESFORCE_LOGIN_URL): a proxy,
 * or a test Salesforce. A workspace admin's login URL and every token answer's `instance_url` must be one of them, so
 * that nobody can make the server call an address of its own network (`http://127.0.0.1:…`, `169.254.169.254`).
 */

/** A host the operator named: `host[:port]` as the WHATWG URL parser writes it, and whether plain http may go there. */
export interface OperatorHost {
  host: string;
  http: boolean;
}

/** Why an address is refused (undefined: allowed). */
export type AddressRefusal = 'unparsable' | 'not-salesforce' | 'not-https';

const SALESFORCE_LOGIN_HOSTS = new Set(['login.salesforce.com', 'test.salesforce.com']);
/** One or more DNS labels before `.my.salesforce.com` (`acme`, `acme--uat.sandbox`). */
const MY_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+my\.salesforce\.com$/;

/**
 * One operator entry: `host`, `host:port`, or with its scheme (`http://127.0.0.1:4000` also lets plain http go there).
 * Undefined when it is not a bare origin (a path, a query or a user in it).
 */
export function parseOperatorHost(entry: string): OperatorHost | undefined {
  const text = entry.trim();
  if (!text) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  if (!URL.canParse(withScheme)) return undefined;
  const url = new URL(withScheme);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
  return { host: url.host, http: url.protocol === 'http:' };
}

/** The hosts the operator's settings name: SALESFORCE_ALLOWED_HOSTS (comma-separated), and SALESFORCE_LOGIN_URL's. */
export function operatorHosts(allowed: string | undefined, loginUrl: string | undefined): OperatorHost[] {
  const entries = [...(allowed ?? '').split(','), ...(loginUrl ? [new URL(loginUrl).origin] : [])];
  return entries.map(parseOperatorHost).filter((host): host is OperatorHost => host !== undefined);
}

/** Whether the app may send credentials or calls to `address`: undefined, or why not. */
export function salesforceAddressRefusal(
  address: string,
  hosts: readonly OperatorHost[],
): AddressRefusal | undefined {
  if (!URL.canParse(address)) return 'unparsable';
  const url = new URL(address);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'not-https';
  if (url.username || url.password) return 'not-salesforce';
  const named = hosts.find((h) => h.host === url.host);
  if (named) return url.protocol === 'https:' || named.http ? undefined : 'not-https';
  const salesforce = SALESFORCE_LOGIN_HOSTS.has(url.hostname) || MY_DOMAIN.test(url.hostname);
  if (!salesforce || url.port !== '') return 'not-salesforce';
  return url.protocol === 'https:' ? undefined : 'not-https';
}
