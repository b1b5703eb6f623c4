import { describe, expect, it } from 'vitest';
import { scheduledForReaders } from '../../../src/core/lifecycle.js';
import { createWindowPlanner } from '../../../src/core/responseWindow.js';
import type { OutboxMessage, OutboxRow } from '../../../src/db/repositories/outbox.js';
import { rowOf } from '../../../src/db/repositories/outboxRows.js';
import type { AwayDays } from '../../../src/domain/absence.js';
import { holidayCalendar } from '../../../src/domain/holidays.js';
import { reachGuard } from '../../../src/escalation/reach.js';

/**
 * What the app sends a person on its own waits for them, in their own calendar, at delivery.
 * Pat is in New York, Jordan in Berlin; the company is closed on Tuesday 1 December 2026.
 */

const windows = createWindowPlanner({
  calendar: {
    defaultTimeZone: 'UTC',
    dayStart: '09:00',
    dayEnd: '17:00',
    isHoliday: holidayCalendar('by_zone', ['2026-12-01']),
  },
  reminders: [],
});
const zones: Record<string, string> = {
  U0PAT: 'America/New_York',
  U0JORDAN: 'Europe/Berlin',
  U0MARS: 'Mars/Olympus',
};

function guardAt(now: string, awayDays: Record<string, AwayDays> = {}) {
  return reachGuard({
    clock: { now: () => new Date(now) },
    directory: {
      lookupUser: async (id) =>
        zones[id] === undefined
          ? undefined
          : { id, teamId: 'T1', name: id, isBot: false, deleted: false, timeZone: zones[id] },
    },
    windows,
    awayDays: async (id) => awayDays[id],
    defaultTimeZone: 'UTC',
  });
}

const row = (channelKey: string) => ({ channelKey }) as OutboxRow;
const until = async (guard: ReturnType<typeof guardAt>, key: string) => {
  const verdict = await guard(row(key));
  return verdict?.kind === 'wait' ? verdict.until.toISOString() : verdict;
};

describe('the messages the app sends on its own', () => {
  const post = (channel: string, audience?: 'partner'): OutboxMessage => ({
    method: 'chat.postMessage',
    dedupeKey: `k:${channel}`,
    channel,
    payload: {},
    ...(audience ? { audience } : {}),
  });

  it('wait for their reader, a person or an internal channel; the partner gets theirs as before', () => {
    const marked = scheduledForReaders([post('U0PAT'), post('C0INTERNAL'), post('C0PARTNER', 'partner')]);
    expect(marked.map((m) => rowOf(m.method, m as never).channelKey)).toEqual([
      'reach:U0PAT',
      'reach:C0INTERNAL',
      'C0PARTNER',
    ]);
  });
});

describe('the delivery guard (a person, an internal channel)', () => {
  it('lets it go inside their hours, and holds it till their next opening in their own zone otherwise', async () => {
    // Monday 30 November, 08:30 UTC: 09:30 in Berlin, 03:30 in New York.
    const guard = guardAt('2026-11-30T08:30:00Z');
    expect(await until(guard, 'reach:U0JORDAN')).toBeUndefined();
    expect(await until(guard, 'reach:U0PAT')).toBe('2026-11-30T14:00:00.000Z');
    // Not for it: a DM's own conversation, a channel's.
    expect(await until(guard, 'U0PAT')).toBeUndefined();
    expect(await until(guard, 'C0INTERNAL')).toBeUndefined();
  });

  it('skips the company closure day, and waits out the days away they gave', async () => {
    // Monday 17:30 in Berlin: Tuesday is closed, so Wednesday 09:00.
    expect(await until(guardAt('2026-11-30T16:30:00Z'), 'reach:U0JORDAN')).toBe('2026-12-02T08:00:00.000Z');
    // Away Wednesday to Friday: their Monday morning.
    const away = {
      U0JORDAN: { from: '2026-12-02', until: '2026-12-04', givenAt: new Date('2026-11-20T00:00:00Z') },
    };
    expect(await until(guardAt('2026-12-02T10:00:00Z', away), 'reach:U0JORDAN')).toBe(
      '2026-12-07T08:00:00.000Z',
    );
  });

  it('counts someone Slack gives no zone for, or one this machine does not know, in the default zone', async () => {
    expect(await until(guardAt('2026-11-30T06:00:00Z'), 'reach:U0NOBODY')).toBe('2026-11-30T09:00:00.000Z');
    expect(await until(guardAt('2026-11-30T06:00:00Z'), 'reach:U0MARS')).toBe('2026-11-30T09:00:00.000Z');
  });

  it("for an internal channel follows the company calendar: the default zone's hours, closure days, and no one's own zone or days away", async () => {
    // Monday 30 November 08:30 UTC: before the company's 09:00 (UTC here), though Berlin's people are at work.
    expect(await until(guardAt('2026-11-30T08:30:00Z'), 'reach:C0INTERNAL')).toBe('2026-11-30T09:00:00.000Z');
    expect(await until(guardAt('2026-11-30T12:00:00Z'), 'reach:C0INTERNAL')).toBeUndefined();
    // Monday evening: Tuesday 1 December is a closure day, so Wednesday's opening.
    expect(await until(guardAt('2026-11-30T18:00:00Z'), 'reach:C0INTERNAL')).toBe('2026-12-02T09:00:00.000Z');
    // A days-away entry under a channel's id (none is ever given) changes nothing: a channel is no person.
    const away = {
      C0INTERNAL: { from: '2026-11-30', until: '2026-12-04', givenAt: new Date('2026-11-20T00:00:00Z') },
    };
    expect(await until(guardAt('2026-11-30T12:00:00Z', away), 'reach:C0INTERNAL')).toBeUndefined();
  });
});
