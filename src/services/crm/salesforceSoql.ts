import { accountDomain, accountKey } from '../../domain/accountMatch.js';
import { type AccountQuery, OPPORTUNITIES_MAX } from './types.js';

/** A SOQL string literal. */
export function soqlString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** A SOQL LIKE pattern that finds `value` anywhere: its own `%` and `_` escaped (SOQL LIKE is case-insensitive). */
function soqlContains(value: string): string {
  const literal = value
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replaceAll('%', '\\%')
    .replaceAll('_', '\\_');
  return `'%${literal}%'`;
}

/**
 * The opportunities on an account: by the account's name (its key, anywhere in the name: "The Litware Health Inc."
 * has "litware health") or its website's domain, open or closed on or after a day, earliest created first. Rows are
 * checked again by the app (`ofAccount`); a few more than needed are read for that.
 */
export function accountOpportunitiesSoql(account: AccountQuery): string {
  const byAccount = [
    `Account.Name LIKE ${soqlContains(accountKey(account.name) || account.name)}`,
    ...(account.domain ? [`Account.Website LIKE ${soqlContains(account.domain)}`] : []),
  ].join(' OR ');
  const since = /^\d{4}-\d{2}-\d{2}$/.test(account.closedSince) ? account.closedSince : '1970-01-01';
  return `SELECT Id, Name, StageName, IsClosed, IsWon, CreatedDate, CloseDate, Account.Name, Account.Website FROM Opportunity WHERE (${byAccount}) AND (IsClosed = false OR CloseDate >= ${since}) ORDER BY CreatedDate ASC LIMIT ${OPPORTUNITIES_MAX * 2}`;
}

/** The rows whose account is this one: the same name key, or a website of the same domain. */
export function ofAccount<T extends { Account?: { Name?: string | null; Website?: string | null } | null }>(
  rows: readonly T[],
  account: AccountQuery,
): T[] {
  const key = accountKey(account.name);
  return rows.filter(
    (row) =>
      (key !== '' && accountKey(row.Account?.Name ?? '') === key) ||
      (account.domain !== null && accountDomain(row.Account?.Website ?? '') === account.domain),
  );
}
