import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import {
  actAs,
  day,
  fillPacket,
  message,
  openPlace,
  outboxDelivered,
  reviewAndSend,
  sandboxBrowser,
} from '../support/sandboxPage.js';
import { sandboxWorld } from '../support/sandboxWorld.js';

/**
 * The sandbox's clock control in Chromium, in a sandbox of its own (its moves wait out Slack's pace in real time, so
 * these walks run beside sandbox.e2e.test.ts rather than after it): business days forward one at a time bring the
 * AE's reminder, then the expiry, then the policy's reassignment to the pool, and the RevOps App Home; past Monday
 * 09:00 New York time, the weekly digest. Screenshots in test-results/sandbox/.
 */

const SHOTS = join(import.meta.dirname, '../../test-results/sandbox');
const { author, ae, otherAe, admin } = sandboxUsers;
const ACCEPT = 'button[data-action-id="handoff_accept"]';

const world = sandboxWorld('clock-e2e');
const { newPage, shot } = sandboxBrowser(world, SHOTS);
const delivered = () => outboxDelivered(world.sandbox);

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
