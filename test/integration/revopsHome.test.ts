import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID } from '../../src/blocks/ids.js';
import { DECLINE_REASONS } from '../../src/domain/decline.js';
import { submitAccept } from '../support/acceptFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness, waitFor } from '../support/harness.js';
import type { OpenedModal } from '../support/ownerFlow.js';
import { eventCallback, packetSubmission, reviewSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';
import {
  acceptInDm,
  adminUser,
  allCallsTo,
  blocksOf,
  declineInDm,
  elementsOf,
  expectHeadline,
  headlineFields,
  headlineFigure,
  homeClick,
  homePeriodSelect,
  imageBlocks,
  nextPublish,
  openHome,
  publishCalls,
  QUIET,
  ROLES,
  revopsUser,
  sectionTexts,
  trendRows,
  viewOf,
} from '../support/revopsFlow.js';
import { postEvent } from '../support/signing.js';

const aeUser = { id: people.ae.id, team_id: TEAM };
const json = (value: unknown) => JSON.stringify(value);
const figure = headlineFigure;

describe('App Home by role', () => {
  let h: Harness | undefined;

  async function start(env: Record<string, string> = {}) {
    h = await startHarness({ env: { ...QUIET, ...ROLES, ...env } });
    // No job on the real clock: the minute's metrics job would republish RevOps' Home whenever a real minute
    // passed mid-test (docs/lifecycle.md "Messages are views of the handoff"; tested in surfaces.test.ts).
    await h.app.scheduler.stop();
    return h;
  }

  afterEach(async () => {
    if (!h) return;
    // Slack refuses a Home tab over 100 blocks (the fake enforces the limits): every publish must have been taken.
    const app = h;
    for (const [i, call] of publishCalls(app).entries()) {
      // Two publishes of one Home may race (the open's, a change's): Slack refuses the older hash, and the app
      // publishes that Home again at once, without it (docs/lifecycle.md "Messages are views of the handoff"), on a
      // clock that does not move. Any other refusal is a defect.
      if ((call.response as { error?: string } | undefined)?.error === 'hash_conflict')
        await waitFor(
          () =>
            publishCalls(app)
              .slice(i + 1)
              .some((later) => later.args.user_id === call.args.user_id && later.ok),
          4000,
          'the Home published again after a hash_conflict',
        );
      else expect(call.ok, json(call.response)).toBe(true);
      expect(blocksOf(call).length).toBeLessThanOrEqual(100);
    }
    await h.stop();
    h = undefined;
  });

  it('shows the AE Accept and Decline for a waiting handoff; Accept there records it and refreshes the home', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    const home = await openHome(h, people.ae.id);
    const decision = elementsOf(blocksOf(home)).filter((e) => e.blockId === `home_decision_${handoff.id}`);
    expect(decision.map((e) => [e.action_id, e.value])).toEqual([
      [ACTION_ID.accept, String(handoff.id)],
      [ACTION_ID.decline, String(handoff.id)],
      // Before deciding (issue 51): ask the author, or ask for more time.
      [ACTION_ID.askQuestion, String(handoff.id)],
      [ACTION_ID.askMoreTime, String(handoff.id)],
    ]);
    expect(sectionTexts(blocksOf(home)).join('\n')).toContain(`#${handoff.id} *Northwind Logistics*`);

    // Sent Monday 15:00 Berlin; accepted 16:30 Berlin: 1.5 business hours.
    h.clock.advance(90 * 60_000);
    // Accept there opens the accept modal (issue 51); submitting it with its defaults records the accept.
    const opened = h.slack.callsTo('views.open').length;
    const click = await h.interact({
      ...homeClick(ACTION_ID.accept, String(handoff.id), aeUser),
      trigger_id: h.slack.issueTriggerId(),
    });
    expect(click.status).toBe(200);
    const modal = (
      await waitFor(() => h.slack.callsTo('views.open')[opened], 4000, 'the accept modal from the Home')
    ).args.view as OpenedModal;
    expect(modal.callback_id).toBe(CALLBACK_ID.accept);
    const before = publishCalls(h).length;
    expect(await submitAccept(h, modal, { user: aeUser })).toEqual({});
    const refreshed = await nextPublish(h, before, 'the home refresh after Accept');
    expect(refreshed.args.user_id).toBe(people.ae.id);

    const [recorded] = await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id);
    expect(recorded).toMatchObject({
      handoffId: handoff.id,
      decision: 'accepted',
      decidedByUserId: people.ae.id,
      decidedByTeamId: TEAM,
    });
    expect(
      (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id))[0]?.status,
    ).toBe('accepted');
    const accepted = await h.database.db
      .select()
      .from(h.tables.handoffEvents)
      .where(
        and(eq(h.tables.handoffEvents.handoffId, handoff.id), eq(h.tables.handoffEvents.type, 'accepted')),
      )
      .orderBy(h.tables.handoffEvents.id);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.businessHours).toBeCloseTo(1.5, 6);
    expect(accepted[0]?.actorUserId).toBe(people.ae.id);

    const blocks = blocksOf(refreshed);
    expect(blocks.some((b) => b.block_id === `home_decision_${handoff.id}`)).toBe(false);
    expect(elementsOf(blocks).map((e) => e.action_id)).not.toContain(ACTION_ID.accept);
    expect(json(blocks)).toContain('Nothing is waiting for you.');
    // The accepted deal moved to "Deals in progress".
    expect(sectionTexts(blocks).join('\n')).toContain('*Deals in progress*');
    // Slack gives no response_url in the Home tab: no refusal was sent anywhere.
    expect(h.slack.messages(h.slack.dmChannelFor(people.ae.id)).map((m) => m.text)).not.toContainEqual(
      expect.stringContaining('already'),
    );
  });

  it('shows the author what they sent with its state, and the decline reason once the AE declines', async () => {
    const h = await start();
    const { handoff, dm } = await sendHandoff(h);
    const first = sectionTexts(blocksOf(await openHome(h, people.author.id))).join('\n');
    expect(first).toContain('*What you sent*');
    expect(first).toMatch(
      new RegExp(
        `#${handoff.id} \\*Northwind Logistics\\* \\(via Meridian Cloud Consulting\\): with <@U0AE>, answer due`,
      ),
    );
    // The author is not the AE: nothing to answer.
    expect(elementsOf(blocksOf(publishCalls(h).at(-1))).map((e) => e.action_id)).not.toContain(
      ACTION_ID.accept,
    );

    h.clock.advance(30 * 60_000);
    await declineInDm(h, handoff, dm, 'no_clear_next_step');
    expect(
      (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id))[0]?.status,
    ).toBe('declined');

    const after = sectionTexts(blocksOf(await openHome(h, people.author.id))).join('\n');
    expect(after).toContain(
      `#${handoff.id} *Northwind Logistics* (via Meridian Cloud Consulting): declined by <@U0AE>: ${DECLINE_REASONS.no_clear_next_step.label}`,
    );
    expect(after).not.toContain('answer due');
  });

  it('gives RevOps the program metrics with the trend as figures: no chart image, nothing uploaded', async () => {
    const h = await start();
    const { handoff, dm } = await sendHandoff(h);
    h.clock.advance(60 * 60_000);
    await acceptInDm(h, handoff, dm);
    await waitFor(
      async () =>
        (await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id)).length === 1,
      4000,
      'the decision',
    );
    // The Accept's change delivered (its messages, and the Homes it republishes), so that what follows is what each
    // person sees when they open their Home afterwards.
    await quiet(h);
    // Metrics count events up to now, excluded: a minute later (the test clock stands still otherwise).
    h.clock.advance(60_000);

    const home = await openHome(h, revopsUser.id);
    const blocks = blocksOf(home);
    expect(sectionTexts(blocks).join('\n')).toContain('*Program metrics* (RevOps)');
    // Each figure says in one italic line how it is counted.
    const fields = expectHeadline(blocks);
    // One handoff sent to one AE, accepted an hour later: 1 sent, 1 AE request (no reassignment), 1 window closed
    // (1 accepted + 0 declined + 0 expired), 1 answer: acceptance 1 of 1, silence 0 of 1 windows. The AE had
    // accepted nothing before: repeat use 0 of 1 accepting AEs.
    expect(figure(blocks, 'Handoffs sent')).toBe('1');
    expect(fields['Handoffs sent']).toBe('1\n_new handoffs sent in the period_');
    expect(figure(blocks, 'AE requests')).toBe('1');
    expect(figure(blocks, 'AE windows closed')).toBe('1 = 1 accepted + 0 declined + 0 expired');
    expect(figure(blocks, 'Acceptance rate')).toBe('1 of 1 (100%) answer');
    expect(fields['Acceptance rate']).toContain('an expiry is not an answer');
    expect(figure(blocks, 'Silence rate')).toBe('0 of 1 (0%) window');
    expect(figure(blocks, 'Time to decision')).toBe('median 1.0 h · p90 1.0 h');
    expect(figure(blocks, 'Repeat use')).toBe('0 of 1 (0%) accepting AE');
    expect(figure(blocks, 'AE requests for partner help')).toBe('0');
    // The Home says what a window is, instead of pointing to the README.
    expect(json(blocks)).toContain('A window is one AE’s turn to answer one handoff');
    expect(json(blocks)).not.toContain('Definitions are in the README');
    const texts = sectionTexts(blocks);
    expect(texts.find((t) => t.startsWith('*By partner*'))).toContain('*Meridian Cloud Consulting*: 1 sent');
    expect(texts.find((t) => t.startsWith('*By AE*'))).toContain(`<@${people.ae.id}>: 1 sent`);
    expect(texts.find((t) => t.startsWith('*By author*'))).toContain(`<@${people.author.id}>: 1 sent`);
    const actions = elementsOf(blocks);
    expect(actions.map((e) => e.action_id)).toEqual(
      expect.arrayContaining([ACTION_ID.homePeriod, ACTION_ID.homeExport]),
    );

    // The trend as a table, week by week (an image block in a Home tab may only name a file its viewer can see, and
    // a Home has no channel to share one into): the 12 weeks up to this one, the handoff sent and accepted this week.
    expect(imageBlocks(blocks)).toHaveLength(0);
    const weeks = trendRows(blocks);
    expect(weeks).toHaveLength(12);
    expect(weeks.at(-1)?.slice(1)).toEqual(['1', '1', '0', '0', '100%']);
    for (const week of weeks.slice(0, -1)) expect(week.slice(1)).toEqual(['0', '0', '0', '0', '–']);
    expect(sectionTexts(blocks).find((t) => t.includes('```'))).toContain(
      '*The last 12 weeks*, week by week',
    );
    // No chart drawn or uploaded for the Home.
    expect(h.slack.calls.filter((c) => c.method.startsWith('files.'))).toHaveLength(0);

    // An admin sees the metrics too, with the same table.
    const admin = await openHome(h, adminUser.id);
    expect(figure(blocksOf(admin), 'Handoffs sent')).toBe('1');
    expect(trendRows(blocksOf(admin))).toEqual(weeks);

    // Anyone else: no metrics, no table, no chart.
    for (const userId of [people.ae.id, people.author.id, people.otherAe.id]) {
      const plain = blocksOf(await openHome(h, userId));
      expect(imageBlocks(plain)).toHaveLength(0);
      expect(trendRows(plain)).toHaveLength(0);
      expect(json(plain)).not.toContain('Program metrics');
      expect(json(plain)).not.toContain(ACTION_ID.homeExport);
      expect(Object.keys(headlineFields(plain))).toHaveLength(0);
    }
    expect(h.slack.files()).toHaveLength(0);
  });

  it('shows the new figures in the trend table, whatever the file methods answer; none to a forged pick', async () => {
    const h = await start();
    const first = trendRows(blocksOf(await openHome(h, revopsUser.id)));
    expect(first.at(-1)?.slice(1)).toEqual(['0', '0', '0', '0', '–']);
    await sendHandoff(h);
    h.clock.advance(60_000);
    const second = blocksOf(await openHome(h, revopsUser.id));
    expect(figure(second, 'Handoffs sent')).toBe('1');
    // Sent this week, not answered yet: no window closed, no acceptance.
    expect(trendRows(second).at(-1)?.slice(1)).toEqual(['1', '0', '0', '0', '–']);
    expect(h.slack.calls.filter((c) => c.method.startsWith('files.'))).toHaveLength(0);

    // Whatever Slack's file methods answer, the figures are published: the Home uploads nothing.
    h.slack.fail('files.getUploadURLExternal', { error: 'internal_error' });
    h.slack.fail('files.completeUploadExternal', { error: 'internal_error' });
    const blocks = blocksOf(await openHome(h, revopsUser.id));
    expect(figure(blocks, 'Handoffs sent')).toBe('1');
    expect(trendRows(blocks).at(-1)?.slice(1)).toEqual(['1', '0', '0', '0', '–']);
    expect(json(blocks)).not.toContain('could not be prepared');
    expect(h.logs.filter((l) => String(l.msg).startsWith('chart image'))).toHaveLength(0);
    h.slack.clearFailures();
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);

    // Someone else who forges a period pick is shown no metrics.
    const before = publishCalls(h).length;
    await h.interact(homePeriodSelect('365d', aeUser));
    const refreshed = await nextPublish(h, before, 'the home after a forged pick');
    expect(refreshed.args.user_id).toBe(people.ae.id);
    const theirs = blocksOf(refreshed);
    expect(json(theirs)).not.toContain('Program metrics');
    expect(Object.keys(headlineFields(theirs))).toHaveLength(0);
    expect(imageBlocks(theirs)).toHaveLength(0);
    expect(allCallsTo(h, 'files.getUploadURLExternal')).toHaveLength(0);
  });

  it('republishes with the period RevOps pick, and keeps it in the private metadata', async () => {
    const h = await start();
    // One handoff 60 days ago (counts in 90 days, not in 30) and one today.
    h.clock.set('2026-09-24T13:00:00Z');
    await sendHandoff(h, {
      accountName: 'Old Account Ltd',
      accountDomain: null,
      opportunityCreatedOn: '2026-09-01',
      partnerTouchOn: '2026-09-20',
      partnerNextMoveDate: '2026-10-01',
    });
    h.clock.set('2026-11-23T14:00:00Z');
    await sendHandoff(h, { accountName: 'New Account Ltd', accountDomain: null });
    h.clock.advance(60_000);

    const home = await openHome(h, revopsUser.id);
    const select = (call: Parameters<typeof blocksOf>[0]) =>
      elementsOf(blocksOf(call)).find((e) => e.action_id === ACTION_ID.homePeriod);
    expect(select(home)?.initial_option?.value).toBe('30d');
    expect(JSON.parse(viewOf(home).private_metadata ?? '')).toEqual({ period: '30d' });
    expect(figure(blocksOf(home), 'Handoffs sent')).toBe('1');

    const before = publishCalls(h).length;
    const picked = await h.interact(homePeriodSelect('90d', revopsUser, viewOf(home).private_metadata ?? ''));
    expect(picked.status).toBe(200);
    const refreshed = await nextPublish(h, before, 'the home after the period pick');
    expect(refreshed.args.user_id).toBe(revopsUser.id);
    expect(select(refreshed)?.initial_option?.value).toBe('90d');
    const metadata = viewOf(refreshed).private_metadata ?? '';
    expect(JSON.parse(metadata)).toEqual({ period: '90d' });
    expect(figure(blocksOf(refreshed), 'Handoffs sent')).toBe('2');
    // The export button exports the period shown.
    expect(elementsOf(blocksOf(refreshed)).find((e) => e.action_id === ACTION_ID.homeExport)?.value).toBe(
      '90d',
    );

    // Opening the tab again (Slack sends the published view back) keeps the period.
    const reopenedBefore = publishCalls(h).length;
    await postEvent(
      h.eventsUrl,
      SIGNING_SECRET,
      eventCallback(
        {
          type: 'app_home_opened',
          user: revopsUser.id,
          channel: `D${revopsUser.id}`,
          tab: 'home',
          event_ts: '1795442400.000200',
          view: { id: 'V0HOME', type: 'home', private_metadata: metadata },
        },
        'EvPeriodKept',
      ),
    );
    const reopened = await nextPublish(h, reopenedBefore, 'the reopened home');
    expect(select(reopened)?.initial_option?.value).toBe('90d');

    // A forged period value is ignored: the period in the view's metadata stays.
    const forgedBefore = publishCalls(h).length;
    await h.interact(homePeriodSelect('9999d', revopsUser, metadata));
    const forged = await nextPublish(h, forgedBefore, 'the home after a forged pick');
    expect(select(forged)?.initial_option?.value).toBe('90d');
  });

  it('stays within 100 blocks for a RevOps AE with every list full', async () => {
    // U0AE is RevOps here: AE of waiting handoffs and of deals in progress, and author/owner of others.
    const h = await start({ REVOPS_USER_IDS: people.ae.id });
    const n = 9;
    let account = 0;
    const next = () => {
      account += 1;
      return { accountName: `Fill Account ${account}`, accountDomain: null };
    };
    for (let i = 0; i < n; i += 1) await sendHandoff(h, next());
    for (let i = 0; i < n; i += 1) {
      const { handoff, dm } = await sendHandoff(h, next());
      await acceptInDm(h, handoff, dm);
    }
    await waitFor(
      async () =>
        (await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id)).length === n,
      8000,
      'the accepted deals',
    );
    const ae = { id: people.ae.id, team_id: TEAM };
    for (let i = 0; i < 11; i += 1) {
      const values = { ...next(), aeUserId: people.otherAe.id, ownerUserId: people.ae.id };
      const submitted = await h.interact(packetSubmission({ user: ae, values }));
      const pushed = (await submitted.json()) as {
        response_action: string;
        view: { private_metadata: string };
      };
      expect(pushed.response_action).toBe('push');
      const { draftId } = JSON.parse(pushed.view.private_metadata) as { draftId: number };
      const sent = await h.interact(reviewSubmission({ draftId, user: ae }));
      expect(await sent.json()).toEqual({ response_action: 'clear' });
    }
    expect(await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)).toHaveLength(
      2 * n + 11,
    );
    h.clock.advance(60_000);

    const home = await openHome(h, people.ae.id);
    expect(home.ok, json(home.response)).toBe(true);
    const blocks = blocksOf(home);
    // Every list is full (HOME_LIMITS' worst case is 79 blocks with the RevOps section): Slack took it.
    expect(blocks.length).toBeGreaterThanOrEqual(75);
    expect(blocks.length).toBeLessThanOrEqual(100);
    // 9 waiting + 9 accepted + 11 waiting on U0AE2 = 29 sent, each a request; the 9 accepts are the only windows
    // closed (nothing has expired a minute later).
    expect(figure(blocks, 'Handoffs sent')).toBe(String(2 * n + 11));
    expect(figure(blocks, 'AE requests')).toBe(String(2 * n + 11));
    expect(figure(blocks, 'AE windows closed')).toBe(`${n} = ${n} accepted + 0 declined + 0 expired`);
    expect(imageBlocks(blocks)).toHaveLength(0);
    expect(trendRows(blocks)).toHaveLength(12);
    const texts = json(blocks);
    expect(texts).toContain('Showing 8 of your handoffs: the open and won ones first, then the most recent.');
    expect(texts).toContain('Showing the 10 most recent; the oldest are not listed.');
    expect(blocks.filter((b) => b.block_id?.startsWith('home_decision_'))).toHaveLength(8);
    expect(h.slack.homeView(people.ae.id)?.blocks).toHaveLength(blocks.length);
  }, 60_000);
});
