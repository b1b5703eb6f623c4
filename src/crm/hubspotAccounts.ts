import { accountDomain, accountKey } from '../domain/accountMatch.js';
import { realTimers } from '../runtime/timers.js';
import { nameTokens, sameAccountName } from './accountNames.js';
import type { HubspotApiCalls, HubspotObject, SearchFilter } from './hubspotApi.js';
import { type AccountQuery, CrmError, type CrmRecord, type CrmTimers, OPPORTUNITIES_MAX } from './types.js';

/** Companies an account lookup follows: the domain's (HubSpot keeps one per domain) and one by the same name. */
const COMPANIES_MAX = 2;
/**
 * How long which companies an account is stays known. Search requests share a per-second limit with the outbox's
 * look for a lost note: a packet reviewed again (Back to edit, submit) does not search for its company again.
 */
const COMPANIES_TTL_MS = 60_000;
const COMPANIES_KEPT = 500;
/** HubSpot's search endpoints take this many requests a second, apart from the general limit. */
const SEARCHES_PER_SECOND = 5;
/** How long the review's lookup waits for a search slot (the outbox's look for a lost note may wait longer). */
export const REVIEW_SLOT_WAIT_MS = 400;
/** The deal properties the app reads (the review's lookup and the read-back). */
export const DEAL_PROPERTIES = [
  'dealname',
  'dealstage',
  'pipeline',
  'hs_is_closed',
  'hs_is_closed_won',
  'createdate',
  'closedate',
];

/** A deal as read (the typed API's object). */
export type DealObject = HubspotObject;

/**
 * Waits (at most `maxWaitMs`) until a search stays within HubSpot's per-second search limit, as far as this app's
 * own searches tell: a search that would meet a 429 waits for its slot instead. Past the wait: a rate-limit error.
 */
export type SearchSlot = (maxWaitMs: number) => Promise<void>;

export function createSearchSlots(timers: CrmTimers = realTimers): SearchSlot {
  /** When this app's latest searches went out (monotonic ms), oldest first. */
  const sent: number[] = [];
  return async (maxWaitMs) => {
    let left = maxWaitMs;
    for (;;) {
      const now = timers.monotonic();
      while (sent.length > 0 && now - (sent[0] as number) >= 1000) sent.shift();
      if (sent.length < SEARCHES_PER_SECOND) {
        sent.push(now);
        return;
      }
      const wait = (sent[0] as number) + 1000 - now + 5;
      if (wait > left)
        throw new CrmError('HubSpot: rate limited (this second’s searches are used)', {
          transient: true,
          retryAfterMs: Math.ceil(wait),
        });
      left -= wait;
      await new Promise((resolve) => timers.setTimeout(() => resolve(undefined), wait));
    }
  };
}

/** A HubSpot call with a deadline (default: the connector's), its failure classified as a `CrmError`. */
export type HubspotCall = <T>(run: () => Promise<T>, write: boolean, ms?: number) => Promise<T>;

interface AccountsDeps {
  hs: HubspotApiCalls;
  call: HubspotCall;
  toRecord: (deal: DealObject) => Promise<CrmRecord>;
  searchSlot: SearchSlot;
  /** The real time the companies are kept for (the connector's: the app's). */
  timers: CrmTimers;
}

/** Which companies an account is, by its cache key: kept a while, the oldest first out. */
type CompaniesKept = Map<string, { at: number; ids: string[] }>;

/**
 * The review's account lookup in HubSpot: the company with the website's domain (or the account's name), then its
 * deals, both through the CRM search API, within the search limit.
 */
export function createHubspotAccounts(deps: AccountsDeps) {
  const companies: CompaniesKept = new Map();
  return {
    opportunitiesOn: (account: AccountQuery, opts: { timeoutMs?: number } = {}): Promise<CrmRecord[]> =>
      opportunitiesOn(deps, companies, account, opts),
  };
}

/** Companies read per account lookup, to be checked by name and domain (a name's words are in other names too). */
const COMPANIES_READ = 20;

/**
 * The filter groups that find a company whose name has the name's words (each group all of them): as typed, and
 * without accents when that differs ("Smith and Jones" finds "Smith & Jones", "Jean Luc Clinics" finds "Jean-Luc
 * Clinics", "AB Dental" finds "A.B. Dental" by "dental"). Empty when the name has no word to ask for.
 */
export function nameTokenGroups(name: string): { filters: SearchFilter[] }[] {
  const tokens = nameTokens(name);
  return [tokens.typed, tokens.plain]
    .filter((words, i) => words.length > 0 && (i === 0 || words.join() !== tokens.typed.join()))
    .map((words) => ({
      filters: words.map((value) => ({ propertyName: 'name', operator: 'CONTAINS_TOKEN' as const, value })),
    }));
}

/**
 * The companies that may be the account (OR between groups): the one with the website's domain; one named exactly so;
 * one whose name has the name's words (`nameTokenGroups`).
 */
function companyFilterGroups(account: AccountQuery): { filters: SearchFilter[] }[] {
  const eq = (propertyName: string, value: string): SearchFilter => ({ propertyName, operator: 'EQ', value });
  return [
    ...(account.domain ? [{ filters: [eq('domain', account.domain)] }] : []),
    { filters: [eq('name', account.name)] },
    ...nameTokenGroups(account.name),
  ];
}

async function searchCompanies(
  deps: AccountsDeps,
  account: AccountQuery,
  ms: number | undefined,
): Promise<string[]> {
  await deps.searchSlot(REVIEW_SLOT_WAIT_MS);
  const result = await deps.call(
    () =>
      deps.hs.search('companies', {
        filterGroups: companyFilterGroups(account),
        properties: ['name', 'domain'],
        sorts: [],
        limit: COMPANIES_READ,
        after: '0',
      }),
    false,
    ms,
  );
  // The search finds more than the account (a longer name with the same words): the same name or domain only.
  return result.results
    .filter(
      (c) =>
        (account.domain !== null && accountDomain(c.properties.domain ?? '') === account.domain) ||
        sameAccountName(c.properties.name ?? '', account.name),
    )
    .map((c) => c.id)
    .slice(0, COMPANIES_MAX);
}

/** The companies that are this account: the one with the website's domain, and one of the same name. */
async function companiesOf(
  deps: AccountsDeps,
  companies: CompaniesKept,
  account: AccountQuery,
  ms: number | undefined,
): Promise<string[]> {
  const cacheKey = `${account.domain ?? ''}|${accountKey(account.name)}`;
  const kept = companies.get(cacheKey);
  if (kept && deps.timers.monotonic() - kept.at < COMPANIES_TTL_MS) return kept.ids;
  const ids = await searchCompanies(deps, account, ms);
  companies.delete(cacheKey);
  companies.set(cacheKey, { at: deps.timers.monotonic(), ids });
  // The oldest first out: Map keeps insertion order.
  for (const oldest of companies.keys()) {
    if (companies.size <= COMPANIES_KEPT) break;
    companies.delete(oldest);
  }
  return ids;
}

/** The deals of the account's companies: open ones, and those closed since the day; earliest created first. */
async function opportunitiesOn(
  deps: AccountsDeps,
  companies: CompaniesKept,
  account: AccountQuery,
  opts: { timeoutMs?: number },
): Promise<CrmRecord[]> {
  const ids = await companiesOf(deps, companies, account, opts.timeoutMs);
  if (ids.length === 0) return [];
  const since = Date.parse(`${account.closedSince}T00:00:00Z`);
  // Per company: its open deals, and those closed since the day (OR between groups, AND within one).
  const filterGroups = ids.flatMap((id): { filters: SearchFilter[] }[] => [
    {
      filters: [
        { propertyName: 'associations.company', operator: 'EQ', value: id },
        { propertyName: 'hs_is_closed', operator: 'EQ', value: 'false' },
      ],
    },
    {
      filters: [
        { propertyName: 'associations.company', operator: 'EQ', value: id },
        {
          propertyName: 'closedate',
          operator: 'GTE',
          value: String(Number.isNaN(since) ? 0 : since),
        },
      ],
    },
  ]);
  await deps.searchSlot(REVIEW_SLOT_WAIT_MS);
  const result = await deps.call(
    () =>
      deps.hs.search('deals', {
        filterGroups,
        // A property name sorts ascending (the 2026-09 spec's `sorts` are strings; `-name` is descending).
        sorts: ['createdate'],
        properties: DEAL_PROPERTIES,
        limit: OPPORTUNITIES_MAX,
        after: '0',
      }),
    false,
    opts.timeoutMs,
  );
  return Promise.all(result.results.map(deps.toRecord));
}
