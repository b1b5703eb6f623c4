import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, waitFor } from '../support/harness.js';
import {
  authorUser,
  clickOwnerButton,
  expire,
  handoffRow,
  json,
  openOwnerModal,
  outboxDrained,
  QUIET,
  reassignSubmission,
  submit,
  waitForDm,
} from '../support/ownerFlow.js';
import { partnerCalls, partnerMessages, threadReplies, topLevel } from '../support/partnerFlow.js';
import { declineSubmission } from '../support/payloads.js';
import { channels, people } from '../support/people.js';

/**
 * Issue 20, item 3: the partner channel hears of a withdrawal only if it heard of the handoff, that is when something
 * about it was already posted there or is queued to be (its thread's parent). A handoff withdrawn before that was
 * never news to the partner, and neither is its end: nothing is posted, and the owner's notice says so.
 */

const app = harnessPerTest({ env: QUIET });
const start = (env: Record<string, string> = {}) => app({ env });

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

/** Expires the handoff and reassigns it to Sam from the expiry notice: routing, which the partner never hears. */
async function expireAndReassign(h: Harness, handoff: Parameters<typeof expire>[1]) {
  await expire(h, handoff);
  await reassignToSam(h, handoff);
}

/** Jordan declines (the partner is told it is not taken forward), and the owner gives it to Sam. */
async function declineAndReassign(h: Harness, handoff: Parameters<typeof expire>[1]) {
  expect(
    await submit(h, declineSubmission({ handoffId: handoff.id, reason: 'wrong_owner', user: aeUser })),
  ).toEqual({});
  await reassignToSam(h, handoff);
}

async function reassignToSam(h: Harness, handoff: Parameters<typeof expire>[1]) {
  const modal = await openOwnerModal(h, 'reassign', handoff.id);
  expect(
    await submit(
      h,
      reassignSubmission({ privateMetadata: modal.private_metadata, newAeUserId: people.otherAe.id }),
    ),
  ).toEqual({});
}

describe('a withdrawal before the partner heard anything', () => {
  it('while open: nothing reaches the partner channel, and the owner is told nothing was posted', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    const confirmation = await waitForDm(h, people.author.id, `Handoff #${handoff.id} `, 'the confirmation');
    // Slack's confirm dialog already says the partner channel will not be told.
    expect(withdrawConfirm(confirmation)).toContain('Nothing is posted in the partner channel');
    expect(withdrawConfirm(confirmation)).not.toContain('told it is closed');

    await clickOwnerButton(h, ACTION_ID.withdraw, `${handoff.id}:${handoff.cycle}`, authorUser);
    expect((await handoffRow(h, handoff.id)).status).toBe('withdrawn');
    const notice = await waitForDm(h, people.author.id, 'You withdrew handoff', 'the owner notice');
    expect(json(notice.blocks)).toContain(
      `Nothing is posted in <#${channels.partner.id}>: nothing about this handoff had been posted there yet.`,
    );
    expect(json(notice.blocks)).not.toContain('is being told');

    await outboxDrained(h);
    await quiet(h);
    // Not a post, not a reply, not an edit, not even a queued row.
    expect(partnerCalls(h)).toEqual([]);
    expect(partnerMessages(h)).toEqual([]);
    expect(await partnerRows(h)).toEqual([]);
  });

  it('after an expiry (silence is not news either): nothing reaches the partner channel', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    const expiryNotice = await expire(h, handoff);
    expect(withdrawConfirm(expiryNotice)).toContain('Nothing is posted in the partner channel');
    await clickOwnerButton(h, ACTION_ID.withdraw, `${handoff.id}:${handoff.cycle}`, authorUser);
    expect((await handoffRow(h, handoff.id)).status).toBe('withdrawn');
    await waitForDm(h, people.author.id, 'You withdrew handoff', 'the owner notice');
    await outboxDrained(h);
    await quiet(h);
    expect(partnerCalls(h)).toEqual([]);
    expect(await partnerRows(h)).toEqual([]);
  });

  it('after a reassignment (routing, never posted): nothing reaches the partner channel', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    await expireAndReassign(h, handoff);
    await outboxDrained(h);
    await quiet(h);
    expect(partnerCalls(h)).toEqual([]);
    const reassigned = await waitForDm(h, people.author.id, 'moved from', 'the reassignment notice');
    // The dialog cannot know from the handoff alone whether an earlier AE declined it: it says both cases.
    expect(withdrawConfirm(reassigned)).toContain('otherwise nothing is posted there');
    await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, authorUser);
    expect((await handoffRow(h, handoff.id)).status).toBe('withdrawn');
    const notice = await waitForDm(h, people.author.id, 'You withdrew handoff', 'the owner notice');
    expect(json(notice.blocks)).toContain('nothing about this handoff had been posted there yet');
    await outboxDrained(h);
    await quiet(h);
    expect(partnerCalls(h)).toEqual([]);
    expect(await partnerRows(h)).toEqual([]);
  });

  it('with no partner channel: the owner is told to tell the partner themselves if they know of it', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h, { partnerChannelId: null });
    const confirmation = await waitForDm(h, people.author.id, `Handoff #${handoff.id} `, 'the confirmation');
    expect(withdrawConfirm(confirmation)).toContain('There is no partner channel');
    await clickOwnerButton(h, ACTION_ID.withdraw, `${handoff.id}:${handoff.cycle}`, authorUser);
    const notice = await waitForDm(h, people.author.id, 'You withdrew handoff', 'the owner notice');
    expect(json(notice.blocks)).toContain(
      'There is no partner channel: if the partner knows of it, tell them yourself.',
    );
    await quiet(h);
    expect(partnerCalls(h)).toEqual([]);
  });
});

describe('a withdrawal after the partner heard of the handoff', () => {
  it('after a decline was posted (and the owner moved it on): the withdrawal replies in the thread once, and the parent says closed', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    await declineAndReassign(h, handoff);
    await outboxDrained(h);
    await quiet(h);
    // The decline's parent and reply; nothing of the reassignment.
    expect(topLevel(h).map((m) => m.text)).toEqual(['Northwind Logistics: Not taken forward']);
    expect(threadReplies(h)).toHaveLength(1);

    const reassigned = await waitForDm(h, people.author.id, 'moved from', 'the reassignment notice');
    expect(withdrawConfirm(reassigned)).toContain('it is told it is closed for now');
    await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, authorUser);
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
    expect(partnerMessages(h)).toEqual([]);

    // Queued to be posted counts as heard: the withdrawal is queued as a reply in the same thread.
    await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, authorUser);
    expect((await handoffRow(h, handoff.id)).status).toBe('withdrawn');
    const notice = await waitForDm(h, people.author.id, 'You withdrew handoff', 'the owner notice');
    expect(json(notice.blocks)).toContain('is being told it is closed for now');
    expect((await partnerRows(h)).map((r) => r.dedupeKey)).toEqual([
      `handoff:${handoff.id}:decided:partner_parent`,
      `handoff:${handoff.id}:decided:partner`,
      `handoff:${handoff.id}:a2:withdrawn:partner`,
    ]);

    // Invited again: the parent, showing the handoff as it is now, then the decline and the withdrawal in its thread.
    h.slack.addChannel({ ...channels.partner, members: [h.slack.botUserId] });
    h.clock.advance(2 * 60 * 60_000);
    await waitFor(() => partnerMessages(h).length === 3, 8000, 'the partner posts');
    await outboxDrained(h);
    await quiet(h);
    expect(topLevel(h).map((m) => m.text)).toEqual(['Northwind Logistics: Closed for now']);
    expect(threadReplies(h).map((m) => m.thread_ts)).toEqual([topLevel(h)[0]?.ts, topLevel(h)[0]?.ts]);
    expect(threadReplies(h)[0]?.text).toContain('not taken forward for now');
    expect(threadReplies(h)[1]?.text).toContain('we have closed this handoff for now');
  });
});
