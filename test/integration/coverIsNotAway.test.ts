import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, COVER_BLOCK_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { account } from '../support/crmFlow.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, waitFor } from '../support/harness.js';
import { handoffRow, json, outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import { blockAction, viewSubmission } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';
import { blocksOf, headlineFigure, openHome, ROLES, revopsUser } from '../support/revopsFlow.js';

/**
 * Issue 50 item 1: naming a cover says who answers while the AE is away; it does not make them away. Being away is
 * their Slack status, or the days away they give in the cover form. An expiry in a window not spent away is their
 * silence everywhere: the touch log, the metrics and the RevOps App Home, the owner's notice, the escalation post
 * and the history.
 */
function coverSubmission(opts: { cover: string; until: string; from?: string }) {
  return viewSubmission({
    callbackId: CALLBACK_ID.cover,
    user: aeUser,
    privateMetadata: '{}',
    values: {
      [COVER_BLOCK_ID.cover]: { [ACTION_ID.value]: { type: 'users_select', selected_user: opts.cover } },
      [COVER_BLOCK_ID.from]: {
        [ACTION_ID.value]: { type: 'datepicker', selected_date: opts.from ?? null },
      },
      [COVER_BLOCK_ID.until]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: opts.until } },
    },
  });
}

async function nameCover(h: Harness, opts: { cover: string; until: string; from?: string }) {
  const response = await h.interact(coverSubmission(opts));
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('');
}

const expiryOf = async (h: Harness, id: number) =>
  (
    await h.database.db
      .select()
      .from(h.tables.handoffEvents)
      .where(eq(h.tables.handoffEvents.handoffId, id))
      .orderBy(h.tables.handoffEvents.id)
  ).find((e) => e.type === 'expired');

const factsOf = async (h: Harness, id: number) =>
  (
    await h.database.db
      .select({ type: h.tables.metricFacts.type })
      .from(h.tables.metricFacts)
      .where(eq(h.tables.metricFacts.handoffId, id))
      .orderBy(h.tables.metricFacts.eventId)
  ).map((f) => f.type);

/** The history as View shows it to the author. */
async function historyText(h: Harness, id: number): Promise<string> {
  const triggerId = h.slack.issueTriggerId();
  const click = await h.interact(
    blockAction({
      actionId: ACTION_ID.view,
      value: String(id),
      user: { id: people.author.id, team_id: TEAM },
      triggerId,
      responseUrl: h.slack.responseUrl(),
    }),
  );
  expect(click.status).toBe(200);
  const open = await waitFor(
    () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId),
    4000,
    'the view modal',
  );
  return json((open.args.view as { blocks: unknown }).blocks);
}

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

const escalationPost = (h: Harness, name: string) =>
  waitFor(
    () => h.slack.messages(channels.internal.id).find((m) => json(m.blocks).includes(name)),
    4000,
    'the escalation post',
  );

describe('a cover named is not an absence (issue 50)', () => {
  const start = harnessPerTest();

  it('the form says what a cover does and refuses days away in the past; a cover named six minutes before the deadline, with no away status: the expiry is silence everywhere', async () => {
    const h = await start({ env: { ...QUIET, ...ROLES, ESCALATION_CHANNEL_ID: channels.internal.id } });
    // The form says what a cover does, asks the first day away, and refuses one in the past or after the last.
    const before = h.slack.callsTo('views.open').length;
    const response = await h.command({
      text: 'cover from 2026-11-30 until 2026-12-04',
      user_id: people.ae.id,
    });
    expect(response.status).toBe(200);
    const call = await waitFor(() => h.slack.callsTo('views.open')[before], 4000, 'the cover form');
    const form = json((call.args.view as { blocks: unknown }).blocks);
    expect(form).toContain('Naming a cover does not make you away.');
    expect(form).toContain('Away from (your first day away)');
    expect(form).toContain('"initial_date":"2026-11-30"');
    expect(form).toContain('"initial_date":"2026-12-04"');
    const app = h;
    const errorsOf = async (opts: { cover: string; until: string; from?: string }) =>
      ((await (await app.interact(coverSubmission(opts))).json()) as { errors?: Record<string, string> })
        .errors;
    expect(await errorsOf({ cover: people.otherAe.id, from: '2026-11-20', until: '2026-12-04' })).toEqual({
      [COVER_BLOCK_ID.from]: 'Pick today or a later day: days away are given before, not after.',
    });
    expect(await errorsOf({ cover: people.otherAe.id, from: '2026-12-05', until: '2026-12-04' })).toEqual({
      [COVER_BLOCK_ID.from]: 'The first day away comes before the last.',
    });
    expect(await h.database.db.select().from(h.tables.covers)).toEqual([]);
    const handoff = await sixMinutesBefore(h, 'Last Minute Cover');
    await nameCover(h, { cover: people.otherAe.id, until: '2026-12-04' });
    expect(await h.database.db.select().from(h.tables.covers)).toMatchObject([
      { aeUserId: people.ae.id, coverUserId: people.otherAe.id, awayFrom: null },
    ]);
    await sweepAtDeadline(h, handoff);

    // The touch log and the metrics: their silence.
    const expired = await expiryOf(h, handoff.id);
    expect(expired?.detail ?? {}).not.toHaveProperty('away');
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
    const h = await start({ env: { ...QUIET, ...ROLES, ESCALATION_CHANNEL_ID: channels.internal.id } });
    const { handoff } = await sendHandoff(h, account('Days Away Freight'));
    expect(handoff.aeUserId).toBe(people.ae.id);
    // Jordan (Berlin) will be away Wednesday to Friday, in their calendar; it is Monday.
    await nameCover(h, { cover: people.otherAe.id, from: '2026-11-25', until: '2026-11-27' });
    // Not away on Monday: the away check tells nobody.
    await h.app.scheduler.runNow('response-window-sweep');
    await outboxDrained(h);
    expect(json(h.slack.messages(h.slack.dmChannelFor(people.author.id)))).not.toContain('is away');
    // Wednesday morning in Berlin: away.
    h.clock.set(new Date('2026-11-25T08:00:00Z'));
    await h.app.scheduler.runNow('response-window-sweep');
    const away = await waitForDm(h, people.author.id, 'is away', 'the owner told');
    expect(json(away.blocks)).toContain(
      `*<@${people.ae.id}> is away* (back Sat 28 Nov, their time): the days away they gave, Wed 25 Nov to Fri 27 Nov.`,
    );
    await sweepAtDeadline(h, await handoffRow(h, handoff.id));
    expect((await expiryOf(h, handoff.id))?.detail).toMatchObject({
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
