import type { HubspotCall } from './hubspotAccounts.js';
import type { HubspotApiCalls } from './hubspotApi.js';
import { CrmError, type CrmRead } from './types.js';

/**
 * What the app reads in HubSpot, one harmless read per scope it needs (a service key's), through the 2026-09 APIs: the
 * start check reads deals, the doctor the rest, among them one of each object the app writes (deals, notes). No write
 * is tried: what the writes need is said in docs/crm.md.
 */
const READS: readonly {
  need: string;
  purpose: string;
  /** The objects, as the check names them. */
  objects: string;
  list: (hs: HubspotApiCalls) => Promise<unknown>;
  /** Whether the answer is HubSpot's (default: a page of CRM objects). */
  shaped?: (answer: unknown) => boolean;
  /** The app works without it (a feature is then off): the doctor warns instead of failing. */
  optional?: boolean;
}[] = [
  {
    need: 'crm.objects.deals.read',
    purpose: 'the link check, the account lookup and the read-back',
    objects: 'deals',
    list: (hs) => hs.list('deals', 1),
  },
  {
    need: 'crm.objects.companies.read',
    purpose: 'the review’s account lookup (the company by its domain or name)',
    objects: 'companies',
    list: (hs) => hs.list('companies', 1),
  },
  {
    need: 'crm.objects.contacts.read',
    purpose: 'the look for a note whose answer was lost (HubSpot files notes under the contact scopes)',
    objects: 'notes',
    list: (hs) => hs.list('notes', 1),
  },
  {
    need: 'crm.objects.owners.read',
    purpose: 'the message shortcut’s suggested AE (the owner of the company, by email)',
    objects: 'owners',
    list: (hs) => hs.owners(1),
    shaped: isOwnerPage,
  },
  {
    need: 'settings.currencies.read',
    purpose:
      'the read-back’s conversion of deal amounts with HubSpot’s own exchange rates (without it, amounts stay in their own currencies)',
    objects: 'currencies',
    list: (hs) => hs.companyCurrency(),
    shaped: (answer) => typeof (answer as { id?: unknown } | null)?.id === 'string',
    optional: true,
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
async function read(hs: HubspotApiCalls, call: HubspotCall, r: (typeof READS)[number]): Promise<void> {
  const answer = await call(() => r.list(hs), false);
  if (!(r.shaped ?? isPage)(answer))
    throw new CrmError(
      `HubSpot: the answer to a list of ${r.objects} is not HubSpot's (no results with ids${r.shaped ? '' : ' and properties'})`,
      { transient: false, unexpected: true },
    );
}

/** The start check: the token is accepted, and deals can be read (the first read, which every feature needs). */
export function verifyHubspot(hs: HubspotApiCalls, call: HubspotCall): Promise<void> {
  return read(hs, call, READS[0] as (typeof READS)[number]);
}

/** The doctor's look at the other reads: each scope with its refusal, if any. */
export async function hubspotReads(hs: HubspotApiCalls, call: HubspotCall): Promise<CrmRead[]> {
  const checks: CrmRead[] = [];
  for (const r of READS.slice(1)) {
    const error = await read(hs, call, r).then(
      () => undefined,
      (e: unknown) => (e instanceof CrmError ? e : new CrmError(String(e), { transient: true })),
    );
    checks.push({
      need: r.need,
      purpose: r.purpose,
      ...(r.optional ? { optional: true } : {}),
      ...(error ? { error } : {}),
    });
  }
  return checks;
}
