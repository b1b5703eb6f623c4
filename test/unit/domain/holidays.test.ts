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

describe('holidayCalendar', () => {
  const us = holidayCalendar(['US'], []);
  const bavaria = holidayCalendar(['DE-BY'], []);
  const germany = holidayCalendar(['DE'], []);
  const england = holidayCalendar(['GB-ENG'], []);
  const NATIONAL_DE = ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25'];
  const MORE_DE = ['2026-10-03', '2026-12-25', '2026-12-26'];
  // Valentinstag, Rosenmontag, Mariä Himmelfahrt (observance in BY data), Buß- und Bettag (school in BY),
  // Heiliger Abend and Silvester (bank, from 14:00).
  const OPEN_DE = ['2026-02-14', '2026-02-16', '2026-08-15', '2026-11-18', '2026-12-24', '2026-12-31'];

  it.each<[string, (iso: string) => boolean, string[], string[]]>([
    [
      'US: the federal public holidays of 2026',
      us,
      ['2026-01-01', '2026-01-19', '2026-05-25', '2026-06-19', '2026-07-03', '2026-07-04', '2026-09-07'],
      [],
    ],
    ['US: the federal public holidays of 2026 (autumn)', us, ['2026-11-11', '2026-11-26', '2026-12-25'], []],
    ['US: Thanksgiving but not the day after (an observance)', us, ['2026-11-26'], ['2026-11-27']],
    [
      'US: Fri 3 Jul 2026, when Independence Day falls on a Saturday',
      us,
      ['2026-07-03'],
      ['2026-07-02', '2026-07-06'],
    ],
    // Valentine's Day, St. Patrick's Day, Tax Day, Halloween, Christmas Eve, New Year's Eve; ordinary weekdays.
    [
      'US: observances and optional days open',
      us,
      [],
      ['2026-02-14', '2026-03-17', '2026-04-15', '2026-10-31'],
    ],
    ['US: Christmas and New Year’s Eve open', us, [], ['2026-12-24', '2026-12-31']],
    ['US: ordinary weekdays open', us, [], ['2026-03-02', '2026-11-25', '2026-12-28']],
    [
      'US: Fri 31 Dec 2027, the observed New Year’s Day of 2028',
      us,
      ['2027-12-31', '2028-01-01'],
      ['2027-12-30'],
    ],
    // Thanksgiving 2030 and 2025.
    ['US: any year, not only the first one asked about', us, ['2030-11-28', '2025-11-27'], ['2030-11-27']],
    [
      'Bavaria: Epiphany, Corpus Christi and All Saints',
      bavaria,
      ['2026-01-06', '2026-06-04', '2026-11-01'],
      [],
    ],
    [
      'Germany: not Epiphany, Corpus Christi nor All Saints',
      germany,
      [],
      ['2026-01-06', '2026-06-04', '2026-11-01'],
    ],
    ['Germany: the national holidays', germany, [...NATIONAL_DE, ...MORE_DE], []],
    ['Bavaria: the national holidays', bavaria, [...NATIONAL_DE, ...MORE_DE], []],
    ['Germany: observances, bank half-days and school holidays open', germany, [], OPEN_DE],
    ['Bavaria: observances, bank half-days and school holidays open', bavaria, [], OPEN_DE],
    ['Saxony: Buß- und Bettag, public there', holidayCalendar(['DE-SN'], []), ['2026-11-18'], []],
    // 26 Dec 2026 is a Saturday.
    [
      'England: Boxing Day and its substitute Monday',
      england,
      ['2026-12-25', '2026-12-26', '2026-12-28'],
      ['2026-12-29'],
    ],
    [
      'England: the bank holidays, not Mother’s Day',
      england,
      ['2026-05-04', '2026-05-25', '2026-08-31'],
      ['2026-03-15'],
    ],
    [
      'company closure dates with no region configured',
      holidayCalendar([], ['2026-12-24', '2026-12-31']),
      ['2026-12-24', '2026-12-31'],
      ['2026-12-25', '2026-12-30'],
    ],
    [
      'closure dates added to the public holidays of a region',
      holidayCalendar(['US'], ['2026-11-27']),
      ['2026-11-26', '2026-11-27'],
      ['2026-11-30'],
    ],
    [
      'nothing with no regions and no closure dates',
      holidayCalendar([], []),
      [],
      ['2026-01-01', '2026-12-25', '2026-11-26'],
    ],
    // US only, Bavaria only, England only, US only; an observance everywhere and an ordinary day open.
    [
      'the union of several regions',
      holidayCalendar(['US', 'DE-BY', 'GB-ENG'], []),
      ['2026-11-26', '2026-01-06', '2026-12-28', '2026-07-03'],
      ['2026-02-14', '2026-11-25'],
    ],
    // One region does not close the days of another.
    ['US: not Epiphany', us, [], ['2026-01-06']],
    ['Bavaria: not Thanksgiving', bavaria, [], ['2026-11-26']],
    ['England: not the US Independence Day substitute', england, [], ['2026-07-03']],
  ])('%s', (_, isHoliday, closed, open) => {
    expect(closedAmong(isHoliday, closed)).toEqual(closed);
    expect(closedAmong(isHoliday, open)).toEqual([]);
  });
});

describe('isKnownRegion', () => {
  it.each(['US', 'DE', 'DE-BY', 'GB-ENG', 'JP', 'NZ'])('accepts %s', (region) => {
    expect(isKnownRegion(region)).toBe(true);
  });

  it.each(['XX', 'US-ZZ', '', 'DE-', '-BY', 'GB-XYZ', 'DE-BY-A'])('rejects %j', (region) => {
    expect(isKnownRegion(region)).toBe(false);
  });
});
