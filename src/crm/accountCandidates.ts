import { accountDomain, accountKey } from '../domain/accountMatch.js';
import { sameAccountName } from './accountNames.js';
import type { AccountCandidates } from './types.js';

/**
 * At most this many names and domains are asked for in one search. The caller sends about 6 names and 3 domains; the
 * cap keeps a Salesforce query's URL small and a HubSpot search within its filter limits whatever it is given.
 */
export const CANDIDATE_NAMES_MAX = 8;
export const CANDIDATE_DOMAINS_MAX = 4;
/** A longer "name" is a sentence, not a company's name: it is not asked for. */
const NAME_LENGTH_MAX = 120;

/**
 * The candidates a CRM is asked for: names with something to match on (not only "and" or punctuation), each spelling
 * once (by its key), the longest first; domains as registrable domains, once each. Capped (see above).
 */
export function searchableCandidates(candidates: AccountCandidates): AccountCandidates {
  const seen = new Set<string>();
  const names = candidates.names
    .map((name) => name.trim())
    .filter((name) => {
      const key = accountKey(name);
      const words = key.split(' ').filter((w) => w !== '' && w !== 'and');
      if (name.length > NAME_LENGTH_MAX || words.length === 0 || seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => accountKey(b).length - accountKey(a).length)
    .slice(0, CANDIDATE_NAMES_MAX);
  const domains = [
    ...new Set(candidates.domains.map((d) => accountDomain(d)).filter((d): d is string => d !== undefined)),
  ].slice(0, CANDIDATE_DOMAINS_MAX);
  return { names, domains };
}

/**
 * How an account the CRM found is one of the candidates: its website's registrable domain is one of theirs, or its
 * name is one of theirs with both sides normalised (`sameAccountName`). Undefined: it only looked like one (a longer
 * name with the same words, a domain inside another).
 */
export function matchedBy(
  account: { name: string; website: string | null },
  candidates: AccountCandidates,
): 'domain' | 'name' | undefined {
  const domain = account.website ? accountDomain(account.website) : undefined;
  if (domain !== undefined && candidates.domains.includes(domain)) return 'domain';
  if (candidates.names.some((name) => sameAccountName(account.name, name))) return 'name';
  return undefined;
}
