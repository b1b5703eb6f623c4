import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PARTNER_TEAM, sandboxChannels, sandboxUsers, TEAM } from '../../sandbox/cast.js';
import { MANIFEST_FILE, readMessageShortcuts } from '../../sandbox/messageActions.js';
import { ADD_TO_HANDOFF_BLOCK_ID, CALLBACK_ID, PACKET_BLOCK_ID } from '../../src/blocks/ids.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { nextDueAt } from '../../src/db/repositories/dueTimes.js';
import { waitFor } from '../support/harness.js';
import {
  acceptInPage,
  actAs,
  chooseShortcut,
  day,
  fillPacket,
  latestHandoffId,
  message,
  openMoreActions,
  openPlace,
  outboxDelivered,
  personMessage,
  postMessage,
  reviewAndSend,
  sandboxPageFor,
  screenshot,
  shortcutNames,
} from '../support/sandboxPage.js';
import { postToSandbox, sandboxWorld } from '../support/sandboxWorld.js';

/**
 * The sandbox page's controls for what people do in Slack, clicked in Chromium, and what each person then reads.
 * What Slack tells the app by an event: Jordan's away status reaches Pat at once (user_status_changed), not at the
 * next hourly read; the app removed from #ext-meridian holds the partner update and Pat is told (channel_left),
 * invited back it posts it (member_joined_channel). Message shortcuts (issue 52 item 6): people write in channels and
 * threads; a message's "More actions" menu lists the app's message shortcuts (from the manifest) to people of our
 * organization, none to the partner's; choosing one sends the app Slack's signed `message_action`; the app's
 * reactions and its views.update show as Slack shows them. Last, Riley revokes the bot token, then uninstalls the app
 * (tokens_revoked, app_uninstalled), and nothing more reaches anyone. Screenshots are in test-results/sandbox-events/.
 */

const SHOTS = join(import.meta.dirname, '../../test-results/sandbox-events');
const { author: pat, ae: jordan, otherAe: sam, admin: riley, partner: dana } = sandboxUsers;
const INTERNAL = sandboxChannels.internal.id;
const PARTNER = sandboxChannels.partner.id;
const ACCEPT = 'button[data-action-id="handoff_accept"]';
/** The start of Dana's seeded message (cast.ts). */
const DANAS = 'Northwind (northwind.example) is moving their EU warehouses';

/** The app's message shortcuts, as the manifest names them. */
const ISSUE_52 = [
  {
    name: 'Hand off this deal',
    type: 'message',
    callback_id: 'handoff_from_message',
    description: 'Start a co-sell handoff prefilled from this message',
  },
  {
    name: 'Add to handoff',
    type: 'message',
    callback_id: 'add_to_handoff',
    description: 'Attach this message to one of your open handoffs',
  },
];
/** A shortcut only this test's manifest has: the menu lists what the manifest lists, not a table of the sandbox's. */
const PROBE = {
  name: 'Sandbox probe',
  type: 'message',
  callback_id: 'sandbox_probe',
  description: "Only in this test's copy of the manifest",
};

/**
 * The repository's manifest.json with PROBE added, and issue 52's shortcuts if it does not list them yet (they are
 * written into it alongside their handlers), written into the sandbox's folder.
 */
let manifestFile: string;
function testManifest(dir: string): string {
  const manifest = JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as {
    features: { shortcuts?: { callback_id: string }[] };
  };
  const shortcuts = manifest.features.shortcuts ?? [];
  const missing = ISSUE_52.filter((s) => !shortcuts.some((x) => x.callback_id === s.callback_id));
  manifest.features.shortcuts = [...shortcuts, ...missing, PROBE];
  manifestFile = join(dir, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return manifestFile;
}

const world = sandboxWorld('events-e2e', { manifest: testManifest });
let page: Page;

sandboxPageFor(world, SHOTS, (opened) => {
  page = opened;
});

const shot = (name: string) => screenshot(page, { path: join(SHOTS, `${name}.png`), fullPage: true });
const delivered = () => outboxDelivered(world.sandbox);
/** How often the app asked Slack for Jordan's status (users.profile.get). */
const jordanStatusReads = () =>
  world.sandbox.slack.callsTo('users.profile.get').filter((c) => c.args.user === jordan.id).length;
/** Fills and sends a packet (as the person acting), waits for its delivery; the handoff's number. */
async function sendPacket(account: string, crm: string, aeId: string, nextMoveDate: string): Promise<number> {
  await fillPacket(page, { account, crm, aeId, nextMoveDate });
  await reviewAndSend(page);
  await delivered();
  return latestHandoffId(world.sandbox, account);
}
/** The bar above a channel's messages: whether Handoff is in it. */
const appBar = () => page.locator('.app-bar');

/** The seeded message of Dana's, as the fake Slack holds it. */
const danasMessage = () => {
  const found = world.sandbox.slack
    .messages(PARTNER)
    .find((m) => m.user === dana.id && m.text?.includes(DANAS));
  if (!found) throw new Error("Dana's seeded message is not in #ext-meridian");
  return found;
};
/** The app's Web API client, as the app calls the fake Slack. */
const asTheApp = () => new WebClient(world.sandbox.slack.token, { slackApiUrl: world.sandbox.slack.apiUrl });

describe('what people do in Slack, told to the app', { timeout: 60_000 }, () => {
  it('Jordan sets an away status with the status control: Pat hears at once, without the clock moving an hour', async () => {
    const id = await sendPacket('Contoso Freight', 'OPP-52001', jordan.id, day(6));
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
    const id = await sendPacket('Tailwind Traders', 'OPP-52002', sam.id, day(6));

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
});

describe('message shortcuts in the sandbox', { timeout: 90_000 }, () => {
  it('Pat writes in #partner-marketing and in a thread: each message is his, shown with his name as Slack shows it', async () => {
    await actAs(page, pat.id);
    await openPlace(page, INTERNAL);
    // The seeded thread: Pat's message and Jordan's reply under it.
    const parent = personMessage(page, 'Heads-up: Wide World Importers');
    await parent.waitFor();
    expect(await parent.locator(':scope > .meta strong').textContent()).toBe('Pat Marketer');
    const seededReply = parent.locator('.thread .reply article.message.person');
    expect(await seededReply.locator('.meta strong').textContent()).toBe('Jordan Seller');

    const typed =
      'Jordan, can you take the Wide World intro on Thursday? Deck & notes on wideworldimporters.com';
    const ts = await postMessage(page, typed);
    const stored = world.sandbox.slack.messages(INTERNAL).find((m) => m.ts === ts);
    // Stored as Slack stores what people type: escaped, the domain a link; his, not the app's.
    expect(stored).toMatchObject({
      user: pat.id,
      text: 'Jordan, can you take the Wide World intro on Thursday? Deck &amp; notes on <http://wideworldimporters.com|wideworldimporters.com>',
    });
    expect(stored?.thread_ts).toBeUndefined();
    const mine = personMessage(page, 'can you take the Wide World intro');
    await mine.waitFor();
    expect(await mine.locator(':scope > .meta strong').textContent()).toBe('Pat Marketer');
    expect(await mine.locator(':scope > .meta .app-tag').count()).toBe(0);
    expect(await mine.locator(':scope > .fallback').textContent()).toBe(typed);
    expect(await mine.locator('a[href="http://wideworldimporters.com"]').count()).toBe(1);

    // A reply in the seeded thread: "Reply in thread", then the composer.
    const parentTs = await parent.getAttribute('data-ts');
    const replyTs = await postMessage(page, 'Thursday works for Meridian, I will send the invite.', parent);
    expect(world.sandbox.slack.messages(INTERNAL).find((m) => m.ts === replyTs)).toMatchObject({
      user: pat.id,
      thread_ts: parentTs,
    });
    const thread = parent.locator(':scope > .thread');
    await thread.locator('.thread-count', { hasText: '2 replies' }).waitFor();
    expect(await thread.locator('article.message.person .meta strong').allTextContents()).toEqual([
      'Jordan Seller',
      'Pat Marketer',
    ]);
    await page.locator('#replying').waitFor({ state: 'hidden' });
    await shot('1-pat-writes-in-a-channel-and-a-thread');

    // The app's DM takes no messages (its Messages tab is read-only): Slack says so, and the text stays typed.
    await openPlace(page, `D${pat.id}`);
    await page.fill('#command', 'hello app');
    await page.press('#command', 'Enter');
    await page.locator('#notice', { hasText: 'Sending messages to this app has been turned off' }).waitFor();
    expect(await page.inputValue('#command')).toBe('hello app');
    await page.fill('#command', '');
  });

  it("⋯ on Dana's message lists the manifest's message shortcuts for Pat, and none for Dana", async () => {
    await actAs(page, pat.id);
    await openPlace(page, PARTNER);
    const danas = personMessage(page, DANAS);
    await danas.waitFor();
    expect(await danas.locator(':scope > .meta strong').textContent()).toBe('Dana Reyes');
    expect(await danas.locator(':scope > .meta .external-tag').count()).toBe(1);

    const menu = await openMoreActions(page, danas);
    const listed = await shortcutNames(menu);
    expect(listed).toEqual(readMessageShortcuts(manifestFile).map((s) => s.name));
    expect(listed).toEqual(expect.arrayContaining(['Hand off this deal', 'Add to handoff', PROBE.name]));
    // Only the manifest's message shortcuts: not its global one.
    expect(listed).not.toContain('Ask for partner help');
    await shot('2-pat-more-actions-on-danas-message');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });

    // Dana, of Meridian: Handoff is Acme's app, so Slack offers her none of its shortcuts.
    await actAs(page, dana.id);
    await openPlace(page, PARTNER);
    const herMenu = await openMoreActions(page, personMessage(page, DANAS));
    expect(await herMenu.locator('[data-shortcut]').count()).toBe(0);
    expect(await herMenu.locator('.menu-none').textContent()).toContain('Handoff is an app of Acme Corp');
    await shot('3-dana-more-actions-offers-none');
    await page.keyboard.press('Escape');
    // Nor does the sandbox send one for her if asked directly.
    const sentBefore = world.sandbox.messageActions.sent.length;
    const refused = await postToSandbox(world.sandbox, 'shortcut', {
      user: dana.id,
      channel: PARTNER,
      ts: danasMessage().ts,
      callback_id: 'add_to_handoff',
    });
    expect(refused.status).toBe(400);
    expect(String(refused.body.error)).toContain('Handoff is an app of Acme Corp');
    expect(world.sandbox.messageActions.sent.length).toBe(sentBefore);
  });

  it("Add to handoff on Dana's message: Slack's message_action, signed, reaches the app, whose answer Pat sees", async () => {
    await actAs(page, pat.id);
    await openPlace(page, PARTNER);
    const message = danasMessage();
    const menu = await openMoreActions(page, personMessage(page, DANAS));
    const answer = await chooseShortcut(page, menu, 'Add to handoff');
    await menu.waitFor({ state: 'hidden' });

    const sent = world.sandbox.messageActions.sent.at(-1);
    const responses = world.sandbox.slack.apiUrl.replace(/api\/$/, 'response/');
    // Bolt's MessageShortcut, field for field, as Slack sends it.
    expect(sent?.payload).toEqual({
      type: 'message_action',
      callback_id: 'add_to_handoff',
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]{16}$/),
      response_url: expect.stringMatching(new RegExp(`^${responses}[0-9a-f]{16}$`)),
      message_ts: message.ts,
      message: { type: 'message', text: message.text, user: dana.id, ts: message.ts, team: PARTNER_TEAM },
      channel: { id: PARTNER, name: 'ext-meridian' },
      user: { id: pat.id, username: 'pat', name: 'pat', team_id: TEAM },
      team: { id: TEAM, domain: 'acme' },
      token: 'sandbox-verification-token',
      action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
      is_enterprise_install: false,
      enterprise: null,
    });
    // Signed and well-formed: the app's receiver took it (a bad signature is a 401, a bad shape a 400, both logged),
    // and its listener acknowledged it.
    expect(answer).toEqual({ status: 200, callback_id: 'add_to_handoff' });
    expect(sent?.status).toBe(200);
    expect(world.logs.filter((line) => line.includes('Slack request refused'))).toEqual([]);
    // The app answers with the trigger id or the response_url it was given: a modal, or a note only Pat sees.
    const trigger = sent?.payload.trigger_id;
    const url = sent?.payload.response_url;
    await waitFor(
      () =>
        world.sandbox.slack.callsTo('views.open').some((c) => c.args.trigger_id === trigger) ||
        world.sandbox.slack.responses.some((r) => r.url === url),
      10_000,
      'the app to answer the shortcut',
    );
    await page
      .locator('#modal-layer:not([hidden]) .modal-card, #pane article.message.ephemeral')
      .first()
      .waitFor();
    await shot('4-pat-add-to-handoff-answered');
    if (await page.locator('#modal-layer:not([hidden])').count()) await page.click('.modal-card .bk-close');
  });

  it("Hand off this deal on Dana's message: the app's loading view is replaced in place by the prefilled packet", async () => {
    await actAs(page, pat.id);
    await openPlace(page, PARTNER);
    const menu = await openMoreActions(page, personMessage(page, DANAS));
    const answer = await chooseShortcut(page, menu, 'Hand off this deal');
    expect(answer).toEqual({ status: 200, callback_id: 'handoff_from_message' });
    const trigger = world.sandbox.messageActions.sent.at(-1)?.payload.trigger_id;
    const packet = page.locator('.modal-card form[data-callback-id="handoff_packet"]');
    await packet.waitFor({ timeout: 10_000 });
    // One modal: the view the app opened with the shortcut's trigger id, updated into the packet.
    const opened = world.sandbox.slack.callsTo('views.open').find((c) => c.args.trigger_id === trigger);
    const openedId = (opened?.response as { view?: { id?: string } } | undefined)?.view?.id;
    expect(openedId).toMatch(/^V/);
    expect(await page.locator('.modal-card').count()).toBe(1);
    expect(await page.locator('.modal-card').getAttribute('data-view-id')).toBe(openedId);
    // Prefilled from the seeded workspace: the account Salesforce knows by the message's domain, and its owner there,
    // Jordan, found in Slack by his email.
    const input = (block: string) => `.modal-card [data-block-id="${block}"] [data-input]`;
    expect(await page.inputValue(input(PACKET_BLOCK_ID.accountName))).toMatch(/^Northwind Logistics\b/);
    expect(await page.inputValue(input(PACKET_BLOCK_ID.aeUserId))).toBe(jordan.id);
    await shot('5-pat-hands-off-danas-deal');
    await page.click('.modal-card .bk-close');
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });
  });

  it("the app's reactions show under the message, and its views.update replaces the open modal in place", async () => {
    const app = asTheApp();
    const message = danasMessage();
    if (!message.reactions?.memo?.includes(world.sandbox.slack.botUserId))
      await app.reactions.add({ channel: PARTNER, timestamp: message.ts, name: 'memo' });
    await actAs(page, pat.id);
    await openPlace(page, PARTNER);
    const reaction = personMessage(page, DANAS).locator(
      ':scope > .reactions .reaction[data-reaction="memo"]',
    );
    await reaction.waitFor();
    expect(((await reaction.textContent()) ?? '').replace(/\s+/g, ' ')).toBe('📝 1');
    expect(await reaction.getAttribute('title')).toBe('Handoff reacted with :memo:');
    await shot('6-memo-reaction-under-danas-message');

    // "Hand off this deal" opens a loading view, then replaces it: here the packet modal, replaced as the app would.
    await openPlace(page, INTERNAL);
    await page.fill('#command', '/handoff');
    await page.press('#command', 'Enter');
    const packet = page.locator('.modal-card form[data-callback-id="handoff_packet"]');
    await packet.waitFor();
    const viewId = (await page.locator('.modal-card').getAttribute('data-view-id')) ?? '';
    await app.views.update({
      view_id: viewId,
      view: {
        type: 'modal',
        callback_id: 'sandbox_replaced',
        title: { type: 'plain_text', text: 'Replaced in place' },
        close: { type: 'plain_text', text: 'Close' },
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'The same view, *updated*.' } }],
      },
    });
    const replaced = page.locator(
      `.modal-card[data-view-id="${viewId}"] form[data-callback-id="sandbox_replaced"]`,
    );
    await replaced.waitFor();
    expect(await page.locator('.modal-card').count()).toBe(1);
    expect(await replaced.textContent()).toContain('The same view, updated.');
    await shot('7-modal-updated-in-place');
    await page.click('.modal-card .bk-close');
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });
  });

  it('with an open handoff, Add to handoff on a thread reply attaches it, and the app marks the reply 📝', async () => {
    await actAs(page, pat.id);
    // To Sam: Jordan is away since the first walk.
    const handoffId = await sendPacket('Fabrikam Retail', 'OPP-52006', sam.id, day(7));

    // Jordan's seeded reply in the #partner-marketing thread: the payload says which thread it is in.
    await openPlace(page, INTERNAL);
    const parent = personMessage(page, 'Heads-up: Wide World Importers');
    const reply = personMessage(page, 'I worked with their procurement team');
    const menu = await openMoreActions(page, reply);
    expect(await chooseShortcut(page, menu, 'Add to handoff')).toEqual({
      status: 200,
      callback_id: 'add_to_handoff',
    });
    expect(world.sandbox.messageActions.sent.at(-1)?.payload.message).toMatchObject({
      user: jordan.id,
      ts: await reply.getAttribute('data-ts'),
      thread_ts: await parent.getAttribute('data-ts'),
      team: TEAM,
    });

    // The app's modal, on the page as any other: pick the handoff, Add.
    await page.locator(`.modal-card form[data-callback-id="${CALLBACK_ID.addToHandoff}"]`).waitFor();
    await page.selectOption(
      `.modal-card [data-block-id="${ADD_TO_HANDOFF_BLOCK_ID}"] [data-input]`,
      String(handoffId),
    );
    await shot('8-pat-picks-the-handoff');
    const submitted = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/submit');
    await page.click('.modal-card .bk-submit');
    expect(await (await submitted).json()).toEqual({ status: 200 });
    // Then the app reacts 📝 on the reply, which the page shows under it.
    const memo = reply.locator(':scope > .reactions .reaction[data-reaction="memo"]');
    await memo.waitFor({ timeout: 10_000 });
    expect(((await memo.textContent()) ?? '').replace(/\s+/g, ' ')).toBe('📝 1');
    expect(world.sandbox.slack.messages(INTERNAL).find((m) => m.user === jordan.id)?.reactions).toEqual({
      memo: [world.sandbox.slack.botUserId],
    });
    await shot('9-reply-marked-memo');
    if (await page.locator('#modal-layer:not([hidden])').count()) await page.click('.modal-card .bk-close');
  });
});

describe('Manage apps, last: after it Slack tells the app nothing', { timeout: 60_000 }, () => {
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
    expect((await nextDueAt(firstInstallationOf(world.sandbox.database.db), from))?.getTime()).toBeLessThan(
      world.sandbox.clock.now().getTime(),
    );
    expect(dms()).toEqual(before);
  });
});
