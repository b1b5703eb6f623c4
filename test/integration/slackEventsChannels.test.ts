import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tenant } from '../../src/compose/tenant.js';
import { conversationOf } from '../../src/db/repositories/outboxRows.js';
import type { OutboxRow } from '../../src/db/schema.js';
import { removeKeptDatabase } from '../support/databaseKey.js';
import { slackEvent } from '../support/fakeSlack/events.js';
import { sendHandoff } from '../support/flow.js';
import {
  deliverEvent,
  type Harness,
  harnessPerTest,
  quiet,
  startHarness,
  waitFor,
} from '../support/harness.js';
import { DUE, dmOf, json, outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import {
  accept,
  clickOutcome,
  PARTNER_ENV,
  partnerCalls,
  partnerHarnesses,
  partnerMessages,
} from '../support/partnerFlow.js';
import { channels, people, RIVAL_TEAM, TEAM } from '../support/people.js';
import { slash } from '../support/reviewFlow.js';

const startApp = harnessPerTest();

/**
 * The app removed from a channel (`channel_left` / `group_left`, or late: a post refused with `not_in_channel`):
 * what would go there waits (never dropped or parked), its owner or the admins are told once with what to do, and
 * the invite (`member_joined_channel` for the app, or the re-check) sends what waited. The removal is kept in the
 * database (`removed_channels`), so a restart changes none of it.
 */

type Channel = { id: string; name: string; is_private?: boolean };

/** Slack's event for the app removed from `channel` by a member: channel_left, or group_left for a private one. */
const leftEvent = (channel: Channel) =>
  slackEvent.channelLeft(channel.id, people.member.id, { private: channel.is_private === true });

/** Someone removes the app from a channel (Slack's state), and Slack tells the app. */
async function removeApp(h: Harness, channel: Channel, opts: { event: boolean }) {
  h.slack.addChannel({ ...channel, members: [] });
  if (opts.event) await deliverEvent(h, leftEvent(channel));
}

async function inviteApp(h: Harness, channel: Channel, opts: { event: boolean }) {
  h.slack.addChannel({ ...channel, members: [h.slack.botUserId] });
  const kind = { private: channel.is_private === true };
  if (opts.event)
    await deliverEvent(
      h,
      slackEvent.memberJoinedChannel(h.slack.botUserId, channel.id, TEAM, people.member.id, kind),
    );
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
/** The warnings edited to say the app is back in the channel (they asked for an invite before). */
const resolved = (h: Harness, userId: string) =>
  dmOf(h, userId).filter((m) => json(m.blocks).includes(':white_check_mark: I am back in'));
/** The removals the app recorded (the table a restart reads). */
const removals = async (h: Harness) => await h.database.db.select().from(h.tables.removedChannels);

/**
 * Runs `body` with the app started on `env`, and `restart` to stop it and start it again on the same database file
 * and fake Slack, an hour later (a notice queued at another moment is another message). Everything is stopped and
 * removed afterwards.
 */
async function withRestarts(
  env: Record<string, string>,
  body: (h: Harness, restart: () => Promise<Harness>) => Promise<void>,
): Promise<void> {
  let h = await startHarness({ env });
  const { slack } = h;
  const databasePath = h.databaseKey;
  let restarted = false;
  const restart = async () => {
    const now = new Date(h.clock.now().getTime() + 60 * 60_000).toISOString();
    await h.stop({ keepDatabase: true });
    restarted = true;
    h = await startHarness({ slack, databasePath, env, now });
    return h;
  };
  try {
    await body(h, restart);
  } finally {
    await h.stop();
    if (restarted) {
      await slack.stop();
      removeKeptDatabase(databasePath);
    }
  }
}

/** The rows posting in a channel: its own conversation's, and what the app posts there on its own (`reach:`). */
const rowsTo = async (h: Harness, channelId: string): Promise<OutboxRow[]> =>
  (await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id)).filter(
    (r) => conversationOf(r.channelKey) === channelId,
  );

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
    await deliverEvent(h, leftEvent(channels.partner));
    await retries(h, 3);
    h.clock.advance(60_000);
    await clickOutcome(h, 'meeting_held', handoff.id);
    await retries(h, 2);
    expect(invites(h, people.author.id)).toHaveLength(1);
    // Held, not tried: no doomed call to the channel; every update waits, in order.
    expect(partnerCalls(h)).toEqual([]);
    expect((await rowsTo(h, channels.partner.id)).map((r) => [r.status, r.lastError])).toEqual([
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
    // Told once, and edited once the app was back: nothing asks for an invite any more.
    expect(invites(h, people.author.id)).toEqual([]);
    expect(resolved(h, people.author.id)).toHaveLength(1);
  });

  /** The owner's notice of the AE's answer, as it reads now (edited in place). */
  const decisionNotice = (h: Harness) =>
    dmOf(h, people.author.id).find((m) => json(m.blocks).includes('*accepted* handoff'));

  it.each([
    { how: 'channel_left', event: true },
    { how: 'a post refused with not_in_channel', event: false },
  ])(
    "the owner's decision notice says the partner's update waits while the app is out ($how), and that the partner reads it once the invite sent it",
    async ({ event }) => {
      const h = await start();
      const { handoff } = await sendHandoff(h);
      await outboxDrained(h);
      await removeApp(h, channels.partner, { event });

      await accept(h, handoff.id);
      await waitForDm(h, people.author.id, '/invite @Handoff', 'the owner told');
      const waits = `The partner's partner-safe update waits: I am not in <#${channels.partner.id}>. It goes out once someone invites me there.`;
      await waitFor(() => json(decisionNotice(h)?.blocks).includes(waits), 8000, 'the notice: it waits');
      await retries(h, 2);
      expect(json(decisionNotice(h)?.blocks)).toContain(waits);
      expect(json(decisionNotice(h)?.blocks)).not.toContain('The partner reads');

      await inviteApp(h, channels.partner, { event: true });
      await waitFor(() => partnerMessages(h).length === 2, 8000, 'the held partner posts');
      await outboxDrained(h);
      await quiet(h);
      expect(json(decisionNotice(h)?.blocks)).toContain(
        `The partner reads a partner-safe update of it in <#${channels.partner.id}>.`,
      );
      expect(json(decisionNotice(h)?.blocks)).not.toContain('waits');
    },
  );

  it("the owner's decision notice follows the reply's hold: the app out, then the channel held (without another try), then confirmed by an admin", async () => {
    const admin = people.member.id;
    const h = await start({ ADMIN_USER_IDS: admin });
    const { handoff } = await sendHandoff(h);
    await outboxDrained(h);
    await removeApp(h, channels.partner, { event: true });
    await accept(h, handoff.id);
    const notice = () => json(decisionNotice(h)?.blocks);
    await waitFor(() => notice().includes('I am not in'), 8000, 'the notice: it waits for an invite');

    // Another organization joins: the directory holds the channel, and the notice says so at once (no retry is due).
    await h.slack.shareChannel(channels.partner.id, RIVAL_TEAM);
    const held = `The partner's partner-safe update waits: <#${channels.partner.id}> is on hold until an admin confirms who is in it.`;
    await waitFor(() => notice().includes(held), 8000, 'the notice: the channel is on hold');
    await quiet(h);
    expect(notice()).toContain(held);
    expect(notice()).not.toContain('I am not in');

    // Invited back, the channel is still on hold: the notice still says so, and nothing reaches the partner.
    await inviteApp(h, channels.partner, { event: true });
    await quiet(h);
    expect(notice()).toContain(held);
    expect(partnerMessages(h)).toEqual([]);

    await slash(h, `partners confirm <#${channels.partner.id}|ext-meridian>`, { id: admin });
    await waitFor(() => partnerMessages(h).length === 2, 8000, 'the held partner posts');
    await outboxDrained(h);
    await quiet(h);
    expect(partnerMessages(h).map((m) => m.text?.split(' ')[0])).toEqual(['Northwind', ':white_check_mark:']);
    expect(notice()).toContain(`The partner reads a partner-safe update of it in <#${channels.partner.id}>.`);
    expect(notice()).not.toContain('waits');
  });

  it('stays removed across a restart: the next partner update waits without a call to Slack, and the invite sends it', async () => {
    await withRestarts(PARTNER_ENV, async (first, restart) => {
      const { handoff } = await sendHandoff(first);
      await outboxDrained(first);
      await removeApp(first, channels.partner, { event: true });
      await quiet(first);
      expect(await removals(first)).toMatchObject([
        { channelId: channels.partner.id, how: 'event', adminsToldAt: null },
      ]);

      const h = await restart();
      await accept(h, handoff.id);
      await waitForDm(h, people.author.id, '/invite @Handoff', 'the owner told');
      await retries(h, 3);
      // Held from the database's word, not tried: no call to the channel since the removal, before or after the restart.
      expect(partnerCalls(h)).toEqual([]);
      expect((await rowsTo(h, channels.partner.id)).map((r) => [r.status, r.lastError])).toEqual([
        ['pending', 'app_removed_from_channel'],
        ['pending', null],
      ]);
      expect(invites(h, people.author.id)).toHaveLength(1);

      await inviteApp(h, channels.partner, { event: true });
      await waitFor(() => partnerMessages(h).length === 2, 8000, 'the held partner posts');
      await outboxDrained(h);
      await quiet(h);
      expect(partnerMessages(h).map((m) => m.text?.split(' ')[0])).toEqual([
        'Northwind',
        ':white_check_mark:',
      ]);
      expect(partnerCalls(h).every((c) => c.ok)).toBe(true);
      expect(await removals(h)).toEqual([]);
      // Told once, and edited once the app was back: nothing asks for an invite any more.
      expect(invites(h, people.author.id)).toEqual([]);
      expect(resolved(h, people.author.id)).toHaveLength(1);
    });
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
      expect((await h.app.sweeper.sweep()).expired).toBe(1);
    };
  }

  /** The same removal told by either event: channel_left for a public channel, group_left for a private one. */
  const REMOVALS = [
    { event: 'channel_left', channel: channels.internal },
    { event: 'group_left', channel: { ...channels.internal, is_private: true } },
  ];

  it.each(REMOVALS)(
    '$event: the admins are told once, escalations wait (never parked), and go out after the invite',
    async ({ event, channel }) => {
      expect(leftEvent(channel).type).toBe(event);
      const h = await startApp({ env: ENV });
      // The escalation channel as it is in Slack, public or private, with the app in it.
      h.slack.addChannel({ ...channel, members: [h.slack.botUserId] });
      const expire = await expireOne(h);
      const removals = () =>
        h.logs.filter((l) => l.msg === `removed from ${channel.id} by ${people.member.id}`);
      await removeApp(h, channel, { event: true });
      // Nothing was refused yet: only the event's listener can have told the admins.
      const told = await waitForDm(h, people.owner.id, '/invite @Handoff', 'the admins told');
      expect(json(told.blocks)).toContain(`<#${channels.internal.id}>`);
      expect(json(told.blocks)).toContain(
        `<@${people.member.id}> removed me from <#${channels.internal.id}>, where I post escalations.`,
      );
      expect(json(told.blocks)).not.toContain('ESCALATION_CHANNEL_ID');
      expect(await removals()).toHaveLength(1);
      // The same removal told again (Slack retries, or sends it twice): nothing new.
      await deliverEvent(h, leftEvent(channel));
      await quiet(h);
      expect(await removals()).toHaveLength(1);

      await expire();
      // More holds than OUTBOX_MAX_ATTEMPTS (8): a held post is never parked.
      await retries(h, 10);
      const calls = () => h.slack.calls.filter((c) => c.args.channel === channels.internal.id);
      expect(calls().filter((c) => c.method.startsWith('chat.'))).toEqual([]);
      expect((await rowsTo(h, channels.internal.id)).map((r) => r.status)).toEqual(['pending']);
      expect(invites(h, people.owner.id)).toHaveLength(1);

      await inviteApp(h, channel, { event: true });
      await waitFor(() => h.slack.messages(channels.internal.id).length === 1, 8000, 'the escalation');
      expect(json(h.slack.messages(channels.internal.id)[0]?.blocks)).toContain('*Silence*');
      await outboxDrained(h);
    },
  );

  it("the admins' DM says who removed the app and what it posts there, in words, without a setting name", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'removed-policy-'));
    // The meridian policy's second level notifies the manager and the channel: policies.meridian[1].to[1].
    const file = join(dir, 'policies.json');
    writeFileSync(
      file,
      JSON.stringify({
        policies: {
          meridian: [
            { at: '50%', action: 'remind' },
            { at: 'due', action: 'notify', to: ['manager', `channel:${channels.internal.id}`] },
          ],
        },
        routes: [{ partner: 'Meridian Cloud Consulting', policy: 'meridian' }],
      }),
    );
    const h = await startHarness({
      env: {
        ...ENV,
        PARTNER_HELP_CHANNEL_ID: channels.internal.id,
        DIGEST_CHANNEL_ID: channels.internal.id,
        ESCALATION_MANAGERS: `${people.ae.id}=${people.owner.id}`,
        ESCALATION_POLICY_FILE: file,
      },
    });
    try {
      await removeApp(h, channels.internal, { event: true });
      const told = await waitForDm(h, people.owner.id, '/invite @Handoff', 'the admins told');
      expect(told.blocks).toEqual([
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            verbatim: true,
            text: `:warning: <@${people.member.id}> removed me from <#${channels.internal.id}>, where I post escalations (from the settings and the Meridian policy), partner-help requests and the weekly digest.\nWhat would go there is kept, and goes out as soon as someone types \`/invite @Handoff\` in that channel.`,
          },
        },
      ]);
      // The setting names and the policy file's place are for the operator: in the log, never in Slack.
      expect(json(told)).not.toMatch(/_ID|policies\./);
      const logged = h.logs.find((l) => String(l.msg).startsWith('the app is not in this channel'));
      expect(logged).toMatchObject({
        channelId: channels.internal.id,
        by: people.member.id,
        places: [
          'ESCALATION_CHANNEL_ID',
          'PARTNER_HELP_CHANNEL_ID',
          'DIGEST_CHANNEL_ID',
          'policies.meridian[1].to[1]',
        ],
      });
    } finally {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('channel_left, then a restart: the admins are not told again, the escalation waits untried, the re-check sends it', async () => {
    await withRestarts(ENV, async (first, restart) => {
      await sendHandoff(first);
      await outboxDrained(first);
      await removeApp(first, channels.internal, { event: true });
      await waitForDm(first, people.owner.id, '/invite @Handoff', 'the admins told');
      await outboxDrained(first);
      expect(await removals(first)).toMatchObject([
        { channelId: channels.internal.id, how: 'event', adminsToldAt: expect.any(Date) },
      ]);

      const h = await restart();
      // The same event again (Slack sends it once more), and the escalation that would go there.
      await deliverEvent(h, slackEvent.channelLeft(channels.internal.id, people.member.id));
      h.clock.set(DUE);
      expect((await h.app.sweeper.sweep()).expired).toBe(1);
      await retries(h, 3);
      const calls = () => h.slack.calls.filter((c) => c.args.channel === channels.internal.id);
      expect(calls().filter((c) => c.method.startsWith('chat.'))).toEqual([]);
      expect((await rowsTo(h, channels.internal.id)).map((r) => [r.status, r.lastError])).toEqual([
        ['pending', 'app_removed_from_channel'],
      ]);
      expect(invites(h, people.owner.id)).toHaveLength(1);

      // Invited back, and the event lost: the re-check after the restart asks Slack and sends what waited.
      await inviteApp(h, channels.internal, { event: false });
      await h.app.scheduler.runNow('channel-access-recheck');
      await waitFor(() => h.slack.messages(channels.internal.id).length === 1, 8000, 'the escalation');
      expect(json(h.slack.messages(channels.internal.id)[0]?.blocks)).toContain('*Silence*');
      await outboxDrained(h);
      expect(await removals(h)).toEqual([]);
      // Told once, and edited once the app was back: nothing asks for an invite any more.
      expect(invites(h, people.owner.id)).toEqual([]);
      expect(resolved(h, people.owner.id)).toHaveLength(1);
    });
  });

  it('not_in_channel without an event: the same, seen late; the re-check finds the invite', async () => {
    const h = await startApp({ env: ENV });
    // The re-check's tick claims its slot only while a channel is out.
    const recheckDue = () => (h.app.tenants()[0] as Tenant).wired.services.channelAccess.recheckDue();
    expect(await recheckDue()).toBe(false);
    const expire = await expireOne(h);
    await removeApp(h, channels.internal, { event: false });
    await expire();
    // Slack refuses the escalation once; from then on it waits, and the admins hear of it once.
    const refused = () =>
      h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channels.internal.id);
    await waitFor(() => refused().length === 1 && refused()[0]?.status === 200, 8000, 'the refusal');
    await retries(h, 10);
    const told = await waitForDm(h, people.owner.id, '/invite @Handoff', 'the admins told');
    // Nobody named (no event): what Slack said, and how many posts wait there now.
    expect(json(told.blocks)).toContain(
      `:warning: I am no longer in <#${channels.internal.id}> (Slack refused my post there), where I post escalations.\\n1 post waits there now. It goes out as soon as someone types`,
    );
    expect(refused().map((c) => (c.response as { error?: string } | undefined)?.error)).toEqual([
      'not_in_channel',
    ]);
    expect((await rowsTo(h, channels.internal.id)).map((r) => r.status)).toEqual(['pending']);
    expect(invites(h, people.owner.id)).toHaveLength(1);
    expect(await removals(h)).toMatchObject([
      { channelId: channels.internal.id, how: 'refused', adminsToldAt: expect.any(Date) },
    ]);
    expect(await recheckDue()).toBe(true);

    // Invited back, and the event lost: the re-check asks Slack and sends what waited.
    await inviteApp(h, channels.internal, { event: false });
    await h.app.scheduler.runNow('channel-access-recheck');
    await waitFor(() => h.slack.messages(channels.internal.id).length === 1, 8000, 'the escalation');
    await outboxDrained(h);
    expect(await recheckDue()).toBe(false);
  });
});

describe('the warnings once the app is back', () => {
  const ENV = {
    ...PARTNER_ENV,
    ...QUIET,
    ESCALATION_CHANNEL_ID: channels.internal.id,
    ADMIN_USER_IDS: people.owner.id,
  };

  /** How the app learns it is back: Slack's event, or the re-check asking Slack (the event lost). */
  async function comeBack(h: Harness, channel: Channel, how: 'event' | 'recheck') {
    await inviteApp(h, channel, { event: how === 'event' });
    if (how === 'recheck') await h.app.scheduler.runNow('channel-access-recheck');
  }

  const CASES = [
    {
      name: "the owner's, after channel_left and the invite event",
      channel: channels.partner,
      removal: { event: true },
      back: 'event' as const,
      reader: people.author.id,
    },
    {
      name: "the owner's, after a post refused with not_in_channel and the re-check",
      channel: channels.partner,
      removal: { event: false },
      back: 'recheck' as const,
      reader: people.author.id,
    },
    {
      name: "the admins', after channel_left and the re-check",
      channel: channels.internal,
      removal: { event: true },
      back: 'recheck' as const,
      reader: people.owner.id,
    },
  ];

  it.each(CASES)(
    '$name: the hold logged once, the warning edited to say it is resolved, with no action left',
    async ({ channel, removal, back, reader }) => {
      const h = await startApp({ env: ENV });
      const { handoff } = await sendHandoff(h);
      await outboxDrained(h);
      await removeApp(h, channel, removal);
      // What would go there: the partner's update of an accept, or the escalation of an expiry.
      if (channel === channels.partner) await accept(h, handoff.id);
      else {
        h.clock.set(DUE);
        expect((await h.app.sweeper.sweep()).expired).toBe(1);
      }
      const warning = await waitForDm(h, reader, '/invite @Handoff', 'the warning');
      // Tried again and again while the app is out (the hold's wait, up to an hour, passes each time): after a removal
      // Slack told of, the log says what holds the post and what ends it, once per held post however often it is tried.
      await retries(h, 8);
      if (removal.event) {
        const held = (await rowsTo(h, channel.id)).filter((r) => r.lastError === 'app_removed_from_channel');
        expect(held).toHaveLength(1);
        expect(held[0]?.attempts).toBeGreaterThan(3);
        const lines = h.logs.filter(
          (l) => l.outboxId === held[0]?.id && l.reason === 'app_removed_from_channel',
        );
        expect(lines).toEqual([
          expect.objectContaining({
            msg: 'held: the app is not in this channel; an invite (/invite @Handoff) sends it',
            channel: channel.id,
            audience: channel === channels.partner ? 'partner' : 'internal',
          }),
        ]);
        expect(h.logs.filter((l) => String(l.msg).includes('until an admin confirms'))).toEqual([]);
      }

      const backAt = Math.floor(h.clock.now().getTime() / 1000);
      await comeBack(h, channel, back);
      await waitFor(() => h.slack.messages(channel.id).length >= 1, 8000, 'what waited, posted');
      await outboxDrained(h);
      await quiet(h);
      // The same message, edited: no second DM, no invite to make, no button.
      const now = dmOf(h, reader).filter((m) => m.ts === warning.ts);
      expect(now).toHaveLength(1);
      const resolved = json(now[0]?.blocks);
      expect(resolved).toContain(
        `:white_check_mark: I am back in <#${channel.id}> since <!date^${backAt}^{date_short_pretty} at {time}|`,
      );
      expect(resolved).not.toContain('/invite');
      expect(resolved).not.toContain(':warning:');
      expect(resolved).not.toContain('"actions"');
      expect(invites(h, reader)).toEqual([]);
      expect(resolved).toContain(
        channel === channels.partner
          ? `the partner-safe update for handoff #${handoff.id} `
          : '1 post that waited there went out.',
      );
    },
  );

  it('a later removal warns again: the edited warning stays resolved, and a new one asks for the invite', async () => {
    const h = await startApp({ env: ENV });
    const { handoff } = await sendHandoff(h);
    await outboxDrained(h);
    await removeApp(h, channels.partner, { event: true });
    await accept(h, handoff.id);
    await waitForDm(h, people.author.id, '/invite @Handoff', 'the first warning');
    await inviteApp(h, channels.partner, { event: true });
    await waitFor(() => resolved(h, people.author.id).length === 1, 8000, 'the first warning resolved');
    await outboxDrained(h);

    await removeApp(h, channels.partner, { event: true });
    await clickOutcome(h, 'meeting_held', handoff.id);
    await waitFor(() => invites(h, people.author.id).length === 1, 8000, 'the second warning');
    await retries(h, 2);
    expect(invites(h, people.author.id)).toHaveLength(1);
    expect(resolved(h, people.author.id)).toHaveLength(1);
  });
});
