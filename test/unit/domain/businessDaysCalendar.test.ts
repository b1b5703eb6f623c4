import { describe } from 'vitest';
import { calendarIn, checkWindows } from './calendarFixtures.js';

const newYork = calendarIn('America/New_York', ['US']);
const berlin = calendarIn('Europe/Berlin', ['DE-BY']);
const london = calendarIn('Europe/London', ['GB-ENG']);
const tokyo = calendarIn('Asia/Tokyo', ['JP']);
const auckland = calendarIn('Pacific/Auckland', ['NZ']);
const losAngeles = calendarIn('America/Los_Angeles', ['US']);

describe('a send on Friday evening', () => {
  checkWindows([
    // Fri 20 Nov 2026 18:00 EST (UTC-5) opens Mon 23 Nov 09:00 EST; three business days from it: Tue 24 (1),
    // Wed 25 (2), Thanksgiving skipped, Fri 27 (3).
    ['2026-11-20T23:00:00Z', newYork, 0, '2026-11-23T14:00:00.000Z'],
    ['2026-11-20T23:00:00Z', newYork, 3, '2026-11-27T14:00:00.000Z'],
    // Starts on Tuesday when the Monday is a public holiday: Fri 22 May 2026 17:30 EDT (UTC-4), Mon 25 May is
    // Memorial Day; 17:30 CEST (UTC+2), Pfingstmontag; 17:30 BST (UTC+1), the Spring bank holiday.
    ['2026-05-22T21:30:00Z', newYork, 0, '2026-05-26T13:00:00.000Z'],
    ['2026-05-22T21:30:00Z', newYork, 1, '2026-05-27T13:00:00.000Z'],
    ['2026-05-22T15:30:00Z', berlin, 0, '2026-05-26T07:00:00.000Z'],
    ['2026-05-22T15:30:00Z', berlin, 1, '2026-05-27T07:00:00.000Z'],
    ['2026-05-22T16:30:00Z', london, 1, '2026-05-27T08:00:00.000Z'],
    // The same send in Tokyo (JST, UTC+9): 17:30 Fri 22 May; Mon 25 May is a working day in Japan.
    ['2026-05-22T08:30:00Z', tokyo, 1, '2026-05-26T00:00:00.000Z'],
  ]);
});

describe('a send on a holiday', () => {
  const germany = calendarIn('Europe/Berlin', ['DE']);
  const withClosure = calendarIn('America/New_York', ['US'], ['2026-12-24']);
  checkWindows([
    // Thu 26 Nov 2026 10:00 EST (Thanksgiving) opens Fri 27 Nov 09:00 EST; + 2: Mon 30 Nov (1), Tue 1 Dec (2).
    ['2026-11-26T15:00:00Z', newYork, 0, '2026-11-27T14:00:00.000Z'],
    ['2026-11-26T15:00:00Z', newYork, 2, '2026-12-01T14:00:00.000Z'],
    // Epiphany (Tue 6 Jan 2026 11:00 CET) is a holiday in Bavaria only.
    ['2026-01-06T10:00:00Z', berlin, 0, '2026-01-07T08:00:00.000Z'],
    ['2026-01-06T10:00:00Z', berlin, 1, '2026-01-08T08:00:00.000Z'],
    ['2026-01-06T10:00:00Z', germany, 0, '2026-01-06T10:00:00.000Z'],
    ['2026-01-06T10:00:00Z', germany, 1, '2026-01-07T10:00:00.000Z'],
    // Thu 24 Dec 2026 10:00 EST is only optional in the US data: it counts, unless it is a closure date (then
    // closed 24 Dec, public 25 Dec, the weekend: opens Mon 28 Dec 09:00 EST).
    ['2026-12-24T15:00:00Z', newYork, 0, '2026-12-24T15:00:00.000Z'],
    ['2026-12-24T15:00:00Z', withClosure, 0, '2026-12-28T14:00:00.000Z'],
  ]);
});

describe('a window spanning Thanksgiving: US AE vs. German AE', () => {
  checkWindows([
    // Wed 25 Nov 2026 15:00 UTC: 10:00 EST in New York, 16:00 CET in Berlin. New York: Thanksgiving skipped,
    // Fri 27 (1), weekend, Mon 30 (2) at 10:00 EST. Berlin (Bavaria): Thu 26 (1), Fri 27 (2) at 16:00 CET.
    ['2026-11-25T15:00:00Z', newYork, 2, '2026-11-30T15:00:00.000Z'],
    ['2026-11-25T15:00:00Z', berlin, 2, '2026-11-27T15:00:00.000Z'],
    // The AE's holidays count, not only the zone: a New York AE on a German holiday list counts Thanksgiving.
    ['2026-11-25T15:00:00Z', calendarIn('America/New_York', ['DE-BY']), 2, '2026-11-27T15:00:00.000Z'],
  ]);
});

describe('the Christmas and New Year span with closure dates', () => {
  const berlinClosures = calendarIn('Europe/Berlin', ['DE-BY'], ['2026-12-24', '2026-12-31']);
  const newYorkClosures = calendarIn('America/New_York', ['US'], ['2026-12-24', '2026-12-31']);
  checkWindows([
    // Wed 23 Dec 2026 14:00 CET. Closed: Thu 24 (closure), Fri 25 (public), Thu 31 (closure), Fri 1 Jan (public),
    // Wed 6 Jan (Epiphany). Counting: Mon 28 (1), Tue 29 (2), Wed 30 (3), Mon 4 (4), Tue 5 (5), Thu 7 (6).
    ['2026-12-23T13:00:00Z', berlinClosures, 5, '2027-01-05T13:00:00.000Z'],
    ['2026-12-23T13:00:00Z', berlinClosures, 6, '2027-01-07T13:00:00.000Z'],
    // Without the closure dates (only bank half-days in the data): Thu 24 (1), Mon 28 (2), … Thu 31 (5).
    ['2026-12-23T13:00:00Z', berlin, 5, '2026-12-31T13:00:00.000Z'],
    // A US AE with US holidays: 08:00 EST opens at 09:00; Mon 28 (1), Tue 29 (2), Wed 30 (3), Thu 31 closed,
    // Fri 1 Jan public, Mon 4 (4), Tue 5 (5).
    ['2026-12-23T13:00:00Z', newYorkClosures, 5, '2027-01-05T14:00:00.000Z'],
  ]);
});

describe('across a daylight-saving change, with holidays', () => {
  checkWindows([
    // Berlin, summer time ends 25 Oct 2026: Fri 23 Oct 08:00 CEST (UTC+2) opens 09:00 CEST; + 1 is Mon 26 Oct
    // 09:00 CET (UTC+1).
    ['2026-10-23T06:00:00Z', berlin, 0, '2026-10-23T07:00:00.000Z'],
    ['2026-10-23T06:00:00Z', berlin, 1, '2026-10-26T08:00:00.000Z'],
    // Berlin, a 10-day window from Mon 19 Oct 09:30 CEST keeps 09:30: 20, 21, 22, 23, 26, 27, 28, 29, 30 Oct,
    // 2 Nov (Allerseelen is an observance; All Saints falls on Sunday 1 Nov).
    ['2026-10-19T07:30:00Z', berlin, 10, '2026-11-02T08:30:00.000Z'],
    // New York, daylight time ends 1 Nov 2026: Fri 30 Oct 10:00 EDT (UTC-4). Mon 2 .. Fri 6 Nov (1-5), Mon 9 (6),
    // Tue 10 (7), Wed 11 Veterans Day skipped, Thu 12 (8), Fri 13 (9), Mon 16 (10) at 10:00 EST (UTC-5).
    ['2026-10-30T14:00:00Z', newYork, 10, '2026-11-16T15:00:00.000Z'],
    // The minute before closing stays the minute before closing: Fri 30 Oct 16:59 EDT -> Mon 2 Nov 16:59 EST.
    ['2026-10-30T20:59:00Z', newYork, 1, '2026-11-02T21:59:00.000Z'],
    // Berlin, summer time starts 29 Mar 2026: Fri 27 Mar 10:00 CET -> Mon 30 Mar 10:00 CEST. Thu 2 Apr 10:00
    // CEST: Good Friday and Easter Monday are closed, so + 1 is Tue 7 Apr.
    ['2026-03-27T09:00:00Z', berlin, 1, '2026-03-30T08:00:00.000Z'],
    ['2026-04-02T08:00:00Z', berlin, 1, '2026-04-07T08:00:00.000Z'],
  ]);
});

describe('timezones on both sides of UTC, around midnight UTC', () => {
  checkWindows([
    // 23:30 UTC on Mon 2 Nov is Culture Day (Tue 3 Nov) in Tokyo.
    ['2026-11-02T23:30:00Z', tokyo, 0, '2026-11-04T00:00:00.000Z'],
    ['2026-11-02T23:30:00Z', tokyo, 1, '2026-11-05T00:00:00.000Z'],
    // 23:30 UTC on Sun 25 Oct is Labour Day (Mon 26 Oct, NZDT) in Auckland: opens Tue 27 Oct 09:00 NZDT (UTC+13)
    // = Mon 26 Oct 20:00 UTC. A day later it is Tue 27 Oct 12:30 NZDT, a business day: + 1 is Wed 28 Oct 12:30.
    ['2026-10-25T23:30:00Z', auckland, 0, '2026-10-26T20:00:00.000Z'],
    ['2026-10-25T23:30:00Z', auckland, 1, '2026-10-27T20:00:00.000Z'],
    ['2026-10-26T23:30:00Z', auckland, 1, '2026-10-27T23:30:00.000Z'],
    // Waitangi Day: 23:30 UTC Thu 5 Feb = 12:30 NZDT Fri 6 Feb; opens Mon 9 Feb 09:00 NZDT.
    ['2026-02-05T23:30:00Z', auckland, 1, '2026-02-09T20:00:00.000Z'],
    // 00:30 UTC on Fri 27 Nov is still Thanksgiving afternoon in Los Angeles (16:30 PST, UTC-8): opens Fri 27 Nov
    // 09:00 PST, + 1 is Mon 30 Nov 09:00 PST. In Tokyo it is Fri 27 Nov 09:30 JST, a business day: Mon 30 Nov.
    ['2026-11-27T00:30:00Z', losAngeles, 0, '2026-11-27T17:00:00.000Z'],
    ['2026-11-27T00:30:00Z', losAngeles, 1, '2026-11-30T17:00:00.000Z'],
    ['2026-11-27T00:30:00Z', tokyo, 1, '2026-11-30T00:30:00.000Z'],
    // New Year, 23:30 UTC 31 Dec 2026. Tokyo: Fri 1 Jan 08:30 JST (public), weekend -> opens Mon 4 Jan; + 1 is
    // Tue 5 Jan. Auckland: Fri 1 Jan 12:30 NZDT; 2 Jan (a Saturday) is substituted to Mon 4 Jan -> opens Tue 5 Jan.
    // Los Angeles: Thu 31 Dec 15:30 PST, open (New Year's Eve is an observance); Fri 1 Jan skipped -> Mon 4 Jan.
    ['2026-12-31T23:30:00Z', tokyo, 0, '2027-01-04T00:00:00.000Z'],
    ['2026-12-31T23:30:00Z', tokyo, 1, '2027-01-05T00:00:00.000Z'],
    ['2026-12-31T23:30:00Z', auckland, 0, '2027-01-04T20:00:00.000Z'],
    ['2026-12-31T23:30:00Z', auckland, 1, '2027-01-05T20:00:00.000Z'],
    ['2026-12-31T23:30:00Z', losAngeles, 0, '2026-12-31T23:30:00.000Z'],
    ['2026-12-31T23:30:00Z', losAngeles, 1, '2027-01-04T23:30:00.000Z'],
  ]);
});

describe('windows of 1 and 10 business days', () => {
  checkWindows([
    // Sent midweek inside hours: Tue 10 Mar 2026 11:15 EDT (US clocks changed on 8 Mar) -> Wed 11 Mar 11:15 EDT.
    ['2026-03-10T15:15:00Z', newYork, 1, '2026-03-11T15:15:00.000Z'],
    // The day before a holiday: Thu 2 Jul 2026 14:00 EDT; Fri 3 Jul is the observed Independence Day -> Mon 6 Jul.
    ['2026-07-02T18:00:00Z', newYork, 1, '2026-07-06T18:00:00.000Z'],
    // Two weekends and the holidays in them: Mon 16 Nov 2026 12:00 EST. 17, 18, 19, 20, 23, 24, 25 Nov (1-7),
    // Thanksgiving skipped, 27 Nov (8), 30 Nov (9), 1 Dec (10). The same instant in Berlin is 18:00 CET, after
    // closing: opens Tue 17 Nov 09:00 CET; 18, 19, 20, 23, 24, 25, 26, 27, 30 Nov, 1 Dec.
    ['2026-11-16T17:00:00Z', newYork, 10, '2026-12-01T17:00:00.000Z'],
    ['2026-11-16T17:00:00Z', berlin, 10, '2026-12-01T08:00:00.000Z'],
    // Christmas in England: Mon 21 Dec 2026 10:00 GMT. 22, 23, 24 Dec (1-3), 25 and 28 Dec closed (26 is a
    // Saturday), 29, 30, 31 Dec (4-6), 1 Jan closed, 4, 5, 6, 7 Jan (7-10).
    ['2026-12-21T10:00:00Z', london, 10, '2027-01-07T10:00:00.000Z'],
  ]);
});
