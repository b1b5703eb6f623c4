import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, PACKET_BLOCK_ID } from '../../src/blocks/ids.js';
import { openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { submitAndSend } from '../support/flow.js';
import { type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import { channels, people, TEAM } from '../support/people.js';

describe('the accept path, end to end', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  it('stores a valid packet, DMs the AE with Accept/Decline, confirms to the author; Accept closes the loop', async () => {
    const { review, answer } = await submitAndSend(h);
    expect(JSON.stringify(review.blocks)).toContain('18/18 · Ready to hand off');
    expect(answer).toEqual({ response_action: 'clear' });

    const stored = await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id);
    expect(stored).toHaveLength(1);
    const [handoff] = stored;
    if (!handoff) throw new Error('no handoff stored');
    expect(handoff).toMatchObject({
      status: 'sent',
      accountName: 'Northwind Logistics',
      aeUserId: people.ae.id,
      aeTimeZone: 'Europe/Berlin',
      authorUserId: people.author.id,
      partnerChannelId: channels.partner.id,
    });
    // Sent Monday 2026-11-23 15:00 Berlin time: three business days later is Thursday 15:00 Berlin.
    expect(handoff.dueAt.toISOString()).toBe('2026-11-26T14:00:00.000Z');

    const aeDm = h.slack.dmChannelFor(people.ae.id);
    const [dm] = await waitFor(() => h.slack.messages(aeDm).length === 1 && h.slack.messages(aeDm));
    const dmJson = JSON.stringify(dm?.blocks);
    expect(dmJson).toContain('Northwind Logistics · via Meridian Cloud Consulting');
    expect(dmJson).toContain(ACTION_ID.accept);
    expect(dmJson).toContain(ACTION_ID.decline);
    expect(dmJson).toContain('<!date^1795701600^');

    const authorDm = h.slack.dmChannelFor(people.author.id);
    const [confirmation] = await waitFor(
      () => h.slack.messages(authorDm).length === 1 && h.slack.messages(authorDm),
    );
    expect(JSON.stringify(confirmation?.blocks)).toContain(`<@${people.ae.id}>`);

    // Accept opens the accept modal, its first step and date ready; opening it records nothing; submitting it does.
    const modal = await openAcceptModal(h, {
      handoffId: handoff.id,
      channelId: aeDm,
      ...(dm?.ts ? { messageTs: dm.ts } : {}),
      responseUrl: h.slack.responseUrl(),
    });
    const [opened] = await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id);
    expect(opened?.status).toBe('sent');
    expect(await submitAccept(h, modal)).toEqual({});

    await waitFor(
      () => h.slack.callsTo('chat.update').some((c) => c.args.channel === aeDm),
      8000,
      'DM update',
    );
    const [updated] = h.slack.messages(aeDm);
    expect(JSON.stringify(updated?.blocks)).not.toContain(ACTION_ID.accept);
    expect(JSON.stringify(updated?.blocks)).toContain('Accepted');
    // It no longer asks for an answer by a date: the deal is accepted.
    expect(JSON.stringify(updated?.blocks)).not.toContain('please answer by');

    // The partner channel gets the thread's parent, then the decision as its first reply, 20 ms apart (the harness's
    // pacing). This waited for "exactly one post", a state that lasts those 20 ms: a poll that missed it (a busy CI
    // machine) timed out. It now waits for the settled thread and checks its shape.
    await quiet(h);
    const partnerPosts = h.slack.messages(channels.partner.id);
    const [parent, ...replies] = partnerPosts;
    expect(parent?.thread_ts).toBeUndefined();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.thread_ts).toBe(parent?.ts);
    const partnerText = JSON.stringify(partnerPosts);
    expect(partnerText).toContain('Northwind Logistics');
    expect(partnerText).toContain('accepted');
    expect(replies[0]?.text).toContain(' *Next:* Accept the introduction and bring the demo by Thu 26 Nov.');
    expect(partnerText).toContain('Jordan Seller');
    expect(partnerText).not.toContain('reseller');
    expect(partnerText).not.toContain('docs.example.com');

    await waitFor(() => h.slack.messages(authorDm).length === 2, 8000, 'owner notice');
    expect(JSON.stringify(h.slack.messages(authorDm)[1]?.blocks)).toContain('accepted');
    expect(JSON.stringify(h.slack.messages(authorDm)[1]?.blocks)).toContain(
      'Next: *Accept the introduction and bring the demo* by Thu 26 Nov.',
    );
    // The author's confirmation is a view of the handoff too: it says where it stands now and offers no
    // Reassign, Extend or Withdraw on an accepted handoff.
    await quiet(h);
    const [confirmationNow] = h.slack.messages(authorDm);
    const confirmationJson = JSON.stringify(confirmationNow?.blocks);
    expect(confirmationJson).toContain('*Now:* accepted by');
    for (const id of [ACTION_ID.reassign, ACTION_ID.extend, ACTION_ID.withdraw])
      expect(JSON.stringify(h.slack.messages(authorDm))).not.toContain(id);

    const row = await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id);
    expect(row).toEqual([
      expect.objectContaining({
        handoffId: handoff.id,
        decision: 'accepted',
        decidedByUserId: people.ae.id,
        decidedByTeamId: TEAM,
      }),
    ]);
    expect(h.slack.responses).toHaveLength(0);
  });

  it('skips configured company closure days when computing the AE deadline', async () => {
    await h.stop();
    h = await startHarness({ env: { CLOSURE_DATES: '2026-11-25,2026-11-26' } });
    await submitAndSend(h);
    const [handoff] = await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id);
    // Monday 15:00 Berlin + 3 business days, Wednesday and Thursday closed: Monday 30 November 15:00 Berlin.
    expect(handoff?.dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
  });

  it("opens the packet modal for /handoff, prefilled with the account name; reminds the author of their last three packets' scores in the review", async () => {
    const response = await h.command({ text: 'Northwind Logistics' });
    expect(response.status).toBe(200);
    const [open] = await waitFor(
      () => h.slack.callsTo('views.open').length > 0 && h.slack.callsTo('views.open'),
    );
    const view = open?.args.view as {
      callback_id: string;
      blocks: { block_id?: string; element?: { initial_value?: string; initial_user?: string } }[];
    };
    expect(view.callback_id).toBe(CALLBACK_ID.packet);
    const account = view.blocks.find((b) => b.block_id === PACKET_BLOCK_ID.accountName);
    expect(account?.element?.initial_value).toBe('Northwind Logistics');
    const owner = view.blocks.find((b) => b.block_id === PACKET_BLOCK_ID.ownerUserId);
    expect(owner?.element?.initial_user).toBe(people.author.id);
    // Three packets sent, then a fourth reviewed: its review names their scores.
    for (const [index, accountName] of ['Alpha Freight', 'Beta Freight', 'Gamma Freight'].entries()) {
      await submitAndSend(
        h,
        { accountName, accountDomain: null, ...(index === 1 ? { evidenceUrl: null } : {}) },
        { viewId: `V0PAST${index}` },
      );
    }
    const { review } = await submitAndSend(
      h,
      { accountName: 'Delta Freight', accountDomain: null },
      { viewId: 'V0NOW' },
    );
    expect(JSON.stringify(review.blocks)).toContain('Your last 3 packets scored 18, 16, 18.');
  });
});
