import jsforce from 'jsforce';
import { salesforceId18 } from '../../domain/crmLink.js';
import type { Logger } from '../../logger.js';
import { classifyAnswer, SALESFORCE_CODES, salesforceCode } from './failures.js';
import { accountOpportunitiesSoql, ofAccount, soqlString } from './salesforceSoql.js';
import {
  type CrmActivity,
  type CrmConnector,
  CrmError,
  type CrmFields,
  type CrmRecord,
  type CrmStates,
  createdOf,
  OPPORTUNITIES_MAX,
  snippetOf,
} from './types.js';

export interface SalesforceSettings {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  /** REST API version (default 62.0). */
  apiVersion?: string;
  /** Per call (default 10 s): a call that takes longer counts as a lost answer. */
  timeoutMs?: number;
}

/** Errors the token endpoint answers when it refuses the connected app or its run-as user. */
const REFUSED_GRANT = new Set([
  'invalid_client',
  'invalid_client_id',
  'invalid_grant',
  'unauthorized_client',
  'inactive_user',
  'inactive_org',
]);
/**
 * Ids per `WHERE Id IN (…)`: the query goes in the URL, and Salesforce answers 414 past 16,384 bytes of URI and
 * headers; an id takes about 30 bytes encoded, so 300 leave room (and a query returns them in one page).
 */
const IDS_PER_QUERY = 300;
const TASK_SUBJECT_MAX = 255;
const TASK_DESCRIPTION_MAX = 32_000;

/** The Task's subject: the event's line with its marker, which makes it unique (it is what a lost write is found by). */
export function taskSubject(activity: CrmActivity): string {
  const tail = ` (ref ${activity.marker})`;
  return activity.subject.slice(0, TASK_SUBJECT_MAX - tail.length) + tail;
}

/**
 * Salesforce through jsforce: a connected app's client credentials (OAuth 2.0 client credentials flow: a token from
 * `<login url>/services/oauth2/token`, calls to the `instance_url` it returns, a new token when one expires). Calls
 * are made with jsforce's own retries off: the outbox owns retries, with backoff and a look before writing again.
 */
export function createSalesforce(settings: SalesforceSettings, logger: Logger): CrmConnector {
  const version = settings.apiVersion ?? '62.0';
  const timeout = settings.timeoutMs ?? 10_000;
  /** The token endpoint refused the credentials (at start, or on a refresh). */
  let refused: string | undefined;
  const oauth2 = new jsforce.OAuth2({
    loginUrl: settings.loginUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
  });
  const conn = new jsforce.Connection({
    oauth2,
    loginUrl: settings.loginUrl,
    version,
    // A new token by the same flow when the one in use expires or is revoked (jsforce calls this on a 401).
    refreshFn: (c, callback) => {
      authorize(c)
        .then((token) => callback(undefined, token))
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  let authorized: Promise<void> | undefined;

  async function authorize(c: jsforce.Connection = conn): Promise<string> {
    try {
      await c.authorize({ grant_type: 'client_credentials' });
      refused = undefined;
      return c.accessToken ?? '';
    } catch (error) {
      throw tokenError(error);
    }
  }

  function tokenError(error: unknown): CrmError {
    const name = error instanceof Error ? error.name : '';
    const message = error instanceof Error ? error.message : String(error);
    if (REFUSED_GRANT.has(name)) {
      refused = `${name}: ${message}`;
      return new CrmError(`Salesforce refused the client credentials (${name}: ${message})`, {
        transient: true,
        auth: true,
      });
    }
    return new CrmError(`Salesforce token request failed: ${name ? `${name}: ` : ''}${message}`, {
      transient: true,
      uncertain: true,
    });
  }

  async function ready(): Promise<void> {
    authorized ??= authorize().then(
      () => undefined,
      (error: unknown) => {
        authorized = undefined;
        throw error;
      },
    );
    await authorized;
  }

  /**
   * One REST call, classified on failure by its HTTP status first (services/crm/failures.ts). jsforce's error keeps
   * Salesforce's `errorCode` but drops the status, so the call goes through a transport of its own (jsforce takes one
   * per call) that passes every request on and notes each answer's status: the last one is what the error is about
   * (after a 401, the session is refreshed and the request made again).
   */
  async function call<T>(
    request: { method: string; url: string; body?: unknown },
    write: boolean,
    ms = timeout,
  ): Promise<T> {
    await ready();
    let status: number | undefined;
    const transport = {
      httpRequest(...args: Parameters<jsforce.Connection['_transport']['httpRequest']>) {
        const pending = conn._transport.httpRequest(...args);
        pending.then(
          (response) => {
            status = response.statusCode;
          },
          () => {
            status = undefined;
          },
        );
        return pending;
      },
    };
    try {
      const req = {
        method: request.method as 'GET',
        url: request.url,
        ...(request.body === undefined
          ? {}
          : { body: JSON.stringify(request.body), headers: { 'content-type': 'application/json' } }),
      };
      return (await conn.request<T>(req, { retry: { maxRetries: 0 }, timeout: ms, transport } as never)) as T;
    } catch (error) {
      throw classify(error, status, write);
    }
  }

  function classify(error: unknown, httpStatus: number | undefined, write: boolean): CrmError {
    if (error instanceof CrmError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const code = salesforceCode(error);
    // A 401 whose session could not be refreshed (the token endpoint refused, or did not answer).
    const status = /^Unable to refresh session/.test(message) ? 401 : httpStatus;
    const { kind, opts } = classifyAnswer(SALESFORCE_CODES, { status, code }, write);
    const said = `${code ?? `HTTP ${status}`}: ${snippetOf(message)}`;
    switch (kind) {
      case 'auth':
        return new CrmError(
          refused ? `Salesforce refused the client credentials (${refused})` : `Salesforce: ${said}`,
          { ...opts, auth: Boolean(refused) },
        );
      case 'no_answer':
        return new CrmError(`Salesforce: no answer (${message})`, opts);
      case 'server':
      case 'unreadable':
        return new CrmError(`Salesforce: HTTP ${status}${code ? ` ${said}` : ''}`, opts);
      case 'rate_limited':
        return new CrmError(`Salesforce: rate limited (${code ?? `HTTP ${status}`})`, opts);
      default:
        return new CrmError(`Salesforce: ${said}`, opts);
    }
  }

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

  return {
    system: 'salesforce',
    label: 'Salesforce',
    async verify() {
      authorized = undefined;
      await ready();
      // The token works for the data API, and the run-as user may read opportunities (what the read-back needs).
      await this.states(['006000000000000AAA']);
    },
    async lookup(id, opts = {}) {
      try {
        const row = await call<OpportunityRow>(
          {
            method: 'GET',
            url: `/sobjects/Opportunity/${encodeURIComponent(id)}?fields=Id,Name,StageName,IsClosed,IsWon,CreatedDate`,
          },
          false,
          opts.timeoutMs,
        );
        return toRecord(row);
      } catch (error) {
        if (error instanceof CrmError && error.opts.notFound) return undefined;
        throw error;
      }
    },
    async opportunitiesOn(account, opts = {}) {
      const result = await call<{ records?: OpportunityRow[] }>(
        { method: 'GET', url: `/query?q=${encodeURIComponent(accountOpportunitiesSoql(account))}` },
        false,
        opts.timeoutMs,
      );
      // The LIKE finds more than the account (a longer name, a domain inside another): the same key or domain only.
      return ofAccount(result.records ?? [], account)
        .slice(0, OPPORTUNITIES_MAX)
        .map(toRecord);
    },
    async states(ids) {
      const states: CrmStates = new Map();
      for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
        const chunk = ids.slice(i, i + IDS_PER_QUERY);
        const soql = `SELECT Id, IsClosed, IsWon, CreatedDate FROM Opportunity WHERE Id IN (${chunk.map(soqlString).join(', ')})`;
        const result = await call<{ records: OpportunityRow[] }>(
          { method: 'GET', url: `/query?q=${encodeURIComponent(soql)}` },
          false,
        );
        for (const row of result.records ?? []) {
          states.set(salesforceId18(row.Id.slice(0, 15)), {
            closed: Boolean(row.IsClosed),
            won: Boolean(row.IsWon),
            ...createdOf(row.CreatedDate),
          });
        }
      }
      return states;
    },
    async findActivity(recordId, activity) {
      const soql = `SELECT Id FROM Task WHERE WhatId = ${soqlString(recordId)} AND Subject = ${soqlString(taskSubject(activity))}`;
      const result = await call<{ records: { Id: string }[] }>(
        { method: 'GET', url: `/query?q=${encodeURIComponent(soql)}` },
        false,
      );
      return result.records?.[0]?.Id;
    },
    async writeActivity(recordId, activity) {
      const result = await call<{ id?: string; success?: boolean }>(
        {
          method: 'POST',
          url: '/sobjects/Task',
          body: {
            WhatId: recordId,
            Subject: taskSubject(activity),
            Description: activity.lines.join('\n').slice(0, TASK_DESCRIPTION_MAX),
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
    },
    async writeFields(recordId, fields: CrmFields) {
      if (Object.keys(fields).length === 0) return;
      await call(
        { method: 'PATCH', url: `/sobjects/Opportunity/${encodeURIComponent(recordId)}`, body: fields },
        true,
      );
    },
    recordUrl(id) {
      const base = conn.instanceUrl;
      return base ? `${base.replace(/\/$/, '')}/lightning/r/Opportunity/${id}/view` : undefined;
    },
  };

  function toRecord(row: OpportunityRow): CrmRecord {
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
}
