import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { sandboxChannels, sandboxTeams, sandboxUsers } from '../../../sandbox/cast.js';
import { SANDBOX_POLICY_FILE } from '../../../sandbox/sandbox.js';
import { parsePolicyFile } from '../../../src/domain/policyFile.js';
import { postToSandbox, sandboxWorld } from '../../support/sandboxWorld.js';

/**
 * The page's "Your Slack status" control, through the sandbox's own API as the page uses it: a status set is what
 * the fake Slack answers to users.profile.get (the app reads it there), is shown with each person on the page, ends
 * on the sandbox clock on the day the person is back, and is cleared; bad input is a 400 with a message. And the
 * sandbox's escalation policy file names the cast.
 */

const { author, ae, otherAe } = sandboxUsers;
const ZONE = ae.tz ?? 'UTC';
const world = sandboxWorld('status');

type Json = Record<string, unknown>;

const setStatus = (body: Json, headers: Record<string, string> = {}) =>
  postToSandbox(world.sandbox, 'status', body, headers);

/** Each person's status as the page gets it (the person picker lists them all). */
async function statuses(viewer = author.id): Promise<Record<string, Json | null>> {
  const state = (await (await fetch(`${world.sandbox.url}api/state?user=${viewer}`)).json()) as {
    users: { id: string; status: Json | null }[];
  };
  return Object.fromEntries(state.users.map((u) => [u.id, u.status]));
}

/** What the app reads: users.profile.get on the fake Slack. */
async function profile(userId: string) {
  const response = await fetch(`${world.sandbox.slack.apiUrl}users.profile.get`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.sandbox.slack.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: userId }),
  });
  const body = (await response.json()) as { profile: Json };
  return body.profile;
}

/** A day in Jordan's zone, so many days after today in sandbox time. */
const dayAfter = (days: number) =>
  DateTime.fromJSDate(world.sandbox.clock.now(), { zone: ZONE }).plus({ days }).toISODate() ?? '';

describe('the Slack status control', () => {
  it('sets a status with the day they are back: the app reads it, the page shows it, it ends at 00:00 that day', async () => {
    const backOn = dayAfter(1);
    const set = await setStatus({ user: ae.id, text: ' Vacation ', emoji: ':palm_tree:', backOn });
    expect(set.status).toBe(200);
    const midnight = DateTime.fromISO(backOn, { zone: ZONE });
    expect(set.body.slackStatus).toEqual({
      text: 'Vacation',
      emoji: ':palm_tree:',
      expiration: midnight.toSeconds(),
      backOn,
      shownUntil: `back ${midnight.toFormat('ccc d LLL')}`,
      away: true,
    });
    expect(await profile(ae.id)).toMatchObject({
      status_text: 'Vacation',
      status_emoji: ':palm_tree:',
      status_expiration: midnight.toSeconds(),
    });
    // Every viewer sees it with Jordan; nobody else has one.
    const seen = await statuses();
    expect(seen[ae.id]).toEqual(set.body.slackStatus);
    expect(seen[otherAe.id]).toBeNull();

    // A status the app does not read as away is still shown, marked so.
    const meeting = await setStatus({
      user: otherAe.id,
      text: 'In a meeting',
      emoji: ':spiral_calendar_pad:',
    });
    expect(meeting.body.slackStatus).toMatchObject({ away: false, expiration: 0, shownUntil: null });

    // Past midnight of the day they are back (sandbox time), Slack has cleared it.
    world.sandbox.clock.advance(midnight.toMillis() - world.sandbox.clock.now().getTime() + 60_000);
    expect((await statuses())[ae.id]).toBeNull();
    expect(await profile(ae.id)).toMatchObject({ status_text: '', status_emoji: '' });
  });

  it('clears a status: an empty text and emoji', async () => {
    await setStatus({ user: ae.id, text: 'Out sick', emoji: ':face_with_thermometer:' });
    expect((await statuses())[ae.id]).toMatchObject({ text: 'Out sick', away: true, backOn: null });
    const cleared = await setStatus({ user: ae.id, text: '', emoji: '' });
    expect(cleared).toEqual({ status: 200, body: { slackStatus: null } });
    expect((await statuses())[ae.id]).toBeNull();
    expect(await profile(ae.id)).toMatchObject({ status_text: '', status_emoji: '', status_expiration: 0 });
  });

  it('refuses bad input with a 400 that says what to fix, and changes nothing', async () => {
    await setStatus({ user: ae.id, text: 'Vacation', emoji: ':palm_tree:' });
    const bad: [Json, RegExp][] = [
      [{ text: 'Vacation', emoji: ':palm_tree:', backOn: dayAfter(0) }, /after today/],
      [{ text: 'Vacation', emoji: ':palm_tree:', backOn: dayAfter(-3) }, /after today/],
      [{ text: 'Vacation', emoji: ':palm_tree:', backOn: dayAfter(400) }, /within a year/],
      [{ text: 'Vacation', emoji: ':palm_tree:', backOn: 'next monday' }, /day like 2026-12-04/],
      [{ text: 'Vacation', emoji: ':palm_tree:', backOn: '2026-02-30' }, /day like 2026-12-04/],
      [{ text: 'Vacation', emoji: 'palm_tree' }, /emoji code like :palm_tree:/],
      [{ text: 'Vacation', emoji: '<b>:x:</b>' }, /emoji code like :palm_tree:/],
      [{ text: 'x'.repeat(101), emoji: '' }, /at most 100 characters/],
      [{ text: 42 }, /text must be a string/],
      [{ text: 'Vacation', backOn: 20261204 }, /backOn must be a day/],
      [{ text: '', emoji: '', backOn: dayAfter(2) }, /text or an emoji/],
    ];
    for (const [body, message] of bad) {
      const answer = await setStatus({ user: ae.id, ...body });
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(String(answer.body.error)).toMatch(message);
    }
    expect(await setStatus({ user: 'U0NOBODY', text: 'Vacation' })).toEqual({
      status: 400,
      body: { error: 'unknown user' },
    });
    // The page's guards, as for every other request.
    expect((await setStatus({ user: ae.id, text: 'Hacked' }, { origin: 'http://evil.example' })).status).toBe(
      403,
    );
    expect((await statuses())[ae.id]).toMatchObject({ text: 'Vacation', emoji: ':palm_tree:' });
  });
});

describe("the sandbox's escalation policy file", () => {
  const book = parsePolicyFile(SANDBOX_POLICY_FILE, readFileSync(SANDBOX_POLICY_FILE, 'utf8'), 8);

  it('pools the two AEs of the cast and routes Meridian to remind at 50%, notify at the due time, reassign 4h later', () => {
    expect(Object.values(book.pools)).toEqual([
      { kind: 'users', users: [ae.id, otherAe.id], displayName: 'Account executives' },
    ]);
    const partner = sandboxTeams.find((t) => t.domain === 'meridian')?.name;
    expect(book.routes).toEqual([{ partner, policy: 'meridian' }]);
    expect(book.policies.meridian?.levels).toEqual([
      { at: { kind: 'share', percent: 50 }, action: 'remind', to: [{ kind: 'ae' }] },
      {
        at: { kind: 'due', afterBusinessHours: 0 },
        action: 'notify',
        to: [{ kind: 'owner' }, { kind: 'channel', id: sandboxChannels.internal.id }],
      },
      {
        at: { kind: 'due', afterBusinessHours: 4 },
        action: 'reassign',
        to: [{ kind: 'pool', name: 'account-executives', displayName: 'Account executives' }],
      },
    ]);
    // No "default" policy: Tailspin and any other partner keep the default from the settings.
    expect(book.policies.default).toBeUndefined();
  });

  it('gives Meridian deals the life after the Accept: reminded, checked in on, the owner told, then taken back to the pool', () => {
    // In business days from the AE's first step: the day before, on the date, a day after, two days after.
    expect(book.policies.meridian?.afterAccept).toEqual({
      reminder: { days: -1 },
      check_in: { days: 0 },
      owner: { days: 1 },
      take_back: {
        days: 2,
        to: { kind: 'pool', name: 'account-executives', displayName: 'Account executives' },
      },
    });
  });
});
