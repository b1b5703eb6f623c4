import { DateTime } from 'luxon';
import { describe, expect, it, vi } from 'vitest';
import { sandboxUsers } from '../../../sandbox/cast.js';
import { postToSandbox, sandboxWorld } from '../../support/sandboxWorld.js';

/**
 * The clock control, through the sandbox's own API as the page uses it: moves asked for while one is under way are
 * moves of their own, each from where the last left the clock, and what the page says was moved is what was moved.
 */
const ZONE = 'America/New_York';
// Monday 30 November 2026, 10:00 in New York: no holiday in the days after it.
const START = DateTime.fromISO('2026-11-30T10:00', { zone: ZONE });
const world = sandboxWorld('clock-moves', { startAt: START.toJSDate() });

async function clockShown(): Promise<{ now: string; advancedBusinessDays: number }> {
  const response = await fetch(`${world.sandbox.url}api/state?user=${sandboxUsers.author.id}`);
  const state = (await response.json()) as { clock: { now: string; advancedBusinessDays: number } };
  return state.clock;
}

describe('the clock control', () => {
  it('counts the business days it moved: three +1 clicks in a row move three days, and the page says 3', async () => {
    // Three moves asked for at once, as three clicks arrive while the first move still runs the jobs on its way.
    await Promise.all([1, 2, 3].map(() => world.sandbox.advanceBusinessDays(1)));
    const clock = await clockShown();
    expect(DateTime.fromISO(clock.now, { zone: ZONE }).toISODate()).toBe('2026-12-03');
    expect(clock.advancedBusinessDays).toBe(3);
  });

  it('moves one business day from a Friday to the Monday, and counts it as one', async () => {
    // Thursday 3 December -> Friday 4, then one more -> Monday 7.
    await postToSandbox(world.sandbox, 'clock', { user: sandboxUsers.author.id, businessDays: 1 });
    await postToSandbox(world.sandbox, 'clock', { user: sandboxUsers.author.id, businessDays: 1 });
    const clock = await clockShown();
    expect(DateTime.fromISO(clock.now, { zone: ZONE }).toISODate()).toBe('2026-12-07');
    expect(clock.advancedBusinessDays).toBe(5);
  });
});

describe('"Next due"', () => {
  it('with nothing due, says so and leaves the clock where it is; anything but { to: "next" } is refused', async () => {
    const before = await clockShown();
    const state = (await (
      await fetch(`${world.sandbox.url}api/state?user=${sandboxUsers.author.id}`)
    ).json()) as { clock: { nextDue: unknown; jumps: number } };
    expect(state.clock).toMatchObject({ nextDue: null, jumps: 0 });
    const none = await postToSandbox(world.sandbox, 'clock', { user: sandboxUsers.author.id, to: 'next' });
    expect(none).toEqual({
      status: 400,
      body: { error: 'Nothing is due in the next 60 days: the clock stays where it is.' },
    });
    for (const body of [{ to: 'later' }, { to: 'next', businessDays: 1 }]) {
      const refused = await postToSandbox(world.sandbox, 'clock', { user: sandboxUsers.author.id, ...body });
      expect(refused).toEqual({ status: 400, body: { error: 'to must be "next", without businessDays' } });
    }
    const after = await clockShown();
    expect(Date.parse(after.now) - Date.parse(before.now)).toBeLessThan(60_000);
    expect(after.advancedBusinessDays).toBe(before.advancedBusinessDays);
  });
});

describe('ephemerals after a move of the clock', () => {
  it('are placed in sandbox time, after the messages before them (not at the real time, days earlier)', async () => {
    const { author } = sandboxUsers;
    const channel = 'C0INTERNAL';
    const before = world.sandbox.clock.now().getTime();
    const sent = await postToSandbox(world.sandbox, 'command', {
      user: author.id,
      channel,
      text: '/handoff help',
    });
    expect(sent.status).toBe(200);
    // The app answers on the command's response_url after its ack: the note is there once that request was made.
    const notes = await vi.waitFor(async () => {
      const response = await fetch(`${world.sandbox.url}api/state?user=${author.id}`);
      const state = (await response.json()) as {
        conversations: { id: string; ephemerals: { text: string; at: number }[] }[];
      };
      const found = state.conversations.find((c) => c.id === channel)?.ephemerals ?? [];
      expect(found.length).toBeGreaterThan(0);
      return found;
    });
    const last = notes.at(-1);
    expect(last?.at).toBeGreaterThanOrEqual(before);
    expect(last?.at).toBeLessThanOrEqual(world.sandbox.clock.now().getTime());
  });
});
