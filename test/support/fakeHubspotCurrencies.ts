/**
 * The currencies of the fake HubSpot (GET /settings/currencies/2026-09/company-currency and .../exchange-rates): the
 * company currency and dated exchange rates, as HubSpot's multicurrency settings answer them (spec `CompanyCurrency`,
 * `ExchangeRate`). A rate converts `fromCurrencyCode` into `toCurrencyCode` (the company currency):
 * `amount × conversionRate`. The scope (settings.currencies.read) is enforced by the fake's scope check.
 */
import { type OwnersAnswer, pageLimit } from './fakeHubspotOwners.js';

export interface NewRate {
  /** The currency converted ('EUR'). */
  from: string;
  /** Units of the company currency one unit of `from` makes. */
  conversionRate: number;
  /** The day ('YYYY-MM-DD') or instant it takes effect. */
  effectiveAt: string;
}

interface StoredRate {
  id: string;
  from: string;
  to: string;
  conversionRate: number;
  effectiveAt: number;
  createdAt: number;
}

export type CurrenciesAnswer = OwnersAnswer;

const iso = (ms: number): string => new Date(ms).toISOString();
const RATES_LIMIT_MAX = 100;

export class FakeCurrencies {
  private company = 'USD';
  private companySince: number;
  private rates: StoredRate[] = [];
  private nextId = 1;

  constructor(private readonly now: () => number) {
    this.companySince = now();
  }

  reset(): void {
    this.company = 'USD';
    this.rates = [];
  }

  /** Sets the company (home) currency; rates are to it. */
  setCompanyCurrency(code: string): void {
    this.company = code;
    this.companySince = this.now();
  }

  /** Adds a dated rate from `from` to the company currency. */
  addRate(rate: NewRate): void {
    const at = Date.parse(
      rate.effectiveAt.length === 10 ? `${rate.effectiveAt}T00:00:00Z` : rate.effectiveAt,
    );
    this.rates.push({
      id: String(this.nextId++),
      from: rate.from,
      to: this.company,
      conversionRate: rate.conversionRate,
      effectiveAt: at,
      createdAt: this.now(),
    });
  }

  /** The rate of `currency` to the company currency in effect at `ms` (1 for the company's own, or none given). */
  rateOn(currency: string | null, ms: number): number | undefined {
    if (currency === null || currency === this.company) return 1;
    const inEffect = this.rates
      .filter((r) => r.from === currency && r.to === this.company && r.effectiveAt <= ms)
      .sort((a, b) => b.effectiveAt - a.effectiveAt)[0];
    return inEffect?.conversionRate;
  }

  /** GET company-currency, exchange-rates; `parts` the path's segments after /settings/currencies/{version}. */
  route(method: string, parts: string[], params: URLSearchParams): CurrenciesAnswer | undefined {
    if (method !== 'GET' || parts.length !== 1) return undefined;
    if (parts[0] === 'company-currency')
      return { status: 200, body: { id: this.company, createdAt: iso(this.companySince) } };
    if (parts[0] !== 'exchange-rates') return undefined;
    const limit = pageLimit(params, RATES_LIMIT_MAX);
    if (typeof limit !== 'number') return limit;
    const start = Number(params.get('after') ?? 0) || 0;
    const results = this.rates.slice(start, start + limit).map((r) => ({
      id: r.id,
      fromCurrencyCode: r.from,
      toCurrencyCode: r.to,
      conversionRate: r.conversionRate,
      effectiveAt: iso(r.effectiveAt),
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.createdAt),
      visibleInUI: true,
    }));
    const body: Record<string, unknown> = { results };
    if (start + limit < this.rates.length) body.paging = { next: { after: String(start + limit) } };
    return { status: 200, body };
  }
}
