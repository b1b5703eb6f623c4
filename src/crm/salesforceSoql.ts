import { accountDomain, accountKey, foldLetters } from '../domain/accountMatch.js';
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
  // "ss" may be a ß in Salesforce (one character), so it is asked for as any run.
  const spell = (text: string) => likeText(text).replace(ACCENTABLE, '_').replaceAll('ss', '%');
  const words = (accountKey(name) || name.toLowerCase())
    .split(' ')
    .filter((w) => w !== '' && w !== 'and')
    .map((w) => (w.length <= 3 ? [...w].map(spell).join('%') : spell(w)));
  return `'%${words.join('%')}%'`;
}

/**
 * The account's name as Salesforce may hold it exactly (`=` ignores case, not accents): as typed, without its accents,
 * and with ß, æ, ø, … written out. The exact query asks for these.
 */
export function exactNameSpellings(name: string): string[] {
  const typed = name.trim().normalize('NFC');
  const plain = foldLetters(typed)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC');
  return [...new Set([typed, plain])].filter((s) => s !== '');
}

/** Rows read by one query for an account's opportunities (the app keeps the account's own, at most OPPORTUNITIES_MAX). */
const OPPORTUNITY_ROWS_READ = OPPORTUNITIES_MAX * 2;

/** Accounts read by the look-alike search: the app keeps those of the same name or domain. */
export const ALIKE_ACCOUNTS_READ = 200;

const closedSinceOf = (account: AccountQuery) =>
  /^\d{4}-\d{2}-\d{2}$/.test(account.closedSince) ? account.closedSince : '1970-01-01';

/** Opportunities of the accounts `where` selects, open or closed on or after the day, earliest created first. */
function opportunitiesSoql(where: string, account: AccountQuery): string {
  return `SELECT Id, Name, StageName, IsClosed, IsWon, CreatedDate, CloseDate, Account.Name, Account.Website FROM Opportunity WHERE (${where}) AND (IsClosed = false OR CloseDate >= ${closedSinceOf(account)}) ORDER BY CreatedDate ASC LIMIT ${OPPORTUNITY_ROWS_READ}`;
}

/**
 * The opportunities on an account by its name as Salesforce may hold it exactly (`exactNameSpellings`) or its
 * website's domain: look-alike accounts cannot crowd it out of the rows read.
 */
export function exactOpportunitiesSoql(account: AccountQuery): string {
  const byName = `Account.Name IN (${exactNameSpellings(account.name).map(soqlString).join(', ')})`;
  const byDomain = account.domain ? [`Account.Website LIKE ${soqlContains(account.domain)}`] : [];
  return opportunitiesSoql([byName, ...byDomain].join(' OR '), account);
}

/**
 * The accounts that may be this one however its name is written (`accountNamePattern`) or whose website holds its
 * domain: only their ids, names and websites, so many look-alikes fit in one read. The app keeps the account's own.
 */
export function alikeAccountsSoql(account: AccountQuery): string {
  const byName = `Name LIKE ${accountNamePattern(account.name)}`;
  const byDomain = account.domain ? [`Website LIKE ${soqlContains(account.domain)}`] : [];
  return `SELECT Id, Name, Website FROM Account WHERE (${[byName, ...byDomain].join(' OR ')}) LIMIT ${ALIKE_ACCOUNTS_READ}`;
}

/** The opportunities of the accounts the look-alike search kept (their ids). */
export function accountsOpportunitiesSoql(accountIds: readonly string[], account: AccountQuery): string {
  return opportunitiesSoql(`AccountId IN (${accountIds.map(soqlString).join(', ')})`, account);
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
