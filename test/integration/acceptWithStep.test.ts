import { describe, expect, it } from 'vitest';
import { ACCEPT_BLOCK_ID, ACTION_ID } from '../../src/blocks/ids.js';
import { touchLogCsv } from '../../src/revops/exportCsv.js';
import { openAcceptModal, openAcceptOn, submitAccept } from '../support/acceptFlow.js';
import { sendHandoff } from '../support/flow.js';
import { waitFor } from '../support/harness.js';
import { buttonsOf, dmOf, handoffRow, json, outboxDrained, waitForDm } from '../support/ownerFlow.js';
import { partnerCalls, partnerHarnesses, threadReplies, topLevel } from '../support/partnerFlow.js';
import { channels, people, TEAM } from '../support/people.js';
import { csvObjects } from '../support/revopsFlow.js';

/**
 * Accept opens one small modal, its defaults ready: the first step (the partner reads it), its date
 * (FIRST_STEP_BUSINESS_DAYS business days in the AE's calendar, default 3) and an estimated value kept internal. The
 * partner thread then reads the accept and "Next: … by …"; the owner and the author read the same line.
 *
 * Jordan (the AE, Berlin) gets the packet Monday 23 November 15:00 Berlin; Pat (the author and owner) wrote it.
 */

const start = partnerHarnesses();

describe('accept with a commitment', () => {
  it('offers a step and a date that fit in one more click; the partner, the owner and the AE read the step, never the value', async () => {
    const h = await start();
    const { handoff, dm, aeDm } = await sendHandoff(h);
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
    expect(json(dm.blocks)).toContain('Northwind Logistics · via Meridian Cloud Consulting');
    expect(buttonsOf(dm)).toEqual(expect.arrayContaining([ACTION_ID.accept, ACTION_ID.decline]));
    expect(json(dm.blocks)).toContain('<!date^1795701600^');
    const confirmation = await waitForDm(h, people.author.id, `Handoff #${handoff.id} `);
    expect(json(confirmation.blocks)).toContain(`<@${people.ae.id}>`);

    const responseUrl = h.slack.responseUrl();
    const modal = await openAcceptModal(h, {
      handoffId: handoff.id,
      channelId: aeDm,
      messageTs: dm.ts,
      responseUrl,
    });
    const element = (block: string) => modal.blocks.find((b) => b.block_id === block)?.element;
    // The defaults: the packet's own seller next move, three business days on (Thursday 26 November).
    expect(element(ACCEPT_BLOCK_ID.step)?.initial_value).toBe('Accept the introduction and bring the demo');
    expect(json(modal.blocks)).toContain(
      "The packet's seller next move. The partner reads it word for word: change it to what they may read.",
    );
    expect(element(ACCEPT_BLOCK_ID.due)?.initial_date).toBe('2026-11-26');
    expect(json(modal.blocks)).toContain(
      'The partner reads your first step and its date word for word with your acceptance, and so do the owner and the author. The estimated value stays internal.',
    );
    // Opening it records nothing.
    expect((await handoffRow(h, handoff.id)).status).toBe('sent');

    expect(
      await submitAccept(h, modal, {
        typed: { text: 'Intro call with Dana and their CFO', due: '2026-12-02', estimatedValue: '48000' },
      }),
    ).toEqual({});
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      status: 'accepted',
      firstStep: 'Intro call with Dana and their CFO',
      firstStepDue: '2026-12-02',
      estimatedValue: 48_000,
    });
    expect(await h.database.db.select().from(h.tables.decisions)).toEqual([
      expect.objectContaining({
        handoffId: handoff.id,
        decision: 'accepted',
        decidedByUserId: people.ae.id,
        decidedByTeamId: TEAM,
      }),
    ]);
    await outboxDrained(h);

    // The partner: the thread's parent, then the accept and the step in its one reply. No value, anywhere.
    const reply = await waitFor(() => threadReplies(h)[0], 8000, 'the partner reply');
    expect(reply.text).toBe(
      ':white_check_mark: *Northwind Logistics*: accepted. Jordan Seller is taking it forward with Dana Reyes (Meridian Cloud Consulting). *Next:* Intro call with Dana and their CFO by Wed 2 Dec.',
    );
    expect(topLevel(h)).toHaveLength(1);
    expect(threadReplies(h)).toHaveLength(1);
    expect(reply.thread_ts).toBe(topLevel(h)[0]?.ts);
    expect(json(topLevel(h)[0]?.blocks)).toContain(
      '*Next from Jordan Seller:* Intro call with Dana and their CFO by Wed 2 Dec',
    );
    // What the partner reads (text, blocks, attachments), not Slack's ids: a thread_ts of the test's real time may
    // hold the digits 48000 by chance.
    const toPartner = partnerCalls(h)
      .map((c) => JSON.stringify([c.args.text, c.args.blocks, c.args.attachments]))
      .join('\n');
    expect(toPartner).not.toMatch(/48[,.]?000|estimated|reseller|docs\.example\.com/i);

    // The owner and author (Pat): the accept and the same step. Their confirmation is a view of the handoff too: it
    // says where it stands now and offers no Reassign, Extend or Withdraw on an accepted handoff.
    const notice = await waitForDm(h, people.author.id, '*accepted*');
    expect(json(notice.blocks)).toContain('Next: *Intro call with Dana and their CFO* by Wed 2 Dec.');
    await waitFor(
      () => json(dmOf(h, people.author.id)[0]?.blocks).includes('*Now:* accepted by'),
      8000,
      'the confirmation brought up to date',
    );
    for (const id of [ACTION_ID.reassign, ACTION_ID.extend, ACTION_ID.withdraw])
      expect(json(dmOf(h, people.author.id))).not.toContain(id);
    // The AE's packet, in place: no Accept, no "please answer by"; the step and, for them, the value (internal).
    const packet = await waitFor(
      () => dmOf(h, people.ae.id).find((m) => json(m.blocks).includes('Estimated value')),
      8000,
      'the AE packet with the step',
    );
    expect(packet.ts).toBe(dm.ts);
    expect(h.slack.messages(aeDm)).toHaveLength(1);
    expect(json(packet.blocks)).toContain(
      'Next: *Intro call with Dana and their CFO* by Wed 2 Dec. No outcome recorded yet. Estimated value: 48,000 (internal).',
    );
    expect(json(packet.blocks)).toContain('Accepted');
    expect(buttonsOf(packet)).not.toContain(ACTION_ID.accept);
    expect(json(packet.blocks)).not.toContain('please answer by');
    // Answered in place: no ephemeral.
    expect(h.slack.responses).toEqual([]);

    // The touch log and RevOps' CSV.
    const { csv } = await touchLogCsv(h.database.db, {
      since: new Date('2026-01-01T00:00:00Z'),
      until: new Date('2027-01-01T00:00:00Z'),
    });
    expect(csvObjects(csv).rows[0]).toMatchObject({
      first_step: 'Intro call with Dana and their CFO',
      first_step_due: '2026-12-02',
      estimated_value: '48000',
    });
  });

  it('keeps the modal open with each problem on its field, records nothing until it is right, then shows the step in /handoff view', async () => {
    const h = await start();
    const { handoff, dm } = await sendHandoff(h);
    const modal = await openAcceptOn(h, handoff, dm);
    const answer = await submitAccept(h, modal, {
      typed: { text: 'Confidential: our 20% margin call', due: '2026-11-20', estimatedValue: '12.5' },
    });
    expect(answer.response_action).toBe('errors');
    expect(answer.errors?.[ACCEPT_BLOCK_ID.step]).toMatch(
      /“Confidential”, “20%”, “margin” reads as internal/,
    );
    expect(answer.errors?.[ACCEPT_BLOCK_ID.due]).toBe('Pick today or a later date.');
    expect(answer.errors?.[ACCEPT_BLOCK_ID.value]).toBe(
      'Give a whole number, like 48000, or leave it empty.',
    );
    expect((await handoffRow(h, handoff.id)).status).toBe('sent');

    const filler = await submitAccept(h, modal, { typed: { text: 'tbd' } });
    expect(filler.errors?.[ACCEPT_BLOCK_ID.step]).toMatch(/“tbd” tells them nothing/);
    expect((await handoffRow(h, handoff.id)).status).toBe('sent');
    expect(partnerCalls(h)).toEqual([]);

    // Right at last: accepted once; the same modal submitted again is told it is no longer open.
    expect(await submitAccept(h, modal)).toEqual({});
    expect(await handoffRow(h, handoff.id)).toMatchObject({ status: 'accepted', firstStepDue: '2026-11-26' });
    const again = await submitAccept(h, modal);
    expect(again.response_action).toBe('errors');
    expect(again.errors?.[ACCEPT_BLOCK_ID.step]).toMatch(/already accepted/);

    // /handoff view shows the step, and so does the history line of the accept.
    const viewed = h.slack.callsTo('views.open').length;
    await h.command({
      text: `view ${handoff.id}`,
      user_id: people.author.id,
      trigger_id: h.slack.issueTriggerId(),
    });
    const view = json(
      (await waitFor(() => h.slack.callsTo('views.open')[viewed], 4000, 'the view')).args.view,
    );
    const step = 'Accept the introduction and bring the demo by Thu 26 Nov';
    expect(view).toContain(`Accepted by <@${people.ae.id}>, first step: ${step}`);
    expect(view).toContain(`next: ${step}`);
  });

  it('skips closure days in the deadline; refuses a step dated on a day the AE does not work, saying why and naming the next day they do', async () => {
    // Wednesday 25, Thursday 26 November and Tuesday 1 December are company closure days; Jordan is in Berlin
    // (Germany's public holidays count for them).
    const h = await start({ CLOSURE_DATES: '2026-11-25,2026-11-26,2026-12-01' });
    const { handoff, dm } = await sendHandoff(h);
    // Monday 15:00 Berlin + 3 business days, Wednesday and Thursday closed: Monday 30 November 15:00 Berlin.
    expect(handoff.dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    const modal = await openAcceptOn(h, handoff, dm);
    const dueError = async (due: string) =>
      (await submitAccept(h, modal, { typed: { due } })).errors?.[ACCEPT_BLOCK_ID.due];
    expect(await dueError('2026-12-01')).toBe(
      'Tue 1 Dec is a company closure day: pick a day you work, like Wed 2 Dec.',
    );
    expect(await dueError('2026-11-28')).toBe(
      'Sat 28 Nov is not one of your working days: pick a day you work, like Mon 30 Nov.',
    );
    expect(await dueError('2026-12-25')).toBe(
      'Fri 25 Dec is a public holiday for you (Christmas Day (DE)): pick a day you work, like Mon 28 Dec.',
    );
    expect((await handoffRow(h, handoff.id)).status).toBe('sent');
    expect(await submitAccept(h, modal, { typed: { due: '2026-12-02' } })).toEqual({});
    expect((await handoffRow(h, handoff.id)).firstStepDue).toBe('2026-12-02');
  });

  it("asks the AE for news no earlier than the end of the first step's checks (the owner told): never while the step is ahead", async () => {
    const h = await start();
    const nothing = { resumed: 0, expired: 0, reminded: 0, nudged: 0 };
    const nudges = () => dmOf(h, people.ae.id).filter((m) => m.text?.includes('): any news?'));
    // The default step (Thursday 26 November): its checks end when the owner is told, two business days after its
    // check-in (Monday 30 November 16:00 Berlin), an hour after the quiet period's end: the nudge comes then.
    const first = await sendHandoff(h);
    const modal = await openAcceptModal(h, { handoffId: first.handoff.id });
    expect(await submitAccept(h, modal)).toEqual({});
    expect((await handoffRow(h, first.handoff.id)).nextStallNudgeAt?.toISOString()).toBe(
      '2026-11-30T15:00:00.000Z',
    );
    // A step on Friday 11 December: no nudge before its checks end (Tuesday 15 December, 16:00 Berlin).
    const later = await sendHandoff(h, {
      accountName: 'Contoso Freight',
      accountDomain: 'contoso-freight.com',
    });
    const laterModal = await openAcceptModal(h, { handoffId: later.handoff.id });
    expect(await submitAccept(h, laterModal, { typed: { due: '2026-12-11' } })).toEqual({});
    expect((await handoffRow(h, later.handoff.id)).nextStallNudgeAt?.toISOString()).toBe(
      '2026-12-15T15:00:00.000Z',
    );

    h.clock.set('2026-11-30T15:00:00Z');
    expect(await h.app.sweeper.sweep()).toEqual({ ...nothing, nudged: 1 });
    await waitFor(() => nudges().length === 1, 4000, 'the first deal nudged');
    expect(json(nudges()[0]?.blocks)).toContain('Northwind Logistics');
    h.clock.set('2026-12-15T14:59:59Z');
    // The first deal's next nudge is due again by then (five business days on): only it is nudged.
    expect(await h.app.sweeper.sweep()).toEqual({ ...nothing, nudged: 1 });
    await waitFor(() => nudges().length === 2, 4000, 'the first deal nudged again');
    expect(nudges().some((m) => json(m.blocks).includes('Contoso Freight'))).toBe(false);
    h.clock.set('2026-12-15T15:00:00Z');
    expect(await h.app.sweeper.sweep()).toEqual({ ...nothing, nudged: 1 });
    const nudge = await waitFor(
      () => nudges().find((m) => json(m.blocks).includes('Contoso Freight')),
      4000,
      'the later deal nudged',
    );
    expect(json(nudge.blocks)).toContain(
      'Next: *Accept the introduction and bring the demo* by Fri 11 Dec. No outcome recorded yet.',
    );
  });
});
