import { describe, expect, it } from 'vitest';
import { moneyBlocks } from '../../../src/blocks/money.js';
import {
  addTo,
  type Currencies,
  emptySum,
  rateOn,
  sumWords,
  toReporting,
} from '../../../src/domain/money.js';
import { type MoneyRow, median, moneyFigures } from '../../../src/domain/moneyFigures.js';

/** Salesforce's semantics: units of the currency per one unit of the corporate currency (USD here). */
const usd: Currencies = {
  corporate: 'USD',
  rates: [
    { currency: 'EUR', perCorporate: 0.8, from: '2026-01-01', to: '2026-07-01' },
    { currency: 'EUR', perCorporate: 0.9, from: '2026-07-01', to: null },
    { currency: 'GBP', perCorporate: 0.75, from: null, to: null },
  ],
};

const base = {
  system: 'salesforce' as const,
  currency: 'USD',
  amountCorporate: null,
  readAt: new Date('2026-11-20T10:00:00Z'),
  sentAt: new Date('2026-11-10T10:00:00Z'),
  scoreBand: 'ready' as const,
};
/** A row of the CRM read: its handoff, record, partner, class, amount, state and close date. */
const row = (
  [handoffId, recordId, partner]: [number, string, string],
  classification: MoneyRow['classification'],
  amount: number,
  state: 'open' | 'won' | 'lost',
  closeDate: string | null,
  over: Partial<MoneyRow> = {},
): MoneyRow => ({
  ...base,
  ...{ handoffId, recordId, partner, classification, amount, closeDate },
  ...{ closed: state !== 'open', won: state === 'won', ...over },
});
/** The figures of `rows` in USD, one Salesforce org, over `over`'s period. */
const figuresOf = (rows: MoneyRow[], over: Partial<Parameters<typeof moneyFigures>[0]>) =>
  moneyFigures({
    rows,
    currencies: new Map([['salesforce', usd]]),
    reporting: 'USD',
    period: { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-26T00:00:00Z') },
    days: { first: '2026-11-01', last: '2026-11-25' },
    today: '2026-11-26',
    closedDeals: null,
    afterAccept: { toMeeting: [], toOpportunity: [] },
    systems: ['salesforce'],
    ...over,
  });

describe('money in one reporting currency', () => {
  it('reads the dated rate covering the day, else the undated one', () => {
    expect(rateOn(usd, 'EUR', '2026-03-15')).toBe(0.8);
    expect(rateOn(usd, 'EUR', '2026-07-01')).toBe(0.9);
    expect(rateOn(usd, 'GBP', '2026-03-15')).toBe(0.75);
    expect(rateOn(usd, 'USD', '2026-03-15')).toBe(1);
    expect(rateOn(usd, 'JPY', '2026-03-15')).toBeUndefined();
  });

  it('converts through the corporate currency with the rate of the close day', () => {
    const eur = { amount: 80_000, currency: 'EUR', amountCorporate: null };
    expect(toReporting({ ...eur, day: '2026-03-15' }, usd, 'USD')).toBeCloseTo(100_000);
    expect(toReporting({ ...eur, day: '2026-09-15' }, usd, 'USD')).toBeCloseTo(88_888.89, 1);
    // EUR to GBP: 80,000 EUR = 100,000 USD (March) = 75,000 GBP.
    expect(toReporting({ ...eur, day: '2026-03-15' }, usd, 'GBP')).toBeCloseTo(75_000);
    // The CRM's own conversion (HubSpot's amount in the home currency) wins over the app's.
    expect(toReporting({ ...eur, amountCorporate: 95_000, day: '2026-03-15' }, usd, 'USD')).toBe(95_000);
  });

  it('says what it cannot convert, and never counts a missing amount as 0', () => {
    const sum = emptySum();
    addTo(sum, { amount: 50_000, currency: 'USD', amountCorporate: null, day: '2026-03-15' }, usd, 'USD');
    addTo(sum, { amount: 1_000_000, currency: 'JPY', amountCorporate: null, day: '2026-03-15' }, usd, 'USD');
    addTo(sum, { amount: null, currency: 'USD', amountCorporate: null, day: '2026-03-15' }, usd, 'USD');
    expect(sum).toEqual({ read: 3, value: 50_000, unconverted: { JPY: 1_000_000 }, noAmount: 1 });
    expect(sumWords(sum, 'USD')).toBe(
      '$50,000 and ¥1,000,000 not converted (3 deals; 1 without an amount in the CRM; the CRM has no rate to USD for JPY)',
    );
    expect(sumWords(emptySum(), 'USD')).toBe('none');
  });

  it('adds pipeline and closed-won value by class, partner and band, against a hand count', () => {
    const rows: MoneyRow[] = [
      // Open, sent in the period: pipeline.
      row([1, 'a', 'Meridian'], 'partner_sourced', 100_000, 'open', '2027-01-31'),
      row([2, 'b', 'Meridian'], 'partner_influenced', 80_000, 'open', '2026-12-31', {
        currency: 'EUR',
        scoreBand: 'fix',
      }),
      // Won in the period.
      row([3, 'c', 'Northwind'], 'partner_sourced', 40_000, 'won', '2026-11-15'),
      // Lost in the period: in no sum. Sent before the period, still open: not pipeline of the period.
      row([4, 'd', 'Northwind'], 'partner_sourced', 10_000, 'lost', '2026-11-16'),
      row([5, 'e', 'Northwind'], 'partner_sourced', 7_000, 'open', null, {
        sentAt: new Date('2026-09-01T00:00:00Z'),
      }),
    ];
    /** A closed deal of the CRM, in USD. */
    const deal = (id: string, won: boolean, createdOn: string, closeDate: string, amount: number) => ({
      ...{ system: 'salesforce' as const, id, won, createdOn, closeDate, amount },
      ...{ currency: 'USD', amountCorporate: null },
    });
    const f = figuresOf(rows, {
      closedDeals: {
        deals: [
          deal('c', true, '2026-10-01', '2026-11-15', 40_000),
          deal('d', false, '2026-10-06', '2026-11-16', 10_000),
          deal('x', false, '2026-09-01', '2026-11-02', 5_000),
          deal('y', false, '2026-08-01', '2026-11-03', 5_000),
          deal('z', true, '2026-06-01', '2026-11-04', 5_000),
        ],
        limited: false,
      },
      afterAccept: { toMeeting: [2, 4, 9], toOpportunity: [] },
    });
    expect(f.overall.partner_sourced.pipeline).toEqual({
      read: 1,
      value: 100_000,
      unconverted: {},
      noAmount: 0,
    });
    // 80,000 EUR on 2026-12-31 at 0.9 EUR per USD.
    expect(f.overall.partner_influenced.pipeline.value).toBeCloseTo(88_888.89, 1);
    expect(f.overall.partner_sourced.won).toEqual({ read: 1, value: 40_000, unconverted: {}, noAmount: 0 });
    expect(
      f.byPartner.map((p) => [
        p.partner,
        p.figures.partner_sourced.pipeline.value,
        p.figures.partner_sourced.won.value,
      ]),
    ).toEqual([
      ['Meridian', 100_000, 0],
      ['Northwind', 0, 40_000],
    ]);
    expect(f.byBand.find((b) => b.band === 'ready')?.figures.pipeline.value).toBe(100_000);
    // c: 2026-10-01 to 11-15 is 45 days, d: 10-06 to 11-16 is 41; without: 62, 94 and 156 days.
    expect(f.closedDeals?.withPartner).toEqual({ won: 1, lost: 1, medianDaysToClose: 43 });
    expect(f.closedDeals?.withoutPartner).toEqual({ won: 1, lost: 2, medianDaysToClose: 94 });
    expect(f.afterAccept.toMeeting).toEqual({ count: 3, medianDays: 4 });
    expect(f.afterAccept.toOpportunity).toEqual({ count: 0, medianDays: null });
    expect(f.sources).toEqual([
      { system: 'salesforce', oldest: base.readAt, asOf: base.readAt, rates: true },
    ]);
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });

  it('dates its source by the newest read behind the figures, and says both when they differ', () => {
    const won = (handoffId: number, readAt: string) =>
      row([handoffId, `r${handoffId}`, 'Meridian'], 'partner_sourced', 10_000, 'won', '2026-12-07', {
        readAt: new Date(readAt),
      });
    const figures = (rows: MoneyRow[]) =>
      figuresOf(rows, {
        period: { from: new Date('2026-11-30T00:00:00Z'), to: new Date('2026-12-08T00:00:00Z') },
        days: { first: '2026-11-30', last: '2026-12-07' },
        today: '2026-12-08',
      });
    // Friday's read, and Monday's that holds Monday's close.
    const f = figures([won(1, '2026-12-04T10:00:00Z'), won(2, '2026-12-07T16:00:00Z')]);
    expect(f.sources[0]?.asOf).toEqual(new Date('2026-12-07T16:00:00Z'));
    const text = JSON.stringify(moneyBlocks(f, 'Europe/Berlin'));
    expect(text).toContain('Source: Salesforce, read Fri 4 Dec, 11:00 CET to Mon 7 Dec, 17:00 CET.');
    const one = JSON.stringify(moneyBlocks(figures([won(2, '2026-12-07T16:00:00Z')]), 'Europe/Berlin'));
    expect(one).toContain('Source: Salesforce, read Mon 7 Dec, 17:00 CET.');
  });
});
