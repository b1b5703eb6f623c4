import { describe, expect, it } from 'vitest';
import { type BusinessCalendar, responseDueAt, windowStart } from '../../../src/domain/businessDays.js';
import { holidayCalendar } from '../../../src/domain/holidays.js';

/** A 09:00–17:00 calendar in `timeZone` closing the public holidays of `regions` plus `closures`. */
const calendarIn = (timeZone: string, regions: string[], closures: string[] = []): BusinessCalendar => ({
  timeZone,
  dayStart: '09:00',
  dayEnd: '17:00',
  isHoliday: holidayCalendar(regions, closures),
});

const due = (sentAt: string, days: number, cal: BusinessCalendar) =>
  responseDueAt(new Date(sentAt), days, cal).toISOString();

const start = (sentAt: string, cal: BusinessCalendar) => windowStart(new Date(sentAt), cal).toUTC().toISO();

const newYork = calendarIn('America/New_York', ['US']);
const berlin = calendarIn('Europe/Berlin', ['DE-BY']);
const london = calendarIn('Europe/London', ['GB-ENG']);

describe('a send on Friday evening', () => {
  it('starts on Monday morning when Monday is a business day', () => {
    // Fri 20 Nov 2026 18:00 EST (UTC-5) -> Mon 23 Nov 09:00 EST.
    expect(start('2026-11-20T23:00:00Z', newYork)).toBe('2026-11-23T14:00:00.000Z');
    // Three business days from Mon 09:00: Tue 24 (1), Wed 25 (2), Thanksgiving skipped, Fri 27 (3).
    expect(due('2026-11-20T23:00:00Z', 3, newYork)).toBe('2026-11-27T14:00:00.000Z');
  });

  it('starts on Tuesday when the Monday is a public holiday (Memorial Day, Whit Monday, Spring bank holiday)', () => {
    // Fri 22 May 2026 17:30 EDT (UTC-4); Mon 25 May is Memorial Day.
    expect(start('2026-05-22T21:30:00Z', newYork)).toBe('2026-05-26T13:00:00.000Z');
    expect(due('2026-05-22T21:30:00Z', 1, newYork)).toBe('2026-05-27T13:00:00.000Z');
    // Fri 22 May 17:30 CEST (UTC+2); Mon 25 May is Pfingstmontag.
    expect(start('2026-05-22T15:30:00Z', berlin)).toBe('2026-05-26T07:00:00.000Z');
    expect(due('2026-05-22T15:30:00Z', 1, berlin)).toBe('2026-05-27T07:00:00.000Z');
    // Fri 22 May 17:30 BST (UTC+1); Mon 25 May is the Spring bank holiday.
    expect(due('2026-05-22T16:30:00Z', 1, london)).toBe('2026-05-27T08:00:00.000Z');
  });

  it('counts the Monday when the region has no holiday that day', () => {
    // Same Friday-evening send in Tokyo (JST, UTC+9): 17:30 Fri 22 May; Mon 25 May is a working day in Japan.
    const tokyo = calendarIn('Asia/Tokyo', ['JP']);
    expect(due('2026-05-22T08:30:00Z', 1, tokyo)).toBe('2026-05-26T00:00:00.000Z');
  });
});

describe('a send on a holiday', () => {
  it('starts the next business-day morning after Thanksgiving', () => {
    // Thu 26 Nov 2026 10:00 EST -> window opens Fri 27 Nov 09:00 EST; + 2: Mon 30 Nov (1), Tue 1 Dec (2).
    expect(start('2026-11-26T15:00:00Z', newYork)).toBe('2026-11-27T14:00:00.000Z');
    expect(due('2026-11-26T15:00:00Z', 2, newYork)).toBe('2026-12-01T14:00:00.000Z');
  });

  it('treats Epiphany as a holiday in Bavaria only', () => {
    // Tue 6 Jan 2026 11:00 CET (UTC+1).
    expect(start('2026-01-06T10:00:00Z', berlin)).toBe('2026-01-07T08:00:00.000Z');
    expect(due('2026-01-06T10:00:00Z', 1, berlin)).toBe('2026-01-08T08:00:00.000Z');
    const germany = calendarIn('Europe/Berlin', ['DE']);
    expect(start('2026-01-06T10:00:00Z', germany)).toBe('2026-01-06T10:00:00.000Z');
    expect(due('2026-01-06T10:00:00Z', 1, germany)).toBe('2026-01-07T10:00:00.000Z');
  });

  it('starts after a company closure day as after a public holiday', () => {
    // Thu 24 Dec 2026 10:00 EST is only optional in the US data, so it counts unless it is a closure date.
    const withClosure = calendarIn('America/New_York', ['US'], ['2026-12-24']);
    expect(start('2026-12-24T15:00:00Z', newYork)).toBe('2026-12-24T15:00:00.000Z');
    // Closed 24 Dec, public 25 Dec, then the weekend: opens Mon 28 Dec 09:00 EST.
    expect(start('2026-12-24T15:00:00Z', withClosure)).toBe('2026-12-28T14:00:00.000Z');
  });
});

describe('a window spanning Thanksgiving: US AE vs. German AE', () => {
  it('gives different due dates for the same send', () => {
    // Wed 25 Nov 2026 15:00 UTC: 10:00 EST in New York, 16:00 CET in Berlin.
    // New York: Thanksgiving skipped, Fri 27 (1), weekend, Mon 30 (2) at 10:00 EST.
    expect(due('2026-11-25T15:00:00Z', 2, newYork)).toBe('2026-11-30T15:00:00.000Z');
    // Berlin (Bavaria): Thu 26 (1), Fri 27 (2) at 16:00 CET.
    expect(due('2026-11-25T15:00:00Z', 2, berlin)).toBe('2026-11-27T15:00:00.000Z');
  });

  it('depends on the AE’s holidays, not only the zone', () => {
    // A New York AE on a German holiday list counts Thanksgiving.
    const newYorkOnGermanHolidays = calendarIn('America/New_York', ['DE-BY']);
    expect(due('2026-11-25T15:00:00Z', 2, newYorkOnGermanHolidays)).toBe('2026-11-27T15:00:00.000Z');
  });
});

describe('the Christmas and New Year span with closure dates', () => {
  const berlinClosures = calendarIn('Europe/Berlin', ['DE-BY'], ['2026-12-24', '2026-12-31']);

  it('skips the closure dates, Christmas, New Year and Epiphany', () => {
    // Wed 23 Dec 2026 14:00 CET. Closed: Thu 24 (closure), Fri 25 (public), Thu 31 (closure), Fri 1 Jan (public),
    // Wed 6 Jan (Epiphany). Counting: Mon 28 (1), Tue 29 (2), Wed 30 (3), Mon 4 (4), Tue 5 (5), Thu 7 (6).
    expect(due('2026-12-23T13:00:00Z', 5, berlinClosures)).toBe('2027-01-05T13:00:00.000Z');
    expect(due('2026-12-23T13:00:00Z', 6, berlinClosures)).toBe('2027-01-07T13:00:00.000Z');
  });

  it('counts 24 and 31 Dec without the closure dates (they are only bank half-days in the data)', () => {
    // Thu 24 (1), Mon 28 (2), Tue 29 (3), Wed 30 (4), Thu 31 (5).
    expect(due('2026-12-23T13:00:00Z', 5, berlin)).toBe('2026-12-31T13:00:00.000Z');
  });

  it('skips the same closures for a US AE, with US holidays', () => {
    const newYorkClosures = calendarIn('America/New_York', ['US'], ['2026-12-24', '2026-12-31']);
    // 13:00 UTC is 08:00 EST on Wed 23 Dec: the window opens at 09:00 EST.
    // Mon 28 (1), Tue 29 (2), Wed 30 (3), Thu 31 closed, Fri 1 Jan public, Mon 4 (4), Tue 5 (5).
    expect(due('2026-12-23T13:00:00Z', 5, newYorkClosures)).toBe('2027-01-05T14:00:00.000Z');
  });
});

describe('across a daylight-saving change, with holidays', () => {
  it('Europe/Berlin (summer time ends 25 Oct 2026) keeps the opening time', () => {
    // Fri 23 Oct 08:00 CEST (UTC+2) is before opening: 09:00 CEST; + 1 is Mon 26 Oct 09:00 CET (UTC+1).
    expect(start('2026-10-23T06:00:00Z', berlin)).toBe('2026-10-23T07:00:00.000Z');
    expect(due('2026-10-23T06:00:00Z', 1, berlin)).toBe('2026-10-26T08:00:00.000Z');
  });

  it('Europe/Berlin, a 10-day window across the change keeps 09:30', () => {
    // Mon 19 Oct 09:30 CEST; 10 business days: 20, 21, 22, 23, 26, 27, 28, 29, 30 Oct, 2 Nov (Allerseelen is
    // an observance; All Saints falls on Sunday 1 Nov).
    expect(due('2026-10-19T07:30:00Z', 10, berlin)).toBe('2026-11-02T08:30:00.000Z');
  });

  it('America/New_York (daylight time ends 1 Nov 2026), a 10-day window also skipping Veterans Day', () => {
    // Fri 30 Oct 10:00 EDT (UTC-4). Mon 2 .. Fri 6 Nov (1-5), Mon 9 (6), Tue 10 (7), Wed 11 Veterans Day skipped,
    // Thu 12 (8), Fri 13 (9), Mon 16 (10) at 10:00 EST (UTC-5).
    expect(due('2026-10-30T14:00:00Z', 10, newYork)).toBe('2026-11-16T15:00:00.000Z');
  });

  it('America/New_York, the minute before closing stays the minute before closing', () => {
    // Fri 30 Oct 16:59 EDT -> Mon 2 Nov 16:59 EST.
    expect(due('2026-10-30T20:59:00Z', 1, newYork)).toBe('2026-11-02T21:59:00.000Z');
  });

  it('Europe/Berlin (summer time starts 29 Mar 2026) and Easter', () => {
    // Fri 27 Mar 10:00 CET -> Mon 30 Mar 10:00 CEST.
    expect(due('2026-03-27T09:00:00Z', 1, berlin)).toBe('2026-03-30T08:00:00.000Z');
    // Thu 2 Apr 10:00 CEST: Good Friday and Easter Monday are closed, so + 1 is Tue 7 Apr.
    expect(due('2026-04-02T08:00:00Z', 1, berlin)).toBe('2026-04-07T08:00:00.000Z');
  });
});

describe('timezones on both sides of UTC, around midnight UTC', () => {
  const tokyo = calendarIn('Asia/Tokyo', ['JP']);
  const auckland = calendarIn('Pacific/Auckland', ['NZ']);
  const losAngeles = calendarIn('America/Los_Angeles', ['US']);

  it('Asia/Tokyo: 23:30 UTC on Mon 2 Nov is Culture Day (Tue 3 Nov) in Tokyo', () => {
    expect(start('2026-11-02T23:30:00Z', tokyo)).toBe('2026-11-04T00:00:00.000Z');
    expect(due('2026-11-02T23:30:00Z', 1, tokyo)).toBe('2026-11-05T00:00:00.000Z');
  });

  it('Pacific/Auckland: 23:30 UTC on Sun 25 Oct is Labour Day (Mon 26 Oct, NZDT) in Auckland', () => {
    // Opens Tue 27 Oct 09:00 NZDT (UTC+13) = Mon 26 Oct 20:00 UTC.
    expect(start('2026-10-25T23:30:00Z', auckland)).toBe('2026-10-26T20:00:00.000Z');
    expect(due('2026-10-25T23:30:00Z', 1, auckland)).toBe('2026-10-27T20:00:00.000Z');
    // A day later it is Tue 27 Oct 12:30 NZDT, a business day: + 1 is Wed 28 Oct 12:30 NZDT.
    expect(due('2026-10-26T23:30:00Z', 1, auckland)).toBe('2026-10-27T23:30:00.000Z');
  });

  it('Pacific/Auckland: Waitangi Day (Fri 6 Feb) starts the window on Monday', () => {
    // 23:30 UTC Thu 5 Feb = 12:30 NZDT Fri 6 Feb; opens Mon 9 Feb 09:00 NZDT.
    expect(due('2026-02-05T23:30:00Z', 1, auckland)).toBe('2026-02-09T20:00:00.000Z');
  });

  it('America/Los_Angeles: 00:30 UTC on Fri 27 Nov is still Thanksgiving afternoon in Los Angeles', () => {
    // Thu 26 Nov 16:30 PST (UTC-8) -> opens Fri 27 Nov 09:00 PST; + 1 is Mon 30 Nov 09:00 PST.
    expect(start('2026-11-27T00:30:00Z', losAngeles)).toBe('2026-11-27T17:00:00.000Z');
    expect(due('2026-11-27T00:30:00Z', 1, losAngeles)).toBe('2026-11-30T17:00:00.000Z');
    // Same instant in Tokyo: Fri 27 Nov 09:30 JST, a business day; + 1 is Mon 30 Nov 09:30 JST.
    expect(due('2026-11-27T00:30:00Z', 1, tokyo)).toBe('2026-11-30T00:30:00.000Z');
  });

  it('New Year: the same instant (23:30 UTC, 31 Dec 2026) in all three zones', () => {
    // Tokyo: Fri 1 Jan 08:30 JST (public), weekend -> opens Mon 4 Jan 09:00 JST; + 1 is Tue 5 Jan.
    expect(start('2026-12-31T23:30:00Z', tokyo)).toBe('2027-01-04T00:00:00.000Z');
    expect(due('2026-12-31T23:30:00Z', 1, tokyo)).toBe('2027-01-05T00:00:00.000Z');
    // Auckland: Fri 1 Jan 12:30 NZDT; 2 Jan (a Saturday) is substituted to Mon 4 Jan -> opens Tue 5 Jan 09:00.
    expect(start('2026-12-31T23:30:00Z', auckland)).toBe('2027-01-04T20:00:00.000Z');
    expect(due('2026-12-31T23:30:00Z', 1, auckland)).toBe('2027-01-05T20:00:00.000Z');
    // Los Angeles: Thu 31 Dec 15:30 PST, open (New Year's Eve is an observance); Fri 1 Jan skipped -> Mon 4 Jan.
    expect(start('2026-12-31T23:30:00Z', losAngeles)).toBe('2026-12-31T23:30:00.000Z');
    expect(due('2026-12-31T23:30:00Z', 1, losAngeles)).toBe('2027-01-04T23:30:00.000Z');
  });
});

describe('windows of 1 and 10 business days', () => {
  it('a 1-day window sent midweek inside hours is due the next day at the same time', () => {
    // Tue 10 Mar 2026 11:15 EDT (US clocks changed on 8 Mar) -> Wed 11 Mar 11:15 EDT.
    expect(due('2026-03-10T15:15:00Z', 1, newYork)).toBe('2026-03-11T15:15:00.000Z');
  });

  it('a 1-day window sent the day before a holiday skips it', () => {
    // Thu 2 Jul 2026 14:00 EDT; Fri 3 Jul is the observed Independence Day -> Mon 6 Jul 14:00.
    expect(due('2026-07-02T18:00:00Z', 1, newYork)).toBe('2026-07-06T18:00:00.000Z');
  });

  it('a 10-day window spans two weekends and the holidays in it', () => {
    // Mon 16 Nov 2026 12:00 EST. 17, 18, 19, 20, 23, 24, 25 Nov (1-7), Thanksgiving skipped, 27 Nov (8),
    // 30 Nov (9), 1 Dec (10).
    expect(due('2026-11-16T17:00:00Z', 10, newYork)).toBe('2026-12-01T17:00:00.000Z');
    // The same instant in Berlin is 18:00 CET, after closing: opens Tue 17 Nov 09:00 CET. 18, 19, 20, 23, 24, 25,
    // 26, 27, 30 Nov, 1 Dec.
    expect(due('2026-11-16T17:00:00Z', 10, berlin)).toBe('2026-12-01T08:00:00.000Z');
  });

  it('a 10-day window over Christmas in England', () => {
    // Mon 21 Dec 2026 10:00 GMT. 22, 23, 24 Dec (1-3), 25 and 28 Dec closed (26 is a Saturday), 29, 30, 31 Dec
    // (4-6), 1 Jan closed, 4, 5, 6, 7 Jan (7-10).
    expect(due('2026-12-21T10:00:00Z', 10, london)).toBe('2027-01-07T10:00:00.000Z');
  });
});
