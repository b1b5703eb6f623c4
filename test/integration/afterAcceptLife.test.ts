import { afterEach, describe, expect, it } from 'vitest';
import { ACCEPT_BLOCK_ID, ACTION_ID } from '../../src/blocks/ids.js';
import { follow } from '../../src/db/repositories/followers.js';
import { openAcceptOn, submitAccept } from '../support/acceptFlow.js';
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
  saysOf,
  sweepAt,
  taskSubjects,
  theDm,
  writePolicy,
} from '../support/afterAcceptFlow.js';
import { answerAE, askAuthor, reads } from '../support/askFlow.js';
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
 * A whole life after the Accept through the real receiver, one escalation policy for all of it.
 *
 * Jordan (the AE, Berlin) gets the Northwind packet Monday 23 November 15:00 Berlin, due Thursday 15:00. Pat (New York)
 * wrote it and owns it. The policy (support/afterAcceptFlow.ts) reminds Jordan the business day before the first step,
 * checks in on its date, tells Pat two business days later and, a business day after that, takes the deal back to the
 * next AE of the backup pool: Sam (Los Angeles), then Mo. The partner reads the accept, the next step and the next AE's
 * accept, never the life between.
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

/** Both CRMs, stopped after the app: the Northwind handoff on a Salesforce opportunity, Contoso on a HubSpot deal. */
const fakes: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.stop();
});
async function onBothCrms(env: Record<string, string>) {
  const sf = await FakeSalesforce.start();
  const hs = await FakeHubspot.start();
  fakes.push(sf, hs);
  const h = await start({ ...env, ...crmEnv(sf, hs) });
  const opp = sf.addOpportunity({ name: 'Northwind expansion', stageName: 'Prospecting' });
  const deal = hs.addDeal({ name: 'Contoso platform' });
  const onSf = (await sendHandoff(h, { crmOpportunity: opp })).handoff;
  const onHs = (await sendHandoff(h, { crmOpportunity: deal, ...account('Contoso') })).handoff;
  return { h, sf, hs, opp, deal, onSf, onHs };
}
/** Each CRM takes its next activity and loses the answer. */
function loseTheNextWrite({ sf, hs }: { sf: FakeSalesforce; hs: FakeHubspot }) {
  sf.fail({ method: 'POST', path: /\/sobjects\/Task$/ }, { status: 503, afterProcessing: true });
  hs.fail(
    { method: 'POST', path: /^\/crm\/objects\/2026-09\/notes$/ },
    { status: 502, afterProcessing: true },
  );
}
/** Every activity delivered, the one whose answer was lost found for each handoff rather than written again. */
async function allWrittenOnce(h: Harness, ids: number[]) {
  await drive(
    h,
    async () => (await crmRows(h)).every((r) => r.status === 'delivered'),
    'every activity written',
  );
  for (const id of ids) {
    const found = h.logs.filter(
      (l) => String(l.msg).includes('already had this activity') && l.handoffId === id,
    );
    expect(found, `handoff ${id}`).toHaveLength(1);
  }
}

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
    // (Tuesday 10-17, Wednesday 9-11) added: Thursday 15:00 becomes Friday 16:00 Berlin. (What each reads of the
    // question and the answer: askBeforeDeciding.test.ts.)
    h.clock.set(ASKED);
    const question = await askAuthor(h, handoff.id, 'Who signs the order at Northwind?');
    await quiet(h);
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      pausedAt: ASKED,
      questionOpen: true,
      dueAt: handoff.dueAt,
      nextReminderAt: null,
    });
    h.clock.set(ANSWERED);
    await answerAE(h, question.id, 'The ops director signs.');
    await quiet(h);
    const resumed = await handoffRow(h, handoff.id);
    expect(resumed).toMatchObject({ pausedAt: null, questionOpen: false, status: 'sent' });
    expect(resumed.dueAt.toISOString()).toBe('2026-11-27T15:00:00.000Z');
    expect(reads(h, people.ae.id, dm.ts)).toContain(
      `please answer by *<!date^${stamp('2026-11-27T15:00:00Z')}^`,
    );
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
    expect(await eventTypes(h, handoff.id)).toEqual([
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

    // Every message stays true: Pat's notice of Jordan's accept stays Jordan's, and the step's reminder, check-in and
    // the owner's "No news" keep Jordan's step; none shows the step Sam committed to.
    expect(saysOf(theDm(h, people.author.id, `<@${people.ae.id}> *accepted*`))).not.toContain('Workshop');
    for (const [reader, needle] of [
      [people.ae.id, 'Coming up'],
      [people.ae.id, 'How did it go?'],
      [people.author.id, 'No news of the first step'],
    ] as const) {
      const words = saysOf(theDm(h, reader, needle));
      expect(words, needle).toContain('Accept the introduction and bring the demo');
      expect(words, needle).not.toContain('Workshop');
      expect(words, needle).not.toContain('It has a new date now');
    }
    expect(saysOf(theDm(h, people.author.id, 'No news of the first step'))).toContain(
      `<@${people.ae.id}> said`,
    );
  });

  it('writes the take-back and the move to Salesforce and HubSpot once each, a lost answer looked for, not written again', async () => {
    const crms = await onBothCrms(lifeEnv());
    const { h, sf, hs, opp, deal, onSf, onHs } = crms;
    h.clock.set(ACCEPTED);
    await acceptAs(h, onSf.id, jordan);
    await acceptAs(h, onHs.id, jordan);
    for (const at of [REMINDER, CHECK_IN, OWNER_TOLD, NUDGE]) await sweepAt(h, at);
    expect(taskSubjects(sf, opp)).toHaveLength(2);
    expect(noteHeadings(hs, deal)).toHaveLength(2);

    // Both CRMs write the take-back's activity and lose the answer: each is looked for before writing again.
    loseTheNextWrite(crms);
    await sweepAt(h, TAKE_BACK);
    expect((await handoffRow(h, onSf.id)).aeUserId).toBe(people.otherAe.id);
    expect((await handoffRow(h, onHs.id)).aeUserId).toBe(people.member.id);
    await allWrittenOnce(h, [onSf.id, onHs.id]);

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
  });
});

/**
 * "Hand it back" from the check-in. Jordan (the AE, Berlin) accepted Thursday 26 November with a step on Monday 30
 * November; on the check-in they hand the deal back. Pat (the author and owner) is told, with Reassign and Withdraw,
 * and gives it to Sam, who accepts with a step of their own. The partner reads the two accepts only. The default policy
 * (no take-back): only the AE's click moves the deal.
 */

const ENV = { FIRST_STEP_BUSINESS_DAYS: '2' };
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
    const crms = await onBothCrms(ENV);
    const { h, sf, hs, opp, deal, onSf, onHs } = crms;
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
    loseTheNextWrite(crms);
    h.clock.set(HANDED_BACK);
    expect(await handBack(h, sfValue, jordan, { retry: true })).toContain('Handed back');
    expect(await handBack(h, String(hsValue), jordan, { retry: true })).toContain('Handed back');
    await allWrittenOnce(h, [onSf.id, onHs.id]);
    for (const id of [onSf.id, onHs.id])
      expect(await eventTypes(h, id)).toEqual([
        'sent',
        'accepted',
        'step_reminded',
        'step_checked_in',
        'handed_back',
      ]);
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
  });
});
