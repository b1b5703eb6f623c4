import { DateTime } from 'luxon';
import { zoneFor } from './zones.js';

export interface BusinessCalendar {
  /** IANA zone the days are counted in: the AE's own. */
  timeZone: string;
  /** Business hours as HH:mm, e.g. 09:00 and 17:00. */
  dayStart: string;
  dayEnd: string;
  /** Extra closed days (YYYY-MM-DD in the calendar's zone). */
  isHoliday?: (isoDate: string) => boolean;
}

function atClock(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

export function isBusinessDay(day: DateTime, calendar: BusinessCalendar): boolean {
  const date = day.toISODate();
  return day.weekday <= 5 && !(date && calendar.isHoliday?.(date));
}

/**
 * When the window starts counting: the send time itself inside business hours on a business day,
 * otherwise the next business-day morning.
 */
export function windowStart(sentAt: Date, calendar: BusinessCalendar): DateTime {
  const local = DateTime.fromJSDate(sentAt, { zone: zoneFor(calendar.timeZone) });
  const opens = atClock(local, calendar.dayStart);
  const closes = atClock(local, calendar.dayEnd);
  if (isBusinessDay(local, calendar) && local < closes) {
    return local < opens ? opens : local;
  }
  let day = atClock(local.plus({ days: 1 }), calendar.dayStart);
  while (!isBusinessDay(day, calendar)) day = day.plus({ days: 1 });
  return day;
}

/**
 * The AE's deadline: N business days after the window starts, at the same local time of day.
 * Weekends and holidays are skipped; wall-clock time is kept across daylight-saving changes.
 */
export function responseDueAt(sentAt: Date, businessDays: number, calendar: BusinessCalendar): Date {
  let due = windowStart(sentAt, calendar);
  let counted = 0;
  while (counted < businessDays) {
    due = due.plus({ days: 1 });
    if (isBusinessDay(due, calendar)) counted += 1;
  }
  return due.toJSDate();
}

/** Today's date (YYYY-MM-DD) in a zone. */
export function isoDateIn(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: zoneFor(timeZone) }).toISODate() ?? at.toISOString().slice(0, 10);
}

/**
 * Business hours between two moments in a calendar: the time that falls inside business hours on business days.
 * Nights, weekends and holidays count for nothing, so "answered in 4 business hours" means the same anywhere.
 */
export function businessHoursBetween(from: Date, to: Date, calendar: BusinessCalendar): number {
  if (to.getTime() <= from.getTime()) return 0;
  const start = DateTime.fromJSDate(from, { zone: zoneFor(calendar.timeZone) });
  const end = DateTime.fromJSDate(to, { zone: zoneFor(calendar.timeZone) });
  let ms = 0;
  for (let day = start.startOf('day'); day <= end; day = day.plus({ days: 1 })) {
    if (!isBusinessDay(day, calendar)) continue;
    const opens = atClock(day, calendar.dayStart);
    const closes = atClock(day, calendar.dayEnd);
    const a = opens > start ? opens : start;
    const b = closes < end ? closes : end;
    if (b > a) ms += b.toMillis() - a.toMillis();
  }
  return ms / 3_600_000;
}
