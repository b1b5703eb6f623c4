import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type BusinessCalendar,
  isBusinessDay,
  isoDateIn,
  reachableAt,
  responseDueAt,
} from '../../../src/domain/businessDays.js';
import { checkWindows } from './calendarFixtures.js';

const calendar = (overrides: Partial<BusinessCalendar> = {}): BusinessCalendar => ({
  timeZone: 'UTC',
  dayStart: '09:00',
  dayEnd: '17:00',
  ...overrides,
});

const holidays =
  (...dates: string[]) =>
  (iso: string) =>
    dates.includes(iso);

const due = (sentAt: string, days: number, cal: BusinessCalendar = calendar()) =>
  responseDueAt(new Date(sentAt), days, cal).toISOString();

describe('responseDueAt', () => {
  it('refuses a zone it does not know, and a calendar with no business day, instead of looking forever', () => {
    expect(() => due('2026-03-02T10:15:00Z', 3, calendar({ timeZone: 'Mars/Olympus' }))).toThrow(
      'not a time zone: Mars/Olympus',
    );
    expect(() => due('2026-03-02T10:15:00Z', 3, calendar({ isHoliday: () => true }))).toThrow(
      'no business day in a year',
    );
  });

  const utc = calendar();
  const christmas = calendar({ isHoliday: holidays('2026-12-25') });
  const longWeekend = calendar({ isHoliday: holidays('2026-05-22', '2026-05-25') });
  const tokyoChristmas = calendar({ timeZone: 'Asia/Tokyo', isHoliday: holidays('2026-12-25') });
  const berlin = calendar({ timeZone: 'Europe/Berlin' });
  const whitMonday = calendar({ isHoliday: holidays('2026-05-25') });
  const tokyo = calendar({ timeZone: 'Asia/Tokyo' });
  const losAngeles = calendar({ timeZone: 'America/Los_Angeles' });
  const newYork = calendar({ timeZone: 'America/New_York' });
  const chatham = calendar({ timeZone: 'Pacific/Chatham', dayStart: '00:00', dayEnd: '23:59' });

  // 2026-03-02 is a Monday; 2026-03-06 a Friday; 2026-03-07/08 the weekend.
  checkWindows([
    // Keeps the time of day of a send inside business hours; skips the weekend (Thu + Fri (1), Mon (2)).
    ['2026-03-02T10:15:00Z', utc, 3, '2026-03-05T10:15:00.000Z'],
    ['2026-03-05T14:00:00Z', utc, 2, '2026-03-09T14:00:00.000Z'],
    // A send before opening starts at opening; after closing (or exactly at closing) the next business-day morning.
    ['2026-03-02T07:30:00Z', utc, 0, '2026-03-02T09:00:00.000Z'],
    ['2026-03-02T07:30:00Z', utc, 1, '2026-03-03T09:00:00.000Z'],
    ['2026-03-02T18:00:00Z', utc, 0, '2026-03-03T09:00:00.000Z'],
    ['2026-03-02T17:00:00Z', utc, 0, '2026-03-03T09:00:00.000Z'],
    ['2026-03-02T18:00:00Z', utc, 1, '2026-03-04T09:00:00.000Z'],
    // A Friday-evening or weekend send starts on Monday morning.
    ['2026-03-06T17:30:00Z', utc, 0, '2026-03-09T09:00:00.000Z'],
    ['2026-03-07T11:00:00Z', utc, 0, '2026-03-09T09:00:00.000Z'],
    ['2026-03-07T11:00:00Z', utc, 1, '2026-03-10T09:00:00.000Z'],
    // A send inside hours is the window start, to the second.
    ['2026-03-02T16:59:30Z', utc, 0, '2026-03-02T16:59:30.000Z'],
    // Thu 24 Dec + 1: Fri 25 Dec is a holiday, then the weekend, so Mon 28 Dec (without it: the 25th).
    ['2026-12-24T10:00:00Z', christmas, 1, '2026-12-28T10:00:00.000Z'],
    ['2026-12-24T10:00:00Z', utc, 1, '2026-12-25T10:00:00.000Z'],
    // A long weekend (Friday and Monday off).
    ['2026-05-21T15:00:00Z', longWeekend, 1, '2026-05-26T15:00:00.000Z'],
    // A send made on a holiday, or after closing before it, starts the next business-day morning.
    ['2026-05-25T10:00:00Z', whitMonday, 0, '2026-05-26T09:00:00.000Z'],
    ['2026-05-22T18:00:00Z', whitMonday, 0, '2026-05-26T09:00:00.000Z'],
    ['2026-05-25T10:00:00Z', whitMonday, 1, '2026-05-27T09:00:00.000Z'],
    // Holidays are asked by the date in the AE zone: 23:30 UTC on Thu 24 Dec is already the 25th in Tokyo.
    ['2026-12-24T23:30:00Z', tokyoChristmas, 0, '2026-12-28T00:00:00.000Z'],
    // 15:30 UTC Mon 2 Mar: 00:30 Tue in Tokyo, 07:30 Mon in Los Angeles (PST, UTC-8); both before opening.
    ['2026-03-02T15:30:00Z', tokyo, 1, '2026-03-04T00:00:00.000Z'],
    ['2026-03-02T15:30:00Z', losAngeles, 1, '2026-03-03T17:00:00.000Z'],
    // 16:00 UTC Fri 6 Mar: 01:00 Sat in Tokyo (the weekend), 08:00 Fri in Los Angeles, which opens 09:00 PST Fri;
    // + 1 is Mon 9 Mar 09:00, now PDT (US clocks change on 8 Mar).
    ['2026-03-06T16:00:00Z', tokyo, 1, '2026-03-10T00:00:00.000Z'],
    ['2026-03-06T16:00:00Z', losAngeles, 1, '2026-03-09T16:00:00.000Z'],
    // Daylight-saving changes keep wall-clock time: Fri 23 Oct 14:00 CEST (UTC+2) -> Mon 26 Oct 14:00 CET (UTC+1).
    ['2026-10-23T12:00:00Z', berlin, 1, '2026-10-26T13:00:00.000Z'],
    // Fri 30 Oct 10:00 EDT (UTC-4) -> Mon 2 Nov 10:00 EST (UTC-5); 18:00 EDT is after closing: Mon 09:00 EST.
    ['2026-10-30T14:00:00Z', newYork, 1, '2026-11-02T15:00:00.000Z'],
    ['2026-10-30T22:00:00Z', newYork, 0, '2026-11-02T14:00:00.000Z'],
    // Past a day on which that time does not exist (it was an hour later ever after): Pacific/Chatham springs
    // forward on Sun 27 Sep 2026, 02:45 -> 03:45. Sent Tue 15 Sep 03:12 (+12:45) with business hours all day:
    // 10 business days later is Tue 29 Sep, 03:12 (+13:45).
    ['2026-09-14T14:27:00Z', chatham, 10, '2026-09-28T13:27:00.000Z'],
  ]);
});

describe('isBusinessDay and isoDateIn', () => {
  const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone });

  it('is false on weekends and holidays, true on other weekdays', () => {
    const cal = calendar({ isHoliday: holidays('2026-12-25') });
    expect(isBusinessDay(at('2026-03-02T12:00:00Z', 'UTC'), cal)).toBe(true);
    expect(isBusinessDay(at('2026-03-07T12:00:00Z', 'UTC'), cal)).toBe(false);
    expect(isBusinessDay(at('2026-03-08T12:00:00Z', 'UTC'), cal)).toBe(false);
    expect(isBusinessDay(at('2026-12-25T12:00:00Z', 'UTC'), cal)).toBe(false);
  });

  it('judges the day in the zone of the date-time it is given', () => {
    expect(isBusinessDay(at('2026-03-06T16:00:00Z', 'Asia/Tokyo'), calendar())).toBe(false);
    expect(isBusinessDay(at('2026-03-06T16:00:00Z', 'America/Los_Angeles'), calendar())).toBe(true);
  });

  it('gives the local date of an instant', () => {
    const instant = new Date('2026-03-02T15:30:00Z');
    expect(isoDateIn(instant, 'Asia/Tokyo')).toBe('2026-03-03');
    expect(isoDateIn(instant, 'America/Los_Angeles')).toBe('2026-03-02');
    expect(isoDateIn(new Date('2026-03-02T23:59:59Z'), 'UTC')).toBe('2026-03-02');
    // An unknown zone gives the UTC date.
    expect(isoDateIn(instant, 'Mars/Olympus_Mons')).toBe(instant.toISOString().slice(0, 10));
  });
});

describe('reachableAt: when a person may be reached', () => {
  const reach = (at: string, cal: BusinessCalendar) => reachableAt(new Date(at), cal).toISOString();
  const berlin = calendar({ timeZone: 'Europe/Berlin' });
  const newYork = calendar({ timeZone: 'America/New_York' });

  it('is the moment itself inside their hours, else their next opening, in their own zone', () => {
    // Tuesday 3 March 2026, 10:00 UTC: 11:00 in Berlin, 05:00 in New York.
    expect(reach('2026-03-03T10:00:00Z', berlin)).toBe('2026-03-03T10:00:00.000Z');
    expect(reach('2026-03-03T10:00:00Z', newYork)).toBe('2026-03-03T14:00:00.000Z');
    // Midnight in Berlin: their 09:00 that morning.
    expect(reach('2026-03-02T23:00:00Z', berlin)).toBe('2026-03-03T08:00:00.000Z');
    // After hours on Friday: Monday morning.
    expect(reach('2026-03-06T17:00:00Z', berlin)).toBe('2026-03-09T08:00:00.000Z');
  });

  it('skips closure days, holidays and days outside their own week', () => {
    const closed = calendar({ timeZone: 'Europe/Berlin', isHoliday: holidays('2026-03-09') });
    expect(reach('2026-03-06T17:00:00Z', closed)).toBe('2026-03-10T08:00:00.000Z');
    // Sunday to Thursday: Friday evening reaches them on Sunday morning.
    const sundayToThursday = calendar({ timeZone: 'Asia/Jerusalem', workingDays: [7, 1, 2, 3, 4] });
    expect(reach('2026-03-05T16:00:00Z', sundayToThursday)).toBe('2026-03-08T07:00:00.000Z');
  });
});
