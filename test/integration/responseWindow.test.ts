import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { settleOutbox } from '../../sandbox/clockJobs.js';
import { ACCEPT_BLOCK_ID, ACTION_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { acceptHandoff, openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { account } from '../support/crmFlow.js';
import { outboxRows } from '../support/drill.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import { ephemeralAt, extendSubmission, handoffRow } from '../support/ownerFlow.js';
import { blockAction } from '../support/payloads.js';
import { channels, people } from '../support/people.js';
import { refuseWrites } from '../support/refuseWrites.js';

// Sent Monday 2026-11-23 15:00 Berlin (14:00Z) to an AE in Europe/Berlin, 3 business days, 09:00-17:00:
// 50% of 24 business hours → Wednesday 11:00 Berlin; last morning → Thursday 09:00 Berlin; due Thursday 15:00.
const HALFWAY = '2026-11-25T10:00:00Z';
const LAST_MORNING = '2026-11-26T08:00:00Z';
const DUE = '2026-11-26T14:00:00Z';
const QUIET = { SWEEP_SCHEDULE: '0 0 1 1 *' };

const aeDmOf = (h: Harness) => h.slack.dmChannelFor(people.ae.id);
/** The one handoff of the test (the first sent), as stored now. */
const firstHandoff = async (h: Harness) =>
  (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id))[0];
const decisions = (h: Harness) => h.database.db.select().from(h.tables.decisions);
const reminders = (h: Harness) =>
  h.slack.messages(aeDmOf(h)).filter((m) => JSON.stringify(m.blocks).includes('*Reminder*'));

describe('the response window', () => {
  const start = harnessPerTest({ env: QUIET });

  it('nudges the AE halfway and on the last morning, once each, linking to the packet; a minute’s tick sweeps when something is due, and in full every 5 minutes otherwise', async () => {
    const h = await start();
    const { handoff, dm } = await sendHandoff(h);
    // No policy file: the default policy, its two reminders and the expiry's escalation.
    expect(handoff).toMatchObject({ escalationPolicy: null, escalationSteps: [] });
    expect(handoff.reminderSchedule).toEqual([Date.parse(HALFWAY), Date.parse(LAST_MORNING)]);
    // The start swept; at 14:00 nothing is due.
    expect(await h.app.sweeper.due()).toBe(false);
    h.clock.set('2026-11-23T14:04:59.999Z');
    expect(await h.app.sweeper.due()).toBe(false);
    // Five minutes since the last sweep: one in full (the away check, the outbox's pruning), whatever is due.
    h.clock.set('2026-11-23T14:05:00Z');
    expect(await h.app.sweeper.due()).toBe(true);
    // A second before the first reminder, swept; then the reminder falls due within the five minutes.
    h.clock.set(new Date(Date.parse(HALFWAY) - 1000));
    expect(await h.app.sweeper.sweep()).toEqual({ resumed: 0, expired: 0, reminded: 0, nudged: 0 });
    expect(await h.app.sweeper.due()).toBe(false);
    h.clock.set(HALFWAY);
    expect(await h.app.sweeper.due()).toBe(true);
    expect(await h.app.sweeper.sweep()).toEqual({ resumed: 0, expired: 0, reminded: 1, nudged: 0 });
    expect(await h.app.sweeper.due()).toBe(false);
    expect(await h.app.sweeper.sweep()).toEqual({ resumed: 0, expired: 0, reminded: 0, nudged: 0 });
    const [first] = await waitFor(() => reminders(h).length === 1 && reminders(h), 4000, 'first reminder');
    const text = JSON.stringify(first?.blocks);
    expect(text).toContain(
      `https://acme.slack.com/archives/${aeDmOf(h)}/p${dm.ts.replace('.', '')}|Open the handoff`,
    );
    // The DM says the deadline as a date token, read as of when it is read; only the notification counts hours.
    expect(text).toContain(`due *<!date^${Math.floor(handoff.dueAt.getTime() / 1000)}^`);
    expect(text).not.toContain(' left');
    expect(first?.text).toContain('about 28 hours left');
    // The clock stepped back past the last sweep: one in full.
    h.clock.set(new Date(Date.parse(HALFWAY) - 1));
    expect(await h.app.sweeper.due()).toBe(true);

    h.clock.set(LAST_MORNING);
    expect((await h.app.sweeper.sweep()).reminded).toBe(1);
    await waitFor(() => reminders(h).length === 2, 4000, 'second reminder');
    expect(reminders(h)[1]?.text).toContain('about 6 hours left');
    await quiet(h);
    expect(reminders(h)).toHaveLength(2);
  });

  // A move of the sandbox clock waits, at each moment it steps to, until nothing is due (sandbox/clockJobs.ts): the
  // pace between two posts to one conversation included, not one look of the outbox (one post per conversation).
  it('two reminders due at one moment in one DM are both posted before a step of the sandbox clock moves on', async () => {
    const h = await start();
    const first = await sendHandoff(h, account('Northwind Together'));
    const second = await sendHandoff(h, account('Contoso Together'));
    const at = first.handoff.reminderSchedule?.[0] as number;
    expect(second.handoff.reminderSchedule?.[0]).toBe(at);
    await quiet(h);
    h.clock.set(new Date(at));
    await h.app.scheduler.runNow('response-window-sweep');
    await settleOutbox(h.app.outbox);
    const named = reminders(h).map((m) => JSON.stringify(m.blocks).match(/#\d+ \*([^*]+)\*/)?.[1]);
    expect(named.sort()).toEqual(['Contoso Together', 'Northwind Together']);
    expect(await h.app.outbox.dueNow()).toBe(0);
  });

  it('expires a silent handoff at its due time: DM updated, owner offered recovery, escalation sent', async () => {
    const h = await start({
      env: {
        ESCALATION_CHANNEL_ID: channels.internal.id,
        ESCALATION_MANAGERS: `${people.ae.id}=${people.member.id}`,
      },
    });
    const { handoff } = await sendHandoff(h);
    h.clock.set(new Date(Date.parse(DUE) - 1));
    await h.app.sweeper.sweep();
    h.clock.set(DUE);
    expect((await h.app.sweeper.sweep()).expired).toBe(1);
    expect((await h.app.sweeper.sweep()).expired).toBe(0);
    const stored = await firstHandoff(h);
    expect(stored).toMatchObject({ status: 'expired', expiredAt: new Date(DUE), nextReminderAt: null });

    // The DM may change more than once (the sweep just before the deadline queues its own update): wait for the
    // expiry's, then for everything queued, and read what the AE is left with.
    const aeDm = () => JSON.stringify(h.slack.messages(aeDmOf(h))[0]?.blocks);
    await waitFor(() => aeDm().includes('*Expired*'), 4000, 'DM update');
    await quiet(h);
    const dm = aeDm();
    expect(dm).toContain('*Expired*');
    expect(dm).not.toContain(ACTION_ID.accept);
    expect(dm).not.toContain('please answer by');

    const ownerDm = h.slack.dmChannelFor(people.author.id);
    const notice = await waitFor(
      () => h.slack.messages(ownerDm).find((m) => JSON.stringify(m.blocks).includes('It has *expired*')),
      4000,
      'owner notice',
    );
    const buttons = JSON.stringify(notice.blocks);
    for (const id of [ACTION_ID.reassign, ACTION_ID.extend, ACTION_ID.withdraw])
      expect(buttons).toContain(id);
    expect(buttons).toContain(`"value":"${handoff.id}"`);
    // The buttons sit on the owner's newest message only: the confirmation sent earlier no longer offers them.
    await quiet(h);
    const confirmation = JSON.stringify(h.slack.messages(ownerDm)[0]?.blocks);
    expect(confirmation).toContain('*Now:* expired without an answer');
    expect(confirmation).not.toContain(ACTION_ID.reassign);

    const escalation = await waitFor(() => h.slack.messages(channels.internal.id)[0], 4000, 'escalation');
    expect(JSON.stringify(escalation.blocks)).toContain('*Silence*');
    const manager = await waitFor(
      () => h.slack.messages(h.slack.dmChannelFor(people.member.id)),
      4000,
      'manager',
    );
    expect(manager).toHaveLength(1);
    expect(JSON.stringify(manager[0]?.blocks)).toContain('Silence');
    // Silence is not news for the partner: nothing is posted there.
    await quiet(h);
    expect(h.slack.messages(channels.partner.id)).toHaveLength(0);
  });

  it('after days of downtime, catches up with one expiry and none of the missed reminders', async () => {
    const first = await start();
    await sendHandoff(first);
    await first.stop({ keepDatabase: true });

    // Two weeks later the app starts again, on the same Slack; its start-up sweep runs at once.
    const { slack, databaseKey: databasePath } = first;
    const h = await start({ slack, databasePath, now: '2026-12-07T12:00:00Z' });
    await waitFor(async () => (await outboxRows(h)).every((r) => r.status === 'delivered'), 4000);
    expect((await firstHandoff(h))?.status).toBe('expired');
    const keys = (await outboxRows(h)).map((r) => r.dedupeKey);
    expect(keys.filter((key) => key.includes('reminder'))).toHaveLength(0);
    expect(keys.filter((key) => key.includes('expired:owner'))).toHaveLength(1);
    expect(await h.app.sweeper.sweep()).toEqual({ resumed: 0, expired: 0, reminded: 0, nudged: 0 });
    await h.stop();
    await slack.stop();
  });

  it('one handoff the sweep cannot change does not hold back the others; it is logged and tried again', async () => {
    const h = await start();
    const sent = [];
    for (const [i, name] of ['Alpha', 'Beta', 'Gamma'].entries())
      sent.push(
        (
          await sendHandoff(h, {
            accountName: `${name} Freight`,
            crmOpportunity: `OPP-${i + 1}`,
            accountDomain: `${name.toLowerCase()}.com`,
          })
        ).handoff,
      );
    const [first, second, third] = sent as [HandoffRow, HandoffRow, HandoffRow];
    // The second one's update fails inside the sweep's page (as a corrupt row or a full disk would).
    const poison = await refuseWrites(h, {
      name: 'poison',
      table: 'handoffs',
      on: 'UPDATE',
      id: second.id,
      message: 'poisoned',
    });
    h.clock.set(DUE);
    expect((await h.app.sweeper.sweep()).expired).toBe(2);
    const { handoffEvents } = h.tables;
    const status = async (id: number) => (await handoffRow(h, id)).status;
    expect([await status(first.id), await status(second.id), await status(third.id)]).toEqual([
      'expired',
      'sent',
      'expired',
    ]);
    expect(
      h.logs.some((l) => l.msg === 'sweep could not handle a handoff' && l.handoffId === second.id),
    ).toBe(true);
    // Nothing of the failed one was half written: no expiry event, no expiry messages queued.
    const expiredEvents = await h.database.db
      .select({ handoffId: handoffEvents.handoffId })
      .from(handoffEvents)
      .where(eq(handoffEvents.type, 'expired'))
      .orderBy(handoffEvents.handoffId);
    expect(expiredEvents.map((e) => e.handoffId)).toEqual([first.id, third.id]);

    await poison.allow();
    expect((await h.app.sweeper.sweep()).expired).toBe(1);
    expect(await status(second.id)).toBe('expired');
  });

  it('an overlapping sweep working from a stale read changes and sends nothing twice', async () => {
    const h = await start();
    await sendHandoff(h);
    // The packet and the confirmation are in Slack: an expiry then owes their updates.
    await quiet(h);
    const staleRead = await firstHandoff(h);
    if (!staleRead) throw new Error('no handoff');
    h.clock.set(DUE);
    const now = h.clock.now();
    expect((await h.app.sweeper.expireIfDue(staleRead, now)).status).toBe('expired');
    const queued = await outboxRows(h);
    // The second sweep still holds the row as it was before the first committed.
    expect((await h.app.sweeper.expireIfDue(staleRead, now)).status).toBe('sent');
    expect(await outboxRows(h)).toEqual(queued);
    // One change queued: the owner's notice, and a refresh of the messages already sent (the AE's packet, the
    // author's confirmation), which the worker expands into the notice and the two updates, once.
    const changes = queued.filter((r) => r.method === 'handoff.change');
    expect(changes.map((r) => r.payload)).toEqual([
      expect.objectContaining({
        messages: [expect.objectContaining({ dedupeKey: expect.stringContaining(':expired:') })],
        refresh: true,
      }),
    ]);
    await quiet(h);
    const expanded = await outboxRows(h);
    expect(expanded.filter((r) => r.dedupeKey.includes(':expired:'))).toHaveLength(1);
    const updates = expanded.filter((r) => r.method === 'chat.update');
    expect(updates.map((r) => r.targetMessageKey).sort()).toEqual(
      [`handoff:${staleRead.id}:ae_dm`, `handoff:${staleRead.id}:sent:author`].sort(),
    );
  });

  it('settles what is submitted at the deadline by one rule: an accept a moment before wins, one in its second is closed', async () => {
    const h = await start();
    const { handoff, dm } = await sendHandoff(h);
    const before = await sendHandoff(h, { accountName: 'Contoso Freight', accountDomain: 'contoso.com' });
    // The accept is recorded when its modal is submitted: one submitted a second before the deadline wins; the modal
    // opened then and submitted at the deadline is refused inline.
    h.clock.set(new Date(Date.parse(DUE) - 1000));
    const modal = await openAcceptModal(h, { handoffId: handoff.id, user: aeUser, messageTs: dm.ts });
    const early = { handoffId: before.handoff.id, user: aeUser, messageTs: before.dm.ts };
    expect(await acceptHandoff(h, early)).toEqual({});
    h.clock.set(DUE);
    const answer = await submitAccept(h, modal, { user: aeUser });
    expect(answer.response_action).toBe('errors');
    expect(answer.errors?.[ACCEPT_BLOCK_ID.step]).toContain('expired');
    const responseUrl = h.slack.responseUrl();
    await h.interact(
      blockAction({
        actionId: ACTION_ID.accept,
        value: String(handoff.id),
        user: aeUser,
        responseUrl,
        messageTs: dm.ts,
      }),
    );
    expect(await ephemeralAt(h, responseUrl)).toContain('expired');
    expect((await decisions(h)).map((d) => d.handoffId)).toEqual([before.handoff.id]);
    expect((await firstHandoff(h))?.status).toBe('expired');
    // The sweep that follows finds nothing left to do, and leaves the accepted one alone.
    expect((await h.app.sweeper.sweep()).expired).toBe(0);
    expect((await handoffRow(h, before.handoff.id)).status).toBe('accepted');
  });

  it('records the silence before an owner acts on an overdue handoff the sweep has not reached yet', async () => {
    const h = await start({ env: { ESCALATION_CHANNEL_ID: channels.internal.id } });
    const { handoff } = await sendHandoff(h);
    h.clock.set(new Date(Date.parse(DUE) + 60_000));
    await h.interact(
      blockAction({
        actionId: ACTION_ID.extend,
        value: String(handoff.id),
        user: { id: people.author.id, team_id: people.author.team_id },
        triggerId: h.slack.issueTriggerId(),
      }),
    );
    // The click is acknowledged before its work commits: wait for the expiry rather than read once.
    const stored = await waitFor(
      async () => {
        const row = await handoffRow(h as Harness, handoff.id);
        return row.status === 'expired' && row;
      },
      4000,
      'the expiry recorded',
    );
    expect(stored).toMatchObject({ status: 'expired', expiredAt: new Date(Date.parse(DUE) + 60_000) });
    await waitFor(() => h.slack.messages(channels.internal.id).length === 1, 4000, 'escalation');
    const modal = await waitFor(() => h.slack.callsTo('views.open')[0], 4000, 'extend modal');
    expect(JSON.stringify(modal.args.view)).toContain('The new window starts now.');
  });

  it('keeps the reminders still ahead when an open window is extended, and states the longer window', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    h.clock.set('2026-11-23T15:00:00Z');
    const result = await h.interact(
      extendSubmission({
        privateMetadata: JSON.stringify({ handoffId: handoff.id, cycle: 1 }),
        days: '2',
      }),
    );
    expect(result.status).toBe(200);
    const stored = await firstHandoff(h);
    // Same start (Monday 15:00 Berlin), 5 business days: due Monday 30 Nov 15:00; 50% of 40 h = Thursday 11:00.
    expect(stored?.dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    expect(stored?.windowDays).toBe(5);
    expect(stored?.reminderSchedule).toEqual([
      Date.parse('2026-11-26T10:00:00Z'),
      Date.parse('2026-11-30T08:00:00Z'),
    ]);
    // A Withdraw from an old notice (the first window's) is refused: the handoff has moved to another window.
    const responseUrl = h.slack.responseUrl();
    await h.interact(
      blockAction({
        actionId: ACTION_ID.withdraw,
        value: `${handoff.id}:1`,
        user: { id: people.author.id, team_id: people.author.team_id },
        responseUrl,
      }),
    );
    expect(await ephemeralAt(h, responseUrl)).toContain('changed while you were deciding');
    expect((await firstHandoff(h))?.status).toBe('sent');
  });

  it('never escalates into a shared channel: refused at start when the escalation channel is external', async () => {
    const h = await start({ env: { ESCALATION_CHANNEL_ID: channels.partner.id } });
    expect(
      h.logs.some((l) => String(l.msg).includes('ESCALATION_CHANNEL_ID is not confirmed internal')),
    ).toBe(true);
    await sendHandoff(h);
    h.clock.set(DUE);
    expect((await h.app.sweeper.sweep()).expired).toBe(1);
    await waitFor(async () => (await outboxRows(h)).every((r) => r.status !== 'pending'), 4000);
    expect(h.slack.messages(channels.partner.id)).toHaveLength(0);
  });
});
