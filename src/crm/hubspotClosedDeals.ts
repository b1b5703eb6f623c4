import type { HubspotCall, SearchSlot } from './hubspotAccounts.js';
import type { HubspotApiCalls, HubspotObject } from './hubspotApi.js';
import { dayOf } from './hubspotMoney.js';
import { type CrmClosedDeal, CrmError, createdOf } from './types.js';

/** HubSpot's search gives at most this many results a page. */
const SEARCH_PAGE_MAX = 200;
/** HubSpot's search pages through at most this many results in all (`after` + `limit` past it answers 400). */
export const SEARCH_RESULTS_MAX = 10_000;

/** What the with-and-without-a-partner figures read of a closed deal. */
const CLOSED_PROPERTIES = [
  'amount',
  'deal_currency_code',
  'amount_in_home_currency',
  'hs_is_closed_won',
  'createdate',
  'closedate',
];

interface ClosedDealsDeps {
  hs: HubspotApiCalls;
  call: HubspotCall;
  searchSlot: SearchSlot;
  timeoutMs: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function amountOf(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function closedDealOf(deal: HubspotObject): CrmClosedDeal {
  const p = deal.properties;
  return {
    id: deal.id,
    won: p.hs_is_closed_won === 'true',
    createdOn: createdOf(p.createdate).createdOn,
    closeDate: dayOf(p.closedate),
    amount: amountOf(p.amount),
    currency: p.deal_currency_code || null,
    amountCorporate: amountOf(p.amount_in_home_currency),
  };
}

/**
 * The deals HubSpot closed between two days (both included, as UTC days: `closedate` is a datetime, filtered in epoch
 * milliseconds), the latest closed first, at most `limit`: the 2026-09 search, 200 a page by `after`, each page
 * within the app's search pacing (HubSpot's 5 searches a second). Its search pages through 10,000 results at most:
 * past that, the latest 10,000 are all it gives.
 */
export async function hubspotClosedDeals(
  deps: ClosedDealsDeps,
  range: { from: string; to: string; limit: number },
): Promise<CrmClosedDeal[]> {
  const { from, to } = range;
  if (!DAY.test(from) || !DAY.test(to))
    throw new CrmError(`HubSpot: closed deals asked between ${from} and ${to}, not two days`, {
      transient: false,
    });
  const limit = Math.min(Math.max(0, Math.floor(range.limit)), SEARCH_RESULTS_MAX);
  const low = String(Date.parse(`${from}T00:00:00.000Z`));
  const high = String(Date.parse(`${to}T23:59:59.999Z`));
  const deals: CrmClosedDeal[] = [];
  let after = '0';
  while (deals.length < limit) {
    await deps.searchSlot(deps.timeoutMs);
    const result = await deps.call(
      () =>
        deps.hs.search('deals', {
          filterGroups: [
            {
              filters: [
                { propertyName: 'hs_is_closed', operator: 'EQ', value: 'true' },
                { propertyName: 'closedate', operator: 'BETWEEN', value: low, highValue: high },
              ],
            },
          ],
          sorts: ['-closedate'],
          properties: CLOSED_PROPERTIES,
          limit: Math.min(SEARCH_PAGE_MAX, limit - deals.length),
          after,
        }),
      false,
    );
    deals.push(...result.results.slice(0, limit - deals.length).map(closedDealOf));
    const next = result.paging?.next?.after;
    if (next === undefined || result.results.length === 0) break;
    after = next;
  }
  return deals;
}
