/**
 * A fake HubSpot CRM (v3 API) for integration tests: companies (search, with an owner), deals (read, batch read,
 * update, list, search, associated with a company), the deal pipeline, notes (create with an association to a deal,
 * search) and owners (read by id, list: fakeHubspotOwners.ts). Search is fakeHubspotSearch.ts, with its limits. It records every request, answers in HubSpot's shapes
 * (`{ status: 'error', message, correlationId, category }` errors, string property values), enforces the private
 * app's rate limits (ten-second rolling window, search per second) and the batch and search limits, models search's
 * eventual consistency (`searchLagMs`), and can inject failures.
 *
 *   const fake = await FakeHubspot.start();
 *   const dealId = fake.addDeal({ name: 'Acme renewal' });
 *   const client = new Client({ accessToken: fake.accessToken, basePath: fake.apiUrl, numberOfApiCallRetries: 0 });
 *   await client.crm.deals.basicApi.getById(dealId, ['dealname', 'dealstage']);
 *   fake.closeDeal(dealId, { won: true });
 *   const ownerId = fake.addOwner({ email: 'jordan@example.com', firstName: 'Jordan', lastName: 'Lee' });
 *   fake.addCompany({ name: 'Northwind Logistics', domain: 'northwind.com', ownerId });
 *   await fake.stop();
 */
import { randomUUID } from 'node:crypto';
import {
  type Answer,
  FakeRestServer,
  type Incoming,
  isObject,
  type RecordedRequest,
  type RestFailure,
} from './fakeHttp.js';
import { FakeCurrencies } from './fakeHubspotCurrencies.js';
import { FakeOwners, type NewOwner } from './fakeHubspotOwners.js';
import { ALL_SCOPES, missingScopesBody, requiredScopes } from './fakeHubspotScopes.js';
import { parseSearch, type Searchable, search } from './fakeHubspotSearch.js';
import { canonicalPath, type ValidationRule, ValidationRules } from './fakeHubspotVersions.js';

/** Property values as HubSpot returns them: always strings, or null when unset. */
export type HubspotProperties = Record<string, string | null>;

export interface FakeHubspotOptions {
  /** The private app's access token; default 'pat-na1-fake-token'. */
  accessToken?: string;
  /** Requests allowed in any rolling 10 s (private apps: 100 on Free/Starter, 190 on Pro/Enterprise); default 100. */
  tenSecondLimit?: number;
  /** Search requests allowed in any rolling second (HubSpot's separate search limit); default 5. */
  searchPerSecondLimit?: number;
  /**
   * Search is eventually consistent: a note created less than this long ago (by `now`) is not found yet. Default 0.
   */
  searchLagMs?: number;
  /** The clock (ms since the epoch) for rate windows, search lag and timestamps; default Date.now. */
  now?: () => number;
  /** The scopes granted to the token (fakeHubspotScopes.ts); default every scope docs/crm.md asks for. */
  scopes?: readonly string[];
}

/** One HTTP request the fake received. */
export type HubspotRequest = RecordedRequest;

/**
 * Without `body`, an injected `status` answers a HubSpot error object (429: the ten-secondly rate-limit one);
 * `category` replaces the status's usual one, `message` its message.
 */
export interface HubspotFailure extends RestFailure {
  category?: string;
}

export interface NewDeal {
  /** A numeric string; generated (10000000001 upward) when omitted. */
  id?: string;
  name: string;
  /** A stage id of the default pipeline; default 'appointmentscheduled'. */
  stage?: string;
  amount?: number | string | null;
  /** The company it is associated with (an id `addCompany` gave); none by default. */
  companyId?: string;
  /**
   * When it was created: 'YYYY-MM-DD' (that day at noon UTC, the same day from UTC-12 to UTC+11: the app reads the
   * day in the author's zone) or an ISO datetime; default the fake's now.
   */
  createdAt?: string;
  /** 'YYYY-MM-DD' or an ISO datetime; unset by default. */
  closeDate?: string;
  /** Its currency (`deal_currency_code`); unset by default (the company currency). */
  currency?: string;
  /** Its owner (`hubspot_owner_id`: an id `addOwner` gave); none by default. */
  ownerId?: string;
}

export interface NewCompany {
  name: string;
  /** The company's domain as HubSpot keeps it ('litware.example'); none by default. */
  domain?: string | null;
  /** Its owner (`hubspot_owner_id`: an id `addOwner` gave); none by default. */
  ownerId?: string;
}

/** A deal (or a company) as the fake stores it. */
export interface FakeHubspotDeal {
  id: string;
  properties: HubspotProperties;
  createdAt: number;
  updatedAt: number;
}
type StoredObject = FakeHubspotDeal;

/** A note as the fake stores it, with the ids of the deals it is associated with. */
export interface FakeHubspotNote extends StoredObject {
  dealIds: string[];
}
type StoredNote = FakeHubspotNote;

interface StoredDeal extends StoredObject {
  companyIds: string[];
}

/** The default deal pipeline of a new HubSpot account. */
const DEAL_STAGES = [
  { id: 'appointmentscheduled', label: 'Appointment Scheduled', isClosed: false, probability: '0.2' },
  { id: 'qualifiedtobuy', label: 'Qualified To Buy', isClosed: false, probability: '0.4' },
  { id: 'presentationscheduled', label: 'Presentation Scheduled', isClosed: false, probability: '0.6' },
  { id: 'decisionmakerboughtin', label: 'Decision Maker Bought-In', isClosed: false, probability: '0.8' },
  { id: 'contractsent', label: 'Contract Sent', isClosed: false, probability: '0.9' },
  { id: 'closedwon', label: 'Closed Won', isClosed: true, probability: '1.0' },
  { id: 'closedlost', label: 'Closed Lost', isClosed: true, probability: '0.0' },
];

const names = (list: string): string[] => list.split(' ');
/** Deal properties an API call may write; the calculated ones HubSpot maintains itself. */
const DEAL_WRITABLE = names(
  'dealname dealtype deal_currency_code dealstage pipeline amount closedate description hubspot_owner_id',
);
const DEAL_CALCULATED = names(
  'amount_in_home_currency hs_is_closed hs_is_closed_won hs_object_id createdate hs_lastmodifieddate',
);
/** What a deal read without `properties` returns. */
const DEAL_DEFAULT_PROPERTIES = names(
  'amount closedate createdate dealname dealstage hs_lastmodifieddate hs_object_id pipeline',
);
/** Always in a deal's `properties`, whatever was asked. */
const DEAL_ALWAYS = names('createdate hs_lastmodifieddate hs_object_id');

const NOTE_WRITABLE = ['hs_timestamp', 'hs_note_body', 'hubspot_owner_id', 'hs_attachment_ids'];
const NOTE_CALCULATED = ['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'];
/** Notes are engagements: their creation date property is `hs_createdate`, not `createdate`. */
const NOTE_ALWAYS = ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'];
/** hs_note_body holds at most this many characters. */
const NOTE_BODY_MAX = 65_536;

const COMPANY_DEFAULT_PROPERTIES = ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'];
const COMPANY_ALWAYS = ['createdate', 'hs_lastmodifieddate', 'hs_object_id'];

/** HubSpot-defined association type of note → deal. */
const NOTE_TO_DEAL = 214;
/** HubSpot-defined association type of deal → company. */
const DEAL_TO_COMPANY = 5;
const BATCH_MAX = 100;
const LIST_LIMIT_MAX = 100;
const TEN_SECONDS = 10_000;
/** The private app's id in rate-limit answers' `groupName`. */
const APP_ID = '4242424';

/** A request as the handlers see it, with the API version its path named: 'v3' (or v4, v1) or a date ('2026-09'). */
type Versioned = Incoming & { version?: string };

type ObjectType = 'deals' | 'notes' | 'companies';

type HubspotError = {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  [key: string]: unknown;
};

const hsError = (
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): Answer => {
  const body: HubspotError = { status: 'error', message, correlationId: randomUUID(), category, ...extra };
  return { status, body };
};

const validationError = (message: string, extra: Record<string, unknown> = {}): Answer =>
  hsError(400, 'VALIDATION_ERROR', message, extra);

const notFound = (path: string): Answer =>
  hsError(404, 'OBJECT_NOT_FOUND', `Unable to route ${path}: no such endpoint`);

/** The category HubSpot uses for an injected bare status, so clients map it as they would a real one. */
const INJECTED_CATEGORY: Record<number, string> = {
  400: 'VALIDATION_ERROR',
  401: 'INVALID_AUTHENTICATION',
  403: 'MISSING_SCOPES',
  404: 'OBJECT_NOT_FOUND',
  409: 'CONFLICT',
};

const iso = (ms: number): string => new Date(ms).toISOString();

/** HubSpot stores every property value as a string. */
function propertyString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

/** `properties=a,b` and `properties=a&properties=b` both name properties. */
function propertiesParam(params: URLSearchParams): string[] | undefined {
  const values = params.getAll('properties');
  if (values.length === 0) return undefined;
  return values
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** HubSpot's refusal of one property value: `message` in the summary, `detail` (default the same) in its error. */
function propertyError(message: string, code: string, propertyName: string, detail = message): Answer {
  return validationError(`Property values were not valid: ${message}`, {
    errors: [{ message: detail, code, context: { propertyName: [propertyName] } }],
  });
}

/** The refusal of a property an object type does not have, or that HubSpot calculates itself. */
function unwritable(name: string, known: boolean): Answer {
  if (!known) return propertyError(`Property "${name}" does not exist`, 'PROPERTY_DOESNT_EXIST', name);
  return propertyError(`"${name}" is a calculated property and cannot be set`, 'READ_ONLY_VALUE', name);
}

export class FakeHubspot extends FakeRestServer<HubspotFailure> {
  /** Starts a fake HubSpot API on 127.0.0.1 and a free port. */
  static start(options: FakeHubspotOptions = {}): Promise<FakeHubspot> {
    return new FakeHubspot(options).listen();
  }

  readonly accessToken: string;
  readonly tenSecondLimit: number;
  readonly searchPerSecondLimit: number;
  private readonly searchLagMs: number;
  private readonly scopes: readonly string[];
  private readonly startedAt: number;
  private readonly deals = new Map<string, StoredDeal>();
  private readonly companies = new Map<string, StoredObject>();
  private readonly owners: FakeOwners;
  /** The company currency and the dated exchange rates (settings API, fakeHubspotCurrencies.ts). */
  readonly currencies: FakeCurrencies;
  /** The account's validation rules, enforced on 2026-09 writes (fakeHubspotVersions.ts). */
  private readonly rules = new ValidationRules();
  private nextCompanyId = 20_000_000_001;
  private readonly storedNotes = new Map<string, StoredNote>();
  private readonly customDealProperties: string[] = [];
  private nextDealId = 10_000_000_001;
  private nextNoteId = 50_000_000_001;
  /** Arrival times of requests let through, for the rolling windows. */
  private recent: number[] = [];
  private recentSearches: number[] = [];
  private batchReads = 0;

  private constructor(options: FakeHubspotOptions) {
    super('fakeHubspot', {
      types: { text: 'text/plain; charset=utf-8', json: 'application/json;charset=utf-8' },
      forms: false,
      now: options.now ?? Date.now,
    });
    this.accessToken = options.accessToken ?? 'pat-na1-fake-token';
    this.tenSecondLimit = options.tenSecondLimit ?? 100;
    this.searchPerSecondLimit = options.searchPerSecondLimit ?? 5;
    this.searchLagMs = options.searchLagMs ?? 0;
    this.scopes = options.scopes ?? ALL_SCOPES;
    this.startedAt = this.now();
    this.owners = new FakeOwners(this.now, () => this.origin);
    this.currencies = new FakeCurrencies(this.now);
  }

  /** Base URL to pass as the client's `basePath` (no trailing slash). */
  get apiUrl(): string {
    return this.origin;
  }

  /** How many batch-read requests reached the fake (to assert "one read for all"). */
  get batchReadCount(): number {
    return this.batchReads;
  }

  /** Adds a deal to the default pipeline; returns its id. */
  addDeal(deal: NewDeal): string {
    const id = deal.id ?? String(this.nextDealId++);
    if (!/^\d+$/.test(id)) throw new Error(`HubSpot object ids are numeric: ${id}`);
    const stage = deal.stage ?? 'appointmentscheduled';
    const now = this.now();
    const at = (value: string) => Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
    const created = deal.createdAt
      ? Date.parse(deal.createdAt.length === 10 ? `${deal.createdAt}T12:00:00Z` : deal.createdAt)
      : now;
    if (deal.companyId !== undefined && !this.companies.has(deal.companyId)) {
      throw new Error(`no company ${deal.companyId}`);
    }
    const properties: HubspotProperties = {};
    for (const name of [...DEAL_WRITABLE, ...this.customDealProperties]) properties[name] = null;
    Object.assign(properties, {
      dealname: deal.name,
      dealstage: stage,
      pipeline: 'default',
      amount: propertyString(deal.amount),
      closedate: deal.closeDate ? iso(at(deal.closeDate)) : null,
      deal_currency_code: deal.currency ?? null,
      hubspot_owner_id: deal.ownerId ?? null,
      createdate: iso(created),
      hs_lastmodifieddate: iso(now),
      hs_object_id: id,
      ...this.closedProperties(stage),
    });
    properties.amount_in_home_currency = this.homeAmount(properties);
    const companyIds = deal.companyId ? [deal.companyId] : [];
    this.deals.set(id, { id, properties, createdAt: created, updatedAt: now, companyIds });
    return id;
  }

  /** Adds a company; returns its id. */
  addCompany(company: NewCompany): string {
    if (company.ownerId !== undefined && !this.owners.has(company.ownerId))
      throw new Error(`no owner ${company.ownerId}`);
    const id = String(this.nextCompanyId++);
    const now = this.now();
    const properties: HubspotProperties = {
      name: company.name,
      domain: company.domain ?? null,
      hubspot_owner_id: company.ownerId ?? null,
      createdate: iso(now),
      hs_lastmodifieddate: iso(now),
      hs_object_id: id,
    };
    this.companies.set(id, { id, properties, createdAt: now, updatedAt: now });
    return id;
  }

  /** Adds an owner (a user records can be assigned to); returns its id, for `addCompany`'s `ownerId`. */
  addOwner(owner: NewOwner): string {
    return this.owners.add(owner);
  }

  /** Deactivates an owner's user: companies keep its id, and a read of it by id answers 404 (as HubSpot's). */
  archiveOwner(id: string): void {
    this.owners.archive(id);
  }

  /** Moves a deal to closedwon / closedlost (and the calculated hs_is_closed, hs_is_closed_won with it). */
  closeDeal(id: string, outcome: { won: boolean }): void {
    const deal = this.deals.get(id);
    if (!deal) throw new Error(`no deal ${id}`);
    const stage = outcome.won ? 'closedwon' : 'closedlost';
    this.touch(deal, { dealstage: stage, ...this.closedProperties(stage) });
  }

  /**
   * Changes a deal as a person in HubSpot would (amount, currency, stage, close date, owner, deal type): no API call
   * is recorded, and the calculated properties follow.
   */
  setDeal(id: string, changes: HubspotProperties): void {
    const deal = this.deals.get(id);
    if (!deal) throw new Error(`no deal ${id}`);
    const stage = changes.dealstage;
    this.touch(deal, { ...changes, ...(stage ? this.closedProperties(stage) : {}) });
  }

  /**
   * An admin's validation rule (HubSpot enforces them on 2026-09 writes only): `property` is required on a write of
   * `object` (when `when.property` has one of `when.values`, a conditional rule; else on creation, the Create Record
   * form's). A refused write answers 400 VALIDATION_ERROR naming the property.
   */
  addValidationRule(rule: ValidationRule): void {
    this.rules.add(rule);
  }

  /** One deal (a copy), or undefined. */
  deal(id: string): FakeHubspotDeal | undefined {
    const deal = this.deals.get(id);
    return deal && structuredClone(deal);
  }

  /** Registers a custom deal property: writes may then set it. Existing deals get it as null. */
  addDealProperty(name: string): void {
    if (this.dealPropertyKnown(name)) return;
    this.customDealProperties.push(name);
    for (const deal of this.deals.values()) deal.properties[name] = null;
  }

  /** Every deal, in creation order (copies, with the companies each is associated with). */
  allDeals(): (FakeHubspotDeal & { companyIds: string[] })[] {
    return [...this.deals.values()].map((deal) => structuredClone(deal));
  }

  /** Every note, in creation order (copies). */
  notes(): FakeHubspotNote[] {
    return [...this.storedNotes.values()].map((note) => structuredClone(note));
  }

  /** Forgets calls, failures, deals, companies, owners, notes, counters and the rate windows; keeps custom properties. */
  override reset(): void {
    super.reset();
    this.deals.clear();
    this.companies.clear();
    this.owners.clear();
    this.storedNotes.clear();
    this.recent = [];
    this.recentSearches = [];
    this.batchReads = 0;
    this.rules.clear();
    this.currencies.reset();
  }

  // -------------------------------------------------------------------------------------------------------------
  // What HubSpot does with a request.

  /** An injected bare status answers HubSpot's error object (429: the ten-secondly rate limit's own). */
  protected injectedAnswer(status: number, failure: HubspotFailure): Answer {
    return status === 429 && failure.category === undefined
      ? this.rateLimited('ten_secondly_rolling', 'TEN_SECONDLY_ROLLING')
      : hsError(
          status,
          failure.category ?? INJECTED_CATEGORY[status] ?? 'INTERNAL_ERROR',
          failure.message ?? `fake hubspot: injected HTTP ${status}`,
        );
  }

  protected process(asked: Incoming): Answer {
    // The date-versioned paths (`/crm/objects/2026-09/deals`) and the v3 ones reach the same handlers; which version
    // was asked decides what it enforces (validation rules: 2026-09 only).
    const canonical = canonicalPath(asked.path);
    const request: Versioned = { ...asked, path: canonical.path, version: canonical.version };
    if (request.token !== this.accessToken) {
      return hsError(
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
    }
    const needed = requiredScopes(request.method, request.path);
    if (needed.length > 0 && !needed.some((scope) => this.scopes.includes(scope)))
      return { status: 403, body: missingScopesBody(needed, randomUUID()) };
    const now = this.now();
    this.recent = this.recent.filter((at) => now - at < TEN_SECONDS);
    if (this.recent.length >= this.tenSecondLimit) {
      return {
        ...this.rateLimited('ten_secondly_rolling', 'TEN_SECONDLY_ROLLING'),
        headers: this.limitHeaders(),
      };
    }
    const isSearch = request.method === 'POST' && /^\/crm\/v3\/objects\/[^/]+\/search$/.test(request.path);
    if (isSearch) {
      this.recentSearches = this.recentSearches.filter((at) => now - at < 1000);
      if (this.recentSearches.length >= this.searchPerSecondLimit) {
        return { ...this.rateLimited('secondly', 'SECONDLY'), headers: this.limitHeaders() };
      }
      this.recentSearches.push(now);
    }
    this.recent.push(now);
    const answer = this.route(request);
    return { ...answer, headers: { ...answer.headers, ...this.limitHeaders() } };
  }

  private rateLimited(limitName: string, policyName: string): Answer {
    return {
      status: 429,
      body: {
        status: 'error',
        message: `You have reached your ${limitName} limit.`,
        errorType: 'RATE_LIMIT',
        correlationId: randomUUID(),
        policyName,
        groupName: `publicapi:private-app:${APP_ID}`,
      },
    };
  }

  private limitHeaders(): Record<string, string> {
    return {
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(TEN_SECONDS),
      'X-HubSpot-RateLimit-Max': String(this.tenSecondLimit),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, this.tenSecondLimit - this.recent.length)),
    };
  }

  private route(request: Versioned): Answer {
    const { method, path } = request;
    const parts = path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    const [crm, v3, kind, type, id, action] = parts;
    if (crm === 'settings' && v3 === 'currencies') {
      const answer = this.currencies.route(method, parts.slice(2), request.url.searchParams);
      if (!answer) return notFound(path);
      return answer.status === 200 ? answer : hsError(answer.status, answer.category, answer.message);
    }
    if (crm !== 'crm' || v3 !== 'v3') return notFound(path);
    if (kind === 'pipelines' && type === 'deals') {
      if (method !== 'GET' || parts.length > 4) return notFound(path);
      if (id === undefined) return { status: 200, body: { results: [this.pipeline()] } };
      return id === 'default' ? { status: 200, body: this.pipeline() } : this.objectNotFound(id);
    }
    if (kind === 'owners') {
      const answer = this.owners.route(method, parts.slice(3), request.url.searchParams);
      if (!answer) return notFound(path);
      return answer.status === 200 ? answer : hsError(answer.status, answer.category, answer.message);
    }
    if (kind !== 'objects' || (type !== 'deals' && type !== 'notes' && type !== 'companies')) {
      return notFound(path);
    }
    if (request.jsonError !== undefined) {
      return validationError(`Invalid input JSON on line 1: ${request.jsonError}`);
    }
    if (parts.length === 5 && id === 'search' && method === 'POST')
      return this.searchObjects(type, request.body);
    if (type === 'companies') {
      if (parts.length === 4 && method === 'GET')
        return this.listObjects('companies', request.url.searchParams);
      return notFound(path);
    }
    if (type === 'deals') {
      if (parts.length === 4 && method === 'GET') return this.listObjects('deals', request.url.searchParams);
      if (parts.length === 4 && method === 'POST') return this.createDeal(request.body, request.version);
      if (parts.length === 6 && id === 'batch' && action === 'read' && method === 'POST') {
        return this.batchReadDeals(request.body);
      }
      if (parts.length === 5 && id !== undefined && id !== 'batch' && id !== 'search') {
        if (method === 'GET') return this.getDeal(id, request.url.searchParams);
        if (method === 'PATCH') return this.updateDeal(id, request.body, request.version);
      }
      return notFound(path);
    }
    if (parts.length === 4 && method === 'POST') return this.createNote(request.body, request.version);
    if (parts.length === 4 && method === 'GET') return this.listObjects('notes', request.url.searchParams);
    return notFound(path);
  }

  private objectNotFound(id: string): Answer {
    return hsError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', {
      context: { id: [id] },
    });
  }

  private pipeline(): Record<string, unknown> {
    const at = iso(this.startedAt);
    return {
      id: 'default',
      label: 'Sales Pipeline',
      displayOrder: 0,
      archived: false,
      createdAt: at,
      updatedAt: at,
      stages: DEAL_STAGES.map((stage, displayOrder) => ({
        id: stage.id,
        label: stage.label,
        displayOrder,
        metadata: { isClosed: String(stage.isClosed), probability: stage.probability },
        archived: false,
        createdAt: at,
        updatedAt: at,
        writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
      })),
    };
  }

  /** A CRM object as the API returns it, with the properties asked for (or the defaults). */
  private objectJson(
    object: StoredObject,
    asked: string[] | undefined,
    defaults: string[],
    always: string[],
  ): Record<string, unknown> {
    const properties: HubspotProperties = {};
    // Properties the object type does not have are left out silently, as HubSpot does.
    for (const name of [...(asked ?? defaults), ...always]) {
      if (name in object.properties) properties[name] = object.properties[name] ?? null;
    }
    return {
      id: object.id,
      properties,
      createdAt: iso(object.createdAt),
      updatedAt: iso(object.updatedAt),
      archived: false,
    };
  }

  private dealJson(deal: StoredObject, asked: string[] | undefined): Record<string, unknown> {
    return this.objectJson(deal, asked, DEAL_DEFAULT_PROPERTIES, DEAL_ALWAYS);
  }

  private noteJson(note: StoredObject, asked: string[] | undefined): Record<string, unknown> {
    return this.objectJson(note, asked, [], NOTE_ALWAYS);
  }

  /** GET /crm/v3/objects/{deals|companies|notes}: a page of the list (`limit`, default 10, at most 100; `after`). */
  private listObjects(type: ObjectType, params: URLSearchParams): Answer {
    const limit = Math.min(Number(params.get('limit') ?? 10) || 10, LIST_LIMIT_MAX);
    const start = Number(params.get('after') ?? 0) || 0;
    const all = [...this.stored(type).values()];
    const asked = propertiesParam(params);
    const body: Record<string, unknown> = {
      results: all.slice(start, start + limit).map((o) => this.json(type, o, asked)),
    };
    if (start + limit < all.length) {
      const after = String(start + limit);
      body.paging = { next: { after, link: `${this.origin}/crm/v3/objects/${type}?after=${after}` } };
    }
    return { status: 200, body };
  }

  private stored(type: ObjectType): ReadonlyMap<string, StoredObject> {
    return type === 'deals' ? this.deals : type === 'notes' ? this.storedNotes : this.companies;
  }

  /** An object of a type as the API returns it, with the properties asked for (or the type's defaults). */
  private json(type: ObjectType, o: StoredObject, asked: string[] | undefined): Record<string, unknown> {
    if (type === 'deals') return this.dealJson(o, asked);
    if (type === 'notes') return this.noteJson(o, asked);
    return this.objectJson(o, asked, COMPANY_DEFAULT_PROPERTIES, COMPANY_ALWAYS);
  }

  private getDeal(id: string, params: URLSearchParams): Answer {
    const deal = this.deals.get(id);
    if (!deal) return this.objectNotFound(id);
    return { status: 200, body: this.dealJson(deal, propertiesParam(params)) };
  }

  private batchReadDeals(body: unknown): Answer {
    this.batchReads += 1;
    const startedAt = iso(this.now());
    if (!isObject(body) || !Array.isArray(body.inputs)) {
      return validationError('Invalid input JSON: inputs is required');
    }
    if (body.inputs.length > BATCH_MAX)
      return validationError(`Batch input cannot exceed ${BATCH_MAX} objects`);
    const ids: string[] = [];
    for (const input of body.inputs) {
      if (!isObject(input) || (typeof input.id !== 'string' && typeof input.id !== 'number')) {
        return validationError('Invalid input JSON: every input needs an id');
      }
      const id = String(input.id);
      if (!ids.includes(id)) ids.push(id);
    }
    const asked = Array.isArray(body.properties)
      ? body.properties.filter((p): p is string => typeof p === 'string')
      : undefined;
    const results = ids.flatMap((id) => {
      const deal = this.deals.get(id);
      return deal ? [this.dealJson(deal, asked)] : [];
    });
    const missing = ids.filter((id) => !this.deals.has(id));
    const completedAt = iso(this.now());
    if (missing.length === 0)
      return { status: 200, body: { status: 'COMPLETE', results, startedAt, completedAt } };
    return {
      status: 207,
      body: {
        status: 'COMPLETE',
        results,
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message:
              'Could not get some DEAL objects, they may be deleted or not exist. Check that ids are valid.',
            context: { ids: missing },
          },
        ],
        startedAt,
        completedAt,
      },
    };
  }

  private updateDeal(id: string, body: unknown, version?: string): Answer {
    const deal = this.deals.get(id);
    if (!deal) return this.objectNotFound(id);
    if (!isObject(body) || !isObject(body.properties)) {
      return validationError('Invalid input JSON: properties is required');
    }
    const changes: HubspotProperties = {};
    for (const [name, value] of Object.entries(body.properties)) {
      if (!this.dealPropertyKnown(name) || DEAL_CALCULATED.includes(name))
        return unwritable(name, this.dealPropertyKnown(name));
      const text = propertyString(value);
      if (name === 'dealstage' && !DEAL_STAGES.some((s) => s.id === text)) {
        const allowed = DEAL_STAGES.map((s) => s.id).join(', ');
        const message = `${text} was not one of the allowed options`;
        return propertyError(message, 'INVALID_OPTION', name, `${message}: [${allowed}]`);
      }
      changes[name] = text;
    }
    const refused =
      version === '2026-09'
        ? this.rules.refusal('deals', 'update', { ...deal.properties, ...changes })
        : undefined;
    if (refused) return { status: 400, body: refused };
    const stage = changes.dealstage;
    this.touch(deal, { ...changes, ...(stage ? this.closedProperties(stage) : {}) });
    // The answer carries what was written (plus the calculated ones), as HubSpot's does.
    return { status: 200, body: this.dealJson(deal, Object.keys(changes)) };
  }

  /**
   * POST /crm/v3/objects/deals: the properties checked as an update's are (known, writable, a stage of the pipeline),
   * `associations` to companies (HUBSPOT_DEFINED type 5); 201 with id, properties, createdAt, as HubSpot answers.
   */
  private createDeal(body: unknown, version?: string): Answer {
    if (!isObject(body) || !isObject(body.properties)) {
      return validationError('Invalid input JSON: properties is required');
    }
    const companyIds = this.associationTargets(body.associations, this.companies, DEAL_TO_COMPANY);
    if (!companyIds) return validationError('One or more associations are invalid');
    const id = this.addDeal({ name: '' });
    const deal = this.deals.get(id) as StoredDeal;
    const answer = this.updateDeal(id, { properties: body.properties }, version);
    if (answer.status !== 200) {
      this.deals.delete(id);
      this.nextDealId -= 1;
      return answer;
    }
    deal.companyIds = companyIds;
    return { status: 201, body: this.dealJson(deal, Object.keys(body.properties)) };
  }

  private createNote(body: unknown, version?: string): Answer {
    if (!isObject(body) || !isObject(body.properties)) {
      return validationError('Invalid input JSON: properties is required');
    }
    const properties: HubspotProperties = {};
    for (const [name, value] of Object.entries(body.properties)) {
      if (!this.notePropertyKnown(name) || NOTE_CALCULATED.includes(name))
        return unwritable(name, this.notePropertyKnown(name));
      properties[name] = propertyString(value);
    }
    const timestamp = properties.hs_timestamp;
    if (timestamp === undefined || timestamp === null || timestamp === '') {
      const detail = 'Property "hs_timestamp" is required';
      return propertyError('hs_timestamp is required', 'REQUIRED_PROPERTY', 'hs_timestamp', detail);
    }
    // HubSpot takes epoch milliseconds or an ISO 8601 datetime, and answers ISO.
    const ms = /^\d+$/.test(timestamp) ? Number(timestamp) : Date.parse(timestamp);
    if (Number.isNaN(ms)) {
      return propertyError(`${timestamp} is not a valid datetime`, 'INVALID_DATE', 'hs_timestamp');
    }
    properties.hs_timestamp = iso(ms);
    const noteBody = properties.hs_note_body;
    if (noteBody && noteBody.length > NOTE_BODY_MAX) {
      const limit = `is longer than ${NOTE_BODY_MAX} characters`;
      const detail = `Property "hs_note_body" ${limit}`;
      return propertyError(`hs_note_body ${limit}`, 'INVALID_STRING_LENGTH', 'hs_note_body', detail);
    }
    const dealIds = this.associationTargets(body.associations, this.deals, NOTE_TO_DEAL);
    if (!dealIds) return validationError('One or more associations are invalid');
    const refused = version === '2026-09' ? this.rules.refusal('notes', 'create', properties) : undefined;
    if (refused) return { status: 400, body: refused };
    const now = this.now();
    const id = String(this.nextNoteId++);
    const note: StoredNote = {
      id,
      properties: { ...properties, hs_createdate: iso(now), hs_lastmodifieddate: iso(now), hs_object_id: id },
      dealIds,
      createdAt: now,
      updatedAt: now,
    };
    this.storedNotes.set(id, note);
    return { status: 201, body: this.noteJson(note, Object.keys(properties)) };
  }

  /**
   * The target ids of a create's `associations` (each once: a new deal's companies, a note's deals), or undefined
   * when any is invalid: a target not in `known`, or a type other than HubSpot's own `typeId`.
   */
  private associationTargets(
    associations: unknown,
    known: ReadonlyMap<string, unknown>,
    typeId: number,
  ): string[] | undefined {
    if (associations === undefined) return [];
    if (!Array.isArray(associations)) return undefined;
    const ids: string[] = [];
    for (const association of associations) {
      if (!isObject(association) || !isObject(association.to) || !Array.isArray(association.types))
        return undefined;
      const to = association.to.id;
      const id = typeof to === 'string' || typeof to === 'number' ? String(to) : undefined;
      if (!id || !known.has(id)) return undefined;
      const typesValid =
        association.types.length > 0 &&
        association.types.every(
          (t) =>
            isObject(t) &&
            t.associationCategory === 'HUBSPOT_DEFINED' &&
            Number(t.associationTypeId) === typeId,
        );
      if (!typesValid) return undefined;
      if (!ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  /**
   * Search of companies, deals or notes (fakeHubspotSearch.ts). Search is eventually consistent: an object created
   * less than `searchLagMs` ago is not found yet.
   */
  private searchObjects(type: ObjectType, body: unknown): Answer {
    const association =
      type === 'deals' ? ['associations.company'] : type === 'notes' ? ['associations.deal'] : [];
    const request = parseSearch(body, association);
    if ('error' in request) return validationError(request.error);
    const visibleSince = this.now() - this.searchLagMs;
    const objects: (Searchable & { stored: StoredObject })[] = [];
    if (type === 'deals')
      for (const d of this.deals.values())
        objects.push({ ...d, stored: d, associations: { company: d.companyIds } });
    if (type === 'notes')
      for (const n of this.storedNotes.values())
        objects.push({ ...n, stored: n, associations: { deal: n.dealIds } });
    if (type === 'companies')
      for (const c of this.companies.values()) objects.push({ ...c, stored: c, associations: {} });
    const { total, page, next } = search(
      objects.filter((o) => o.createdAt <= visibleSince),
      request,
    );
    const answer: Record<string, unknown> = {
      total,
      results: page.map((o) => this.json(type, o.stored, request.properties)),
    };
    if (next !== undefined) {
      answer.paging = {
        next: { after: String(next), link: `${this.origin}/crm/v3/objects/${type}/search?after=${next}` },
      };
    }
    return { status: 200, body: answer };
  }

  private touch(object: StoredObject, changes: HubspotProperties): void {
    const now = this.now();
    Object.assign(object.properties, changes, { hs_lastmodifieddate: iso(now) });
    if (this.deals.get(object.id) === object)
      object.properties.amount_in_home_currency = this.homeAmount(object.properties);
    object.updatedAt = now;
  }

  /** HubSpot's `amount_in_home_currency`: the amount at the deal currency's latest rate (as of its close date, if any). */
  private homeAmount(p: HubspotProperties): string | null {
    if (p.amount === null || p.amount === undefined || p.amount === '') return null;
    const on = p.closedate ? Date.parse(p.closedate) : this.now();
    const rate = this.currencies.rateOn(p.deal_currency_code ?? null, on);
    return rate === undefined ? null : String(Number(p.amount) * rate);
  }

  /** The calculated closed flags of a stage of the default pipeline. */
  private closedProperties(stage: string): HubspotProperties {
    const known = DEAL_STAGES.find((s) => s.id === stage);
    return {
      hs_is_closed: String(known?.isClosed ?? false),
      hs_is_closed_won: String(stage === 'closedwon'),
    };
  }

  private dealPropertyKnown(name: string): boolean {
    return [...DEAL_WRITABLE, ...DEAL_CALCULATED, ...this.customDealProperties].includes(name);
  }

  private notePropertyKnown(name: string): boolean {
    return [...NOTE_WRITABLE, ...NOTE_CALCULATED].includes(name);
  }
}
