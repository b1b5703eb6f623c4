import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { type BusinessCalendar, responseDueAt } from '../../../src/domain/businessDays.js';
import { holidayCalendar } from '../../../src/domain/holidays.js';
import { addBusinessMinutes, parseReminderPoints, reminderTimes } from '../../../src/domain/reminders.js';

const berlin: BusinessCalendar = { timeZone: 'Europe/Berlin', dayStart: '09:00', dayEnd: '17:00' };
const bavaria: BusinessCalendar = { ...berlin, isHoliday: holidayCalendar(['DE-BY'], []) };
const newYork: BusinessCalendar = {
  timeZone: 'America/New_York',
  dayStart: '09:00',
  dayEnd: '17:00',
  isHoliday: holidayCalendar(['US'], []),
};

/** The reminder times (as UTC ISO strings) of a window of `days` business days sent at `sentAt`. */
function reminders(sentAt: string, days: number, spec: string, cal: BusinessCalendar): string[] {
  const points = parseReminderPoints(spec);
  if (!points) throw new Error(`bad reminder spec ${spec}`);
  const sent = new Date(sentAt);
  return reminderTimes(sent, responseDueAt(sent, days, cal), days, points, cal).map((t) => t.toISOString());
}

const dueOf = (sentAt: string, days: number, cal: BusinessCalendar) =>
  responseDueAt(new Date(sentAt), days, cal).toISOString();

describe('parseReminderPoints', () => {
  const share = (percent: number) => ({ kind: 'share', percent });
  const lastMorning = { kind: 'lastMorning' };
  it.each<[string, unknown[]]>([
    ['50%', [share(50)]],
    // A list of shares and the last morning, in the order given.
    ['25%,75%,last-morning', [share(25), share(75), lastMorning]],
    ['last-morning,50%', [lastMorning, share(50)]],
    // Spaces and empty items are ignored.
    [' 50% , last-morning ,', [share(50), lastMorning]],
    // No reminders.
    ['', []],
    ['none', []],
    // The smallest and largest shares strictly inside the window.
    ['1%,99%', [share(1), share(99)]],
  ])('reads %j', (spec, points) => {
    expect(parseReminderPoints(spec)).toEqual(points);
  });

  it.each([
    '0%',
    '100%',
    '150%',
    '-5%',
    '5.5%',
    'half',
    '50',
    '%',
    'Last-Morning',
    '50%,half',
    '50%;last-morning',
    'last morning',
  ])('rejects %j', (spec) => {
    expect(parseReminderPoints(spec)).toBeUndefined();
  });
});

describe('addBusinessMinutes', () => {
  const at = (iso: string, cal: BusinessCalendar) => DateTime.fromISO(iso, { zone: cal.timeZone });

  it.each<[string, number, BusinessCalendar, string]>([
    // Within the same business day: Mon 2 Mar 2026 10:00 CET + 1 h, + 0.
    ['2026-03-02T10:00:00', 60, berlin, '2026-03-02T10:00:00.000Z'],
    ['2026-03-02T10:00:00', 0, berlin, '2026-03-02T09:00:00.000Z'],
    // What is left past closing goes to the next business-day morning: Fri 6 Mar 16:00 CET + 2 h: 1 h on Friday,
    // 1 h from Mon 9 Mar 09:00.
    ['2026-03-06T16:00:00', 120, berlin, '2026-03-09T09:00:00.000Z'],
    // Only business hours over several days: Mon 10:00 + 24 h: 7 h Mon, 8 h Tue, 8 h Wed, 1 h Thu -> Thu 10:00 CET.
    ['2026-03-02T10:00:00', 1440, berlin, '2026-03-05T09:00:00.000Z'],
    // Holidays: Thu 24 Dec 16:30 CET + 1 h: 30 min Thursday, 25 Dec closed, weekend, 30 min from Mon 28 Dec 09:00;
    // without the holiday calendar, Friday 25 Dec counts.
    ['2026-12-24T16:30:00', 60, bavaria, '2026-12-28T08:30:00.000Z'],
    ['2026-12-24T16:30:00', 60, berlin, '2026-12-25T08:30:00.000Z'],
    // Nothing on a closed day it starts on: Thanksgiving 10:00 EST + 1 h -> Fri 27 Nov 10:00 EST; Sat 7 Mar 10:00
    // CET + 1 h -> Mon 9 Mar 10:00 CET.
    ['2026-11-26T10:00:00', 60, newYork, '2026-11-27T15:00:00.000Z'],
    ['2026-03-07T10:00:00', 60, berlin, '2026-03-09T09:00:00.000Z'],
  ])('%s + %i business minutes: %s', (iso, minutes, cal, expected) => {
    expect(addBusinessMinutes(at(iso, cal), minutes, cal).toUTC().toISO()).toBe(expected);
  });
});

describe('reminderTimes', () => {
  it('defaults: 3-day window sent Monday 15:00 Berlin -> Wednesday 11:00 and Thursday 09:00', () => {
    // Mon 2 Mar 2026 15:00 CET (UTC+1); due Thu 5 Mar 15:00 CET.
    expect(dueOf('2026-03-02T14:00:00Z', 3, berlin)).toBe('2026-03-05T14:00:00.000Z');
    // 50% of 24 business hours = 12 h: 2 h Mon, 8 h Tue, 2 h Wed -> Wed 11:00. Last morning: Thu 09:00.
    expect(reminders('2026-03-02T14:00:00Z', 3, '50%,last-morning', berlin)).toEqual([
      '2026-03-04T10:00:00.000Z',
      '2026-03-05T08:00:00.000Z',
    ]);
  });

  it('a 1-day window sent at 15:00: the last morning comes before the half-way point', () => {
    // Due Tue 3 Mar 15:00 CET. Last morning Tue 09:00; 50% of 8 h = 4 h: 2 h Mon, 2 h Tue -> Tue 11:00.
    expect(reminders('2026-03-02T14:00:00Z', 1, '50%,last-morning', berlin)).toEqual([
      '2026-03-03T08:00:00.000Z',
      '2026-03-03T10:00:00.000Z',
    ]);
  });

  it('a 1-day window sent at opening: the last morning is the due time, so it is dropped', () => {
    // Mon 2 Mar 09:00 CET; due Tue 09:00 CET, which is also the last morning. 50%: Mon 13:00.
    expect(dueOf('2026-03-02T08:00:00Z', 1, berlin)).toBe('2026-03-03T08:00:00.000Z');
    expect(reminders('2026-03-02T08:00:00Z', 1, '50%,last-morning', berlin)).toEqual([
      '2026-03-02T12:00:00.000Z',
    ]);
    // A send before opening starts at opening: the same reminders.
    expect(reminders('2026-03-02T06:00:00Z', 1, '50%,last-morning', berlin)).toEqual([
      '2026-03-02T12:00:00.000Z',
    ]);
  });

  it('drops a last morning that precedes or coincides with the start', () => {
    const points = parseReminderPoints('50%,last-morning') ?? [];
    // Mon 15:00 CET, with the due time at the start itself: last morning (Mon 09:00) precedes it.
    const afternoon = new Date('2026-03-02T14:00:00Z');
    expect(reminderTimes(afternoon, afternoon, 0, points, berlin)).toEqual([]);
    // Mon 09:00 CET, due at the start: last morning coincides with it.
    const opening = new Date('2026-03-02T08:00:00Z');
    expect(reminderTimes(opening, opening, 0, points, berlin)).toEqual([]);
  });

  it('sorts the points and drops duplicates', () => {
    // 25% = 6 h: 2 h Mon, 4 h Tue -> Tue 13:00; 50% -> Wed 11:00; last morning -> Thu 09:00.
    expect(reminders('2026-03-02T14:00:00Z', 3, 'last-morning,50%,50%,last-morning,25%', berlin)).toEqual([
      '2026-03-03T12:00:00.000Z',
      '2026-03-04T10:00:00.000Z',
      '2026-03-05T08:00:00.000Z',
    ]);
  });

  it('gives no reminders for no points', () => {
    expect(reminders('2026-03-02T14:00:00Z', 3, '', berlin)).toEqual([]);
  });

  it('a share crossing a weekend and a holiday (Whit Monday in Bavaria)', () => {
    // Thu 21 May 2026 15:00 CEST (UTC+2). Fri 22 (1), weekend, Mon 25 closed, Tue 26 (2), Wed 27 (3).
    expect(dueOf('2026-05-21T13:00:00Z', 3, bavaria)).toBe('2026-05-27T13:00:00.000Z');
    // 50% = 12 h: 2 h Thu, 8 h Fri, 2 h Tue -> Tue 26 May 11:00 CEST. Last morning Wed 27 May 09:00 CEST.
    expect(reminders('2026-05-21T13:00:00Z', 3, '50%,last-morning', bavaria)).toEqual([
      '2026-05-26T09:00:00.000Z',
      '2026-05-27T07:00:00.000Z',
    ]);
  });

  it('a share crossing Thanksgiving in New York', () => {
    // Tue 24 Nov 2026 13:00 EST; due Fri 27 Nov 13:00 EST (Thanksgiving skipped).
    expect(dueOf('2026-11-24T18:00:00Z', 2, newYork)).toBe('2026-11-27T18:00:00.000Z');
    // 80% of 16 h = 12 h 48 min: 4 h Tue, 8 h Wed, Thanksgiving skipped, 48 min Fri -> Fri 09:48 EST.
    expect(reminders('2026-11-24T18:00:00Z', 2, '80%,last-morning', newYork)).toEqual([
      '2026-11-27T14:00:00.000Z',
      '2026-11-27T14:48:00.000Z',
    ]);
  });

  it('a window sent on Saturday starts Monday 09:00', () => {
    // Sat 7 Mar 2026 11:00 CET; 1 day: due Tue 10 Mar 09:00 CET. 50% = 4 h -> Mon 13:00; last morning = due.
    expect(dueOf('2026-03-07T10:00:00Z', 1, berlin)).toBe('2026-03-10T08:00:00.000Z');
    expect(reminders('2026-03-07T10:00:00Z', 1, '50%,last-morning', berlin)).toEqual([
      '2026-03-09T12:00:00.000Z',
    ]);
    // 2 days (16 h): 25% = 4 h -> Mon 13:00; 75% = 12 h -> Tue 13:00; the deadline is Wed 09:00, at opening,
    // so the last morning the AE can act on is Tue 09:00.
    expect(reminders('2026-03-07T10:00:00Z', 2, '25%,75%,last-morning', berlin)).toEqual([
      '2026-03-09T12:00:00.000Z',
      '2026-03-10T08:00:00.000Z',
      '2026-03-10T12:00:00.000Z',
    ]);
  });

  it('keeps local business hours across a daylight-saving change', () => {
    // Thu 22 Oct 2026 15:00 CEST; due Tue 27 Oct 15:00 CET. 50% = 12 h: 2 h Thu, 8 h Fri, 2 h Mon -> Mon 26
    // Oct 11:00 CET. Last morning Tue 27 Oct 09:00 CET.
    expect(dueOf('2026-10-22T13:00:00Z', 3, berlin)).toBe('2026-10-27T14:00:00.000Z');
    expect(reminders('2026-10-22T13:00:00Z', 3, '50%,last-morning', berlin)).toEqual([
      '2026-10-26T10:00:00.000Z',
      '2026-10-27T08:00:00.000Z',
    ]);
  });

  it('moves a reminder landing exactly at closing to the next opening, and nudges the morning before a deadline at opening', () => {
    // Two business days from Monday 09:00 Berlin: half of 16 business hours is Monday 17:00, so Tuesday 09:00.
    expect(reminders('2026-03-02T08:00:00Z', 2, '50%', berlin)).toEqual(['2026-03-03T08:00:00.000Z']);
    // Friday 18:00 Berlin, 3 days: counting starts Monday 09:00, due Thursday 09:00; last morning Wednesday 09:00.
    expect(reminders('2026-03-06T17:00:00Z', 3, 'last-morning', berlin)).toEqual([
      '2026-03-11T08:00:00.000Z',
    ]);
  });
});
