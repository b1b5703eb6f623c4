/**
 * Money as the CRM holds it, in one reporting currency. Pure: the read-back stores what each record says
 * (`crm_money`) and the CRM's rates (`crm_currencies`); this converts and adds up, and says what it could not convert.
 * Internal: no partner view uses it.
 */

/** One rate: units of `currency` per one unit of the CRM's corporate currency, from `from` (inclusive) to `to`. */
export interface Rate {
  currency: string;
  perCorporate: number;
  from: string | null;
  to: string | null;
}

/** A CRM's currencies as last read: its corporate currency and rates (dated ones used for the day they cover). */
export interface Currencies {
  corporate: string | null;
  rates: readonly Rate[];
}

/** What one record says of its amount. */
export interface Amount {
  amount: number | null;
  currency: string | null;
  /** The amount in the corporate currency as the CRM converted it (HubSpot's own), if it did. */
  amountCorporate: number | null;
  /** The day the amount is for (its close date; today for an open deal without one): dated rates are read there. */
  day: string;
}

/** The rate of a currency on a day: a dated rate covering the day first, else an undated one. */
export function rateOn(c: Currencies, currency: string, day: string): number | undefined {
  if (currency === c.corporate) return 1;
  const ofCurrency = c.rates.filter((r) => r.currency === currency && r.perCorporate > 0);
  const dated = ofCurrency.find(
    (r) => (r.from !== null || r.to !== null) && (r.from ?? '') <= day && (r.to === null || day < r.to),
  );
  return (dated ?? ofCurrency.find((r) => r.from === null && r.to === null))?.perCorporate;
}

/**
 * The amount in the reporting currency, with the CRM's own rates; null when it has no amount or cannot be converted
 * (a currency the CRM holds no rate for, or a reporting currency it does not know).
 */
export function toReporting(a: Amount, c: Currencies, reporting: string): number | null {
  if (a.amount === null) return null;
  const currency = a.currency ?? c.corporate;
  if (currency === reporting) return a.amount;
  let corporate = a.amountCorporate;
  if (corporate === null && currency !== null) {
    const rate = rateOn(c, currency, a.day);
    corporate = rate === undefined ? null : a.amount / rate;
  }
  if (corporate === null || c.corporate === null) return null;
  if (reporting === c.corporate) return corporate;
  const rate = rateOn(c, reporting, a.day);
  return rate === undefined ? null : corporate * rate;
}

/**
 * A sum of amounts: what converted, in the reporting currency; what did not, by its own currency; and how many records
 * had no amount. A sum with nothing read is not 0: `read` is 0 and the words say so.
 */
export interface Sum {
  /** Records counted (with or without an amount). */
  read: number;
  value: number;
  /** Amounts the CRM gave no rate for, in their own currencies. */
  unconverted: Record<string, number>;
  /** Records the CRM gave no amount. */
  noAmount: number;
}

export const emptySum = (): Sum => ({ read: 0, value: 0, unconverted: {}, noAmount: 0 });

/** Adds one record's amount to a sum (in place; returns it). */
export function addTo(sum: Sum, a: Amount, c: Currencies, reporting: string): Sum {
  sum.read += 1;
  if (a.amount === null) {
    sum.noAmount += 1;
    return sum;
  }
  const converted = toReporting(a, c, reporting);
  if (converted !== null) sum.value += converted;
  else {
    const currency = a.currency ?? c.corporate ?? '?';
    sum.unconverted[currency] = (sum.unconverted[currency] ?? 0) + a.amount;
  }
  return sum;
}

/** An amount in people's words: "$120,000", "EUR 20,000" (whole units: the figures are totals). */
export function amountWords(value: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      currencyDisplay: 'symbol',
      maximumFractionDigits: 0,
      minimumFractionDigits: 0,
    }).format(value);
  } catch {
    return `${currency} ${Math.round(value).toLocaleString('en-US')}`;
  }
}

/**
 * A sum in words, never a made-up 0: "$120,000 (3 deals)", "$100,000 and EUR 20,000 not converted (2 deals; no rate
 * for EUR)", "none".
 */
export function sumWords(sum: Sum, reporting: string, source: 'crm' | 'estimate' = 'crm'): string {
  if (sum.read === 0) return 'none';
  const parts: string[] = [];
  const priced = sum.read - sum.noAmount;
  const unconverted = Object.entries(sum.unconverted).sort(([a], [b]) => a.localeCompare(b));
  if (priced > 0) {
    const converted = unconverted.length === 0 || sum.value !== 0;
    parts.push(
      [
        ...(converted ? [amountWords(sum.value, reporting)] : []),
        ...unconverted.map(([currency, value]) => `${amountWords(value, currency)} not converted`),
      ].join(' and '),
    );
  }
  const deals = `${sum.read} deal${sum.read === 1 ? '' : 's'}`;
  const missing =
    sum.noAmount > 0
      ? `; ${sum.noAmount} without ${source === 'crm' ? 'an amount in the CRM' : 'an estimate'}`
      : '';
  const noRate =
    unconverted.length > 0
      ? `; the CRM has no rate to ${reporting} for ${unconverted.map(([c]) => c).join(', ')}`
      : '';
  return parts.length > 0
    ? `${parts.join('')} (${deals}${missing}${noRate})`
    : `${source === 'crm' ? 'no amount in the CRM' : 'no estimate'} (${deals})`;
}
