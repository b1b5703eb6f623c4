import { DateTime, type IANAZone } from 'luxon';
import { zoneFor } from './zones.js';

export interface BusinessCalendar {
  /** IANA zone the days are counted in: the AE's own. */
  timeZone: string;
  /** Business hours as HH:mm, e.g. 09:00 and 17:00. */
  dayStart: string;
  dayEnd: string;
  /**
   * Extra closed days (YYYY-MM-DD in the calendar's zone): asked with the zone, whose country's holidays count. A
   * holiday calendar that also says whose regions count (`regionsFor`, domain/holidays.ts) lets people with the same
   * regions in the same zone share their remembered days.
   */
  isHoliday?: ((isoDate: string, timeZone: string, person?: string) => boolean) & {
    regionsFor?: (timeZone: string | undefined, person?: string) => readonly string[];
    /**
     * What someone's closed days depend on, when more than their regions (the program's: its revision, and their own
     * working days): people with the same key in the same zone share their remembered days.
     */
    daysKey?: (timeZone: string | undefined, person?: string) => string;
  };
  /** Whose calendar (a Slack user id): their own holiday regions, when the settings give them some, win. */
  person?: string;
  /**
   * The days of the week that are business days, ISO numbered (1 Monday … 7 Sunday): a person's own week, such as
   * Sunday to Thursday. Unset: Monday to Friday.
   */
  workingDays?: readonly number[];
}

/** A person's own week and hours, where they differ from the deployment's (the program's `person` part). */
export interface OwnWeek {
  /** Their working days, ISO numbered 1..7 (unset: Monday to Friday). */
  workingDays?: readonly number[] | undefined;
  /** Their business hours, HH:MM (unset: the deployment's). */
  hours?: { start: string; end: string } | undefined;
}

/** The default working week: Monday to Friday. */
export const MONDAY_TO_FRIDAY: readonly number[] = [1, 2, 3, 4, 5];

/** Whether an ISO day of the week (1 Monday … 7 Sunday) is a working day of the calendar's week. */
export const worksOn = (calendar: Pick<BusinessCalendar, 'workingDays'>, weekday: number): boolean =>
  (calendar.workingDays ?? MONDAY_TO_FRIDAY).includes(weekday);

/** A day at a time of day (`HH:MM`, as the settings give it). */
export function clockOf(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/** Minutes since midnight of a time of day (`HH:MM`). */
export function minutesOf(hhmm: string): number {
  const [hour, minute] = hhmm.split(':').map(Number);
  return (hour ?? 0) * 60 + (minute ?? 0);
}

const atClock = clockOf;

export function isBusinessDay(day: DateTime, calendar: BusinessCalendar): boolean {
  const date = day.toISODate();
  return (
    worksOn(calendar, day.weekday) &&
    !(date && calendar.isHoliday?.(date, calendar.timeZone, calendar.person))
  );
}

/**
 * The days from `from`'s local date to `to`'s (both included) that the calendar closes though they are weekdays or
 * days of the person's own week: the holidays, closure days and weekdays they do not work that a window between them
 * skipped (what the review names when they moved the deadline). Their own weekend is not named.
 */
export function closedWeekdaysBetween(from: Date, to: Date, calendar: BusinessCalendar): string[] {
  const zone = zoneFor(calendar.timeZone);
  if (typeof zone === 'string' || !calendar.isHoliday) return [];
  const closed: string[] = [];
  const last = localDay(to.getTime(), zone);
  for (let day = localDay(from.getTime(), zone); day <= last; day += 1) {
    // 1970-01-01 was a Thursday (ISO 4): 1 is Monday, 7 Sunday.
    const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
    const date = isoOfDay(day);
    const counted = MONDAY_TO_FRIDAY.includes(weekday) || worksOn(calendar, weekday);
    if (counted && calendar.isHoliday(date, calendar.timeZone, calendar.person)) closed.push(date);
  }
  return closed;
}

/**
 * When the window starts counting: the send time itself inside business hours on a business day,
 * otherwise the next business-day morning.
 */
export function windowStart(sentAt: Date, calendar: BusinessCalendar): DateTime {
  const zone = zoneFor(calendar.timeZone);
  if (typeof zone === 'string') throw new RangeError(`not a time zone: ${calendar.timeZone}`);
  return DateTime.fromMillis(startOf(sentAt, zone, calendar).ms, { zone });
}

/**
 * The next moment at or after `at` that a person may be reached: `at` itself inside business hours
 * on one of their business days, otherwise the opening of their next one. Their calendar's zone, working days, hours,
 * public holidays and company closure days all count. Every message the app sends on its own (not in answer to
 * someone) waits for it, in its reader's own calendar (escalation/reach.ts).
 */
export function reachableAt(at: Date, calendar: BusinessCalendar): Date {
  const zone = zoneFor(calendar.timeZone);
  if (typeof zone === 'string') throw new RangeError(`not a time zone: ${calendar.timeZone}`);
  return new Date(startOf(at, zone, calendar).ms);
}

/**
 * The window's start as epoch milliseconds and its local day (days since 1970-01-01), from the days' remembered
 * business hours (`hoursOn`): what a walk of luxon DateTimes gave, without building one per day.
 */
function startOf(sentAt: Date, zone: IANAZone, calendar: BusinessCalendar): { ms: number; day: number } {
  const days = rememberedDays(calendar);
  const t = sentAt.getTime();
  let day = localDay(t, zone);
  const hours = hoursOn(days, day, calendar);
  if (hours && t < hours[1]) return { ms: Math.max(t, hours[0]), day };
  // An unknown zone has no business day at all, and a calendar closed for a year has none soon: never look forever.
  for (let looked = 0; looked <= 367; looked += 1) {
    day += 1;
    const next = hoursOn(days, day, calendar);
    if (next) return { ms: next[0], day };
  }
  throw new RangeError(`no business day in a year in ${calendar.timeZone}`);
}

/**
 * The AE's deadline: N business days after the window starts, at the same local time of day.
 * Weekends and holidays are skipped; wall-clock time is kept across daylight-saving changes.
 */
export function responseDueAt(sentAt: Date, businessDays: number, calendar: BusinessCalendar): Date {
  const zone = zoneFor(calendar.timeZone);
  if (typeof zone === 'string') throw new RangeError(`not a time zone: ${calendar.timeZone}`);
  const start = startOf(sentAt, zone, calendar);
  // The days are walked as day numbers, each one's being open remembered (`hoursOn`); the deadline is built once, at
  // the window's local time of day on the last of them (what luxon's `plus({ days })` gives: the wall clock kept).
  const days = rememberedDays(calendar);
  let day = start.day;
  let counted = 0;
  for (let looked = 0; counted < businessDays; looked += 1) {
    if (looked > businessDays * 7 + 366)
      throw new RangeError(`no business day in a year in ${calendar.timeZone}`);
    day += 1;
    if (hoursOn(days, day, calendar)) counted += 1;
  }
  if (day === start.day) return new Date(start.ms);
  const date = new Date(day * DAY_MS);
  return DateTime.fromMillis(start.ms, { zone })
    .set({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() })
    .toJSDate();
}

/** Today's date (YYYY-MM-DD) in a zone (an unknown zone: the UTC date, as before). */
export function isoDateIn(at: Date, timeZone: string): string {
  const zone = zoneFor(timeZone);
  return typeof zone === 'string' ? at.toISOString().slice(0, 10) : localDate(at, zone);
}

/**
 * Business hours between two moments in a calendar: the time that falls inside business hours on business days.
 * Nights, weekends and holidays count for nothing, so "answered in 4 business hours" means the same anywhere.
 * Every decision computes it: the days are walked as dates, and each day's hours are worked out once (luxon, the
 * zone and the holidays) and remembered (`hoursOn`).
 */
export function businessHoursBetween(from: Date, to: Date, calendar: BusinessCalendar): number {
  if (to.getTime() <= from.getTime()) return 0;
  const zone = zoneFor(calendar.timeZone);
  // An unknown zone: no day is known, nothing counts (as luxon's invalid dates compared before).
  if (typeof zone === 'string') return 0;
  const days = rememberedDays(calendar);
  const first = localDay(from.getTime(), zone);
  const last = localDay(to.getTime(), zone);
  // An invalid date is refused, as building its local date refused it before.
  if (Number.isNaN(first) || Number.isNaN(last)) throw new RangeError('Invalid time value');
  let ms = 0;
  for (let day = first; day <= last; day += 1) {
    const hours = hoursOn(days, day, calendar);
    if (!hours) continue;
    const a = Math.max(hours[0], from.getTime());
    const b = Math.min(hours[1], to.getTime());
    if (b > a) ms += b - a;
  }
  return ms / 3_600_000;
}

/**
 * The moment `ms` of business time after `from` in a calendar: nights, weekends and holidays count for nothing, as in
 * `businessHoursBetween`. A paused response window's time is added to its deadline this way. Outside
 * business hours it counts from the next opening; a sum that ends exactly at a closing is that closing.
 */
export function businessTimeAfter(from: Date, ms: number, calendar: BusinessCalendar): Date {
  if (ms <= 0) return from;
  const zone = zoneFor(calendar.timeZone);
  if (typeof zone === 'string') throw new RangeError(`not a time zone: ${calendar.timeZone}`);
  const days = rememberedDays(calendar);
  let left = ms;
  let day = localDay(from.getTime(), zone);
  // Ten years of days: a calendar with no business day in that time is refused, never walked forever.
  for (let looked = 0; looked < 3660; looked += 1, day += 1) {
    const hours = hoursOn(days, day, calendar);
    if (!hours) continue;
    const opens = Math.max(hours[0], from.getTime());
    if (opens >= hours[1]) continue;
    if (left <= hours[1] - opens) return new Date(opens + left);
    left -= hours[1] - opens;
  }
  throw new RangeError(`no business day in ten years in ${calendar.timeZone}`);
}

const DAY_MS = 86_400_000;

/**
 * The local date (YYYY-MM-DD) of a moment in a zone, from the zone's offset at that moment (remembered per UTC day,
 * or per quarter hour on a transition day, by zoneFor): what luxon's `toISODate` gives, without building a DateTime
 * (about half of an Accept's business hours arithmetic).
 */
function localDate(at: Date, zone: IANAZone): string {
  return isoOfDay(localDay(at.getTime(), zone));
}

/** The local day of a moment in a zone, as days since 1970-01-01 (its local date's UTC midnight / one day). */
function localDay(ms: number, zone: IANAZone): number {
  return Math.floor((ms + zone.offset(ms) * 60_000) / DAY_MS);
}

/** A day number's date, YYYY-MM-DD. */
const isoOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Days remembered per calendar; a calendar that outgrows it starts again (it is only a cache). */
const MAX_DAYS_REMEMBERED = 20_000;
/** Calendars (person, zone, hours) remembered per holiday calendar, likewise. */
const MAX_CALENDARS_REMEMBERED = 2_000;
const NO_HOLIDAYS = {};
type Hours = readonly [number, number] | null;
/** Per holiday calendar (the settings' function), then per person, zone and hours: each day's hours by day number. */
const rememberedHours = new WeakMap<object, Map<string, Map<number, Hours>>>();

/** The remembered days of one calendar (looked up once per walk, not once per day). */
function rememberedDays(calendar: BusinessCalendar): Map<number, Hours> {
  const owner = calendar.isHoliday ?? NO_HOLIDAYS;
  let calendars = rememberedHours.get(owner);
  if (!calendars) {
    calendars = new Map();
    rememberedHours.set(owner, calendars);
  }
  const week = calendar.workingDays?.join('') ?? '';
  const key = `${whoseDays(calendar)}|${calendar.timeZone}|${calendar.dayStart}|${calendar.dayEnd}|${week}`;
  let days = calendars.get(key);
  if (!days) {
    if (calendars.size >= MAX_CALENDARS_REMEMBERED) calendars.clear();
    days = new Map();
    calendars.set(key, days);
  }
  return days;
}

/**
 * Whose closed days a calendar has: the holiday regions that count for its person in its zone, when the holiday
 * calendar says (everyone with them shares one set of remembered days: an AE's first decision on a day finds the day
 * worked out by another's); otherwise the person's own (a closed-day function that may answer per person).
 */
function whoseDays(calendar: BusinessCalendar): string {
  const daysKey = calendar.isHoliday?.daysKey;
  if (daysKey) return `days:${daysKey(calendar.timeZone, calendar.person)}`;
  const regionsFor = calendar.isHoliday?.regionsFor;
  return regionsFor
    ? `regions:${regionsFor(calendar.timeZone, calendar.person).join(',')}`
    : `person:${calendar.person ?? ''}`;
}

/**
 * One local day's business hours as epoch milliseconds [opens, closes], or null when the day is closed (a weekend or
 * a holiday), remembered in `days` (the calendar's, from `rememberedDays`).
 */
function hoursOn(days: Map<number, Hours>, day: number, calendar: BusinessCalendar): Hours {
  let hours = days.get(day);
  if (hours === undefined) {
    const local = DateTime.fromISO(isoOfDay(day), { zone: zoneFor(calendar.timeZone) });
    hours = isBusinessDay(local, calendar)
      ? [atClock(local, calendar.dayStart).toMillis(), atClock(local, calendar.dayEnd).toMillis()]
      : null;
    if (days.size >= MAX_DAYS_REMEMBERED) days.clear();
    days.set(day, hours);
  }
  return hours;
}
