/**
 * The CRM search API of the fake HubSpot (POST /crm/v3/objects/{type}/search), for any object type: filter groups
 * (OR between groups, AND within one), HubSpot's operators, `associations.<type>` pseudo-properties, one sort, the
 * properties asked for, and paging by `after`. It enforces the documented limits: at most 5 filter groups, 6 filters
 * in a group and 18 in all, 200 results a page, one sort, and no paging past the 10,000th result.
 */

export type HubspotProperties = Record<string, string | null>;

/** What a search reads of a stored object: its properties, and the ids of what it is associated with, by type. */
export interface Searchable {
  id: string;
  properties: HubspotProperties;
  createdAt: number;
  associations: Record<string, readonly string[]>;
}

export const SEARCH_LIMIT_MAX = 200;
export const SEARCH_FILTER_GROUPS_MAX = 5;
export const SEARCH_FILTERS_PER_GROUP_MAX = 6;
export const SEARCH_FILTERS_MAX = 18;
/** A search pages through at most this many results. */
export const SEARCH_RESULTS_MAX = 10_000;

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;
type Operator = (typeof OPERATORS)[number];

/** Properties HubSpot stores as datetimes: a filter value may be epoch milliseconds or an ISO date. */
const DATETIME_PROPERTIES = new Set([
  'createdate',
  'closedate',
  'hs_lastmodifieddate',
  'hs_createdate',
  'hs_timestamp',
]);

export interface Filter {
  propertyName: string;
  operator: Operator;
  value: string | undefined;
  values: string[];
  highValue: string | undefined;
}

export interface SearchRequest {
  groups: Filter[][];
  sort: { propertyName: string; descending: boolean } | undefined;
  limit: number;
  after: number;
  properties: string[] | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : typeof value === 'string' ? value : String(value);

/** HubSpot tokenizes text on anything that is not a letter or digit, case-insensitively. */
const tokens = (value: string): string[] =>
  value
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t !== '');

/** Whether the value's tokens appear, consecutively, among the text's tokens (a whole-word match). */
export function containsToken(haystackText: string, value: string): boolean {
  const haystack = tokens(haystackText);
  const needle = tokens(value);
  if (needle.length === 0) return false;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((t, j) => haystack[i + j] === t)) return true;
  }
  return false;
}

/**
 * The request, or what HubSpot answers 400 for. `associations`: the pseudo-properties this object type can be
 * searched by (`associations.deal` on notes, `associations.company` on deals), EQ only.
 */
export function parseSearch(
  body: unknown,
  associations: readonly string[],
): SearchRequest | { error: string } {
  const request = isObject(body) ? body : {};
  const limit = request.limit === undefined ? 10 : Number(request.limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > SEARCH_LIMIT_MAX) {
    return { error: `limit must be between 0 and ${SEARCH_LIMIT_MAX}` };
  }
  const after = request.after === undefined ? 0 : Number(request.after);
  if (!Number.isInteger(after) || after < 0) return { error: `after must be a non-negative integer` };
  if (after + limit > SEARCH_RESULTS_MAX) {
    return { error: `The search API pages through at most ${SEARCH_RESULTS_MAX} results` };
  }
  const rawGroups = Array.isArray(request.filterGroups) ? request.filterGroups : [];
  if (rawGroups.length > SEARCH_FILTER_GROUPS_MAX) {
    return { error: `Cannot have more than ${SEARCH_FILTER_GROUPS_MAX} filter groups` };
  }
  const groups: Filter[][] = [];
  let count = 0;
  for (const group of rawGroups) {
    const filters = isObject(group) && Array.isArray(group.filters) ? group.filters : [];
    if (filters.length > SEARCH_FILTERS_PER_GROUP_MAX) {
      return { error: `Cannot have more than ${SEARCH_FILTERS_PER_GROUP_MAX} filters in a filter group` };
    }
    count += filters.length;
    if (count > SEARCH_FILTERS_MAX)
      return { error: `Cannot have more than ${SEARCH_FILTERS_MAX} filters in all` };
    const parsed: Filter[] = [];
    for (const filter of filters) {
      if (
        !isObject(filter) ||
        typeof filter.propertyName !== 'string' ||
        typeof filter.operator !== 'string'
      ) {
        return { error: 'Every filter needs a propertyName and an operator' };
      }
      const operator = filter.operator as Operator;
      if (!OPERATORS.includes(operator)) {
        return {
          error: `operator ${filter.operator} is not one of the values accepted: [${OPERATORS.join(', ')}]`,
        };
      }
      if (filter.propertyName.startsWith('associations.')) {
        if (!associations.includes(filter.propertyName)) {
          return { error: `${filter.propertyName} is not a searchable association of this object type` };
        }
        if (operator !== 'EQ') {
          return {
            error: `fake hubspot: operator ${operator} is not supported on ${filter.propertyName} (EQ)`,
          };
        }
      }
      const values = Array.isArray(filter.values) ? filter.values.map((v) => text(v) ?? '') : [];
      if ((operator === 'IN' || operator === 'NOT_IN') && values.length === 0) {
        return { error: `${operator} needs values` };
      }
      parsed.push({
        propertyName: filter.propertyName,
        operator,
        value: text(filter.value),
        values,
        highValue: text(filter.highValue),
      });
    }
    groups.push(parsed);
  }
  const sorts = Array.isArray(request.sorts) ? request.sorts : [];
  if (sorts.length > 1) return { error: 'Only one sort is allowed' };
  let sort: SearchRequest['sort'];
  const first: unknown = sorts[0];
  if (typeof first === 'string') {
    sort = { propertyName: first.replace(/^-/, ''), descending: first.startsWith('-') };
  } else if (isObject(first) && typeof first.propertyName === 'string') {
    sort = { propertyName: first.propertyName, descending: first.direction === 'DESCENDING' };
  }
  const properties = Array.isArray(request.properties)
    ? request.properties.filter((p): p is string => typeof p === 'string')
    : undefined;
  return { groups, sort, limit, after, properties };
}

/** A property's value as compared: epoch ms for datetimes, a number when both sides are, else lowercase text. */
function comparable(property: string, value: string): number | string {
  if (DATETIME_PROPERTIES.has(property)) {
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    return Number.isNaN(ms) ? value.toLowerCase() : ms;
  }
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value.toLowerCase();
}

function order(property: string, a: string, b: string): number {
  const x = comparable(property, a);
  const y = comparable(property, b);
  if (typeof x !== typeof y) return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function filterMatches(object: Searchable, filter: Filter): boolean {
  if (filter.propertyName.startsWith('associations.')) {
    const type = filter.propertyName.slice('associations.'.length);
    return filter.value !== undefined && (object.associations[type] ?? []).includes(filter.value);
  }
  const actual = object.properties[filter.propertyName] ?? null;
  const present = actual !== null && actual !== '';
  const { value } = filter;
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return present;
    case 'NOT_HAS_PROPERTY':
      return !present;
    case 'EQ':
      return present && value !== undefined && order(filter.propertyName, actual, value) === 0;
    case 'NEQ':
      return !present || value === undefined || order(filter.propertyName, actual, value) !== 0;
    case 'LT':
      return present && value !== undefined && order(filter.propertyName, actual, value) < 0;
    case 'LTE':
      return present && value !== undefined && order(filter.propertyName, actual, value) <= 0;
    case 'GT':
      return present && value !== undefined && order(filter.propertyName, actual, value) > 0;
    case 'GTE':
      return present && value !== undefined && order(filter.propertyName, actual, value) >= 0;
    case 'BETWEEN':
      return (
        present &&
        value !== undefined &&
        filter.highValue !== undefined &&
        order(filter.propertyName, actual, value) >= 0 &&
        order(filter.propertyName, actual, filter.highValue) <= 0
      );
    case 'IN':
      return present && filter.values.some((v) => order(filter.propertyName, actual, v) === 0);
    case 'NOT_IN':
      return !present || filter.values.every((v) => order(filter.propertyName, actual, v) !== 0);
    case 'CONTAINS_TOKEN':
      return present && value !== undefined && containsToken(actual, value);
    case 'NOT_CONTAINS_TOKEN':
      return !present || value === undefined || !containsToken(actual, value);
  }
}

/** The matches of a request among `objects`, sorted (by id when no sort is asked, as HubSpot does), then paged. */
export function search<T extends Searchable>(
  objects: readonly T[],
  request: SearchRequest,
): { total: number; page: T[]; next: number | undefined } {
  const found = objects.filter(
    (object) =>
      request.groups.length === 0 ||
      request.groups.some((filters) => filters.every((filter) => filterMatches(object, filter))),
  );
  const sort = request.sort;
  const sorted = [...found].sort((a, b) => {
    if (!sort) return order('hs_object_id', a.id, b.id);
    const x = a.properties[sort.propertyName] ?? null;
    const y = b.properties[sort.propertyName] ?? null;
    // Objects without the property come last either way.
    if (x === null || y === null) return x === y ? order('hs_object_id', a.id, b.id) : x === null ? 1 : -1;
    return (order(sort.propertyName, x, y) || order('hs_object_id', a.id, b.id)) * (sort.descending ? -1 : 1);
  });
  const page = sorted.slice(request.after, request.after + request.limit);
  const next = request.after + request.limit < sorted.length ? request.after + request.limit : undefined;
  return { total: found.length, page, next };
}
