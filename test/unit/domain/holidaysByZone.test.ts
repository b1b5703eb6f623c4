import { describe, expect, it } from 'vitest';
import { createWindowPlanner } from '../../../src/core/responseWindow.js';
import { type BusinessCalendar, responseDueAt } from '../../../src/domain/businessDays.js';
import { countryOfZone, holidayCalendar } from '../../../src/domain/holidays.js';

/** HOLIDAY_REGIONS unset: each person's public holidays come from their time zone's country. */
const byZone = holidayCalendar('by_zone', []);

const hours = { dayStart: '09:00', dayEnd: '17:00' };

describe('public holidays by the time zone’s country (the default)', () => {
  it('reads the country of a zone, old names too, and none for a zone of no country', () => {
    expect(countryOfZone('America/New_York')).toBe('US');
    expect(countryOfZone('US/Eastern')).toBe('US');
    expect(countryOfZone('Europe/Berlin')).toBe('DE');
    expect(countryOfZone('Asia/Calcutta')).toBe('IN');
    expect(countryOfZone('UTC')).toBeUndefined();
    expect(countryOfZone('Etc/GMT+5')).toBeUndefined();
    expect(countryOfZone('Not/AZone')).toBeUndefined();
  });

  it('skips Thanksgiving (Thu 26 Nov 2026) for someone in America/New_York, not the day after', () => {
    expect(byZone('2026-11-26', 'America/New_York')).toBe(true);
    expect(byZone('2026-11-27', 'America/New_York')).toBe(false);
    expect(byZone.why('2026-11-26', 'America/New_York')).toBe('Thanksgiving Day (US)');
    expect(byZone.regionsFor('America/New_York')).toEqual(['US']);
  });

  it('skips 25 and 26 December 2026 for someone in Europe/Berlin, and not US Thanksgiving', () => {
    expect(byZone('2026-12-25', 'Europe/Berlin')).toBe(true);
    expect(byZone('2026-12-26', 'Europe/Berlin')).toBe(true);
    expect(byZone('2026-11-26', 'Europe/Berlin')).toBe(false);
    expect(byZone.why('2026-12-26', 'Europe/Berlin')).toBe('Boxing Day (DE)');
  });

  it('skips no public holiday for a zone of no country (UTC), only company closure days', () => {
    const withClosure = holidayCalendar('by_zone', ['2026-12-24']);
    expect(withClosure.regionsFor('UTC')).toEqual([]);
    expect(withClosure('2026-12-25', 'UTC')).toBe(false);
    expect(withClosure('2026-12-24', 'UTC')).toBe(true);
    expect(withClosure.why('2026-12-24', 'UTC')).toBe('a company closure day');
    // Asked without a zone (as before zones counted): closures only.
    expect(withClosure('2026-11-26')).toBe(false);
  });

  it('moves a New York deadline over Thanksgiving, and a UTC one not', () => {
    const wednesday = new Date('2026-11-25T15:00:00Z');
    const ny: BusinessCalendar = { ...hours, timeZone: 'America/New_York', isHoliday: byZone };
    const utc: BusinessCalendar = { ...hours, timeZone: 'UTC', isHoliday: byZone };
    expect(responseDueAt(wednesday, 1, ny).toISOString()).toBe('2026-11-27T15:00:00.000Z');
    expect(responseDueAt(wednesday, 1, utc).toISOString()).toBe('2026-11-26T15:00:00.000Z');
  });

  it('HOLIDAY_REGIONS=none skips no public holiday; a listed region counts for every zone', () => {
    const none = holidayCalendar('none', []);
    expect(none('2026-11-26', 'America/New_York')).toBe(false);
    expect(none.regionsFor('America/New_York')).toEqual([]);
    const listed = holidayCalendar(['DE-BY'], []);
    expect(listed('2026-11-26', 'America/New_York')).toBe(false);
    expect(listed('2026-01-06', 'America/New_York')).toBe(true);
    expect(listed.regionsFor('America/New_York')).toEqual(['DE-BY']);
  });
});

describe('the deadline the review shows', () => {
  const planner = (regions: 'by_zone' | 'none') =>
    createWindowPlanner({
      calendar: { ...hours, defaultTimeZone: 'UTC', isHoliday: holidayCalendar(regions, []) },
      reminders: [],
    });

  it('names the holiday that moved it', () => {
    expect(planner('by_zone').deadline(new Date('2026-11-25T15:00:00Z'), 1, 'America/New_York')).toEqual({
      dueAt: '2026-11-27T15:00:00.000Z',
      timeZone: 'America/New_York',
      businessDays: 1,
      skipped: [{ date: '2026-11-26', why: 'Thanksgiving Day (US)' }],
      holidayRegions: ['US'],
      holidaysBy: 'zone',
    });
  });

  it('says when no public holiday counts', () => {
    expect(planner('none').deadline(new Date('2026-11-25T15:00:00Z'), 1, 'America/New_York')).toMatchObject({
      dueAt: '2026-11-26T15:00:00.000Z',
      skipped: [],
      holidayRegions: [],
      holidaysBy: 'none',
    });
    expect(planner('by_zone').deadline(new Date('2026-11-25T15:00:00Z'), 1, undefined)).toMatchObject({
      timeZone: 'UTC',
      skipped: [],
      holidayRegions: [],
      holidaysBy: 'zone',
    });
  });

  it('gives a person’s today in their own zone (Sunday evening in New York is not Monday)', () => {
    const sunday = new Date('2026-11-23T01:35:00Z');
    expect(planner('by_zone').todayOf(sunday, 'America/New_York')).toBe('2026-11-22');
    expect(planner('by_zone').todayOf(sunday, undefined)).toBe('2026-11-23');
  });
});
