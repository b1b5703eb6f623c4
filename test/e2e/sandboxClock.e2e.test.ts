import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import { PACKET_BLOCK_ID } from '../../src/blocks/ids.js';
import {
  acceptInPage,
  actAs,
  day,
  field,
  fillPacket,
  latestHandoffId,
  message,
  openPlace,
  outboxDelivered,
  reviewAndSend,
  sandboxBrowser,
  screenshot,
} from '../support/sandboxPage.js';
import { sandboxWorld } from '../support/sandboxWorld.js';

/**
 * The sandbox's fake Salesforce and its clock control in Chromium, in a sandbox of its own (the clock's moves wait out
 * Slack's pace in real time, so these walks run beside sandbox.e2e.test.ts rather than after it). First, money (issue
 * 54): a person changes a deal's amount, currency and stage and closes it won, and RevOps (Riley) watches the App
 * Home's Money section follow at each CRM poll. Then the clock: business days forward one at a time bring the AE's
 * reminder, then the expiry, then the policy's reassignment to the pool, and the RevOps App Home; past Monday 09:00
 * New York time, the weekly digest. Screenshots in test-results/sandbox/.
 */

const SHOTS = join(import.meta.dirname, '../../test-results/sandbox');
const { author, ae, otherAe, admin } = sandboxUsers;
const ACCEPT = 'button[data-action-id="handoff_accept"]';

const world = sandboxWorld('clock-e2e');
const { newPage, shot } = sandboxBrowser(world, SHOTS);
const delivered = () => outboxDelivered(world.sandbox);

/** The first block of the App Home's Money section (the figures by class), once the Home shows it. */
const moneyBlock = (page: Page) =>
  page.locator('.home .bk-block', { hasText: 'Money (RevOps, from the CRM)' });

/** Opens Riley's App Home again (as a person clicks the tab) and waits for a Money section that says `text`. */
async function homeMoney(page: Page, text: string): Promise<Locator> {
  await openPlace(page, 'home');
  const block = page.locator('.home .bk-block', { hasText: text }).filter({ hasText: 'Money (RevOps' });
  await block.waitFor({ timeout: 15_000 });
  return block;
}

/** Shoots the pane with the Money section at its top, measured and shot in one go (the Home may be drawn again). */
async function shootMoney(page: Page, name: string): Promise<void> {
  await moneyBlock(page).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page.locator('#pane'), { path: join(SHOTS, `${name}.png`) });
}

const opportunity = (page: Page, id: string) => page.locator(`.sf-opportunity[data-opportunity="${id}"]`);

/** Clicks "Poll the CRM now" in the Salesforce panel; the sandbox's answer. */
async function pollNow(page: Page): Promise<Record<string, unknown>> {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/salesforce/poll');
  await page.click('button[data-crm-poll]');
  return (await (await answered).json()) as Record<string, unknown>;
}

describe('the sandbox: money in the fake Salesforce, RevOps watching', { timeout: 90_000 }, () => {
  // The sandbox fires the app's jobs each second on its clock, which runs on real time: the CRM read-back runs at
  // every minute's slot. One falling between the seller's save and "Poll the CRM now" read the change first, so the
  // poll found nothing new. Here the polls are the test's clicks only: the jobs stop, the clock stays real.
  beforeAll(() => world.sandbox.jobs.stop());
  afterAll(() => world.sandbox.jobs.start());
  it("a deal's amount, currency and stage changed, then closed won: the Money section follows at each poll", async () => {
    const page = await newPage();
    const northwind = world.sandbox.opportunityIds[0] ?? '';
    // Pat sends a packet linked to the Northwind opportunity; Jordan accepts it.
    await fillPacket(page, { account: 'Northwind Logistics', crm: 'x', aeId: ae.id, nextMoveDate: day(6) });
    await page.fill(
      field(PACKET_BLOCK_ID.crmOpportunity),
      `https://sandbox.lightning.force.com/lightning/r/Opportunity/${northwind}/view`,
    );
    await reviewAndSend(page);
    await outboxDelivered(world.sandbox);
    const id = await latestHandoffId(world.sandbox, 'Northwind Logistics');
    await actAs(page, ae.id);
    await openPlace(page, `D${ae.id}`);
    await acceptInPage(
      page,
      message(page, 'Northwind Logistics').locator('button[data-action-id="handoff_accept"]'),
    );
    await outboxDelivered(world.sandbox);

    // Riley (RevOps) polls the CRM from the Salesforce panel, then reads the Money section: the deal as seeded.
    await actAs(page, admin.id);
    await openPlace(page, 'salesforce');
    const deal = opportunity(page, northwind);
    expect(await deal.locator('.sf-amount').textContent()).toBe('$125,000 USD');
    expect(await deal.locator('.sf-close-date').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Contoso is seeded in euros: the panel says what it is in dollars at the org's rate.
    const contoso = opportunity(page, world.sandbox.opportunityIds[1] ?? '');
    expect(await contoso.locator('.sf-amount').textContent()).toBe('€48,000 EUR ≈ $52,173.91 USD');
    await shot(page, 'money-1-salesforce-panel');
    expect((await pollNow(page)).message).toMatch(/^The app read 1 linked record/);
    const before = await homeMoney(page, 'pipeline: $125,000 (1 deal)');
    expect(await before.textContent()).toContain('closed won: none');
    await shootMoney(page, 'money-2-home-before');

    // A seller raises the amount, moves it to euros and to Negotiation/Review, and saves: the fake record only.
    await openPlace(page, 'salesforce');
    const form = deal.locator('form.sf-edit');
    await form.locator('[name="amount"]').fill('150000');
    await form.locator('[name="currency"]').selectOption('EUR');
    await form.locator('[name="stage"]').selectOption('Negotiation/Review');
    await form.locator('[name="closeDate"]').fill(day(20));
    // The panel is drawn again while the form is being filled (its polls): what was typed stays. Two looks at the
    // state after the typing: the first's drawing has ended once the second is answered (one look at a time).
    for (let look = 1; look <= 2; look += 1) {
      await page.waitForResponse((r) => new URL(r.url()).pathname === '/api/state');
    }
    expect(await form.locator('[name="amount"]').inputValue()).toBe('150000');
    await deal.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'money-3-edit-typed');
    const saved = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/salesforce/change');
    await form.locator('.sf-save').click();
    expect(((await (await saved).json()) as { message: string }).message).toMatch(
      /^Saved in the fake Salesforce/,
    );
    await deal.locator('.sf-stage', { hasText: 'Negotiation/Review' }).waitFor();
    expect(await deal.locator('.sf-amount').textContent()).toBe('€150,000 EUR ≈ $163,043.48 USD');
    // Not read yet: the Money section still says what the last poll read.
    await homeMoney(page, 'pipeline: $125,000 (1 deal)');

    // The poll: the Money section follows (converted to dollars at the CRM's rate).
    await openPlace(page, 'salesforce');
    expect((await pollNow(page)).moneyChanged).toBe(1);
    const moved = await homeMoney(page, 'pipeline: $163,043 (1 deal)');
    expect(await moved.textContent()).toContain('closed won: none');
    await shootMoney(page, 'money-4-home-after-change');

    // Close won (dated today, read back at once): the pipeline empties, closed won holds the deal, the handoff is won.
    await openPlace(page, 'salesforce');
    await deal.locator('button[data-close-opportunity][data-won="true"]').click();
    await deal.locator('.sf-stage.sf-won', { hasText: 'Closed Won' }).waitFor();
    await deal.locator('.sf-linked', { hasText: `#${id} Northwind Logistics (accepted, won)` }).waitFor();
    await shot(page, 'money-5-closed-won');
    const won = await homeMoney(page, 'closed won: $163,043 (1 deal)');
    expect(await won.textContent()).toMatch(/pipeline: none · closed won: \$163,043 \(1 deal\)/);
    // (The win rate's line asks Salesforce for its closed deals at most every ten minutes: it follows later.)
    await shootMoney(page, 'money-6-home-closed-won');

    // A person typing nonsense is told what to fix; the record stays as it was.
    await openPlace(page, 'salesforce');
    await form.locator('[name="amount"]').fill('lots');
    await form.locator('.sf-save').click();
    await page.locator('#notice', { hasText: 'The amount must be a number' }).waitFor();
    expect(world.sandbox.salesforce.opportunity(northwind)?.Amount).toBe(150000);
    await page.close();
  });

  it("the panel's routes keep the page's rules: JSON only, and a change is checked as Salesforce would", async () => {
    const post = (path: string, body: unknown, type = 'application/json') =>
      fetch(new URL(path, world.sandbox.url), {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify(body),
      });
    const id = world.sandbox.opportunityIds[3] ?? '';
    const change = { user: author.id, opportunity: id, amount: '1', stage: 'Prospecting', closeDate: day(3) };
    expect((await post('/api/salesforce/change', change, 'text/plain')).status).toBe(415);
    const refused = async (body: Record<string, unknown>) => {
      const response = await post('/api/salesforce/change', { ...change, ...body });
      expect(response.status).toBe(400);
      return ((await response.json()) as { error: string }).error;
    };
    expect(await refused({ stage: 'Won-ish' })).toMatch(/^Stage must be one of the picklist's/);
    expect(await refused({ currency: 'JPY' })).toMatch(/^Currency must be one of the org's: USD, EUR, GBP/);
    expect(await refused({ closeDate: '2026-02-30' })).toMatch(/^Close date is required/);
    expect(await refused({ amount: '-5' })).toMatch(/^The amount must be a number/);
    expect(await refused({ opportunity: '006nope' })).toMatch(/^The fake Salesforce has no opportunity/);
    expect(world.sandbox.salesforce.opportunity(id)?.Amount).toBe(86_500);
    const ok = await post('/api/salesforce/change', { ...change, amount: '', currency: 'GBP' });
    expect(ok.status).toBe(200);
    expect(world.sandbox.salesforce.opportunity(id)).toMatchObject({ Amount: null, CurrencyIsoCode: 'GBP' });
  });
});

describe('the sandbox clock in a browser', { timeout: 60_000 }, () => {
  it('the clock: whole business days later the AE is reminded, then the handoff expires and the owner hears; 4 business hours later the Meridian policy gives it to the pool', async () => {
    const page = await newPage();
    await fillPacket(page, {
      account: 'Fabrikam Retail',
      crm: 'OPP-42133',
      aeId: ae.id,
      nextMoveDate: day(7),
      days: '3',
    });
    await reviewAndSend(page);
    await delivered();
    const mentions = (channel: string, text: RegExp) =>
      world.sandbox.slack
        .messages(channel)
        .filter((m) => /Fabrikam Retail/.test(JSON.stringify(m)) && text.test(JSON.stringify(m))).length;
    const expired = () => mentions(`D${author.id}`, /expired/) > 0;
    expect(mentions(`D${ae.id}`, /./)).toBe(1);

    // One business day at a time: the reminder (half the window, or the last morning) comes before the expiry.
    let remindedBeforeExpiry = false;
    for (let step = 1; step <= 8 && !expired(); step += 1) {
      // The move's answer: it comes once the move has ended (a move waits for each moment's posts, a second apart in
      // one conversation, before the clock moves on); the clock line said "moved" since the first.
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/clock'), { timeout: 30_000 }),
        page.click('[data-advance="1"]'),
      ]);
      await delivered();
      if (!expired() && mentions(`D${ae.id}`, /./) > 1) remindedBeforeExpiry = true;
    }
    expect(remindedBeforeExpiry).toBe(true);
    expect(expired()).toBe(true);

    await actAs(page, ae.id);
    await openPlace(page, `D${ae.id}`);
    expect(await page.locator('article.message', { hasText: 'Fabrikam Retail' }).count()).toBeGreaterThan(1);
    await shot(page, 'clock-1-reminded');
    await actAs(page, author.id);
    await openPlace(page, `D${author.id}`);
    // The owner's expiry notice ("It has expired"; "it expired" once the reassignment below followed it, when the
    // jump passed the due time by 4 business hours).
    await page
      .locator('article.message', { hasText: 'Fabrikam Retail' })
      .filter({ hasText: /did not answer .* (it|It has) expired/ })
      .first()
      .waitFor();
    await shot(page, 'clock-2-expired');

    // sandbox/policies.json: 4 business hours after the due time, the next AE of the pool who is not the AE (Sam).
    const reassigned = () => mentions(`D${otherAe.id}`, /./) > 0;
    for (let step = 1; step <= 2 && !reassigned(); step += 1) {
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/clock'), { timeout: 30_000 }),
        page.click('[data-advance="1"]'),
      ]);
      await delivered();
    }
    const moved = page.locator('article.message', { hasText: 'Fabrikam Retail' }).filter({
      hasText: 'moved from @Jordan Seller to @Sam Closer',
    });
    await moved.first().waitFor();
    await shot(page, 'clock-2b-reassigned-to-pool');
    await actAs(page, otherAe.id);
    await openPlace(page, `D${otherAe.id}`);
    await message(page, 'Fabrikam Retail').locator(ACCEPT).waitFor();

    // RevOps sees it all in the App Home metrics; the period they pick is still there when they come back.
    await actAs(page, admin.id);
    await openPlace(page, 'home');
    await page.locator('.home', { hasText: 'Acceptance rate' }).waitFor({ timeout: 10_000 });
    const period = page.locator('.home select[data-action="static_select"]').first();
    await period.selectOption('365d');
    await page.locator('.home', { hasText: 'Last 12 months' }).waitFor();
    await openPlace(page, sandboxChannels.internal.id);
    // Opened again, the Home is published again (app_home_opened): the period must survive that publish, so the page
    // is read from its first look at the state after it, not after a fixed wait.
    const publishes = () =>
      world.sandbox.slack.calls.filter(
        (c) => c.method === 'views.publish' && c.args.user_id === admin.id && c.status === 200,
      ).length;
    const before = publishes();
    await openPlace(page, 'home');
    await expect.poll(publishes, { timeout: 10_000 }).toBeGreaterThan(before);
    await (await page.waitForRequest((r) => r.url().includes('/api/state'))).response();
    await page.locator('.home', { hasText: 'Last 12 months' }).waitFor();
    await shot(page, 'clock-3-revops-home');
    await page.close();
  });

  it('the weekly digest: "+1 business day" past Monday 09:00 New York time posts it in #partner-marketing', async () => {
    // Last, as it moves the clock up to a week: the sandbox clock to the next Monday, 08:00 in New York.
    const zone = 'America/New_York';
    const now = DateTime.fromJSDate(world.sandbox.clock.now(), { zone });
    let monday = now.set({ hour: 8, minute: 0, second: 0, millisecond: 0 });
    while (monday.weekday !== 1 || monday <= now) monday = monday.plus({ days: 1 });
    await world.sandbox.jobs.advanceTo(monday.toJSDate());
    const week = `week of ${monday.minus({ weeks: 1 }).toISODate()}`;
    const digest = () =>
      world.sandbox.slack.messages(sandboxChannels.internal.id).filter((m) => m.text?.includes(week));
    expect(digest()).toEqual([]);

    const page = await newPage();
    await actAs(page, admin.id);
    await openPlace(page, sandboxChannels.internal.id);
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/clock'), { timeout: 30_000 }),
      page.click('[data-advance="1"]'),
    ]);
    await delivered();
    expect(digest()).toHaveLength(1);
    const post = page.locator('article.message', { hasText: `Co-sell handoffs: ${week}` });
    await post.waitFor();
    // The trend chart, shared into the channel just before (its own message, above the digest), is shown from its
    // file. The image loads lazily: scrolled into view first.
    const chart = post.locator('img').first();
    // The page redraws the channel when its poll brings news (the outbox's last deliveries), which can replace the
    // image between Playwright finding it and scrolling to it ("not attached to the DOM"): found again and scrolled,
    // a few times at most.
    for (let tries = 1; ; tries += 1) {
      const scrolled = await chart.scrollIntoViewIfNeeded({ timeout: 5_000 }).then(
        () => true,
        (error: unknown) => {
          if (tries >= 5 || !String(error).includes('not attached')) throw error;
          return false;
        },
      );
      if (scrolled) break;
    }
    await chart.waitFor();
    await shot(page, 'digest-1-partner-marketing');
    await page.close();
  });
});
