import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { touchLogCsv } from '../../src/revops/exportCsv.js';
import {
  answerAE,
  askAuthor,
  nowOf,
  openAnswer,
  openQuestion,
  questionsOf,
  reads,
  slash,
} from '../support/askFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import { openHome } from '../support/matrix.js';
import { buttonsOf, clickRefused, dmOf, ephemeralAt, handoffRow, json } from '../support/ownerFlow.js';
import {
  accept,
  aeSlackUser,
  click,
  ownerUser,
  partnerCalls,
  partnerHarnesses,
  shown,
} from '../support/partnerFlow.js';
import { people } from '../support/people.js';
import { csvObjects } from '../support/revopsFlow.js';

/**
 * An AE with one question asks the author instead of declining. The question goes to the author under their
 * confirmation of the send; the AE's clock pauses (QUESTION_PAUSE_DAYS, default 2 business days) and both DMs show it;
 * the answer (a button and a modal) starts it again with the paused business time added to the deadline, in the AE's
 * calendar, across a weekend; the pause is left out of the AE's time to decision. The partner hears nothing.
 *
 * Jordan (the AE, Berlin) gets the packet Monday 23 November 15:00 Berlin, due Thursday 26 November 15:00 (3 business
 * days); Pat (the author and owner, New York) wrote it.
 */

const start = partnerHarnesses();
const THURSDAY_11 = new Date('2026-11-26T10:00:00Z');
const MONDAY_10 = new Date('2026-11-30T09:00:00Z');
const QUESTION = 'Is the CFO <!channel> in the intro & who signs the order?';
const ANSWER = 'The CFO joins; the ops director <@U0OWNER> signs.';

const eventsOf = async (h: Harness, id: number) =>
  h.database.db
    .select()
    .from(h.tables.handoffEvents)
    .where(eq(h.tables.handoffEvents.handoffId, id))
    .orderBy(h.tables.handoffEvents.id);

/** Pat's confirmation of the send: where their question arrives, as a reply in its thread. */
const confirmationOf = (h: Harness, id: number) =>
  dmOf(h, people.author.id).find((m) => m.text?.startsWith(`Handoff #${id} `) && m.thread_ts === undefined);

describe('asking the author before deciding', () => {
  it('pauses the clock while the question waits, and the answer resumes it with the paused time added, across a weekend', async () => {
    const h = await start();
    const { handoff, dm } = await sendHandoff(h);
    expect(handoff.dueAt.toISOString()).toBe('2026-11-26T14:00:00.000Z');
    await quiet(h);
    const confirmation = confirmationOf(h, handoff.id);
    expect(confirmation).toBeDefined();

    // Thursday 11:00 Berlin, four business hours before the deadline: Jordan asks Pat.
    h.clock.set(THURSDAY_11);
    const question = await askAuthor(h, handoff.id, QUESTION);
    await quiet(h);
    const paused = await handoffRow(h, handoff.id);
    expect(paused).toMatchObject({
      status: 'sent',
      pausedAt: THURSDAY_11,
      // At most two business days: Monday 11:00 Berlin.
      pauseEndsAt: new Date('2026-11-30T10:00:00Z'),
      questionOpen: true,
      questionAssignment: 1,
      nextReminderAt: null,
      dueAt: handoff.dueAt,
    });
    expect(question).toMatchObject({ text: QUESTION, askedByUserId: people.ae.id, pausedAt: THURSDAY_11 });

    // Jordan's packet, in place: the paused clock, the question (escaped), no second Ask; Accept and Decline stay.
    const packet = reads(h, people.ae.id, dm.ts);
    expect(packet).toContain(
      `*Paused*: waiting for <@${people.author.id}>'s answer since <!date^${THURSDAY_11.getTime() / 1000}^`,
    );
    expect(packet).toContain('Is the CFO &lt;!channel&gt; in the intro &amp; who signs the order?');
    expect(packet).not.toContain('please answer by');
    expect(buttonsOf(nowOf(h, people.ae.id, dm.ts))).toEqual([
      ACTION_ID.accept,
      ACTION_ID.decline,
      ACTION_ID.askMoreTime,
    ]);

    // Pat: the question under their confirmation, with Answer; the confirmation itself says the clock is paused.
    const asked = dmOf(h, people.author.id).find((m) => m.thread_ts === confirmation?.ts);
    expect(asked?.text).toBe(
      `Handoff #${handoff.id} · Northwind Logistics (Meridian Cloud Consulting): Jordan Seller asks you a question before deciding.`,
    );
    expect(shown(asked)).toContain(`<@${people.ae.id}> asks you about handoff #${handoff.id}`);
    expect(shown(asked)).toContain('>Is the CFO &lt;!channel&gt; in the intro &amp; who signs the order?');
    expect(shown(asked)).toContain(
      `clock is paused until you answer, at most until *<!date^${Date.parse('2026-11-30T10:00:00Z') / 1000}^`,
    );
    expect(buttonsOf(asked)).toEqual([ACTION_ID.answerQuestion]);
    expect(reads(h, people.author.id, confirmation?.ts)).toContain(
      `*Now:* with <@${people.ae.id}>, clock *paused* since <!date^${THURSDAY_11.getTime() / 1000}^`,
    );
    expect(reads(h, people.author.id, confirmation?.ts)).toContain('waiting for your answer');

    // Pat's App Home lists it as waiting for their answer; /handoff list and /handoff view show the pause.
    const home = json((await openHome(h, people.author.id)).args.view);
    expect(home).toContain('*Waiting for your answer*');
    expect(home).toContain(`<@${people.ae.id}> asks you, before deciding: “Is the CFO &lt;!channel&gt;`);
    expect(home).toContain(ACTION_ID.answerQuestion);
    expect(await slash(h, 'list', people.author.id)).toContain('clock *paused* since');
    expect(json((await openHome(h, people.ae.id)).args.view)).toContain('clock *paused* since');

    // Friday, after the old deadline: the paused window does not run out.
    h.clock.set(new Date('2026-11-27T15:00:00Z'));
    expect(await h.app.sweeper.sweep()).toEqual({ resumed: 0, expired: 0, reminded: 0, nudged: 0 });
    expect((await handoffRow(h, handoff.id)).status).toBe('sent');

    // Monday 10:00 Berlin, after the weekend: Pat answers. 15 business hours were paused (Thu 11-17, Fri, Mon 9-10):
    // the deadline moves from Thursday 15:00 to Monday 14:00 Berlin, four business hours from now, as it was.
    h.clock.set(MONDAY_10);
    await answerAE(h, question.id, ANSWER);
    await quiet(h);
    const resumed = await handoffRow(h, handoff.id);
    expect(resumed).toMatchObject({ pausedAt: null, pauseEndsAt: null, questionOpen: false });
    expect(resumed.dueAt.toISOString()).toBe('2026-11-30T13:00:00.000Z');
    const [answered] = await questionsOf(h, handoff.id);
    expect(answered).toMatchObject({
      answer: ANSWER,
      answeredByUserId: people.author.id,
      pauseEndedAt: MONDAY_10,
    });

    // Jordan reads the answer under their packet (escaped), and the packet asks again by the new deadline.
    const reply = dmOf(h, people.ae.id).find((m) => m.thread_ts === dm.ts && shown(m).includes('answer'));
    expect(reply?.text).toContain('the author answered your question.');
    expect(shown(reply)).toContain('the ops director &lt;@U0OWNER&gt; signs.');
    expect(shown(reply)).toContain(`answer due *<!date^${Date.parse('2026-11-30T13:00:00Z') / 1000}^`);
    const after = reads(h, people.ae.id, dm.ts);
    expect(after).toContain(`please answer by *<!date^${Date.parse('2026-11-30T13:00:00Z') / 1000}^`);
    expect(after).toContain('The CFO joins');
    expect(after).not.toContain('*Paused*');
    // Pat's question, in place: their answer, no Answer button.
    expect(reads(h, people.author.id, asked?.ts)).toContain('*Your answer*');
    expect(buttonsOf(nowOf(h, people.author.id, asked?.ts))).toEqual([]);
    expect(json((await openHome(h, people.author.id)).args.view)).not.toContain(ACTION_ID.answerQuestion);

    // Jordan accepts at Monday 11:00 Berlin: 36 business hours since the send, 15 of them paused: 21 counted.
    h.clock.set(new Date('2026-11-30T10:00:00Z'));
    await accept(h, handoff.id);
    await quiet(h);
    const events = await eventsOf(h, handoff.id);
    expect(events.map((e) => [e.type, e.actorUserId])).toEqual([
      ['sent', people.author.id],
      ['question_asked', people.ae.id],
      ['question_answered', people.author.id],
      ['accepted', people.ae.id],
    ]);
    expect(events[2]?.detail).toMatchObject({ pausedHours: 15 });
    expect(events[3]?.businessHours).toBe(21);
    // With the first step the accept modal offered (issue 51): three business days after Monday 30 November.
    expect(events[3]?.detail).toEqual({
      pausedHours: 15,
      firstStep: 'Accept the introduction and bring the demo',
      firstStepDue: '2026-12-03',
    });
    // /handoff view tells the story from the touch log.
    const opened = h.slack.callsTo('views.open').length;
    await h.command({
      text: `view ${handoff.id}`,
      user_id: people.author.id,
      trigger_id: h.slack.issueTriggerId(),
    });
    const view = await waitFor(() => h.slack.callsTo('views.open')[opened], 4000, 'the view');
    expect(json(view.args.view)).toContain('asked the author a question (clock paused)');
    expect(json(view.args.view)).toContain('15.0 business hours paused, not counted in the time to decision');

    // RevOps' CSV: one question, and 21 business hours to decision.
    const { csv } = await touchLogCsv(h.database.db, {
      since: new Date('2026-01-01T00:00:00Z'),
      until: new Date('2027-01-01T00:00:00Z'),
    });
    expect(csvObjects(csv).rows[0]).toMatchObject({ questions: '1', business_hours_to_decision: '21.00' });

    // The partner heard only of the acceptance: nothing of the question, its answer or the pause.
    const toPartner = partnerCalls(h).map((c) => JSON.stringify(c.args));
    expect(toPartner.join('\n')).not.toMatch(/question|paused|CFO|signs/i);
    expect(toPartner.some((c) => c.includes('Jordan Seller'))).toBe(true);
  });

  it('at the pause’s longest without an answer, the clock runs again and both are told; a late answer still reaches the AE', async () => {
    const h = await start();
    const { handoff, dm } = await sendHandoff(h);
    await quiet(h);
    const confirmation = confirmationOf(h, handoff.id);
    h.clock.set(THURSDAY_11);
    const question = await askAuthor(h, handoff.id, 'Who signs?');
    await quiet(h);
    const first = dmOf(h, people.author.id).find((m) => m.thread_ts === confirmation?.ts);

    // Monday 11:00 Berlin: two business days of pause. The sweep resumes it from there: 16 business hours paused,
    // so the deadline is Monday 15:00 Berlin, the four hours Jordan had left.
    h.clock.set(new Date('2026-11-30T10:00:00Z'));
    expect(await h.app.sweeper.sweep()).toEqual({ resumed: 1, expired: 0, reminded: 0, nudged: 0 });
    await quiet(h);
    const resumed = await handoffRow(h, handoff.id);
    expect(resumed).toMatchObject({ pausedAt: null, pauseEndsAt: null, questionOpen: true });
    expect(resumed.dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    const events = await eventsOf(h, handoff.id);
    expect(events.at(-1)).toMatchObject({
      type: 'clock_resumed',
      actorUserId: null,
      detail: { pausedHours: 16 },
    });

    // Both told, each in their thread: Jordan that the clock runs again, Pat that they can still answer.
    const toAe = dmOf(h, people.ae.id).find((m) => m.thread_ts === dm.ts);
    expect(toAe?.text).toContain('no answer yet: your clock runs again.');
    expect(shown(toAe)).toContain('No answer came while the clock was paused: your clock runs again since');
    expect(shown(toAe)).toContain(`answer due *<!date^${Date.parse('2026-11-30T14:00:00Z') / 1000}^`);
    const toAuthor = dmOf(h, people.author.id).filter((m) => m.thread_ts === confirmation?.ts);
    expect(toAuthor).toHaveLength(2);
    expect(shown(toAuthor[1])).toContain(`<@${people.ae.id}>'s clock runs again since`);
    expect(shown(toAuthor[1])).toContain('You can still answer.');
    // Answer moves to the newest message: the first one offers it no more.
    expect(buttonsOf(toAuthor[1])).toEqual([ACTION_ID.answerQuestion]);
    expect(buttonsOf(nowOf(h, people.author.id, first?.ts))).toEqual([]);
    expect(reads(h, people.ae.id, dm.ts)).toContain('please answer by');

    // Pat answers late: Jordan reads it; the deadline stays (the clock was already running).
    h.clock.set(new Date('2026-11-30T11:00:00Z'));
    await answerAE(h, question.id, 'The CFO.');
    await quiet(h);
    expect((await handoffRow(h, handoff.id)).dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    expect((await eventsOf(h, handoff.id)).at(-1)?.detail).toEqual({ question: question.id });
    const answered = dmOf(h, people.ae.id).filter((m) => m.thread_ts === dm.ts);
    expect(shown(answered.at(-1))).toContain('The CFO.');

    // Silence after that expires it as any window.
    h.clock.set(new Date('2026-11-30T14:00:00Z'));
    expect((await h.app.sweeper.sweep()).expired).toBe(1);
    expect(partnerCalls(h)).toEqual([]);
  });

  it('tells an owner who is not the author, without Answer, and keeps their copy true; more time given while paused waits with the clock', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h, { ownerUserId: people.owner.id });
    h.clock.set(THURSDAY_11);
    const question = await askAuthor(h, handoff.id, 'Who signs?');
    await quiet(h);
    const copy = dmOf(h, people.owner.id).find((m) => shown(m).includes('asked <@'));
    expect(copy?.text).toContain('Jordan Seller asked the author a question before deciding.');
    expect(shown(copy)).toContain(
      `<@${people.ae.id}> asked <@${people.author.id}> about handoff #${handoff.id}`,
    );
    expect(shown(copy)).toContain(
      `<@${people.ae.id}>'s clock is paused until <@${people.author.id}> answers`,
    );
    expect(buttonsOf(copy)).toEqual([]);
    // Olu's Home says where the handoff stands: with Jordan, paused.
    expect(json((await openHome(h, people.owner.id)).args.view)).toContain('clock *paused* since');

    // More time given while the clock is paused waits with it.
    await askMoreTime(h, handoff.id);
    await quiet(h);
    h.clock.set(new Date('2026-11-26T11:00:00Z'));
    await click(h, ACTION_ID.grantMoreTime, handoff.id, ownerUser);
    await quiet(h);
    const given = await handoffRow(h, handoff.id);
    expect(given).toMatchObject({ pausedAt: THURSDAY_11, nextReminderAt: null });
    expect(given.dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    // The AE's notice does not name a deadline while the clock is paused.
    expect(shown(dmOf(h, people.ae.id).find((m) => shown(m).includes('gave you')))).not.toContain(
      'Please answer by',
    );

    // Monday 10:00 Berlin: 15 business hours paused, added to the longer deadline (Monday 15:00): Wednesday 2
    // December 14:00 Berlin.
    h.clock.set(MONDAY_10);
    await answerAE(h, question.id, 'The CFO.');
    await quiet(h);
    expect((await handoffRow(h, handoff.id)).dueAt.toISOString()).toBe('2026-12-02T13:00:00.000Z');
    const now = reads(h, people.owner.id, copy?.ts);
    expect(now).toContain(`*<@${people.author.id}>'s answer*`);
    expect(now).toContain(`The answer started <@${people.ae.id}>'s clock again, the paused time added`);
    expect(partnerCalls(h)).toEqual([]);
  });

  it('with QUESTION_PAUSE_DAYS=0 the question goes to the author and the clock keeps running', async () => {
    const h = await start({ QUESTION_PAUSE_DAYS: '0' });
    const { handoff, dm } = await sendHandoff(h);
    h.clock.set(THURSDAY_11);
    await askAuthor(h, handoff.id, 'Who signs?');
    await quiet(h);
    expect(await handoffRow(h, handoff.id)).toMatchObject({ pausedAt: null, dueAt: handoff.dueAt, cycle: 1 });
    expect(reads(h, people.ae.id, dm.ts)).toContain('please answer by');
    const asked = dmOf(h, people.author.id).find((m) => shown(m).includes('asks you about'));
    expect(shown(asked)).toContain('clock keeps running: answer due');
    expect((await eventsOf(h, handoff.id)).at(-1)).toMatchObject({
      type: 'question_asked',
      detail: { paused: false },
    });
  });

  // Who may ask and answer, and what anyone else reads, is the authorization matrix's.
  it('refuses a second question, and once decided an answer, a question and the more time asked for', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h, { ownerUserId: people.owner.id });
    const question = await askAuthor(h, handoff.id, 'Who signs?');
    await quiet(h);
    // Asked twice: refused at the button, and a second submission of the modal stores nothing.
    expect((await openQuestion(h, handoff.id)).refusal).toBe(
      `You already asked <@${people.author.id}> your question about handoff #${handoff.id} *Northwind Logistics*: one question each. Nothing was changed.`,
    );
    await askMoreTime(h, handoff.id);
    await quiet(h);
    // Decided: nothing left to ask, no answer needed, no more time to give.
    await accept(h, handoff.id);
    await quiet(h);
    expect((await handoffRow(h, handoff.id)).pausedAt).toBeNull();
    expect((await openAnswer(h, question.id)).refusal).toBe(
      `No answer is needed now: handoff #${handoff.id} *Northwind Logistics* is accepted. Nothing was changed.`,
    );
    expect((await openQuestion(h, handoff.id)).refusal).toContain(
      'is accepted, so there is nothing left to ask',
    );
    expect(await clickRefused(h, ACTION_ID.grantMoreTime, handoff.id, ownerUser)).toBe(
      `Handoff #${handoff.id} *Northwind Logistics* is accepted, so it can no longer be given more time. Nothing was changed.`,
    );
    expect(await questionsOf(h, handoff.id)).toHaveLength(1);
    expect((await eventsOf(h, handoff.id)).map((e) => e.type)).toEqual([
      'sent',
      'question_asked',
      'more_time_asked',
      'accepted',
    ]);
    // The author's question says no answer is needed now, and the owner's request reads as what it was; both say
    // where it stands and offer nothing.
    const asked = dmOf(h, people.author.id).find((m) => shown(m).includes('asks you about'));
    expect(shown(asked)).toContain('No answer is needed now.');
    const request = dmOf(h, people.owner.id).find((m) => shown(m).includes('asks for'));
    for (const message of [asked, request]) {
      expect(shown(message)).toContain('*Now:* accepted by');
      expect(buttonsOf(message)).toEqual([]);
    }
  });
});

/**
 * The AE may ask for more business days before deciding, once per handoff. MORE_TIME_APPROVAL says whether the owner
 * gives them with one click (the default) or they are given at once; the owner is told either way. The partner hears
 * nothing.
 *
 * Jordan (the AE, Berlin) gets the packet Monday 23 November 15:00 Berlin, due Thursday 26 November 15:00; Olu owns it,
 * Pat wrote it.
 */

const stamp = (iso: string) => `<!date^${Date.parse(iso) / 1000}^`;

const movesOf = async (h: Harness, id: number) =>
  (await eventsOf(h, id)).map((e) => ({ type: e.type, by: e.actorUserId, detail: e.detail }));

/** Jordan's "Need more time" (after Slack's confirm dialog); the ephemeral answer, if any, is at the returned URL. */
const askMoreTime = (h: Harness, id: number, user = aeSlackUser) => click(h, ACTION_ID.askMoreTime, id, user);

const ownersHandoff = (h: Harness) => sendHandoff(h, { ownerUserId: people.owner.id });

describe('more time before deciding', () => {
  it('is asked of the owner, who gives it with one click; the AE is told and the deadline moves', async () => {
    const h = await start();
    const { handoff, dm } = await ownersHandoff(h);
    await quiet(h);
    h.clock.set(new Date('2026-11-25T10:00:00Z'));
    await askMoreTime(h, handoff.id);
    await quiet(h);
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      moreTime: 'asked',
      moreTimeDays: 2,
      dueAt: handoff.dueAt,
      cycle: handoff.cycle,
    });
    // Olu is asked, their one click first among their buttons.
    const request = dmOf(h, people.owner.id).find((m) => shown(m).includes('asks for'));
    expect(request?.text).toBe(
      `Handoff #${handoff.id} · Northwind Logistics (Meridian Cloud Consulting): Jordan Seller asks for 2 more business days to answer.`,
    );
    expect(shown(request)).toContain(
      `<@${people.ae.id}> asks for *2 more business days* to answer handoff #${handoff.id}`,
    );
    expect(shown(request)).toContain('Give them with one click; until you do, they have until');
    expect(buttonsOf(request)).toEqual([
      ACTION_ID.grantMoreTime,
      ACTION_ID.reassign,
      ACTION_ID.extend,
      ACTION_ID.withdraw,
    ]);
    // Jordan's packet says it waits for Olu, and no longer offers it.
    expect(reads(h, people.ae.id, dm.ts)).toContain(
      `You asked for 2 more business days: <@${people.owner.id}> gives them with one click; until then the deadline stands.`,
    );
    expect(buttonsOf(nowOf(h, people.ae.id, dm.ts))).toEqual([
      ACTION_ID.accept,
      ACTION_ID.decline,
      ACTION_ID.askQuestion,
    ]);
    expect(json((await openHome(h, people.owner.id)).args.view)).toContain('asks for 2 more business days');

    // Olu gives them: the deadline moves two business days, to Monday 30 November 15:00 Berlin.
    h.clock.set(new Date('2026-11-25T11:00:00Z'));
    await click(h, ACTION_ID.grantMoreTime, handoff.id, ownerUser);
    await quiet(h);
    const given = await handoffRow(h, handoff.id);
    expect(given).toMatchObject({ moreTime: 'granted', cycle: handoff.cycle + 1 });
    expect(given.dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    const told = dmOf(h, people.ae.id).find((m) => shown(m).includes('gave you'));
    expect(shown(told)).toContain(
      `<@${people.owner.id}> gave you *2 more business days* on handoff #${handoff.id}`,
    );
    expect(shown(told)).toContain(`Please answer by *${stamp('2026-11-30T14:00:00Z')}`);
    expect(reads(h, people.ae.id, dm.ts)).toContain(`please answer by *${stamp('2026-11-30T14:00:00Z')}`);
    expect(buttonsOf(nowOf(h, people.ae.id, dm.ts))).toEqual([
      ACTION_ID.accept,
      ACTION_ID.decline,
      ACTION_ID.askQuestion,
    ]);
    // Olu's request, in place: who gave it and until when; their buttons stay there, without the one click.
    const now = reads(h, people.owner.id, request?.ts);
    expect(now).toContain('you gave them');
    expect(now).toContain(`<@${people.ae.id}> now has until *${stamp('2026-11-30T14:00:00Z')}`);
    expect(buttonsOf(nowOf(h, people.owner.id, request?.ts))).toEqual([
      ACTION_ID.reassign,
      ACTION_ID.extend,
      ACTION_ID.withdraw,
    ]);
    expect(await movesOf(h, handoff.id)).toEqual([
      expect.objectContaining({ type: 'sent' }),
      { type: 'more_time_asked', by: people.ae.id, detail: { days: 2, approval: 'owner' } },
      { type: 'more_time_granted', by: people.owner.id, detail: { days: 2 } },
    ]);

    // Once per handoff: a second request and a second click are refused, and change nothing.
    expect(await ephemeralAt(h, await askMoreTime(h, handoff.id))).toBe(
      `More time was already asked for on handoff #${handoff.id} *Northwind Logistics*: once per handoff. The owner <@${people.owner.id}> can still extend it. Nothing was changed.`,
    );
    expect(await clickRefused(h, ACTION_ID.grantMoreTime, handoff.id, ownerUser)).toBe(
      `Handoff #${handoff.id} *Northwind Logistics* is already given the more time its AE asked for. Nothing was changed.`,
    );
    await quiet(h);
    expect(await movesOf(h, handoff.id)).toHaveLength(3);
    expect(partnerCalls(h)).toEqual([]);
  });

  it('with MORE_TIME_APPROVAL=auto is given at once, and the owner is told', async () => {
    const h = await start({ MORE_TIME_APPROVAL: 'auto', MORE_TIME_DAYS: '3' });
    const { handoff, dm } = await ownersHandoff(h);
    await askMoreTime(h, handoff.id);
    await quiet(h);
    const given = await handoffRow(h, handoff.id);
    expect(given.moreTime).toBe('granted');
    // Three business days more: Tuesday 1 December 15:00 Berlin.
    expect(given.dueAt.toISOString()).toBe('2026-12-01T14:00:00.000Z');
    expect(await movesOf(h, handoff.id)).toEqual([
      expect.objectContaining({ type: 'sent' }),
      { type: 'more_time_asked', by: people.ae.id, detail: { days: 3, approval: 'auto' } },
      { type: 'more_time_granted', by: null, detail: { days: 3 } },
    ]);
    const toAe = dmOf(h, people.ae.id).find((m) => shown(m).includes('given at once'));
    expect(shown(toAe)).toContain(
      `You have *3 more business days*, given at once, on handoff #${handoff.id}`,
    );
    const toOwner = dmOf(h, people.owner.id).find((m) => shown(m).includes('3 more business days'));
    expect(toOwner?.text).toContain('Jordan Seller took 3 more business days to answer.');
    expect(shown(toOwner)).toContain(
      `<@${people.ae.id}> asked for *3 more business days* to answer handoff #${handoff.id} *Northwind Logistics* (via Meridian Cloud Consulting): given at once`,
    );
    expect(shown(toOwner)).toContain(`now has until *${stamp('2026-12-01T14:00:00Z')}`);
    expect(buttonsOf(toOwner)).toEqual([ACTION_ID.reassign, ACTION_ID.extend, ACTION_ID.withdraw]);
    expect(reads(h, people.ae.id, dm.ts)).toContain(`please answer by *${stamp('2026-12-01T14:00:00Z')}`);
    expect(partnerCalls(h)).toEqual([]);
  });
});
