import type { Logger } from '../logger.js';
import type { HubspotCall } from './hubspotAccounts.js';
import type { HubspotApiCalls, HubspotObject } from './hubspotApi.js';
import { type CrmCurrency, CrmError, type CrmMoney, type CrmStates, createdOf } from './types.js';

/** Deals per batch read: HubSpot's limit. */
const BATCH_READ_MAX = 100;
/** Pages of exchange rates read at most (100 a page): an account keeps a rate per currency per change. */
const RATE_PAGES_MAX = 20;

/** What the read-back reads of a deal: its closed state, when it was created, and its money. */
export const STATE_PROPERTIES = [
  'dealstage',
  'hs_is_closed',
  'hs_is_closed_won',
  'createdate',
  'amount',
  'deal_currency_code',
  'amount_in_home_currency',
  'closedate',
  'hubspot_owner_id',
];

interface MoneyDeps {
  hs: HubspotApiCalls;
  call: HubspotCall;
  logger: Logger;
}

export function closedState(p: Record<string, string | null>) {
  const won = p.hs_is_closed_won === 'true' || p.dealstage === 'closedwon';
  const closed = won || p.hs_is_closed === 'true' || p.dealstage === 'closedlost';
  return { closed, won };
}

function amountOf(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A HubSpot date or datetime (ISO, or epoch milliseconds) as its UTC day, YYYY-MM-DD. */
export function dayOf(value: string | null | undefined): string | null {
  if (!value) return null;
  if (/^\d+$/.test(value)) {
    const ms = Number(value);
    return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : null;
  }
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}

/**
 * The owners' emails by owner id, each read once per poll (GET /crm/owners/2026-09/{id}); an owner that cannot be
 * read (gone, the scope missing, HubSpot busy) is kept by its id.
 */
async function ownerEmails(deps: MoneyDeps, ids: readonly string[]): Promise<Map<string, string>> {
  const emails = new Map<string, string>();
  for (const id of new Set(ids)) {
    if (!/^\d+$/.test(id)) continue;
    try {
      const owner = await deps.call(() => deps.hs.owner(id), false);
      if (owner.email) emails.set(id, owner.email);
    } catch (error) {
      deps.logger.debug({ ownerId: id, err: (error as Error).message }, 'HubSpot owner not read; kept by id');
    }
  }
  return emails;
}

function moneyOf(
  p: Record<string, string | null>,
  labels: Map<string, string> | undefined,
  emails: Map<string, string>,
): CrmMoney {
  const owner = p.hubspot_owner_id || null;
  return {
    amount: amountOf(p.amount),
    currency: p.deal_currency_code || null,
    amountCorporate: amountOf(p.amount_in_home_currency),
    stage: p.dealstage ? (labels?.get(p.dealstage) ?? p.dealstage) : null,
    closeDate: dayOf(p.closedate),
    owner: owner === null ? null : (emails.get(owner) ?? owner),
  };
}

/**
 * The read-back's batch read: each deal's closed state, its creation, and its money (amount, currency, the amount in
 * the company currency as HubSpot converted it, the stage's label, the close date, the owner's email), in one batch
 * read per 100 deals, then the stage labels (kept ten minutes) and each owner once.
 */
export async function hubspotStates(
  deps: MoneyDeps,
  ids: readonly string[],
  stageLabels: () => Promise<Map<string, string>>,
): Promise<CrmStates> {
  const deals: HubspotObject[] = [];
  for (let i = 0; i < ids.length; i += BATCH_READ_MAX) {
    const inputs = ids.slice(i, i + BATCH_READ_MAX).map((id) => ({ id }));
    const result = await deps.call(
      () => deps.hs.batchRead('deals', { inputs, properties: STATE_PROPERTIES, propertiesWithHistory: [] }),
      false,
    );
    deals.push(...result.results);
  }
  const labels = deals.length === 0 ? undefined : await stageLabels().catch(() => undefined);
  const emails = await ownerEmails(
    deps,
    deals.flatMap((d) => (d.properties.hubspot_owner_id ? [d.properties.hubspot_owner_id] : [])),
  );
  const states: CrmStates = new Map();
  for (const deal of deals)
    states.set(deal.id, {
      ...closedState(deal.properties),
      ...createdOf(deal.properties.createdate),
      money: moneyOf(deal.properties, labels, emails),
    });
  return states;
}

/**
 * The company currency and HubSpot's dated exchange rates (needs settings.currencies.read; without it, a CrmError).
 * A rate converts `fromCurrencyCode` into the company currency (`amount × conversionRate`), so one unit of the
 * company currency is `1 / conversionRate` of it; each rate holds from its `effectiveAt` day to the next one's.
 */
export async function hubspotCurrency(deps: MoneyDeps): Promise<CrmCurrency> {
  const company = await deps.call(() => deps.hs.companyCurrency(), false);
  const corporate = typeof company?.id === 'string' ? company.id : null;
  if (!corporate)
    throw new CrmError('HubSpot: the company currency answer has no currency code', {
      transient: false,
      unexpected: true,
    });
  const rates: { currency: string; rate: number; day: string | null }[] = [];
  let after: string | undefined;
  for (let page = 0; page < RATE_PAGES_MAX; page++) {
    const result = await deps.call(() => deps.hs.exchangeRates(after), false);
    for (const r of result.results ?? [])
      if (r.toCurrencyCode === corporate && r.fromCurrencyCode !== corporate && r.conversionRate > 0)
        rates.push({ currency: r.fromCurrencyCode, rate: r.conversionRate, day: dayOf(r.effectiveAt) });
    after = result.paging?.next?.after;
    if (after === undefined) break;
  }
  rates.sort((a, b) => a.currency.localeCompare(b.currency) || (a.day ?? '').localeCompare(b.day ?? ''));
  return {
    corporate,
    rates: rates.map((r, i) => {
      const next = rates[i + 1];
      return {
        currency: r.currency,
        perCorporate: 1 / r.rate,
        from: r.day,
        to: next && next.currency === r.currency ? next.day : null,
      };
    }),
  };
}
