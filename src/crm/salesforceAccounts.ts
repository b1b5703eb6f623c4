import { accountDomain } from '../domain/accountMatch.js';
import { salesforceId18 } from '../domain/crmLink.js';
import type { Logger } from '../logger.js';
import { matchedBy, searchableCandidates } from './accountCandidates.js';
import type { SalesforceSession } from './salesforceSession.js';
import { accountNamePattern, soqlContains } from './salesforceSoql.js';
import { ACCOUNTS_MAX, type AccountCandidates, type CrmAccount } from './types.js';

/** An Account row as the query gives it: its owner (a User, by `OwnerId`) as a related record. */
interface AccountRow {
  Id: string;
  Name?: string | null;
  Website?: string | null;
  Owner?: { Email?: string | null; Name?: string | null } | null;
}

/**
 * Rows read per search: the patterns find more than the accounts (a longer name with the same words, a domain inside
 * another), and the app keeps only true matches, at most ACCOUNTS_MAX.
 */
const ROWS_READ = ACCOUNTS_MAX * 5;

/**
 * The accounts that may be one of the candidates, in one query: by each name's words in order however written
 * (`accountNamePattern`: `&`, apostrophes, hyphens, dotted initials, accents), or by a website holding one of the
 * domains; with the owner's email and name. Undefined when there is nothing to ask for.
 */
export function accountsMatchingSoql(candidates: AccountCandidates): string | undefined {
  const conditions = [
    ...candidates.names.map((name) => `Name LIKE ${accountNamePattern(name)}`),
    ...candidates.domains.map((domain) => `Website LIKE ${soqlContains(domain)}`),
  ];
  if (conditions.length === 0) return undefined;
  return `SELECT Id, Name, Website, Owner.Email, Owner.Name FROM Account WHERE (${conditions.join(' OR ')}) LIMIT ${ROWS_READ}`;
}

/**
 * The accounts named by the candidates (the same name, both sides normalised, or a website of one of the domains),
 * with their owners; those found by domain first, at most ACCOUNTS_MAX. One query, with the session's deadline and
 * its failures classified as every Salesforce call's.
 */
export async function accountsMatching(
  session: SalesforceSession,
  logger: Logger,
  asked: AccountCandidates,
  timeoutMs: number | undefined,
): Promise<CrmAccount[]> {
  const candidates = searchableCandidates(asked);
  const soql = accountsMatchingSoql(candidates);
  if (!soql) return [];
  const result = await session.call<{ records?: AccountRow[] }>(
    { method: 'GET', url: `/query?q=${encodeURIComponent(soql)}` },
    false,
    timeoutMs,
  );
  const kept = (result.records ?? []).flatMap((row) => {
    const by = matchedBy({ name: row.Name ?? '', website: row.Website ?? null }, candidates);
    return by ? [{ row, by }] : [];
  });
  logger.debug({ rows: result.records?.length ?? 0, kept: kept.length }, 'Salesforce accounts matched');
  return kept
    .sort((a, b) => Number(b.by === 'domain') - Number(a.by === 'domain'))
    .slice(0, ACCOUNTS_MAX)
    .map(({ row }) => toAccount(row));
}

function toAccount(row: AccountRow): CrmAccount {
  const email = row.Owner?.Email || null;
  const name = row.Owner?.Name || null;
  return {
    system: 'salesforce',
    id: salesforceId18(row.Id.slice(0, 15)),
    name: row.Name ?? row.Id,
    domain: (row.Website && accountDomain(row.Website)) || null,
    // Every account has an owner in Salesforce; none comes back when the integration user may not see users.
    owner: email || name ? { email, name } : null,
  };
}
