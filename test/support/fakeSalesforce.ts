/**
 * A fake Salesforce (REST API) for integration tests: the OAuth client-credentials token endpoint, `limits`,
 * Accounts with their owners (Users), Opportunity reads and updates, Task creation and SOQL queries (fakeSoql.ts: the
 * WHERE, ORDER BY and LIMIT the app sends, relationship fields such as Account.Name and Owner.Email, results in pages
 * of 2,000 with `nextRecordsUrl`). It records every request, answers in
 * Salesforce's shapes (error bodies are arrays of `{ errorCode, message }`), enforces the limits that matter to the
 * app (daily API requests, URI length, field lengths) and can inject failures. Its org setup
 * (fakeSalesforceOrg.ts) is a single-currency org by default; `multiCurrency` and `advancedCurrency` give it
 * CurrencyType, CurrencyIsoCode on Opportunity and DatedConversionRate (`fake.org.addCurrency`, `addDatedRate`).
 * `changeOpportunity` changes an amount, a stage, a close date, a currency or an owner as a person would;
 * `genericLogin` makes the token endpoint answer as login.salesforce.com does to the client credentials flow.
 *
 *   const fake = await FakeSalesforce.start();
 *   const oppId = fake.addOpportunity({ name: 'Acme renewal' });
 *   const conn = new jsforce.Connection({
 *     oauth2: { loginUrl: fake.loginUrl, clientId: fake.clientId, clientSecret: fake.clientSecret },
 *     loginUrl: fake.loginUrl,
 *     version: '62.0',
 *   });
 *   await conn.authorize({ grant_type: 'client_credentials' });
 *   await conn.sobject('Task').create({ WhatId: oppId, Subject: 'Co-sell handoff' });
 *   fake.tasks(); // [{ Id: '00T…', WhatId: oppId, Subject: 'Co-sell handoff', … }]
 *   const ownerId = fake.addUser({ firstName: 'Jordan', lastName: 'Lee', email: 'jordan@example.com' });
 *   fake.addAccount({ name: 'Northwind Logistics', website: 'https://www.northwind.com', ownerId });
 *   await fake.stop();
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { OperatorHost } from '../../src/domain/salesforceHosts.js';
import { type Answer, FakeRestServer, type Incoming, isObject, type RestFailure } from './fakeHttp.js';
import {
  FakeOrg,
  type FakeOrgOptions,
  noSuchColumn,
  ORG_FIELD_TYPES,
  ORG_FIELDS,
  ORG_OBJECTS,
  type OrgObject,
} from './fakeSalesforceOrg.js';
import {
  checkTypes,
  conditionFields,
  matches,
  ordered,
  parseSoql,
  type Soql,
  SoqlError,
  type SoqlFieldType,
} from './fakeSoql.js';

/** A field value as Salesforce's JSON carries it. */
export type SalesforceValue = string | number | boolean | null;
export type SalesforceRecord = Record<string, SalesforceValue>;

export interface FakeSalesforceOptions extends FakeOrgOptions {
  /**
   * The token endpoint answers as `login.salesforce.com` does to the client credentials flow: 400 invalid_grant
   * "request not supported on this domain" (tokens come from the org's My Domain only). Default false.
   */
  genericLogin?: boolean;
  /** The connected app's consumer key; default 'fake-client-id'. */
  clientId?: string;
  /** The connected app's consumer secret; default 'fake-client-secret'. */
  clientSecret?: string;
  /** API version served under `/services/data/v<apiVersion>/`; default '62.0'. */
  apiVersion?: string;
  /**
   * The org's daily API request allowance: over it, API calls answer 403 REQUEST_LIMIT_EXCEEDED. Default 100,000
   * (Enterprise Edition's base allowance); usage is counted from start (or `reset()`), not over a rolling 24 h.
   */
  dailyLimit?: number;
  /** The clock (ms since the epoch) for timestamps; default Date.now. */
  now?: () => number;
}

/**
 * Without `body`, an injected `status` answers a Salesforce error array (e.g. 503 SERVER_UNAVAILABLE, 401
 * INVALID_SESSION_ID); `errorCode` replaces the status's usual code (e.g. 503 with UNKNOWN_EXCEPTION, 400 with
 * UNABLE_TO_LOCK_ROW), `message` its message.
 */
export interface SalesforceFailure extends RestFailure {
  errorCode?: string;
}

/** An opportunity as `addOpportunity` takes it. */
export interface NewOpportunity {
  /** A 15- or 18-character id; generated ('006…') when omitted. */
  id?: string;
  name: string;
  /** Default 'Prospecting'. */
  stageName?: string;
  /** Default: from the stage (true for 'Closed Won' / 'Closed Lost'). */
  isClosed?: boolean;
  /** Default: from the stage (true for 'Closed Won'). */
  isWon?: boolean;
  amount?: number | null;
  /** 'YYYY-MM-DD'; default the fake's today. */
  closeDate?: string;
  /** The account it belongs to (an id `addAccount` gave); none by default. */
  accountId?: string;
  /** Its owner (an id `addUser` gave); default the integration user. */
  ownerId?: string;
  /** Its currency (a multi-currency org's active one); default the corporate currency. */
  currencyIsoCode?: string;
  /** When it was created: 'YYYY-MM-DD' (that day at noon UTC: DAY_ONLY_AT) or an ISO datetime; default the fake's now. */
  createdDate?: string;
}

/** An account as `addAccount` takes it. */
export interface NewAccount {
  name: string;
  /** As people type it in Salesforce: 'https://www.litware.example', 'litware.example/', … */
  website?: string | null;
  /**
   * Its owner (`OwnerId`: an id `addUser` gave); default the integration user. Salesforce requires one: null stands
   * for an owner the integration user may not see, whose `Owner` relationship comes back null.
   */
  ownerId?: string | null;
}

/** A user as `addUser` takes it (an account's owner). */
export interface NewUser {
  firstName?: string;
  lastName: string;
  email: string;
  /** Default true. */
  isActive?: boolean;
}

/** A Task as the fake stores it (Salesforce's field names; ids are 18 characters). */
export interface FakeSalesforceTask extends SalesforceRecord {
  Id: string;
  WhatId: string | null;
  Subject: string | null;
  Description: string | null;
  Status: string;
  Priority: string;
  ActivityDate: string | null;
  /** Salesforce's datetime format, e.g. '2024-05-01T09:30:00.000+0000'. */
  CreatedDate: string;
}

type SObjectType = 'Opportunity' | 'Task' | 'Account' | 'User' | OrgObject;

/** The 15→18 suffix alphabet: a 5-bit value per 5-character chunk. */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ALNUM = /^[a-zA-Z0-9]+$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The case-safe 18-character form of a 15-character Salesforce id: for each 5-character chunk, bit i is set when
 * character i is an uppercase A–Z, and the 5-bit value picks a letter of 'A…Z0…5'.
 */
export function salesforceId18(id15: string): string {
  if (id15.length !== 15 || !ALNUM.test(id15)) throw new Error(`not a 15-character Salesforce id: ${id15}`);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const char = id15.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return id15 + suffix;
}

const isIdShaped = (id: string): boolean => (id.length === 15 || id.length === 18) && ALNUM.test(id);

/** Salesforce's datetime format: milliseconds and a '+0000' offset instead of 'Z'. */
/**
 * A creation day given without a time is that day at noon UTC: the same calendar day from UTC-12 to UTC+11, so a
 * fixture's "created on 2026-10-26" reads as that day for every person of the tests (the app reads the day in the
 * author's zone). Salesforce itself always gives the moment.
 */
const DAY_ONLY_AT = '12:00:00Z';
const sfDateTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');
const sfDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Stages of a new org's Opportunity stage picklist, with what each implies. */
const STAGES: Record<string, { isClosed: boolean; isWon: boolean; probability: number }> = {
  Prospecting: { isClosed: false, isWon: false, probability: 10 },
  Qualification: { isClosed: false, isWon: false, probability: 10 },
  'Needs Analysis': { isClosed: false, isWon: false, probability: 20 },
  'Value Proposition': { isClosed: false, isWon: false, probability: 50 },
  'Id. Decision Makers': { isClosed: false, isWon: false, probability: 60 },
  'Perception Analysis': { isClosed: false, isWon: false, probability: 70 },
  'Proposal/Price Quote': { isClosed: false, isWon: false, probability: 75 },
  'Negotiation/Review': { isClosed: false, isWon: false, probability: 90 },
  'Closed Won': { isClosed: true, isWon: true, probability: 100 },
  'Closed Lost': { isClosed: true, isWon: false, probability: 0 },
};
/** The stage picklist's names, in its order (the sandbox's Salesforce panel offers them). */
export const FAKE_STAGE_NAMES: readonly string[] = Object.keys(STAGES);

const names = (list: string): string[] => list.split(' ');
/** Standard Opportunity fields: those an API call may write, and those Salesforce maintains itself. */
const OPPORTUNITY_WRITABLE = names(
  'Name StageName Amount CloseDate Description Probability NextStep Type LeadSource AccountId OwnerId ' +
    'ForecastCategoryName CampaignId',
);
const OPPORTUNITY_READ_ONLY = names(
  'Id IsClosed IsWon IsDeleted CreatedDate LastModifiedDate SystemModstamp',
);
const TASK_WRITABLE = names(
  'WhatId WhoId Subject Description Status Priority ActivityDate OwnerId Type TaskSubtype IsReminderSet ' +
    'ReminderDateTime CallType CallDurationInSeconds CallDisposition CallObject',
);
const TASK_READ_ONLY = names('Id IsClosed IsDeleted CreatedDate LastModifiedDate SystemModstamp');
/** The standard fields of each object the fake stores (the org's objects: fakeSalesforceOrg.ts). */
const STANDARD_FIELDS: Partial<Record<SObjectType, string[]>> = {
  Opportunity: [...OPPORTUNITY_READ_ONLY, ...OPPORTUNITY_WRITABLE],
  Task: [...TASK_READ_ONLY, ...TASK_WRITABLE],
  Account: names('Id Name Website Industry Type OwnerId IsDeleted CreatedDate'),
  User: names('Id Name FirstName LastName Email Username IsActive CreatedDate'),
};

/**
 * The relationship fields a query may follow (`Account.Name` on an opportunity, `Owner.Email` on an account): the
 * lookup field holding the related record's id, and what it is. Only those the app reads: others are refused.
 */
const RELATIONSHIPS: Partial<Record<SObjectType, Record<string, { field: string; to: SObjectType }>>> = {
  Opportunity: { Account: { field: 'AccountId', to: 'Account' }, Owner: { field: 'OwnerId', to: 'User' } },
  Account: { Owner: { field: 'OwnerId', to: 'User' } },
};

const typed = (type: SoqlFieldType, list: string) => Object.fromEntries(names(list).map((n) => [n, type]));
/** What each standard field holds (custom fields are text): it decides which SOQL literals a field takes. */
const FIELD_TYPES: Record<string, SoqlFieldType> = {
  ...typed('id', 'Id AccountId OwnerId CampaignId WhatId WhoId'),
  ...typed('boolean', 'IsClosed IsWon IsDeleted IsReminderSet IsActive'),
  ...typed('number', 'Amount Probability CallDurationInSeconds'),
  ...typed('date', 'CloseDate ActivityDate'),
  ...typed('datetime', 'CreatedDate LastModifiedDate SystemModstamp ReminderDateTime'),
  ...ORG_FIELD_TYPES,
};

/** Records per page of a query's answer (Salesforce's default batch size); the rest by `nextRecordsUrl`. */
const QUERY_BATCH_SIZE = 2000;

/** Field lengths Salesforce enforces on Task text fields (STRING_TOO_LONG beyond). */
const TASK_MAX_LENGTH: Record<string, number> = { Subject: 255, Description: 32_000 };

/**
 * Longest request URI accepted, in bytes (the documented REST limit); longer ones answer 414 as Salesforce's edge
 * does. A GET `query?q=` therefore tops out far below the 100,000-character SOQL limit.
 */
const MAX_URI_BYTES = 16_384;

const sfError = (status: number, errorCode: string, message: string, fields?: string[]): Answer => ({
  status,
  body: [{ message, errorCode, ...(fields ? { fields } : {}) }],
});

const notFound = (): Answer => sfError(404, 'NOT_FOUND', 'The requested resource does not exist');

const methodNotAllowed = (method: string, allowed: string): Answer =>
  sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed}`);

/** The error code Salesforce uses for an injected bare status, so clients map it as they would a real one. */
const injectedErrorCode = (status: number): string =>
  ({ 401: 'INVALID_SESSION_ID', 403: 'REQUEST_LIMIT_EXCEEDED', 404: 'NOT_FOUND', 503: 'SERVER_UNAVAILABLE' })[
    status
  ] ?? (status >= 500 ? 'UNKNOWN_EXCEPTION' : 'BAD_REQUEST');

const isSalesforceValue = (value: unknown): value is SalesforceValue =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

// ---------------------------------------------------------------------------------------------------------------

export class FakeSalesforce extends FakeRestServer<SalesforceFailure> {
  /** Starts a fake Salesforce on 127.0.0.1 and a free port (login and instance on the same server). */
  static start(options: FakeSalesforceOptions = {}): Promise<FakeSalesforce> {
    return new FakeSalesforce(options).listen();
  }

  readonly clientId: string;
  readonly clientSecret: string;
  readonly apiVersion: string;
  readonly dailyLimit: number;
  /** The org id in token answers' identity URL. */
  readonly organizationId = '00D000000000001EAA';
  /** The integration user's id in token answers' identity URL. */
  readonly userId = '005000000000001AAA';
  /** Valid access tokens (they never expire: only `revokeTokens()` ends them). */
  private readonly tokens = new Set<string>();
  /** Opportunities by the first 15 characters of their id (case-sensitive, as Salesforce ids are). */
  private readonly opportunities = new Map<string, SalesforceRecord>();
  private readonly storedTasks: FakeSalesforceTask[] = [];
  /** Accounts by the first 15 characters of their id. */
  private readonly accounts = new Map<string, SalesforceRecord>();
  /** A query's whole answer, by the locators of its pages after the first (in `nextRecordsUrl`). */
  private readonly locators = new Map<string, Record<string, unknown>[]>();
  /** Custom fields by object (`addCustomField`). */
  private readonly customFields = new Map<SObjectType, string[]>();
  /** The org's currencies and Organization record (fakeSalesforceOrg.ts); kept by `reset()`, like custom fields. */
  readonly org: FakeOrg;
  private readonly genericLogin: boolean;
  /** Users (accounts' owners) by the first 15 characters of their id; the integration user is one. */
  private readonly users = new Map<string, SalesforceRecord>();
  private readonly soqlReceived: string[] = [];
  private apiUsage = 0;
  private sequence = 0;

  private constructor(options: FakeSalesforceOptions) {
    // Node refuses request heads over 16 KiB itself (431); the fake raises that so its own URI limit decides.
    super('fakeSalesforce', {
      types: { text: 'text/html; charset=utf-8', json: 'application/json;charset=UTF-8' },
      forms: true,
      now: options.now ?? Date.now,
      server: { maxHeaderSize: 1024 * 1024 },
    });
    this.clientId = options.clientId ?? 'fake-client-id';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret';
    this.apiVersion = options.apiVersion ?? '62.0';
    this.dailyLimit = options.dailyLimit ?? 100_000;
    this.genericLogin = options.genericLogin ?? false;
    this.org = new FakeOrg(options, this.organizationId, (prefix) => salesforceId18(this.nextId15(prefix)));
    this.addIntegrationUser();
  }

  /** Where the token endpoint lives (`oauth2.loginUrl` / `loginUrl` of jsforce). */
  get loginUrl(): string {
    return this.origin;
  }

  /** The settings that connect the app to this fake (its login URL and the connected app's credentials). */
  get env(): Record<string, string> {
    return {
      SALESFORCE_LOGIN_URL: this.loginUrl,
      SALESFORCE_CLIENT_ID: this.clientId,
      SALESFORCE_CLIENT_SECRET: this.clientSecret,
    };
  }

  /** The `instance_url` token answers give: the same server, unless `namedInstanceUrl` names another. */
  get instanceUrl(): string {
    return this.namedInstanceUrl ?? this.origin;
  }

  /** The fake as the operator names it (SALESFORCE_ALLOWED_HOSTS=<loginUrl>): plain http, on its port. */
  get hosts(): OperatorHost[] {
    return [{ host: new URL(this.origin).host, http: true }];
  }

  /** What token answers name as `instance_url` instead of this server (a token endpoint that points elsewhere). */
  namedInstanceUrl: string | undefined;

  /** The identity URL of token answers (`id`). */
  get identityUrl(): string {
    return `${this.origin}/id/${this.organizationId}/${this.userId}`;
  }

  /** API requests counted against the daily limit so far (what `Sforce-Limit-Info` reports). */
  get apiRequestsUsed(): number {
    return this.apiUsage;
  }

  /** Every SOQL statement received at the query endpoint, in order (refused ones included). */
  queries(): string[] {
    return [...this.soqlReceived];
  }

  /** How many requests reached the query endpoint (to assert "one query for all"). */
  get queryCount(): number {
    return this.soqlReceived.length;
  }

  /** Adds an opportunity; returns its 18-character id. */
  addOpportunity(opportunity: NewOpportunity): string {
    if (opportunity.id !== undefined && !isIdShaped(opportunity.id)) {
      throw new Error(`not a 15- or 18-character Salesforce id: ${opportunity.id}`);
    }
    const id15 = opportunity.id?.slice(0, 15) ?? this.nextId15('006');
    const id = salesforceId18(id15);
    const stageName = opportunity.stageName ?? 'Prospecting';
    const stage = STAGES[stageName];
    const now = sfDateTime(this.now());
    const created = opportunity.createdDate
      ? sfDateTime(
          Date.parse(
            opportunity.createdDate.length === 10
              ? `${opportunity.createdDate}T${DAY_ONLY_AT}`
              : opportunity.createdDate,
          ),
        )
      : now;
    if (opportunity.accountId !== undefined && !this.accounts.has(opportunity.accountId.slice(0, 15))) {
      throw new Error(`no account ${opportunity.accountId}`);
    }
    const ownerId = opportunity.ownerId ?? this.userId;
    if (!this.users.has(ownerId.slice(0, 15))) throw new Error(`no user ${ownerId}`);
    const currency = opportunity.currencyIsoCode ?? this.org.corporateCurrency;
    if (!this.org.isActive(currency)) throw new Error(`no active currency ${currency}`);
    const record: SalesforceRecord = {
      Id: id,
      IsDeleted: false,
      CreatedDate: created,
      LastModifiedDate: now,
      SystemModstamp: now,
    };
    for (const field of [...OPPORTUNITY_WRITABLE, ...this.custom('Opportunity')]) record[field] = null;
    Object.assign(record, {
      Name: opportunity.name,
      StageName: stageName,
      IsClosed: opportunity.isClosed ?? stage?.isClosed ?? false,
      IsWon: opportunity.isWon ?? stage?.isWon ?? false,
      Probability: stage?.probability ?? null,
      Amount: opportunity.amount ?? null,
      CloseDate: opportunity.closeDate ?? sfDate(this.now()),
      AccountId: opportunity.accountId ? salesforceId18(opportunity.accountId.slice(0, 15)) : null,
      OwnerId: salesforceId18(ownerId.slice(0, 15)),
      // Kept always; a query sees it only in a multi-currency org (`knownField`).
      CurrencyIsoCode: currency,
    });
    this.opportunities.set(id15, record);
    return id;
  }

  /** Adds an account (what opportunities belong to); returns its 18-character id ('001…'). */
  addAccount(account: NewAccount): string {
    const ownerId = account.ownerId === undefined ? this.userId : account.ownerId;
    if (ownerId !== null && !this.users.has(ownerId.slice(0, 15))) throw new Error(`no user ${ownerId}`);
    const id = salesforceId18(this.nextId15('001'));
    const record: SalesforceRecord = {
      Id: id,
      Name: account.name,
      Website: account.website ?? null,
      Industry: null,
      Type: null,
      OwnerId: ownerId && salesforceId18(ownerId.slice(0, 15)),
      IsDeleted: false,
      CreatedDate: sfDateTime(this.now()),
    };
    for (const field of this.custom('Account')) record[field] = null;
    this.accounts.set(id.slice(0, 15), record);
    return id;
  }

  /** Adds a user (an account's owner); returns its 18-character id ('005…'), for `addAccount`'s `ownerId`. */
  addUser(user: NewUser): string {
    const id = salesforceId18(this.nextId15('005'));
    this.users.set(id.slice(0, 15), this.userRecord(id, user));
    return id;
  }

  /** The integration user (the run-as user tokens are issued for), owner of the accounts added without one. */
  private addIntegrationUser(): void {
    const user = { firstName: 'Integration', lastName: 'User', email: 'integration@example.com' };
    this.users.set(this.userId.slice(0, 15), this.userRecord(this.userId, user));
  }

  private userRecord(id: string, user: NewUser): SalesforceRecord {
    const record: SalesforceRecord = {
      Id: id,
      Name: [user.firstName, user.lastName].filter(Boolean).join(' '),
      FirstName: user.firstName ?? null,
      LastName: user.lastName,
      Email: user.email,
      Username: user.email,
      IsActive: user.isActive ?? true,
      CreatedDate: sfDateTime(this.now()),
    };
    for (const field of this.custom('User')) record[field] = null;
    return record;
  }

  /** Closes an opportunity: won → 'Closed Won', lost → 'Closed Lost' (or the given stage name). */
  closeOpportunity(id: string, outcome: { won: boolean; stageName?: string }): void {
    const record = this.opportunities.get(id.slice(0, 15));
    if (!record) throw new Error(`no opportunity ${id}`);
    Object.assign(record, {
      StageName: outcome.stageName ?? (outcome.won ? 'Closed Won' : 'Closed Lost'),
      IsClosed: true,
      IsWon: outcome.won,
      Probability: outcome.won ? 100 : 0,
      LastModifiedDate: sfDateTime(this.now()),
    });
  }

  /**
   * Changes an opportunity as a person would in Salesforce (the read-back's money: amount, stage, close date,
   * currency, owner). A stage of the picklist sets IsClosed, IsWon and Probability with it; a currency must be one
   * of a multi-currency org's active ones.
   */
  changeOpportunity(
    id: string,
    changes: {
      amount?: number | null;
      stageName?: string;
      closeDate?: string;
      currencyIsoCode?: string;
      ownerId?: string;
    },
  ): void {
    const record = this.opportunities.get(id.slice(0, 15));
    if (!record) throw new Error(`no opportunity ${id}`);
    if (changes.currencyIsoCode !== undefined) {
      if (!this.org.multiCurrency) throw new Error('a single-currency org has no CurrencyIsoCode');
      if (!this.org.isActive(changes.currencyIsoCode))
        throw new Error(`no active currency ${changes.currencyIsoCode}`);
      record.CurrencyIsoCode = changes.currencyIsoCode;
    }
    if (changes.ownerId !== undefined) {
      if (!this.users.has(changes.ownerId.slice(0, 15))) throw new Error(`no user ${changes.ownerId}`);
      record.OwnerId = salesforceId18(changes.ownerId.slice(0, 15));
    }
    if (changes.amount !== undefined) record.Amount = changes.amount;
    if (changes.closeDate !== undefined) record.CloseDate = changes.closeDate;
    if (changes.stageName !== undefined) {
      const stage = STAGES[changes.stageName];
      record.StageName = changes.stageName;
      if (stage)
        Object.assign(record, {
          IsClosed: stage.isClosed,
          IsWon: stage.isWon,
          Probability: stage.probability,
        });
    }
    const now = sfDateTime(this.now());
    Object.assign(record, { LastModifiedDate: now, SystemModstamp: now });
  }

  /** One opportunity (a copy) by its 15- or 18-character id, or undefined. */
  opportunity(id: string): SalesforceRecord | undefined {
    const record = this.opportunities.get(id.slice(0, 15));
    return record && { ...record };
  }

  /**
   * Registers a custom field (e.g. 'Cosell_Handoff__c') on Opportunity (default) or Task: writes and SOQL may then
   * name it. Existing records get it as null.
   */
  addCustomField(name: string, sobject: SObjectType = 'Opportunity'): void {
    if (this.knownField(sobject, name)) return;
    this.custom(sobject).push(name);
    const records = STANDARD_FIELDS[sobject] ? this.records(sobject) : this.storedTasks;
    for (const record of records) record[name] = null;
  }

  private custom(sobject: SObjectType): string[] {
    const fields = this.customFields.get(sobject) ?? [];
    this.customFields.set(sobject, fields);
    return fields;
  }

  /** Every opportunity, in creation order (copies). */
  allOpportunities(): SalesforceRecord[] {
    return [...this.opportunities.values()].map((record) => ({ ...record }));
  }

  /** Every Task created, in creation order (copies). */
  tasks(): FakeSalesforceTask[] {
    return this.storedTasks.map((task) => ({ ...task }));
  }

  /** Forgets every issued token: API calls with them then answer 401 INVALID_SESSION_ID (a session ended). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Forgets calls, failures, opportunities, tasks, queries and API usage; keeps tokens and custom fields. */
  override reset(): void {
    super.reset();
    this.soqlReceived.length = 0;
    this.opportunities.clear();
    this.accounts.clear();
    this.users.clear();
    this.addIntegrationUser();
    this.locators.clear();
    this.storedTasks.length = 0;
    this.apiUsage = 0;
  }

  // -------------------------------------------------------------------------------------------------------------
  // What Salesforce does with a request.

  /** An injected bare status answers Salesforce's error array, with the code clients map that status from. */
  protected injectedAnswer(status: number, failure: SalesforceFailure): Answer {
    return sfError(
      status,
      failure.errorCode ?? injectedErrorCode(status),
      failure.message ?? `fake salesforce: injected HTTP ${status}`,
    );
  }

  protected process(request: Incoming): Answer {
    if (Buffer.byteLength(request.rawUrl) > MAX_URI_BYTES) {
      return { status: 414, body: '<html><body><h1>414 URI Too Long</h1></body></html>' };
    }
    if (request.path === '/services/oauth2/token') {
      return request.method === 'POST' ? this.issueToken(request) : methodNotAllowed(request.method, 'POST');
    }
    const prefix = `/services/data/v${this.apiVersion}/`;
    if (!request.path.startsWith(prefix)) return notFound();
    if (!request.token || !this.tokens.has(request.token)) {
      return sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    }
    if (this.apiUsage >= this.dailyLimit) {
      return {
        ...sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
        headers: this.limitInfo(),
      };
    }
    this.apiUsage += 1;
    const answer = this.api(request, request.path.slice(prefix.length));
    return { ...answer, headers: { ...answer.headers, ...this.limitInfo() } };
  }

  private limitInfo(): Record<string, string> {
    return { 'sforce-limit-info': `api-usage=${this.apiUsage}/${this.dailyLimit}` };
  }

  private issueToken(request: Incoming): Answer {
    const form = isObject(request.body) ? request.body : {};
    const field = (name: string): string | undefined =>
      typeof form[name] === 'string' ? (form[name] as string) : undefined;
    // RFC 6749 also lets the client authenticate with HTTP Basic; Salesforce accepts both.
    const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [];
    if (field('grant_type') !== 'client_credentials') {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
      };
    }
    if (this.genericLogin) {
      // login.salesforce.com and test.salesforce.com: client-credentials tokens come from the My Domain only.
      return {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'request not supported on this domain' },
      };
    }
    const clientId = field('client_id') ?? basicId;
    const clientSecret = field('client_secret') ?? basicSecret;
    if (clientId !== this.clientId || clientSecret !== this.clientSecret) {
      return {
        status: 400,
        body: { error: 'invalid_client', error_description: 'invalid client credentials' },
      };
    }
    const issuedAt = String(this.now());
    const accessToken = `${this.organizationId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
    this.tokens.add(accessToken);
    const id = this.identityUrl;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        instance_url: this.instanceUrl,
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
        // As Salesforce signs it: HMAC-SHA256 of identity URL + issued_at, keyed with the consumer secret.
        signature: createHmac('sha256', this.clientSecret)
          .update(id + issuedAt)
          .digest('base64'),
      },
    };
  }

  private api(request: Incoming, resource: string): Answer {
    const parts = resource.split('/').map(decodeURIComponent);
    if (parts.length === 1 && parts[0] === 'query') {
      if (request.method !== 'GET') return methodNotAllowed(request.method, 'GET,HEAD');
      return this.query(request.url.searchParams.get('q'));
    }
    if (parts.length === 2 && parts[0] === 'query' && parts[1] !== undefined) {
      if (request.method !== 'GET') return methodNotAllowed(request.method, 'GET,HEAD');
      return this.queryMore(parts[1]);
    }
    if (parts.length === 1 && parts[0] === 'limits') {
      if (request.method !== 'GET') return methodNotAllowed(request.method, 'GET,HEAD');
      // The org's limits; only the daily API allowance is modelled (this request already counted).
      return {
        status: 200,
        body: { DailyApiRequests: { Max: this.dailyLimit, Remaining: this.dailyLimit - this.apiUsage } },
      };
    }
    if (parts[0] !== 'sobjects') return notFound();
    const [, sobject, id] = parts;
    if (sobject === 'Task' && parts.length === 2) {
      if (request.method !== 'POST') return methodNotAllowed(request.method, 'GET,HEAD,POST');
      return this.createTask(request);
    }
    if (sobject === 'Opportunity' && parts.length === 2) {
      if (request.method !== 'POST') return methodNotAllowed(request.method, 'GET,HEAD,POST');
      return this.createOpportunity(request);
    }
    if (sobject === 'Opportunity' && parts.length === 3 && id !== undefined) {
      if (request.method === 'GET') return this.getOpportunity(id, request.url.searchParams.get('fields'));
      if (request.method === 'PATCH') return this.updateOpportunity(id, request);
      return methodNotAllowed(request.method, 'GET,HEAD,PATCH,DELETE');
    }
    return notFound();
  }

  private malformedId(sobject: SObjectType, id: string): Answer {
    return sfError(400, 'MALFORMED_ID', `${sobject} ID: id value of incorrect type: ${id}`, ['Id']);
  }

  private getOpportunity(id: string, fieldsParam: string | null): Answer {
    if (!isIdShaped(id)) return this.malformedId('Opportunity', id);
    const record = this.opportunities.get(id.slice(0, 15));
    if (!record) return notFound();
    let fields = Object.keys(record).filter((f) => this.knownField('Opportunity', f));
    if (fieldsParam !== null) {
      fields = [];
      for (const name of fieldsParam.split(',').map((f) => f.trim())) {
        const field = this.knownField('Opportunity', name);
        if (!field) {
          return sfError(400, 'INVALID_FIELD', `No such column '${name}' on entity 'Opportunity'.`);
        }
        fields.push(field);
      }
    }
    return { status: 200, body: this.shape('Opportunity', record, fields) };
  }

  private updateOpportunity(id: string, request: Incoming): Answer {
    if (!isIdShaped(id)) return this.malformedId('Opportunity', id);
    const record = this.opportunities.get(id.slice(0, 15));
    if (!record) return notFound();
    const changes = this.writes(request, 'Opportunity', OPPORTUNITY_READ_ONLY, (field, value) =>
      field === 'CurrencyIsoCode' && !this.org.isActive(String(value))
        ? sfError(
            400,
            'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            `Currency ISO Code: invalid currency code: ${String(value)}`,
            [field],
          )
        : undefined,
    );
    if ('answer' in changes) return changes.answer;
    Object.assign(record, changes.fields);
    const stage = typeof changes.fields.StageName === 'string' ? STAGES[changes.fields.StageName] : undefined;
    if (stage) Object.assign(record, { IsClosed: stage.isClosed, IsWon: stage.isWon });
    const now = sfDateTime(this.now());
    Object.assign(record, { LastModifiedDate: now, SystemModstamp: now });
    return { status: 204 };
  }

  /**
   * POST /sobjects/Opportunity: Name, StageName and CloseDate are required (REQUIRED_FIELD_MISSING naming them all),
   * the stage must be one of the restricted picklist's, the account one that exists; 201 `{ id, success, errors }`.
   */
  private createOpportunity(request: Incoming): Answer {
    const written = this.writes(request, 'Opportunity', OPPORTUNITY_READ_ONLY);
    if ('answer' in written) return written.answer;
    const { fields } = written;
    const missing = ['Name', 'StageName', 'CloseDate'].filter(
      (f) => fields[f] === undefined || fields[f] === null || fields[f] === '',
    );
    if (missing.length > 0)
      return sfError(
        400,
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      );
    const stageName = String(fields.StageName);
    if (!STAGES[stageName])
      return sfError(
        400,
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `Stage: bad value for restricted picklist field: ${stageName}`,
        ['StageName'],
      );
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(fields.CloseDate)))
      return this.cannotDeserialize('CloseDate', fields.CloseDate);
    const accountId = typeof fields.AccountId === 'string' ? fields.AccountId : undefined;
    if (accountId !== undefined && !(isIdShaped(accountId) && this.accounts.has(accountId.slice(0, 15))))
      return sfError(
        400,
        'INVALID_CROSS_REFERENCE_KEY',
        `Account ID: id value of incorrect type: ${accountId}`,
        ['AccountId'],
      );
    const id = this.addOpportunity({
      name: String(fields.Name),
      stageName,
      closeDate: String(fields.CloseDate),
      ...(typeof fields.Amount === 'number' ? { amount: fields.Amount } : {}),
      ...(accountId ? { accountId } : {}),
    });
    const record = this.opportunities.get(id.slice(0, 15));
    // The other fields written (LeadSource, Description, a custom field), as given.
    const given = new Set(['Name', 'StageName', 'CloseDate', 'Amount', 'AccountId']);
    if (record)
      for (const [field, value] of Object.entries(fields)) if (!given.has(field)) record[field] = value;
    return { status: 201, body: { id, success: true, errors: [] } };
  }

  private createTask(request: Incoming): Answer {
    const written = this.writes(request, 'Task', TASK_READ_ONLY, (field, value) => {
      const maxLength = TASK_MAX_LENGTH[field];
      if (maxLength !== undefined && typeof value === 'string' && value.length > maxLength) {
        return sfError(
          400,
          'STRING_TOO_LONG',
          `${field}: data value too large: ${value.slice(0, 40)}… (max length=${maxLength})`,
          [field],
        );
      }
      if (field === 'ActivityDate' && value !== null && !/^\d{4}-\d{2}-\d{2}$/.test(String(value)))
        return this.cannotDeserialize(field, value);
      return undefined;
    });
    if ('answer' in written) return written.answer;
    const now = this.now();
    const task: FakeSalesforceTask = {
      Id: '',
      WhatId: null,
      Subject: null,
      Description: null,
      Status: 'Not Started',
      Priority: 'Normal',
      ActivityDate: null,
      CreatedDate: sfDateTime(now),
    };
    for (const field of this.custom('Task')) task[field] = null;
    Object.assign(task, written.fields);
    if (task.WhatId !== null) {
      const whatId = String(task.WhatId);
      const opportunity = isIdShaped(whatId) ? this.opportunities.get(whatId.slice(0, 15)) : undefined;
      if (!opportunity) {
        return sfError(
          400,
          'FIELD_INTEGRITY_EXCEPTION',
          `Related To ID: id value of incorrect type: ${whatId}`,
          ['WhatId'],
        );
      }
      task.WhatId = String(opportunity.Id);
    }
    if (task.Status === null) task.Status = 'Not Started';
    task.Id = salesforceId18(this.nextId15('00T'));
    this.storedTasks.push(task);
    return { status: 201, body: { id: task.Id, success: true, errors: [] } };
  }

  private query(soql: string | null): Answer {
    this.soqlReceived.push(soql ?? '');
    if (soql === null || soql.trim() === '') {
      return sfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    }
    try {
      return this.run(parseSoql(soql), soql);
    } catch (error) {
      if (error instanceof SoqlError) return sfError(400, error.errorCode, error.message);
      throw error;
    }
  }

  /** A parsed statement against the stored records: checked, filtered, sorted, limited, shaped, paged. */
  private run(parsed: Soql, soql: string): Answer {
    const object = parsed.object.toLowerCase();
    const sobject = (['Opportunity', 'Task', 'Account', 'User', ...ORG_OBJECTS] as const).find(
      (o) => o.toLowerCase() === object,
    );
    if (!sobject || (ORG_OBJECTS.includes(sobject as OrgObject) && !this.org.has(sobject as OrgObject)))
      return sfError(400, 'INVALID_TYPE', `sObject type '${parsed.object}' is not supported.`);
    const fields: string[] = [];
    for (const name of parsed.fields) {
      const field = this.knownPath(sobject, name);
      // As Salesforce words it: the statement echoed, a caret under the field, then what is wrong.
      if (!field) return sfError(400, 'INVALID_FIELD', noSuchColumn(soql, name, sobject));
      fields.push(field);
    }
    for (const name of [...conditionFields(parsed.where), ...parsed.orderBy.map((o) => o.field)]) {
      if (!this.knownPath(sobject, name))
        return sfError(400, 'INVALID_FIELD', noSuchColumn(soql, name, sobject));
    }
    const typeOf = (path: string): SoqlFieldType =>
      FIELD_TYPES[this.knownPath(sobject, path)?.split('.').at(-1) ?? ''] ?? 'string';
    checkTypes(parsed.where, typeOf);
    const all = this.records(sobject);
    const read = (record: SalesforceRecord, path: string) => this.valueAt(sobject, record, path);
    const found = ordered(
      all.filter((record) => matches(parsed.where, (path) => read(record, path), typeOf)),
      parsed.orderBy,
      read,
      typeOf,
    ).slice(0, parsed.limit ?? all.length);
    const records = found.map((record) => this.shape(sobject, record, fields));
    return { status: 200, body: this.page(records) };
  }

  /** A page of an answer from `offset`; the rest kept under the next page's locator, for `nextRecordsUrl`. */
  private page(records: Record<string, unknown>[], offset = 0, cursor?: string): Record<string, unknown> {
    const next = offset + QUERY_BATCH_SIZE;
    const body: Record<string, unknown> = {
      totalSize: records.length,
      done: next >= records.length,
      records: records.slice(offset, next),
    };
    if (next < records.length) {
      const locator = `${cursor ?? `01g${String(this.locators.size + 1).padStart(12, '0')}`}-${next}`;
      this.locators.set(locator, records);
      body.nextRecordsUrl = `/services/data/v${this.apiVersion}/query/${locator}`;
    }
    return body;
  }

  /** `GET query/<locator>`: the next page of an answer. */
  private queryMore(locator: string): Answer {
    const [cursor, offsetText] = locator.split('-');
    const records = this.locators.get(locator);
    const offset = Number(offsetText);
    if (!records || !cursor || !Number.isInteger(offset)) {
      return sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    return { status: 200, body: this.page(records, offset, cursor) };
  }

  /** Every stored record of an object, in creation order. */
  private records(sobject: SObjectType): SalesforceRecord[] {
    if (sobject === 'Opportunity') return [...this.opportunities.values()];
    if (sobject === 'Account') return [...this.accounts.values()];
    if (sobject === 'User') return [...this.users.values()];
    if (sobject === 'Task') return this.storedTasks;
    return this.org.records(sobject);
  }

  /** A field of the record, or of a related record (`Account.Name` on an opportunity: its account's name). */
  private valueAt(sobject: SObjectType, record: SalesforceRecord, path: string): SalesforceValue {
    const canonical = this.knownPath(sobject, path);
    if (!canonical) return null;
    const [first, second] = canonical.split('.');
    if (second === undefined) return record[first as string] ?? null;
    const related = this.related(sobject, record, first as string);
    return related ? (related.record[second] ?? null) : null;
  }

  /** The record a relationship field names (an opportunity's Account, an account's Owner), if there is one. */
  private related(
    sobject: SObjectType,
    record: SalesforceRecord,
    relationship: string,
  ): { to: SObjectType; record: SalesforceRecord } | undefined {
    const link = RELATIONSHIPS[sobject]?.[relationship];
    const id = link ? record[link.field] : undefined;
    if (!link || typeof id !== 'string') return undefined;
    const found = link.to === 'User' ? this.users.get(id.slice(0, 15)) : this.accounts.get(id.slice(0, 15));
    return found ? { to: link.to, record: found } : undefined;
  }

  /**
   * The canonical spelling of a field or a relationship path of `sobject` (Opportunity's `Account.<field>`, Account's
   * `Owner.<field>`): field and relationship names are case-insensitive.
   */
  private knownPath(sobject: SObjectType, path: string): string | undefined {
    const dot = path.indexOf('.');
    if (dot < 0) return this.knownField(sobject, path);
    const name = path.slice(0, dot).toLowerCase();
    const [relationship, link] =
      Object.entries(RELATIONSHIPS[sobject] ?? {}).find(([r]) => r.toLowerCase() === name) ?? [];
    const field = link && this.knownField(link.to, path.slice(dot + 1));
    return field ? `${relationship}.${field}` : undefined;
  }

  /** A record as the REST API returns it: `attributes` first, then the fields asked for. */
  private shape(sobject: SObjectType, record: SalesforceRecord, fields: string[]): Record<string, unknown> {
    const shaped: Record<string, unknown> = {
      attributes: {
        type: sobject,
        url: `/services/data/v${this.apiVersion}/sobjects/${sobject}/${record.Id}`,
      },
    };
    for (const field of fields) {
      const [first, second] = field.split('.') as [string, string | undefined];
      if (second === undefined) {
        shaped[first] = record[first] ?? null;
        continue;
      }
      // A relationship field: the related record as an object of its own (null when there is none).
      const found = this.related(sobject, record, first);
      if (!found) {
        shaped[first] = null;
        continue;
      }
      const related = (shaped[first] as Record<string, unknown> | null | undefined) ?? {
        attributes: {
          type: found.to,
          url: `/services/data/v${this.apiVersion}/sobjects/${found.to}/${found.record.Id}`,
        },
      };
      related[second] = found.record[second] ?? null;
      shaped[first] = related;
    }
    return shaped;
  }

  /** The canonical name of a field of `sobject` (Salesforce field names are case-insensitive), if it exists. */
  private knownField(sobject: SObjectType, name: string): string | undefined {
    // A multi-currency org's records carry their currency (the fake models it on Opportunity only).
    const currency = sobject === 'Opportunity' && this.org.multiCurrency ? ['CurrencyIsoCode'] : [];
    const standard = STANDARD_FIELDS[sobject];
    const all = standard
      ? [...standard, ...currency, ...this.custom(sobject)]
      : ORG_FIELDS[sobject as OrgObject];
    return all.find((field) => field.toLowerCase() === name.toLowerCase());
  }

  /**
   * The fields a create or update of `sobject` writes, in their canonical spelling: each known, not read-only, a value
   * JSON carries, and passing `check`; else the refusal, for the first field that fails.
   */
  private writes(
    request: Incoming,
    sobject: SObjectType,
    readOnly: string[],
    check: (field: string, value: SalesforceValue) => Answer | undefined = () => undefined,
  ): { fields: SalesforceRecord } | { answer: Answer } {
    if (request.jsonError !== undefined)
      return { answer: sfError(400, 'JSON_PARSER_ERROR', request.jsonError) };
    if (!isObject(request.body)) {
      const message = 'Cannot deserialize instance of sObject from a non-object body';
      return { answer: sfError(400, 'JSON_PARSER_ERROR', message) };
    }
    const fields: SalesforceRecord = {};
    for (const [name, value] of Object.entries(request.body)) {
      const field = this.knownField(sobject, name);
      const answer = !field
        ? sfError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${sobject}`)
        : readOnly.includes(field)
          ? this.readOnly(field)
          : !isSalesforceValue(value)
            ? this.cannotDeserialize(field, value)
            : check(field, value);
      if (answer) return { answer };
      fields[field as string] = value as SalesforceValue;
    }
    return { fields };
  }

  private readOnly(field: string): Answer {
    return sfError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      [field],
    );
  }

  private cannotDeserialize(field: string, value: unknown): Answer {
    return sfError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${field === 'ActivityDate' ? 'date' : 'string'} from ${JSON.stringify(value)} at [line:1] for field ${field}`,
    );
  }

  /** A fresh 15-character id with Salesforce's key prefix: prefix + a pod ('Hs') + a base-62 sequence. */
  private nextId15(prefix: string): string {
    this.sequence += 1;
    let n = this.sequence;
    let digits = '';
    while (n > 0) {
      digits = BASE62.charAt(n % 62) + digits;
      n = Math.floor(n / 62);
    }
    return `${prefix}Hs${digits.padStart(10, '0')}`;
  }
}
