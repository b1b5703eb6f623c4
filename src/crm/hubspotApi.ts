import type { Client } from '@hubspot/api-client';
import type { AssociationSpec } from '@hubspot/api-client/lib/codegen/crm/deals/models/AssociationSpec.js';
import type { BatchReadInputSimplePublicObjectId } from '@hubspot/api-client/lib/codegen/crm/deals/models/BatchReadInputSimplePublicObjectId.js';
import type { Filter } from '@hubspot/api-client/lib/codegen/crm/deals/models/Filter.js';
import type { PublicAssociationsForObject } from '@hubspot/api-client/lib/codegen/crm/deals/models/PublicAssociationsForObject.js';
import type { PublicObjectSearchRequest } from '@hubspot/api-client/lib/codegen/crm/deals/models/PublicObjectSearchRequest.js';
import type { SimplePublicObject } from '@hubspot/api-client/lib/codegen/crm/deals/models/SimplePublicObject.js';
import type { SimplePublicObjectInput } from '@hubspot/api-client/lib/codegen/crm/deals/models/SimplePublicObjectInput.js';
import type { PublicOwner } from '@hubspot/api-client/lib/codegen/crm/owners/models/PublicOwner.js';
import type { Pipeline } from '@hubspot/api-client/lib/codegen/crm/pipelines/models/Pipeline.js';
import type { PipelineStage } from '@hubspot/api-client/lib/codegen/crm/pipelines/models/PipelineStage.js';

/**
 * HubSpot's date-versioned APIs, the one place the app builds their paths. @hubspot/api-client 14 builds
 * only v3 and v4 paths; its generic `apiRequest` keeps the token and the base URL, and the request and answer types
 * are the client's own models (the same shapes HubSpot's 2026-09 OpenAPI specs give: test/vendor/hubspot/).
 */
export const HUBSPOT_API_VERSION = '2026-09';

/** The CRM objects the app reads or writes. */
export type HubspotObjectType = 'deals' | 'notes' | 'companies';

/** A model as it crosses the wire: JSON has no dates, only their ISO strings. */
type Wire<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | undefined ? string | undefined : T[K];
};

/** A CRM object as the app reads it (`SimplePublicObject`'s id and properties). */
export type HubspotObject = Pick<SimplePublicObject, 'id' | 'properties'>;

/** A search filter: the client's model, its operator as the string HubSpot takes. */
export type SearchFilter = Omit<Filter, 'operator'> & { operator: `${Filter['operator']}` };

/**
 * A search request: the client's `PublicObjectSearchRequest` (every field the 2026-09 spec requires; `sorts` are
 * property names, `-name` for descending).
 */
export type SearchRequest = Omit<PublicObjectSearchRequest, 'filterGroups' | 'after'> & {
  filterGroups: { filters: SearchFilter[] }[];
  after: string;
  sorts: string[];
  properties: string[];
  limit: number;
};

/** A new object with its associations (`SimplePublicObjectInputForCreate`, the category as a string). */
export interface CreateInput {
  properties: Record<string, string>;
  associations: (Omit<PublicAssociationsForObject, 'types'> & {
    types: (Omit<AssociationSpec, 'associationCategory'> & {
      associationCategory: `${AssociationSpec['associationCategory']}`;
    })[];
  })[];
}

export type HubspotOwner = Wire<PublicOwner>;
export type HubspotPipeline = Wire<Omit<Pipeline, 'stages'>> & { stages: Wire<PipelineStage>[] };

/** The account's company currency (spec `CompanyCurrency`; no model in the client). */
export interface CompanyCurrency {
  id: string;
  createdAt: string;
}

/** One dated rate (spec `ExchangeRate`): `amount in toCurrencyCode = amount in fromCurrencyCode × conversionRate`. */
export interface ExchangeRate {
  id: string;
  fromCurrencyCode: string;
  toCurrencyCode: string;
  conversionRate: number;
  effectiveAt: string;
  createdAt: string;
  updatedAt: string;
  visibleInUI: boolean;
}

export interface Page<T> {
  results: T[];
  paging?: { next?: { after: string; link?: string } };
}

/**
 * An answer other than a 2xx, or a 2xx whose body is not JSON: shaped as the client's `ApiException` (`code` the
 * HTTP status, `body` the text, `headers` lowercased) so failures.ts reads both alike; with what was asked.
 */
export class HubspotHttpError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    readonly headers: Record<string, string>,
    readonly request: { method: string; path: string },
  ) {
    super(`HTTP ${code} from ${request.method} ${request.path}`);
    this.name = 'HubspotHttpError';
  }
}

const V = HUBSPOT_API_VERSION;
const seg = (value: string) => encodeURIComponent(value);

/** The typed calls, each one request. Errors are thrown raw (HubspotHttpError, or fetch's): the caller classifies. */
export function hubspotApi(client: Client) {
  async function request<T>(
    method: string,
    path: string,
    opts: { body?: unknown; qs?: Record<string, string> } = {},
  ): Promise<T> {
    const res = await client.apiRequest({ method, path, ...opts });
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });
    if (!res.ok) throw new HubspotHttpError(res.status, text, headers, { method, path });
    try {
      return JSON.parse(text) as T;
    } catch {
      // A 2xx that is not JSON (a proxy's page, a cut body): failures.ts calls it unreadable.
      throw new HubspotHttpError(res.status, text, headers, { method, path });
    }
  }
  const objects = (type: HubspotObjectType) => `/crm/objects/${V}/${type}`;
  return {
    get: (type: HubspotObjectType, id: string, properties: readonly string[]) =>
      request<HubspotObject>('GET', `${objects(type)}/${seg(id)}`, {
        qs: { properties: properties.join(',') },
      }),
    /** The first `limit` objects (the doctor's harmless read). */
    list: (type: HubspotObjectType, limit: number) =>
      request<Page<HubspotObject>>('GET', objects(type), { qs: { limit: String(limit) } }),
    batchRead: (type: HubspotObjectType, body: BatchReadInputSimplePublicObjectId) =>
      request<Page<HubspotObject>>('POST', `${objects(type)}/batch/read`, { body }),
    search: (type: HubspotObjectType, body: SearchRequest) =>
      request<Page<HubspotObject> & { total?: number }>('POST', `${objects(type)}/search`, { body }),
    update: (type: HubspotObjectType, id: string, body: SimplePublicObjectInput) =>
      request<HubspotObject>('PATCH', `${objects(type)}/${seg(id)}`, { body }),
    create: (type: HubspotObjectType, body: CreateInput) =>
      request<HubspotObject>('POST', objects(type), { body }),
    owner: (id: string) => request<HubspotOwner>('GET', `/crm/owners/${V}/${seg(id)}`),
    owners: (limit: number) =>
      request<Page<HubspotOwner>>('GET', `/crm/owners/${V}`, { qs: { limit: String(limit) } }),
    pipelines: (type: 'deals') =>
      request<{ results: HubspotPipeline[] }>('GET', `/crm/pipelines/${V}/${type}`),
    companyCurrency: () => request<CompanyCurrency>('GET', `/settings/currencies/${V}/company-currency`),
    exchangeRates: (after?: string) =>
      request<Page<ExchangeRate>>('GET', `/settings/currencies/${V}/exchange-rates`, {
        qs: { limit: '100', ...(after === undefined ? {} : { after }) },
      }),
  };
}

export type HubspotApiCalls = ReturnType<typeof hubspotApi>;
