import { DateTime } from 'luxon';
import { zoneFor } from './zones.js';

/** The periods RevOps can pick in the App Home: trailing days up to now. */
export const PERIODS = {
  '7d': { days: 7, label: 'Last 7 days' },
  '30d': { days: 30, label: 'Last 30 days' },
  '90d': { days: 90, label: 'Last 90 days' },
  '365d': { days: 365, label: 'Last 12 months' },
} as const;
export type PeriodKey = keyof typeof PERIODS;
export const DEFAULT_PERIOD: PeriodKey = '30d';

export const isPeriodKey = (value: unknown): value is PeriodKey =>
  typeof value === 'string' && Object.hasOwn(PERIODS, value);

/** A half-open period of time, [from, to). */
export interface Period {
  from: Date;
  to: Date;
}

/**
 * The last `days` days up to `now`: from the same wall-clock time `days` calendar days before, in the reporting zone
 * (so a period across a clock change is still whole days). Every reader of a trailing period (the App Home's figures
 * and money, its CSV, the score check) takes it from here.
 */
export function lastDaysPeriod(days: number, now: Date, timeZone: string): Period {
  return {
    from: DateTime.fromJSDate(now, { zone: zoneFor(timeZone) })
      .minus({ days })
      .toJSDate(),
    to: now,
  };
}

export const periodOf = (key: PeriodKey, now: Date, timeZone: string): Period =>
  lastDaysPeriod(PERIODS[key].days, now, timeZone);

/**
 * The calendar days (YYYY-MM-DD in `timeZone`, both included) whose facts a period counts, for facts dated by day
 * only (a CRM's close date): a day belongs to the period that holds its start, midnight in the reporting zone. So a
 * day is in exactly one of two adjoining periods, as an instant is: a deal closed on a Monday is in the week that
 * Monday starts, never also in the week before. Null when the period holds no day's start.
 */
export function daysOf(period: Period, timeZone: string): { first: string; last: string } | null {
  const zone = zoneFor(timeZone);
  const from = DateTime.fromJSDate(period.from, { zone });
  const firstStart = from.equals(from.startOf('day')) ? from : from.startOf('day').plus({ days: 1 });
  const last = DateTime.fromJSDate(new Date(period.to.getTime() - 1), { zone }).startOf('day');
  if (firstStart.toMillis() >= period.to.getTime() || last < firstStart) return null;
  return { first: firstStart.toISODate() as string, last: last.toISODate() as string };
}

/** Whether a day (YYYY-MM-DD) is one of a period's days (see `daysOf`). */
export const dayIn = (day: string, days: { first: string; last: string } | null): boolean =>
  days !== null && day >= days.first && day <= days.last;
