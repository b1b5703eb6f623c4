import { accountDomain, accountKey } from '../domain/accountMatch.js';
import { sameAccountName } from './accountNames.js';
import { type AccountQuery, OPPORTUNITIES_MAX } from './types.js';

/** A SOQL string literal. */
export function soqlString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** Text inside a SOQL LIKE pattern: the literal's escapes, and its own `%` and `_` escaped (LIKE is case-insensitive). */
function likeText(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('%', '\\%').replaceAll('_', '\\_');
}

/** A SOQL LIKE pattern that finds `value` anywhere. */
export function soqlContains(value: string): string {
  return `'%${likeText(value)}%'`;
}

/** Letters a name may carry an accent on in one spelling and not in another ("Clínica", "Clinica"). */
const ACCENTABLE = /[aeiouy]/g;

/**
 * A SOQL LIKE pattern that finds the account's name however it is spelled in Salesforce, with both sides read the way
 * `accountKey` reads them (`ofAccount` then keeps only the rows of that key): the name's words in order, anything
 * between them (`&` or "and", an apostrophe, a hyphen, the dots of initials, spaces), and any one character where a
 * vowel may carry an accent (SOQL's LIKE ignores case, not accents). "Smith & Jones" and "Smith and Jones" both give
 * '%sm_th%j_n_s%'; "A.B. Dental" and "AB Dental" '%_%b%d_nt_l%' (the letters of a short word apart: initials).
 */
export function accountNamePattern(name: string): string {
  const spell = (text: string) => likeText(text).replace(ACCENTABLE, '_');
  const words = (accountKey(name) || name.toLowerCase())
    .split(' ')
    .filter((w) => w !== '' && w !== 'and')
    .map((w) => (w.length <= 3 ? [...w].map(spell).join('%') : spell(w)));
  return `'%${words.join('%')}%'`;
}

/**
 * The opportunities on an account: by the account's name (its words in order, however written: see
 * `accountNamePattern`) or its website's domain, open or closed on or after a day, earliest created first. Rows are
 * checked again by the app (`ofAccount`); a few more than needed are read for that.
 */
export function accountOpportunitiesSoql(account: AccountQuery): string {
  const byAccount = [
    `Account.Name LIKE ${accountNamePattern(account.name)}`,
    ...(account.domain ? [`Account.Website LIKE ${soqlContains(account.domain)}`] : []),
  ].join(' OR ');
  const since = /^\d{4}-\d{2}-\d{2}$/.test(account.closedSince) ? account.closedSince : '1970-01-01';
  return `SELECT Id, Name, StageName, IsClosed, IsWon, CreatedDate, CloseDate, Account.Name, Account.Website FROM Opportunity WHERE (${byAccount}) AND (IsClosed = false OR CloseDate >= ${since}) ORDER BY CreatedDate ASC LIMIT ${OPPORTUNITIES_MAX * 2}`;
}

/** The rows whose account is this one: the same name (both sides normalised), or a website of the same domain. */
export function ofAccount<T extends { Account?: { Name?: string | null; Website?: string | null } | null }>(
  rows: readonly T[],
  account: AccountQuery,
): T[] {
  return rows.filter(
    (row) =>
      sameAccountName(row.Account?.Name ?? '', account.name) ||
      (account.domain !== null && accountDomain(row.Account?.Website ?? '') === account.domain),
  );
}
