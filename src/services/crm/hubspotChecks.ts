import type { Client } from '@hubspot/api-client';
import type { HubspotCall } from './hubspotAccounts.js';
import { CrmError, type CrmRead } from './types.js';

/**
 * What the app reads in HubSpot, one list call per scope it needs (a service key's or a private app's): the start
 * check reads deals, the doctor the rest. No write is tried: what the writes need is said in docs/crm.md.
 */
const READS: readonly {
  need: string;
  purpose: string;
  /** The objects, as the check names them. */
  objects: string;
  list: (client: Client) => Promise<unknown>;
  /** Whether the answer is HubSpot's (default: a page of CRM objects). */
  shaped?: (answer: unknown) => boolean;
}[] = [
  {
    need: 'crm.objects.deals.read',
    purpose: 'the link check, the account lookup and the read-back',
    objects: 'deals',
    list: (client) => client.crm.deals.basicApi.getPage(1),
  },
  {
    need: 'crm.objects.companies.read',
    purpose: 'the review’s account lookup (the company by its domain or name)',
    objects: 'companies',
    list: (client) => client.crm.companies.basicApi.getPage(1),
  },
  {
    need: 'crm.objects.contacts.read',
    purpose: 'the look for a note whose answer was lost (HubSpot files notes under the contact scopes)',
    objects: 'notes',
    list: (client) => client.crm.objects.notes.basicApi.getPage(1),
  },
  {
    need: 'crm.objects.owners.read',
    purpose: 'the message shortcut’s suggested AE (the owner of the company, by email)',
    objects: 'owners',
    list: (client) => client.crm.owners.ownersApi.getPage(undefined, undefined, 1),
    shaped: isOwnerPage,
  },
];

/** A page of a CRM object list as HubSpot answers it: `results`, each with an id and its properties. */
function isPage(answer: unknown): boolean {
  const results = (answer as { results?: unknown } | null | undefined)?.results;
  return (
    Array.isArray(results) &&
    results.every((r: { id?: unknown; properties?: unknown } | null) => {
      return typeof r?.id === 'string' && typeof r.properties === 'object' && r.properties !== null;
    })
  );
}

/** A page of owners as HubSpot answers it: `results`, each with an id and whether it is archived (no properties). */
function isOwnerPage(answer: unknown): boolean {
  const results = (answer as { results?: unknown } | null | undefined)?.results;
  return (
    Array.isArray(results) &&
    results.every((r: { id?: unknown; archived?: unknown } | null) => {
      return typeof r?.id === 'string' && typeof r.archived === 'boolean';
    })
  );
}

/** One list call, its answer checked: any 200 is not enough (a proxy's or another service's JSON is not HubSpot's). */
async function read(client: Client, call: HubspotCall, r: (typeof READS)[number]): Promise<void> {
  const answer = await call(() => r.list(client), false);
  if (!(r.shaped ?? isPage)(answer))
    throw new CrmError(
      `HubSpot: the answer to a list of ${r.objects} is not HubSpot's (no results with ids${r.shaped ? '' : ' and properties'})`,
      { transient: false, unexpected: true },
    );
}

/** The start check: the token is accepted, and deals can be read (the first read, which every feature needs). */
export function verifyHubspot(client: Client, call: HubspotCall): Promise<void> {
  return read(client, call, READS[0] as (typeof READS)[number]);
}

/** The doctor's look at the other reads: each scope with its refusal, if any. */
export async function hubspotReads(client: Client, call: HubspotCall): Promise<CrmRead[]> {
  const checks: CrmRead[] = [];
  for (const r of READS.slice(1)) {
    const error = await read(client, call, r).then(
      () => undefined,
      (e: unknown) => (e instanceof CrmError ? e : new CrmError(String(e), { transient: true })),
    );
    checks.push({ need: r.need, purpose: r.purpose, ...(error ? { error } : {}) });
  }
  return checks;
}
