import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it, vi } from 'vitest';
import { responseDueAt } from '../../../src/domain/businessDays.js';
import { zoneFor } from '../../../src/domain/zones.js';
import { seedOf } from '../../support/seed.js';

/**
 * zoneFor() remembers offsets per UTC day, and per quarter hour on the days a transition falls on: it must give exactly IANAZone's offset at every moment, transitions
 * included, in zones with whole, half and three-quarter hour offsets and with a 30-minute daylight-saving shift.
 */
const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe', // daylight saving moves the clock by 30 minutes
  'Asia/Kathmandu', // +05:45
  'Pacific/Chatham', // +12:45 / +13:45
  'America/St_Johns', // -03:30 / -02:30
  'Asia/Tehran',
  'UTC',
];
const FC_SEED = seedOf(20261121);
const from2000 = Date.UTC(2000, 0, 1);
const to2040 = Date.UTC(2040, 0, 1);

/** The moments just around each offset change of a zone in a year: where a wrong cache would show. */
function transitions(name: string, year: number): number[] {
  const zone = IANAZone.create(name);
  const found: number[] = [];
  const step = 3_600_000;
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += step) {
    if (zone.offset(t) === zone.offset(t + step)) continue;
    // Narrow down to the millisecond of the change.
    let low = t;
    let high = t + step;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (zone.offset(mid) === zone.offset(t)) low = mid;
      else high = mid;
    }
    found.push(low - 60_000, low - 1, low, high, high + 1, high + 60_000);
  }
  return found;
}

describe('zoneFor: offsets remembered per day, and per quarter hour around a transition', () => {
  it('gives IANAZone’s offset at any moment (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: from2000, max: to2040 }), (name, ts) => {
        const zone = zoneFor(name) as IANAZone;
        // Twice: once computed, once remembered.
        expect(zone.offset(ts)).toBe(IANAZone.create(name).offset(ts));
        expect(zone.offset(ts)).toBe(IANAZone.create(name).offset(ts));
      }),
      { seed: FC_SEED, numRuns: 2000 },
    );
  });

  it('gives IANAZone’s offset right around every transition, asked in any order', () => {
    for (const name of ZONES) {
      const moments = [2026, 2027].flatMap((year) => transitions(name, year));
      if (name !== 'UTC' && name !== 'Asia/Kathmandu' && name !== 'Asia/Tehran')
        expect(moments.length).toBeGreaterThan(0);
      const zone = zoneFor(name) as IANAZone;
      for (const ts of [...moments, ...moments.reverse()]) {
        expect(zone.offset(ts)).toBe(IANAZone.create(name).offset(ts));
      }
    }
  });

  it('asks Intl about a day without a transition once, whatever moments of it are asked later', () => {
    const zone = zoneFor('Asia/Tokyo') as IANAZone;
    const asked = vi.spyOn(IANAZone.prototype, 'offset');
    try {
      const day = Date.UTC(2031, 4, 14);
      expect(zone.offset(day + 5 * 3_600_000)).toBe(540);
      const first = asked.mock.calls.length;
      expect(first).toBeGreaterThan(0);
      for (let minute = 0; minute < 24 * 60; minute += 7)
        expect(zone.offset(day + minute * 60_000)).toBe(540);
      expect(asked.mock.calls.length).toBe(first);
      // The next day is its own.
      expect(zone.offset(day + 86_400_000 + 1)).toBe(540);
      expect(asked.mock.calls.length).toBeGreaterThan(first);
    } finally {
      asked.mockRestore();
    }
  });

  it('looks at a transition day whole once: a later quarter hour of it costs the quarter’s own asks, no more', () => {
    // A zone and a day no other test asks about: 2033-03-13, daylight saving starts at 10:00 UTC, late in the UTC day,
    // so looking at the day whole reads ten hours before it finds the change.
    const zone = zoneFor('America/Los_Angeles') as IANAZone;
    const asked = vi.spyOn(IANAZone.prototype, 'offset');
    try {
      const day = Date.UTC(2033, 2, 13);
      expect(zone.offset(day + 60 * 60_000)).toBe(-480);
      // The moment, the day's hours up to the change (00:00 to 10:00), its quarter hour's first and last millisecond.
      expect(asked.mock.calls.length).toBe(1 + 11 + 2);
      const first = asked.mock.calls.length;
      expect(zone.offset(day + 3 * 60 * 60_000)).toBe(-480);
      // The moment and its quarter hour: the day is not looked at again.
      expect(asked.mock.calls.length - first).toBe(3);
      // Remembered since.
      expect(zone.offset(day + 3 * 60 * 60_000 + 60_000)).toBe(-480);
      expect(zone.offset(day + 12 * 60 * 60_000)).toBe(-420);
      expect(zone.offset(day + 12 * 60 * 60_000 + 60_000)).toBe(-420);
      expect(asked.mock.calls.length - first).toBe(6);
    } finally {
      asked.mockRestore();
    }
  });

  it('is one instance per name, an IANA zone to luxon (formatting, equality), and leaves unknown names alone', () => {
    expect(zoneFor('Europe/Berlin')).toBe(zoneFor('Europe/Berlin'));
    const dt = DateTime.fromMillis(Date.UTC(2026, 6, 1, 12), { zone: zoneFor('Europe/Berlin') });
    expect(dt.zoneName).toBe('Europe/Berlin');
    expect(dt.toISO()).toBe('2026-07-01T14:00:00.000+02:00');
    expect(dt.setLocale('en-US').toFormat('ZZZZ')).toBe('GMT+2');
    expect(dt.zone.equals(IANAZone.create('Europe/Berlin'))).toBe(true);
    expect(zoneFor('Not/AZone')).toBe('Not/AZone');
    expect(DateTime.now().setZone(zoneFor('Not/AZone')).isValid).toBe(false);
  });

  it('changes no business-day result: due times across a daylight-saving change, remembered or not', () => {
    const calendar = (timeZone: string) => ({ timeZone, dayStart: '09:00', dayEnd: '17:00' });
    for (const name of ZONES) {
      for (const sent of [Date.UTC(2026, 2, 6, 15), Date.UTC(2026, 9, 23, 15), Date.UTC(2026, 3, 2, 22)]) {
        const due = responseDueAt(new Date(sent), 3, calendar(name));
        // The same computation with luxon's own zone object, by hand.
        let local = DateTime.fromMillis(sent, { zone: IANAZone.create(name) });
        const opens = local.set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
        const closes = local.set({ hour: 17, minute: 0, second: 0, millisecond: 0 });
        if (!(local.weekday <= 5 && local < closes)) {
          local = opens.plus({ days: 1 });
          while (local.weekday > 5) local = local.plus({ days: 1 });
        } else if (local < opens) local = opens;
        let counted = 0;
        while (counted < 3) {
          local = local.plus({ days: 1 });
          if (local.weekday <= 5) counted += 1;
        }
        expect(due.getTime()).toBe(local.toMillis());
      }
    }
  });
});
