import { CRMS } from '../domain/crmFacts.js';
import { salesforceId18 } from '../domain/crmLink.js';
import type { Logger } from '../logger.js';
import { cutText } from './cut.js';
import { carriesMarker } from './newRecord.js';
import { accountsMatching } from './salesforceAccounts.js';
import {
  closedOpportunities,
  isQueryResult,
  opportunityStates,
  orgCurrencies,
  type SalesforceOrg,
  withCurrencyField,
} from './salesforceMoney.js';
import {
  openSalesforceSession,
  type SalesforceSession,
  type SalesforceSettings,
} from './salesforceSession.js';
import {
  ALIKE_ACCOUNTS_READ,
  accountsOpportunitiesSoql,
  alikeAccountsSoql,
  exactOpportunitiesSoql,
  ofAccount,
  soqlString,
} from './salesforceSoql.js';
import {
  type AccountQuery,
  type CrmActivity,
  type CrmConnector,
  CrmError,
  type CrmFields,
  type CrmNewRecord,
  type CrmRecord,
  createdOf,
  OPPORTUNITIES_MAX,
} from './types.js';

export type { SalesforceSettings } from './salesforceSession.js';

const TASK_SUBJECT_MAX = 255;
const TASK_DESCRIPTION_MAX = 32_000;

/**
 * The Task's subject: the event's line with its marker, which makes it unique (it is what a lost write is found by).
 * A long line is cut between two characters (an AE's name may end in an emoji), so the look-up can send it again.
 */
export function taskSubject(activity: CrmActivity): string {
  const tail = ` (ref ${activity.marker})`;
  return cutText(activity.subject, TASK_SUBJECT_MAX - tail.length) + tail;
}

/** The Salesforce connector, with the org's address once a token named it (the doctor's login URL check). */
export type SalesforceConnector = CrmConnector & { instanceUrl(): string | undefined };

interface OpportunityRow {
  Id: string;
  Name?: string;
  StageName?: string;
  IsClosed?: boolean;
  IsWon?: boolean;
  CreatedDate?: string;
  CloseDate?: string | null;
  Account?: { Name?: string | null; Website?: string | null } | null;
}

/**
 * Salesforce through jsforce: a connected app's client credentials (OAuth 2.0 client credentials flow: a token from
 * `<login url>/services/oauth2/token`, calls to the `instance_url` it returns, a new token when one expires). Calls
 * are made with jsforce's own retries off: the outbox owns retries, with backoff and a look before writing again.
 */
export function createSalesforce(settings: SalesforceSettings, logger: Logger): SalesforceConnector {
  const session = openSalesforceSession(settings);
  const org: SalesforceOrg = {};
  return {
    system: 'salesforce',
    label: CRMS.salesforce.label,
    async verify() {
      await session.reauthorize();
      // The token works for the data API, and the run-as user may read opportunities (what the read-back needs); the
      // answer must be a query result (any 200 is not enough: a proxy's or another service's JSON is not Salesforce's).
      // Asked with CurrencyIsoCode, it also learns whether the org has several currencies (the read-back's money).
      const soql = (currency: boolean) =>
        `SELECT Id${currency ? ', CurrencyIsoCode' : ''} FROM Opportunity WHERE Id IN (${soqlString('006000000000000AAA')})`;
      const result = await withCurrencyField(
        org,
        (currency) =>
          session.call<unknown>(
            { method: 'GET', url: `/query?q=${encodeURIComponent(soql(currency))}` },
            false,
          ),
        isQueryResult,
      );
      if (!isQueryResult(result))
        throw new CrmError(
          'Salesforce: the answer to a query is not Salesforce’s (no records and totalSize)',
          {
            transient: false,
            unexpected: true,
          },
        );
    },
    lookup: (id, opts = {}) => lookup(session, logger, id, opts.timeoutMs),
    opportunitiesOn: (account, opts = {}) => opportunitiesOn(session, logger, account, opts.timeoutMs),
    accountsMatching: (candidates, opts = {}) =>
      accountsMatching(session, logger, candidates, opts.timeoutMs),
    states: (ids) => opportunityStates(session, org, ids),
    currency: () => orgCurrencies(session, org),
    closedDeals: (from, to, limit) => closedOpportunities(session, org, { from, to, limit }),
    findActivity: (recordId, activity) => findActivity(session, recordId, activity),
    writeActivity: (recordId, activity) => writeActivity(session, recordId, activity),
    writeFields: (recordId, fields) => writeFields(session, recordId, fields),
    findCreated: (record) => findCreated(session, record),
    create: (record) => createOpportunity(session, record),
    recordUrl(id) {
      const base = session.instanceUrl();
      return base ? `${base.replace(/\/$/, '')}/lightning/r/Opportunity/${id}/view` : undefined;
    },
    instanceUrl: () => session.instanceUrl(),
  };
}

async function lookup(
  session: SalesforceSession,
  logger: Logger,
  id: string,
  timeoutMs: number | undefined,
): Promise<CrmRecord | undefined> {
  try {
    const row = await session.call<OpportunityRow>(
      {
        method: 'GET',
        url: `/sobjects/Opportunity/${encodeURIComponent(id)}?fields=Id,Name,StageName,IsClosed,IsWon,CreatedDate`,
      },
      false,
      timeoutMs,
    );
    return toRecord(logger, row);
  } catch (error) {
    if (error instanceof CrmError && error.opts.notFound) return undefined;
    throw error;
  }
}

/**
 * The account's opportunities. Asked at once: by its exact name (`exactOpportunitiesSoql`), which look-alike accounts
 * cannot crowd out, and for the accounts that look like it (`alikeAccountsSoql`), of which the app keeps those of the
 * same name or domain and then reads their opportunities. When neither finds it and the look-alikes filled the read,
 * the account may be past it: the CRM could not tell (`undecided`), which the review says, rather than "none".
 */
async function opportunitiesOn(
  session: SalesforceSession,
  logger: Logger,
  account: AccountQuery,
  timeoutMs: number | undefined,
): Promise<CrmRecord[]> {
  const query = async <T>(soql: string) =>
    (
      await session.call<{ records?: T[] }>(
        { method: 'GET', url: `/query?q=${encodeURIComponent(soql)}` },
        false,
        timeoutMs,
      )
    ).records ?? [];
  const [exact, alike] = await Promise.all([
    query<OpportunityRow>(exactOpportunitiesSoql(account)),
    query<{ Id: string; Name?: string | null; Website?: string | null }>(alikeAccountsSoql(account)),
  ]);
  const ids = ofAccount(
    alike.map((a) => ({ ...a, Account: { Name: a.Name ?? null, Website: a.Website ?? null } })),
    account,
  ).map((a) => a.Id);
  const kept = new Map<string, OpportunityRow>();
  const keep = (rows: OpportunityRow[]) => {
    for (const row of ofAccount(rows, account)) kept.set(row.Id.slice(0, 15), row);
  };
  keep(exact);
  if (ids.length > 0) keep(await query<OpportunityRow>(accountsOpportunitiesSoql(ids, account)));
  else if (kept.size === 0 && alike.length >= ALIKE_ACCOUNTS_READ) {
    logger.info({ accounts: alike.length }, 'Salesforce: more look-alike accounts than one search reads');
    throw new CrmError(
      'Salesforce holds more accounts named like this one than one search reads, none of them exactly this one',
      { transient: false, undecided: true },
    );
  }
  return (
    [...kept.values()]
      // Salesforce writes every CreatedDate in UTC, one format: as text they sort as times.
      .sort((a, b) => (a.CreatedDate ?? '').localeCompare(b.CreatedDate ?? ''))
      .slice(0, OPPORTUNITIES_MAX)
      .map((row) => toRecord(logger, row))
  );
}

async function findActivity(
  session: SalesforceSession,
  recordId: string,
  activity: CrmActivity,
): Promise<string | undefined> {
  const soql = `SELECT Id FROM Task WHERE WhatId = ${soqlString(recordId)} AND Subject = ${soqlString(taskSubject(activity))}`;
  const result = await session.call<{ records: { Id: string }[] }>(
    { method: 'GET', url: `/query?q=${encodeURIComponent(soql)}` },
    false,
  );
  return result.records?.[0]?.Id;
}

async function writeActivity(
  session: SalesforceSession,
  recordId: string,
  activity: CrmActivity,
): Promise<string> {
  const result = await session.call<{ id?: string; success?: boolean }>(
    {
      method: 'POST',
      url: '/sobjects/Task',
      body: {
        WhatId: recordId,
        Subject: taskSubject(activity),
        Description: cutText(activity.lines.join('\n'), TASK_DESCRIPTION_MAX),
        Status: 'Completed',
        Priority: 'Normal',
        ActivityDate: activity.day,
      },
    },
    true,
  );
  if (!result?.id)
    throw new CrmError('Salesforce: the answer to a new Task has no id', {
      transient: true,
      uncertain: true,
    });
  return result.id;
}

async function writeFields(session: SalesforceSession, recordId: string, fields: CrmFields): Promise<void> {
  if (Object.keys(fields).length === 0) return;
  await session.call(
    { method: 'PATCH', url: `/sobjects/Opportunity/${encodeURIComponent(recordId)}`, body: fields },
    true,
  );
}

/**
 * The stage a new opportunity starts in: the first open stage of a new org's picklist. An org that renamed it refuses
 * the create (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST), which the AE is told in plain words (docs/crm.md).
 */
export const SALESFORCE_FIRST_STAGE = 'Prospecting';

/**
 * The opportunity created earlier with this one's marker: by its exact name (Description is a long text area, which
 * SOQL cannot filter on), then the marker's line in its description.
 */
async function findCreated(session: SalesforceSession, record: CrmNewRecord): Promise<string | undefined> {
  const soql = `SELECT Id, Description FROM Opportunity WHERE Name = ${soqlString(record.name)} ORDER BY CreatedDate DESC LIMIT 50`;
  const result = await session.call<{ records?: { Id: string; Description?: string | null }[] }>(
    { method: 'GET', url: `/query?q=${encodeURIComponent(soql)}` },
    false,
  );
  const hit = result.records?.find((row) => carriesMarker(row.Description, record.marker));
  return hit ? salesforceId18(hit.Id.slice(0, 15)) : undefined;
}

/** POST sobjects/Opportunity: Name, StageName and CloseDate (required), the amount and account when known. */
async function createOpportunity(session: SalesforceSession, record: CrmNewRecord): Promise<string> {
  const result = await session.call<{ id?: string; success?: boolean }>(
    {
      method: 'POST',
      url: '/sobjects/Opportunity',
      body: {
        Name: record.name,
        StageName: SALESFORCE_FIRST_STAGE,
        CloseDate: record.closeDate,
        Description: record.description,
        ...(record.amount === null ? {} : { Amount: record.amount }),
        ...(record.accountId === null ? {} : { AccountId: record.accountId }),
      },
    },
    true,
  );
  if (!result?.id)
    throw new CrmError('Salesforce: the answer to a new opportunity has no id', {
      transient: true,
      uncertain: true,
    });
  return salesforceId18(result.id.slice(0, 15));
}

function toRecord(logger: Logger, row: OpportunityRow): CrmRecord {
  logger.debug({ id: row.Id }, 'Salesforce opportunity read');
  return {
    ref: { system: 'salesforce', id: salesforceId18(row.Id.slice(0, 15)) },
    name: row.Name ?? row.Id,
    stage: row.StageName ?? '',
    closed: Boolean(row.IsClosed),
    won: Boolean(row.IsWon),
    ...createdOf(row.CreatedDate),
    closedOn: row.IsClosed ? (row.CloseDate ?? null) : null,
  };
}
