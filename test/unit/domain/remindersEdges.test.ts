import { describe, expect, it } from 'vitest';
import { isKnownRegion } from '../../../src/domain/holidays.js';
import { parseReminderPoints, reminderTimes } from '../../../src/domain/reminders.js';

const berlin = { timeZone: 'Europe/Berlin', dayStart: '09:00', dayEnd: '17:00' };

describe('reminder edge cases', () => {
  it('moves a reminder that would land exactly at closing time to the next opening', () => {
    // Two business days from Monday 09:00 Berlin: half of 16 business hours is Monday 17:00, so Tuesday 09:00.
    const sentAt = new Date('2026-03-02T08:00:00Z');
    const dueAt = new Date('2026-03-04T08:00:00Z');
    const times = reminderTimes(sentAt, dueAt, 2, [{ kind: 'share', percent: 50 }], berlin);
    expect(times.map((t) => t.toISOString())).toEqual(['2026-03-03T08:00:00.000Z']);
  });

  it('nudges on the morning before when the deadline falls at opening time (a send after hours)', () => {
    // Friday 18:00 Berlin, 3 days: counting starts Monday 09:00, due Thursday 09:00; last morning Wednesday 09:00.
    const sentAt = new Date('2026-03-06T17:00:00Z');
    const dueAt = new Date('2026-03-12T08:00:00Z');
    const times = reminderTimes(sentAt, dueAt, 3, [{ kind: 'lastMorning' }], berlin);
    expect(times.map((t) => t.toISOString())).toEqual(['2026-03-11T08:00:00.000Z']);
  });

  it('reads "none" as no reminders', () => {
    expect(parseReminderPoints('none')).toEqual([]);
  });

  it('rejects a region with a third level it would silently ignore', () => {
    expect(isKnownRegion('DE-BY-A')).toBe(false);
    expect(isKnownRegion('DE-BY')).toBe(true);
  });
});
