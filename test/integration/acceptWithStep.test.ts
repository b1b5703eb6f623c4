import { describe, expect, it } from 'vitest';
import { ACCEPT_BLOCK_ID, ACTION_ID } from '../../src/blocks/ids.js';
import { touchLogCsv } from '../../src/revops/exportCsv.js';
import { openAcceptModal, openAcceptOn, submitAccept } from '../support/acceptFlow.js';
import { sendHandoff } from '../support/flow.js';
import { waitFor } from '../support/harness.js';
import { dmOf, handoffRow, json, outboxDrained, waitForDm } from '../support/ownerFlow.js';
import { click, partnerCalls, partnerHarnesses, threadReplies, topLevel } from '../support/partnerFlow.js';
import { people, TEAM } from '../support/people.js';
import { csvObjects } from '../support/revopsFlow.js';

/**
 * Issue 51 item 1: Accept opens one small modal, its defaults ready: the first step (the partner reads it), its date
 * (FIRST_STEP_BUSINESS_DAYS business days in the AE's calendar, default 3) and an estimated value kept internal. The
 * partner thread then reads the accept and "Next: … by …"; the owner and the author read the same line.
 *
 * Jordan (the AE, Berlin) gets the packet Monday 23 November 15:00 Berlin; Pat (the author and owner) wrote it.
 */

const start = partnerHarnesses();
const ae = { id: people.ae.id, team_id: TEAM };

describe('accept with a commitment', () => {
  it('offers a step and a date that fit in one more click; the partner, the owner and the AE read the step, never the value', async () => {
    const h = await start();
    const { handoff, dm } = await sendHandoff(h);
    const modal = await openAcceptOn(h, handoff, dm);
    const element = (block: string) => modal.blocks.find((b) => b.block_id === block)?.element;
    // The defaults: the packet's own seller next move (issue 77 item 19), three business days on (Thursday 26
    // November).
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
    await outboxDrained(h);

    // The partner: the accept and the step, in one reply; the thread's parent shows it too. No value, anywhere.
    const reply = await waitFor(() => threadReplies(h)[0], 8000, 'the partner reply');
    expect(reply.text).toBe(
      ':white_check_mark: *Northwind Logistics*: accepted. Jordan Seller is taking it forward with Dana Reyes (Meridian Cloud Consulting). *Next:* Intro call with Dana and their CFO by Wed 2 Dec.',
    );
    expect(json(topLevel(h)[0]?.blocks)).toContain(
      '*Next from Jordan Seller:* Intro call with Dana and their CFO by Wed 2 Dec',
    );
    // What the partner reads (text, blocks, attachments), not Slack's ids: a thread_ts of the test's real time may
    // hold the digits 48000 by chance (1795699597.948000 did, and failed a CI run).
    const toPartner = partnerCalls(h)
      .map((c) => JSON.stringify([c.args.text, c.args.blocks, c.args.attachments]))
      .join('\n');
    expect(toPartner).not.toMatch(/48[,.]?000|estimated/i);

    // The owner and author (Pat): the accept and the same step.
    const notice = await waitForDm(h, people.author.id, '*accepted*');
    expect(json(notice.blocks)).toContain('Next: *Intro call with Dana and their CFO* by Wed 2 Dec.');
    // The AE's packet: the step and, for them, the value (internal).
    const packet = await waitFor(
      () => dmOf(h, people.ae.id).find((m) => json(m.blocks).includes('Estimated value')),
      8000,
      'the AE packet with the step',
    );
    expect(json(packet.blocks)).toContain(
      'Next: *Intro call with Dana and their CFO* by Wed 2 Dec. No outcome recorded yet. Estimated value: 48,000 (internal).',
    );

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

  it('keeps the modal open with each problem on its field, and records nothing until it is right', async () => {
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
  });

  it('refuses a step dated on a day the AE does not work, saying why and naming the next day they do', async () => {
    // Tuesday 1 December is a company closure day; Jordan is in Berlin (Germany's public holidays count for them).
    const h = await start({ CLOSURE_DATES: '2026-12-01' });
    const { handoff, dm } = await sendHandoff(h);
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

  it("refuses anyone but the AE (the click at once, without a modal; a forged submission); shows the step in /handoff view and the accept's history line", async () => {
    const h = await start();
    const { handoff, dm } = await sendHandoff(h);
    const opened = h.slack.callsTo('views.open').length;
    const url = await click(h, ACTION_ID.accept, handoff.id, { id: people.author.id, team_id: TEAM });
    const refusal = await waitFor(() => h.slack.responses.find((r) => r.url === url), 4000, 'the refusal');
    expect(JSON.stringify(refusal)).toContain('can accept or decline it');
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);
    // The AE's own modal, submitted by someone else (a hand-made payload), is refused as well.
    const modal = await openAcceptModal(h, { handoffId: handoff.id, user: ae });
    const answer = await submitAccept(h, modal, { user: { id: people.author.id, team_id: TEAM } });
    expect(answer.response_action).toBe('errors');
    expect((await handoffRow(h, handoff.id)).status).toBe('sent');
    // Shows the step in /handoff view and in the history line of the accept.
    const stepModal = await openAcceptOn(h, handoff, dm);
    expect(
      await submitAccept(h, stepModal, { typed: { text: 'Workshop with Dana on the pilot scope' } }),
    ).toEqual({});
    const viewed = h.slack.callsTo('views.open').length;
    await h.command({
      text: `view ${handoff.id}`,
      user_id: people.author.id,
      trigger_id: h.slack.issueTriggerId(),
    });
    const view = await waitFor(() => h.slack.callsTo('views.open')[viewed], 4000, 'the view');
    expect(json(view.args.view)).toContain(
      `Accepted by <@${people.ae.id}>, first step: Workshop with Dana on the pilot scope by Thu 26 Nov`,
    );
    expect(json(view.args.view)).toContain('next: Workshop with Dana on the pilot scope by Thu 26 Nov');
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
