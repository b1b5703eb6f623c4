import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { slackDate } from '../../src/blocks/mrkdwn.js';
import type { AppDatabase } from '../../src/db/client.js';
import { decisions } from '../../src/db/schema.js';
import { seedAcceptedHandoffs } from '../support/bulkAccepted.js';
import { heldDelays } from '../support/fakeHttp.js';
import type { RecordedCall } from '../support/fakeSlack.js';
import { sendHandoff } from '../support/flow.js';
import {
  type Harness,
  type HarnessOptions,
  quiet,
  SIGNING_SECRET,
  startHarness,
  waitFor,
} from '../support/harness.js';
import { appHomeOpened } from '../support/payloads.js';
import {
  acceptInDm,
  blocksOf,
  declineInDm,
  elementsOf,
  headlineFields,
  headlineFigure,
  homePeriodSelect,
  imageBlocks,
  publishCalls,
  QUIET,
  ROLES,
  revopsUser,
  sectionTexts,
  trendRows,
  viewOf,
} from '../support/revopsFlow.js';
import { postEvent } from '../support/signing.js';

/**
 * The RevOps App Home with snapshots of the metrics (METRICS_MAX_WAIT_MS), through the real Bolt app, signed
 * requests and the fake Slack.
 *
 * With METRICS_MAX_WAIT_MS=0 the tab never waits for a computation that spans the event loop: the database gets
 * 8,000 metric events (bulk handoffs 35 to 75 days ago: inside the 12-week trend every period reads, outside the
 * 30-day period), so that the first computation of a period always takes several turns of the event loop (a
 * handful of events is computed within the same turn, and then even 0 ms shows them at once). The 30-day figures
 * are those of the handoffs the tests send; the 90-day ones add the bulk.
 * METRICS_REFRESH_MINUTES is a day, so that the minute cron never refreshes a snapshot behind a test's back.
 */

const figure = headlineFigure;

const SNAPSHOTS = { METRICS_MAX_WAIT_MS: '0', METRICS_REFRESH_MINUTES: '1440' };
const ZONE = 'UTC';
const DAY = 86_400_000;
const BULK = 4000;

/** BULK handoffs sent and accepted between 75 and 35 days before `now`. */
function seedBulk(database: AppDatabase, now: Date) {
  seedAcceptedHandoffs(database.sqlite, { count: BULK, from: now.getTime() - 75 * DAY, spanMs: 40 * DAY });
}

/** The RevOps member's publishes (other people's App Homes are published too, e.g. the AE's after a decision). */
const revopsPublishes = (h: Harness) => publishCalls(h).filter((c) => c.args.user_id === revopsUser.id);
const hashOf = (call: RecordedCall | undefined) =>
  (call?.response as { view?: { hash?: string } } | undefined)?.view?.hash;
const errorOf = (call: RecordedCall | undefined) => (call?.response as { error?: string } | undefined)?.error;
const periodOf = (call: RecordedCall | undefined) =>
  (JSON.parse(viewOf(call).private_metadata ?? '{}') as { period?: string }).period;
const selectedPeriod = (call: RecordedCall | undefined) =>
  elementsOf(blocksOf(call)).find((e) => e.action_id === ACTION_ID.homePeriod)?.initial_option?.value;
const programSection = (call: RecordedCall | undefined) =>
  sectionTexts(blocksOf(call)).find((t) => t.startsWith('*Program metrics* (RevOps)')) ?? '';
const computingSection = (call: RecordedCall | undefined) =>
  sectionTexts(blocksOf(call)).find((t) => t.includes('Computing the figures'));

const asOfLine = (at: Date) => `\n_Figures as of ${slackDate(at, ZONE)}._`;
const asOfUpdatingLine = (at: Date) =>
  `\n_Figures as of ${slackDate(at, ZONE)}: newer ones are on their way, this tab updates by itself._`;

/** Waits for the RevOps member's publish number `index` (0-based) to be answered. */
const nthPublish = (h: Harness, index: number, what: string, timeoutMs = 15_000) =>
  waitFor(
    () => {
      const call = revopsPublishes(h)[index];
      return call && call.status !== 0 ? call : undefined;
    },
    timeoutMs,
    what,
  );

/**
 * Clients that wait for Slack's answer as long as the test holds it: production's 1.5 s would make the order of a
 * held answer and the test's next steps a race against real time on a busy machine.
 */
const PATIENT = { interactiveMs: 60_000, outboxMs: 60_000, filesMs: 60_000 };

let events = 0;

/** RevOps opens the App Home: a signed app_home_opened, answered 200. */
async function homeOpened(h: Harness): Promise<void> {
  events += 1;
  const response = await postEvent(
    h.eventsUrl,
    SIGNING_SECRET,
    appHomeOpened(revopsUser.id, `EvSnapshots${events}`),
  );
  expect(response.status).toBe(200);
}

/** RevOps opens the App Home; resolves with the first publish it caused. */
async function openRevopsHome(h: Harness): Promise<RecordedCall> {
  const before = revopsPublishes(h).length;
  await homeOpened(h);
  return nthPublish(h, before, 'the RevOps App Home');
}

/** One handoff sent by the author and decided by the AE in the DM; the decision recorded. */
async function sendAndDecide(h: Harness, accountName: string, decision: 'accept' | 'decline') {
  const before = h.database.db.select().from(decisions).all().length;
  const { handoff, dm } = await sendHandoff(h, { accountName, accountDomain: null });
  if (decision === 'accept') await acceptInDm(h, handoff, dm);
  else await declineInDm(h, handoff, dm, 'no_clear_next_step');
  await waitFor(
    () => h.database.db.select().from(decisions).all().length === before + 1,
    8000,
    'the decision',
  );
}

describe('RevOps App Home with metrics snapshots', () => {
  let h: Harness | undefined;

  async function start(env: Record<string, string> = {}, opts: Omit<HarnessOptions, 'env'> = {}) {
    h = await startHarness({ ...opts, env: { ...QUIET, ...ROLES, ...env } });
    // No job on the real clock: the minute's metrics job would republish RevOps' Home whenever a real minute
    // passed mid-test (docs/lifecycle.md "Messages are views of the handoff"; tested in surfaces.test.ts).
    await h.app.scheduler.stop();
    seedBulk(h.database, h.clock.now());
    return h;
  }

  afterEach(async () => {
    if (!h) return;
    const done = h;
    h = undefined;
    await done.stop();
    // Slack refuses a Home tab over 100 blocks; the only publishes refused are the stale ones (hash_conflict).
    for (const call of publishCalls(done)) {
      if (!call.ok) expect(errorOf(call), JSON.stringify(call.response)).toBe('hash_conflict');
      expect(blocksOf(call).length).toBeLessThanOrEqual(100);
    }
    // A refused republish is expected (logged at debug); any other failure of one is logged as a warning.
    expect(done.logs.filter((l) => String(l.msg).includes('newer metrics failed'))).toEqual([]);
  });

  it('publishes "Computing the figures" first, then the figures with their time; later, the old ones, then the new', async () => {
    const h = await start(SNAPSHOTS);
    await sendAndDecide(h, 'First Account Ltd', 'accept');
    // Metrics count events up to now, excluded: a minute later (the test clock stands still otherwise).
    h.clock.advance(60_000);
    const firstAt = h.clock.now();

    const computing = await openRevopsHome(h);
    expect(computing.ok).toBe(true);
    expect(computingSection(computing)).toBe(
      ':hourglass_flowing_sand: Computing the figures for the last 30 days: this tab updates by itself when they are ready.',
    );
    expect(Object.keys(headlineFields(blocksOf(computing)))).toHaveLength(0);
    expect(imageBlocks(blocksOf(computing))).toHaveLength(0);
    expect(trendRows(blocksOf(computing))).toHaveLength(0);
    expect(programSection(computing)).not.toContain('Figures as of');
    expect(computing.args.hash).toBeUndefined();
    expect(periodOf(computing)).toBe('30d');
    // The period select and Export are there while the figures are computed.
    expect(elementsOf(blocksOf(computing)).map((e) => e.action_id)).toEqual(
      expect.arrayContaining([ACTION_ID.homePeriod, ACTION_ID.homeExport]),
    );

    // Published again by itself once they are ready, over the tab it published (its hash).
    const figures = await nthPublish(h, 1, 'the App Home with the figures');
    expect(figures.ok, JSON.stringify(figures.response)).toBe(true);
    expect(figures.args.hash).toBe(hashOf(computing));
    expect(computingSection(figures)).toBeUndefined();
    expect(programSection(figures).endsWith(asOfLine(firstAt))).toBe(true);
    // One handoff sent and accepted: 1 window closed, 1 answer.
    expect(figure(blocksOf(figures), 'Handoffs sent')).toBe('1');
    expect(figure(blocksOf(figures), 'AE windows closed')).toBe('1 = 1 accepted + 0 declined + 0 expired');
    expect(figure(blocksOf(figures), 'Acceptance rate')).toBe('1 of 1 (100%) answer');
    // The trend as figures (12 weeks), never as an image: a Home tab cannot show a file its viewer cannot see.
    expect(imageBlocks(blocksOf(figures))).toHaveLength(0);
    expect(trendRows(blocksOf(figures))).toHaveLength(12);
    expect(trendRows(blocksOf(figures)).at(-1)?.slice(1)).toEqual(['1', '1', '0', '0', '100%']);
    expect(periodOf(figures)).toBe('30d');
    expect(h.slack.homeView(revopsUser.id)?.blocks).toEqual(blocksOf(figures));

    // Another handoff, declined; two minutes later RevOps opens the tab again.
    await sendAndDecide(h, 'Second Account Ltd', 'decline');
    h.clock.advance(2 * 60_000);
    const secondAt = h.clock.now();

    const stale = await openRevopsHome(h);
    expect(stale.ok).toBe(true);
    expect(stale.args.hash).toBeUndefined();
    expect(programSection(stale).endsWith(asOfUpdatingLine(firstAt))).toBe(true);
    expect(figure(blocksOf(stale), 'Handoffs sent')).toBe('1');
    expect(figure(blocksOf(stale), 'AE windows closed')).toBe('1 = 1 accepted + 0 declined + 0 expired');

    const fresh = await nthPublish(h, 3, 'the App Home with the newer figures');
    expect(fresh.ok, JSON.stringify(fresh.response)).toBe(true);
    expect(fresh.args.hash).toBe(hashOf(stale));
    expect(programSection(fresh).endsWith(asOfLine(secondAt))).toBe(true);
    // Two handoffs, one accepted and one declined: 2 windows closed = 1 + 1 + 0, both answers: acceptance 1 of 2.
    expect(figure(blocksOf(fresh), 'Handoffs sent')).toBe('2');
    expect(figure(blocksOf(fresh), 'AE windows closed')).toBe('2 = 1 accepted + 1 declined + 0 expired');
    expect(figure(blocksOf(fresh), 'Acceptance rate')).toBe('1 of 2 (50%) answers');
    expect(h.slack.homeView(revopsUser.id)?.blocks).toEqual(blocksOf(fresh));

    // Opened again within the minute: the same figures, nothing on its way, nothing published after it.
    h.clock.advance(30_000);
    const again = await openRevopsHome(h);
    expect(programSection(again).endsWith(asOfLine(secondAt))).toBe(true);
    expect(figure(blocksOf(again), 'Handoffs sent')).toBe('2');
    const tab = await h.app.home.viewFor(revopsUser.id);
    expect(tab.refresh).toBeUndefined();
    expect(revopsPublishes(h)).toHaveLength(5);
  }, 60_000);

  it('refuses the stale republish (hash_conflict) when RevOps picked another period before the figures landed', async () => {
    const h = await start(SNAPSHOTS, { timeouts: PATIENT });
    await sendAndDecide(h, 'First Account Ltd', 'accept');
    h.clock.advance(60_000);
    // Slack takes the first tab at once but answers it late, once the period pick below was published: the 30-day
    // republish, which waits for that answer (its hash), goes out after it.
    let answerFirst = () => {};
    const held = new Promise<void>((resolve) => {
      answerFirst = resolve;
    });
    h.slack.fail('views.publish', { until: held, afterProcessing: true }, 1);
    await homeOpened(h);
    const shown30 = await waitFor(() => h.slack.homeView(revopsUser.id), 8000, 'the 30-day tab in Slack');
    expect(JSON.parse(shown30.private_metadata)).toEqual({ period: '30d' });

    const picked = await h.interact(homePeriodSelect('90d', revopsUser, shown30.private_metadata));
    expect(picked.status).toBe(200);
    await nthPublish(h, 1, 'the App Home for the period picked');
    answerFirst();
    const computing30 = await nthPublish(h, 0, 'the first tab, answered late');
    expect(computingSection(computing30)).toContain('the last 30 days');
    expect(periodOf(computing30)).toBe('30d');
    const computing90 = await nthPublish(h, 1, 'the App Home for the period picked');
    expect(computing90.ok).toBe(true);
    expect(computing90.args.hash).toBeUndefined();
    expect(periodOf(computing90)).toBe('90d');
    expect(computingSection(computing90)).toContain('the last 90 days');

    // The stale 30-day tab comes back with the hash of the first publish: Slack refuses it.
    const refused = await waitFor(
      () => revopsPublishes(h).find((c) => c.status !== 0 && c.args.hash === hashOf(computing30)),
      15_000,
      'the stale republish',
    );
    expect(refused.ok).toBe(false);
    expect(errorOf(refused)).toBe('hash_conflict');
    expect(periodOf(refused)).toBe('30d');
    expect(figure(blocksOf(refused), 'Handoffs sent')).toBe('1');

    // The 90-day republish (over the 90-day tab) was taken: the tab shows the period picked, with its figures.
    const takenOnes = () => revopsPublishes(h).filter((c) => c.ok && c.args.hash === hashOf(computing90));
    await waitFor(() => takenOnes().length > 0, 15_000, 'the 90-day republish');
    await quiet(h);
    const taken = takenOnes();
    expect(taken).toHaveLength(1);
    const home = h.slack.homeView(revopsUser.id);
    expect(JSON.parse(home?.private_metadata ?? '{}')).toEqual({ period: '90d' });
    expect(home?.blocks).toEqual(blocksOf(taken[0]));
    expect(selectedPeriod(taken[0])).toBe('90d');
    expect(figure(blocksOf(taken[0]), 'Handoffs sent')).toBe(String(BULK + 1));
    expect(computingSection(taken[0])).toBeUndefined();
  }, 60_000);

  it('publishes again when a republished tab itself still promises newer figures (they came in too late)', async () => {
    const h = await start(SNAPSHOTS, { timeouts: PATIENT });
    await sendAndDecide(h, 'First Account Ltd', 'accept');
    h.clock.advance(60_000);
    const openedAt = h.clock.now();
    // The first publish answers slowly (once the test releases it); meanwhile time moves on, so the figures
    // computed behind it are more than a minute old by the time the tab is built again.
    const held = heldDelays();
    h.slack.delays = held.delays;
    h.slack.fail('views.publish', { delayMs: 800 }, 1);
    await homeOpened(h);
    await waitFor(() => held.asked.length === 1, 8000, 'the first publish, still unanswered');
    expect(revopsPublishes(h).map((c) => c.status)).toEqual([0]);
    h.clock.advance(2 * 60_000);
    held.release();
    const republished = await nthPublish(h, 1, 'the republish');
    expect(programSection(republished).endsWith(asOfUpdatingLine(openedAt))).toBe(true);
    // It said "this tab updates by itself": it does.
    const third = await nthPublish(h, 2, 'the promised update');
    expect(third.ok).toBe(true);
    expect(programSection(third)).not.toContain('on their way');
    expect(programSection(third)).toContain('_Figures as of');
  }, 30_000);

  it('with the default harness (10 s) shows fresh figures each time, with no "as of" line and no republish', async () => {
    const h = await start();
    expect(h.config.revopsReporting.maxWaitMs).toBe(10_000);
    await sendAndDecide(h, 'First Account Ltd', 'accept');
    h.clock.advance(60_000);

    const first = await openRevopsHome(h);
    expect(computingSection(first)).toBeUndefined();
    expect(programSection(first)).toBe(
      '*Program metrics* (RevOps): what sales does with the handoffs partner marketing sends.',
    );
    expect(figure(blocksOf(first), 'Handoffs sent')).toBe('1');

    // Thirty seconds later (a snapshot would still be served): the new handoff is counted at once.
    await sendAndDecide(h, 'Second Account Ltd', 'decline');
    h.clock.advance(30_000);
    const second = await openRevopsHome(h);
    expect(programSection(second)).not.toContain('Figures as of');
    // As above: 2 sent, 2 windows closed = 1 accepted + 1 declined, acceptance 1 of 2 answers.
    expect(figure(blocksOf(second), 'Handoffs sent')).toBe('2');
    expect(figure(blocksOf(second), 'AE windows closed')).toBe('2 = 1 accepted + 1 declined + 0 expired');
    expect(figure(blocksOf(second), 'Acceptance rate')).toBe('1 of 2 (50%) answers');

    // Nothing is being computed in the background: the tab is not published again.
    const tab = await h.app.home.viewFor(revopsUser.id);
    expect(tab.refresh).toBeUndefined();
    expect(revopsPublishes(h).filter((c) => c.args.hash !== undefined)).toEqual([]);
    expect(revopsPublishes(h)).toHaveLength(2);
  }, 60_000);
});
