import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayIn, daysOf, lastDaysPeriod, periodOf } from '../../../src/domain/periods.js';

const week = (monday: string, zone: string) => {
  const from = DateTime.fromISO(monday, { zone });
  return { from: from.toJSDate(), to: from.plus({ weeks: 1 }).toJSDate() };
};

describe('the days a period counts', () => {
  it('gives a week Monday to Sunday in the reporting zone, east and west of UTC', () => {
    expect(daysOf(week('2026-11-30', 'Europe/Berlin'), 'Europe/Berlin')).toEqual({
      first: '2026-11-30',
      last: '2026-12-06',
    });
    expect(daysOf(week('2026-11-30', 'America/New_York'), 'America/New_York')).toEqual({
      first: '2026-11-30',
      last: '2026-12-06',
    });
    // Across the autumn clock change (25 October 2026 in Berlin): still Monday to Sunday.
    expect(daysOf(week('2026-10-19', 'Europe/Berlin'), 'Europe/Berlin')).toEqual({
      first: '2026-10-19',
      last: '2026-10-25',
    });
  });

  it('puts each day in exactly one of two adjoining periods', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 700 * 24 * 4 }),
        fc.integer({ min: 1, max: 40 * 24 * 4 }),
        fc.integer({ min: -5, max: 45 }),
        (zone, start, length, offset) => {
          const from = new Date(Date.UTC(2026, 0, 1) + start * 900_000);
          const cut = new Date(from.getTime() + length * 900_000);
          const to = new Date(cut.getTime() + 10 * 86_400_000);
          const day = DateTime.fromJSDate(from, { zone }).plus({ days: offset }).toISODate() as string;
          const inFirst = dayIn(day, daysOf({ from, to: cut }, zone));
          const inSecond = dayIn(day, daysOf({ from: cut, to }, zone));
          const inWhole = dayIn(day, daysOf({ from, to }, zone));
          expect(inFirst && inSecond).toBe(false);
          expect(inFirst || inSecond).toBe(inWhole);
        },
      ),
    );
  });

  it('holds no day when no midnight falls in the period', () => {
    const from = new Date('2026-12-07T09:00:00Z');
    expect(daysOf({ from, to: new Date('2026-12-07T18:00:00Z') }, 'UTC')).toBeNull();
    expect(dayIn('2026-12-07', null)).toBe(false);
  });

  it('reads a trailing period as whole calendar days in the zone, across a clock change', () => {
    const now = new Date('2026-10-28T12:00:00Z');
    const { from, to } = lastDaysPeriod(7, now, 'Europe/Berlin');
    expect(to).toEqual(now);
    // 13:00 in Berlin on the 28th (CET) back to 13:00 on the 21st (CEST): 7 days and one hour.
    expect(from.toISOString()).toBe('2026-10-21T11:00:00.000Z');
    expect(periodOf('7d', now, 'Europe/Berlin')).toEqual({ from, to });
  });
});
