import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import { nextDueAt } from '../../src/db/repositories/dueTimes.js';
import {
  acceptInPage,
  actAs,
  day,
  fillPacket,
  latestHandoffId,
  message,
  openPlace,
  outboxDelivered,
  reviewAndSend,
  sandboxPageFor,
  screenshot,
} from '../support/sandboxPage.js';
import { sandboxWorld } from '../support/sandboxWorld.js';

/**
 * The sandbox page's controls for what people do in Slack that Slack tells the app by an event, clicked in Chromium,
 * and what each person then reads: Jordan's away status reaches Pat at once (user_status_changed), not at the next
 * hourly read; the app removed from #ext-meridian holds the partner update and Pat is told (channel_left), invited
 * back it posts it (member_joined_channel); Riley revokes the bot token, then uninstalls the app (tokens_revoked,
 * app_uninstalled), and nothing more reaches anyone. Screenshots are in test-results/sandbox-events/.
 */

const SHOTS = join(import.meta.dirname, '../../test-results/sandbox-events');
const { author: pat, ae: jordan, otherAe: sam, admin: riley, partner: dana } = sandboxUsers;
const PARTNER = sandboxChannels.partner.id;
const ACCEPT = 'button[data-action-id="handoff_accept"]';

const world = sandboxWorld('events-e2e');
let page: Page;

sandboxPageFor(world, SHOTS, (opened) => {
  page = opened;
});

const shot = (name: string) => screenshot(page, { path: join(SHOTS, `${name}.png`), fullPage: true });
const delivered = () => outboxDelivered(world.sandbox);
/** How often the app asked Slack for Jordan's status (users.profile.get). */
const jordanStatusReads = () =>
  world.sandbox.slack.callsTo('users.profile.get').filter((c) => c.args.user === jordan.id).length;
/** The bar above a channel's messages: whether Handoff is in it. */
const appBar = () => page.locator('.app-bar');

describe('what people do in Slack, told to the app', { timeout: 60_000 }, () => {
  it('Jordan sets an away status with the status control: Pat hears at once, without the clock moving an hour', async () => {
    await fillPacket(page, {
      account: 'Contoso Freight',
      crm: 'OPP-52001',
      aeId: jordan.id,
      nextMoveDate: day(6),
    });
    await reviewAndSend(page);
    await delivered();
    const id = await latestHandoffId(world.sandbox, 'Contoso Freight');
    // The sweep of the next minute reads Jordan's status (not away): a poll would not read it again for an hour.
    await world.sandbox.jobs.advanceTo(new Date(world.sandbox.clock.now().getTime() + 60_000));
    expect(jordanStatusReads()).toBeGreaterThan(0);
    const readsBefore = jordanStatusReads();
    const before = world.sandbox.clock.now().getTime();

    await actAs(page, jordan.id);
    await page.click('#status-button');
    await page.click('[data-status-preset=":palm_tree:"]');
    const back = DateTime.fromJSDate(world.sandbox.clock.now(), { zone: jordan.tz }).plus({ days: 5 });
    await page.fill('#status-back', back.toISODate() ?? '');
    await page.click('.status-save');
    await page.locator('#status-button', { hasText: 'Vacation' }).waitFor();

    await actAs(page, pat.id);
    await openPlace(page, `D${pat.id}`);
    const notice = message(page, 'is away');
    await notice.waitFor({ timeout: 15_000 });
    const text = ((await notice.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(text).toContain(
      `@Jordan Seller is away (back ${back.toFormat('ccc d LLL')}, their time): 🌴 Vacation.`,
    );
    expect(text).toContain(`Handoff #${id} Contoso Freight`);
    expect(text).toContain(
      'You need not do anything; if it cannot wait, Reassign gives it to someone now. If it expires while they are away, the metrics do not count it as their silence.',
    );
    expect(await notice.locator('button', { hasText: 'Reassign' }).count()).toBe(1);
    // Slack's event told the app: it did not ask Slack, and the clock did not move an hour for a poll.
    expect(jordanStatusReads()).toBe(readsBefore);
    expect(world.sandbox.clock.now().getTime() - before).toBeLessThan(60 * 60_000);
    await shot('status-1-pat-told-at-once');
  });

  it('Remove the app from #ext-meridian, then an Accept: Pat is told the partner update waits; Invite the app: Dana reads it', async () => {
    await actAs(page, pat.id);
    await fillPacket(page, {
      account: 'Tailwind Traders',
      crm: 'OPP-52002',
      aeId: sam.id,
      nextMoveDate: day(6),
    });
    await reviewAndSend(page);
    await delivered();
    const id = await latestHandoffId(world.sandbox, 'Tailwind Traders');

    await openPlace(page, PARTNER);
    await appBar().filter({ hasText: 'Handoff is in #ext-meridian.' }).waitFor();
    await page.click('button[data-app-membership="remove"]');
    await appBar().filter({ hasText: 'Handoff is not in #ext-meridian' }).waitFor();
    await shot('channel-1-app-removed');

    await actAs(page, sam.id);
    await openPlace(page, `D${sam.id}`);
    const dm = message(page, 'Tailwind Traders');
    await acceptInPage(page, dm.locator(ACCEPT));
    await dm.getByText('Accepted', { exact: false }).first().waitFor();

    await actAs(page, pat.id);
    await openPlace(page, `D${pat.id}`);
    const warning = message(page, 'cannot post the partner-safe update');
    await warning.waitFor({ timeout: 15_000 });
    const warned = ((await warning.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(warned).toContain(`handoff #${id} Tailwind Traders`);
    expect(warned).toContain('I am not a member of #ext-meridian');
    expect(warned).toContain('/invite @Handoff');
    await shot('channel-2-pat-told-update-waits');

    // Dana reads nothing of it yet (the partner first hears of a handoff when its AE accepts): it waits for the app.
    // Of another organization, she reads whether the app is there, with no button to change it.
    await actAs(page, dana.id);
    await openPlace(page, PARTNER);
    await appBar().filter({ hasText: 'Handoff is not in #ext-meridian' }).waitFor();
    expect(await page.locator('button[data-app-membership]').count()).toBe(0);
    expect(await page.locator('article.message', { hasText: 'Tailwind Traders' }).count()).toBe(0);
    expect(JSON.stringify(world.sandbox.slack.messages(PARTNER))).not.toContain('Tailwind Traders');

    await actAs(page, pat.id);
    await openPlace(page, PARTNER);
    await page.click('button[data-app-membership="invite"]');
    await appBar().filter({ hasText: 'Handoff is in #ext-meridian.' }).waitFor();
    await delivered();

    await actAs(page, dana.id);
    await openPlace(page, PARTNER);
    await message(page, 'Tailwind Traders').getByText('Accepted', { exact: false }).first().waitFor();
    expect(await message(page, 'Tailwind Traders').textContent()).toContain('Sam Closer');
    await shot('channel-3-dana-reads-the-update');
  });

  it('Manage apps: Riley revokes the bot token, then uninstalls the app; /healthz says so, and nothing more reaches anyone', async () => {
    // Only the workspace admin has Manage apps.
    await actAs(page, pat.id);
    expect(await page.locator('[data-place="apps"]').count()).toBe(0);
    await actAs(page, riley.id);
    await openPlace(page, 'apps');
    const card = page.locator('.app-card');
    await card.locator('.app-health[data-health-status="200"]').waitFor();
    expect(await card.locator('.app-install').textContent()).toBe('Installed. Its bot token works.');

    await page.click('button[data-app-token="revoke"]');
    await page.locator('.app-card[data-install="tokens_revoked"]').waitFor();
    await card.locator('.app-health[data-health-status="503"]', { hasText: 'tokens_revoked' }).waitFor();
    await shot('apps-1-token-revoked');
    await openPlace(page, sandboxChannels.internal.id);
    await appBar().filter({ hasText: 'bot token was revoked' }).waitFor();
    expect(await page.locator('button[data-app-membership]').count()).toBe(0);

    await openPlace(page, 'apps');
    await page.click('button[data-app-token="uninstall"]');
    await page.locator('.app-card[data-install="app_uninstalled"]').waitFor();
    expect(await card.locator('.app-install').textContent()).toMatch(/^Uninstalled: .*sends the app nothing/);
    await card.locator('.app-health[data-health-status="503"]', { hasText: 'disconnected' }).waitFor();
    expect(await page.locator('button[data-app-token]').count()).toBe(0);
    await shot('apps-2-uninstalled');

    // Slack sends an uninstalled app nothing: /handoff goes nowhere, and the page says why.
    await actAs(page, pat.id);
    await openPlace(page, sandboxChannels.internal.id);
    await page.fill('#command', '/handoff');
    await page.press('#command', 'Enter');
    await page.locator('#notice', { hasText: 'Handoff is uninstalled' }).waitFor();
    expect(await page.locator('#modal-layer').isHidden()).toBe(true);
    await shot('apps-3-command-refused');

    // Three business days on, Jordan's open handoff would have been reminded (the Meridian policy, at half the
    // window): the app, cut off from Slack, has paused its sweep and sends nothing.
    const dms = () => [jordan.id, pat.id].map((u) => world.sandbox.slack.messages(`D${u}`).length);
    const before = dms();
    const from = world.sandbox.clock.now();
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/clock'), { timeout: 30_000 }),
      page.click('[data-advance="3"]'),
    ]);
    expect((await nextDueAt(world.sandbox.database.db, from))?.getTime()).toBeLessThan(
      world.sandbox.clock.now().getTime(),
    );
    expect(dms()).toEqual(before);
  });
});
