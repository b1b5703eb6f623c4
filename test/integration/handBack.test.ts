import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import {
  acceptAs,
  crmEnv,
  dmReads,
  handBack,
  jordan,
  liveButtons,
  NEVER_TO_PARTNER,
  noteHeadings,
  partnerSaw,
  pat,
  sam,
  sweepAt,
  taskSubjects,
  theDm,
} from '../support/afterAcceptFlow.js';
import { account, crmRows, drive } from '../support/crmFlow.js';
import { dbSnapshot } from '../support/dbSnapshot.js';
import { FakeHubspot } from '../support/fakeHubspot.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet } from '../support/harness.js';
import { buttonsOf, buttonValues, handoffRow, json, reassignTo } from '../support/ownerFlow.js';
import { partnerCalls, partnerHarnesses, shown, threadReplies, topLevel } from '../support/partnerFlow.js';
import { people } from '../support/people.js';

/**
 * Issue 51: "Hand it back" from the check-in. Jordan (the AE, Berlin) accepted Thursday 26 November with a step on
 * Monday 30 November; on the check-in they hand the deal back. Pat (the author and owner) is told, with Reassign and
 * Withdraw, and gives it to Sam, who accepts with a step of their own. The partner reads the two accepts only. The
 * default policy (no take-back): only the AE's click moves the deal.
 */

const start = partnerHarnesses();
const ENV = { FIRST_STEP_BUSINESS_DAYS: '2' };
const ACCEPTED = '2026-11-26T09:00:00Z';
const REMINDER = '2026-11-27T08:00:00Z';
const CHECK_IN = '2026-11-30T15:00:00Z';
/** Monday 17:00 Berlin: an hour after the check-in. */
const HANDED_BACK = '2026-11-30T16:00:00Z';

/** Accepted Thursday with the default step, then the reminder and the check-in; the check-in's Hand it back value. */
async function checkedIn(h: Harness, handoffId: number): Promise<string> {
  h.clock.set(ACCEPTED);
  await acceptAs(h, handoffId, jordan);
  await sweepAt(h, REMINDER);
  await sweepAt(h, CHECK_IN);
  const checkIn = [...h.slack.messages(h.slack.dmChannelFor(people.ae.id))]
    .reverse()
    .find((m) => shown(m).includes(`handoff #${handoffId} `) && shown(m).includes('How did it go?'));
  const value = buttonValues(checkIn)[ACTION_ID.handBack];
  expect(value).toBe(`${handoffId}:${(await handoffRow(h, handoffId)).cycle}`);
  return value as string;
}

/** A moment as Slack's date token carries it (epoch seconds). */
const stamp = (at: string) => new Date(at).getTime() / 1000;

const eventTypes = async (h: Harness, id: number) =>
  (await h.database.db.select().from(h.tables.handoffEvents).orderBy(h.tables.handoffEvents.id))
    .filter((e) => e.handoffId === id)
    .map((e) => e.type);

describe('Hand it back', () => {
  it('from the check-in: the owner reassigns, the next AE accepts, the partner reads only the accepts; a second click changes nothing', async () => {
    const h = await start(ENV);
    const { handoff } = await sendHandoff(h);
    const value = await checkedIn(h, handoff.id);
    const acceptReply = threadReplies(h)[0]?.text;
    expect(acceptReply).toContain('Jordan Seller is taking it forward');

    // Jordan hands it back (Slack's confirm dialog, then the click): told where it went; no DM of their own.
    h.clock.set(HANDED_BACK);
    const dmsBefore = h.slack.messages(h.slack.dmChannelFor(people.ae.id)).length;
    expect(await handBack(h, value, jordan)).toBe(
      `Handed back: <@${people.author.id}> (the owner) decides who takes handoff #${handoff.id} next. The partner is not told; they hear of the next AE when that AE accepts.`,
    );
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      status: 'taken_back',
      aeUserId: people.ae.id,
      takenBackAt: new Date(HANDED_BACK),
      stepCheck: null,
      nextStepCheckAt: null,
      nextStallNudgeAt: null,
    });
    expect(h.slack.messages(h.slack.dmChannelFor(people.ae.id))).toHaveLength(dmsBefore);
    expect(liveButtons(h, people.ae.id)).toEqual([]);
    expect(shown(theDm(h, people.ae.id, 'How did it go?'))).toContain(
      `*Now:* back with the owner <@${people.author.id}> since <!date^${stamp(HANDED_BACK)}^{date_short_pretty} at {time}|Mon 30 Nov 2026, 17:00 CET> (you had accepted it); they can reassign or withdraw it.`,
    );

    // Pat: what happened, and Reassign and Withdraw (no Extend: there is no window to extend).
    const notice = theDm(h, people.author.id, 'handed back handoff');
    expect(shown(notice)).toContain(
      `<@${people.ae.id}> handed back handoff #${handoff.id} *Northwind Logistics* (via Meridian Cloud Consulting), which they had accepted (their first step: *Accept the introduction and bring the demo* by Mon 30 Nov). You decide who takes it next`,
    );
    expect(buttonsOf(notice)).toEqual([ACTION_ID.reassign, ACTION_ID.withdraw]);

    // The partner: no new reply; the parent reads that we are finding the right person (issue 77 item 7), and
    // neither it nor the accept's reply below it names Jordan or their step any more (issue 77 item 6).
    expect(threadReplies(h)).toHaveLength(1);
    const parent = json(topLevel(h)[0]?.blocks);
    expect(parent).toContain('*Status:* :mag: Finding the right person\\n');
    expect(parent).not.toMatch(/Jordan|Intro call/);
    expect(shown(threadReplies(h)[0])).not.toMatch(/Jordan|Intro call/);

    // Clicked again, or by Pat: refused, each with a clear ephemeral, and nothing changes.
    const before = await dbSnapshot(h);
    expect(await handBack(h, value, jordan)).toBe(
      `Handoff #${handoff.id} is already back with its owner, <@${people.author.id}>, who decides who takes it next. Nothing was changed.`,
    );
    expect(await handBack(h, value, pat)).toBe(
      `Only <@${people.ae.id}>, who accepted this handoff, can hand it back. Nothing was changed.`,
    );
    expect(await dbSnapshot(h)).toEqual(before);

    // Pat reassigns to Sam (a fresh window); Sam accepts with a new step.
    const partnerBefore = partnerCalls(h).length;
    expect(await reassignTo(h, handoff.id, people.otherAe.id)).toEqual({});
    await quiet(h);
    expect(await handoffRow(h, handoff.id)).toMatchObject({ status: 'sent', aeUserId: people.otherAe.id });
    expect(shown(theDm(h, people.otherAe.id, 'Moved to you from'))).toContain(
      `<@${people.ae.id}> accepted it, then handed it back (first step: Accept the introduction and bring the demo by Mon 30 Nov)`,
    );
    // The buttons move to Pat's newest notice (the move's).
    expect(buttonsOf(theDm(h, people.author.id, 'handed back handoff'))).toEqual([]);
    h.clock.set('2026-12-01T17:00:00Z');
    await acceptAs(h, handoff.id, sam, {
      text: 'Workshop with Dana and the ops director',
      due: '2026-12-09',
    });
    expect(shown(threadReplies(h)[0])).not.toMatch(/Jordan|Intro call/);
    expect(threadReplies(h).map((m) => m.text)).toEqual([
      expect.not.stringContaining('Jordan'),
      ':white_check_mark: *Northwind Logistics*: accepted. Sam Closer is taking it forward with Dana Reyes (Meridian Cloud Consulting). *Next:* Workshop with Dana and the ops director by Wed 9 Dec.',
    ]);
    expect(json(topLevel(h)[0]?.blocks)).toContain(
      '*Status:* :white_check_mark: Accepted · our AE: Sam Closer\\n*Next from Sam Closer:* Workshop with Dana and the ops director by Wed 9 Dec',
    );
    expect(partnerSaw(h)).not.toMatch(NEVER_TO_PARTNER);
    expect(partnerSaw(h, partnerBefore)).not.toMatch(/Jordan|Intro call/);

    // Jordan's old button, clicked by Sam (now its AE) or by Jordan: refused; Sam keeps the deal.
    const accepted = await dbSnapshot(h);
    expect(await handBack(h, value, sam)).toBe(
      `Handoff #${handoff.id} cannot be handed back now: it changed since this message. Nothing was changed.`,
    );
    expect(await handBack(h, value, jordan)).toBe(
      `Only <@${people.otherAe.id}>, who accepted this handoff, can hand it back. Nothing was changed.`,
    );
    expect(await dbSnapshot(h)).toEqual(accepted);
    expect(await eventTypes(h, handoff.id)).toEqual([
      'sent',
      'accepted',
      'step_reminded',
      'step_checked_in',
      'handed_back',
      'reassigned',
      'accepted',
    ]);
  });

  it('nobody takes it: Pat is reminded each working morning, Olu (their manager) told after two days; the partner reads that we are finding the right person', async () => {
    const h = await start({
      ...ENV,
      UNASSIGNED_MANAGER_DAYS: '2',
      ESCALATION_MANAGERS: `${people.author.id}=${people.owner.id}`,
    });
    const { handoff } = await sendHandoff(h);
    const value = await checkedIn(h, handoff.id);
    const partnerBefore = partnerCalls(h).length;
    h.clock.set(HANDED_BACK);
    expect(await handBack(h, value, jordan)).toContain('Handed back');
    await quiet(h);
    const reminders = () => dmReads(h, people.author.id).filter((m) => m.includes('still waits for an AE'));
    const managerTold = () => dmReads(h, people.owner.id).filter((m) => m.includes('still waits for an AE'));

    // The partner: an honest "finding the right person", not "taking it forward" (issue 77 item 7).
    const parent = json(topLevel(h)[0]?.blocks);
    expect(topLevel(h)[0]?.text).toBe('Northwind Logistics: Finding the right person');
    expect(parent).toContain(
      'Latest: :mag: *Northwind Logistics*: accepted; we are finding the right person on our side to take it forward with Dana Reyes (Meridian Cloud Consulting). We will update you here.',
    );
    expect(threadReplies(h).map((m) => m.text)).toEqual([
      ':mag: *Northwind Logistics*: accepted; we are finding the right person on our side to take it forward with Dana Reyes (Meridian Cloud Consulting). We will update you here.',
    ]);
    expect(partnerSaw(h, partnerBefore)).not.toMatch(/taking it forward|Jordan|Intro call/);

    // Pat works in New York: the first reminder on Tuesday at 09:00 there, none before; one each working morning.
    await sweepAt(h, '2026-12-01T13:59:59Z');
    expect(reminders()).toEqual([]);
    await sweepAt(h, '2026-12-01T14:00:00Z');
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]).toContain(
      `:alarm_clock: Handoff #${handoff.id} *Northwind Logistics* (via Meridian Cloud Consulting) still waits for an AE: back with you since Mon 30 Nov, 1 business day. You decide who takes it: *Reassign* it to another AE, or *Withdraw* it.`,
    );
    expect(buttonsOf(theDm(h, people.author.id, 'still waits for an AE'))).toEqual([
      ACTION_ID.reassign,
      ACTION_ID.withdraw,
    ]);
    await sweepAt(h, '2026-12-01T20:00:00Z');
    expect(reminders()).toHaveLength(1);
    // Wednesday morning: the second, and Olu told once (two business days), without Pat's buttons.
    await sweepAt(h, '2026-12-02T14:00:00Z');
    expect(reminders()).toHaveLength(2);
    expect(managerTold()).toEqual([
      expect.stringContaining(
        `:alarm_clock: Handoff #${handoff.id} *Northwind Logistics* (via Meridian Cloud Consulting) still waits for an AE: back with <@${people.author.id}> (the owner) since Mon 30 Nov, 2 business days. They are reminded each working morning; they can *Reassign* or *Withdraw* it.`,
      ),
    ]);
    expect(liveButtons(h, people.owner.id)).toEqual([]);
    // Thursday: the third. Friday's, missed (no sweep ran), waits for Monday: Saturday is not Pat's working day, and
    // nothing reaches them at night either. Olu is told once only.
    await sweepAt(h, '2026-12-03T14:00:00Z');
    await sweepAt(h, '2026-12-05T14:00:00Z');
    expect(reminders()).toHaveLength(3);
    await sweepAt(h, '2026-12-07T03:00:00Z');
    expect(reminders()).toHaveLength(3);
    await sweepAt(h, '2026-12-07T14:00:00Z');
    expect(reminders()).toHaveLength(4);
    expect(managerTold()).toHaveLength(1);

    // Pat reassigns it: the reminders end.
    expect(await reassignTo(h, handoff.id, people.otherAe.id)).toEqual({});
    await quiet(h);
    await sweepAt(h, '2026-12-08T14:00:00Z');
    expect(reminders()).toHaveLength(4);
  });

  it('writes one activity to Salesforce and HubSpot for the hand-back: a lost answer and a Slack retry write none twice', async () => {
    const sf = await FakeSalesforce.start();
    const hs = await FakeHubspot.start();
    try {
      const h = await start({ ...ENV, ...crmEnv(sf, hs) });
      const opp = sf.addOpportunity({ name: 'Northwind expansion', stageName: 'Prospecting' });
      const deal = hs.addDeal({ name: 'Contoso platform' });
      const onSf = (await sendHandoff(h, { crmOpportunity: opp })).handoff;
      const onHs = (await sendHandoff(h, { crmOpportunity: deal, ...account('Contoso') })).handoff;
      h.clock.set(ACCEPTED);
      await acceptAs(h, onHs.id, jordan);
      const sfValue = await checkedIn(h, onSf.id);
      const hsValue = buttonValues(
        h.slack
          .messages(h.slack.dmChannelFor(people.ae.id))
          .find((m) => shown(m).includes(`handoff #${onHs.id} `) && shown(m).includes('How did it go?')),
      )[ACTION_ID.handBack];
      expect(taskSubjects(sf, opp)).toHaveLength(2);
      expect(noteHeadings(hs, deal)).toHaveLength(2);

      // Each CRM takes the hand-back's activity and loses the answer; Slack delivers each click twice (a retry).
      sf.fail({ method: 'POST', path: /\/sobjects\/Task$/ }, { status: 503, afterProcessing: true });
      hs.fail(
        { method: 'POST', path: /^\/crm\/objects\/2026-09\/notes$/ },
        { status: 502, afterProcessing: true },
      );
      h.clock.set(HANDED_BACK);
      expect(await handBack(h, sfValue, jordan, { retry: true })).toContain('Handed back');
      expect(await handBack(h, String(hsValue), jordan, { retry: true })).toContain('Handed back');
      await drive(
        h,
        async () => (await crmRows(h)).every((r) => r.status === 'delivered'),
        'every activity written',
      );
      for (const id of [onSf.id, onHs.id]) {
        expect(await eventTypes(h, id)).toEqual([
          'sent',
          'accepted',
          'step_reminded',
          'step_checked_in',
          'handed_back',
        ]);
        expect(
          h.logs.filter((l) => String(l.msg).includes('already had this activity') && l.handoffId === id),
        ).toHaveLength(1);
      }
      const shape = (id: number) => [
        `Co-sell handoff #${id} sent to Jordan Seller`,
        `Co-sell handoff #${id} accepted by Jordan Seller`,
        `Co-sell handoff #${id} handed back to the owner by Jordan Seller`,
      ];
      expect(taskSubjects(sf, opp)).toEqual(shape(onSf.id));
      expect(noteHeadings(hs, deal)).toEqual(shape(onHs.id));

      // The owner's reassignment is one more activity; a sweep later writes nothing again.
      expect(await reassignTo(h, onSf.id, people.otherAe.id)).toEqual({});
      await drive(h, async () => taskSubjects(sf, opp).length === 4, 'the move written');
      await sweepAt(h, '2026-11-30T16:05:00Z');
      expect(taskSubjects(sf, opp).at(-1)).toBe(`Co-sell handoff #${onSf.id} reassigned to Sam Closer`);
      expect(taskSubjects(sf, opp)).toHaveLength(4);
      expect(noteHeadings(hs, deal)).toHaveLength(3);
    } finally {
      await sf.stop();
      await hs.stop();
    }
  });
});
