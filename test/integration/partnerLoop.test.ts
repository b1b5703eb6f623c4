import { expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, OUTCOME_BLOCK_ID, PACKET_BLOCK_ID } from '../../src/blocks/ids.js';
import type { StepTyped } from '../support/acceptFlow.js';
import { dbSnapshot as snapshot } from '../support/dbSnapshot.js';
import { aeUser, sendHandoff, submitAndSend } from '../support/flow.js';
import { type Harness, quiet, SIGNING_SECRET, waitFor } from '../support/harness.js';
import { inlineErrors } from '../support/ib2-answers.js';
import {
  buttonsOf,
  buttonValues,
  dmOf,
  ephemeralAt,
  handoffRow,
  json,
  type OpenedModal,
  outboxDrained,
  type SlackUser,
  submit,
  waitForDm,
} from '../support/ownerFlow.js';
import {
  accept,
  clickOutcome,
  lostSubmission,
  mrkdwnStrings,
  OUTCOME_BUTTONS,
  openOutcomeModal,
  opportunitySubmission,
  partnerCalls,
  partnerHarnesses,
  partnerMessages,
  recordLost,
  recordOpportunity,
  shown,
  threadReplies,
  topLevel,
} from '../support/partnerFlow.js';
import {
  appHomeOpened,
  declineSubmission,
  northwind,
  type PacketValues,
  packetSubmission,
  reviewSubmission,
} from '../support/payloads.js';
import { channels, PARTNER_TEAM, people } from '../support/people.js';
import { postEvent } from '../support/signing.js';

const partnerUser: SlackUser = { id: people.partner.id, team_id: PARTNER_TEAM };

const start = partnerHarnesses();

/** Internal fields of the Northwind packet and the deal: none may ever reach the partner channel. */
const INTERNAL = [
  'OPP-77',
  'OPP-20417',
  northwind.riskNote,
  'reseller',
  northwind.evidenceUrl,
  'docs.example.com',
  northwind.whyPartner,
  northwind.customerTrigger,
  northwind.jointValue,
  northwind.warmPath,
  northwind.sellerNextMove,
  northwind.partnerContactRole,
  '/18',
  'Ready to hand off',
  'nfluenced',
  'ourced',
];

function expectNothingInternalTo(h: Harness, extra: string[] = []) {
  const calls = partnerCalls(h);
  for (const call of calls) {
    const body = JSON.stringify(call.args);
    for (const secret of [...INTERNAL, ...extra])
      expect(body, `${call.method}: ${secret}`).not.toContain(secret);
    // No mentions either: a partner channel names people, never pings them.
    for (const text of mrkdwnStrings(call.args)) expect(text).not.toContain('<@');
  }
  for (const message of partnerMessages(h)) {
    for (const secret of [...INTERNAL, ...extra]) expect(shown(message)).not.toContain(secret);
  }
}

const aeCopy = (h: Harness) => dmOf(h, people.ae.id).find((m) => json(m.blocks).includes('Handoff #'));
const partnerUpdates = (h: Harness) =>
  h.slack.callsTo('chat.update').filter((c) => c.args.channel === channels.partner.id);
const stallNudges = (h: Harness) => dmOf(h, people.ae.id).filter((m) => m.text?.includes('): any news?'));
const outcomeRows = (h: Harness) =>
  h.database.db.select().from(h.tables.outcomes).orderBy(h.tables.outcomes.id);

/**
 * The acceptance's reply: every thread starts with its parent and the reply of its first event. With the first step
 * the AE committed to (issue 51): the accept modal's default, three business days after Monday 23 November.
 */
const ACCEPTED_REPLY =
  ':white_check_mark: *Northwind Logistics*: accepted. Jordan Seller is taking it forward with Dana Reyes (Meridian Cloud Consulting). *Next:* Accept the introduction and bring the demo by Thu 26 Nov.';

/** The acceptance's reply once its step is done or its date has passed: no step is shown as next. */
const ACCEPTED_NOW =
  ':white_check_mark: *Northwind Logistics*: accepted. Jordan Seller is taking it forward with Dana Reyes (Meridian Cloud Consulting).';

/** Sends the Northwind packet and accepts it as the AE; waits for the partner thread's parent and its first reply. */
async function acceptedDeal(h: Harness, values: PacketValues = {}, typed?: StepTyped) {
  const sent = await sendHandoff(h, values);
  await accept(h, sent.handoff.id, undefined, typed);
  await waitFor(() => topLevel(h).length === 1, 4000, 'the partner thread parent');
  await waitFor(() => threadReplies(h).length === 1, 4000, 'the acceptance reply');
  await waitFor(
    () => json(aeCopy(h)?.blocks).includes('No outcome recorded yet.'),
    4000,
    'the AE copy with the outcome buttons',
  );
  return sent;
}

/** Text a person types with every mention and link Slack would act on, tagged to find where it went. */
const inject = (tag: string) =>
  `${tag} <!channel> <!here> <@U0AE> <@U0INJECT> <https://evil.example|click> & *bold*`;
const injected: PacketValues = {
  accountName: inject('acct'),
  crmOpportunity: inject('crm'),
  partnerOrg: inject('org'),
  partnerContactName: inject('contact'),
  partnerContactRole: inject('role'),
  whyPartner: inject('why'),
  customerTrigger: inject('trigger'),
  jointValue: inject('joint'),
  warmPath: inject('warm'),
  sellerNextMove: inject('seller'),
  partnerNextMove: inject('partnermove'),
  riskNote: inject('risk'),
  evidenceUrl: 'https://docs.example.com/x?a=<!channel>&b=<@U0INJECT>|<https://evil.example|click>',
};

/** Every call and response-URL body: nothing typed is live in mrkdwn, and Slack accepted all of it. */
async function expectInert(h: Harness) {
  await quiet(h);
  const bodies = [...h.slack.calls.map((c) => c.args), ...h.slack.responses.map((r) => r.body)];
  const rendered = bodies.flatMap((body) => mrkdwnStrings(body));
  for (const text of rendered) {
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<@U0INJECT>');
    expect(text).not.toContain('<https://evil.example');
  }
  // The typed <@U0AE> next to the marker is escaped too (the app's own <@U0AE> mentions are fine).
  for (const text of rendered) expect(text).not.toContain('<@U0AE> <@U0INJECT>');
  // The typed text did reach people, escaped.
  expect(
    rendered.some((t) => t.includes('&lt;!channel&gt; &lt;!here&gt; &lt;@U0AE&gt; &lt;@U0INJECT&gt;')),
  ).toBe(true);
  expect(h.slack.calls.filter((c) => !c.ok).map((c) => [c.method, c.response])).toEqual([]);
  const rows = await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id);
  expect(rows.filter((r) => r.status !== 'delivered').map((r) => [r.dedupeKey, r.lastError])).toEqual([]);
}

it('the full outcome sequence: send → accept → meeting held → opportunity created → won: one thread in the partner channel, updated in place', async () => {
  const h = await start();
  const { handoff, aeDm } = await acceptedDeal(h);

  const [parent] = topLevel(h);
  expect(parent?.text).toBe('Northwind Logistics: Accepted');
  expect(threadReplies(h)[0]?.text).toBe(ACCEPTED_REPLY);
  // The outcome steps, New date while the first step is ahead, and Hand it back before any outcome (issue 51).
  expect(buttonsOf(aeCopy(h))).toEqual([...OUTCOME_BUTTONS.all, ACTION_ID.newStepDate, ACTION_ID.handBack]);
  const values = buttonValues(aeCopy(h));
  expect([...OUTCOME_BUTTONS.all, ACTION_ID.newStepDate].map((id) => values[id])).toEqual(
    [...OUTCOME_BUTTONS.all, ACTION_ID.newStepDate].map(() => String(handoff.id)),
  );
  // Hand it back carries the window it was shown for: a click on an older message changes nothing.
  expect(values[ACTION_ID.handBack]).toMatch(new RegExp(`^${handoff.id}:\\d+$`));

  // Meeting held: recorded at once from the AE's DM.
  h.clock.set('2026-11-25T10:00:00Z');
  await clickOutcome(h, 'meeting_held', handoff.id);
  // The accept's reply no longer reads its step as next (issue 77 item 6), and the parent moves on.
  await waitFor(() => threadReplies(h).length === 2 && partnerUpdates(h).length === 2, 4000, 'meeting reply');
  expect(threadReplies(h)[0]?.text).toBe(ACCEPTED_NOW);
  await waitFor(() => json(aeCopy(h)?.blocks).includes('Latest outcome: *Meeting held*.'), 4000, 'DM');
  expect(buttonsOf(aeCopy(h))).toEqual(OUTCOME_BUTTONS.afterMeeting);
  expect(topLevel(h)[0]?.text).toBe('Northwind Logistics: Meeting held');

  // Opportunity created: a modal asks for the CRM id.
  h.clock.set('2026-12-02T10:00:00Z');
  await recordOpportunity(h, handoff.id, 'OPP-77');
  await waitFor(() => threadReplies(h).length === 3 && partnerUpdates(h).length === 3, 4000, 'opp reply');
  await waitFor(() => json(aeCopy(h)?.blocks).includes('Latest outcome: *Opportunity created*.'), 4000, 'DM');
  expect(buttonsOf(aeCopy(h))).toEqual(OUTCOME_BUTTONS.afterOpportunity);

  // Won, clicked twice at once: one step, one reply, and the second click is told it is done.
  h.clock.set('2027-01-12T10:00:00Z');
  const wonUrls = await Promise.all([clickOutcome(h, 'won', handoff.id), clickOutcome(h, 'won', handoff.id)]);
  await waitFor(() => threadReplies(h).length === 4 && partnerUpdates(h).length === 4, 4000, 'won reply');
  await outboxDrained(h);
  await quiet(h);
  expect(h.slack.responses.filter((r) => wonUrls.includes(r.url)).map((r) => r.body.text)).toEqual([
    `Handoff #${handoff.id} *Northwind Logistics* is accepted (won), so that step cannot be recorded now. Nothing was changed.`,
  ]);

  // The partner channel: exactly one top-level message, showing where the deal stands now.
  const messages = partnerMessages(h);
  const [top, ...replies] = messages;
  expect(topLevel(h)).toHaveLength(1);
  expect(top?.thread_ts).toBeUndefined();
  expect(top?.edited).toBe(true);
  expect(top?.text).toBe('Northwind Logistics: Won');
  const topShown = shown(top);
  expect(topShown).toContain('*Status:* :trophy: Won · our AE: Jordan Seller');
  // The deal is won: the parent no longer asks Meridian for its next move (it did while the deal was taken up).
  expect(topShown).not.toContain('*Next from');
  expect(topShown).toContain('Latest: :trophy: *Northwind Logistics*: won!');
  expect(topShown).toContain('brought by Dana Reyes (Meridian Cloud Consulting)');

  // Replies in the thread, in order: one per event the partner may know, the acceptance first.
  expect(replies.map((r) => r.thread_ts)).toEqual([top?.ts, top?.ts, top?.ts, top?.ts]);
  expect(replies.map((r) => r.text)).toEqual([
    ACCEPTED_NOW,
    ':handshake: *Northwind Logistics*: Jordan Seller met the customer. Thank you, Dana Reyes (Meridian Cloud Consulting), for the introduction.',
    ':chart_with_upwards_trend: *Northwind Logistics*: there is now an open opportunity, with Jordan Seller leading it.',
    ':trophy: *Northwind Logistics*: won! Thank you, Dana Reyes (Meridian Cloud Consulting), for bringing it to us.',
  ]);

  // Slack calls to the partner channel: the parent and the acceptance's reply, then a reply and an update of the
  // parent per event; the meeting also updates the acceptance's reply, whose step is done (issue 77 item 6).
  const calls = partnerCalls(h);
  expect(calls.every((c) => c.ok)).toBe(true);
  const post = 'chat.postMessage';
  const update = 'chat.update';
  expect(calls.map((c) => c.method)).toEqual([post, post, post, update, update, post, update, post, update]);
  expect(calls[0]?.args.thread_ts).toBeUndefined();
  for (const index of [1, 2, 5, 7]) expect(calls[index]?.args.thread_ts).toBe(top?.ts);
  const updatesOf = (ts: string | undefined) =>
    calls.filter((c) => c.method === 'chat.update' && c.args.ts === ts).map((c) => c.args.text);
  expect(updatesOf(top?.ts)).toEqual([
    'Northwind Logistics: Meeting held',
    'Northwind Logistics: Opportunity open',
    'Northwind Logistics: Won',
  ]);
  expect(updatesOf(replies[0]?.ts)).toEqual([ACCEPTED_NOW]);
  expectNothingInternalTo(h);

  // The AE's copy: one message, edited in place, the latest outcome and no buttons left.
  expect(h.slack.messages(aeDm).filter((m) => json(m.blocks).includes('Handoff #'))).toHaveLength(1);
  expect(json(aeCopy(h)?.blocks)).toContain('Latest outcome: *Closed won*.');
  expect(buttonsOf(aeCopy(h))).toEqual([]);

  // The owner (the author here) hears of each step, internally, with the CRM id.
  const ownerDm = dmOf(h, people.author.id).map((m) => m.text);
  const about = `Handoff #${handoff.id} · Northwind Logistics (Meridian Cloud Consulting)`;
  expect(ownerDm.slice(-3)).toEqual([
    `${about}: Meeting held recorded.`,
    `${about}: Opportunity created recorded.`,
    `${about}: Closed won recorded.`,
  ]);
  const oppNotice = dmOf(h, people.author.id).find((m) =>
    m.text?.endsWith(': Opportunity created recorded.'),
  );
  expect(json(oppNotice?.blocks)).toContain('*CRM opportunity:* OPP-77');
  expect(json(oppNotice?.blocks)).toContain(`<@${people.ae.id}> recorded *Opportunity created*`);

  // One row per step, timestamped, by whom.
  const rows = await outcomeRows(h);
  expect(
    rows.map((r) => [r.outcome, r.crmOpportunity, r.recordedByUserId, r.recordedAt.toISOString()]),
  ).toEqual([
    ['meeting_held', null, people.ae.id, '2026-11-25T10:00:00.000Z'],
    ['opportunity_created', 'OPP-77', people.ae.id, '2026-12-02T10:00:00.000Z'],
    ['won', null, people.ae.id, '2027-01-12T10:00:00.000Z'],
  ]);
  expect(await handoffRow(h, handoff.id)).toMatchObject({
    status: 'accepted',
    outcome: 'won',
    nextStallNudgeAt: null,
    stallNudgedAt: null,
  });

  // Won is final.
  const lostUrl = await clickOutcome(h, 'lost', handoff.id);
  expect(await ephemeralAt(h, lostUrl)).toContain('cannot be recorded now');
  expect(await outcomeRows(h)).toHaveLength(3);
  // The only modals: the accept modal (issue 51) and the opportunity's.
  expect(h.slack.callsTo('views.open').map((c) => (c.args.view as OpenedModal).callback_id)).toEqual([
    CALLBACK_ID.accept,
    CALLBACK_ID.opportunity,
  ]);
});

it('closed lost: the partner hears a partner-safe wording; the owner gets the reason and the note; later steps are refused', async () => {
  const h = await start();
  const { handoff } = await acceptedDeal(h);

  // Before it: an opportunity needs its CRM id; left blank, the modal says so.
  const { private_metadata: privateMetadata } = await openOutcomeModal(h, 'opportunity_created', handoff.id);
  for (const crm of [null, '   '])
    expect(await submit(h, opportunitySubmission({ handoffId: handoff.id, crm, privateMetadata }))).toEqual(
      inlineErrors({ [OUTCOME_BLOCK_ID.crmOpportunity]: 'Give the CRM opportunity id or link.' }),
    );

  // A reason is required; the modal stays open with an inline error.
  const modal = await openOutcomeModal(h, 'lost', handoff.id);
  expect(modal.blocks.map((b) => b.block_id)).toEqual([
    undefined,
    OUTCOME_BLOCK_ID.reason,
    OUTCOME_BLOCK_ID.note,
  ]);
  expect(
    await submit(
      h,
      lostSubmission({ handoffId: handoff.id, reason: null, privateMetadata: modal.private_metadata }),
    ),
  ).toEqual({ response_action: 'errors', errors: { [OUTCOME_BLOCK_ID.reason]: 'Choose a reason.' } });
  expect(await outcomeRows(h)).toHaveLength(0);

  const note = 'Went with Globex at 20% less';
  await recordLost(h, handoff.id, 'competitor', note);
  await waitFor(() => threadReplies(h).length === 2 && partnerUpdates(h).length === 2, 4000, 'lost reply');
  await outboxDrained(h);

  const reply = threadReplies(h).at(-1);
  expect(reply?.text).toBe(
    '*Northwind Logistics*: closed without a win. The customer chose another option. Thank you, Dana Reyes (Meridian Cloud Consulting), for bringing it.',
  );
  expect(topLevel(h)[0]?.text).toBe('Northwind Logistics: Closed, not won');
  expectNothingInternalTo(h, [note, 'Globex', '20%', 'Lost to a competitor', 'competitor']);

  const notice = await waitForDm(h, people.author.id, 'recorded *Closed lost*', 'the owner notice');
  expect(json(notice.blocks)).toContain('*Reason:* Lost to a competitor');
  expect(json(notice.blocks)).toContain(`*Note (internal):* ${note}`);
  expect(await outcomeRows(h)).toEqual([
    expect.objectContaining({
      outcome: 'lost',
      reasonCode: 'competitor',
      note,
      recordedByUserId: people.ae.id,
    }),
  ]);
  await waitFor(() => json(aeCopy(h)?.blocks).includes('Latest outcome: *Closed lost*.'), 4000, 'DM');
  expect(buttonsOf(aeCopy(h))).toEqual([]);

  // Lost is final: nothing more can be recorded, and the partner hears nothing more.
  const before = await snapshot(h);
  const meetingUrl = await clickOutcome(h, 'meeting_held', handoff.id);
  const refusal = await ephemeralAt(h, meetingUrl);
  expect(refusal).toContain('cannot be recorded now');
  expect(refusal).toContain('Nothing was changed');
  expect(await ephemeralAt(h, await clickOutcome(h, 'won', handoff.id))).toContain('cannot be recorded now');
  const opensBefore = h.slack.callsTo('views.open').length;
  expect(await ephemeralAt(h, await clickOutcome(h, 'opportunity_created', handoff.id))).toContain(
    'cannot be recorded now',
  );
  expect(h.slack.callsTo('views.open')).toHaveLength(opensBefore);
  expect(
    (await submit(h, opportunitySubmission({ handoffId: handoff.id, crm: 'OPP-1' }))).errors?.[
      OUTCOME_BLOCK_ID.crmOpportunity
    ],
  ).toContain('cannot be recorded now');
  await quiet(h);
  expect(await snapshot(h)).toEqual(before);
  // The parent, the acceptance's reply and the loss's.
  expect(partnerMessages(h)).toHaveLength(3);
});

it('outcome steps are refused on a handoff not yet accepted and on a declined one; the typed decline note stays inert', async () => {
  // Who may record each step, who reports it instead, and every refusal: authorizationMatrix.test.ts.
  const h = await start();
  const { handoff } = await sendHandoff(h, { accountName: inject('acct') });
  const waiting = await ephemeralAt(h, await clickOutcome(h, 'meeting_held', handoff.id));
  expect(waiting).toContain('is waiting for the AE, so that step cannot be recorded now');
  expect(await ephemeralAt(h, await clickOutcome(h, 'lost', handoff.id))).toContain('cannot be recorded now');
  expect(
    (await submit(h, opportunitySubmission({ handoffId: handoff.id, crm: 'OPP-1' }))).errors?.[
      OUTCOME_BLOCK_ID.crmOpportunity
    ],
  ).toContain('cannot be recorded now');
  expect((await handoffRow(h, handoff.id)).status).toBe('sent');

  const note = inject('declinenote');
  expect(
    await submit(h, declineSubmission({ handoffId: handoff.id, reason: 'timing', note, user: aeUser })),
  ).toEqual({});
  await waitForDm(h, people.author.id, 'declinenote &lt;!channel&gt;', 'the owner notice with the note');
  // The thread's parent and the decline's reply.
  await waitFor(() => partnerMessages(h).length === 2, 4000, 'declined post');
  const declined = await ephemeralAt(h, await clickOutcome(h, 'won', handoff.id));
  expect(declined).toContain('is declined, so that step cannot be recorded now');
  expect(
    (await submit(h, lostSubmission({ handoffId: handoff.id, reason: 'timing' }))).errors?.[
      OUTCOME_BLOCK_ID.reason
    ],
  ).toContain('cannot be recorded now');
  expect(h.slack.callsTo('views.open')).toHaveLength(0);
  expect(await outcomeRows(h)).toHaveLength(0);
  await outboxDrained(h);
  await expectInert(h);
  expect(JSON.stringify(partnerCalls(h))).not.toContain('declinenote');
  expect(partnerMessages(h)).toHaveLength(2);
  expect(await handoffRow(h, handoff.id)).toMatchObject({ status: 'declined', outcome: null });
});

it('stalled deals: nudges the AE once per quiet period, restarts the period on each outcome, stops after won, and catches up once after downtime', async () => {
  const h = await start();
  // Accepted Monday 2026-11-23 15:00 Berlin (the harness clock); five business days later: Monday 30th 15:00 Berlin.
  // Its first step due today: the quiet period alone sets the nudge (a later step holds it: acceptWithStep).
  const { handoff } = await acceptedDeal(h, {}, { due: '2026-11-23' });
  const nextNudge = async () => (await handoffRow(h, handoff.id)).nextStallNudgeAt?.toISOString();
  expect(await nextNudge()).toBe('2026-11-30T14:00:00.000Z');
  expect((await handoffRow(h, handoff.id)).lastActivityAt?.toISOString()).toBe('2026-11-23T14:00:00.000Z');
  const nothing = { resumed: 0, expired: 0, reminded: 0, nudged: 0 };
  const nudged = { resumed: 0, expired: 0, reminded: 0, nudged: 1 };

  h.clock.set('2026-11-30T13:59:59Z');
  expect(await h.app.sweeper.sweep()).toEqual(nothing);
  await quiet(h);
  expect(stallNudges(h)).toHaveLength(0);

  h.clock.set('2026-11-30T14:00:00Z');
  expect(await h.app.sweeper.sweep()).toEqual(nudged);
  const [first] = await waitFor(() => stallNudges(h).length === 1 && stallNudges(h), 4000, 'the first nudge');
  expect(first?.text).toBe(
    `Handoff #${handoff.id} · Northwind Logistics (Meridian Cloud Consulting): any news? The partner is waiting to hear what happened since.`,
  );
  expect(json(first?.blocks)).toContain(`Handoff #${handoff.id} *Northwind Logistics*`);
  expect(json(first?.blocks)).toContain('No outcome recorded yet.');
  expect(buttonsOf(first)).toEqual(OUTCOME_BUTTONS.all);
  expect(Object.values(buttonValues(first))).toEqual(OUTCOME_BUTTONS.all.map(() => String(handoff.id)));
  // The same moment swept again: nothing more.
  expect(await h.app.sweeper.sweep()).toEqual(nothing);
  expect(await nextNudge()).toBe('2026-12-07T14:00:00.000Z');

  // A week later, one more.
  h.clock.set('2026-12-07T13:59:00Z');
  expect(await h.app.sweeper.sweep()).toEqual(nothing);
  h.clock.set('2026-12-07T14:00:00Z');
  expect(await h.app.sweeper.sweep()).toEqual(nudged);
  await waitFor(() => stallNudges(h).length === 2, 4000, 'the second nudge');

  // Meeting held on Tuesday 11:00 Berlin: the next nudge is five business days after it, not on the old cadence.
  h.clock.set('2026-12-08T10:00:00Z');
  await clickOutcome(h, 'meeting_held', handoff.id);
  expect(await nextNudge()).toBe('2026-12-15T10:00:00.000Z');
  h.clock.set('2026-12-14T14:00:00Z');
  expect(await h.app.sweeper.sweep()).toEqual(nothing);
  h.clock.set('2026-12-15T10:00:00Z');
  expect(await h.app.sweeper.sweep()).toEqual(nudged);
  const third = await waitFor(
    () => stallNudges(h).length === 3 && stallNudges(h)[2],
    4000,
    'the third nudge',
  );
  expect(json(third?.blocks)).toContain('Latest outcome: *Meeting held*.');
  expect(buttonsOf(third)).toEqual(OUTCOME_BUTTONS.afterMeeting);

  // Two weeks of downtime (the nudges of 22 and 29 December missed): one nudge, not two.
  h.clock.set('2027-01-04T12:00:00Z');
  expect(await h.app.sweeper.sweep()).toEqual(nudged);
  expect(await h.app.sweeper.sweep()).toEqual(nothing);
  await waitFor(() => stallNudges(h).length === 4, 4000, 'the catch-up nudge');
  expect(await nextNudge()).toBe('2027-01-11T12:00:00.000Z');

  // Won: no more nudges, ever.
  h.clock.set('2027-01-05T09:00:00Z');
  await clickOutcome(h, 'won', handoff.id);
  expect((await handoffRow(h, handoff.id)).nextStallNudgeAt).toBeNull();
  for (const at of ['2027-01-11T12:00:00Z', '2027-03-01T12:00:00Z']) {
    h.clock.set(at);
    expect(await h.app.sweeper.sweep()).toEqual(nothing);
  }
  await outboxDrained(h);
  await quiet(h);
  expect(stallNudges(h)).toHaveLength(4);
  // Nudges are the AE's business: the partner thread holds only the deal's events.
  expect(threadReplies(h).map((r) => r.text?.split(' ')[0])).toEqual([
    ':white_check_mark:',
    ':handshake:',
    ':trophy:',
  ]);
});

it('the app is not in the partner channel: keeps the partner updates waiting in order, tells the owner once, and delivers each once after the invite', async () => {
  const h = await start();
  const { handoff } = await sendHandoff(h);
  // Someone removes the app from the shared channel after the packet was sent.
  h.slack.addChannel({ ...channels.partner, members: [] });

  await accept(h, handoff.id);
  const invite = await waitForDm(h, people.author.id, '/invite @Handoff', 'the invite instructions');
  expect(json(invite.blocks)).toContain(`<#${channels.partner.id}>`);
  expect(json(invite.blocks)).toContain('The update is kept');

  h.clock.set('2026-11-24T10:00:00Z');
  await clickOutcome(h, 'meeting_held', handoff.id);
  h.clock.set('2026-11-25T10:00:00Z');
  await recordOpportunity(h, handoff.id, 'OPP-77');
  // Internal messages are not held up by the partner channel.
  await waitForDm(h, people.author.id, 'recorded *Opportunity created*', 'the owner notice');
  await waitFor(() => json(aeCopy(h)?.blocks).includes('Latest outcome: *Opportunity created*.'), 4000, 'DM');

  // Retries while the app is still out keep it waiting, the owner told once: outage.test.ts.
  const waiting = (await h.database.db.select().from(h.tables.outbox).orderBy(h.tables.outbox.id)).filter(
    (r) => r.channelKey === channels.partner.id,
  );
  // The parent waits; it shows the deal as it stands when it is posted, so no update of it is queued behind it.
  // Each event's reply waits behind it, the acceptance's first.
  expect(waiting.map((r) => [r.method, r.status, r.audience, r.dedupeKey])).toEqual([
    ['chat.postMessage', 'pending', 'partner', `handoff:${handoff.id}:decided:partner_parent`],
    ['chat.postMessage', 'pending', 'partner', `handoff:${handoff.id}:decided:partner`],
    ['chat.postMessage', 'pending', 'partner', `handoff:${handoff.id}:outcome:meeting_held:partner`],
    ['chat.postMessage', 'pending', 'partner', `handoff:${handoff.id}:outcome:opportunity_created:partner`],
  ]);
  expect(partnerMessages(h)).toHaveLength(0);
  expect(partnerCalls(h).filter((c) => c.ok)).toHaveLength(0);

  // The app is invited again: the parent (showing the deal now), then the replies, each once and in order.
  h.slack.addChannel({ ...channels.partner, members: [h.slack.botUserId] });
  h.clock.advance(2 * 60 * 60_000);
  await waitFor(() => partnerMessages(h).length === 4, 8000, 'the queued partner updates');
  await outboxDrained(h);
  await quiet(h);

  const delivered = partnerCalls(h).filter((c) => c.ok);
  expect(delivered.map((c) => c.method)).toEqual(Array(4).fill('chat.postMessage'));
  const [top, ...replies] = partnerMessages(h);
  expect(topLevel(h)).toHaveLength(1);
  expect(top?.text).toBe('Northwind Logistics: Opportunity open');
  expect(replies.map((r) => r.thread_ts)).toEqual([top?.ts, top?.ts, top?.ts]);
  expect(replies.map((r) => r.text?.split(' ')[0])).toEqual([
    ':white_check_mark:',
    ':handshake:',
    ':chart_with_upwards_trend:',
  ]);
  expect(dmOf(h, people.author.id).filter((m) => json(m.blocks).includes('/invite @Handoff'))).toHaveLength(
    1,
  );
  expectNothingInternalTo(h);
});

it('people from another organization cannot act: refuses a Slack Connect partner’s packet, and their send of an author’s draft; nothing changes', async () => {
  // Every handoff button, modal and /handoff of theirs is refused, changing nothing: authorizationMatrix.test.ts.
  const h = await start();
  const pendingReview = await h.interact(
    packetSubmission({ viewId: 'V0AUTHORDRAFT', values: { accountName: 'Contoso' } }),
  );
  const { draftId } = JSON.parse(
    ((await pendingReview.json()) as { view: { private_metadata: string } }).view.private_metadata,
  ) as { draftId: number };
  const before = await snapshot(h);
  const review = await submit(h, reviewSubmission({ draftId, user: partnerUser }));
  expect(review.response_action).toBe('update');
  const packet = await submit(h, packetSubmission({ user: partnerUser, viewId: 'V0PARTNERPACKET' }));
  expect(packet).toEqual(
    inlineErrors({
      [PACKET_BLOCK_ID.accountName]: 'Only members of the team that runs this app can send handoffs.',
    }),
  );
  await quiet(h);
  expect(await snapshot(h)).toEqual(before);
  expect(partnerCalls(h)).toEqual([]);
});

it('user text never becomes a mention or a link: in every packet field, through accept, a stall nudge, the App Home, the outcome steps and the lost note', async () => {
  const h = await start();
  const { answer } = await submitAndSend(h, injected, { overrideReason: inject('override') });
  expect(answer).toEqual({ response_action: 'clear' });
  const handoff = (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id))[0];
  if (!handoff) throw new Error('no handoff');
  await waitFor(() => aeCopy(h), 4000, 'the AE DM');
  // Its first step due today: the stall nudge keeps its quiet period (a later step holds it: acceptWithStep).
  // The AE types the step the partner reads (the modal offers the seller next move, which is theirs to keep or
  // not): it is escaped too, and the packet's internal fields reach the partner only as the AE typed them.
  await accept(h, handoff.id, undefined, { due: '2026-11-23', text: inject('step') });
  await waitFor(() => topLevel(h).length === 1, 4000, 'the partner parent');

  h.clock.set('2026-11-30T14:00:00Z');
  expect((await h.app.sweeper.sweep()).nudged).toBe(1);
  // Delivered before the next step: a nudge still queued when news comes in is dropped as obsolete.
  await quiet(h);
  await clickOutcome(h, 'meeting_held', handoff.id);
  await postEvent(h.eventsUrl, SIGNING_SECRET, appHomeOpened(people.ae.id, 'EvInject1'));
  await waitFor(() => h.slack.callsTo('views.publish').length === 1, 4000, 'the App Home');
  // Its newer figures are published in the background with the first publish's hash: done before the next step,
  // whose own publish of this Home would otherwise race it, and one of the two meet Slack's hash_conflict (which
  // the app handles by publishing again; this test counts every refused call).
  await quiet(h);
  await recordOpportunity(h, handoff.id, inject('opp'));
  await recordLost(h, handoff.id, 'other', inject('lostnote'));
  // A refusal that names the account.
  expect(await ephemeralAt(h, await clickOutcome(h, 'won', handoff.id))).toContain('&lt;!channel&gt;');

  // The acceptance's reply and the three steps'.
  await waitFor(() => threadReplies(h).length === 4, 8000, 'the partner replies');
  await outboxDrained(h);
  await quiet(h);
  await expectInert(h);
  // The partner thread shows the account and contact as typed, escaped, and nothing internal.
  expect(shown(topLevel(h)[0])).toContain('acct &lt;!channel&gt;');
  // The step the AE typed, escaped where the partner read it.
  const calls = partnerCalls(h).map((call) => JSON.stringify(call.args));
  expect(calls.some((c) => c.includes('step &lt;!channel&gt;'))).toBe(true);
  for (const c of calls) expect(c).not.toContain('step <!channel');
  const internal = [
    'crm',
    'role',
    'why',
    'trigger',
    'joint',
    'warm',
    'seller',
    'risk',
    'opp',
    'lostnote',
    'override',
  ];
  for (const call of partnerCalls(h)) {
    for (const tag of internal) {
      expect(JSON.stringify(call.args), tag).not.toContain(`${tag} &lt;!channel`);
      expect(JSON.stringify(call.args), tag).not.toContain(`${tag} <!channel`);
    }
  }
});
