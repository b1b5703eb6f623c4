import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { holidayCalendar, isKnownRegion } from '../../../src/domain/holidays.js';

/** The dates among `dates` that the calendar treats as closed. */
const closedAmong = (isHoliday: (iso: string) => boolean, dates: string[]) =>
  dates.filter((d) => isHoliday(d));

describe('the date-holidays data the calendar relies on', () => {
  it('moves US Independence Day 2026 (a Saturday) to Friday 3 July as a public substitute day', () => {
    const observed = new Holidays('US').getHolidays(2026).filter((h) => h.date.startsWith('2026-07-0'));
    expect(observed.map((h) => ({ date: h.date, type: h.type, substitute: h.substitute ?? false }))).toEqual([
      { date: '2026-07-03 00:00:00', type: 'public', substitute: true },
      { date: '2026-07-04 00:00:00', type: 'public', substitute: false },
    ]);
  });

  it('lists Valentine’s Day as an observance and US Christmas Eve as optional, not public', () => {
    const types = Object.fromEntries(
      new Holidays('US')
        .getHolidays(2026)
        .filter((h) => ['2026-02-14', '2026-12-24'].includes(h.date.slice(0, 10)))
        .map((h) => [h.date.slice(0, 10), h.type]),
    );
    expect(types).toEqual({ '2026-02-14': 'observance', '2026-12-24': 'optional' });
  });
});

describe('holidayCalendar: United States', () => {
  const us = holidayCalendar(['US'], []);

  it('closes the federal public holidays of 2026', () => {
    expect(
      closedAmong(us, [
        '2026-01-01',
        '2026-01-19',
        '2026-05-25',
        '2026-06-19',
        '2026-07-03',
        '2026-07-04',
        '2026-09-07',
        '2026-11-11',
        '2026-11-26',
        '2026-12-25',
      ]),
    ).toHaveLength(10);
  });

  it('closes Thanksgiving but not the day after (an observance)', () => {
    expect(us('2026-11-26')).toBe(true);
    expect(us('2026-11-27')).toBe(false);
  });

  it('closes Friday 3 July 2026, when Independence Day falls on a Saturday', () => {
    expect(us('2026-07-03')).toBe(true);
    expect(us('2026-07-02')).toBe(false);
    expect(us('2026-07-06')).toBe(false);
  });

  it('keeps observances and optional days open', () => {
    // Valentine's Day, St. Patrick's Day, Tax Day, Halloween, Christmas Eve, New Year's Eve.
    expect(
      closedAmong(us, ['2026-02-14', '2026-03-17', '2026-04-15', '2026-10-31', '2026-12-24', '2026-12-31']),
    ).toEqual([]);
  });

  it('keeps ordinary weekdays open', () => {
    expect(closedAmong(us, ['2026-03-02', '2026-11-25', '2026-12-28'])).toEqual([]);
  });

  it('closes Friday 31 Dec 2027, the observed New Year’s Day of 2028 (a Saturday)', () => {
    expect(us('2027-12-31')).toBe(true);
    expect(us('2028-01-01')).toBe(true);
    expect(us('2027-12-30')).toBe(false);
  });

  it('answers for any year, not only the first one asked about', () => {
    expect(us('2030-11-28')).toBe(true); // Thanksgiving 2030
    expect(us('2025-11-27')).toBe(true); // Thanksgiving 2025
    expect(us('2030-11-27')).toBe(false);
  });
});

describe('holidayCalendar: Germany', () => {
  const bavaria = holidayCalendar(['DE-BY'], []);
  const germany = holidayCalendar(['DE'], []);

  it('closes Epiphany (6 Jan) in Bavaria but not in Germany as a whole', () => {
    expect(bavaria('2026-01-06')).toBe(true);
    expect(germany('2026-01-06')).toBe(false);
  });

  it('closes Corpus Christi and All Saints in Bavaria only', () => {
    expect(bavaria('2026-06-04')).toBe(true);
    expect(bavaria('2026-11-01')).toBe(true);
    expect(germany('2026-06-04')).toBe(false);
    expect(germany('2026-11-01')).toBe(false);
  });

  it('closes the national holidays in both', () => {
    const national = ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25'];
    const more = ['2026-10-03', '2026-12-25', '2026-12-26'];
    expect(closedAmong(germany, [...national, ...more])).toHaveLength(9);
    expect(closedAmong(bavaria, [...national, ...more])).toHaveLength(9);
  });

  it('keeps observances, bank half-days and school holidays open', () => {
    // Valentinstag, Rosenmontag, Mariä Himmelfahrt (observance in BY data), Buß- und Bettag (school in BY),
    // Heiliger Abend and Silvester (bank, from 14:00).
    const open = ['2026-02-14', '2026-02-16', '2026-08-15', '2026-11-18', '2026-12-24', '2026-12-31'];
    expect(closedAmong(bavaria, open)).toEqual([]);
    expect(closedAmong(germany, open)).toEqual([]);
  });

  it('closes Buß- und Bettag in Saxony, where it is public', () => {
    expect(holidayCalendar(['DE-SN'], [])('2026-11-18')).toBe(true);
  });
});

describe('holidayCalendar: England', () => {
  const england = holidayCalendar(['GB-ENG'], []);

  it('closes Boxing Day and its substitute Monday 28 Dec 2026 (26 Dec is a Saturday)', () => {
    expect(england('2026-12-25')).toBe(true);
    expect(england('2026-12-26')).toBe(true);
    expect(england('2026-12-28')).toBe(true);
    expect(england('2026-12-29')).toBe(false);
  });

  it('closes the bank holidays and not Mother’s Day', () => {
    expect(closedAmong(england, ['2026-05-04', '2026-05-25', '2026-08-31'])).toHaveLength(3);
    expect(england('2026-03-15')).toBe(false);
  });
});

describe('holidayCalendar: closure dates and unions', () => {
  it('closes company closure dates with no region configured', () => {
    const closures = holidayCalendar([], ['2026-12-24', '2026-12-31']);
    expect(closures('2026-12-24')).toBe(true);
    expect(closures('2026-12-31')).toBe(true);
    expect(closures('2026-12-25')).toBe(false);
    expect(closures('2026-12-30')).toBe(false);
  });

  it('adds closure dates to the public holidays of a region', () => {
    const us = holidayCalendar(['US'], ['2026-11-27']);
    expect(us('2026-11-26')).toBe(true);
    expect(us('2026-11-27')).toBe(true);
    expect(us('2026-11-30')).toBe(false);
  });

  it('closes nothing with no regions and no closure dates', () => {
    expect(closedAmong(holidayCalendar([], []), ['2026-01-01', '2026-12-25', '2026-11-26'])).toEqual([]);
  });

  it('closes the union of several regions', () => {
    const all = holidayCalendar(['US', 'DE-BY', 'GB-ENG'], []);
    expect(all('2026-11-26')).toBe(true); // US only
    expect(all('2026-01-06')).toBe(true); // Bavaria only
    expect(all('2026-12-28')).toBe(true); // England only
    expect(all('2026-07-03')).toBe(true); // US only
    expect(all('2026-02-14')).toBe(false); // an observance everywhere
    expect(all('2026-11-25')).toBe(false);
  });

  it('does not let one region close the days of another', () => {
    const us = holidayCalendar(['US'], []);
    const bavaria = holidayCalendar(['DE-BY'], []);
    expect(us('2026-01-06')).toBe(false);
    expect(bavaria('2026-11-26')).toBe(false);
    expect(holidayCalendar(['GB-ENG'], [])('2026-07-03')).toBe(false);
  });
});

describe('isKnownRegion', () => {
  it.each(['US', 'DE', 'DE-BY', 'GB-ENG', 'JP', 'NZ'])('accepts %s', (region) => {
    expect(isKnownRegion(region)).toBe(true);
  });

  it.each(['XX', 'US-ZZ', '', 'DE-', '-BY', 'GB-XYZ'])('rejects %j', (region) => {
    expect(isKnownRegion(region)).toBe(false);
  });
});
