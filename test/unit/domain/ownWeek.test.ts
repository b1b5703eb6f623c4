import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { createWindowPlanner } from '../../../src/core/responseWindow.js';
import {
  type BusinessCalendar,
  businessHoursBetween,
  closedWeekdaysBetween,
  isBusinessDay,
  responseDueAt,
} from '../../../src/domain/businessDays.js';
import { holidayCalendar } from '../../../src/domain/holidays.js';
import { hoursWords, weekInOrder, workingDaysWords } from '../../../src/domain/ownDays.js';
import { reminderTimes } from '../../../src/domain/reminders.js';

/**
 * A person's own working week and business hours. A weekend day they work is a business day of their
 * response window, a weekday they do not work is not, and their window is counted in their own hours; everyone else
 * keeps Monday to Friday and the deployment's hours.
 */
const ZONE = 'Asia/Jerusalem';
const noHolidays = holidayCalendar('none', []);
const sundayToThursday: BusinessCalendar = {
  timeZone: ZONE,
  dayStart: '08:00',
  dayEnd: '16:00',
  workingDays: [7, 1, 2, 3, 4],
  isHoliday: noHolidays,
};
const mondayToFriday: BusinessCalendar = {
  timeZone: ZONE,
  dayStart: '09:00',
  dayEnd: '17:00',
  isHoliday: noHolidays,
};
const day = (iso: string) => DateTime.fromISO(iso, { zone: ZONE });

describe('a working week of ones own', () => {
  it('a weekend day they work is a business day; a weekday they do not work is not', () => {
    // Thursday 26 November 2026 to Sunday 29.
    expect(isBusinessDay(day('2026-11-26'), sundayToThursday)).toBe(true);
    expect(isBusinessDay(day('2026-11-27'), sundayToThursday)).toBe(false);
    expect(isBusinessDay(day('2026-11-28'), sundayToThursday)).toBe(false);
    expect(isBusinessDay(day('2026-11-29'), sundayToThursday)).toBe(true);
    // Unset: Monday to Friday, as before.
    expect(isBusinessDay(day('2026-11-27'), mondayToFriday)).toBe(true);
    expect(isBusinessDay(day('2026-11-29'), mondayToFriday)).toBe(false);
  });

  it('a window sent Thursday afternoon skips Friday and Saturday: one business day is Sunday', () => {
    // Thu 26 Nov, 13:00 in Jerusalem (UTC+2).
    const sent = new Date('2026-11-26T11:00:00Z');
    expect(responseDueAt(sent, 1, sundayToThursday).toISOString()).toBe('2026-11-29T11:00:00.000Z');
    expect(responseDueAt(sent, 1, mondayToFriday).toISOString()).toBe('2026-11-27T11:00:00.000Z');
    // Three days: Sunday, Monday, Tuesday.
    expect(responseDueAt(sent, 3, sundayToThursday).toISOString()).toBe('2026-12-01T11:00:00.000Z');
  });

  it('is counted in their own hours: sent after their day ends, the window starts at their next morning', () => {
    // Thu 16:30 in Jerusalem: after their 16:00, before the team's 17:00.
    const sent = new Date('2026-11-26T14:30:00Z');
    // Starts Sunday 08:00; one business day later is Monday 08:00.
    expect(responseDueAt(sent, 1, sundayToThursday).toISOString()).toBe('2026-11-30T06:00:00.000Z');
    expect(responseDueAt(sent, 1, mondayToFriday).toISOString()).toBe('2026-11-27T14:30:00.000Z');
  });

  it('counts business hours in their days and hours', () => {
    const from = new Date('2026-11-26T06:00:00Z'); // Thu 08:00
    const to = new Date('2026-11-29T10:00:00Z'); // Sun 12:00
    expect(businessHoursBetween(from, to, sundayToThursday)).toBe(8 + 4);
    expect(businessHoursBetween(from, to, mondayToFriday)).toBe(8 + 8);
  });

  it('places a reminder at half their window in their hours (Thursday 13:00 + 8 of 16 hours: Sunday 13:00)', () => {
    const sent = new Date('2026-11-26T11:00:00Z');
    const due = responseDueAt(sent, 2, sundayToThursday);
    expect(due.toISOString()).toBe('2026-11-30T11:00:00.000Z');
    const times = reminderTimes(sent, due, 2, [{ kind: 'share', percent: 50 }], sundayToThursday);
    expect(times.map((t) => t.toISOString())).toEqual(['2026-11-29T11:00:00.000Z']);
  });

  it('names a closed day of their week, not their weekend', () => {
    const sundayClosed = Object.assign((date: string) => date === '2026-11-29', {});
    const from = new Date('2026-11-26T11:00:00Z');
    const to = new Date('2026-12-01T11:00:00Z');
    expect(closedWeekdaysBetween(from, to, { ...sundayToThursday, isHoliday: sundayClosed })).toEqual([
      '2026-11-29',
    ]);
    expect(closedWeekdaysBetween(from, to, { ...mondayToFriday, isHoliday: sundayClosed })).toEqual([]);
  });

  it('says the week and hours in words', () => {
    expect(workingDaysWords([7, 1, 2, 3, 4])).toBe('Sunday to Thursday');
    expect(workingDaysWords(undefined)).toBe('Monday to Friday');
    expect(workingDaysWords([4, 1, 2])).toBe('Monday, Tuesday and Thursday');
    expect(workingDaysWords([1, 2, 3, 4, 5, 6])).toBe('Monday to Saturday');
    expect(workingDaysWords([6, 7, 1])).toBe('Saturday to Monday');
    expect(workingDaysWords([1, 3, 7])).toBe('Sunday, Monday and Wednesday');
    expect(workingDaysWords([1, 2, 3, 4, 5, 6, 7])).toBe('every day');
    expect(weekInOrder([1, 5])).toEqual([1, 5]);
    expect(hoursWords({ start: '08:00', end: '16:00' }, ZONE)).toBe('08:00–16:00 (Asia/Jerusalem)');
    expect(hoursWords({ start: '08:00', end: '16:00' })).toBe('08:00–16:00');
  });
});

describe('the window planner: a person’s own week and hours, the team’s for everyone else', () => {
  const own = {
    U0DANA: { workingDays: [7, 1, 2, 3, 4], hours: { start: '08:00', end: '16:00' } },
    U0LEE: { workingDays: [7, 1, 2, 3, 4] },
  } as const;
  const calendar = {
    dayStart: '09:00',
    dayEnd: '17:00',
    defaultTimeZone: 'UTC',
    isHoliday: Object.assign(holidayCalendar('none', []), {
      ownWeek: (person: string) => own[person as keyof typeof own],
    }),
  };
  const windows = createWindowPlanner({ calendar, reminders: [] });
  const sent = new Date('2026-11-26T14:30:00Z'); // Thu 16:30 in Jerusalem

  it('counts Dana’s window in her week and hours, Lee’s in his week and the team’s hours', () => {
    const dueOf = (id: string) => windows.plan(sent, 1, { id, timeZone: ZONE }).dueAt.toISOString();
    expect(dueOf('U0DANA')).toBe('2026-11-30T06:00:00.000Z');
    // Lee: 16:30 is inside the team's hours; Friday and Saturday skipped.
    expect(dueOf('U0LEE')).toBe('2026-11-29T14:30:00.000Z');
    // Anyone else, and a zone alone: Monday to Friday.
    expect(dueOf('U0SAM')).toBe('2026-11-27T14:30:00.000Z');
    expect(windows.businessDaysAfter(sent, 1, ZONE).toISOString()).toBe('2026-11-27T14:30:00.000Z');
  });

  it('reads the team’s hours when it plans, not when it was built', () => {
    const thursday = new Date('2026-11-26T07:00:00Z'); // 09:00 in Jerusalem
    const friday = new Date('2026-11-27T07:00:00Z');
    const hoursOf = (id: string) => windows.businessHoursBetween(thursday, friday, { id, timeZone: ZONE });
    expect(hoursOf('U0SAM')).toBe(8);
    calendar.dayEnd = '18:00';
    try {
      expect(hoursOf('U0SAM')).toBe(9);
      // Dana's own hours stay hers.
      expect(hoursOf('U0DANA')).toBe(7);
    } finally {
      calendar.dayEnd = '17:00';
    }
  });
});
