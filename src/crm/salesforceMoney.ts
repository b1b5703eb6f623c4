import { salesforceId18 } from '../domain/crmLink.js';
import type { SalesforceSession } from './salesforceSession.js';
import { soqlString } from './salesforceSoql.js';
import {
  type CrmClosedDeal,
  type CrmCurrency,
  CrmError,
  type CrmMoney,
  type CrmStates,
  createdOf,
} from './types.js';

/**
 * Ids per `WHERE Id IN (…)`: the query goes in the URL, and Salesforce answers 414 past 16,384 bytes of URI and
 * headers; an id takes about 30 bytes encoded, so 300 leave room (and a query returns them in one page).
 */
export const IDS_PER_QUERY = 300;

/** What the app has learnt of the org, once per session: whether it has several currencies (unknown at first). */
export interface SalesforceOrg {
  multiCurrency?: boolean;
}

/** The opportunity fields the read-back reads; `CurrencyIsoCode` exists only in a multi-currency org. */
const STATE_FIELDS = 'Id, IsClosed, IsWon, CreatedDate, Amount, StageName, CloseDate, OwnerId, Owner.Email';

interface StateRow {
  Id: string;
  IsClosed?: boolean;
  IsWon?: boolean;
  CreatedDate?: string;
  Amount?: number | null;
  StageName?: string | null;
  CloseDate?: string | null;
  OwnerId?: string | null;
  Owner?: { Email?: string | null } | null;
  CurrencyIsoCode?: string | null;
}

interface QueryAnswer<T> {
  records?: T[];
  done?: boolean;
  nextRecordsUrl?: string;
}

/** Salesforce refused the statement with this `errorCode` (the session's message starts with it). */
function refusedWith(error: unknown, code: string): boolean {
  return (
    error instanceof CrmError && !error.opts.transient && error.message.startsWith(`Salesforce: ${code}:`)
  );
}

/** A SOQL query's answer as Salesforce gives it (a proxy's or another service's JSON is not). */
export function isQueryResult(answer: unknown): boolean {
  const r = answer as { totalSize?: unknown; done?: unknown; records?: unknown } | null | undefined;
  return typeof r?.totalSize === 'number' && typeof r.done === 'boolean' && Array.isArray(r.records);
}

/** Every row a query gives, following `nextRecordsUrl` page by page; `answered` when each page was a query result. */
async function queryPages<T>(
  session: SalesforceSession,
  soql: string,
): Promise<{ rows: T[]; answered: boolean }> {
  const rows: T[] = [];
  let answered = true;
  let url: string | undefined = `/query?q=${encodeURIComponent(soql)}`;
  while (url) {
    const page: QueryAnswer<T> = await session.call<QueryAnswer<T>>({ method: 'GET', url }, false);
    answered &&= isQueryResult(page);
    rows.push(...(page.records ?? []));
    url = page.done === false ? page.nextRecordsUrl : undefined;
  }
  return { rows, answered };
}

async function queryAll<T>(session: SalesforceSession, soql: string): Promise<T[]> {
  return (await queryPages<T>(session, soql)).rows;
}

/**
 * A query asked with `CurrencyIsoCode` unless the org is known to lack it. A single-currency org has no such field
 * and answers INVALID_FIELD (its message echoes the statement first, so the code decides, not the text): the query is
 * asked again without it. What Salesforce answered is remembered for the session (only from a real query result).
 */
export async function withCurrencyField<T>(
  org: SalesforceOrg,
  ask: (currency: boolean) => Promise<T>,
  answered: (answer: T) => boolean,
): Promise<T> {
  if (org.multiCurrency === false) return ask(false);
  try {
    const answer = await ask(true);
    if (answered(answer)) org.multiCurrency = true;
    return answer;
  } catch (error) {
    if (org.multiCurrency === true || !refusedWith(error, 'INVALID_FIELD')) throw error;
    const answer = await ask(false);
    if (answered(answer)) org.multiCurrency = false;
    return answer;
  }
}

/** One chunk's rows, with the currency in a multi-currency org. */
async function stateRows(session: SalesforceSession, org: SalesforceOrg, ids: string): Promise<StateRow[]> {
  const soql = (currency: boolean) =>
    `SELECT ${STATE_FIELDS}${currency ? ', CurrencyIsoCode' : ''} FROM Opportunity WHERE Id IN (${ids})`;
  const { rows } = await withCurrencyField(
    org,
    (currency) => queryPages<StateRow>(session, soql(currency)),
    (answer) => answer.answered,
  );
  return rows;
}

/** What a row says of money (the amount in its own currency: the app converts with `currency()`'s rates). */
function moneyOf(row: StateRow): CrmMoney {
  return {
    amount: typeof row.Amount === 'number' ? row.Amount : null,
    currency: row.CurrencyIsoCode || null,
    amountCorporate: null,
    stage: row.StageName || null,
    closeDate: row.CloseDate || null,
    owner: row.Owner?.Email || row.OwnerId || null,
  };
}

/** The closed state, creation and money of many opportunities, 300 a query. */
export async function opportunityStates(
  session: SalesforceSession,
  org: SalesforceOrg,
  ids: readonly string[],
): Promise<CrmStates> {
  const states: CrmStates = new Map();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const chunk = ids
      .slice(i, i + IDS_PER_QUERY)
      .map(soqlString)
      .join(', ');
    for (const row of await stateRows(session, org, chunk)) {
      states.set(salesforceId18(row.Id.slice(0, 15)), {
        closed: Boolean(row.IsClosed),
        won: Boolean(row.IsWon),
        ...createdOf(row.CreatedDate),
        money: moneyOf(row),
      });
    }
  }
  return states;
}

interface ClosedRow {
  Id: string;
  IsWon?: boolean;
  CreatedDate?: string;
  CloseDate?: string | null;
  Amount?: number | null;
  CurrencyIsoCode?: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The opportunities closed between two days (both included; SOQL date literals are unquoted), the latest closed
 * first, at most `limit`: linked to a handoff or not (the with-and-without-a-partner figures). Ids are the 18-character
 * ones, as handoffs keep them; the amount is in its own currency (the app converts with `currency()`'s rates).
 */
export async function closedOpportunities(
  session: SalesforceSession,
  org: SalesforceOrg,
  range: { from: string; to: string; limit: number },
): Promise<CrmClosedDeal[]> {
  const { from, to } = range;
  if (!DAY.test(from) || !DAY.test(to))
    throw new CrmError(`Salesforce: closed deals asked between ${from} and ${to}, not two days`, {
      transient: false,
    });
  const limit = Math.max(0, Math.floor(range.limit));
  if (limit === 0) return [];
  const soql = (currency: boolean) =>
    `SELECT Id, IsWon, CreatedDate, CloseDate, Amount${currency ? ', CurrencyIsoCode' : ''} FROM Opportunity WHERE IsClosed = true AND CloseDate >= ${from} AND CloseDate <= ${to} ORDER BY CloseDate DESC LIMIT ${limit}`;
  const { rows } = await withCurrencyField(
    org,
    (currency) => queryPages<ClosedRow>(session, soql(currency)),
    (answer) => answer.answered,
  );
  return rows.slice(0, limit).map((row) => ({
    id: salesforceId18(row.Id.slice(0, 15)),
    won: Boolean(row.IsWon),
    createdOn: createdOf(row.CreatedDate).createdOn,
    closeDate: row.CloseDate || null,
    amount: typeof row.Amount === 'number' ? row.Amount : null,
    currency: row.CurrencyIsoCode || null,
    amountCorporate: null,
  }));
}

interface CurrencyTypeRow {
  IsoCode: string;
  ConversionRate: number;
  IsCorporate?: boolean;
}

interface DatedRateRow {
  IsoCode: string;
  ConversionRate: number;
  StartDate: string | null;
  NextStartDate: string | null;
}

/**
 * A dated rate's bounds: Salesforce's first period starts at its beginning of time (0000-12-30) and its last one ends
 * at 9999-12-31, both open to the app.
 */
function bound(day: string | null): string | null {
  if (!day || day.startsWith('9999-') || day < '1900-01-01') return null;
  return day;
}

/** Dated rates, when advanced currency management is on (else the object does not exist, or has no rows). */
async function datedRates(session: SalesforceSession): Promise<CrmCurrency['rates']> {
  const rows = await queryAll<DatedRateRow>(
    session,
    'SELECT IsoCode, ConversionRate, StartDate, NextStartDate FROM DatedConversionRate ORDER BY IsoCode, StartDate',
  ).catch((error: unknown) => {
    if (refusedWith(error, 'INVALID_TYPE')) return [];
    throw error;
  });
  return rows.map((row) => ({
    currency: row.IsoCode,
    perCorporate: row.ConversionRate,
    from: bound(row.StartDate),
    to: bound(row.NextStartDate),
  }));
}

/** A single-currency org's currency (`Organization.DefaultCurrencyIsoCode`); null when the user may not read it. */
async function orgCurrency(session: SalesforceSession): Promise<string | null> {
  const rows = await queryAll<{ DefaultCurrencyIsoCode?: string | null }>(
    session,
    'SELECT DefaultCurrencyIsoCode FROM Organization',
  ).catch((error: unknown) => {
    if (error instanceof CrmError && !error.opts.transient) return [];
    throw error;
  });
  return rows[0]?.DefaultCurrencyIsoCode || null;
}

/**
 * The org's corporate currency and its rates (`ConversionRate`: units of the currency per one corporate unit). A
 * multi-currency org has `CurrencyType` (a single-currency org answers INVALID_TYPE): its active currencies, the
 * corporate one marked, with dated rates when advanced currency management is on, else their one rate each.
 */
export async function orgCurrencies(session: SalesforceSession, org: SalesforceOrg): Promise<CrmCurrency> {
  if (org.multiCurrency !== false) {
    const types = await queryAll<CurrencyTypeRow>(
      session,
      'SELECT IsoCode, ConversionRate, IsCorporate FROM CurrencyType WHERE IsActive = true',
    ).catch((error: unknown) => {
      if (org.multiCurrency !== true && refusedWith(error, 'INVALID_TYPE')) return undefined;
      throw error;
    });
    org.multiCurrency = types !== undefined;
    if (types) {
      const dated = await datedRates(session);
      return {
        corporate: types.find((t) => t.IsCorporate)?.IsoCode ?? null,
        rates:
          dated.length > 0
            ? dated
            : types.map((t) => ({
                currency: t.IsoCode,
                perCorporate: t.ConversionRate,
                from: null,
                to: null,
              })),
      };
    }
  }
  return { corporate: await orgCurrency(session), rates: [] };
}
