import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../src/db/schema.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import { dmOf, json, outboxDrained, waitForDm } from '../support/ownerFlow.js';
import {
  accept,
  clickOutcome,
  partnerCalls,
  partnerHarnesses,
  partnerMessages,
  threadReplies,
  topLevel,
} from '../support/partnerFlow.js';
import { channels, people } from '../support/people.js';

/**
 * OUTBOX_RETENTION_DAYS: each sweep deletes delivered and cancelled outbox rows older than the retention. Pending and
 * parked rows stay, posted_messages stay (later edits and thread replies need them), the touch log stays.
 *
 * Time line: everything starts Monday 2026-11-23 14:00Z (15:00 Berlin); the sweep never fires on its own
 * (PARTNER_ENV), the tests move the clock and run it.
 */

const DAY = 86_400_000;
/** Monday 2026-11-23 14:00Z plus 31 days: a Thursday afternoon, past the default 30-day retention. */
const MONTH_LATER = '2026-12-24T14:00:00Z';

const start = partnerHarnesses();

const outboxRows = async (h: Harness): Promise<OutboxRow[]> =>
  await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id);
const postedRows = async (h: Harness) => await h.database.db.select().from(h.tables.postedMessages);
const eventRows = async (h: Harness) =>
  await h.database.db.select().from(h.tables.handoffEvents).orderBy(h.tables.handoffEvents.id);
const idsOf = (rows: OutboxRow[]) => rows.map((r) => r.id);
/** The rows among `ids` still in the outbox. */
const stillThere = async (h: Harness, ids: number[]) =>
  (await outboxRows(h)).filter((r) => ids.includes(r.id));
const parentKey = (handoffId: number) => `handoff:${handoffId}:partner_parent`;
const partnerUpdates = (h: Harness) =>
  h.slack.callsTo('chat.update').filter((c) => c.args.channel === channels.partner.id);
const inviteNotices = (h: Harness) =>
  dmOf(h, people.author.id).filter((m) => json(m.blocks).includes('/invite @Handoff'));

/** Sends a packet, the AE accepts it, and everything it owes is delivered (the partner thread's parent included). */
async function acceptedDeal(h: Harness) {
  const parentsBefore = topLevel(h).length;
  const sent = await sendHandoff(h);
  await accept(h, sent.handoff.id);
  await waitFor(() => topLevel(h).length === parentsBefore + 1, 4000, 'the partner thread parent');
  await outboxDrained(h);
  const rows = (await outboxRows(h)).filter((r) => r.handoffId === sent.handoff.id);
  expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'delivered'));
  expect(rows.map((r) => r.dedupeKey)).toEqual(
    expect.arrayContaining([
      `handoff:${sent.handoff.id}:sent:ae_dm`,
      // The AE's packet brought up to date after the accept (an update rendered at delivery).
      `surface:handoff:${sent.handoff.id}:ae_dm:v2`,
      `handoff:${sent.handoff.id}:decided:partner`,
    ]),
  );
  return { ...sent, rows };
}

describe('delivered outbox messages are deleted after the retention', () => {
  it('a month after an accepted handoff, the sweep deletes its delivered rows; posted_messages, the touch log and the partner thread stay', async () => {
    const h = await start();
    expect(h.config.outbox.retentionDays).toBe(30);
    const { handoff, rows } = await acceptedDeal(h);
    const [parent] = topLevel(h);
    expect(parent?.text).toBe('Northwind Logistics: Accepted');
    // Every message that shows the handoff is remembered, to be kept up to date (which: the OUTBOX_RETENTION_DAYS test).
    const posted = await postedRows(h);
    expect(posted).toHaveLength(5);
    const events = await eventRows(h);
    expect(events.map((e) => e.type)).toEqual(['sent', 'accepted']);

    h.clock.set(MONTH_LATER);
    // The deal has been quiet for a month: one stall nudge, queued now (so young, and kept).
    expect(await h.app.sweeper.sweep()).toEqual({ resumed: 0, expired: 0, reminded: 0, nudged: 1 });

    expect(await stillThere(h, idsOf(rows))).toEqual([]);
    const left = await outboxRows(h);
    // Queued now: one change, carrying the nudge and a refresh of the messages showing the deal (the older ones lose
    // their buttons): the worker expands it into the nudge's post and an update per message when it delivers it.
    expect(left.map((r) => [r.handoffId, r.method, r.createdAt.toISOString()])).toEqual([
      [handoff.id, 'handoff.change', new Date(MONTH_LATER).toISOString()],
    ]);
    expect(left[0]?.payload).toMatchObject({
      messages: [
        {
          method: 'chat.postMessage',
          dedupeKey: expect.stringMatching(new RegExp(`^handoff:${handoff.id}:stall:`)),
        },
      ],
      refresh: true,
    });
    expect(await postedRows(h)).toEqual(posted);
    // The touch log is append-only history: the old events are intact, the nudge added one.
    const after = await eventRows(h);
    expect(after.slice(0, events.length)).toEqual(events);
    expect(after.slice(events.length).map((e) => [e.handoffId, e.type])).toEqual([
      [handoff.id, 'stall_nudged'],
    ]);

    // The nudge is delivered and, being a day old at the next sweep, kept.
    await waitFor(
      () => dmOf(h, people.ae.id).some((m) => m.text?.includes('): any news?')),
      4000,
      'the stall nudge',
    );
    await outboxDrained(h);
    // The nudge brought every message up to date: the partner's next move (by 4 December) is past, so the parent no
    // longer shows it, and our first step's date too, so the accept's reply no longer does.
    const acceptReply = threadReplies(h)[0];
    expect(partnerUpdates(h).map((c) => c.args.ts)).toEqual([acceptReply?.ts, parent?.ts]);
    expect(acceptReply?.text).not.toContain('*Next:*');
    expect(JSON.stringify(topLevel(h)[0]?.blocks)).not.toContain('*Next from');
    // The parent's outbox row is gone; only posted_messages remembers where it landed.
    expect((await outboxRows(h)).filter((r) => r.recordAs === parentKey(handoff.id))).toEqual([]);
    expect((await postedRows(h)).find((p) => p.messageKey === parentKey(handoff.id))).toMatchObject({
      channelId: channels.partner.id,
      ts: parent?.ts,
    });
    h.clock.advance(DAY);
    await h.app.sweeper.sweep();
    // Kept and delivered: the change, and what it expanded into: the nudge, then the updates of the messages showing
    // the deal (one per message).
    const kept = await outboxRows(h);
    expect(kept.map((r) => [r.id, r.status])).toEqual(kept.map((r) => [r.id, 'delivered']));
    expect(idsOf(kept)).toEqual(expect.arrayContaining(idsOf(left)));
    const expanded = kept.filter((r) => !idsOf(left).includes(r.id));
    expect(expanded.map((r) => r.dedupeKey)[0]).toMatch(new RegExp(`^handoff:${handoff.id}:stall:`));
    const fannedOut = expanded.slice(1);
    expect(fannedOut.length).toBeGreaterThan(0);
    expect(fannedOut.map((r) => [r.method, r.handoffId])).toEqual(
      fannedOut.map(() => ['chat.update', handoff.id]),
    );
    // Where every message landed stays (the nudge is one more message that shows the deal).
    expect(await postedRows(h)).toEqual(expect.arrayContaining(posted));
    expect((await postedRows(h)).filter((p) => p.messageKey.includes(':stall:'))).toHaveLength(1);

    // Meeting held, a month on: a reply under the existing parent, and the parent edited in place.
    const lastBefore = Math.max(0, ...(await outboxRows(h)).map((r) => r.id));
    await clickOutcome(h, 'meeting_held', handoff.id);
    // The acceptance's reply, then the meeting's.
    await waitFor(
      () => threadReplies(h).length === 2 && partnerUpdates(h).length === 3,
      4000,
      'meeting reply',
    );
    await outboxDrained(h);
    // The reply under the parent, and the parent (a view of the deal) brought up to date.
    const meetingRows = (await outboxRows(h)).filter(
      (r) =>
        r.id > lastBefore &&
        (r.dedupeKey.includes(':outcome:meeting_held:partner') ||
          (r.channelKey === channels.partner.id && r.method === 'chat.update')),
    );
    // The accept's reply is a view too: its update finds it unchanged (its step's date had passed already).
    expect(meetingRows.map((r) => [r.method, r.threadOf, r.targetMessageKey, r.recordAs])).toEqual([
      ['chat.postMessage', parentKey(handoff.id), null, null],
      ['chat.update', null, `handoff:${handoff.id}:decided:partner`, null],
      ['chat.update', null, parentKey(handoff.id), null],
    ]);
    expect(threadReplies(h)[1]?.thread_ts).toBe(parent?.ts);
    expect(threadReplies(h)[1]?.text?.startsWith(':handshake:')).toBe(true);
    expect(topLevel(h)).toHaveLength(1);
    expect(topLevel(h)[0]).toMatchObject({ ts: parent?.ts, text: 'Northwind Logistics: Meeting held' });
    expect(partnerUpdates(h)[2]?.args.ts).toBe(parent?.ts);

    // Won, five weeks later (Wednesday 2027-01-27): the meeting rows are pruned first, the thread still holds.
    h.clock.set('2027-01-27T14:00:00Z');
    await h.app.sweeper.sweep();
    expect(await stillThere(h, idsOf(meetingRows))).toEqual([]);
    await outboxDrained(h);
    await clickOutcome(h, 'won', handoff.id);
    await waitFor(() => threadReplies(h).length === 3 && partnerUpdates(h).length === 4, 4000, 'won reply');
    await outboxDrained(h);
    await quiet(h);

    expect(topLevel(h)).toHaveLength(1);
    expect(topLevel(h)[0]).toMatchObject({ ts: parent?.ts, text: 'Northwind Logistics: Won' });
    expect(threadReplies(h).map((r) => r.thread_ts)).toEqual([parent?.ts, parent?.ts, parent?.ts]);
    expect(threadReplies(h)[2]?.text?.startsWith(':trophy:')).toBe(true);
    // Every post to the partner channel: the parent once, then one reply per event (the acceptance's first), each in
    // its thread.
    const posts = partnerCalls(h).filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => [c.ok, c.args.thread_ts])).toEqual([
      [true, undefined],
      [true, parent?.ts],
      [true, parent?.ts],
      [true, parent?.ts],
    ]);
    expect(partnerUpdates(h).map((c) => [c.ok, c.args.ts])).toEqual([
      [true, acceptReply?.ts],
      [true, parent?.ts],
      [true, parent?.ts],
      [true, parent?.ts],
    ]);
  });

  it('honours OUTBOX_RETENTION_DAYS: each row goes on its own date, cancelled ones (a reminder superseded by the accept) too', async () => {
    const h = await start({ OUTBOX_RETENTION_DAYS: '7' });
    expect(h.config.outbox.retentionDays).toBe(7);
    const { handoff } = await sendHandoff(h);
    await outboxDrained(h);
    const sentRows = await outboxRows(h);

    // Halfway through the window the reminder is refused once, so it is still waiting when the AE accepts.
    h.clock.set('2026-11-25T10:00:00Z');
    h.slack.fail('chat.postMessage', { error: 'invalid_blocks' }, 1);
    expect((await h.app.sweeper.sweep()).reminded).toBe(1);
    const reminder = await waitFor(
      async () => (await outboxRows(h)).find((r) => r.dedupeKey.includes(':reminder:') && r.attempts === 1),
      4000,
      'the refused reminder',
    );
    expect(reminder).toMatchObject({ status: 'pending', lastError: 'invalid_blocks' });
    await accept(h, handoff.id);
    await waitFor(() => topLevel(h).length === 1, 4000, 'the partner thread parent');
    await outboxDrained(h);
    // A reminder still waiting for Slack is dropped once the AE has answered: never shown.
    expect((await outboxRows(h)).find((r) => r.id === reminder.id)?.status).toBe('cancelled');
    expect(json(dmOf(h, people.ae.id))).not.toContain('*Reminder*');
    const acceptRows = (await outboxRows(h)).filter((r) => !idsOf(sentRows).includes(r.id));
    expect(acceptRows.map((r) => r.status).sort()).toEqual(
      [...acceptRows.filter((r) => r.id !== reminder.id).map(() => 'delivered'), 'cancelled'].sort(),
    );

    // Seven days after the accept, less a minute: the packet's rows (9 days old) go, the accept's stay.
    h.clock.set('2026-12-02T09:59:00Z');
    await h.app.sweeper.sweep();
    expect(await stillThere(h, idsOf(sentRows))).toEqual([]);
    expect(await stillThere(h, idsOf(acceptRows))).toEqual(acceptRows);

    // Seven days and a minute: the accept's rows go, the cancelled reminder with them.
    h.clock.set('2026-12-02T10:01:00Z');
    await h.app.sweeper.sweep();
    expect(await stillThere(h, idsOf(acceptRows))).toEqual([]);
    expect((await postedRows(h)).map((p) => p.messageKey).sort()).toEqual([
      `handoff:${handoff.id}:ae_dm`,
      `handoff:${handoff.id}:decided:owner`,
      `handoff:${handoff.id}:decided:partner`,
      parentKey(handoff.id),
      `handoff:${handoff.id}:sent:author`,
    ]);
  });
});

describe('rows still owed to Slack are never deleted', () => {
  it('keeps a partner update still waiting for the channel and a parked message, however old; the update still goes out', async () => {
    const h = await start({ OUTBOX_MAX_ATTEMPTS: '2' });
    const { handoff } = await sendHandoff(h);
    await outboxDrained(h);
    // The app is removed from the partner channel, and Slack refuses the edit of the AE's copy for good.
    h.slack.addChannel({ ...channels.partner, members: [] });
    h.slack.fail('chat.update', { error: 'invalid_blocks' });
    await accept(h, handoff.id);
    // The thread's parent waits for the channel, and the acceptance's reply behind it.
    const waiting = async () =>
      (await outboxRows(h)).find((r) => r.dedupeKey === `handoff:${handoff.id}:decided:partner_parent`);
    const reply = async () =>
      (await outboxRows(h)).find((r) => r.dedupeKey === `handoff:${handoff.id}:decided:partner`);
    // The edits of the messages already sent (the AE's packet, the author's confirmation; the owner's notice of the
    // accept too when it was shown before the refusal, and now says the partner's update waits) are refused for good.
    const edits = async (status: OutboxRow['status']) =>
      (await outboxRows(h)).filter(
        (r) => r.method === 'chat.update' && r.handoffId === handoff.id && r.status === status,
      );
    const parked = () => edits('dead');
    const settled = async () =>
      (await parked()).length >= 2 &&
      (await edits('pending')).length === 0 &&
      ((await waiting())?.attempts ?? 0) >= 2;
    for (let i = 0; i < 20 && !(await settled()); i += 1) {
      h.clock.advance(60_000);
      await quiet(h);
    }
    const told = await waitForDm(h, people.author.id, '/invite @Handoff', 'the invite instructions');
    expect(json(told.blocks)).toContain('The update is kept');
    h.slack.clearFailures();
    await quiet(h);
    expect(await waiting()).toMatchObject({
      status: 'pending',
      audience: 'partner',
      lastError: 'not_in_channel',
    });
    for (const row of await parked())
      expect(row).toMatchObject({ status: 'dead', lastError: 'invalid_blocks', attempts: 2 });
    const before = await outboxRows(h);
    const attempts = (await waiting())?.attempts ?? 0;
    const delivered = before.filter((r) => r.status === 'delivered');
    // The AE DM, the author's confirmation, the owner's accept notice, the invite instructions.
    expect(delivered.length).toBeGreaterThanOrEqual(4);

    h.clock.set(MONTH_LATER);
    const cutoff = Date.parse(MONTH_LATER) - 30 * DAY;
    // All of them are old enough: only their status can keep them.
    for (const row of before) expect(row.nextAttemptAt.getTime()).toBeLessThan(cutoff);
    await h.app.sweeper.sweep();
    // The owner's notice goes with the other delivered rows: its row in channel_access_notices keeps it from being
    // sent again while the update waits, and posted_messages remembers where it landed, for its edit once the app is
    // back. The rows kept are read once: the outbox worker sees the new time too and may be retrying the waiting row
    // as they are read (its attempts and times move; it is still owed, so still pending).
    const notice = before.find((r) => r.dedupeKey.includes(':not_in_channel:'));
    expect(notice?.status).toBe('delivered');
    const owed = [await waiting(), await reply(), ...(await parked())];
    const owing = (rows: (OutboxRow | undefined)[]) =>
      rows.map((r) => [r?.id, r?.dedupeKey, r?.status]).sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(owing(await stillThere(h, idsOf(before)))).toEqual(owing(owed));
    expect(await stillThere(h, idsOf(delivered))).toEqual([]);
    expect((await postedRows(h)).map((p) => p.messageKey)).toContain(notice?.recordAs);
    expect(
      before
        .filter((r) => r.status !== 'delivered')
        .map((r) => r.status)
        .sort(),
    ).toEqual([...(await parked()).map(() => 'dead'), 'pending', 'pending']);

    // The app is invited back: the update kept all this time is posted, once, as the thread's parent, and its reply.
    // First the retry the new time started (above) must have been refused and recorded: recorded after the clock's
    // step below, its backoff would count from the new time, and the update would wait past this test's deadline.
    await quiet(h);
    // The owner was told once that the partner channel blocks the update, however often it was refused since: the
    // notice is kept once by its row in channel_access_notices, not by its outbox row, which the prune deleted.
    expect(((await waiting())?.attempts ?? 0) > attempts).toBe(true);
    expect(inviteNotices(h)).toHaveLength(1);
    expect(
      h.logs.some((l) => l.msg === 'partner update waiting until the app can post in the partner channel'),
    ).toBe(true);
    h.slack.addChannel({ ...channels.partner, members: [h.slack.botUserId] });
    h.clock.advance(2 * 60 * 60_000);
    await waitFor(() => topLevel(h).length === 1, 8000, 'the partner post');
    await waitFor(async () => (await reply())?.status === 'delivered', 4000, 'the waiting rows delivered');
    await quiet(h);
    expect((await waiting())?.status).toBe('delivered');
    expect(partnerMessages(h)).toHaveLength(2);
    expect(topLevel(h)[0]?.text).toBe('Northwind Logistics: Accepted');
    expect((await postedRows(h)).find((p) => p.messageKey === parentKey(handoff.id))?.ts).toBe(
      topLevel(h)[0]?.ts,
    );
    // Parked stays parked (until an admin retries it), and a later sweep still keeps it.
    h.clock.advance(DAY);
    await h.app.sweeper.sweep();
    for (const row of await parked())
      expect(row).toMatchObject({ status: 'dead', lastError: 'invalid_blocks' });
  });
});
