import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ACTION_ID, OWNER_BLOCK_ID } from '../../src/blocks/ids.js';
import { tablesOf } from '../../src/db/engine.js';
import { acceptHandoff } from '../support/acceptFlow.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import {
  authorUser,
  buttonsOf,
  buttonValues,
  clickOwnerButton,
  clickRefused,
  DUE,
  dmOf,
  ephemeralAt,
  expire,
  extendSubmission,
  handoffRow,
  json,
  metadataFor,
  openOwnerModal,
  otherAeUser,
  outboxDrained,
  QUIET,
  reassignSubmission,
  type SlackUser,
  submit,
  waitForDm,
} from '../support/ownerFlow.js';
import { partnerCalls, threadReplies, topLevel } from '../support/partnerFlow.js';
import { blockAction, declineSubmission, northwind } from '../support/payloads.js';
import { channels, PARTNER_TEAM, people, TEAM } from '../support/people.js';

const OWNER_BUTTONS = [ACTION_ID.reassign, ACTION_ID.extend, ACTION_ID.withdraw];
/** The AE's packet while they may answer: Accept, Decline, and their asks before deciding (issue 51). */
const DECISION_BUTTONS = [ACTION_ID.accept, ACTION_ID.decline, ACTION_ID.askQuestion, ACTION_ID.askMoreTime];
const memberUser = { id: people.member.id, team_id: TEAM };
const partnerUser = { id: people.partner.id, team_id: PARTNER_TEAM };

const partnerPosts = (h: Harness) => h.slack.messages(channels.partner.id);
/** Outbox rows other than ephemeral replies: everything a state change queued. */
const queued = async (h: Harness) =>
  (await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id)).filter(
    (r) => !r.dedupeKey.startsWith('ephemeral:'),
  );
/** Outbox rows meant for the partner (posts, replies, updates of the thread's parent). */
const partnerRows = async (h: Harness) =>
  (await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id)).filter(
    (r) => r.audience === 'partner' || r.channelKey === channels.partner.id,
  );

/** The Withdraw button's "are you sure?" text on a message. */
function withdrawConfirm(message: { blocks?: unknown } | undefined): string {
  const blocks = (message?.blocks ?? []) as {
    type: string;
    elements?: { action_id?: string; confirm?: { text?: { text?: string } } }[];
  }[];
  const button = blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.action_id === ACTION_ID.withdraw);
  return button?.confirm?.text?.text ?? '';
}

const start = harnessPerTest({ env: QUIET });

/** An opened Extend or Reassign modal submitted (by the author unless `user`): Bolt's answer. */
const extendWith = (h: Harness, modal: { private_metadata: string }, days: string, user = authorUser) =>
  submit(h, extendSubmission({ privateMetadata: modal.private_metadata, days, user }));
const reassignWith = (
  h: Harness,
  modal: { private_metadata: string },
  opts: Partial<Parameters<typeof reassignSubmission>[0]> = {},
) =>
  submit(
    h,
    reassignSubmission({ privateMetadata: modal.private_metadata, newAeUserId: people.otherAe.id, ...opts }),
  );
/** Accept clicked by `user` (on the message `messageTs`): the ephemeral they read. */
async function acceptClick(h: Harness, handoffId: number, user: SlackUser, messageTs?: string) {
  const responseUrl = h.slack.responseUrl();
  const channelId = h.slack.dmChannelFor(user.id);
  const click = { actionId: ACTION_ID.accept, value: String(handoffId), user, responseUrl, channelId };
  await h.interact(blockAction({ ...click, ...(messageTs ? { messageTs } : {}) }));
  return ephemeralAt(h, responseUrl);
}

/** The author clicks Withdraw (its value `value`): withdrawn; resolves with their notice of it. */
async function withdrawAs(h: Harness, handoffId: number, value: string | number = handoffId) {
  await clickOwnerButton(h, ACTION_ID.withdraw, value, authorUser);
  expect((await handoffRow(h, handoffId)).status).toBe('withdrawn');
  return waitForDm(h, people.author.id, 'You withdrew handoff', 'the owner notice');
}
/** Nothing reached the partner channel: not a post, not a reply, not an edit, not even a queued row. */
async function partnerHeardNothing(h: Harness) {
  await outboxDrained(h);
  await quiet(h);
  expect(partnerCalls(h)).toEqual([]);
  expect(await partnerRows(h)).toEqual([]);
}

/** Sends the Northwind packet and waits for the author's confirmation too. */
async function sent(h: Harness, values: Parameters<typeof sendHandoff>[1] = {}) {
  const result = await sendHandoff(h, values);
  const confirmation = await waitForDm(
    h,
    people.author.id,
    `Handoff #${result.handoff.id} `,
    'the sent confirmation',
  );
  return { ...result, confirmation };
}

/** Jordan declines (the partner is told it is not taken forward), and the owner gives it to Sam. */
async function declineAndReassign(h: Harness, handoff: { id: number }) {
  expect(
    await submit(h, declineSubmission({ handoffId: handoff.id, reason: 'wrong_owner', user: aeUser })),
  ).toEqual({});
  const modal = await openOwnerModal(h, 'reassign', handoff.id);
  expect(await reassignWith(h, modal)).toEqual({});
}

describe('reassign after expiry', () => {
  it('moves the handoff to a new AE with a new window in their zone, once for a double submit; the old DM says it moved; the partner hears only the acceptance; accepted, no owner action is left', async () => {
    const h = await start();
    const { handoff, aeDm } = await sent(h);
    expect(handoff.dueAt.toISOString()).toBe(DUE);
    // When the AE was asked: the send; an expiry keeps it, a reassignment starts it again.
    expect(handoff.askedAt).toEqual(handoff.sentAt);

    const notice = await expire(h, handoff);
    expect(buttonsOf(notice)).toEqual(OWNER_BUTTONS);
    // Withdraw acts at once, so it also carries the window it was shown for.
    expect(Object.values(buttonValues(notice))).toEqual([
      String(handoff.id),
      String(handoff.id),
      `${handoff.id}:${handoff.cycle}`,
    ]);
    await waitFor(() => json(dmOf(h, people.ae.id)[0]?.blocks).includes('*Expired*'), 4000, 'expired DM');

    const modal = await openOwnerModal(h, 'reassign', handoff.id);
    expect(JSON.parse(modal.private_metadata)).toEqual({ handoffId: handoff.id, cycle: 1 });
    const newAe = modal.blocks.find((b) => b.block_id === OWNER_BLOCK_ID.newAe);
    const days = modal.blocks.find((b) => b.block_id === OWNER_BLOCK_ID.days);
    expect(newAe?.element).toMatchObject({ type: 'users_select', action_id: ACTION_ID.value });
    expect(days?.element).toMatchObject({
      type: 'number_input',
      action_id: ACTION_ID.value,
      initial_value: '3',
    });

    // An invalid reassignment is refused inline on the right field, and changes nothing.
    await outboxDrained(h);
    const expired = await handoffRow(h, handoff.id);
    const queuedBefore = (await queued(h)).length;
    for (const [name, newAeUserId, days, block, says] of [
      ['the same AE', people.ae.id, '3', OWNER_BLOCK_ID.newAe, 'Choose a different account executive'],
      ['a bot', people.bot.id, '3', OWNER_BLOCK_ID.newAe, 'not a bot'],
      ['a partner', people.partner.id, '3', OWNER_BLOCK_ID.newAe, 'not a partner'],
      ['a deactivated person', people.gone.id, '3', OWNER_BLOCK_ID.newAe, 'deactivated'],
      ['the owner', people.author.id, '3', OWNER_BLOCK_ID.newAe, 'owner cannot be the AE'],
      ['nobody Slack knows', 'U0NOBODY', '3', OWNER_BLOCK_ID.newAe, 'could not find'],
      ['0 days', people.otherAe.id, '0', OWNER_BLOCK_ID.days, '1 to 10'],
      ['11 days', people.otherAe.id, '11', OWNER_BLOCK_ID.days, '1 to 10'],
    ] as const) {
      const answer = await reassignWith(h, modal, { newAeUserId, days });
      expect(answer.response_action, name).toBe('errors');
      expect(Object.keys(answer.errors ?? {}), name).toEqual([block]);
      expect(answer.errors?.[block], name).toContain(says);
    }
    expect(await handoffRow(h, handoff.id)).toEqual(expired);
    expect(await queued(h)).toHaveLength(queuedBefore);
    expect(expired.askedAt).toEqual(handoff.sentAt);

    // The same submission twice at once (a double submit): reassigned once, with the window it names.
    const updatesBefore = h.slack.callsTo('chat.update').length;
    const payload = reassignSubmission({
      privateMetadata: modal.private_metadata,
      newAeUserId: people.otherAe.id,
      days: '5',
      viewId: 'V0REASSIGN',
    });
    const responses = await Promise.all([h.interact(payload), h.interact(payload)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect((await Promise.all(responses.map((r) => r.text()))).filter((b) => b === '')).toHaveLength(1);

    // Thursday 26 November is Thanksgiving, a US public holiday for an AE in Los Angeles (skipped by default): the
    // new window starts Friday 09:00 there; Mon, Tue, Wed, Thu, Fri → Fri 09:00 PST.
    const stored = await handoffRow(h, handoff.id);
    expect(stored).toMatchObject({
      status: 'sent',
      aeUserId: people.otherAe.id,
      aeTeamId: TEAM,
      aeName: people.otherAe.real_name,
      aeTimeZone: 'America/Los_Angeles',
      assignment: 2,
      cycle: 2,
      expiredAt: null,
      decidedAt: null,
      windowDays: 5,
    });
    expect(stored.dueAt.toISOString()).toBe('2026-12-04T17:00:00.000Z');
    expect(stored.windowStartedAt?.toISOString()).toBe(DUE);
    expect(stored.askedAt?.toISOString()).toBe(DUE);

    // The new AE gets the packet with Accept / Decline and the new deadline, written in their own zone, with the
    // window they were given (not the packet's).
    const newDm = await waitForDm(h, people.otherAe.id, `Handoff #${handoff.id} `, 'the new AE DM');
    expect(buttonsOf(newDm)).toEqual(DECISION_BUTTONS);
    expect(json(newDm.blocks)).toContain(`<!date^${stored.dueAt.getTime() / 1000}^`);
    expect(json(newDm.blocks)).toContain('Fri 4 Dec 2026, 09:00 PST');
    expect(json(newDm.blocks)).toContain('(5 business days)');
    expect(newDm.text).toContain('Fri 4 Dec, 09:00 PST');

    // The old AE's copy is edited in place: it moved, and nothing is left to click.
    // Its own update, not the next edit of any message (the author's confirmation is brought up to date too).
    await waitFor(
      () => json(h.slack.messages(aeDm)[0]?.blocks).includes('*Reassigned* to'),
      4000,
      'old DM update',
    );
    expect(h.slack.callsTo('chat.update').length).toBeGreaterThan(updatesBefore);
    const oldDm = h.slack.messages(aeDm);
    expect(oldDm).toHaveLength(1);
    expect(oldDm[0]?.edited).toBe(true);
    expect(json(oldDm[0]?.blocks)).toContain(`*Reassigned* to <@${people.otherAe.id}>`);
    expect(buttonsOf(oldDm[0])).toEqual([]);

    // The owner is told who has it now.
    await waitForDm(
      h,
      people.author.id,
      `moved from <@${people.ae.id}> to <@${people.otherAe.id}>`,
      'the owner notice',
    );

    // The partner channel hears nothing of the reassignment: it is routing, and Sam has not accepted.
    await outboxDrained(h);
    await quiet(h);
    expect(partnerPosts(h)).toEqual([]);

    // The old AE's Accept on the old DM is refused; the new AE accepts.
    expect(await acceptClick(h, handoff.id, aeUser, oldDm[0]?.ts)).toContain(`Only <@${people.otherAe.id}>`);
    expect(await h.database.db.select().from(h.tables.decisions)).toHaveLength(0);

    // An Extend modal the owner opens before the accept, submitted after it below.
    const extendModal = await openOwnerModal(h, 'extend', handoff.id);
    // Friday 11:00 in Los Angeles: the decision counts from the reassignment, two business hours.
    h.clock.set('2026-11-27T19:00:00Z');
    expect(
      await acceptHandoff(h, {
        handoffId: handoff.id,
        user: otherAeUser,
        messageTs: newDm.ts,
        channelId: h.slack.dmChannelFor(people.otherAe.id),
      }),
    ).toEqual({});
    expect((await handoffRow(h, handoff.id)).status).toBe('accepted');
    const events = await h.database.db.select().from(h.tables.handoffEvents);
    expect(events.find((e) => e.type === 'accepted')?.businessHours).toBeCloseTo(2, 6);
    expect(await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id)).toEqual([
      expect.objectContaining({ assignment: 2, decision: 'accepted', decidedByUserId: people.otherAe.id }),
    ]);
    // The acceptance starts the partner's thread: its parent, naming the AE who accepted, and its reply.
    const [post, reply] = await waitFor(
      () => partnerPosts(h).length === 2 && partnerPosts(h),
      4000,
      'accepted',
    );
    const postText = `${post?.text} ${json(post?.blocks)}`;
    expect(postText).toContain('our AE: Sam Closer');
    expect(postText).toContain('Dana Reyes (Meridian Cloud Consulting)');
    // Nothing a partner may not see: no internal packet fields, no mentions that would ping people.
    for (const secret of [
      northwind.riskNote,
      northwind.evidenceUrl,
      northwind.whyPartner,
      'reseller',
      'OPP-20417',
    ])
      expect(postText).not.toContain(secret);
    expect(postText).not.toContain('<@');
    expect(postText).not.toContain('Jordan');
    expect(json(reply?.blocks)).toContain('accepted. Sam Closer is taking it forward');
    expect(reply?.thread_ts).toBe(post?.ts);

    // Accepted: the owner may no longer withdraw, extend or reassign it, nor submit the Extend modal opened before.
    const accepted = await handoffRow(h, handoff.id);
    const opened = h.slack.callsTo('views.open').length;
    const late = await extendWith(h, extendModal, '3');
    expect(late.response_action).toBe('errors');
    expect(late.errors?.[OWNER_BLOCK_ID.days]).toContain('accepted');
    expect(late.errors?.[OWNER_BLOCK_ID.days]).toContain('Nothing was changed');
    for (const [action, says] of [
      [ACTION_ID.withdraw, 'is accepted, so it can no longer be withdrawn'],
      [ACTION_ID.extend, 'can no longer be extended'],
      [ACTION_ID.reassign, 'can no longer be reassigned'],
    ] as const)
      expect(await clickRefused(h, action, handoff.id, authorUser)).toContain(says);
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);
    expect(await handoffRow(h, handoff.id)).toEqual(accepted);
    // Accept/Decline give way to the outcome steps.
    await waitFor(
      () => !buttonsOf(dmOf(h, people.otherAe.id).find((m) => m.ts === newDm.ts)).includes(ACTION_ID.accept),
      4000,
      'new DM shows the decision',
    );
    expect(json(dmOf(h, people.otherAe.id)[0]?.blocks)).toContain('*Accepted*');
    // The old AE's copy still says it moved: the decision did not touch it.
    expect(json(h.slack.messages(aeDm)[0]?.blocks)).toContain('*Reassigned*');

    await outboxDrained(h);
    expect(partnerPosts(h)).toHaveLength(2);
    expect(h.slack.messages(aeDm)).toHaveLength(1);
    // The new AE's packet, and no "gave you more time".
    expect(dmOf(h, people.otherAe.id)).toHaveLength(1);

    // A later sweep and a repeated Accept change nothing for the partner (the AE only gets a stalled-deal nudge):
    // the whole story posts exactly the two real events.
    h.clock.set('2026-12-10T12:00:00Z');
    expect(await h.app.sweeper.sweep()).toEqual({ resumed: 0, expired: 0, reminded: 0, nudged: 1 });
    expect(await acceptClick(h, handoff.id, otherAeUser)).toContain('already accepted');
    await outboxDrained(h);
    await quiet(h);
    expect(partnerPosts(h).map((p) => p.text)).toEqual([
      'Northwind Logistics: Accepted',
      expect.stringContaining('accepted. Sam Closer'),
    ]);
    expect(await h.database.db.select().from(h.tables.handoffs)).toHaveLength(1);
  });

  it('reassigns a declined handoff: the decline stays on record, the new AE can decide again', async () => {
    const h = await start();
    const { handoff, aeDm } = await sent(h);
    const opened = await openOwnerModal(h, 'reassign', handoff.id);
    await h.interact(declineSubmission({ handoffId: handoff.id, reason: 'wrong_owner', user: aeUser }));
    // A Reassign modal opened before the decline is refused, so the owner sees the reason first.
    const stale = await reassignWith(h, opened);
    expect(stale.errors?.[OWNER_BLOCK_ID.newAe]).toContain('changed while you were deciding');
    expect(await handoffRow(h, handoff.id)).toMatchObject({ status: 'declined', aeUserId: people.ae.id });
    // The thread's parent and the decline's reply, naming nobody.
    await waitFor(() => partnerPosts(h).length === 2, 4000, 'declined post');
    expect(json(partnerPosts(h))).not.toContain('Jordan');
    // Only Reassign makes sense after a decline.
    expect(await clickRefused(h, ACTION_ID.extend, handoff.id, authorUser)).toContain(
      'can no longer be extended',
    );

    const modal = await openOwnerModal(h, 'reassign', handoff.id);
    expect(await reassignWith(h, modal)).toEqual({});
    expect(await handoffRow(h, handoff.id)).toMatchObject({ status: 'sent', assignment: 2, decidedAt: null });
    await waitForDm(h, people.otherAe.id, `Handoff #${handoff.id} `, 'the new AE DM');
    await waitFor(() => json(h.slack.messages(aeDm)[0]?.blocks).includes('*Reassigned*'), 4000, 'moved');
    // The reassignment is routing: nothing posted, the parent still says it was not taken forward, naming nobody.
    await outboxDrained(h);
    await quiet(h);
    expect(partnerPosts(h)).toHaveLength(2);
    expect(partnerPosts(h)[0]?.text).toBe('Northwind Logistics: Not taken forward');
    expect(json(partnerPosts(h))).not.toContain('Sam Closer');
    expect(buttonsOf(h.slack.messages(aeDm)[0])).toEqual([]);

    await h.interact(declineSubmission({ handoffId: handoff.id, reason: 'timing', user: otherAeUser }));
    const recorded = await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id);
    expect(recorded.map((d) => [d.assignment, d.decidedByUserId])).toEqual([
      [1, people.ae.id],
      [2, people.otherAe.id],
    ]);
    // The second decline is routing too: the partner already knows it was not taken forward.
    await waitForDm(h, people.author.id, `<@${people.otherAe.id}> *declined*`, 'the second decline notice');
    await outboxDrained(h);
    await quiet(h);
    expect(partnerPosts(h)).toHaveLength(2);
    expect(json(partnerPosts(h))).not.toContain('Sam Closer');
  });
});

describe('extend', () => {
  it('after expiry: back to waiting, N business days from now, buttons back; AE and owner told; the partner hears nothing', async () => {
    const h = await start();
    const { handoff, aeDm } = await sent(h);
    await expire(h, handoff);
    await waitFor(() => buttonsOf(h.slack.messages(aeDm)[0]).length === 0, 4000, 'expired DM');

    // Friday 11:00 Berlin, the day after the deadline: two business days → Tuesday 11:00 Berlin.
    h.clock.set('2026-11-27T10:00:00Z');
    const modal = await openOwnerModal(h, 'extend', handoff.id);
    expect(json(modal.blocks)).toContain('The new window starts now.');
    expect(modal.blocks.find((b) => b.block_id === OWNER_BLOCK_ID.days)?.element).toMatchObject({
      type: 'number_input',
      initial_value: '2',
    });
    expect(await extendWith(h, modal, '2')).toEqual({});

    const stored = await handoffRow(h, handoff.id);
    expect(stored).toMatchObject({
      status: 'sent',
      cycle: 2,
      assignment: 1,
      aeUserId: people.ae.id,
      expiredAt: null,
    });
    expect(stored.askedAt).toEqual(handoff.sentAt);
    expect(stored.dueAt.toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(stored.nextReminderAt).not.toBeNull();

    // The AE's copy shows Accept / Decline again with the new deadline, and the AE gets a note.
    await waitFor(
      () => json(h.slack.messages(aeDm)[0]?.blocks).includes(`<!date^${stored.dueAt.getTime() / 1000}^`),
      4000,
      'DM with the new deadline',
    );
    expect(buttonsOf(h.slack.messages(aeDm)[0])).toEqual(DECISION_BUTTONS);
    const aeNote = await waitForDm(h, people.ae.id, 'gave you more time', 'the AE note');
    expect(json(aeNote.blocks)).toContain(`<@${people.author.id}>`);
    await waitForDm(h, people.author.id, `<@${people.ae.id}> now has until`, 'the owner note');

    // The new window runs: the sweep leaves it alone until the new deadline, then it can expire again.
    h.clock.set('2026-12-01T09:59:59Z');
    expect((await h.app.sweeper.sweep()).expired).toBe(0);

    await outboxDrained(h);
    await quiet(h);
    expect(partnerPosts(h)).toHaveLength(0);
    expect(h.slack.messages(aeDm).filter((m) => json(m.blocks).includes('Handoff #'))).toHaveLength(1);

    // And the AE can now answer.
    expect(await acceptHandoff(h, { handoffId: handoff.id, user: aeUser })).toEqual({});
    expect((await handoffRow(h, handoff.id)).status).toBe('accepted');
    await waitFor(() => partnerPosts(h).length === 2, 4000, 'accepted post and its reply');
  });

  it('while open: the days are added to the current deadline, not to now', async () => {
    const h = await start();
    const { handoff, aeDm, confirmation } = await sent(h);
    // The author owns it, so the sent confirmation carries Edit and the owner buttons.
    expect(buttonsOf(confirmation)).toEqual([ACTION_ID.edit, ...OWNER_BUTTONS]);

    // Tuesday 10:00 Berlin; the deadline is Thursday 15:00 Berlin. +2 business days → Monday 15:00 Berlin.
    h.clock.set('2026-11-24T09:00:00Z');
    const modal = await openOwnerModal(h, 'extend', handoff.id);
    expect(json(modal.blocks)).toContain('The days are added to the current deadline.');
    // 0 or 11 days: refused inline on the days field, nothing changed.
    const before = await handoffRow(h, handoff.id);
    for (const days of ['0', '11'])
      expect(await extendWith(h, modal, days)).toEqual({
        response_action: 'errors',
        errors: { [OWNER_BLOCK_ID.days]: 'Use 1 to 10 business days.' },
      });
    expect(await handoffRow(h, handoff.id)).toEqual(before);
    expect(await extendWith(h, modal, '2')).toEqual({});
    const stored = await handoffRow(h, handoff.id);
    expect(stored).toMatchObject({ status: 'sent', cycle: 2 });
    expect(stored.dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');

    await waitFor(
      () => json(h.slack.messages(aeDm)[0]?.blocks).includes(`<!date^${stored.dueAt.getTime() / 1000}^`),
      4000,
      'DM with the new deadline',
    );
    expect(buttonsOf(h.slack.messages(aeDm)[0])).toEqual(DECISION_BUTTONS);
    await waitForDm(h, people.ae.id, 'gave you more time', 'the AE note');
    await waitForDm(h, people.author.id, 'now has until', 'the owner note');

    // The old deadline passes without an expiry.
    h.clock.set(DUE);
    expect((await h.app.sweeper.sweep()).expired).toBe(0);
    expect((await handoffRow(h, handoff.id)).status).toBe('sent');
    h.clock.set('2026-11-30T14:00:00Z');
    expect((await h.app.sweeper.sweep()).expired).toBe(1);

    await outboxDrained(h);
    expect(partnerPosts(h)).toHaveLength(0);
  });

  it('refuses the second of two Extend modals opened on the same window (cycle check)', async () => {
    const h = await start();
    const { handoff } = await sent(h);
    const first = await openOwnerModal(h, 'extend', handoff.id);
    const second = await openOwnerModal(h, 'extend', handoff.id);
    expect(await extendWith(h, first, '2')).toEqual({});
    const extended = await handoffRow(h, handoff.id);
    expect(extended).toMatchObject({ status: 'sent', cycle: 2 });

    const answer = await extendWith(h, second, '2');
    expect(answer.errors?.[OWNER_BLOCK_ID.days]).toContain('changed while you were deciding');
    expect(await handoffRow(h, handoff.id)).toEqual(extended);

    // A reassign modal opened before the extension is stale too.
    const stale = await reassignWith(h, first);
    expect(stale.errors?.[OWNER_BLOCK_ID.newAe]).toContain('changed while you were deciding');
    expect(await handoffRow(h, handoff.id)).toEqual(extended);
    await outboxDrained(h);
    expect(dmOf(h, people.ae.id).filter((m) => json(m.blocks).includes('gave you more time'))).toHaveLength(
      1,
    );
    expect(dmOf(h, people.otherAe.id)).toHaveLength(0);
  });
});

describe('withdraw', () => {
  it('while open: buttons gone and withdrawn shown on the AE DM, the partner (who heard nothing yet) told nothing, a later Accept refused', async () => {
    const h = await start();
    const { handoff, aeDm, dm, confirmation } = await sent(h);
    expect(buttonValues(confirmation)[ACTION_ID.withdraw]).toBe(`${handoff.id}:1`);
    // Slack asks "are you sure?" before the click reaches the app, and says the partner channel will not be told.
    expect(withdrawConfirm(confirmation)).toContain('Nothing is posted in the partner channel');
    expect(withdrawConfirm(confirmation)).not.toContain('told it is closed');

    // A Reassign modal opened before the withdrawal, submitted after it below.
    const reassignModal = await openOwnerModal(h, 'reassign', handoff.id);
    h.clock.set('2026-11-24T12:00:00Z');
    const { responseUrl } = await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, authorUser);
    expect(h.slack.callsTo('views.open')).toHaveLength(1);
    const stored = await handoffRow(h, handoff.id);
    expect(stored).toMatchObject({ status: 'withdrawn', nextReminderAt: null });
    expect(stored.withdrawnAt?.toISOString()).toBe('2026-11-24T12:00:00.000Z');

    await waitFor(() => json(h.slack.messages(aeDm)[0]?.blocks).includes('*Withdrawn*'), 4000, 'DM update');
    expect(h.slack.messages(aeDm)).toHaveLength(1);
    expect(buttonsOf(h.slack.messages(aeDm)[0])).toEqual([]);
    const notice = await waitForDm(h, people.author.id, 'You withdrew handoff', 'the owner notice');
    expect(json(notice.blocks)).toContain(
      `Nothing is posted in <#${channels.partner.id}>: nothing about this handoff had been posted there yet.`,
    );
    expect(json(notice.blocks)).not.toContain('is being told');

    expect(await acceptClick(h, handoff.id, aeUser, dm.ts)).toContain(
      `already withdrawn by its owner <@${people.author.id}>`,
    );
    expect(await h.database.db.select().from(h.tables.decisions)).toHaveLength(0);
    const late = await reassignWith(h, reassignModal);
    expect(late.errors?.[OWNER_BLOCK_ID.newAe]).toContain('can no longer be reassigned');
    expect(await handoffRow(h, handoff.id)).toMatchObject({ status: 'withdrawn', aeUserId: people.ae.id });
    expect(dmOf(h, people.otherAe.id)).toHaveLength(0);

    // Nothing is left to expire, and no one else hears more about it.
    h.clock.set(DUE);
    expect(await h.app.sweeper.sweep()).toEqual({ resumed: 0, expired: 0, reminded: 0, nudged: 0 });
    // Nothing about the handoff had reached the partner channel: its withdrawal is no news there either.
    await partnerHeardNothing(h);
    expect(partnerPosts(h)).toEqual([]);
    // The withdrawal itself needs no ephemeral: the owner's DM says it happened.
    expect(h.slack.responses.filter((r) => r.url === responseUrl)).toHaveLength(0);
  });

  it('after an expiry, from the expiry notice (silence is not news either): nothing reaches the partner channel', async () => {
    const h = await start();
    const { handoff, aeDm } = await sent(h);
    const notice = await expire(h, handoff);
    expect(buttonValues(notice)[ACTION_ID.withdraw]).toBe(`${handoff.id}:1`);
    expect(withdrawConfirm(notice)).toContain('Nothing is posted in the partner channel');
    await withdrawAs(h, handoff.id, `${handoff.id}:${handoff.cycle}`);
    await waitFor(() => json(h.slack.messages(aeDm)[0]?.blocks).includes('*Withdrawn*'), 4000, 'DM update');
    await partnerHeardNothing(h);
  });

  it('after a reassignment (routing, never posted): nothing reaches the partner channel', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    await expire(h, handoff);
    const modal = await openOwnerModal(h, 'reassign', handoff.id);
    expect(await reassignWith(h, modal)).toEqual({});
    await partnerHeardNothing(h);
    const reassigned = await waitForDm(h, people.author.id, 'moved from', 'the reassignment notice');
    // The dialog cannot know from the handoff alone whether an earlier AE declined it: it says both cases.
    expect(withdrawConfirm(reassigned)).toContain('otherwise nothing is posted there');
    const notice = await withdrawAs(h, handoff.id);
    expect(json(notice.blocks)).toContain('nothing about this handoff had been posted there yet');
    await partnerHeardNothing(h);
  });

  it('with no partner channel: the owner is told to tell the partner themselves if they know of it', async () => {
    const h = await start();
    const { handoff, confirmation } = await sent(h, { partnerChannelId: null });
    expect(withdrawConfirm(confirmation)).toContain('There is no partner channel');
    const notice = await withdrawAs(h, handoff.id, `${handoff.id}:${handoff.cycle}`);
    expect(json(notice.blocks)).toContain(
      'There is no partner channel: if the partner knows of it, tell them yourself.',
    );
    await partnerHeardNothing(h);
  });

  it('after a decline was posted and the owner moved it on: the withdrawal, clicked twice and retried by Slack, replies in the thread once and the parent says closed', async () => {
    const h = await start();
    const { handoff, aeDm } = await sendHandoff(h);
    await declineAndReassign(h, handoff);
    await outboxDrained(h);
    await quiet(h);
    // The decline's parent and reply; nothing of the reassignment.
    expect(topLevel(h).map((m) => m.text)).toEqual(['Northwind Logistics: Not taken forward']);
    expect(threadReplies(h)).toHaveLength(1);
    const reassigned = await waitForDm(h, people.author.id, 'moved from', 'the reassignment notice');
    expect(withdrawConfirm(reassigned)).toContain('it is told it is closed for now');

    const updatesBefore = h.slack.callsTo('chat.update').length;
    const urls = [h.slack.responseUrl(), h.slack.responseUrl()];
    const clicks = urls.map((responseUrl) =>
      blockAction({
        actionId: ACTION_ID.withdraw,
        value: String(handoff.id),
        user: authorUser,
        responseUrl,
        channelId: h.slack.dmChannelFor(people.author.id),
      }),
    );
    const responses = await Promise.all(clicks.map((click) => h.interact(click)));
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const retry = await h.interact(clicks[0], {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    expect((await handoffRow(h, handoff.id)).status).toBe('withdrawn');
    const notice = await waitForDm(h, people.author.id, 'You withdrew handoff', 'the owner notice');
    expect(json(notice.blocks)).toContain(`<#${channels.partner.id}> is being told it is closed for now.`);

    await waitFor(() => threadReplies(h).length === 2, 4000, 'the withdrawal reply');
    await outboxDrained(h);
    await quiet(h);
    expect(topLevel(h)).toHaveLength(1);
    expect(threadReplies(h)).toHaveLength(2);
    expect(threadReplies(h)[1]?.thread_ts).toBe(topLevel(h)[0]?.ts);
    expect(threadReplies(h)[1]?.text).toContain('we have closed this handoff for now');
    expect(topLevel(h)[0]?.text).toBe('Northwind Logistics: Closed for now');
    // Each message already sent is brought up to date at most once.
    const edited = h.slack
      .callsTo('chat.update')
      .slice(updatesBefore)
      .map((c) => `${c.args.channel}/${c.args.ts}`);
    expect(edited.length).toBeGreaterThan(0);
    expect(new Set(edited).size).toBe(edited.length);
    expect(h.slack.messages(aeDm)).toHaveLength(1);
    expect(
      dmOf(h, people.author.id).filter((m) => json(m.blocks).includes('You withdrew handoff')),
    ).toHaveLength(1);
    // The owner's notice and the partner reply.
    expect((await queued(h)).filter((r) => r.dedupeKey.includes('withdrawn'))).toHaveLength(2);
    // The losing click and the retry are each told it is already done.
    const replies = await waitFor(
      () => {
        const texts = h.slack.responses.filter((r) => urls.includes(r.url)).map((r) => String(r.body.text));
        return texts.length === 2 && texts;
      },
      4000,
      'two ephemerals',
    );
    for (const text of replies) expect(text).toMatch(/is already withdrawn|changed while you were deciding/);
  });

  it('after a decline still queued (the app out of the channel): the withdrawal waits behind it, then all go once', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    // The app is removed from the shared channel: the decline's post waits there, not yet seen.
    h.slack.addChannel({ ...channels.partner, members: [] });
    await declineAndReassign(h, handoff);
    await waitFor(
      async () =>
        (await partnerRows(h)).some((r) => r.status === 'pending' && r.lastError === 'not_in_channel'),
      4000,
      'the waiting decline post',
    );
    expect(partnerPosts(h)).toEqual([]);

    // Queued to be posted counts as heard: the withdrawal is queued as a reply in the same thread.
    const notice = await withdrawAs(h, handoff.id);
    expect(json(notice.blocks)).toContain('is being told it is closed for now');
    expect((await partnerRows(h)).map((r) => r.dedupeKey)).toEqual([
      `handoff:${handoff.id}:decided:partner_parent`,
      `handoff:${handoff.id}:decided:partner`,
      `handoff:${handoff.id}:a2:withdrawn:partner`,
    ]);

    // Invited again: the parent, showing the handoff as it is now, then the decline and the withdrawal in its thread.
    h.slack.addChannel({ ...channels.partner, members: [h.slack.botUserId] });
    h.clock.advance(2 * 60 * 60_000);
    await waitFor(() => partnerPosts(h).length === 3, 8000, 'the partner posts');
    await outboxDrained(h);
    await quiet(h);
    expect(topLevel(h).map((m) => m.text)).toEqual(['Northwind Logistics: Closed for now']);
    expect(threadReplies(h).map((m) => m.thread_ts)).toEqual([topLevel(h)[0]?.ts, topLevel(h)[0]?.ts]);
    expect(threadReplies(h)[0]?.text).toContain('not taken forward for now');
    expect(threadReplies(h)[1]?.text).toContain('we have closed this handoff for now');
  });
});

describe('only the owner or an admin may reassign, extend or withdraw', () => {
  it('refuses anyone else politely on an expired handoff, opens no modal, changes nothing', async () => {
    const h = await start();
    const { handoff } = await sent(h);
    await expire(h, handoff);
    await outboxDrained(h);
    const before = await handoffRow(h, handoff.id);
    const queuedBefore = (await queued(h)).length;
    const updatesBefore = h.slack.callsTo('chat.update').length;
    const notOwner = `Only the owner of handoff #${handoff.id}, <@${people.author.id}>`;
    for (const [user, says] of [
      [memberUser, notOwner],
      [aeUser, notOwner],
      [partnerUser, 'for the internal team'],
      // The owner's id from another workspace.
      [{ id: people.author.id, team_id: PARTNER_TEAM }, 'for the internal team'],
    ] as const) {
      for (const action of OWNER_BUTTONS) {
        const text = await clickRefused(h, action, handoff.id, user);
        expect(text, `${user.id} ${user.team_id} ${action}`).toContain(says);
        expect(text).toContain('Nothing was changed');
      }
    }
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    expect(await handoffRow(h, handoff.id)).toEqual(before);
    expect(await queued(h)).toHaveLength(queuedBefore);
    await quiet(h);
    expect(h.slack.callsTo('chat.update')).toHaveLength(updatesBefore);
    expect(partnerPosts(h)).toHaveLength(0);
  });

  // Who may submit the Reassign and Extend modals, and the words each reads: the authorization matrix.
  it('refuses a forged submission naming a handoff that does not exist, or garbage', async () => {
    const h = await start();
    const { handoff } = await sent(h);
    const before = await handoffRow(h, handoff.id);
    const unknown = await submit(
      h,
      extendSubmission({ privateMetadata: JSON.stringify({ handoffId: 999, cycle: 1 }) }),
    );
    expect(unknown.errors?.[OWNER_BLOCK_ID.days]).toContain('could not find that handoff');
    const garbage = await submit(h, extendSubmission({ privateMetadata: 'not json' }));
    expect(garbage.errors?.[OWNER_BLOCK_ID.days]).toContain('could not find that handoff');
    for (const forgedId of ['999', '1; drop table handoffs']) {
      expect(await clickRefused(h, ACTION_ID.withdraw, forgedId, authorUser)).toContain(
        'could not find that handoff',
      );
    }
    expect(await handoffRow(h, handoff.id)).toEqual(before);
    await quiet(h);
    expect(partnerPosts(h)).toHaveLength(0);
  });

  // An id from a partner workspace is refused whatever its roles here: the refusals above, and the matrix.
  it('lets a configured admin reassign, extend and withdraw', async () => {
    const h = await start({ env: { ADMIN_USER_IDS: people.member.id } });
    const { handoff } = await sent(h);
    const extendModal = await openOwnerModal(h, 'extend', handoff.id, memberUser);
    expect(await extendWith(h, extendModal, '1', memberUser)).toEqual({});
    expect(await handoffRow(h, handoff.id)).toMatchObject({ status: 'sent', cycle: 2 });

    const reassignModal = await openOwnerModal(h, 'reassign', handoff.id, memberUser);
    expect(JSON.parse(reassignModal.private_metadata)).toEqual({ handoffId: handoff.id, cycle: 2 });
    expect(await reassignWith(h, reassignModal, { user: memberUser })).toEqual({});
    expect(await handoffRow(h, handoff.id)).toMatchObject({ aeUserId: people.otherAe.id, cycle: 3 });

    await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, memberUser);
    expect((await handoffRow(h, handoff.id)).status).toBe('withdrawn');

    // The owner (not the admin) hears of each change, and who withdrew it. The partner hears of none: an extension
    // and a reassignment are routing, and the withdrawal of a deal they never heard of is not news to them.
    await waitForDm(h, people.author.id, `<@${people.member.id}> withdrew handoff`, 'the owner notice');
    await partnerHeardNothing(h);
  });

  it('with a separate owner: the owner gets the buttons, the author who handed ownership over is refused', async () => {
    const h = await start();
    const { handoff, confirmation } = await sent(h, { ownerUserId: people.owner.id });
    // The author may still edit the packet, but owns nothing: no owner buttons.
    expect(buttonsOf(confirmation)).toEqual([ACTION_ID.edit]);
    const ownerNotice = await waitForDm(h, people.owner.id, 'made you the owner', 'the owner notice');
    expect(buttonsOf(ownerNotice)).toEqual(OWNER_BUTTONS);

    expect(await clickRefused(h, ACTION_ID.withdraw, handoff.id, authorUser)).toContain(
      `Only the owner of handoff #${handoff.id}, <@${people.owner.id}>`,
    );
    expect((await handoffRow(h, handoff.id)).status).toBe('sent');

    await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, { id: people.owner.id, team_id: TEAM });
    expect((await handoffRow(h, handoff.id)).status).toBe('withdrawn');
    // Owner and author both hear of it: the owner that they did it, the author who did.
    await waitForDm(h, people.owner.id, 'You withdrew handoff', 'owner told');
    await waitForDm(h, people.author.id, `<@${people.owner.id}> withdrew handoff`, 'author told');
  });
});

describe('details the owner and the AE rely on', () => {
  it('will not reassign to the author; the owner is offered Reassign right on the decline notice', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h, { ownerUserId: people.owner.id });
    // As the packet form would not send to the author, the owner may not reassign to them.
    const toAuthor = await submit(
      h,
      reassignSubmission({
        privateMetadata: metadataFor(handoff),
        newAeUserId: people.author.id,
        user: { id: people.owner.id, team_id: TEAM },
      }),
    );
    expect(toAuthor.errors?.[OWNER_BLOCK_ID.newAe]).toBe(
      'The author of the handoff cannot be its AE; choose someone else.',
    );
    await h.interact(declineSubmission({ handoffId: handoff.id, reason: 'wrong_owner', user: aeUser }));
    const ownerNotice = await waitForDm(h, people.owner.id, '*declined* handoff', 'decline notice');
    expect(buttonsOf(ownerNotice)).toEqual([ACTION_ID.reassign]);
    const authorNotice = await waitForDm(h, people.author.id, '*declined* handoff', 'author copy');
    expect(buttonsOf(authorNotice)).toEqual([]);
    // The owner's earlier notice says where the handoff stands now, without buttons of its own.
    await quiet(h);
    const [assigned] = dmOf(h, people.owner.id);
    expect(json(assigned?.blocks)).toContain('*Now:* declined by');
    expect(buttonsOf(assigned)).toEqual([]);
  });

  it('an owner from another workspace of the same organization can act', async () => {
    const h = await start({ env: { INTERNAL_TEAM_IDS: 'T0SISTER' } });
    h.slack.addUser({
      id: 'U0SISTER',
      team_id: 'T0SISTER',
      name: 'sis',
      real_name: 'Sis Ter',
      tz: 'Europe/Paris',
    });
    const { handoff } = await sendHandoff(h, { ownerUserId: 'U0SISTER' });
    const result = await submit(
      h,
      extendSubmission({
        privateMetadata: metadataFor(handoff),
        user: { id: 'U0SISTER', team_id: 'T0SISTER' },
      }),
    );
    expect(result).toEqual({});
    expect((await handoffRow(h, handoff.id)).cycle).toBe(2);
  });
});

/**
 * When the AE was asked, kept on the handoff: set by the send and by a reassignment, kept by an expiry and an
 * extension; the time to decision counts from it. A handoff sent before it was kept (null) reads it from the touch log.
 */
const HOUR = 3_600_000;

async function acceptedHours(h: Harness, handoffId: number, user: SlackUser): Promise<number | null> {
  expect(await acceptHandoff(h, { handoffId, user })).toEqual({});
  const { handoffEvents } = h.tables;
  const events = await h.database.db
    .select()
    .from(handoffEvents)
    .where(eq(handoffEvents.handoffId, handoffId));
  return events.find((e) => e.type === 'accepted')?.businessHours ?? null;
}

// When the AE was asked, and the decision's time counted from it: the reassignment and extension tests above.
describe('asked_at: when the current AE was asked', () => {
  it('a handoff sent before it was kept reads it from the touch log', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    // Sent Monday 15:00 in Berlin, inside business hours; answered an hour later.
    const answeredAt = new Date(handoff.sentAt.getTime() + HOUR);
    // As stored before the column: no asked_at. Its sent_at is moved to the answer's time, so that only the touch
    // log's send (an hour earlier) can give the hour below; falling back to sent_at would give 0.
    await h.database.db.transaction(
      async (tx) =>
        await tx
          .update(tablesOf(tx).handoffs)
          .set({ askedAt: null, sentAt: answeredAt })
          .where(eq(tablesOf(tx).handoffs.id, handoff.id)),
    );
    h.clock.set(answeredAt);
    expect(await acceptedHours(h, handoff.id, aeUser)).toBeCloseTo(1, 6);
  });
});
