/**
 * Salesforce gives client-credentials tokens only at an org's My Domain (`https://acme.my.salesforce.com`). The
 * generic login hosts answer `invalid_grant: request not supported on this domain`, and a Lightning address
 * (`https://acme.lightning.force.com`) is the browser's, not the token endpoint's.
 */

/** The generic login hosts, with the form of the My Domain to use instead. */
const GENERIC_HOSTS: Record<string, string> = {
  'login.salesforce.com': 'https://<yourcompany>.my.salesforce.com',
  'test.salesforce.com': 'https://<yourcompany>--<sandbox>.sandbox.my.salesforce.com',
};

/** What the token endpoint says when asked at a host that is not a My Domain. */
const NOT_THIS_DOMAIN = /not supported on this domain/i;

/** The first words of the advice (the doctor recognises a message that already gives it). */
export const MY_DOMAIN_ADVICE = 'Salesforce issues client-credentials tokens from your My Domain';

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname.toLowerCase() : '';
  } catch {
    return '';
  }
}

/**
 * The My Domain a setting means: a Lightning address names it (`acme.lightning.force.com` is
 * `acme.my.salesforce.com`; `acme--uat.sandbox.lightning.force.com` is `acme--uat.sandbox.my.salesforce.com`).
 */
function myDomainFor(host: string): string | undefined {
  const lightning = /^(.+)\.lightning\.force\.com$/.exec(host)?.[1];
  return lightning ? `https://${lightning}.my.salesforce.com` : GENERIC_HOSTS[host];
}

/**
 * What to set `SALESFORCE_LOGIN_URL` to, when it names a host that gives no client-credentials token (or the token
 * endpoint said so): the org's own My Domain when the token answer's `instance_url` named it, else the one a
 * Lightning address names, else its form. Undefined when the setting looks right.
 */
export function myDomainAdvice(
  loginUrl: string,
  known: { instanceUrl?: string | undefined; said?: string } = {},
): string | undefined {
  const host = hostOf(loginUrl);
  const suggested = myDomainFor(host);
  if (!suggested && !NOT_THIS_DOMAIN.test(known.said ?? '')) return undefined;
  const instance = hostOf(known.instanceUrl);
  const url = instance.endsWith('.my.salesforce.com')
    ? `https://${instance}`
    : (suggested ?? 'https://<yourcompany>.my.salesforce.com');
  return `${MY_DOMAIN_ADVICE}: set SALESFORCE_LOGIN_URL to ${url}`;
}
