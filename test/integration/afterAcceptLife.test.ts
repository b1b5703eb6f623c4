import { afterEach, describe, expect, it } from 'vitest';
import { ACCEPT_BLOCK_ID, ACTION_ID } from '../../src/blocks/ids.js';
import { follow } from '../../src/db/repositories/followers.js';
import { openAcceptOn, submitAccept } from '../support/acceptFlow.js';
import {
  acceptAs,
  crmEnv,
  dmReads,
  jordan,
  liveButtons,
  NEVER_TO_PARTNER,
  noteHeadings,
  partnerSaw,
  sam,
  saysOf,
  sweepAt,
  taskSubjects,
  theDm,
  writePolicy,
} from '../support/afterAcceptFlow.js';
import { answerAE, askAuthor, reads } from '../support/askFlow.js';
import { account, crmRows, drive } from '../support/crmFlow.js';
import { FakeHubspot } from '../support/fakeHubspot.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet } from '../support/harness.js';
import { buttonsOf, handoffRow, json } from '../support/ownerFlow.js';
import { partnerCalls, partnerHarnesses, shown, threadReplies, topLevel } from '../support/partnerFlow.js';
import { people } from '../support/people.js';

/**
 * Issue 51, "Done when": a whole life after the Accept through the real receiver, one escalation policy for all of it.
 *
 * Jordan (the AE, Berlin) gets the Northwind packet Monday 23 November 15:00 Berlin, due Thursday 15:00. Pat (New
 * York) wrote it and owns it. The policy (support/afterAcceptFlow.ts) reminds Jordan the business day before the
 * first step, checks in on its date, tells Pat two business days later and, a business day after that, takes the deal
 * back to the next AE of the backup pool: Sam (Los Angeles), then Mo. The partner reads the accept, the next step and
 * the next AE's accept, never the life between.
 */

const start = partnerHarnesses();
let policy: ReturnType<typeof writePolicy> | undefined;
afterEach(() => policy?.remove());
const lifeEnv = () => {
  policy = writePolicy();
  return { FIRST_STEP_BUSINESS_DAYS: '2', ESCALATION_POLICY_FILE: policy.file };
};

/** The AE's week: asked Tuesday 10:00 Berlin, answered Wednesday 11:00, accepted Thursday 10:00. */
const ASKED = new Date('2026-11-24T09:00:00Z');
const ANSWERED = new Date('2026-11-25T10:00:00Z');
const ACCEPTED = '2026-11-26T09:00:00Z';
/** The step's checks (Monday 30 November): Friday 09:00, Monday 16:00, Wednesday 16:00, Thursday 16:00 Berlin. */
const REMINDER = '2026-11-27T08:00:00Z';
const CHECK_IN = '2026-11-30T15:00:00Z';
const OWNER_TOLD = '2026-12-02T15:00:00Z';
const TAKE_BACK = '2026-12-03T15:00:00Z';
/**
 * The stall nudge's time: five business days after the accept (Thursday 10:00 Berlin). The step's ladder still owes
 * the take-back then, so the nudge waits past it (and the take-back ends it): no third message stacked on the ladder.
 */
const NUDGE = '2026-12-03T09:00:00Z';
const stamp = (at: string | Date) => new Date(at).getTime() / 1000;
const events = async (h: Harness) =>
  (await h.database.db.select().from(h.tables.handoffEvents).orderBy(h.tables.handoffEvents.id)).map(
    (e) => e.type,
  );

describe('a whole life after the Accept', () => {
  it('asks, accepts a step across a weekend, goes silent, is taken back to the pool; the partner reads only accepts', async () => {
    const h = await start(lifeEnv());
    const { handoff, dm } = await sendHandoff(h);
    expect(handoff).toMatchObject({ escalationPolicy: 'strategic', dueAt: new Date('2026-11-26T14:00:00Z') });
    // Olu follows it: a watcher reads each decision as the history says it (issue 77 item 14).
    await h.database.db.transaction((tx) =>
      follow(tx, { handoffId: handoff.id, userId: people.owner.id, notify: 'decisions', at: h.clock.now() }),
    );
    expect(handoff.reminderSchedule).toHaveLength(1);

    // 1. Jordan asks Pat; the clock pauses. Pat answers a business day later; it resumes with 9 paused business hours
    // (Tuesday 10-17, Wednesday 9-11) added: Thursday 15:00 becomes Friday 16:00 Berlin.
    h.clock.set(ASKED);
    const question = await askAuthor(h, handoff.id, 'Who signs the order at Northwind?');
    await quiet(h);
    expect(await handoffRow(h, handoff.id)).toMatchObject({ pausedAt: ASKED, questionOpen: true });
    expect(reads(h, people.ae.id, dm.ts)).toContain(
      `*Paused*: waiting for <@${people.author.id}>'s answer since`,
    );
    const asked = theDm(h, people.author.id, 'asks you about');
    expect(shown(asked)).toContain('>Who signs the order at Northwind?');
    expect(buttonsOf(asked)).toEqual([ACTION_ID.answerQuestion]);
    expect(await handoffRow(h, handoff.id)).toMatchObject({ dueAt: handoff.dueAt, nextReminderAt: null });
    h.clock.set(ANSWERED);
    await answerAE(h, question.id, 'The ops director signs.');
    await quiet(h);
    const resumed = await handoffRow(h, handoff.id);
    expect(resumed).toMatchObject({ pausedAt: null, questionOpen: false, status: 'sent' });
    expect(resumed.dueAt.toISOString()).toBe('2026-11-27T15:00:00.000Z');
    const answer = theDm(h, people.ae.id, 'the author answered your question');
    expect(shown(answer)).toContain('The ops director signs.');
    expect(shown(answer)).toContain(`answer due *<!date^${stamp('2026-11-27T15:00:00Z')}^`);
    expect(reads(h, people.ae.id, dm.ts)).toContain(
      `please answer by *<!date^${stamp('2026-11-27T15:00:00Z')}^`,
    );
    expect(reads(h, people.author.id, asked.ts)).toContain('*Your answer*');
    expect(buttonsOf(theDm(h, people.author.id, 'asks you about'))).toEqual([]);
    expect(partnerCalls(h)).toEqual([]);

    // 2. Thursday 10:00 Berlin: Jordan accepts; the step's date two business days on is Monday, across the weekend.
    h.clock.set(ACCEPTED);
    const modal = await openAcceptOn(h, handoff, dm);
    const due = modal.blocks.find((b) => b.block_id === ACCEPT_BLOCK_ID.due)?.element;
    expect(due?.initial_date).toBe('2026-11-30');
    expect(await submitAccept(h, modal)).toEqual({});
    await quiet(h);
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      status: 'accepted',
      firstStep: 'Accept the introduction and bring the demo',
      firstStepDue: '2026-11-30',
      stepCheck: 'reminder',
      nextStepCheckAt: new Date(REMINDER),
      // The "any news?" nudge comes with the checks over, before the policy takes the deal back (never with it).
      nextStallNudgeAt: new Date(NUDGE),
    });
    const acceptReply =
      ':white_check_mark: *Northwind Logistics*: accepted. Jordan Seller is taking it forward with Dana Reyes (Meridian Cloud Consulting). *Next:* Accept the introduction and bring the demo by Mon 30 Nov.';
    expect(threadReplies(h).map((m) => m.text)).toEqual([acceptReply]);
    expect(json(topLevel(h)[0]?.blocks)).toContain(
      '*Status:* :white_check_mark: Accepted · our AE: Jordan Seller\\n*Next from Jordan Seller:* Accept the introduction and bring the demo by Mon 30 Nov',
    );
    expect(shown(theDm(h, people.author.id, '*accepted* handoff'))).toContain(
      'Next: *Accept the introduction and bring the demo* by Mon 30 Nov.',
    );

    // 3. The reminder on Friday morning, the check-in on Monday afternoon; then silence: Pat told.
    await sweepAt(h, '2026-11-27T07:59:59Z');
    expect(dmReads(h, people.ae.id).some((m) => m.includes('Coming up'))).toBe(false);
    await sweepAt(h, REMINDER);
    expect(shown(theDm(h, people.ae.id, 'Coming up'))).toContain(
      'your first step, *Accept the introduction and bring the demo*, by Mon 30 Nov.',
    );
    await sweepAt(h, CHECK_IN);
    const checkIn = theDm(h, people.ae.id, 'How did it go?');
    expect(shown(checkIn)).toContain('Mon 30 Nov was the date of your first step on handoff #1');
    expect(buttonsOf(checkIn)).toEqual(
      expect.arrayContaining(['handoff_outcome_meeting_held', ACTION_ID.newStepDate, ACTION_ID.handBack]),
    );
    await sweepAt(h, OWNER_TOLD);
    expect(shown(theDm(h, people.author.id, 'No news of the first step'))).toContain(
      `<@${people.ae.id}> said *Accept the introduction and bring the demo* by Mon 30 Nov, was asked on the day`,
    );
    // The nudge's time: the ladder still owes the take-back, so "any news?" waits past it instead of stacking.
    await sweepAt(h, NUDGE);
    expect(dmReads(h, people.ae.id).some((m) => m.includes('any news?'))).toBe(false);
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      status: 'accepted',
      nextStallNudgeAt: new Date(new Date(TAKE_BACK).getTime() + 60_000),
    });

    // 4. Thursday 16:00 Berlin, three business days after the step's date: taken back, on to Sam (the pool's first).
    const partnerBefore = partnerCalls(h).length;
    await sweepAt(h, '2026-12-03T14:59:59Z');
    expect((await handoffRow(h, handoff.id)).status).toBe('accepted');
    await sweepAt(h, TAKE_BACK);
    const moved = await handoffRow(h, handoff.id);
    expect(moved).toMatchObject({
      status: 'sent',
      aeUserId: people.otherAe.id,
      assignment: 2,
      takenBackAt: new Date(TAKE_BACK),
      stepCheck: null,
      nextStallNudgeAt: null,
    });
    // Sam: the packet, why it came to them, and that the partner hears their name only once they accept.
    const samPacket = theDm(h, people.otherAe.id, 'Moved to you from');
    expect(shown(samPacket)).toContain('by the *Strategic accounts* escalation policy');
    expect(shown(samPacket)).toContain('You are the next AE of the *Backup AEs* pool (round robin).');
    expect(shown(samPacket)).toContain('They hear your name only once you accept.');
    expect(buttonsOf(samPacket)).toEqual(expect.arrayContaining([ACTION_ID.accept, ACTION_ID.decline]));
    expect(dmReads(h, people.member.id)).toEqual([]);
    // Jordan: told it was taken back and where it went; not one button is left on any of their messages.
    const told = shown(theDm(h, people.ae.id, 'was taken back from you'));
    expect(told).toContain(
      'your first step, *Accept the introduction and bring the demo* by Mon 30 Nov, had no news 3 business days after its date',
    );
    expect(told).toContain(`It went on to <@${people.otherAe.id}>, the next AE of the *Backup AEs* pool`);
    expect(told).not.toContain('*Reassign*');
    expect(liveButtons(h, people.ae.id)).toEqual([]);
    // Pat: the move, by the policy, with their buttons.
    const move = theDm(h, people.author.id, 'moved from');
    expect(shown(move)).toContain(`moved from <@${people.ae.id}> to <@${people.otherAe.id}>`);
    expect(shown(move)).toContain('recorded nothing on the first step past the check-in');
    expect(buttonsOf(move)).toEqual(expect.arrayContaining([ACTION_ID.reassign, ACTION_ID.withdraw]));
    // Olu, who follows it: taken back from Jordan, then on to Sam by the policy; never "back with its owner".
    const oluRead = dmReads(h, people.owner.id).filter((m) => m.includes(`Handoff #${handoff.id} `));
    expect(
      oluRead.some((m) =>
        m.includes(`Taken back from <@${people.ae.id}>: no news of the first step (due Mon 30 Nov)`),
      ),
    ).toBe(true);
    expect(
      oluRead.some((m) =>
        m.includes(
          `Reassigned from <@${people.ae.id}> to <@${people.otherAe.id}> by the *Strategic accounts* escalation policy`,
        ),
      ),
    ).toBe(true);
    expect(oluRead.join('\n')).not.toMatch(/back (with|to) (its|the) owner/);
    // The partner: no new reply; the parent still says accepted, without Jordan or their step.
    expect(threadReplies(h)).toHaveLength(1);
    const parent = json(topLevel(h)[0]?.blocks);
    expect(parent).toContain('*Status:* :mag: Finding the right person\\n');
    expect(parent).toContain(
      'Latest: :mag: *Northwind Logistics*: accepted; we are finding the right person on our side to take it forward',
    );
    expect(parent).not.toMatch(/Jordan|Intro call/);
    expect(partnerSaw(h, partnerBefore)).not.toMatch(/Jordan|Intro call/);

    // 5. Friday 09:00 in Los Angeles: Sam accepts with a step of their own.
    h.clock.set('2026-12-04T17:00:00Z');
    await acceptAs(h, handoff.id, sam, {
      text: 'Workshop with Dana and the ops director',
      due: '2026-12-09',
    });
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      status: 'accepted',
      aeUserId: people.otherAe.id,
      firstStep: 'Workshop with Dana and the ops director',
      firstStepDue: '2026-12-09',
      stepCheck: 'reminder',
    });
    // Jordan's accept reads on as an accept, naming neither Jordan nor their step (issue 77 item 6).
    expect(threadReplies(h).map((m) => m.text)).toEqual([
      ':white_check_mark: *Northwind Logistics*: accepted. Our team is taking it forward with Dana Reyes (Meridian Cloud Consulting).',
      ':white_check_mark: *Northwind Logistics*: accepted. Sam Closer is taking it forward with Dana Reyes (Meridian Cloud Consulting). *Next:* Workshop with Dana and the ops director by Wed 9 Dec.',
    ]);
    expect(json(topLevel(h)[0]?.blocks)).toContain(
      '*Status:* :white_check_mark: Accepted · our AE: Sam Closer\\n*Next from Sam Closer:* Workshop with Dana and the ops director by Wed 9 Dec',
    );
    expect(shown(theDm(h, people.author.id, `<@${people.otherAe.id}> *accepted*`))).toContain(
      'Next: *Workshop with Dana and the ops director* by Wed 9 Dec.',
    );
    expect(liveButtons(h, people.ae.id)).toEqual([]);

    // The partner read only the two accepts with their steps, and never the life between, nor Jordan after it.
    expect(partnerSaw(h)).not.toMatch(NEVER_TO_PARTNER);
    expect(partnerSaw(h, partnerBefore)).not.toMatch(/Jordan|Intro call/);
    expect(await events(h)).toEqual([
      'sent',
      'question_asked',
      'question_answered',
      'accepted',
      'step_reminded',
      'step_checked_in',
      'step_overdue',
      'taken_back',
      'reassigned',
      'accepted',
    ]);

    // Pat's notice of Jordan's accept stays Jordan's: it does not show the step Sam committed to.
    expect(saysOf(theDm(h, people.author.id, `<@${people.ae.id}> *accepted*`))).not.toContain('Workshop');
  });

  /**
   * Issue 51 item 6, "every message stays true". FAILS TODAY: the step's reminder, check-in and the owner's "No news"
   * (surface `step_check`) render the handoff's current AE and step, so once Sam accepts, Jordan's reminder reads
   * "your first step, *Workshop with Dana and the ops director*, by Mon 30 Nov" with "It has a new date now: Wed 9
   * Dec", and Pat's notice says "<@Sam> said *Workshop…* by Mon 30 Nov". Soft assertions: every wrong line is listed.
   */
  it('keeps the earlier AE’s step messages true once the next AE accepts', async () => {
    const h = await start(lifeEnv());
    const { handoff } = await sendHandoff(h);
    h.clock.set(ACCEPTED);
    await acceptAs(h, handoff.id, jordan);
    for (const at of [REMINDER, CHECK_IN, OWNER_TOLD, NUDGE, TAKE_BACK]) await sweepAt(h, at);
    expect((await handoffRow(h, handoff.id)).aeUserId).toBe(people.otherAe.id);
    h.clock.set('2026-12-04T17:00:00Z');
    await acceptAs(h, handoff.id, sam, {
      text: 'Workshop with Dana and the ops director',
      due: '2026-12-09',
    });
    for (const [reader, needle] of [
      [people.ae.id, 'Coming up'],
      [people.ae.id, 'How did it go?'],
      [people.author.id, 'No news of the first step'],
    ] as const) {
      const words = saysOf(theDm(h, reader, needle));
      expect.soft(words, needle).toContain('Accept the introduction and bring the demo');
      expect.soft(words, needle).not.toContain('Workshop');
      expect.soft(words, needle).not.toContain('It has a new date now');
    }
    expect
      .soft(saysOf(theDm(h, people.author.id, 'No news of the first step')))
      .toContain(`<@${people.ae.id}> said`);
  });

  it('writes the take-back and the move to Salesforce and HubSpot once each, a lost answer looked for, not written again', async () => {
    const sf = await FakeSalesforce.start();
    const hs = await FakeHubspot.start();
    try {
      const h = await start({ ...lifeEnv(), ...crmEnv(sf, hs) });
      const opp = sf.addOpportunity({ name: 'Northwind expansion', stageName: 'Prospecting' });
      const deal = hs.addDeal({ name: 'Contoso platform' });
      const onSf = (await sendHandoff(h, { crmOpportunity: opp })).handoff;
      const onHs = (await sendHandoff(h, { crmOpportunity: deal, ...account('Contoso') })).handoff;
      h.clock.set(ACCEPTED);
      await acceptAs(h, onSf.id, jordan);
      await acceptAs(h, onHs.id, jordan);
      for (const at of [REMINDER, CHECK_IN, OWNER_TOLD, NUDGE]) await sweepAt(h, at);
      expect(taskSubjects(sf, opp)).toHaveLength(2);
      expect(noteHeadings(hs, deal)).toHaveLength(2);

      // Both CRMs write the take-back's activity and lose the answer: each is looked for before writing again.
      sf.fail({ method: 'POST', path: /\/sobjects\/Task$/ }, { status: 503, afterProcessing: true });
      hs.fail(
        { method: 'POST', path: /^\/crm\/objects\/2026-09\/notes$/ },
        { status: 502, afterProcessing: true },
      );
      await sweepAt(h, TAKE_BACK);
      expect((await handoffRow(h, onSf.id)).aeUserId).toBe(people.otherAe.id);
      expect((await handoffRow(h, onHs.id)).aeUserId).toBe(people.member.id);
      await drive(
        h,
        async () => (await crmRows(h)).every((r) => r.status === 'delivered'),
        'every activity written',
      );
      const lost = (id: number) =>
        h.logs.filter((l) => String(l.msg).includes('already had this activity') && l.handoffId === id);
      expect(lost(onSf.id)).toHaveLength(1);
      expect(lost(onHs.id)).toHaveLength(1);

      const shape = (id: number, next: string) => [
        `Co-sell handoff #${id} sent to Jordan Seller`,
        `Co-sell handoff #${id} accepted by Jordan Seller`,
        // Jordan by name, though the deal had moved on to the pool's AE by the time the activity was written.
        `Co-sell handoff #${id} taken back from Jordan Seller: no news of the first step due 2026-11-30`,
        `Co-sell handoff #${id} reassigned to ${next}`,
      ];
      expect(taskSubjects(sf, opp)).toEqual(shape(onSf.id, 'Sam Closer'));
      expect(noteHeadings(hs, deal)).toEqual(shape(onHs.id, 'Mo Member'));
      // The next AE's accept is one more activity each; a sweep later writes nothing again.
      h.clock.set('2026-12-04T17:00:00Z');
      await acceptAs(h, onSf.id, sam);
      await drive(h, async () => taskSubjects(sf, opp).length === 5, 'the next accept written');
      await sweepAt(h, '2026-12-04T17:05:00Z');
      expect(taskSubjects(sf, opp).at(-1)).toBe(`Co-sell handoff #${onSf.id} accepted by Sam Closer`);
      expect(taskSubjects(sf, opp)).toHaveLength(5);
      expect(noteHeadings(hs, deal)).toHaveLength(4);
    } finally {
      await sf.stop();
      await hs.stop();
    }
  });
});
