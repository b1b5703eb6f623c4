import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type BusinessCalendar, responseDueAt, windowStart } from '../../../src/domain/businessDays.js';
import { holidayCalendar } from '../../../src/domain/holidays.js';

/** A 09:00–17:00 calendar in `timeZone`, closing the public holidays of `regions` plus `closures`. */
export const calendarIn = (
  timeZone: string,
  regions: string[] = [],
  closures: string[] = [],
): BusinessCalendar => ({
  timeZone,
  dayStart: '09:00',
  dayEnd: '17:00',
  isHoliday: holidayCalendar(regions, closures),
});

/** Six calendars for the property tests of the business-day arithmetic: zones, holidays, DST oddities, odd hours. */
export const SAMPLE_CALENDARS: BusinessCalendar[] = [
  calendarIn('UTC'),
  calendarIn('America/New_York', ['US']),
  calendarIn('Europe/Berlin', ['DE']),
  calendarIn('Australia/Sydney', ['AU'], ['2026-12-24']),
  // Midnight does not exist on its DST day in Santiago: the day still starts, as luxon starts it.
  calendarIn('America/Santiago'),
  { timeZone: 'Asia/Kolkata', dayStart: '08:30', dayEnd: '18:15' },
];

/** A moment in the two years around the DST changes of 2026 and 2027. */
export const twoYears = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) })
  .map((ms) => new Date(ms));

/** A row: sent at, the AE's calendar, business days (0: the window's start) and the moment it lands on. */
export type WindowRow = [string, BusinessCalendar, number, string];

/** One test a row: where a window sent at that moment starts (0 days) or is due. */
export function checkWindows(rows: readonly WindowRow[]): void {
  for (const [sentAt, cal, days, expected] of rows)
    it(`sent ${sentAt} in ${cal.timeZone}, + ${days} business days: ${expected}`, () => {
      const at = new Date(sentAt);
      const lands =
        days === 0 ? windowStart(at, cal).toUTC().toISO() : responseDueAt(at, days, cal).toISOString();
      expect(lands).toBe(expected);
    });
}
