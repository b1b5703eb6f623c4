import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { CrmConnector } from '../crm/types.js';
import type { Db } from '../db/client.js';
import {
  acceptToSteps,
  estimatesOfHandoffs,
  moneyOfHandoffs,
  readCurrencies,
} from '../db/repositories/money.js';
import type { CrmSystem } from '../domain/crmFacts.js';
import {
  type ClosedDeal,
  type EstimateRow,
  type MoneyFigures,
  type MoneyRow,
  moneyFigures,
} from '../domain/moneyFigures.js';
import { daysOf, type Period } from '../domain/periods.js';
import { zoneFor } from '../domain/zones.js';
import type { Logger } from '../logger.js';

/** The CRM's closed deals are asked for at most this many per period, and kept this long between asks. */
export const CLOSED_DEALS_MAX = 2_000;
const CLOSED_DEALS_TTL_MS = 10 * 60_000;
/** The App Home waits at most this long for the CRM's closed deals (then it says they could not be read). */
const CLOSED_DEALS_WAIT_MS = 1_500;

export interface MoneyDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  connectors: readonly CrmConnector[];
  /** The reporting currency (a program setting; undefined: the first CRM's corporate currency, else USD). */
  reportingCurrency: () => string | undefined;
  /** The reporting zone, whose midnights divide the CRM's close dates between periods. */
  timeZone: () => string;
}

type Closed = { deals: ClosedDeal[]; limited: boolean } | null;

/** One CRM's closed deals of the period; null when it cannot be asked or failed (logged). */
async function closedDealsOf(
  deps: MoneyDeps,
  connector: CrmConnector,
  from: string,
  to: string,
): Promise<Closed> {
  if (!connector.closedDeals) return null;
  return connector.closedDeals(from, to, CLOSED_DEALS_MAX).then(
    (deals) => ({
      deals: deals.map((d) => ({ ...d, system: connector.system })),
      limited: deals.length >= CLOSED_DEALS_MAX,
    }),
    (error: unknown) => {
      deps.logger.warn(
        { system: connector.system, err: error },
        `${connector.label}'s closed deals could not be read`,
      );
      return null;
    },
  );
}

/** The rows the figures read: every linked handoff whose record was read, with what it said. */
async function moneyRows(db: Db, fromDay: string): Promise<MoneyRow[]> {
  return (await moneyOfHandoffs(db, fromDay)).map((r) => ({
    handoffId: r.handoffId,
    partner: r.partnerName ?? r.partnerOrg,
    classification: r.classification,
    scoreBand: r.scoreBand,
    sentAt: r.sentAt,
    system: r.money.system,
    recordId: r.money.recordId,
    amount: r.money.amount,
    currency: r.money.currency,
    amountCorporate: r.money.amountCorporate,
    closed: r.money.closed,
    won: r.money.won,
    closeDate: r.money.closeDate,
    readAt: r.money.readAt,
  }));
}

/** The accepted handoffs without a CRM deal, with the AE's estimate and what Slack recorded. */
async function estimateRows(db: Db, from: Date): Promise<EstimateRow[]> {
  return (await estimatesOfHandoffs(db, from)).map((r) => ({
    handoffId: r.handoffId,
    partner: r.partnerName ?? r.partnerOrg,
    classification: r.classification,
    scoreBand: r.scoreBand,
    sentAt: r.sentAt,
    estimate: r.estimate,
    outcome: r.outcome === 'won' || r.outcome === 'lost' ? r.outcome : null,
    closedAt: r.outcome === 'won' || r.outcome === 'lost' ? r.closedAt : null,
  }));
}

/** Days from each handoff's first accept to its first meeting held and its opportunity, for steps in the period. */
async function afterAccept(db: Db, period: { from: Date; to: Date }) {
  const steps = await acceptToSteps(db, period.from, period.to);
  const accepted = new Map(steps.filter((s) => s.type === 'accepted').map((s) => [s.handoffId, s.at]));
  const daysFromAccept = (type: string) =>
    steps.flatMap((s) => {
      const at = accepted.get(s.handoffId);
      return s.type === type && at && s.at >= period.from
        ? [(s.at.getTime() - at.getTime()) / 86_400_000]
        : [];
    });
  return { toMeeting: daysFromAccept('meeting_held'), toOpportunity: daysFromAccept('opportunity_created') };
}

/** RevOps in money: the figures of a period, from what the read-back stored and the CRM's closed deals. */
export function createMoney(deps: MoneyDeps) {
  const closedCache = new Map<string, { at: number; value: Promise<Closed> }>();

  /** Every CRM's closed deals of the period (kept ten minutes; null when one of them could not say in time). */
  async function closedDeals(from: string, to: string): Promise<Closed> {
    const key = `${from}:${to}`;
    const now = deps.clock.now().getTime();
    let cached = closedCache.get(key);
    if (!cached || now - cached.at > CLOSED_DEALS_TTL_MS) {
      const value = Promise.all(deps.connectors.map((c) => closedDealsOf(deps, c, from, to))).then((all) =>
        all.some((a) => a === null)
          ? null
          : { deals: all.flatMap((a) => a?.deals ?? []), limited: all.some((a) => a?.limited) },
      );
      cached = { at: now, value };
      closedCache.set(key, cached);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), CLOSED_DEALS_WAIT_MS);
    });
    return Promise.race([cached.value, timeout]).finally(() => clearTimeout(timer));
  }

  async function figures(period: Period): Promise<MoneyFigures | undefined> {
    if (deps.connectors.length === 0) return undefined;
    const timeZone = deps.timeZone();
    const days = daysOf(period, timeZone);
    const dayOf = (at: Date) => DateTime.fromJSDate(at, { zone: zoneFor(timeZone) }).toISODate() as string;
    const currencies = await readCurrencies(deps.db);
    const reporting =
      deps.reportingCurrency() ??
      deps.connectors.map((c) => currencies.get(c.system)?.corporate).find((c) => c) ??
      'USD';
    return moneyFigures({
      // Open deals and those closed from the period's first day on: the figures keep those the period counts.
      rows: await moneyRows(deps.db, dayOf(period.from)),
      estimates: await estimateRows(deps.db, period.from),
      currencies,
      reporting,
      period,
      days,
      today: dayOf(deps.clock.now()),
      closedDeals: days ? await closedDeals(days.first, days.last) : { deals: [], limited: false },
      afterAccept: await afterAccept(deps.db, period),
      systems: deps.connectors.map((c) => c.system as CrmSystem),
    });
  }

  return { figures };
}

export type Money = ReturnType<typeof createMoney>;
