import type { Logger } from '../logger.js';
import { matchedBy, searchableCandidates } from './accountCandidates.js';
import {
  type HubspotCall,
  nameTokenGroups,
  REVIEW_SLOT_WAIT_MS,
  type SearchSlot,
} from './hubspotAccounts.js';
import type { HubspotApiCalls, SearchFilter } from './hubspotApi.js';
import { ACCOUNTS_MAX, type AccountCandidates, type CrmAccount, CrmError } from './types.js';

/** HubSpot's search limits: filter groups a request, filters in all. */
const GROUPS_MAX = 5;
const FILTERS_MAX = 18;
/** Companies read per search, to be checked by name and domain (a name's words are in other names too). */
const COMPANIES_READ = 100;

interface CompaniesDeps {
  hs: HubspotApiCalls;
  call: HubspotCall;
  searchSlot: SearchSlot;
  logger: Logger;
}

interface CompanyFound {
  id: string;
  properties: Record<string, string | null>;
}

/**
 * The groups of one search (OR between them) within HubSpot's limits: the companies with one of the domains; those
 * named exactly so (IN takes lowercase values); then those with a name's words (`nameTokenGroups`), the longest names
 * first, each name's words as typed before any without accents, as many as the limits leave room for.
 */
export function matchFilterGroups(candidates: AccountCandidates) {
  const groups: { filters: SearchFilter[] }[] = [];
  if (candidates.domains.length > 0)
    groups.push({
      filters: [{ propertyName: 'domain', operator: 'IN', values: candidates.domains }],
    });
  if (candidates.names.length > 0) {
    const values = candidates.names.map((name) => name.toLowerCase());
    groups.push({ filters: [{ propertyName: 'name', operator: 'IN', values }] });
  }
  const perName = candidates.names.map(nameTokenGroups);
  const byWords = [...perName.map((g) => g[0]), ...perName.map((g) => g[1])].filter((g) => g !== undefined);
  let filters = groups.length;
  for (const group of byWords) {
    if (groups.length >= GROUPS_MAX) break;
    if (filters + group.filters.length > FILTERS_MAX) continue;
    groups.push(group);
    filters += group.filters.length;
  }
  return groups;
}

/**
 * The companies named by the candidates (the same name, both sides normalised, or the same registrable domain), with
 * their owners; those found by domain first, at most ACCOUNTS_MAX. One search (within the search limit), then one
 * read per distinct owner.
 */
export async function companiesMatching(
  deps: CompaniesDeps,
  asked: AccountCandidates,
  opts: { timeoutMs?: number },
): Promise<CrmAccount[]> {
  const candidates = searchableCandidates(asked);
  const filterGroups = matchFilterGroups(candidates);
  if (filterGroups.length === 0) return [];
  await deps.searchSlot(Math.min(REVIEW_SLOT_WAIT_MS, opts.timeoutMs ?? REVIEW_SLOT_WAIT_MS));
  const result = await deps.call(
    () =>
      deps.hs.search('companies', {
        filterGroups,
        properties: ['name', 'domain', 'hubspot_owner_id'],
        sorts: [],
        limit: COMPANIES_READ,
        after: '0',
      }),
    false,
    opts.timeoutMs,
  );
  const kept = (result.results as CompanyFound[])
    .flatMap((company) => {
      const by = matchedBy(
        { name: company.properties.name ?? '', website: company.properties.domain ?? null },
        candidates,
      );
      return by ? [{ company, by }] : [];
    })
    .sort((a, b) => Number(b.by === 'domain') - Number(a.by === 'domain'))
    .slice(0, ACCOUNTS_MAX)
    .map(({ company }) => company);
  const owners = await ownersOf(deps, kept, opts.timeoutMs);
  return kept.map((company) => ({
    system: 'hubspot',
    id: company.id,
    name: company.properties.name ?? `Company ${company.id}`,
    domain: company.properties.domain || null,
    owner: owners.get(company.properties.hubspot_owner_id ?? '') ?? null,
  }));
}

type Owner = CrmAccount['owner'];

/** The companies' owners by id, each read once: null for one HubSpot does not give (gone, or the scope is missing). */
async function ownersOf(
  deps: CompaniesDeps,
  companies: readonly CompanyFound[],
  timeoutMs: number | undefined,
): Promise<Map<string, Owner>> {
  const ids = [
    ...new Set(companies.map((c) => c.properties.hubspot_owner_id ?? '').filter((id) => id !== '')),
  ];
  const read = await Promise.all(ids.map(async (id) => [id, await ownerOf(deps, id, timeoutMs)] as const));
  return new Map(read);
}

/**
 * One owner (GET /crm/owners/2026-09/{id}): its email and name. A 404 (an owner deactivated or removed) and a refusal that
 * will not pass (the key lacks crm.objects.owners.read) give null, and the account is still returned; an outage or a
 * rate limit fails the match as any other call would.
 */
async function ownerOf(deps: CompaniesDeps, id: string, timeoutMs: number | undefined): Promise<Owner> {
  if (!/^\d+$/.test(id)) return null;
  try {
    const owner = await deps.call(() => deps.hs.owner(id), false, timeoutMs);
    const email = owner.email || null;
    const name = [owner.firstName, owner.lastName].filter(Boolean).join(' ') || null;
    return email || name ? { email, name } : null;
  } catch (error) {
    if (!(error instanceof CrmError) || error.opts.transient) throw error;
    if (!error.opts.notFound)
      deps.logger.warn(
        { ownerId: id, err: error.message },
        'HubSpot refused to read a company owner (the service key needs crm.objects.owners.read); no owner suggested',
      );
    return null;
  }
}
