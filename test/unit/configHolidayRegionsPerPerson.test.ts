import { describe, expect, it } from 'vitest';
import { createWindowPlanner } from '../../src/core/responseWindow.js';
import { holidayCalendar } from '../../src/domain/holidays.js';

/** HOLIDAY_REGIONS may give one person their own public-holiday regions (read: config.test.ts). */

describe('a holiday calendar with people’s own regions', () => {
  const calendar = holidayCalendar('by_zone', [], { U0JORD: ['DE-BY'], U0NONE: [] });
  const thanksgiving = '2026-11-26';
  const epiphany = '2027-01-06';

  it("counts the person's own regions, not their zone's; others keep their zone's", () => {
    expect(calendar(thanksgiving, 'America/New_York', 'U0JORD')).toBe(false);
    expect(calendar(epiphany, 'America/New_York', 'U0JORD')).toBe(true);
    expect(calendar.why(epiphany, 'America/New_York', 'U0JORD')).toBe('Epiphany (DE-BY)');
    expect(calendar(thanksgiving, 'America/New_York', 'U0OTHER')).toBe(true);
    expect(calendar(thanksgiving, 'America/New_York')).toBe(true);
    expect(calendar(thanksgiving, 'America/New_York', 'U0NONE')).toBe(false);
    expect(calendar.regionsFor('America/New_York', 'U0JORD')).toEqual(['DE-BY']);
    expect(calendar.chosenFor('U0JORD')).toBe('person');
    expect(calendar.chosenFor('U0OTHER')).toBe('by_zone');
  });

  it('the review’s deadline uses the same regions, and says how they were chosen', () => {
    const planner = createWindowPlanner({
      calendar: { dayStart: '09:00', dayEnd: '17:00', defaultTimeZone: 'UTC', isHoliday: calendar },
      reminders: [],
    });
    const wednesday = new Date('2026-11-25T15:00:00Z');
    expect(planner.deadline(wednesday, 1, { id: 'U0JORD', timeZone: 'America/New_York' })).toEqual({
      dueAt: '2026-11-26T15:00:00.000Z',
      timeZone: 'America/New_York',
      businessDays: 1,
      skipped: [],
      holidayRegions: ['DE-BY'],
      holidaysBy: 'person',
    });
    // `U0NONE=none`: that person's own setting (no region), not the workspace's "none".
    expect(planner.deadline(wednesday, 1, { id: 'U0NONE', timeZone: 'America/New_York' })).toMatchObject({
      holidayRegions: [],
      holidaysBy: 'person',
    });
    expect(planner.deadline(wednesday, 1, { id: 'U0OTHER', timeZone: 'America/New_York' })).toMatchObject({
      dueAt: '2026-11-27T15:00:00.000Z',
      skipped: [{ date: thanksgiving, why: 'Thanksgiving Day (US)' }],
      holidaysBy: 'zone',
    });
    // The plan, the stall nudge and time to decision count the same days.
    const jordan = { id: 'U0JORD', timeZone: 'America/New_York' };
    expect(planner.plan(wednesday, 1, jordan).dueAt.toISOString()).toBe('2026-11-26T15:00:00.000Z');
    expect(planner.businessDaysAfter(wednesday, 1, jordan).toISOString()).toBe('2026-11-26T15:00:00.000Z');
    const thursdayNoon = new Date('2026-11-26T17:00:00Z');
    expect(planner.businessHoursBetween(wednesday, thursdayNoon, jordan)).toBe(10);
    expect(planner.businessHoursBetween(wednesday, thursdayNoon, 'America/New_York')).toBe(7);
  });
});
