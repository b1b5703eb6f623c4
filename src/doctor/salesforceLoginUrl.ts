import { MY_DOMAIN_ADVICE, myDomainAdvice } from '../crm/salesforceLoginUrl.js';
import type { Finding } from './types.js';

/** Where an admin finds the org's My Domain. */
const MY_DOMAIN_FIX =
  "Copy the org's My Domain URL from Salesforce Setup → My Domain (Current My Domain URL), with https:// in front (docs/crm.md#salesforce).";

/** A token request refused or failed at a login URL that is not the org's My Domain (the message says which to use). */
export function myDomainRefusal(message: string): Finding | undefined {
  if (!message.includes(MY_DOMAIN_ADVICE)) return undefined;
  return { status: 'fail', text: `${message}.`, fix: MY_DOMAIN_FIX };
}

/**
 * A login URL that worked but is not the org's My Domain (login.salesforce.com, test.salesforce.com, a Lightning
 * address): Salesforce gives client-credentials tokens from the My Domain, named by the token's `instance_url`.
 */
export function loginUrlWarning(loginUrl: string, instanceUrl: string | undefined): Finding | undefined {
  const advice = myDomainAdvice(loginUrl, { instanceUrl });
  if (!advice) return undefined;
  return { status: 'warn', text: `SALESFORCE_LOGIN_URL is ${loginUrl}. ${advice}.`, fix: MY_DOMAIN_FIX };
}
