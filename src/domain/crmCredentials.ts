import { z } from 'zod';
import type { CrmSystem } from './crmFacts.js';
import { type AddressRefusal, type OperatorHost, salesforceAddressRefusal } from './salesforceHosts.js';

/**
 * What a workspace's admin gives to connect their company's own CRM from Slack (`/handoff crm`, on a
 * deployment serving several workspaces): one row per CRM, each field with its words in the form and its check.
 * The same credentials a deployment's settings give (SALESFORCE_*, HUBSPOT_ACCESS_TOKEN), but an installation's.
 */

/** A field of the form, in its order. */
export interface CrmCredentialField {
  key: string;
  label: string;
  hint: string;
  placeholder: string;
  /**
   * What is typed: checked with this, its message shown under the field. `hosts`: where the operator lets calls go
   * besides the CRM's own hosts (SALESFORCE_ALLOWED_HOSTS).
   */
  check: (hosts: readonly OperatorHost[]) => z.ZodType<string, string>;
}

/** What the form says under the login URL, by why the address is refused (domain/salesforceHosts.ts). */
const LOGIN_URL_REFUSED: Record<AddressRefusal, string> = {
  unparsable: 'Give an address like https://yourcompany.my.salesforce.com.',
  'not-https': 'The address must start with https://.',
  'not-salesforce':
    "This is not a Salesforce address: give your org's My Domain login URL, like https://yourcompany.my.salesforce.com.",
};

/** A Salesforce host over https, or one the operator named (the server calls nothing else for an admin). */
const loginUrl = (hosts: readonly OperatorHost[]) =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const refusal = salesforceAddressRefusal(value, hosts);
      if (refusal) ctx.addIssue({ code: 'custom', message: LOGIN_URL_REFUSED[refusal] });
    })
    .transform((value) => value.replace(/\/+$/, ''));

const word = (what: string, max: number) => () =>
  z
    .string()
    .trim()
    .min(1, { error: `Give the ${what}.` })
    .max(max, { error: `This is longer than a ${what} can be.` })
    .regex(/^\S+$/, { error: `A ${what} has no spaces.` });

export const CRM_CREDENTIALS: { [S in CrmSystem]: readonly CrmCredentialField[] } = {
  salesforce: [
    {
      key: 'loginUrl',
      label: 'My Domain login URL',
      hint: "Setup → My Domain in Salesforce. The connected app's client credentials flow signs in there.",
      placeholder: 'https://yourcompany.my.salesforce.com',
      check: loginUrl,
    },
    {
      key: 'clientId',
      label: 'Consumer key',
      hint: 'The connected app’s consumer key (App Manager → the app → View → Manage Consumer Details).',
      placeholder: '3MVG9…',
      check: word('consumer key', 255),
    },
    {
      key: 'clientSecret',
      label: 'Consumer secret',
      hint: 'Its consumer secret. It is stored encrypted and never shown again.',
      placeholder: 'the consumer secret',
      check: word('consumer secret', 255),
    },
  ],
  hubspot: [
    {
      key: 'accessToken',
      label: 'Service key or private app token',
      hint: 'Settings → Integrations → Service Keys in HubSpot (scopes: docs/crm.md). Stored encrypted, never shown again.',
      placeholder: 'pat-na1-…',
      check: word('token', 500),
    },
  ],
};

/** The credentials a form gave, checked: their values by key, or each refused field's message. */
export function readCrmCredentials(
  system: CrmSystem,
  given: Record<string, string | undefined>,
  hosts: readonly OperatorHost[] = [],
): { values: Record<string, string> } | { errors: Record<string, string> } {
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const field of CRM_CREDENTIALS[system]) {
    const read = field.check(hosts).safeParse(given[field.key] ?? '');
    if (read.success) values[field.key] = read.data;
    else errors[field.key] = read.error.issues[0]?.message ?? `This ${field.label} is not valid.`;
  }
  return Object.keys(errors).length > 0 ? { errors } : { values };
}
