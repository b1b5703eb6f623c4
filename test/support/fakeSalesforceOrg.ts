/**
 * The fake Salesforce's org setup (fakeSalesforce.ts): its currencies and its Organization record.
 *
 * - A single-currency org (the default) has one currency, `Organization.DefaultCurrencyIsoCode`. It has no
 *   `CurrencyIsoCode` field (a query naming it answers INVALID_FIELD) and no `CurrencyType` object (INVALID_TYPE).
 * - A multi-currency org has `CurrencyType` (the corporate currency at rate 1, and the others with `ConversionRate`:
 *   units of the currency per one corporate unit) and `CurrencyIsoCode` on Opportunity.
 * - With advanced currency management too, `DatedConversionRate`: each active currency's rate from Salesforce's
 *   beginning of time (0000-12-30) and each dated rate added since, every period ending at the next one's start
 *   (`NextStartDate`), the last at 9999-12-31. Without it, the object does not exist (INVALID_TYPE).
 */
import type { SoqlFieldType } from './fakeSoql.js';

type Value = string | number | boolean | null;
type Row = Record<string, Value>;

export const ORG_OBJECTS = ['CurrencyType', 'DatedConversionRate', 'Organization'] as const;
export type OrgObject = (typeof ORG_OBJECTS)[number];

export const ORG_FIELDS: Record<OrgObject, string[]> = {
  CurrencyType: ['Id', 'IsoCode', 'ConversionRate', 'DecimalPlaces', 'IsActive', 'IsCorporate'],
  DatedConversionRate: ['Id', 'IsoCode', 'ConversionRate', 'StartDate', 'NextStartDate'],
  Organization: ['Id', 'Name', 'DefaultCurrencyIsoCode', 'IsSandbox'],
};

export const ORG_FIELD_TYPES: Record<string, SoqlFieldType> = {
  ConversionRate: 'number',
  DecimalPlaces: 'number',
  IsCorporate: 'boolean',
  IsSandbox: 'boolean',
  StartDate: 'date',
  NextStartDate: 'date',
};

/** Salesforce's bounds of a dated rate's first and last periods. */
const BEGINNING = '0000-12-30';
const END = '9999-12-31';

export interface FakeOrgOptions {
  /** The corporate currency (and a single-currency org's only one); default 'USD'. */
  currency?: string;
  /** Multiple currencies on; default off. */
  multiCurrency?: boolean;
  /** Advanced currency management (dated rates) on; needs `multiCurrency`. Default off. */
  advancedCurrency?: boolean;
}

/** A currency as `addCurrency` takes it. */
export interface NewCurrency {
  isoCode: string;
  /** Units of this currency per one corporate unit. */
  conversionRate: number;
  /** Default true. */
  isActive?: boolean;
  /** Default 2. */
  decimalPlaces?: number;
}

/** The `INVALID_FIELD` message Salesforce gives a query naming a field the object lacks: the statement echoed first. */
export function noSuchColumn(soql: string, name: string, sobject: string): string {
  const column = Math.max(soql.indexOf(name), 0) + 1;
  return `\n${soql}\n${' '.repeat(column - 1)}^\nERROR at Row:1:Column:${column}\nNo such column '${name}' on entity '${sobject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;
}

export class FakeOrg {
  multiCurrency: boolean;
  advancedCurrency: boolean;
  private corporate: string;
  private readonly types: Row[] = [];
  private readonly dated: Row[] = [];

  constructor(
    options: FakeOrgOptions,
    private readonly organizationId: string,
    private readonly nextId: (prefix: string) => string,
  ) {
    this.corporate = options.currency ?? 'USD';
    this.multiCurrency = options.multiCurrency ?? false;
    this.advancedCurrency = options.advancedCurrency ?? false;
    this.addCurrency({ isoCode: this.corporate, conversionRate: 1 });
  }

  /** The corporate currency: new opportunities' `CurrencyIsoCode`. */
  get corporateCurrency(): string {
    return this.corporate;
  }

  /** Whether the org has this object: CurrencyType with multiple currencies, DatedConversionRate with dated rates. */
  has(object: OrgObject): boolean {
    if (object === 'CurrencyType') return this.multiCurrency;
    if (object === 'DatedConversionRate') return this.multiCurrency && this.advancedCurrency;
    return true;
  }

  /** Whether a currency is one of the org's active ones (what an opportunity's `CurrencyIsoCode` may be). */
  isActive(isoCode: string): boolean {
    return this.types.some((t) => t.IsoCode === isoCode && t.IsActive === true);
  }

  /** Adds a currency (or changes its rate): a CurrencyType row. */
  addCurrency(currency: NewCurrency): void {
    const row = this.types.find((t) => t.IsoCode === currency.isoCode);
    const fields = {
      ConversionRate: currency.isoCode === this.corporate ? 1 : currency.conversionRate,
      IsActive: currency.isActive ?? true,
      DecimalPlaces: currency.decimalPlaces ?? 2,
    };
    if (row) Object.assign(row, fields);
    else
      this.types.push({
        Id: this.nextId('01L'),
        IsoCode: currency.isoCode,
        IsCorporate: currency.isoCode === this.corporate,
        ...fields,
      });
  }

  /** Adds a dated rate from `startDate` (YYYY-MM-DD) until the next one's start. */
  addDatedRate(rate: { isoCode: string; conversionRate: number; startDate: string }): void {
    if (!this.types.some((t) => t.IsoCode === rate.isoCode)) throw new Error(`no currency ${rate.isoCode}`);
    this.dated.push({
      Id: this.nextId('04w'),
      IsoCode: rate.isoCode,
      ConversionRate: rate.conversionRate,
      StartDate: rate.startDate,
    });
  }

  records(object: OrgObject): Row[] {
    if (object === 'Organization')
      return [
        {
          Id: this.organizationId,
          Name: 'Fake Org',
          DefaultCurrencyIsoCode: this.corporate,
          IsSandbox: false,
        },
      ];
    if (object === 'CurrencyType') return this.types;
    return this.datedRows();
  }

  /** Each currency's periods: its first rate from the beginning of time, then those added, each to the next start. */
  private datedRows(): Row[] {
    return this.types.flatMap((type) => {
      const first: Row = {
        Id: `${String(type.Id).slice(0, 15)}DCR`,
        IsoCode: type.IsoCode ?? null,
        ConversionRate: type.ConversionRate ?? null,
        StartDate: BEGINNING,
      };
      const periods = [first, ...this.dated.filter((d) => d.IsoCode === type.IsoCode)].sort((a, b) =>
        String(a.StartDate).localeCompare(String(b.StartDate)),
      );
      return periods.map((p, i): Row => ({ ...p, NextStartDate: periods[i + 1]?.StartDate ?? END }));
    });
  }
}
