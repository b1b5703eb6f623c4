import { describe, expect, it } from 'vitest';
import { type OutboxRow, outbox } from '../../src/db/schema.js';
import { EventSender, type FakeEvent, slackEvent } from '../support/fakeSlack/events.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness, waitFor } from '../support/harness.js';
import { DUE, dmOf, json, outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import {
  accept,
  clickOutcome,
  partnerCalls,
  partnerHarnesses,
  partnerMessages,
} from '../support/partnerFlow.js';
import { channels, people, TEAM } from '../support/people.js';

/**
 * The app removed from a channel (`channel_left` / `group_left`, or late: a post refused with `not_in_channel`):
 * what would go there waits (never dropped or parked), its owner or the admins are told once with what to do, and
 * the invite (`member_joined_channel` for the app, or the re-check) sends what waited.
 */

async function deliver(h: Harness, event: FakeEvent): Promise<void> {
  const sender = new EventSender({ teamId: TEAM, botUserId: h.slack.botUserId, appId: 'A0APP' });
  sender.subscribe(h.eventsUrl, SIGNING_SECRET);
  expect((await sender.deliver(event)).status).toBe(200);
}

/** Someone removes the app from a channel (Slack's state), and Slack tells the app. */
async function removeApp(h: Harness, channel: { id: string; name: string }, opts: { event: boolean }) {
  h.slack.addChannel({ ...channel, members: [] });
  if (opts.event) await deliver(h, slackEvent.channelLeft(channel.id, people.member.id));
}

async function inviteApp(h: Harness, channel: { id: string; name: string }, opts: { event: boolean }) {
  h.slack.addChannel({ ...channel, members: [h.slack.botUserId] });
  if (opts.event)
    await deliver(h, slackEvent.memberJoinedChannel(h.slack.botUserId, channel.id, TEAM, people.member.id));
}

/** Steps the clock past each hold's wait (an hour at most) and lets the outbox look, `times` times. */
async function retries(h: Harness, times: number) {
  for (let i = 0; i < times; i += 1) {
    h.clock.advance(60 * 60_000);
    h.app.outbox.kick();
    await h.app.outbox.idle();
  }
  await quiet(h);
}

const invites = (h: Harness, userId: string) =>
  dmOf(h, userId).filter((m) => json(m.blocks).includes('/invite @Handoff'));
const rowsTo = (h: Harness, channelId: string): OutboxRow[] =>
  h.database.db
    .select()
    .from(outbox)
    .all()
    .filter((r) => r.channelKey === channelId);

describe('the app removed from the partner channel', () => {
  const start = partnerHarnesses();

  it('holds the next partner post without trying it, tells the owner once, and posts it after the invite', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    await outboxDrained(h);
    await removeApp(h, channels.partner, { event: true });

    await accept(h, handoff.id);
    const told = await waitForDm(h, people.author.id, '/invite @Handoff', 'the owner told');
    expect(json(told.blocks)).toContain(`<#${channels.partner.id}>`);
    expect(json(told.blocks)).toContain('The update is kept');
    // A second removal event, the held post asked about again, a second post behind it: nobody is told again.
    await deliver(h, slackEvent.channelLeft(channels.partner.id, people.member.id));
    await retries(h, 3);
    h.clock.advance(60_000);
    await clickOutcome(h, 'meeting_held', handoff.id);
    await retries(h, 2);
    expect(invites(h, people.author.id)).toHaveLength(1);
    // Held, not tried: no doomed call to the channel; every update waits, in order.
    expect(partnerCalls(h)).toEqual([]);
    expect(rowsTo(h, channels.partner.id).map((r) => [r.status, r.lastError])).toEqual([
      ['pending', 'app_removed_from_channel'],
      ['pending', null],
      ['pending', null],
    ]);

    await inviteApp(h, channels.partner, { event: true });
    await waitFor(() => partnerMessages(h).length === 3, 8000, 'the held partner posts');
    await outboxDrained(h);
    await quiet(h);
    expect(partnerMessages(h).map((m) => m.text?.split(' ')[0])).toEqual([
      'Northwind',
      ':white_check_mark:',
      ':handshake:',
    ]);
    expect(partnerCalls(h).every((c) => c.ok)).toBe(true);
    expect(invites(h, people.author.id)).toHaveLength(1);
  });
});

describe('the app removed from an internal channel', () => {
  const ENV = { ...QUIET, ESCALATION_CHANNEL_ID: channels.internal.id, ADMIN_USER_IDS: people.owner.id };

  /** The handoff expires: its escalation goes to the escalation channel. */
  async function expireOne(h: Harness) {
    await sendHandoff(h);
    await outboxDrained(h);
    return async () => {
      h.clock.set(DUE);
      expect(h.app.sweeper.sweep().expired).toBe(1);
    };
  }

  it('channel_left: the admins are told once, escalations wait (never parked), and go out after the invite', async () => {
    const h = await startHarness({ env: ENV });
    try {
      const expire = await expireOne(h);
      await removeApp(h, channels.internal, { event: true });
      const told = await waitForDm(h, people.owner.id, '/invite @Handoff', 'the admins told');
      expect(json(told.blocks)).toContain(`<#${channels.internal.id}>`);
      expect(json(told.blocks)).toContain('escalations (ESCALATION_CHANNEL_ID)');
      await deliver(h, slackEvent.channelLeft(channels.internal.id, people.member.id));

      await expire();
      // More holds than OUTBOX_MAX_ATTEMPTS (8): a held post is never parked.
      await retries(h, 10);
      const calls = () => h.slack.calls.filter((c) => c.args.channel === channels.internal.id);
      expect(calls().filter((c) => c.method.startsWith('chat.'))).toEqual([]);
      expect(rowsTo(h, channels.internal.id).map((r) => r.status)).toEqual(['pending']);
      expect(invites(h, people.owner.id)).toHaveLength(1);

      await inviteApp(h, channels.internal, { event: true });
      await waitFor(() => h.slack.messages(channels.internal.id).length === 1, 8000, 'the escalation');
      expect(json(h.slack.messages(channels.internal.id)[0]?.blocks)).toContain('*Silence*');
      await outboxDrained(h);
    } finally {
      await h.stop();
    }
  });

  it('not_in_channel without an event: the same, seen late; the re-check finds the invite', async () => {
    const h = await startHarness({ env: ENV });
    try {
      const expire = await expireOne(h);
      await removeApp(h, channels.internal, { event: false });
      await expire();
      // Slack refuses the escalation once; from then on it waits, and the admins hear of it once.
      const refused = () =>
        h.slack.calls.filter(
          (c) => c.method === 'chat.postMessage' && c.args.channel === channels.internal.id,
        );
      await waitFor(() => refused().length === 1 && refused()[0]?.status === 200, 8000, 'the refusal');
      await retries(h, 10);
      await waitForDm(h, people.owner.id, '/invite @Handoff', 'the admins told');
      expect(refused().map((c) => (c.response as { error?: string } | undefined)?.error)).toEqual([
        'not_in_channel',
      ]);
      expect(rowsTo(h, channels.internal.id).map((r) => r.status)).toEqual(['pending']);
      expect(invites(h, people.owner.id)).toHaveLength(1);

      // Invited back, and the event lost: the re-check asks Slack and sends what waited.
      await inviteApp(h, channels.internal, { event: false });
      await h.app.scheduler.runNow('channel-access-recheck');
      await waitFor(() => h.slack.messages(channels.internal.id).length === 1, 8000, 'the escalation');
      await outboxDrained(h);
    } finally {
      await h.stop();
    }
  });
});
