import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type BusinessCalendar,
  businessHoursBetween,
  isBusinessDay,
} from '../../../src/domain/businessDays.js';
import { holidayCalendar } from '../../../src/domain/holidays.js';
import { seedOf } from '../../support/seed.js';
import { calendarIn, SAMPLE_CALENDARS, twoYears } from './calendarFixtures.js';

/** Business hours between two ISO instants (with an explicit offset, so the wall clock is visible). */
const hours = (from: string, to: string, calendar: BusinessCalendar) =>
  businessHoursBetween(new Date(from), new Date(to), calendar);

const utc = calendarIn('UTC');
const newYork = calendarIn('America/New_York', ['US']);

describe('businessHoursBetween: hand-counted spans', () => {
  const noHolidays = calendarIn('America/New_York');
  const closed = calendarIn('UTC', [], ['2026-12-29']);
  const la = calendarIn('America/Los_Angeles');
  // The same two instants, Mon 23 Nov 2026 14:00Z -> 20:00Z, read on four calendars.
  const [from, to] = ['2026-11-23T14:00:00Z', '2026-11-23T20:00:00Z'];

  it.each<[string, string, BusinessCalendar, number]>([
    // One day, Mon 23 Nov 2026 (UTC, 09:00–17:00): inside business hours, 3.5 h and the whole day.
    ['2026-11-23T10:00:00Z', '2026-11-23T13:30:00Z', utc, 3.5],
    ['2026-11-23T09:00:00Z', '2026-11-23T17:00:00Z', utc, 8],
    // A start before opening and an end after closing are clipped: 09–11, 15–17, the whole day.
    ['2026-11-23T07:00:00Z', '2026-11-23T11:00:00Z', utc, 2],
    ['2026-11-23T15:00:00Z', '2026-11-23T20:00:00Z', utc, 2],
    ['2026-11-23T06:00:00Z', '2026-11-23T22:00:00Z', utc, 8],
    // Nothing entirely outside business hours: after closing, before opening, Sat 21 Nov.
    ['2026-11-23T17:00:00Z', '2026-11-23T23:59:00Z', utc, 0],
    ['2026-11-23T00:00:00Z', '2026-11-23T09:00:00Z', utc, 0],
    ['2026-11-21T10:00:00Z', '2026-11-21T16:00:00Z', utc, 0],
    // 0 when `to` is not after `from`.
    ['2026-11-23T13:00:00Z', '2026-11-23T13:00:00Z', utc, 0],
    ['2026-11-23T13:00:00Z', '2026-11-23T10:00:00Z', utc, 0],
    ['2026-11-30T13:00:00Z', '2026-11-23T10:00:00Z', utc, 0],
    // The night: Mon 16–17 (1) + Tue 09–10 (1); Mon 12–17 (5) + Tue (8) + Wed 09–12 (3).
    ['2026-11-23T16:00:00Z', '2026-11-24T10:00:00Z', utc, 2],
    ['2026-11-23T12:00:00Z', '2026-11-25T12:00:00Z', utc, 16],
    // The weekend: Fri 15–17 (2) + Mon 09–11 (2); from Sat noon only Mon 09–12; Mon to Mon, five full days.
    ['2026-11-20T15:00:00Z', '2026-11-23T11:00:00Z', utc, 4],
    ['2026-11-21T12:00:00Z', '2026-11-23T12:00:00Z', utc, 3],
    ['2026-11-16T09:00:00Z', '2026-11-23T09:00:00Z', utc, 40],
    // US Thanksgiving (Thu 26 Nov 2026) in New York (EST): Wed 16–17 (1) + Thu closed + Fri 09–10 (1); without
    // the US holidays the Thursday counts (1 + 8 + 1); the holiday itself counts for nothing.
    ['2026-11-25T16:00:00-05:00', '2026-11-27T10:00:00-05:00', newYork, 2],
    ['2026-11-25T16:00:00-05:00', '2026-11-27T10:00:00-05:00', noHolidays, 10],
    ['2026-11-26T08:00:00-05:00', '2026-11-26T18:00:00-05:00', newYork, 0],
    // A company closure date (Tue 29 Dec 2026): Mon 2 + Wed 2; without it 2 + 8 + 2.
    ['2026-12-28T15:00:00Z', '2026-12-30T11:00:00Z', closed, 4],
    ['2026-12-28T15:00:00Z', '2026-12-30T11:00:00Z', utc, 12],
    // Counted in the calendar's own zone: New York 09:00 -> 15:00; Berlin 15:00 -> 21:00 clipped at 17:00; Tokyo
    // Mon 23:00 -> Tue 05:00, all night; UTC 14:00 -> 17:00.
    [from, to, noHolidays, 6],
    [from, to, calendarIn('Europe/Berlin'), 2],
    [from, to, calendarIn('Asia/Tokyo'), 0],
    [from, to, utc, 3],
    // The local weekday: Fri 20 Nov 16:00 -> 17:00 PST is Sat 00:00Z -> 01:00Z.
    ['2026-11-21T00:00:00Z', '2026-11-21T01:00:00Z', la, 1],
    ['2026-11-21T00:00:00Z', '2026-11-21T01:00:00Z', utc, 0],
    // 8 business hours a day through the autumn change (New York, Sun 1 Nov 2026): Fri 16:00 EDT -> Mon 10:00 EST
    // is 1 + 1 (67 h of real time); Mon 26 Oct -> Fri 6 Nov, ten full days; Mon 2 Nov opens at 09:00 EST = 14:00Z,
    // a week earlier at 13:00Z.
    ['2026-10-30T16:00:00-04:00', '2026-11-02T10:00:00-05:00', noHolidays, 2],
    ['2026-10-26T09:00:00-04:00', '2026-11-06T17:00:00-05:00', noHolidays, 80],
    ['2026-11-02T13:00:00Z', '2026-11-02T15:00:00Z', noHolidays, 1],
    ['2026-10-26T13:00:00Z', '2026-10-26T15:00:00Z', noHolidays, 2],
    // And through the spring change (Sun 8 Mar 2026): Fri 16:00 EST -> Mon 10:00 EDT, 1 + 1 (65 h of real time).
    ['2026-03-06T16:00:00-05:00', '2026-03-09T10:00:00-04:00', noHolidays, 2],
  ])('%s -> %s: %d h', (from, to, calendar, expected) => {
    expect(hours(from, to, calendar)).toBe(expected);
  });

  it('counts minutes as fractions of an hour, and real time apart from business time', () => {
    // 16:45 -> 16:50 = 5 min = 1/12 h.
    expect(hours('2026-11-23T16:45:00Z', '2026-11-23T16:50:00Z', utc)).toBeCloseTo(1 / 12, 10);
    const [fri, mon] = [new Date('2026-10-30T16:00:00-04:00'), new Date('2026-11-02T10:00:00-05:00')];
    expect((mon.getTime() - fri.getTime()) / 3_600_000).toBe(67);
  });
});

/**
 * The plain walk the app used before it remembered each day's hours: luxon day by day, the hours set on each day.
 * The remembered walk must give the same figure for any two moments, zone and holidays.
 */
function dayByDay(from: Date, to: Date, calendar: BusinessCalendar): number {
  if (to.getTime() <= from.getTime()) return 0;
  const start = DateTime.fromJSDate(from, { zone: calendar.timeZone });
  const end = DateTime.fromJSDate(to, { zone: calendar.timeZone });
  const at = (day: DateTime, hhmm: string) => {
    const [hour, minute] = hhmm.split(':').map(Number);
    return day.set({ hour, minute, second: 0, millisecond: 0 });
  };
  let ms = 0;
  for (let day = start.startOf('day'); day <= end; day = day.plus({ days: 1 })) {
    if (!isBusinessDay(day, calendar)) continue;
    const opens = at(day, calendar.dayStart);
    const closes = at(day, calendar.dayEnd);
    const a = opens > start ? opens : start;
    const b = closes < end ? closes : end;
    if (b > a) ms += b.toMillis() - a.toMillis();
  }
  return ms / 3_600_000;
}

describe('businessHoursBetween: the remembered day hours give the day-by-day figure', () => {
  it('for random moments up to three weeks apart, in six calendars', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLE_CALENDARS),
        twoYears,
        fc.integer({ min: -3_600_000, max: 21 * 86_400_000 }),
        (calendar, from, span) => {
          const to = new Date(from.getTime() + span);
          expect(businessHoursBetween(from, to, calendar)).toBeCloseTo(dayByDay(from, to, calendar), 9);
        },
      ),
      { seed: seedOf(20261122), numRuns: 150 },
    );
  });

  it('an unknown zone counts nothing, as before; an invalid date is refused instead of counting nothing', () => {
    const unknown = { timeZone: 'Mars/Olympus_Mons', dayStart: '09:00', dayEnd: '17:00' };
    const from = new Date('2026-11-23T10:00:00Z');
    const to = new Date('2026-11-25T10:00:00Z');
    expect(dayByDay(from, to, unknown)).toBe(0);
    expect(businessHoursBetween(from, to, unknown)).toBe(0);
    expect(() => businessHoursBetween(from, new Date(Number.NaN), newYork)).toThrow(RangeError);
  });
});

describe('businessHoursBetween: remembered days are shared by people with the same holiday regions', () => {
  // A holiday calendar whose days are counted as they are asked: what is remembered is not asked again.
  const counted = () => {
    const calendar = holidayCalendar('by_zone', [], { U0JORD: ['DE-BY'] });
    const asked: string[] = [];
    const isHoliday = Object.assign(
      (date: string, timeZone: string, person?: string) => {
        asked.push(`${person}:${date}`);
        return calendar(date, timeZone, person);
      },
      { regionsFor: calendar.regionsFor },
    );
    const of = (person: string): BusinessCalendar => ({
      timeZone: 'America/New_York',
      dayStart: '09:00',
      dayEnd: '17:00',
      isHoliday,
      person,
    });
    return { asked, of };
  };
  // Wed 25 Nov 10:00 -> Mon 30 Nov 10:00 New York: Wed 7 h, Thanksgiving (US) closed, Fri 8 h, Mon 1 h.
  const from = new Date('2026-11-25T15:00:00Z');
  const to = new Date('2026-11-30T15:00:00Z');

  it('a second person with the same zone and regions reuses the first one’s days; one with their own gets their own', () => {
    const { asked, of } = counted();
    expect(businessHoursBetween(from, to, of('U0ANNA'))).toBe(16);
    const first = asked.length;
    expect(first).toBeGreaterThan(0);
    expect(businessHoursBetween(from, to, of('U0BOB'))).toBe(16);
    expect(asked).toHaveLength(first);
    // DE-BY does not close on Thanksgiving: Wed 7 h, Thu 8 h, Fri 8 h, Mon 1 h.
    expect(businessHoursBetween(from, to, of('U0JORD'))).toBe(24);
    expect(asked.slice(first).every((entry) => entry.startsWith('U0JORD:'))).toBe(true);
    expect(asked.length).toBeGreaterThan(first);
  });
});
