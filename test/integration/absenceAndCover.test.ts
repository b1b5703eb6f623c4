import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTION_ID,
  CALLBACK_ID,
  COVER_BLOCK_ID,
  OWNER_BLOCK_ID,
  REVIEW_BLOCK_ID,
} from '../../src/blocks/ids.js';
import { eventsOf } from '../../src/db/repositories/events.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { touchLogCsv } from '../../src/revops/exportCsv.js';
import { acceptHandoff } from '../support/acceptFlow.js';
import { account } from '../support/crmFlow.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, waitFor } from '../support/harness.js';
import {
  dmOf,
  handoffRow,
  json,
  openOwnerModal,
  outboxDrained,
  QUIET,
  slashReply,
  sweepAt,
  waitForDm,
} from '../support/ownerFlow.js';
import { partnerCalls } from '../support/partnerFlow.js';
import { blockAction, confirmationsOn, reviewSubmission, viewSubmission } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';
import { handoffRows, lastHandoff, reviewPacket } from '../support/reviewFlow.js';
import { blocksOf, csvObjects, headlineFigure, openHome, ROLES, revopsUser } from '../support/revopsFlow.js';
import { startWithPolicyFile } from '../support/time-policyFile.js';

const start = harnessPerTest();

/**
 * An AE who is away (their Slack status) or has named a cover: the review says so and offers the choices (the
 * cover, the window from their return, now anyway); `/handoff cover` names a cover; escalation levels reach it.
 * Naming a cover says who answers while the AE is away; it does not make them away. Being away is their Slack status,
 * or the days away they give in the cover form. An expiry in a window not spent away is their silence everywhere: the
 * touch log, the metrics and the RevOps App Home, the owner's notice, the escalation post and the history.
 */
const BACK = new Date('2026-11-27T08:00:00Z');

/** The review of a packet for `name`, and the choices it offers while the AE is away. */
async function review(h: Harness, name: string, values: { ownerUserId?: string } = {}) {
  const { review: view, draftId } = await reviewPacket(h, { ...account(name), ...values });
  type Radio = { block_id?: string; element?: { options?: { value: string }[] } };
  const absence = (view.blocks as Radio[]).find((b) => b.block_id === REVIEW_BLOCK_ID.absence);
  return { view, draftId, choices: absence?.element?.options?.map((o) => o.value) };
}

async function send(h: Harness, r: Awaited<ReturnType<typeof review>>, absence: string | null) {
  const response = await h.interact(
    reviewSubmission({ draftId: r.draftId, confirm: confirmationsOn(r.view), absence }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { response_action?: string; errors?: Record<string, string> };
}

/** The handoff's first event of `type`. */
const eventOf = async (h: Harness, id: number, type: string) =>
  (await eventsOf(h.database.db, id)).find((e) => e.type === type);
const factsOf = async (h: Harness, id: number) =>
  (
    await h.database.db
      .select({ type: h.tables.metricFacts.type })
      .from(h.tables.metricFacts)
      .where(eq(h.tables.metricFacts.handoffId, id))
      .orderBy(h.tables.metricFacts.eventId)
  ).map((f) => f.type);
const escalationPost = (h: Harness, name: string) =>
  waitFor(
    () => h.slack.messages(channels.internal.id).find((m) => json(m.blocks).includes(name)),
    4000,
    'the escalation post',
  );

/** `/handoff <text>` typed by Jordan: the cover form Slack was asked to open. */
async function coverForm(h: Harness, text: string) {
  const before = h.slack.callsTo('views.open').length;
  expect((await h.command({ text, user_id: people.ae.id })).status).toBe(200);
  const call = await waitFor(() => h.slack.callsTo('views.open')[before], 4000, 'the cover form');
  return call.args.view as { callback_id: string; blocks: unknown[] };
}

/** The cover form as Jordan submits it: who covers, until when, and (if given) from which day Jordan is away. */
function coverSubmission(cover: string, until: string, from: string | null = null) {
  const picked = (type: string, field: string, value: string | null) => ({
    [ACTION_ID.value]: { type, [field]: value },
  });
  return viewSubmission({
    callbackId: CALLBACK_ID.cover,
    user: aeUser,
    privateMetadata: '{}',
    values: {
      [COVER_BLOCK_ID.cover]: picked('users_select', 'selected_user', cover),
      [COVER_BLOCK_ID.from]: picked('datepicker', 'selected_date', from),
      [COVER_BLOCK_ID.until]: picked('datepicker', 'selected_date', until),
    },
  });
}

/** What Slack is answered for the cover form: the errors on its fields, or nothing (saved, the modal closes). */
async function coverErrors(h: Harness, cover: string, until: string, from: string | null = null) {
  const response = await h.interact(coverSubmission(cover, until, from));
  expect(response.status).toBe(200);
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as { response_action?: string; errors?: Record<string, string> };
}
const nameCover = async (h: Harness, cover: string, until: string, from: string | null = null) =>
  expect(await coverErrors(h, cover, until, from)).toEqual({});

describe('absence and cover', () => {
  let h: Harness;
  beforeAll(async () => {
    const covered = [
      { at: '50%', action: 'notify', to: ['cover'] },
      { at: 'due+2h', action: 'reassign', to: ['cover'] },
    ];
    const routes = [{ partner: 'Meridian Cloud Consulting', policy: 'covered' }];
    h = await startWithPolicyFile({ policies: { covered }, routes }, { env: QUIET });
  });
  afterAll(() => h.stop());

  it('/handoff cover opens a form; a cover is saved with inline errors for what cannot be', async () => {
    const view = await coverForm(h, 'cover @sam until 2026-12-04');
    expect(view.callback_id).toBe(CALLBACK_ID.cover);
    // The date typed after "until" is prefilled; the person is picked in the form.
    expect(json(view.blocks)).toContain('"initial_date":"2026-12-04"');

    // An escaped mention (`<@U…|name>`) prefills the person too.
    const prefilled = await coverForm(h, `cover <@${people.otherAe.id}|sam> until 2026-12-05`);
    expect(json(prefilled.blocks)).toContain(`"initial_user":"${people.otherAe.id}"`);

    expect(await coverErrors(h, people.ae.id, '2026-12-04')).toEqual({
      response_action: 'errors',
      errors: { [COVER_BLOCK_ID.cover]: 'Choose a colleague, not yourself.' },
    });
    expect((await coverErrors(h, people.partner.id, '2026-12-04')).errors?.[COVER_BLOCK_ID.cover]).toMatch(
      /own company/,
    );
    expect((await coverErrors(h, people.otherAe.id, '2026-11-01')).errors?.[COVER_BLOCK_ID.until]).toBe(
      'Pick today or a later day.',
    );
    await nameCover(h, people.otherAe.id, '2026-12-04');
    expect(await h.database.db.select().from(h.tables.covers)).toMatchObject([
      { aeUserId: people.ae.id, coverUserId: people.otherAe.id, until: '2026-12-04' },
    ]);
    await waitFor(
      () =>
        dmOf(h, people.ae.id).find((m) =>
          String(m.text).includes(
            'covers for you while your Slack status says you are away, until *2026-12-04*',
          ),
        ),
      4000,
      'the confirmation',
    );
  });

  it('the review says the AE is away and offers the cover (not one who is the owner), the window from their return, or now', async () => {
    h.slack.setStatus(people.ae.id, { text: 'Vacation', emoji: ':palm_tree:', expiration: BACK });
    const r = await review(h, 'Away Account One');
    const text = json(r.view.blocks);
    // The return day in the AE's calendar (Berlin), said so (issue 50).
    expect(text).toContain('*Jordan Seller is away* (back Fri 27 Nov, their time): :palm_tree: Vacation.');
    expect(text).toContain(`has named <@${people.otherAe.id}> to answer for them until 2026-12-04`);
    expect(r.choices).toEqual(['cover', 'when_back', 'now']);
    // The partner preview names the AE the packet was written for, and says whom the partner reads if sent to the
    // cover (the partner post names whoever has it).
    expect(text).toContain('our AE: Jordan Seller');
    expect(text).toContain(
      "If you send it to Sam Closer (Jordan Seller's cover), Meridian Cloud Consulting reads *Sam Closer* as our AE instead.",
    );

    // No choice: asked on the field, nothing sent.
    const none = await send(h, r, null);
    expect(none.response_action).toBe('errors');
    expect(none.errors?.[REVIEW_BLOCK_ID.absence]).toMatch(/Choose what to do while the AE is away/);

    const sent = await send(h, r, 'cover');
    expect(sent).toEqual({ response_action: 'clear' });
    const h1 = await lastHandoff(h);
    expect(h1).toMatchObject({ aeUserId: people.otherAe.id, aeName: 'Sam Closer' });
    // The touch log says who acts for whom.
    expect((await eventOf(h, h1.id, 'sent'))?.detail).toMatchObject({ coverFor: people.ae.id });
    await waitForDm(h, people.otherAe.id, 'Away Account One', 'the packet for the cover');

    // A cover who is the owner is not offered: sending to them would make the owner the AE.
    const owned = await review(h, 'Owner Covers Account', { ownerUserId: people.otherAe.id });
    expect(owned.choices).toEqual(['when_back', 'now']);
    expect(json(owned.view.blocks)).not.toContain('to answer for them');
    // A stale or forged choice of the cover is refused on the field; nothing is sent.
    const forged = await send(h, owned, 'cover');
    expect(forged.response_action).toBe('errors');
    expect(forged.errors?.[REVIEW_BLOCK_ID.absence]).toMatch(/Choose what to do while the AE is away/);
    expect((await handoffRows(h)).map((x) => x.accountName)).not.toContain('Owner Covers Account');
    expect(await send(h, owned, 'now')).toEqual({ response_action: 'clear' });
    expect(await lastHandoff(h)).toMatchObject({ aeUserId: people.ae.id, ownerUserId: people.otherAe.id });
  });

  it('"when they are back" starts the window at their return: their days away are not their silence', async () => {
    const r = await review(h, 'Away Account Two');
    expect(await send(h, r, 'when_back')).toEqual({ response_action: 'clear' });
    const h2 = await lastHandoff(h);
    expect(h2.aeUserId).toBe(people.ae.id);
    expect(h2.windowStartedAt?.toISOString()).toBe(BACK.toISOString());
    // Asked from their return (kept on the handoff): the time to decision counts from there.
    expect(h2.askedAt?.toISOString()).toBe(BACK.toISOString());
    expect(h2.dueAt.getTime()).toBeGreaterThan(BACK.getTime());
    expect((await eventOf(h, h2.id, 'sent'))?.detail).toMatchObject({ windowFrom: BACK.toISOString() });
    // The author chose already: the sweep's look at the away AE does not tell the owner again.
    await h.app.scheduler.runNow('response-window-sweep');
    await outboxDrained(h);
    expect(
      dmOf(h, people.author.id).filter(
        (m) => json(m.blocks).includes('is away') && json(m.blocks).includes('Away Account Two'),
      ),
    ).toEqual([]);
    // An answer an hour after their return took them an hour: time to decision counts from the window's start.
    h.clock.set(new Date(BACK.getTime() + 3_600_000));
    expect(await acceptHandoff(h, { handoffId: h2.id, user: aeUser })).toEqual({});
    const accepted = await eventOf(h, h2.id, 'accepted');
    expect(accepted?.businessHours).toBeGreaterThan(0);
    expect(accepted?.businessHours).toBeLessThanOrEqual(1);
  });

  it('an escalation level notifies the cover, and a later one reassigns to the cover', async () => {
    h.slack.setStatus(people.ae.id, { text: '', emoji: '', expiration: null });
    const r = await review(h, 'Covered Account');
    // Not away now, but a cover is named: the review still offers it.
    expect(r.choices).toEqual(['cover', 'now']);
    expect(await send(h, r, 'now')).toEqual({ response_action: 'clear' });
    const h3 = await lastHandoff(h);
    expect(h3.aeUserId).toBe(people.ae.id);
    const [notifyStep, reassignStep] = h3.escalationSteps ?? [];
    h.clock.set(new Date(notifyStep?.at as number));
    await h.app.scheduler.runNow('response-window-sweep');
    await outboxDrained(h);
    await waitForDm(h, people.otherAe.id, 'Still waiting', 'the cover told at half the window');
    h.clock.set(h3.dueAt);
    await h.app.scheduler.runNow('response-window-sweep');
    h.clock.set(new Date(reassignStep?.at as number));
    await h.app.scheduler.runNow('response-window-sweep');
    const moved = await handoffRow(h, h3.id);
    expect(moved).toMatchObject({ aeUserId: people.otherAe.id, status: 'sent', assignment: 2 });
    expect((await eventOf(h, h3.id, 'reassigned'))?.detail).toMatchObject({
      coverFor: people.ae.id,
      policy: 'covered',
      policyLevel: 2,
    });
  });

  it('Reassign preselects the cover the AE named (the owner may pick anyone else), until /handoff cover off ends it', async () => {
    const r = await review(h, 'Reassign Account');
    expect(await send(h, r, 'now')).toEqual({ response_action: 'clear' });
    const newAe = async () =>
      (await openOwnerModal(h, 'reassign', (await lastHandoff(h)).id)).blocks.find(
        (b) => b.block_id === OWNER_BLOCK_ID.newAe,
      ) as { element?: { initial_user?: string }; hint?: { text: string } } | undefined;
    const input = await newAe();
    expect(input?.element?.initial_user).toBe(people.otherAe.id);
    expect(input?.hint?.text).toContain('Preselected: the cover Jordan Seller named');

    expect(await slashReply(h, aeUser, 'cover off')).toContain('has ended');
    expect(await h.database.db.select().from(h.tables.covers)).toEqual([]);
    // The cover is told, as when they were named.
    await waitForDm(h, people.otherAe.id, 'ended their cover', 'the cover told it ended');
    // Nobody is preselected any more.
    expect((await newAe())?.element?.initial_user).toBeUndefined();
  });
});

it('an AE who goes away during an open window: the owner is told once, with what they can do, and is not reminded; the expiry that follows is not counted as silence', async () => {
  const h = await start({ env: { ...QUIET, ESCALATION_CHANNEL_ID: channels.internal.id } });
  const { handoff } = await sendHandoff(h, account('Gone Fishing'));
  expect(handoff.aeUserId).toBe(people.ae.id);
  h.slack.setStatus(people.ae.id, { text: 'Out of office', emoji: ':airplane:', expiration: BACK });
  await h.app.scheduler.runNow('response-window-sweep');
  const notice = await waitForDm(h, people.author.id, 'is away', 'the owner told');
  expect(json(notice.blocks)).toContain(`*<@${people.ae.id}> is away*`);
  // The window goes on while they are away: only the metrics do not count its expiry as their silence.
  expect(json(notice.blocks)).toContain(
    'If it expires while they are away, the metrics do not count it as their silence.',
  );
  expect(json(notice.blocks)).not.toContain('time away is not counted');
  // The owner's buttons are on it (reassign, extend, withdraw).
  expect(json(notice.blocks)).toContain(ACTION_ID.reassign);
  // Once per window: the sweeps at the reminders' times tell nobody again, and remind no AE the app saw away.
  expect(handoff.reminderSchedule).toHaveLength(2);
  for (const at of handoff.reminderSchedule ?? []) await sweepAt(h, at);
  expect(dmOf(h, people.author.id).filter((m) => json(m.blocks).includes('is away'))).toHaveLength(1);
  expect(json(dmOf(h, people.ae.id))).not.toContain('*Reminder*');
  expect((await handoffRow(h, handoff.id)).nextReminderAt).toBeNull();

  h.clock.set((await handoffRow(h, handoff.id)).dueAt);
  await h.app.scheduler.runNow('response-window-sweep');
  expect((await eventOf(h, handoff.id, 'expired'))?.detail).toMatchObject({
    away: ':airplane: Out of office',
  });
  // The metrics keep it apart: not silence.
  expect(await factsOf(h, handoff.id)).toEqual(['sent', 'expired_away']);
  // Nor is it called silence where people read of it: the owner's notice and the escalation say they were away.
  const ownerNotice = await waitForDm(h, people.author.id, 'It has *expired*', 'the expiry notice');
  expect(json(ownerNotice.blocks)).toContain(
    `:palm_tree: <@${people.ae.id}> was away (status: :airplane: Out of office) and did not answer`,
  );
  expect(json(ownerNotice.blocks)).toContain('does not count as their silence');
  const escalation = await escalationPost(h, 'Gone Fishing');
  expect(json(escalation.blocks)).toContain('*Expired while away*');
  expect(json(escalation.blocks)).not.toContain('*Silence*');
});

/** The View modal of a handoff as `user` opens it (undefined: refused, as "not found"). */
async function viewAs(h: Harness, user: { id: string; team_id: string }, handoffId: number) {
  const triggerId = h.slack.issueTriggerId();
  const responseUrl = h.slack.responseUrl();
  const click = await h.interact(
    blockAction({ actionId: ACTION_ID.view, value: String(handoffId), user, triggerId, responseUrl }),
  );
  expect(click.status).toBe(200);
  return waitFor(
    () =>
      h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId)?.args.view ??
      h.slack.responses.find((r) => r.url === responseUrl)?.body,
    4000,
    'the view or its refusal',
  );
}

it('a handoff sent to an away AE’s cover says so to the cover, the author, the history and the CSV, never to the partner; the AE is told once on return', async () => {
  const h = await start({ env: QUIET });
  // Mon 23 Nov: Jordan is away through Fri 27 Nov (days given with the cover), Sam covers.
  await nameCover(h, people.otherAe.id, '2026-11-27', '2026-11-23');
  // Jordan is told they will hear of what went to Sam.
  await waitFor(
    () =>
      dmOf(h, people.ae.id).find((m) =>
        String(m.text).includes('I list for you what went to them while you were away'),
      ),
    4000,
    'the confirmation',
  );
  const r = await review(h, 'Fabrikam Relay');
  expect(await send(h, r, 'cover')).toEqual({ response_action: 'clear' });
  const sent = await lastHandoff(h);
  expect(sent).toMatchObject({ aeUserId: people.otherAe.id, routingReason: 'cover for Jordan Seller' });

  // The cover reads whom they answer for; the author reads it too.
  const packet = await waitForDm(h, people.otherAe.id, 'Fabrikam Relay', 'the cover’s packet');
  expect(json(packet.blocks)).toContain(`You are answering this as <@${people.ae.id}>'s cover`);
  // Said once: the routing reason is not repeated as "Why this AE".
  expect(json(packet.blocks)).not.toContain('Why this AE');
  const confirmation = await waitForDm(h, people.author.id, 'is with', 'the author’s confirmation');
  expect(json(confirmation.blocks)).toContain(`as <@${people.ae.id}>'s cover`);

  // The CSV's routing_reason says why this AE.
  const { csv } = await touchLogCsv(h.database.db, {
    since: new Date('2026-01-01T00:00:00Z'),
    until: new Date('2027-01-01T00:00:00Z'),
  });
  expect(csvObjects(csv).rows.find((row) => row.handoff_id === String(sent.id))).toMatchObject({
    routing_reason: 'cover for Jordan Seller',
  });

  // Sam accepts: the partner reads Sam as our AE, and nothing of a cover or of Jordan.
  expect(
    await acceptHandoff(h, { handoffId: sent.id, user: { id: people.otherAe.id, team_id: TEAM } }),
  ).toEqual({});
  await outboxDrained(h);
  const toPartner = partnerCalls(h).map((c) => JSON.stringify(c.args));
  expect(toPartner.some((c) => c.includes('Sam Closer'))).toBe(true);
  expect(toPartner.join('\n')).not.toMatch(/cover|Jordan|away/i);

  // Jordan may view it (with its history) and follow it; someone unrelated may not view it.
  const view = await viewAs(h, aeUser, sent.id);
  expect(json(view)).toContain(`as the cover of <@${people.ae.id}>`);
  expect(json(view)).toContain(`Sent to <@${people.otherAe.id}> as your cover.`);
  expect(json(view)).toContain(ACTION_ID.follow);
  const refused = await viewAs(h, { id: people.member.id, team_id: TEAM }, sent.id);
  expect(json(refused)).not.toContain('Fabrikam Relay');
  const follow = await h.interact(
    blockAction({
      actionId: ACTION_ID.follow,
      value: String(sent.id),
      user: aeUser,
      responseUrl: h.slack.responseUrl(),
    }),
  );
  expect(follow.status).toBe(200);
  await waitFor(
    async () =>
      (await h.database.db.select().from(h.tables.handoffFollowers)).some((f) => f.userId === people.ae.id),
    4000,
    'Jordan follows it',
  );

  const summaries = () => dmOf(h, people.ae.id).filter((m) => json(m).includes('While you were away'));
  // Still away on Wednesday: nothing yet.
  h.clock.set(new Date('2026-11-25T10:00:00Z'));
  await h.app.scheduler.runNow('response-window-sweep');
  await outboxDrained(h);
  expect(summaries()).toEqual([]);
  // Saturday: the cover is over, but it is not one of Jordan's working days; Monday 07:00 Berlin is before hours.
  h.clock.set(new Date('2026-11-28T10:00:00Z'));
  await h.app.scheduler.runNow('response-window-sweep');
  h.clock.set(new Date('2026-11-30T06:00:00Z'));
  await h.app.scheduler.runNow('response-window-sweep');
  await outboxDrained(h);
  expect(summaries()).toEqual([]);
  // Monday 10:00 Berlin: one DM, with the deal, who has it, where it stands, and View.
  h.clock.set(new Date('2026-11-30T09:00:00Z'));
  await h.app.scheduler.runNow('response-window-sweep');
  await outboxDrained(h);
  h.clock.advance(3_600_000);
  await h.app.scheduler.runNow('response-window-sweep');
  await outboxDrained(h);
  expect(summaries()).toHaveLength(1);
  const summary = json(summaries()[0]);
  expect(summary).toContain('Fabrikam Relay');
  expect(summary).toContain('Meridian Cloud Consulting');
  expect(summary).toContain(`accepted by <@${people.otherAe.id}>`);
  expect(summary).toContain(ACTION_ID.view);
  // The touch log says Jordan was told.
  const told = (await eventsOf(h.database.db, sent.id)).filter((e) => e.type === 'cover_returned');
  expect(told).toMatchObject([{ detail: { coverFor: people.ae.id } }]);
});

/** The history as View shows it to the author. */
const historyText = async (h: Harness, id: number) =>
  json(((await viewAs(h, { id: people.author.id, team_id: TEAM }, id)) as { blocks: unknown }).blocks);

/** Sends a handoff to the AE (no away status) and moves the clock to six minutes before its deadline. */
async function sixMinutesBefore(h: Harness, name: string): Promise<HandoffRow> {
  const { handoff } = await sendHandoff(h, account(name));
  expect(handoff.aeUserId).toBe(people.ae.id);
  h.clock.set(new Date(handoff.dueAt.getTime() - 6 * 60_000));
  return handoff;
}

async function sweepAtDeadline(h: Harness, handoff: HandoffRow) {
  h.clock.set(handoff.dueAt);
  await h.app.scheduler.runNow('response-window-sweep');
  expect((await handoffRow(h, handoff.id)).status).toBe('expired');
  await outboxDrained(h);
}

describe('a cover named is not an absence', () => {
  const ENV = { ...QUIET, ...ROLES, ESCALATION_CHANNEL_ID: channels.internal.id };

  it('the form says what a cover does and refuses days away in the past; a cover named six minutes before the deadline, with no away status: the expiry is silence everywhere', async () => {
    const h = await start({ env: ENV });
    // The form says what a cover does, asks the first day away, and refuses one in the past or after the last.
    const form = json((await coverForm(h, 'cover from 2026-11-30 until 2026-12-04')).blocks);
    expect(form).toContain('Naming a cover does not make you away.');
    expect(form).toContain('Away from (your first day away)');
    expect(form).toContain('"initial_date":"2026-11-30"');
    expect(form).toContain('"initial_date":"2026-12-04"');
    expect((await coverErrors(h, people.otherAe.id, '2026-12-04', '2026-11-20')).errors).toEqual({
      [COVER_BLOCK_ID.from]: 'Pick today or a later day: days away are given before, not after.',
    });
    expect((await coverErrors(h, people.otherAe.id, '2026-12-04', '2026-12-05')).errors).toEqual({
      [COVER_BLOCK_ID.from]: 'The first day away comes before the last.',
    });
    expect(await h.database.db.select().from(h.tables.covers)).toEqual([]);
    const handoff = await sixMinutesBefore(h, 'Last Minute Cover');
    await nameCover(h, people.otherAe.id, '2026-12-04');
    expect(await h.database.db.select().from(h.tables.covers)).toMatchObject([
      { aeUserId: people.ae.id, coverUserId: people.otherAe.id, awayFrom: null },
    ]);
    await sweepAtDeadline(h, handoff);

    // The touch log and the metrics: their silence.
    expect((await eventOf(h, handoff.id, 'expired'))?.detail ?? {}).not.toHaveProperty('away');
    expect(await factsOf(h, handoff.id)).toEqual(['sent', 'expired']);
    // The owner's notice.
    const notice = await waitForDm(h, people.author.id, 'It has *expired*', 'the expiry notice');
    expect(json(notice.blocks)).toContain(`:hourglass: <@${people.ae.id}> did not answer handoff`);
    expect(json(notice.blocks)).not.toContain('count as their silence');
    expect(json(notice.blocks)).not.toContain('was away');
    // The escalation channel.
    const post = await escalationPost(h, 'Last Minute Cover');
    expect(json(post.blocks)).toContain('*Silence*');
    expect(json(post.blocks)).not.toContain('Expired while away');
    // The silence rate on the RevOps App Home counts it.
    // (A minute later: the period ends at the moment the Home is opened, and the expiry was at the last sweep.)
    h.clock.advance(60_000);
    const home = blocksOf(await openHome(h, revopsUser.id));
    expect(headlineFigure(home, 'Silence rate')).toBe('1 of 1 (100%) window');
    // The history.
    const history = await historyText(h, handoff.id);
    expect(history).toContain(`Expired: no answer from <@${people.ae.id}>`);
    expect(history).not.toContain('not counted as silence');
  }, 60_000);

  it('days away given with the cover are an absence: the owner is told, and the expiry is not silence', async () => {
    const h = await start({ env: ENV });
    const { handoff } = await sendHandoff(h, account('Days Away Freight'));
    expect(handoff.aeUserId).toBe(people.ae.id);
    // Jordan (Berlin) will be away Wednesday to Friday, in their calendar; it is Monday.
    await nameCover(h, people.otherAe.id, '2026-11-27', '2026-11-25');
    // Not away on Monday: the away check tells nobody.
    await h.app.scheduler.runNow('response-window-sweep');
    await outboxDrained(h);
    expect(json(dmOf(h, people.author.id))).not.toContain('is away');
    // Wednesday morning in Berlin: away.
    h.clock.set(new Date('2026-11-25T08:00:00Z'));
    await h.app.scheduler.runNow('response-window-sweep');
    const away = await waitForDm(h, people.author.id, 'is away', 'the owner told');
    expect(json(away.blocks)).toContain(
      `*<@${people.ae.id}> is away* (back Sat 28 Nov, their time): the days away they gave, Wed 25 Nov to Fri 27 Nov.`,
    );
    await sweepAtDeadline(h, await handoffRow(h, handoff.id));
    expect((await eventOf(h, handoff.id, 'expired'))?.detail).toMatchObject({
      away: 'Away Wed 25 Nov to Fri 27 Nov',
      awayDays: 'Wed 25 Nov to Fri 27 Nov',
    });
    expect(await factsOf(h, handoff.id)).toEqual(['sent', 'expired_away']);
    const notice = await waitForDm(h, people.author.id, 'It has *expired*', 'the expiry notice');
    expect(json(notice.blocks)).toContain(
      `<@${people.ae.id}> was away (the days away they gave: Wed 25 Nov to Fri 27 Nov)`,
    );
    const post = await escalationPost(h, 'Days Away Freight');
    expect(json(post.blocks)).toContain('*Expired while away*');
    expect(await historyText(h, handoff.id)).toContain('not counted as silence');
  }, 60_000);
});
