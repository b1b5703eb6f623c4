/**
 * The money side of the sandbox's fake Salesforce (issue 54): the org's currencies, each opportunity's amount,
 * currency, stage and close date as the Salesforce panel shows them, and a change a person saves there, checked as
 * Salesforce's own record page would check it. Saving changes the fake record only: the app sees it at its next CRM
 * poll, as it would see a seller's edit in Salesforce.
 */
import { DateTime } from 'luxon';
import { FAKE_STAGE_NAMES, type FakeSalesforce } from '../test/support/fakeSalesforce.js';

/** The sandbox org's corporate currency. */
export const SANDBOX_CORPORATE = 'USD';
/** Its other currencies: units of each per one US dollar (Salesforce's ConversionRate). */
export const SANDBOX_CURRENCIES = [
  { isoCode: 'EUR', conversionRate: 0.92 },
  { isoCode: 'GBP', conversionRate: 0.79 },
];
/** Salesforce's Amount is a currency(16, 2) field. */
const AMOUNT_MAX = 1e14;

type Json = Record<string, unknown>;

/** A multi-currency org with USD corporate and EUR and GBP at fixed rates, so the Money section converts. */
export function addSandboxCurrencies(salesforce: FakeSalesforce): void {
  for (const currency of SANDBOX_CURRENCIES) salesforce.org.addCurrency(currency);
}

/** The org's active currencies with their rates, the corporate one first. */
export function currenciesOf(salesforce: FakeSalesforce): { isoCode: string; rate: number }[] {
  return salesforce.org
    .records('CurrencyType')
    .filter((c) => c.IsActive === true)
    .map((c) => ({ isoCode: String(c.IsoCode), rate: Number(c.ConversionRate) }))
    .sort((a, b) => Number(b.isoCode === SANDBOX_CORPORATE) - Number(a.isoCode === SANDBOX_CORPORATE));
}

/** What the panel's form offers: the stage picklist and, in a multi-currency org, its currencies. */
export function panelChoices(salesforce: FakeSalesforce) {
  return {
    stages: [...FAKE_STAGE_NAMES],
    corporate: salesforce.org.corporateCurrency,
    currencies: salesforce.org.multiCurrency ? currenciesOf(salesforce) : [],
  };
}

/** An opportunity's money as the panel shows it: its currency, close date and the amount in the corporate currency. */
export function moneyForPanel(salesforce: FakeSalesforce, o: Record<string, unknown>) {
  const amount = typeof o.Amount === 'number' ? o.Amount : null;
  const currency = salesforce.org.multiCurrency
    ? String(o.CurrencyIsoCode ?? salesforce.org.corporateCurrency)
    : salesforce.org.corporateCurrency;
  const rate = currenciesOf(salesforce).find((c) => c.isoCode === currency)?.rate;
  return {
    amount,
    currency,
    amountCorporate: amount !== null && rate ? Math.round((amount / rate) * 100) / 100 : null,
    closeDate: typeof o.CloseDate === 'string' ? o.CloseDate : '',
  };
}

/** The changes a person saves in the panel, as the fake's `changeOpportunity` takes them. */
export interface OpportunityChange {
  amount: number | null;
  stageName: string;
  closeDate: string;
  currencyIsoCode?: string;
}

/**
 * Reads the panel's form: `amount` (as typed; empty clears it), `stage` (one of the picklist), `closeDate`
 * (YYYY-MM-DD, required as in Salesforce) and `currency` (a multi-currency org's active one). An error says what to fix.
 */
export function opportunityChange(
  body: Json,
  salesforce: FakeSalesforce,
): { change: OpportunityChange } | { error: string } {
  const { amount: typed, stage, closeDate, currency } = body;
  if (typeof typed !== 'string' && typeof typed !== 'number')
    return { error: 'amount must be a number, or empty to clear it.' };
  const text = String(typed).trim().replace(/,/g, '');
  const amount = text === '' ? null : Number(text);
  if (amount !== null && (!/^\d+(\.\d{1,2})?$/.test(text) || !(amount < AMOUNT_MAX)))
    return { error: `The amount must be a number of at most 2 decimals, 0 or more (not ${quoted(typed)}).` };
  if (typeof stage !== 'string' || !FAKE_STAGE_NAMES.includes(stage))
    return { error: `Stage must be one of the picklist's: ${FAKE_STAGE_NAMES.join(', ')}.` };
  if (
    typeof closeDate !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(closeDate) ||
    !DateTime.fromISO(closeDate).isValid
  )
    return { error: `Close date is required, a day like 2026-12-31 (not ${quoted(closeDate)}).` };
  const change: OpportunityChange = { amount, stageName: stage, closeDate };
  if (currency === undefined || currency === '') return { change };
  if (!salesforce.org.multiCurrency)
    return { error: 'This org has one currency: currency cannot be changed.' };
  if (typeof currency !== 'string' || !salesforce.org.isActive(currency))
    return {
      error: `Currency must be one of the org's: ${currenciesOf(salesforce)
        .map((c) => c.isoCode)
        .join(', ')} (not ${quoted(currency)}).`,
    };
  return { change: { ...change, currencyIsoCode: currency } };
}

const quoted = (value: unknown) => JSON.stringify(String(value ?? '').slice(0, 40));

/** What the page says after a save: the record changed, the app has not seen it yet. */
export function savedMessage(name: string): string {
  return `Saved in the fake Salesforce: ${name}. The app has not read it yet: it reads linked deals at each CRM poll (every minute of the sandbox clock), or now with "Poll the CRM now".`;
}

/** What the page says after "Poll the CRM now". */
export function polledMessage(result: {
  read: number;
  closed: number;
  moneyChanged: number;
  failed: string[];
}): string {
  if (result.failed.length > 0)
    return `The app could not read ${result.failed.join(' and ')}: it tries again at the next poll.`;
  if (result.read === 0)
    return 'The app polled the fake Salesforce: no linked handoff to read yet (link one by pasting an opportunity in a packet).';
  const closed =
    result.closed > 0 ? ` ${result.closed} closed deal${result.closed === 1 ? '' : 's'} recorded.` : '';
  return `The app read ${result.read} linked record${result.read === 1 ? '' : 's'}: ${result.moneyChanged} new or changed since it last read ${result.read === 1 ? 'it' : 'them'}.${closed} Open Home as RevOps (Riley Ops) to see the Money section as of this poll.`;
}
