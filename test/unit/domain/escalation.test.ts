import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type BusinessCalendar,
  businessHoursBetween,
  responseDueAt,
} from '../../../src/domain/businessDays.js';
import {
  defaultPolicy,
  dueStep,
  expiryTargets,
  isExpiryLevel,
  type Level,
  levelTime,
  onBusinessDay,
  type Policy,
  planEscalation,
  type Step,
  type Target,
  type Trigger,
} from '../../../src/domain/escalation.js';
import { holidayCalendar } from '../../../src/domain/holidays.js';
import { parseReminderPoints, type ReminderPoint, reminderTimes } from '../../../src/domain/reminders.js';

// Expected times are written as local ISO strings with the calendar's UTC offset (computed by hand, explained next
// to each), and actual times are formatted the same way in the calendar's zone, so a failure shows local times.

const hours = { dayStart: '09:00', dayEnd: '17:00' };
const newYork: BusinessCalendar = { timeZone: 'America/New_York', ...hours };
const usHolidays: BusinessCalendar = { ...newYork, isHoliday: holidayCalendar(['US'], []) };
/** US holidays plus the day after Thanksgiving 2026 as a company closure date. */
const usWithClosure: BusinessCalendar = { ...newYork, isHoliday: holidayCalendar(['US'], ['2026-11-27']) };
const berlin: BusinessCalendar = { timeZone: 'Europe/Berlin', ...hours };
const bavaria: BusinessCalendar = { ...berlin, isHoliday: holidayCalendar(['DE-BY'], []) };
const kolkata: BusinessCalendar = { timeZone: 'Asia/Kolkata', ...hours };
const sydney: BusinessCalendar = { timeZone: 'Australia/Sydney', ...hours };

const POINTS = parseReminderPoints('50%,last-morning') as ReminderPoint[];

const ae: Target = { kind: 'ae' };
const manager: Target = { kind: 'manager' };
const share = (percent: number): Trigger => ({ kind: 'share', percent });
const lastMorning: Trigger = { kind: 'lastMorning' };
const due = (afterBusinessHours = 0): Trigger => ({ kind: 'due', afterBusinessHours });
const every = (everyBusinessHours: number, times: number) => ({ repeat: { everyBusinessHours, times } });

/** A level of `action` to `to` (unless `extra` says otherwise), fired at `at`. */
const level =
  (action: Level['action'], to: Target[]) =>
  (at: Trigger, extra: Partial<Level> = {}): Level => ({ at, action, to, ...extra });
const remind = level('remind', [ae]);
const notify = level('notify', [manager]);
const reassign = level('reassign', [{ kind: 'pool', name: 'backup' }]);
const policy = (...levels: Level[]): Policy => ({ name: 'test', displayName: 'Test', levels });

/** Steps of one level at `times`, its first run and then its repeats. */
const series = (level: number, ...times: string[]) => times.map((at, repeat) => ({ at, level, repeat }));

/** A moment as a local ISO string with its offset in the calendar's zone, e.g. 2026-04-20T11:00:00-04:00. */
const local = (ms: number, cal: BusinessCalendar): string =>
  DateTime.fromMillis(ms, { zone: cal.timeZone }).toISO({ suppressMilliseconds: true }) ?? '';

/** A window of `days` business days sent at `sentAt` (an ISO string with offset), as the app plans it. */
function windowOf(sentAt: string, days: number, cal: BusinessCalendar) {
  const start = new Date(sentAt);
  return { start, due: responseDueAt(start, days, cal), businessDays: days };
}

/** The plan of a window, its times written locally. */
function planOf(p: Policy, sentAt: string, days: number, cal: BusinessCalendar) {
  const window = windowOf(sentAt, days, cal);
  const plan = planEscalation(p, window, cal);
  return {
    due: local(window.due.getTime(), cal),
    reminders: plan.reminders.map((ms) => local(ms, cal)),
    steps: plan.steps.map((s) => ({ ...s, at: local(s.at, cal) })),
  };
}

/** When one level first fires in a window, written locally. */
const firstTime = (level: Level, sentAt: string, days: number, cal: BusinessCalendar) =>
  local(levelTime(level, windowOf(sentAt, days, cal), cal).toMillis(), cal);

describe('the default policy', () => {
  it('reminds the AE at the reminder points and tells the channel and the manager at expiry', () => {
    const p = defaultPolicy(POINTS, 'C0ESC');
    expect(p).toEqual({
      name: 'default',
      displayName: 'Default',
      levels: [
        { at: share(50), action: 'remind', to: [ae] },
        { at: lastMorning, action: 'remind', to: [ae] },
        { at: due(0), action: 'notify', to: [{ kind: 'channel', id: 'C0ESC' }, manager] },
      ],
    });
    expect(p.levels.map(isExpiryLevel)).toEqual([false, false, true]);
    expect(expiryTargets(p)).toEqual([{ kind: 'channel', id: 'C0ESC' }, manager]);
  });

  it('tells only the manager without an escalation channel, and has only the expiry level with no reminders', () => {
    expect(expiryTargets(defaultPolicy(POINTS, undefined))).toEqual([manager]);
    expect(expiryTargets(defaultPolicy(POINTS, ''))).toEqual([manager]);
    const none = defaultPolicy(parseReminderPoints('none') ?? [], 'C0ESC');
    expect(none.levels).toHaveLength(1);
    expect(none.levels.every(isExpiryLevel)).toBe(true);
    const plan = planEscalation(none, windowOf('2026-03-02T15:00:00+01:00', 3, berlin), berlin);
    expect(plan).toEqual({ reminders: [], steps: [] });
  });

  it('plans a known window exactly as reminderTimes does (Mon 15:00 Berlin, 3 days)', () => {
    // 50% of 24 business hours = 12 h: 2 h Mon, 8 h Tue, 2 h Wed -> Wed 11:00. Last morning: Thu 09:00.
    expect(planOf(defaultPolicy(POINTS, 'C0ESC'), '2026-03-02T15:00:00+01:00', 3, berlin)).toEqual({
      due: '2026-03-05T15:00:00+01:00',
      reminders: ['2026-03-04T11:00:00+01:00', '2026-03-05T09:00:00+01:00'],
      steps: [],
    });
  });

  describe('reproduces reminderTimes for any window (property)', () => {
    const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney'] as const;
    const REGIONS = { US: holidayCalendar(['US'], []), 'DE-BY': holidayCalendar(['DE-BY'], []) };
    const HOURS = [
      ['09:00', '17:00'],
      ['08:30', '17:30'],
      ['10:00', '16:00'],
    ] as const;
    const MIN = Date.parse('2026-01-01T00:00:00Z');
    const MAX = Date.parse('2027-12-31T23:59:59Z');
    // Send times: any millisecond, or a whole quarter hour (to hit openings and closings exactly).
    const sendTime = fc.oneof(
      fc.integer({ min: MIN, max: MAX }),
      fc.integer({ min: MIN / 900_000, max: Math.floor(MAX / 900_000) }).map((q) => q * 900_000),
    );
    interface CalendarChoice {
      zone: (typeof ZONES)[number];
      region: keyof typeof REGIONS | 'none';
      hours: (typeof HOURS)[number];
      /** Closure dates: days (counted from the send date, in the AE's zone) the company is closed. */
      closures: number[];
    }
    const calendarArb: fc.Arbitrary<CalendarChoice> = fc.record({
      zone: fc.constantFrom(...ZONES),
      region: fc.constantFrom<CalendarChoice['region']>('US', 'DE-BY', 'none'),
      hours: fc.constantFrom(...HOURS),
      closures: fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { maxLength: 4 }),
    });

    function calendarFor(c: CalendarChoice, sent: number): BusinessCalendar {
      const base = c.region === 'none' ? undefined : REGIONS[c.region];
      const day = DateTime.fromMillis(sent, { zone: c.zone });
      const closed = new Set(c.closures.map((n) => day.plus({ days: n }).toISODate()));
      return {
        timeZone: c.zone,
        dayStart: c.hours[0],
        dayEnd: c.hours[1],
        isHoliday: (iso) => closed.has(iso) || (base?.(iso) ?? false),
      };
    }

    function check(
      points: readonly ReminderPoint[],
      sent: number,
      days: number,
      cal: BusinessCalendar,
    ): void {
      const sentAt = new Date(sent);
      const dueAt = responseDueAt(sentAt, days, cal);
      const p = defaultPolicy(points, 'C0ESC');
      const plan = planEscalation(p, { start: sentAt, due: dueAt, businessDays: days }, cal);
      expect(plan.reminders).toEqual(reminderTimes(sentAt, dueAt, days, points, cal).map((d) => d.getTime()));
      // The only level that is not a reminder is the expiry's own notice, which is no step of the sweep.
      expect(p.levels.filter((l) => l.action !== 'remind').map(isExpiryLevel)).toEqual([true]);
      expect(plan.steps).toEqual([]);
      expect(expiryTargets(p)).toEqual([{ kind: 'channel', id: 'C0ESC' }, manager]);
    }

    it('with the default reminders 50%,last-morning', () => {
      fc.assert(
        fc.property(sendTime, fc.integer({ min: 1, max: 10 }), calendarArb, (sent, days, c) => {
          check(POINTS, sent, days, calendarFor(c, sent));
        }),
        { numRuns: 200 },
      );
    });

    it('with any list of reminder points', () => {
      const point = fc.oneof(
        fc.integer({ min: 1, max: 99 }).map((percent): ReminderPoint => ({ kind: 'share', percent })),
        fc.constant<ReminderPoint>({ kind: 'lastMorning' }),
      );
      fc.assert(
        fc.property(
          sendTime,
          fc.integer({ min: 1, max: 10 }),
          calendarArb,
          fc.array(point, { maxLength: 5 }),
          (sent, days, c, points) => {
            check(points, sent, days, calendarFor(c, sent));
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});

describe('levelTime', () => {
  // Mon 2 Mar 2026 15:00 CET, 3 days: due Thu 5 Mar 15:00 CET.
  it.each<[string, Level, string]>([
    // A share counts business hours from the window start: 25% of 24 h = 6 h: 2 h Mon, 4 h Tue -> Tue 13:00.
    ['25%', remind(share(25)), '2026-03-03T13:00:00+01:00'],
    // The last morning is the opening of the due day; due is the due time itself.
    ['last-morning', remind(lastMorning), '2026-03-05T09:00:00+01:00'],
    ['due', notify(due()), '2026-03-05T15:00:00+01:00'],
    // due+Nh counts business hours after the due time, to the next day: Thu 15:00 + 4 h: 2 h Thu, 2 h Fri.
    ['due+4h', notify(due(4)), '2026-03-06T11:00:00+01:00'],
    // Thu 15:00 + 2 h lands at closing: the next opening, Fri 09:00 (nobody is told as they leave).
    ['due+2h', notify(due(2)), '2026-03-06T09:00:00+01:00'],
    // due+2d with 8-hour days = 16 h: 2 h Thu, 8 h Fri, 6 h Mon -> Mon 9 Mar 15:00.
    ['due+16h', notify(due(16)), '2026-03-09T15:00:00+01:00'],
  ])('%s', (_, level, expected) => {
    expect(firstTime(level, '2026-03-02T15:00:00+01:00', 3, berlin)).toBe(expected);
  });

  it('a share of a window sent before opening counts from the opening', () => {
    // Mon 07:00 starts at Mon 09:00; 50% of 8 h = 4 h -> Mon 13:00.
    expect(firstTime(remind(share(50)), '2026-03-02T07:00:00+01:00', 1, berlin)).toBe(
      '2026-03-02T13:00:00+01:00',
    );
  });

  it('tells whether a moment falls on a business day of the calendar', () => {
    expect(onBusinessDay(new Date('2026-11-26T15:00:00Z'), usHolidays)).toBe(false); // Thanksgiving
    expect(onBusinessDay(new Date('2026-11-27T15:00:00Z'), usHolidays)).toBe(true);
    expect(onBusinessDay(new Date('2026-11-27T15:00:00Z'), usWithClosure)).toBe(false); // closure date
    expect(onBusinessDay(new Date('2026-03-07T12:00:00Z'), berlin)).toBe(false); // Saturday
    // Sun 8 Mar 2026 23:30 UTC is already Monday 05:00 in Kolkata (a business day, if not business hours).
    expect(onBusinessDay(new Date('2026-03-08T23:30:00Z'), kolkata)).toBe(true);
  });
});

/** Each row: sent at, 1 business day, in a calendar: the due time, the reminders and the due+4h step (level 3). */
describe('levels crossing weekends and daylight-saving changes (local business hours are kept)', () => {
  const levels = policy(remind(share(50)), remind(lastMorning), notify(due()), notify(due(4)));

  it.each<[string, string, BusinessCalendar, string, string[], string]>([
    // Thu 16 Apr 15:00 EDT: 50% of 8 h = 2 h Thu, 2 h Fri -> Fri 11:00; last morning Fri 09:00.
    // due+4h: 2 h Fri (15:00-17:00), the weekend, 2 h Mon -> Mon 20 Apr 11:00 EDT.
    [
      'New York: a window due Friday afternoon escalates on Monday morning',
      '2026-04-16T15:00:00-04:00',
      newYork,
      '2026-04-17T15:00:00-04:00',
      ['2026-04-17T09:00:00-04:00', '2026-04-17T11:00:00-04:00'],
      '2026-04-20T11:00:00-04:00',
    ],
    // Thu 11 Jun 14:30 IST: 50% = 2.5 h Thu, 1.5 h Fri -> Fri 10:30; due+4h: 2.5 h Fri, weekend, 1.5 h Mon.
    [
      'Kolkata (UTC+05:30): the same on the half hour',
      '2026-06-11T14:30:00+05:30',
      kolkata,
      '2026-06-12T14:30:00+05:30',
      ['2026-06-12T09:00:00+05:30', '2026-06-12T10:30:00+05:30'],
      '2026-06-15T10:30:00+05:30',
    ],
    // Sat 7 Mar 11:00 CET starts Mon 09:00, due Tue 09:00. 50% -> Mon 13:00; the last morning is Mon 09:00 (the
    // deadline is at the opening) = the start: dropped. due+4h: Tue 09:00 + 4 h -> Tue 13:00.
    [
      'a window sent on Saturday counts from Monday opening',
      '2026-03-07T11:00:00+01:00',
      berlin,
      '2026-03-10T09:00:00+01:00',
      ['2026-03-09T13:00:00+01:00'],
      '2026-03-10T13:00:00+01:00',
    ],
    // Fri 30 Oct 14:00 EDT: due Mon 2 Nov 14:00 EST (same wall clock). 50% = 3 h Fri, 1 h Mon; due+4h: 3 h Mon, 1 h Tue.
    [
      'New York, clocks back on Sun 1 Nov 2026 (EDT -04:00 -> EST -05:00)',
      '2026-10-30T14:00:00-04:00',
      newYork,
      '2026-11-02T14:00:00-05:00',
      ['2026-11-02T09:00:00-05:00', '2026-11-02T10:00:00-05:00'],
      '2026-11-03T10:00:00-05:00',
    ],
    // Fri 23 Oct 15:00 CEST: due Mon 26 Oct 15:00 CET. 50%: 2 h Fri, 2 h Mon; due+4h: 2 h Mon, 2 h Tue.
    [
      'Berlin, clocks back on Sun 25 Oct 2026 (CEST +02:00 -> CET +01:00)',
      '2026-10-23T15:00:00+02:00',
      berlin,
      '2026-10-26T15:00:00+01:00',
      ['2026-10-26T09:00:00+01:00', '2026-10-26T11:00:00+01:00'],
      '2026-10-27T11:00:00+01:00',
    ],
    // Fri 26 Mar 15:00 CET (no holidays in this calendar: Good Friday counts): due Mon 29 Mar 15:00 CEST.
    [
      'Berlin, clocks forward on Sun 28 Mar 2027 (CET +01:00 -> CEST +02:00)',
      '2027-03-26T15:00:00+01:00',
      berlin,
      '2027-03-29T15:00:00+02:00',
      ['2027-03-29T09:00:00+02:00', '2027-03-29T11:00:00+02:00'],
      '2027-03-30T11:00:00+02:00',
    ],
    // Fri 2 Oct 14:00 AEST: due Mon 5 Oct 14:00 AEDT. 50%: 3 h Fri, 1 h Mon; due+4h: 3 h Mon, 1 h Tue.
    [
      'Sydney, clocks forward on Sun 4 Oct 2026 (AEST +10:00 -> AEDT +11:00)',
      '2026-10-02T14:00:00+10:00',
      sydney,
      '2026-10-05T14:00:00+11:00',
      ['2026-10-05T09:00:00+11:00', '2026-10-05T10:00:00+11:00'],
      '2026-10-06T10:00:00+11:00',
    ],
  ])('%s', (_, sent, cal, dueAt, reminders, step) => {
    expect(planOf(levels, sent, 1, cal)).toEqual({ due: dueAt, reminders, steps: series(3, step) });
  });

  it('a notification at the due time that repeats is a step, across the New York change', () => {
    // Not the expiry's notice: Mon 2 Nov 14:00 EST, then 8 h later: 3 h Mon, 5 h Tue -> Tue 14:00 EST.
    expect(planOf(policy(notify(due(), every(8, 1))), '2026-10-30T14:00:00-04:00', 1, newYork).steps).toEqual(
      series(0, '2026-11-02T14:00:00-05:00', '2026-11-03T14:00:00-05:00'),
    );
  });

  it('a repeating level crosses the Berlin change of 25 Oct 2026', () => {
    // Thu 22 Oct 13:00 CEST, 1 day: due Fri 23 Oct 13:00 CEST. due+2h: Fri 15:00 CEST; +4 h: 2 h Fri, 2 h Mon
    // -> Mon 26 Oct 11:00 CET; +4 h -> Mon 15:00 CET.
    expect(planOf(policy(notify(due(2), every(4, 2))), '2026-10-22T13:00:00+02:00', 1, berlin).steps).toEqual(
      series(0, '2026-10-23T15:00:00+02:00', '2026-10-26T11:00:00+01:00', '2026-10-26T15:00:00+01:00'),
    );
  });
});

describe('levels crossing holidays', () => {
  const levels = policy(
    remind(share(50)),
    remind(lastMorning),
    notify(due()),
    notify(due(4), { ...every(4, 1) }),
  );

  it('US Thanksgiving (Thu 26 Nov 2026), with and without the day after as a closure date', () => {
    // Tue 24 Nov 2026 14:00 EST, 1 day: due Wed 25 Nov 14:00 EST.
    // due+4h: 3 h Wed (14:00-17:00), Thanksgiving closed, then 1 h on the next business day:
    //   with the closure date: Fri 27 closed, weekend -> Mon 30 Nov 10:00 EST; without it: Fri 27 Nov 10:00 EST.
    const withClosure = planOf(policy(notify(due(4))), '2026-11-24T14:00:00-05:00', 1, usWithClosure);
    expect(withClosure.due).toBe('2026-11-25T14:00:00-05:00');
    expect(withClosure.steps).toEqual([{ at: '2026-11-30T10:00:00-05:00', level: 0, repeat: 0 }]);
    const withoutClosure = planOf(policy(notify(due(4))), '2026-11-24T14:00:00-05:00', 1, usHolidays);
    expect(withoutClosure.steps).toEqual([{ at: '2026-11-27T10:00:00-05:00', level: 0, repeat: 0 }]);
  });

  it('a window running over Thanksgiving and the closure day', () => {
    // Wed 25 Nov 2026 11:00 EST, 2 days: Thu 26 (Thanksgiving) and Fri 27 (closure) closed, weekend,
    // Mon 30 (1), Tue 1 Dec (2): due Tue 1 Dec 11:00 EST.
    // 50% of 16 h = 8 h: 6 h Wed (11:00-17:00), 2 h Mon -> Mon 30 Nov 11:00. Last morning Tue 1 Dec 09:00.
    // due+4h: Tue 15:00; its repeat 4 h later: 2 h Tue, 2 h Wed -> Wed 2 Dec 11:00.
    expect(planOf(levels, '2026-11-25T11:00:00-05:00', 2, usWithClosure)).toEqual({
      due: '2026-12-01T11:00:00-05:00',
      reminders: ['2026-11-30T11:00:00-05:00', '2026-12-01T09:00:00-05:00'],
      steps: series(3, '2026-12-01T15:00:00-05:00', '2026-12-02T11:00:00-05:00'),
    });
    // Without the closure date Fri 27 Nov counts: due Mon 30 Nov 11:00; 50% -> Fri 27 Nov 11:00.
    expect(planOf(levels, '2026-11-25T11:00:00-05:00', 2, usHolidays)).toEqual({
      due: '2026-11-30T11:00:00-05:00',
      reminders: ['2026-11-27T11:00:00-05:00', '2026-11-30T09:00:00-05:00'],
      steps: series(3, '2026-11-30T15:00:00-05:00', '2026-12-01T11:00:00-05:00'),
    });
  });

  it('Bavaria over Easter 2027 (Good Friday 26 Mar, Easter Monday 29 Mar) and the DST change between them', () => {
    // Thu 25 Mar 2027 15:00 CET, 1 day: Fri 26 closed, weekend (clocks go forward Sun 28), Mon 29 closed,
    // Tue 30 (1): due Tue 30 Mar 15:00 CEST. 50% = 4 h: 2 h Thu, 2 h Tue -> Tue 11:00 CEST.
    // Last morning Tue 09:00 CEST. due+4h: 2 h Tue, 2 h Wed -> Wed 31 Mar 11:00 CEST; repeat -> Wed 15:00.
    expect(planOf(levels, '2027-03-25T15:00:00+01:00', 1, bavaria)).toEqual({
      due: '2027-03-30T15:00:00+02:00',
      reminders: ['2027-03-30T09:00:00+02:00', '2027-03-30T11:00:00+02:00'],
      steps: series(3, '2027-03-31T11:00:00+02:00', '2027-03-31T15:00:00+02:00'),
    });
  });
});

describe('repeats', () => {
  const repeating = policy(notify(due(2), every(4, 2)));

  /** The business hours between consecutive steps. */
  const gaps = (steps: readonly Step[], cal: BusinessCalendar) =>
    steps.slice(1).map((s, i) => businessHoursBetween(new Date(steps[i]?.at ?? 0), new Date(s.at), cal));

  it.each([
    // Wed 4 Mar 2026 14:00 CET, 1 day: due Thu 5 Mar 14:00. due+2h: Thu 16:00; +4 h: 1 h Thu, 3 h Fri ->
    // Fri 12:00; +4 h -> Fri 16:00.
    [
      'night',
      '2026-03-04T14:00:00+01:00',
      ['2026-03-05T16:00:00+01:00', '2026-03-06T12:00:00+01:00', '2026-03-06T16:00:00+01:00'],
    ],
    // Thu 5 Mar 14:00 CET, 1 day: due Fri 6 Mar 14:00. due+2h: Fri 16:00; +4 h: 1 h Fri, 3 h Mon ->
    // Mon 9 Mar 12:00; +4 h -> Mon 16:00.
    [
      'weekend',
      '2026-03-05T14:00:00+01:00',
      ['2026-03-06T16:00:00+01:00', '2026-03-09T12:00:00+01:00', '2026-03-09T16:00:00+01:00'],
    ],
  ] as const)('every 4 business hours, twice more: three steps, the second after a %s', (_, sent, times) => {
    const { steps } = planEscalation(repeating, windowOf(sent, 1, berlin), berlin);
    expect(steps.map((s) => ({ ...s, at: local(s.at, berlin) }))).toEqual(
      times.map((at, repeat) => ({ at, level: 0, repeat })),
    );
    expect(gaps(steps, berlin)).toEqual([4, 4]);
  });

  it('a night and a weekend in one series (6-hour business days, 09:00-15:00)', () => {
    const short: BusinessCalendar = { timeZone: 'Europe/Berlin', dayStart: '09:00', dayEnd: '15:00' };
    // Wed 4 Mar 12:00 CET, 1 day: due Thu 5 Mar 12:00. due+2h: Thu 14:00; +4 h: 1 h Thu, 3 h Fri -> Fri 12:00;
    // +4 h: 3 h Fri, weekend, 1 h Mon -> Mon 9 Mar 10:00.
    const window = windowOf('2026-03-04T12:00:00+01:00', 1, short);
    const { steps } = planEscalation(repeating, window, short);
    expect(steps.map((s) => local(s.at, short))).toEqual([
      '2026-03-05T14:00:00+01:00',
      '2026-03-06T12:00:00+01:00',
      '2026-03-09T10:00:00+01:00',
    ]);
    expect(gaps(steps, short)).toEqual([4, 4]);
  });

  it('a repeat landing exactly at closing moves to the next opening', () => {
    // Due Thu 5 Mar 13:00 (sent Wed 13:00); due+0 notify repeated: Thu 13:00, +4 h = 17:00 closing -> Fri 09:00.
    expect(
      planOf(policy(notify(due(), every(4, 1))), '2026-03-04T13:00:00+01:00', 1, berlin).steps.map(
        (s) => s.at,
      ),
    ).toEqual(['2026-03-05T13:00:00+01:00', '2026-03-06T09:00:00+01:00']);
  });

  it('drops the repeats of a reminder that fall at or after the due time, and keeps those of a notification', () => {
    // Mon 2 Mar 10:00 CET, 2 days: due Wed 4 Mar 10:00. 50% of 16 h = 8 h: 7 h Mon, 1 h Tue -> Tue 10:00;
    // repeats every 4 h: Tue 14:00, Wed 10:00 (the due time: dropped), Wed 14:00 (dropped).
    // Last morning: the deadline is 1 h after Wednesday's opening, so Tuesday 09:00.
    const sent = '2026-03-02T10:00:00+01:00';
    const plan = planOf(policy(remind(share(50), every(4, 3)), remind(lastMorning)), sent, 2, berlin);
    expect(plan).toEqual({
      due: '2026-03-04T10:00:00+01:00',
      reminders: ['2026-03-03T09:00:00+01:00', '2026-03-03T10:00:00+01:00', '2026-03-03T14:00:00+01:00'],
      steps: [],
    });
    // The same series as a notification keeps every repeat: the sweep checks the handoff is still waiting.
    expect(planOf(policy(notify(share(50), every(4, 3))), sent, 2, berlin).steps).toEqual(
      series(
        0,
        '2026-03-03T10:00:00+01:00',
        '2026-03-03T14:00:00+01:00',
        '2026-03-04T10:00:00+01:00',
        '2026-03-04T14:00:00+01:00',
      ),
    );
  });

  it('merges reminders of several levels that fall at the same time', () => {
    // 50% of a 2-day window from Mon 09:00 = Mon 17:00, at closing -> Tue 09:00; the last morning (the deadline
    // Wed 09:00 is at opening) is Tue 09:00 too; 25% = Mon 13:00 repeated 4 h later -> Tue 09:00 again.
    const plan = planOf(
      policy(remind(share(50)), remind(lastMorning), remind(share(25), every(4, 1))),
      '2026-03-02T09:00:00+01:00',
      2,
      berlin,
    );
    expect(plan.reminders).toEqual(['2026-03-02T13:00:00+01:00', '2026-03-03T09:00:00+01:00']);
  });
});

describe('planEscalation: steps', () => {
  it('sorts steps by time, then by level, then by repeat', () => {
    // Mon 2 Mar 15:00 CET, 3 days: due Thu 5 Mar 15:00. due+4h -> Fri 11:00; due+8h -> Fri 15:00.
    const p = policy(
      notify(due(8), { to: [{ kind: 'channel', id: 'C0ESC' }] }), // 0: Fri 15:00
      reassign(due(4)), // 1: Fri 11:00
      notify(due(4), every(4, 1)), // 2: Fri 11:00, Fri 15:00
      notify(share(50)), // 3: Wed 11:00
    );
    expect(planOf(p, '2026-03-02T15:00:00+01:00', 3, berlin).steps).toEqual([
      { at: '2026-03-04T11:00:00+01:00', level: 3, repeat: 0 },
      { at: '2026-03-06T11:00:00+01:00', level: 1, repeat: 0 },
      { at: '2026-03-06T11:00:00+01:00', level: 2, repeat: 0 },
      { at: '2026-03-06T15:00:00+01:00', level: 0, repeat: 0 },
      { at: '2026-03-06T15:00:00+01:00', level: 2, repeat: 1 },
    ]);
  });

  it('leaves the expiry notice to the expiry, and plans a reassignment or a repeated notice at the due time', () => {
    const p = policy(notify(due()), reassign(due()), notify(due(), every(4, 1)));
    expect(p.levels.map(isExpiryLevel)).toEqual([true, false, false]);
    expect(expiryTargets(p)).toEqual([manager]);
    expect(planOf(p, '2026-03-02T15:00:00+01:00', 3, berlin).steps).toEqual([
      { at: '2026-03-05T15:00:00+01:00', level: 1, repeat: 0 },
      { at: '2026-03-05T15:00:00+01:00', level: 2, repeat: 0 },
      { at: '2026-03-06T11:00:00+01:00', level: 2, repeat: 1 },
    ]);
  });

  it('a notice at the due time that names a pool is a step of the sweep, not of the expiry', () => {
    // A pool's members are read from Slack, outside the expiry's transaction.
    const toPool = notify(due(), { to: [manager, { kind: 'pool', name: 'backup' }] });
    expect(isExpiryLevel(toPool)).toBe(false);
    const p = policy(notify(due(), { to: [{ kind: 'owner' }] }), toPool);
    expect(expiryTargets(p)).toEqual([{ kind: 'owner' }]);
    expect(planOf(p, '2026-03-02T15:00:00+01:00', 3, berlin).steps).toEqual(
      series(1, '2026-03-05T15:00:00+01:00'),
    );
  });

  it('the expiry targets are the union of every expiry level', () => {
    const p = policy(
      notify(due(), { to: [{ kind: 'channel', id: 'C1' }] }),
      notify(due(4), { to: [{ kind: 'owner' }] }),
      notify(due(), { to: [manager, { kind: 'owner' }] }),
    );
    expect(expiryTargets(p)).toEqual([{ kind: 'channel', id: 'C1' }, manager, { kind: 'owner' }]);
  });

  it('drops steps at or before the window start', () => {
    // Mon 2 Mar 09:00 CET, 1 day: due Tue 09:00 at opening, so the last morning is Mon 09:00 = the start.
    expect(
      planOf(policy(notify(lastMorning), notify(share(50))), '2026-03-02T09:00:00+01:00', 1, berlin),
    ).toEqual({
      due: '2026-03-03T09:00:00+01:00',
      reminders: [],
      steps: [{ at: '2026-03-02T13:00:00+01:00', level: 1, repeat: 0 }],
    });
  });
});

describe('dueStep', () => {
  const steps: Step[] = [
    { at: 1_000, level: 1, repeat: 0 },
    { at: 2_000, level: 0, repeat: 0 },
    { at: 2_000, level: 1, repeat: 1 },
    { at: 5_000, level: 2, repeat: 0 },
  ];

  it.each<[string, number, { due?: Step; next?: Step }]>([
    ['has nothing due before the first step, and names it as the next', 999, { next: steps[0] }],
    ['a step is due from its own time on', 1_000, { due: steps[0], next: steps[1] }],
    [
      'after downtime, only the latest due step (stale ones are skipped), and the next one',
      4_999,
      { due: steps[2], next: steps[3] },
    ],
    ['after the last step, nothing next', 10_000, { due: steps[3] }],
  ])('%s', (_, now, expected) => {
    expect(dueStep(steps, now)).toStrictEqual(expected);
  });

  it('nothing for no steps', () => {
    expect(dueStep([], 10_000)).toStrictEqual({});
  });

  it('with a planned window', () => {
    // Due Thu 5 Mar 15:00 CET; due+4h Fri 11:00, repeat Fri 15:00 (sent Mon 2 Mar 15:00, 3 days).
    const { steps: planned } = planEscalation(
      policy(notify(due(4), every(4, 1))),
      windowOf('2026-03-02T15:00:00+01:00', 3, berlin),
      berlin,
    );
    const saturday = Date.parse('2026-03-07T10:00:00+01:00');
    expect(dueStep(planned, saturday)).toStrictEqual({ due: planned[1] });
    expect(dueStep(planned, Date.parse('2026-03-06T12:00:00+01:00'))).toStrictEqual({
      due: planned[0],
      next: planned[1],
    });
  });
});

describe('a due time outside business hours', () => {
  // A due time before the opening (the AE's time zone or the business hours changed since the window was planned)
  // counts from the opening: the hours before it are not business hours.
  it('due+Nh from a due time before the opening counts from the opening', () => {
    // Due Mon 2 Mar 2026 07:00 CET; due+4h should be Mon 13:00 (09:00 + 4 h), not Mon 11:00.
    const window = {
      start: new Date('2026-02-27T07:00:00+01:00'),
      due: new Date('2026-03-02T07:00:00+01:00'),
    };
    const at = levelTime(notify(due(4)), { ...window, businessDays: 1 }, berlin);
    expect(local(at.toMillis(), berlin)).toBe('2026-03-02T13:00:00+01:00');
  });
});
