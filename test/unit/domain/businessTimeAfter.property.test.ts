import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessHoursBetween, businessTimeAfter, responseDueAt } from '../../../src/domain/businessDays.js';
import { seedOf } from '../../support/seed.js';
import { calendarIn, SAMPLE_CALENDARS, twoYears } from './calendarFixtures.js';

/**
 * A paused window's time added to its deadline: `businessTimeAfter` adds business time the way
 * `businessHoursBetween` counts it, and adding it to the window's start gives the same deadline (as business time) as
 * adding it to the deadline, so a resumed window can be planned again from its shifted start (escalation/pauses.ts).
 */
const HOUR = 3_600_000;

describe('businessTimeAfter', () => {
  it('adds exactly the business time businessHoursBetween counts back, in six calendars', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLE_CALENDARS),
        twoYears,
        fc.integer({ min: 0, max: 60 * HOUR }),
        (calendar, from, ms) => {
          const to = businessTimeAfter(from, ms, calendar);
          expect(to.getTime()).toBeGreaterThanOrEqual(from.getTime());
          expect(businessHoursBetween(from, to, calendar) * HOUR).toBeCloseTo(ms, 3);
        },
      ),
      { seed: seedOf(20261201), numRuns: 400 },
    );
  });

  it('commutes with the window: start + pause, then N business days, is the deadline + pause', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLE_CALENDARS),
        twoYears,
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 40 * HOUR }),
        (calendar, sent, days, ms) => {
          const shifted = responseDueAt(businessTimeAfter(sent, ms, calendar), days, calendar);
          const added = businessTimeAfter(responseDueAt(sent, days, calendar), ms, calendar);
          // The same business moment: a closing and the next opening are one instant of business time.
          const [a, b] = shifted < added ? [shifted, added] : [added, shifted];
          expect(businessHoursBetween(a, b, calendar)).toBeCloseTo(0, 6);
        },
      ),
      { seed: seedOf(20261202), numRuns: 400 },
    );
  });

  it('counts from the next opening outside business hours, and stops at a closing', () => {
    const berlin = calendarIn('Europe/Berlin');
    // Saturday, plus one hour: Monday's first business hour, 09:00 to 10:00 in Berlin (08:00 to 09:00 UTC).
    const saturday = new Date('2026-11-28T10:00:00Z');
    expect(businessTimeAfter(saturday, HOUR, berlin).toISOString()).toBe('2026-11-30T09:00:00.000Z');
    // Friday 16:00 in Berlin plus one hour ends at Friday's closing, not Monday's opening.
    const friday = new Date('2026-11-27T15:00:00Z');
    expect(businessTimeAfter(friday, HOUR, berlin).toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(businessTimeAfter(friday, 0, berlin)).toBe(friday);
  });
});
