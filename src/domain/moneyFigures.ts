import type { Classification } from './attribution.js';
import type { CrmSystem } from './crmFacts.js';
import { type Amount, addTo, type Currencies, emptySum, type Sum } from './money.js';
import { dayIn, type Period } from './periods.js';
import type { Band } from './scoringModel.js';

/**
 * RevOps in money: pipeline and closed-won value by class, partner and score band; win rate and days to
 * close with a partner and without one; days from the accept to the first meeting and to the opportunity. Pure: the
 * service reads the rows. Every figure carries its source and as-of time, and a figure the CRM could not give says
 * so (a `Sum` with nothing read), never 0.
 */

/** One linked handoff with what its record said at the last poll. */
export interface MoneyRow {
  handoffId: number;
  partner: string;
  classification: Classification | null;
  scoreBand: Band | null;
  sentAt: Date;
  system: CrmSystem;
  recordId: string;
  amount: number | null;
  currency: string | null;
  amountCorporate: number | null;
  closed: boolean;
  won: boolean;
  closeDate: string | null;
  readAt: Date;
}

/** A deal the CRM closed in the period, linked to a handoff or not. */
export interface ClosedDeal {
  system: CrmSystem;
  id: string;
  won: boolean;
  createdOn: string | null;
  closeDate: string | null;
  amount: number | null;
  currency: string | null;
  amountCorporate: number | null;
}

/**
 * An accepted handoff with no deal read from the CRM (none linked, or not read yet): the AE's estimate at the accept,
 * and whether it was won or lost in Slack (an outcome step a person recorded), and when.
 */
export interface EstimateRow {
  handoffId: number;
  partner: string;
  classification: Classification | null;
  scoreBand: Band | null;
  sentAt: Date;
  /** The AE's estimated value (whole units of the reporting currency); null when they gave none. */
  estimate: number | null;
  outcome: 'won' | 'lost' | null;
  /** When the outcome was recorded in Slack. */
  closedAt: Date | null;
}

export interface ByClass {
  /** Open deals of handoffs sent in the period. */
  pipeline: Sum;
  /** Deals won with a close date in the period. */
  won: Sum;
  /** Open accepted handoffs sent in the period with no CRM deal: the AE's estimates, never mixed with the CRM's. */
  pipelineEstimated: Sum;
  /** Handoffs won in Slack in the period with no CRM deal: counted, at the AE's estimate when they gave one. */
  wonInSlack: Sum;
}

export interface WinFigures {
  won: number;
  lost: number;
  /** Median days from the deal's creation to its close; null when none closed with both days known. */
  medianDaysToClose: number | null;
}

export interface MoneyFigures {
  reporting: string;
  /**
   * Each CRM read: the newest read behind the figures (their as-of time: a close read Monday is in them) and the
   * oldest (the figures say both when they differ).
   */
  sources: { system: CrmSystem; oldest: Date | null; asOf: Date | null; rates: boolean }[];
  overall: Record<Classification, ByClass>;
  byPartner: { partner: string; figures: Record<Classification, ByClass> }[];
  byBand: { band: Band; figures: ByClass }[];
  /**
   * Deals the CRM closed in the period: with a partner (linked to a handoff), and without (the rest it holds). Null
   * when the CRM was not asked or could not answer (the figure then says so).
   */
  closedDeals: { withPartner: WinFigures; withoutPartner: WinFigures; limited: boolean } | null;
  /** Calendar days from the accept, medians: to the first meeting held, to the opportunity (from the touch log). */
  afterAccept: { toMeeting: Durations; toOpportunity: Durations };
}

export interface Durations {
  count: number;
  medianDays: number | null;
}

export interface MoneyInput {
  rows: readonly MoneyRow[];
  /** Accepted handoffs without a CRM deal (`EstimateRow`). */
  estimates?: readonly EstimateRow[];
  currencies: ReadonlyMap<CrmSystem, Currencies>;
  reporting: string;
  period: Period;
  /** The days whose closes the period counts (`daysOf`: a day is in the period that holds its start). */
  days: { first: string; last: string } | null;
  /** The day the period ends (YYYY-MM-DD, the reporting zone): an open deal without a close date is valued then. */
  today: string;
  /** The CRM's closed deals in the period, and whether there were more than it read. */
  closedDeals: { deals: readonly ClosedDeal[]; limited: boolean } | null;
  /** Days from the accept, per handoff, for steps recorded in the period. */
  afterAccept: { toMeeting: readonly number[]; toOpportunity: readonly number[] };
  systems: readonly CrmSystem[];
}

const BANDS: readonly Band[] = ['ready', 'fix', 'keep_building'];

const emptyByClass = (): ByClass => ({
  pipeline: emptySum(),
  won: emptySum(),
  pipelineEstimated: emptySum(),
  wonInSlack: emptySum(),
});
const emptyClasses = (): Record<Classification, ByClass> => ({
  partner_sourced: emptyByClass(),
  partner_influenced: emptyByClass(),
});

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

function winFigures(deals: readonly ClosedDeal[]): WinFigures {
  const days = deals.flatMap((d) =>
    d.createdOn && d.closeDate ? [daysBetween(d.createdOn, d.closeDate)] : [],
  );
  return {
    won: deals.filter((d) => d.won).length,
    lost: deals.filter((d) => !d.won).length,
    medianDaysToClose: median(days),
  };
}

/** Which part of a class's figures a row counts in, if any: pipeline (sent in the period, open) or won (closed in it). */
function partOf(row: MoneyRow, input: MoneyInput): keyof ByClass | undefined {
  const { from, to } = input.period;
  if (!row.closed) return row.sentAt >= from && row.sentAt < to ? 'pipeline' : undefined;
  return row.won && row.closeDate && dayIn(row.closeDate, input.days) ? 'won' : undefined;
}

/** Which part an estimate counts in, if any: open and sent in the period, or won in Slack in it. */
function estimatePartOf(row: EstimateRow, period: Period): keyof ByClass | undefined {
  const inPeriod = (at: Date | null) => at !== null && at >= period.from && at < period.to;
  if (row.outcome === null) return inPeriod(row.sentAt) ? 'pipelineEstimated' : undefined;
  return row.outcome === 'won' && inPeriod(row.closedAt) ? 'wonInSlack' : undefined;
}

export function moneyFigures(input: MoneyInput): MoneyFigures {
  const overall = emptyClasses();
  const partners = new Map<string, Record<Classification, ByClass>>();
  const bands = new Map<Band, ByClass>(BANDS.map((b) => [b, emptyByClass()]));
  const count = (
    row: { partner: string; classification: Classification | null; scoreBand: Band | null },
    part: keyof ByClass | undefined,
    add: (sum: Sum) => void,
  ) => {
    if (!part || !row.classification) return;
    add(overall[row.classification][part]);
    const partner = partners.get(row.partner) ?? emptyClasses();
    partners.set(row.partner, partner);
    add(partner[row.classification][part]);
    const band = row.scoreBand ? bands.get(row.scoreBand) : undefined;
    if (band) add(band[part]);
  };
  for (const row of input.rows) {
    const currencies = input.currencies.get(row.system) ?? { corporate: null, rates: [] };
    const amount: Amount = { ...row, day: row.closeDate ?? input.today };
    count(row, partOf(row, input), (sum) => addTo(sum, amount, currencies, input.reporting));
  }
  // The AE's estimate is in the reporting currency: added as it is.
  const asGiven = { corporate: null, rates: [] };
  for (const row of input.estimates ?? []) {
    const amount: Amount = {
      amount: row.estimate,
      currency: input.reporting,
      amountCorporate: null,
      day: input.today,
    };
    count(row, estimatePartOf(row, input.period), (sum) => addTo(sum, amount, asGiven, input.reporting));
  }
  const linked = new Set(input.rows.map((r) => `${r.system}:${r.recordId}`));
  const isLinked = (d: ClosedDeal) => linked.has(`${d.system}:${d.id}`);
  const reads = (system: CrmSystem, pick: (...at: number[]) => number) => {
    const at = input.rows.filter((r) => r.system === system).map((r) => r.readAt.getTime());
    return at.length > 0 ? new Date(pick(...at)) : null;
  };
  return {
    reporting: input.reporting,
    sources: input.systems.map((system) => ({
      system,
      oldest: reads(system, Math.min),
      asOf: reads(system, Math.max),
      rates: (input.currencies.get(system)?.corporate ?? null) !== null,
    })),
    overall,
    byPartner: [...partners.entries()]
      .map(([partner, figures]) => ({ partner, figures }))
      .sort((a, b) => a.partner.localeCompare(b.partner)),
    byBand: BANDS.map((band) => ({ band, figures: bands.get(band) ?? emptyByClass() })),
    closedDeals: input.closedDeals
      ? {
          withPartner: winFigures(input.closedDeals.deals.filter(isLinked)),
          withoutPartner: winFigures(input.closedDeals.deals.filter((d) => !isLinked(d))),
          limited: input.closedDeals.limited,
        }
      : null,
    afterAccept: {
      toMeeting: {
        count: input.afterAccept.toMeeting.length,
        medianDays: median(input.afterAccept.toMeeting),
      },
      toOpportunity: {
        count: input.afterAccept.toOpportunity.length,
        medianDays: median(input.afterAccept.toOpportunity),
      },
    },
  };
}
