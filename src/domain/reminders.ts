import { DateTime } from 'luxon';
import { type BusinessCalendar, clockOf, isBusinessDay, windowStart } from './businessDays.js';
import { zoneFor } from './zones.js';

/** When to nudge the AE: a share of the window's business hours, or the morning of the last business day. */
export type ReminderPoint = { kind: 'share'; percent: number } | { kind: 'lastMorning' };

/** Parses `50%,last-morning` (the REMINDERS setting; `none` for no reminders); undefined when malformed. */
export function parseReminderPoints(spec: string): ReminderPoint[] | undefined {
  if (spec.trim() === 'none') return [];
  const items = spec
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const points: ReminderPoint[] = [];
  for (const item of items) {
    const share = /^(\d{1,2})%$/.exec(item);
    if (share && Number(share[1]) >= 1) points.push({ kind: 'share', percent: Number(share[1]) });
    else if (item === 'last-morning') points.push({ kind: 'lastMorning' });
    else return undefined;
  }
  return points;
}

/** Adds business hours (counted only inside business hours on business days) to a moment inside them. */
export function addBusinessMinutes(from: DateTime, minutes: number, calendar: BusinessCalendar): DateTime {
  let at = from;
  let left = minutes;
  for (;;) {
    const closes = clockOf(at, calendar.dayEnd);
    const available = Math.max(0, closes.diff(at, 'minutes').minutes);
    // Landing exactly at closing time means the next opening: nobody wants a nudge as they leave.
    if (isBusinessDay(at, calendar) && left < available) return at.plus({ minutes: left });
    if (isBusinessDay(at, calendar)) left -= available;
    let next = clockOf(at.plus({ days: 1 }), calendar.dayStart);
    while (!isBusinessDay(next, calendar)) next = next.plus({ days: 1 });
    at = next;
  }
}

/** Hours a last-morning reminder must leave before the deadline to be worth sending that morning. */
const LAST_MORNING_LEAD_HOURS = 2;

/**
 * The opening of the last business day on which the AE can still act: the due day, unless the deadline falls at
 * or soon after its opening (a window that started at a morning opening ends at one), then the business day before.
 */
export function lastMorningOf(due: DateTime, calendar: BusinessCalendar): DateTime {
  const opening = clockOf(due, calendar.dayStart);
  if (due.diff(opening, 'hours').hours >= LAST_MORNING_LEAD_HOURS) return opening;
  let day = opening.minus({ days: 1 });
  while (!isBusinessDay(day, calendar)) day = day.minus({ days: 1 });
  return day;
}

/**
 * The reminder times of one response window, strictly between its start and its due time, in order and without
 * duplicates. A share counts business hours (so 50% of a three-day window is mid-morning of the second day, not
 * 3 a.m.); the last morning is the opening of the due day.
 */
export function reminderTimes(
  sentAt: Date,
  dueAt: Date,
  businessDays: number,
  points: readonly ReminderPoint[],
  calendar: BusinessCalendar,
): Date[] {
  const start = windowStart(sentAt, calendar);
  const due = DateTime.fromJSDate(dueAt, { zone: zoneFor(calendar.timeZone) });
  const dayMinutes = clockOf(start, calendar.dayEnd).diff(
    clockOf(start, calendar.dayStart),
    'minutes',
  ).minutes;
  const times = points.map((point) =>
    point.kind === 'share'
      ? addBusinessMinutes(start, Math.round((dayMinutes * businessDays * point.percent) / 100), calendar)
      : lastMorningOf(due, calendar),
  );
  const unique = [...new Set(times.map((t) => t.toMillis()))]
    .filter((ms) => ms > start.toMillis() && ms < due.toMillis())
    .sort((a, b) => a - b);
  return unique.map((ms) => new Date(ms));
}
