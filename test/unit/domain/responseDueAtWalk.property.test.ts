import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type BusinessCalendar,
  clockOf,
  isBusinessDay,
  responseDueAt,
  windowStart,
} from '../../../src/domain/businessDays.js';
import { seedOf } from '../../support/seed.js';
import { SAMPLE_CALENDARS, twoYears } from './calendarFixtures.js';

/**
 * The window's start and deadline as a walk of luxon DateTimes, a day at a time (how they were computed before the
 * days were remembered by number): the remembered walk must give the same instants.
 */
function startByLuxon(sentAt: Date, calendar: BusinessCalendar): DateTime {
  const local = DateTime.fromJSDate(sentAt, { zone: calendar.timeZone });
  const opens = clockOf(local, calendar.dayStart);
  const closes = clockOf(local, calendar.dayEnd);
  if (isBusinessDay(local, calendar) && local < closes) return local < opens ? opens : local;
  let day = clockOf(local.plus({ days: 1 }), calendar.dayStart);
  while (!isBusinessDay(day, calendar)) day = day.plus({ days: 1 });
  return day;
}

function dueByLuxon(sentAt: Date, businessDays: number, calendar: BusinessCalendar): Date {
  const start = startByLuxon(sentAt, calendar);
  let day = start;
  for (let counted = 0; counted < businessDays; ) {
    day = day.plus({ days: 1 });
    if (isBusinessDay(day, calendar)) counted += 1;
  }
  return day.toJSDate();
}

describe('responseDueAt and windowStart: the remembered walk gives the day-by-day instants', () => {
  it('for random sends and windows of 0 to 15 business days, in six calendars', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLE_CALENDARS),
        twoYears,
        fc.integer({ min: 0, max: 15 }),
        (calendar, at, n) => {
          expect(windowStart(at, calendar).toMillis()).toBe(startByLuxon(at, calendar).toMillis());
          expect(responseDueAt(at, n, calendar).toISOString()).toBe(
            dueByLuxon(at, n, calendar).toISOString(),
          );
        },
      ),
      { seed: seedOf(20261124), numRuns: 600 },
    );
  });
});
