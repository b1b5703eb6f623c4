import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createWindowPlanner } from '../../src/core/responseWindow.js';
import { holidayCalendar } from '../../src/domain/holidays.js';
import { configProblems } from '../support/configEnv.js';

/** Issue 31, item 8: HOLIDAY_REGIONS entries may give one person their own public-holiday regions. */

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
const calendarOf = (value: string) => loadConfig({ ...base, HOLIDAY_REGIONS: value }).calendar;

const problems = (value: string) => configProblems({ HOLIDAY_REGIONS: value });

const HINT = 'use country codes, optionally with a region, like US,DE-BY,GB-ENG';

describe('HOLIDAY_REGIONS: a person’s own entries', () => {
  it('gives those people their regions and everyone else theirs by zone', () => {
    expect(calendarOf('U0AE1JORD=DE-BY, U0AE2SAM = GB-ENG')).toMatchObject({
      holidayRegions: 'by_zone',
      holidayRegionsByPerson: { U0AE1JORD: ['DE-BY'], U0AE2SAM: ['GB-ENG'] },
    });
  });

  it('mixes with a list for everyone, in any order', () => {
    expect(calendarOf('U0AE1JORD=DE-BY,US')).toMatchObject({
      holidayRegions: ['US'],
      holidayRegionsByPerson: { U0AE1JORD: ['DE-BY'] },
    });
  });

  it('reads several regions joined by +, and none (any case)', () => {
    expect(calendarOf('none,U1AB=DE-BY+AT,W2CD=None')).toMatchObject({
      holidayRegions: 'none',
      holidayRegionsByPerson: { U1AB: ['DE-BY', 'AT'], W2CD: [] },
    });
  });

  it('is empty when no entry names a person', () => {
    expect(calendarOf('US').holidayRegionsByPerson).toEqual({});
  });

  it.each([
    [
      'U0AE1JORD=DE-XX',
      [`HOLIDAY_REGIONS has "U0AE1JORD=DE-XX": "DE-XX" is not a country or region I know: ${HINT}`],
    ],
    [
      'US,U1AB=DE-BY+Austria',
      [`HOLIDAY_REGIONS has "U1AB=DE-BY+Austria": "Austria" is not a country or region I know: ${HINT}`],
    ],
    [
      'jordan=DE-BY',
      [
        `HOLIDAY_REGIONS has "jordan=DE-BY": a person's own regions are written as their Slack user id, =, then regions joined by + (U012ABCDEF=DE-BY+AT) or none`,
      ],
    ],
    [
      'U1AB=DE-BY=AT',
      [
        `HOLIDAY_REGIONS has "U1AB=DE-BY=AT": a person's own regions are written as their Slack user id, =, then regions joined by + (U012ABCDEF=DE-BY+AT) or none`,
      ],
    ],
    ['U1AB=', [`HOLIDAY_REGIONS has "U1AB=": "" is not a country or region I know: ${HINT}`]],
    [
      'U1AB=DE-BY,U1AB=AT',
      ['HOLIDAY_REGIONS names U1AB twice: give each person one entry (regions joined by +)'],
    ],
    [
      'U1AB=XX,YY',
      [
        `HOLIDAY_REGIONS has "U1AB=XX": "XX" is not a country or region I know: ${HINT}`,
        `HOLIDAY_REGIONS has "YY", which is not a country or region I know: ${HINT}`,
      ],
    ],
  ])('rejects %j, naming each bad entry', (value, expected) => {
    expect(problems(value)).toEqual(expected);
  });
});

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
