import { join } from 'node:path';
import type { KnownBlock, PlainTextElement as PlainText } from '@slack/types';
import { WebClient } from '@slack/web-api';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DANAS_MESSAGE, flaggedOnModal, sendEarlierMeridianPacket } from '../../bench/lib/packetWalks.js';
import { WALK_START } from '../../bench/lib/walkSandbox.js';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import {
  ACCEPT_BLOCK_ID,
  AGREED_IN_WRITING_OPTION,
  ON_PRIORITY_LIST_OPTION,
  PACKET_BLOCK_ID,
  PACKET_FORM_BLOCK_ID,
} from '../../src/blocks/ids.js';
import { SUGGESTIONS_BLOCK_ID } from '../../src/blocks/packetSuggestions.js';
import { northwind } from '../support/payloads.js';
import {
  ACCEPT_MODAL,
  actAs,
  chooseShortcut,
  field,
  message,
  openAcceptModal,
  openMoreActions,
  openPlace,
  outboxDelivered,
  pageKit,
  personMessage,
  sandboxPageFor,
  screenshot,
  submitAcceptModal,
} from '../support/sandboxPage.js';
import { sandboxWorld } from '../support/sandboxWorld.js';

/**
 * Issue 52's shortcut path, walked by each person in the sandbox page (Chromium): Pat hands off Dana's deal from her
 * message, uses his last Meridian packet's suggestions and sends a strong packet; Jordan reads why it is his and
 * where it started, and accepts; Dana reads the acceptance in #ext-meridian, partner-safe. On the way, the page
 * keeps Slack's views.update rule: an input with the same block and action ids keeps what was typed, one whose ids
 * changed shows its new initial value. Screenshots in /tmp/shots/walk-*.png.
 */

const SHOTS = '/tmp/shots';
const { author: pat, ae: jordan, partner: dana } = sandboxUsers;
const PARTNER = sandboxChannels.partner.id;
const b = PACKET_BLOCK_ID;
const PACKET_FORM = '.modal-card form[data-callback-id="handoff_packet"]';
const REVIEW_FORM = '.modal-card form[data-callback-id="handoff_review"]';
/** Jordan's first step, as he types it in the accept modal. */
const FIRST_STEP = 'Intro call with Dana Reyes and Mia Chen';
const FIRST_STEP_DUE = '2026-11-30';

// The bench's fixed start (a Monday), so the Northwind example's partner move is within two weeks.
const world = sandboxWorld('walk-e2e', { startAt: WALK_START.toJSDate() });
let page: Page;

sandboxPageFor(world, SHOTS, (opened) => {
  page = opened;
});

const shot = (name: string) => screenshot(page, { path: join(SHOTS, `walk-${name}.png`) });

const kit = pageKit(() => page, SHOTS);
/** The open modal, top to bottom, as the person scrolls it (walk-<name>-1.png, -2.png…), on a taller page. */
async function shotModal(name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 1400 });
  await kit.shotModal(`walk-${name}`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** The hint under an input of the open modal. */
const hintOf = (block: string) =>
  page.locator(`.modal-card [data-block-id="${block}"] .bk-hint`).first().textContent();
const actionIdOf = (block: string) => page.locator(field(block)).getAttribute('data-action-id');
const suggestion = (label: string) =>
  page.locator(`.modal-card [data-block-id="${SUGGESTIONS_BLOCK_ID}"] [data-action="button"]`, {
    hasText: label,
  });
const confirmation = (option: string) =>
  page.locator(`${field(PACKET_FORM_BLOCK_ID.confirmations)} input[value="${option}"]`);
/** The app's Web API client, as the app calls the fake Slack. */
const asTheApp = () => new WebClient(world.sandbox.slack.token, { slackApiUrl: world.sandbox.slack.apiUrl });

/** Pat's ⋯ → Hand off this deal on Dana's message: the loading view, then the prefilled packet. */
async function handOffDanasMessage(): Promise<void> {
  await actAs(page, pat.id);
  await openPlace(page, PARTNER);
  const menu = await openMoreActions(page, personMessage(page, DANAS_MESSAGE));
  expect(await chooseShortcut(page, menu, 'Hand off this deal')).toEqual({
    status: 200,
    callback_id: 'handoff_from_message',
  });
  await page.locator(PACKET_FORM).waitFor({ timeout: 15_000 });
}

describe('the shortcut path, walked by the author, the AE and the partner', { timeout: 120_000 }, () => {
  it("the page keeps Slack's views.update rule: same ids keep what was typed, new ids show the new value", async () => {
    await openPlace(page, sandboxChannels.internal.id);
    await page.fill('#command', '/handoff');
    await page.press('#command', 'Enter');
    await page.locator(PACKET_FORM).waitFor();
    const viewId = (await page.locator('.modal-card').getAttribute('data-view-id')) ?? '';
    await page.fill(field(b.whyPartner), 'typed: kept');
    await page.fill(field(b.customerTrigger), 'typed: kept although the update brings another value');
    await page.fill(field(b.jointValue), 'typed: replaced (new action id)');
    await page.fill(field(b.warmPath), 'typed: replaced (new block id)');
    await page.fill(field(b.partnerNextMoveDate), '2026-12-04');
    await confirmation(ON_PRIORITY_LIST_OPTION).check();
    await page.selectOption(field(b.aeUserId), jordan.id);

    // As the app would: the same view, with one input's action id and another's block id changed.
    const open = world.sandbox.slack.view(viewId);
    if (!open) throw new Error('the packet view is not in the fake Slack');
    const blocks = (open.blocks as Record<string, unknown>[]).map((block) => {
      const element = block.element as Record<string, unknown> | undefined;
      if (block.block_id === b.customerTrigger)
        return { ...block, element: { ...element, initial_value: 'the app’s new value, not shown' } };
      if (block.block_id === b.jointValue)
        return { ...block, element: { ...element, action_id: 'value~1', initial_value: 'new joint value' } };
      if (block.block_id === b.warmPath)
        return {
          ...block,
          block_id: `${b.warmPath}_v2`,
          element: { ...element, initial_value: 'new warm path' },
        };
      return block;
    });
    const view = {
      type: 'modal' as const,
      callback_id: open.callback_id,
      private_metadata: open.private_metadata,
      title: open.title as PlainText,
      close: open.close as PlainText,
      submit: open.submit as PlainText,
      blocks: blocks as unknown as KnownBlock[],
    };
    await asTheApp().views.update({ view_id: viewId, view });
    await page.locator(field(`${b.warmPath}_v2`)).waitFor();

    expect(await page.inputValue(field(b.whyPartner))).toBe('typed: kept');
    expect(await page.inputValue(field(b.customerTrigger))).toBe(
      'typed: kept although the update brings another value',
    );
    expect(await page.inputValue(field(b.jointValue))).toBe('new joint value');
    expect(await page.inputValue(field(`${b.warmPath}_v2`))).toBe('new warm path');
    // Dates, checkboxes and selects keep theirs too.
    expect(await page.inputValue(field(b.partnerNextMoveDate))).toBe('2026-12-04');
    expect(await confirmation(ON_PRIORITY_LIST_OPTION).isChecked()).toBe(true);
    expect(await page.inputValue(field(b.aeUserId))).toBe(jordan.id);
    await shotModal('0-views-update-rule');
    await page.click('.modal-card .bk-close');
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });
  });

  it("Pat hands off Dana's deal from her message: prefilled, each field saying where from, and his last Meridian packet offered", async () => {
    // One earlier packet of Pat's for Meridian (another account), so the shortcut has his defaults to offer.
    await sendEarlierMeridianPacket(page);
    await outboxDelivered(world.sandbox);
    await handOffDanasMessage();

    const permalink = /^https:\/\/acme\.slack\.com\/archives\/C0PARTNER\/p\d{16}$/;
    expect(await page.inputValue(field(b.accountName))).toBe('Northwind Logistics (northwind.example)');
    expect(await page.inputValue(field(b.partnerOrg))).toBe('Meridian Cloud Consulting');
    expect(await page.inputValue(field(b.partnerChannelId))).toBe(PARTNER);
    expect(await page.inputValue(field(b.partnerContactName))).toBe('Dana Reyes, Alliances lead');
    expect(await page.inputValue(field(b.customerTrigger))).toContain(DANAS_MESSAGE);
    expect(await page.inputValue(field(b.evidenceUrl))).toMatch(permalink);
    expect(await page.inputValue(field(b.aeUserId))).toBe(jordan.id);
    // Each prefilled input's hint starts with where its value came from.
    expect(await hintOf(b.accountName)).toMatch(/^From Salesforce: matched by northwind\.example/);
    expect(await hintOf(b.partnerOrg)).toMatch(/^This channel's partner/);
    expect(await hintOf(b.partnerChannelId)).toMatch(/^The channel the message is in\./);
    expect(await hintOf(b.partnerContactName)).toMatch(/^Dana Reyes wrote the message/);
    expect(await hintOf(b.customerTrigger)).toMatch(/^From Dana Reyes's message\./);
    expect(await hintOf(b.evidenceUrl)).toMatch(/^The message this packet was started from/);
    expect(await hintOf(b.aeUserId)).toMatch(
      /^From Salesforce: Jordan Seller owns Northwind Logistics in Salesforce\./,
    );
    const offer = page.locator('.modal-card .bk-context', { hasText: 'From your last packet for' });
    expect(await offer.textContent()).toContain('From your last packet for Meridian Cloud Consulting');
    await shotModal('1-pat-packet-prefilled');

    // A suggestion fills its input through views.update: the filled input gets a new action id and shows the new
    // value, over what Pat had typed there; what he typed elsewhere stays.
    await page.fill(field(b.whyPartner), northwind.whyPartner);
    await page.fill(field(b.jointValue), 'draft joint value');
    await suggestion('Joint value').click();
    await page.locator(`${field(b.jointValue)}[data-action-id="value~1"]`).waitFor();
    expect(await page.inputValue(field(b.jointValue))).toBe(northwind.jointValue);
    expect(await page.inputValue(field(b.whyPartner))).toBe(northwind.whyPartner);
    expect(await actionIdOf(b.whyPartner)).toBe('value');
    await shotModal('2-pat-joint-value-suggested');

    // The contact is already Dana's (no button for it), so the warm path is all that is left: no "Use all" for one.
    expect(await suggestion('Use all').count()).toBe(0);
    expect(await suggestion('Contact').count()).toBe(0);
    await suggestion('Warm path').click();
    await page.locator(`.modal-card .bk-block[data-block-id="${SUGGESTIONS_BLOCK_ID}"]`).waitFor({
      state: 'detached',
    });
    expect(await page.inputValue(field(b.warmPath))).toBe(
      "Dana meets the customer's ops team monthly and can introduce the AE at the next session.",
    );
    expect(await page.inputValue(field(b.whyPartner))).toBe(northwind.whyPartner);
    await shotModal('2b-pat-all-suggestions-used');
  });

  it('Pat types what is left, reviews a strong packet that names why Jordan, and sends it', async () => {
    await page.fill(field(b.sellerNextMove), northwind.sellerNextMove);
    await page.fill(field(b.partnerNextMove), northwind.partnerNextMove);
    await page.fill(field(b.partnerNextMoveDate), northwind.partnerNextMoveDate ?? '');
    await confirmation(ON_PRIORITY_LIST_OPTION).check();
    await confirmation(AGREED_IN_WRITING_OPTION).check();
    await shotModal('3-pat-packet-complete');

    await page.click('.modal-card .bk-submit');
    const review = page.locator(REVIEW_FORM);
    await review.waitFor();
    const header = (await review.locator('.bk-header-text').first().textContent()) ?? '';
    expect(Number(/^(\d+)\/18/.exec(header)?.[1])).toBeGreaterThanOrEqual(14);
    expect(await review.textContent()).toContain('Jordan Seller owns Northwind Logistics in Salesforce.');
    expect(await review.textContent()).not.toContain('Why not');
    expect(await flaggedOnModal(page)).toEqual([]);
    await shotModal('4-pat-review');

    await page.click('.modal-card .bk-submit');
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });
    await outboxDelivered(world.sandbox);
    await openPlace(page, `D${pat.id}`);
    await message(page, 'Northwind Logistics').waitFor();
    await shot('5-pat-dm-sent');
  });

  it('Jordan reads why the packet is his and its evidence (the message), and accepts with his first step and its date', async () => {
    await actAs(page, jordan.id);
    await openPlace(page, `D${jordan.id}`);
    const packet = message(page, 'Northwind Logistics');
    const accept = packet.locator('button[data-action-id="handoff_accept"]');
    await accept.waitFor();
    const text = (await packet.textContent()) ?? '';
    expect(text).toContain('Why this AE: Jordan Seller owns Northwind Logistics in Salesforce.');
    // The message the packet was started from is its evidence: one link to it, not two.
    expect(text).not.toContain('Started from a message in Slack');
    expect(await packet.locator('a', { hasText: 'Open the evidence' }).getAttribute('href')).toMatch(
      /^https:\/\/acme\.slack\.com\/archives\/C0PARTNER\/p\d{16}$/,
    );
    await shot('6-jordan-dm-packet');

    await openAcceptModal(page, accept);
    expect(await page.locator(`${ACCEPT_MODAL} .bk-problem`).count()).toBe(0);
    await page.fill(`${ACCEPT_MODAL} [data-block-id="${ACCEPT_BLOCK_ID.step}"] [data-input]`, FIRST_STEP);
    await page.fill(`${ACCEPT_MODAL} [data-block-id="${ACCEPT_BLOCK_ID.due}"] [data-input]`, FIRST_STEP_DUE);
    await shotModal('7-jordan-accept-modal');
    await submitAcceptModal(page);
    await packet.getByText('Accepted', { exact: false }).first().waitFor();
    expect(await packet.locator('button[data-action-id="handoff_accept"]').count()).toBe(0);
    await outboxDelivered(world.sandbox);
    // The packet grew with the acceptance: scrolled to its end, as Jordan would.
    await page.locator('#pane').evaluate((pane) => pane.scrollTo(0, pane.scrollHeight));
    await shot('8-jordan-accepted');
  });

  it("Dana reads the acceptance in #ext-meridian: partner-safe, no amount, no internal field, no why, no link to Slack's message", async () => {
    await actAs(page, dana.id);
    await openPlace(page, PARTNER);
    const post = message(page, 'Northwind Logistics');
    await post.getByText('Accepted', { exact: false }).first().waitFor();
    const seen = (await post.textContent()) ?? '';
    expect(seen).toContain('Jordan Seller');
    expect(seen).toContain(FIRST_STEP);
    // Nothing internal: the CRM's amount and opportunity, the domain, the role, the score, the AE's why, the source.
    expect(seen).not.toMatch(/125,?000|\$|amount|Prospecting|opportunity/i);
    expect(seen).not.toMatch(/northwind\.example|Alliances lead|\/18|score/i);
    expect(seen).not.toMatch(/Why this AE|Salesforce|owns Northwind/i);
    expect(seen).not.toMatch(/acme\.slack\.com|archives|Started from/i);
    const links = await post.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links.filter((href) => href?.includes('slack.com'))).toEqual([]);
    await shot('9-dana-channel');
  });
});
