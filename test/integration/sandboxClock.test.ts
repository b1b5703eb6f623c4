import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import { waitFor } from '../support/harness.js';
import { sandboxWorld } from '../support/sandboxWorld.js';

/**
 * The sandbox's scheduled jobs follow the sandbox clock, not the real one: moving the clock past Monday 09:00 in the
 * digest's timezone (America/New_York, the sandbox's DEFAULT_TIMEZONE) posts the weekly digest in #partner-marketing,
 * as the app would have on that Monday.
 */

const ZONE = 'America/New_York';
// The sandbox clock starts on a Sunday at noon in New York, whatever the real day (so the next Monday 08:00 is not a
// week ahead, past that morning's digest).
const world = sandboxWorld('clock', {
  startAt: DateTime.fromISO('2026-11-22T12:00', { zone: 'America/New_York' }).toJSDate(),
});

const digests = () =>
  world.sandbox.slack
    .messages(sandboxChannels.internal.id)
    .filter((m) => /Co-sell handoffs, week of/.test(m.text ?? ''));

/** The page's "+1 business day". */
const oneBusinessDay = () =>
  fetch(`${world.sandbox.url}api/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: sandboxUsers.admin.id, businessDays: 1 }),
  });

/** Waits until the app's outbox has sent everything it queued. */
const delivered = () =>
  waitFor(
    () =>
      world.sandbox.database.sqlite.prepare("SELECT 1 FROM outbox WHERE status = 'pending'").get() ===
      undefined,
    20_000,
    'the outbox to drain',
  );

describe('the sandbox clock runs the scheduled jobs', { timeout: 60_000 }, () => {
  it('"+1 business day" from Monday 08:00 New York time posts the weekly digest of the week before; a second one in that week none', async () => {
    // Put the sandbox clock on the next Monday, 08:00 in New York: no Monday 09:00 lies between now and then.
    const now = DateTime.fromJSDate(world.sandbox.clock.now(), { zone: ZONE });
    let monday = now.set({ hour: 8, minute: 0, second: 0, millisecond: 0 });
    while (monday.weekday !== 1 || monday <= now) monday = monday.plus({ days: 1 });
    world.sandbox.clock.advance(monday.toMillis() - world.sandbox.clock.now().getTime());
    // The sandbox looks at its clock once a second and runs the slots it passed; this look runs after any under way
    // (they run one after the other) and covers up to Monday 08:00. Nothing must have been posted.
    await world.sandbox.jobs.advanceTo(monday.toJSDate());
    expect(world.sandbox.jobs.runs.some((run) => run.slot.getTime() === monday.toMillis())).toBe(true);
    await delivered();
    expect(digests()).toEqual([]);

    // The page's "+1 business day": Monday 08:00 → Tuesday 08:00, past Monday 09:00.
    expect((await oneBusinessDay()).status).toBe(200);
    const after = DateTime.fromJSDate(world.sandbox.clock.now(), { zone: ZONE });
    expect(after.toFormat('HH:mm')).toBe('08:00');
    expect(after > monday).toBe(true);
    await waitFor(() => digests().length > 0, 20_000, 'the weekly digest');
    await delivered();

    const weekBefore = monday.minus({ weeks: 1 }).toISODate();
    expect(digests()).toHaveLength(1);
    expect(digests()[0]?.text).toContain(`week of ${weekBefore}`);
    // The digest's run stood for Monday 09:00 New York time, when the sandbox clock read that.
    const slot = monday.set({ hour: 9 }).toJSDate();
    expect(world.sandbox.jobs.runs).toContainEqual({ job: 'weekly-digest', slot });

    expect((await oneBusinessDay()).status).toBe(200);
    await delivered();
    expect(digests()).toHaveLength(1);
  });
});
