import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import { SANDBOX_POLICY_FILE } from '../../sandbox/sandbox.js';
import {
  ACCEPT_BLOCK_ID,
  AGREED_IN_WRITING_OPTION,
  PACKET_BLOCK_ID,
  PACKET_FORM_BLOCK_ID,
} from '../../src/blocks/ids.js';
import { packetModal } from '../../src/blocks/packetModal.js';
import { parsePolicyFile } from '../../src/domain/policyFile.js';
import {
  ACCEPT_MODAL,
  acceptInPage,
  actAs,
  day,
  field,
  fillPacket,
  latestHandoffId,
  message,
  openAcceptModal,
  openPlace,
  outboxDelivered,
  reviewAndSend,
  sandboxBrowser,
  submitAcceptModal,
} from '../support/sandboxPage.js';
import { sandboxWorld } from '../support/sandboxWorld.js';

/**
 * The sandbox page in a real headless browser (Playwright driving Debian's Chromium, installed by
 * scripts/ensure-browser.sh): the accept path (Accept, then the accept modal), the decline path, Back to edit,
 * /handoff list with View and Edit, the App Home's View and Edit, clicked through as each person would, with
 * screenshots in test-results/sandbox/. The clock and the weekly digest: sandboxClock.e2e.test.ts.
 */

const SHOTS = join(import.meta.dirname, '../../test-results/sandbox');
const { author, ae, otherAe, partner } = sandboxUsers;

const world = sandboxWorld('e2e');
const { newPage, shot } = sandboxBrowser(world, SHOTS);
/** Waits until the app's outbox has delivered everything it queued (Slack pacing included). */
const delivered = () => outboxDelivered(world.sandbox);
const handoffId = (account: string) => latestHandoffId(world.sandbox, account);

/** The status of a POST sent with exactly these headers. */
function statusFor(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a packet to Jordan as Pat and waits until it is delivered; the handoff's number. */
async function sendToJordan(page: Page, account: string, crm: string): Promise<number> {
  await fillPacket(page, { account, crm, aeId: ae.id, nextMoveDate: day(6) });
  await reviewAndSend(page);
  await delivered();
  return handoffId(account);
}

/** Types `/handoff list` in Pat's DM with the app; the View/Edit row of one handoff in the answer. */
async function listRow(page: Page, id: number) {
  await openPlace(page, `D${author.id}`);
  const before = await page.locator('article.message.ephemeral').count();
  await page.fill('#command', '/handoff list');
  await page.press('#command', 'Enter');
  await page.locator('article.message.ephemeral').nth(before).waitFor();
  const list = page.locator('article.message.ephemeral', { hasText: 'Your open handoffs' }).last();
  return { list, row: list.locator(`[data-block-id="handoff_open_${id}"]`) };
}

/** The text of each block of a message or a modal, in order, leaving out rows of buttons. */
const blockTexts = (scope: Locator) => scope.locator(':scope > .bk-block:not(.bk-actions)').allInnerTexts();

const VIEW = 'button[data-action-id="handoff_view"]';
const EDIT = 'button[data-action-id="handoff_edit"]';
const ACCEPT = 'button[data-action-id="handoff_accept"]';
/** An input of the open accept modal. */
const acceptField = (block: string) => `${ACCEPT_MODAL} [data-block-id="${block}"] [data-input]`;
/** The first step Jordan commits to in the accept path, instead of the default. */
const STEP = 'Discovery call with Dana and the ops director';

describe('the sandbox in a browser', { timeout: 60_000 }, () => {
  it('accept path: packet with an inline error, review, send; the AE accepts; the partner channel hears of it', async () => {
    const page = await newPage();
    // The App Home is what a person sees first.
    await page.locator('.home').waitFor();

    await fillPacket(page, {
      account: 'Northwind Logistics',
      crm: 'OPP-20417',
      aeId: ae.id,
      nextMoveDate: '2026-01-05',
    });
    // Every input of the packet modal is a real control, and nothing is shown as unsupported. The sandbox's policy
    // file has a pool of AEs, so the packet may go to it instead of an AE (one input more).
    const pools = Object.entries(
      parsePolicyFile(SANDBOX_POLICY_FILE, readFileSync(SANDBOX_POLICY_FILE, 'utf8'), 8).pools,
    ).map(([id, pool]) => ({ id, name: pool.displayName }));
    expect(pools.length).toBeGreaterThan(0);
    expect(await page.locator('.modal-card [data-input]').count()).toBe(
      packetModal({ authorUserId: author.id, pools }).blocks.filter((block) => block.type === 'input').length,
    );
    expect(await page.locator('.modal-card .bk-problem').count()).toBe(0);
    await shot(page, 'accept-1-packet');

    // A date in the past: the app answers with response_action errors, shown under the field, nothing kept back.
    await page.click('.modal-card .bk-submit');
    const error = page.locator(`.bk-error[data-error-for="${PACKET_BLOCK_ID.partnerNextMoveDate}"]`);
    await error.waitFor();
    expect(await error.textContent()).toContain('in the past');
    expect(await page.inputValue(field(PACKET_BLOCK_ID.accountName))).toBe('Northwind Logistics');
    await shot(page, 'accept-2-inline-error');

    await page.fill(field(PACKET_BLOCK_ID.partnerNextMoveDate), day(7));
    await page.click('.modal-card .bk-submit');
    const review = page.locator('.modal-card form[data-callback-id="handoff_review"]');
    await review.waitFor();
    expect(await review.textContent()).toMatch(/18\/18/);
    await shot(page, 'accept-3-review');
    // Back to edit closes the pushed review: the packet underneath still has everything typed, as in Slack.
    await page.click('.modal-card .bk-close');
    await page.locator('.modal-card form[data-callback-id="handoff_packet"]').waitFor();
    expect(await page.inputValue(field(PACKET_BLOCK_ID.accountName))).toBe('Northwind Logistics');
    expect(await page.inputValue(field(PACKET_BLOCK_ID.partnerNextMoveDate))).toBe(day(7));
    expect(
      await page
        .locator(`${field(PACKET_FORM_BLOCK_ID.confirmations)} input[value="${AGREED_IN_WRITING_OPTION}"]`)
        .isChecked(),
    ).toBe(true);
    await page.click('.modal-card .bk-submit');
    await review.waitFor();
    await page.click('.modal-card .bk-submit');
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });

    // The author's confirmation is mrkdwn text: mentions and bold are rendered, not shown raw.
    await openPlace(page, `D${author.id}`);
    const confirmation = message(page, 'Northwind Logistics');
    await confirmation.waitFor();
    expect(await confirmation.textContent()).not.toMatch(/<@U|\*Northwind/);

    // The AE gets the packet in a DM with Accept and Decline.
    await actAs(page, ae.id);
    await openPlace(page, `D${ae.id}`);
    const dm = message(page, 'Northwind Logistics');
    await dm.locator('button[data-action-id="handoff_accept"]').waitFor();
    expect(await dm.locator('button[data-action-id="handoff_decline"]').count()).toBe(1);
    await shot(page, 'accept-4-ae-dm');
    // Accept opens the accept modal, its defaults ready: the packet's seller next move as the first step, and its date.
    const acceptModal = await openAcceptModal(page, dm.locator('button[data-action-id="handoff_accept"]'));
    expect(await page.inputValue(acceptField(ACCEPT_BLOCK_ID.step))).toBe(
      'Accept the introduction and bring the demo',
    );
    expect(await page.inputValue(acceptField(ACCEPT_BLOCK_ID.due))).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await page.inputValue(acceptField(ACCEPT_BLOCK_ID.due))) > day(0)).toBe(true);
    expect(await page.inputValue(acceptField(ACCEPT_BLOCK_ID.value))).toBe('');
    expect(await acceptModal.locator('.bk-problem').count()).toBe(0);
    await shot(page, 'accept-4b-accept-modal');
    // Jordan changes the step and its date, and gives an estimated value (internal).
    await submitAcceptModal(page, { step: STEP, due: day(5), estimatedValue: '48000' });
    await dm.getByText('Accepted', { exact: false }).first().waitFor();
    expect(await dm.locator('button[data-action-id="handoff_accept"]').count()).toBe(0);
    // His packet says what he committed to, and the value, marked internal.
    await dm.getByText('Estimated value: 48,000 (internal).').waitFor();
    expect(await dm.textContent()).toContain(STEP);
    await shot(page, 'accept-5-accepted');

    // The partner sees the decision in the Slack Connect channel, without internal fields.
    await actAs(page, partner.id);
    await openPlace(page, sandboxChannels.partner.id);
    const post = message(page, 'Northwind Logistics');
    await post.getByText('Accepted', { exact: false }).first().waitFor();
    const seen = await post.textContent();
    expect(seen).toContain('Jordan Seller');
    expect(seen).not.toContain('OPP-20417');
    expect(seen).not.toMatch(/18\/18|score/i);
    // The first step, word for word; never the estimated value.
    expect(seen).toContain(STEP);
    expect(seen).not.toMatch(/48,?000|estimated value/i);
    expect(await page.locator('[data-place="home"]').count()).toBe(0);
    await shot(page, 'accept-6-partner-channel');
    await page.close();
  });

  it('decline path: the AE declines with a reason in the decline modal; the author and the partner channel are told', async () => {
    const page = await newPage();
    await fillPacket(page, {
      account: 'Contoso Freight',
      crm: 'OPP-31002',
      aeId: otherAe.id,
      nextMoveDate: day(5),
    });
    await reviewAndSend(page);

    // The deadline is one moment, shown to each reader in their own timezone, as Slack shows `<!date>` tokens:
    // Sam (Berlin) in his DM, Pat (New York) in her confirmation.
    await openPlace(page, `D${author.id}`);
    const hers = message(page, 'Contoso Freight').locator('.bk-date').first();
    await hers.waitFor();
    const herEpoch = Number(await hers.getAttribute('data-epoch'));
    const herTitle = await hers.getAttribute('title');
    const herText = await hers.textContent();
    await actAs(page, otherAe.id);
    await openPlace(page, `D${otherAe.id}`);
    const dm = message(page, 'Contoso Freight');
    const due = dm.locator('.bk-date').first();
    await due.waitFor();
    expect(await due.getAttribute('title')).toMatch(/\(GMT\+[12]\)$/);
    const epoch = Number(await due.getAttribute('data-epoch'));
    const berlinTime = DateTime.fromSeconds(epoch, { zone: 'Europe/Berlin' }).toFormat('h:mm a');
    expect(await due.textContent()).toContain(berlinTime);
    await dm.locator('button[data-action-id="handoff_decline"]').click();
    const modal = page.locator('.modal-card form[data-callback-id="handoff_decline"]');
    await modal.waitFor();
    const reason = page.locator('.modal-card [data-block-id="decline_reason"] select');
    const firstReason = await reason.locator('option:not([value=""])').first().getAttribute('value');
    await reason.selectOption(firstReason ?? '');
    await page.fill(
      '.modal-card [data-block-id="decline_note"] [data-input]',
      'Already in a renewal with them.',
    );
    await shot(page, 'decline-1-modal');
    await page.click('.modal-card .bk-submit');
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });
    await dm.getByText('Declined', { exact: false }).first().waitFor();
    expect(await dm.locator('button[data-action-id="handoff_accept"]').count()).toBe(0);
    await shot(page, 'decline-2-declined');

    await actAs(page, author.id);
    await openPlace(page, `D${author.id}`);
    await message(page, 'Contoso Freight').getByText('declined', { exact: false }).first().waitFor();
    // Pat's copy of the same deadline (her confirmation, before the decision) read in New York time.
    const newYorkTime = DateTime.fromSeconds(epoch, { zone: 'America/New_York' }).toFormat('h:mm a');
    expect(herEpoch).toBe(epoch);
    expect(herTitle).toMatch(/\(E[SD]T\)$/);
    expect(herText).toContain(newYorkTime);
    expect(newYorkTime).not.toBe(berlinTime);
    await shot(page, 'decline-3-author');

    await actAs(page, partner.id);
    await openPlace(page, sandboxChannels.partner.id);
    const post = message(page, 'Contoso Freight');
    // Partner-safe wording: no reason code, no internal note.
    await post.getByText('not taken forward', { exact: false }).first().waitFor();
    expect(await post.textContent()).not.toContain('Already in a renewal');
    await shot(page, 'decline-4-partner-channel');
    await page.close();
  });

  it('Back to edit three times, then Send: the review opens each time, the handoff reaches the AE, its Task the fake Salesforce', async () => {
    const page = await newPage();
    await fillPacket(page, {
      account: 'Litware Health',
      crm: 'OPP-57731',
      aeId: ae.id,
      nextMoveDate: day(6),
    });
    // Linked to the fake Salesforce's Litware opportunity by its Lightning URL.
    const litware = world.sandbox.opportunityIds[2] ?? '';
    await page.fill(
      field(PACKET_BLOCK_ID.crmOpportunity),
      `https://sandbox.lightning.force.com/lightning/r/Opportunity/${litware}/view`,
    );
    const packet = page.locator('.modal-card form[data-callback-id="handoff_packet"]');
    const review = page.locator('.modal-card form[data-callback-id="handoff_review"]');
    for (let round = 1; round <= 3; round += 1) {
      await page.click('.modal-card .bk-submit');
      await review.waitFor();
      // Back to edit closes the pushed review in Slack's stack too, so the next Review fits (3 views at most).
      await page.click('.modal-card .bk-close');
      await packet.waitFor();
      expect(await page.inputValue(field(PACKET_BLOCK_ID.accountName))).toBe('Litware Health');
      if (round === 3) await shot(page, 'back-1-packet-after-three-backs');
    }
    await page.click('.modal-card .bk-submit');
    await review.waitFor();
    expect(await page.locator('#notice').isHidden()).toBe(true);
    await shot(page, 'back-2-fourth-review');
    await page.click('.modal-card .bk-submit');
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });
    await delivered();

    await actAs(page, ae.id);
    await openPlace(page, `D${ae.id}`);
    const dm = message(page, 'Litware Health');
    await dm.locator('button[data-action-id="handoff_accept"]').waitFor();
    await shot(page, 'back-3-ae-dm');

    // The Salesforce panel shows the Task the app wrote for the send.
    await openPlace(page, 'salesforce');
    const opportunity = page.locator(`.sf-opportunity[data-opportunity="${litware}"]`);
    await opportunity.locator('.sf-task', { hasText: 'sent to Jordan Seller' }).waitFor();
    expect(await opportunity.locator('.sf-name').textContent()).toBe('Litware Health — platform renewal');
    await shot(page, 'back-4-salesforce-task');
    await page.close();
  });

  it('/handoff list: Pat sees the sent handoff as of now with View; View shows the packet as the AE sees it, its history and Edit', async () => {
    const page = await newPage();
    const id = await sendToJordan(page, 'Tailwind Traders', 'OPP-61005');

    const { list, row } = await listRow(page, id);
    await row.locator(VIEW).waitFor();
    // The list is never brought up to date: it says when it was true, and offers nothing that can go stale.
    expect(await row.locator(EDIT).count()).toBe(0);
    const listed = await list.textContent();
    expect(listed).toContain('newest first, as of');
    expect(listed).toContain(`#${id} Tailwind Traders`);
    expect(listed).toMatch(
      /Tailwind Traders \(via Meridian Cloud Consulting\): waiting for @Jordan Seller, answer due/,
    );
    await shot(page, 'list-1-pat-list');

    await row.locator(VIEW).click();
    const modal = page.locator('.modal-card');
    await modal.locator('.bk-modal-title', { hasText: `Handoff #${id}` }).waitFor();
    const body = modal.locator('.bk-modal-body');
    const viewed = await blockTexts(body);
    // No Accept or Decline in the view: it is for reading, and Edit while Jordan has not answered.
    expect(await modal.locator('button[data-action]').allTextContents()).toEqual(['Edit']);
    const history = viewed.indexOf(viewed.find((t) => t.startsWith('History')) ?? '');
    expect(viewed[history]).toMatch(/^History · waiting for @Jordan Seller, answer due/);
    expect(viewed.slice(history + 1)).toEqual([
      expect.stringMatching(/ · Sent to @Jordan Seller by @Pat Marketer$/),
    ]);
    await shot(page, 'list-2-pat-view');
    await page.click('.modal-card .bk-close');
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });

    // The packet part of the view is block for block the AE's DM, without its buttons (both read in New York).
    await actAs(page, ae.id);
    await openPlace(page, `D${ae.id}`);
    const dm = message(page, 'Tailwind Traders');
    await dm.locator(ACCEPT).waitFor();
    const seen = await blockTexts(dm);
    expect(seen.length).toBeGreaterThan(5);
    // The view's packet, then a divider (no text) before the history.
    expect(viewed.slice(0, history - 1)).toEqual(seen);
    await shot(page, 'list-3-ae-dm');
    // Jordan accepts from the DM the view was read against.
    await acceptInPage(page, dm.locator(ACCEPT));
    await dm.getByText('Accepted', { exact: false }).first().waitFor();
    await page.close();
  });

  it('Edit from /handoff list (through View): the packet opens prefilled, Pat changes the seller next move and saves; the AE sees it marked Edited and can still accept', async () => {
    const page = await newPage();
    const id = await sendToJordan(page, 'Adventure Works', 'OPP-70114');
    const before = 'Accept the introduction and bring the demo.';
    const after = 'Book a discovery call with the ops director this week.';

    const { row } = await listRow(page, id);
    await row.locator(VIEW).click();
    await page.locator('.modal-card .bk-modal-title', { hasText: `Handoff #${id}` }).waitFor();
    await page.locator(`.modal-card ${EDIT}`).click();
    const packet = page.locator('.modal-card form[data-callback-id="handoff_packet"]');
    await packet.waitFor();
    expect(await packet.locator('.bk-modal-title').textContent()).toBe(`Edit handoff #${id}`);
    expect(await packet.locator('.bk-submit').textContent()).toBe('Review changes');
    expect(await page.inputValue(field(PACKET_BLOCK_ID.accountName))).toBe('Adventure Works');
    expect(await page.inputValue(field(PACKET_BLOCK_ID.crmOpportunity))).toBe(
      'OPP-70114 (stage 2, expansion)',
    );
    expect(await page.inputValue(field(PACKET_BLOCK_ID.sellerNextMove))).toBe(before);
    // Who and where are not inputs in an edit: they read as fixed facts, with the actions that change them.
    expect(await page.locator(field(PACKET_BLOCK_ID.aeUserId)).count()).toBe(0);
    expect(await page.locator(field(PACKET_BLOCK_ID.partnerChannelId)).count()).toBe(0);
    expect(await packet.textContent()).toContain('Fixed after sending');
    await shot(page, 'edit-1-prefilled');

    await page.fill(field(PACKET_BLOCK_ID.sellerNextMove), after);
    await page.click('.modal-card .bk-submit');
    const review = page.locator('.modal-card form[data-callback-id="handoff_review"]');
    await review.waitFor();
    expect(await review.locator('.bk-modal-title').textContent()).toBe('Review the edit');
    expect(await review.locator('.bk-submit').textContent()).toBe('Save changes');
    await shot(page, 'edit-2-review');
    await page.click('.modal-card .bk-submit');
    // Saved: the modal says so and what changed; Done closes it.
    const saved = page.locator('.modal-card', { hasText: 'Changes saved' });
    await saved.waitFor();
    expect(await saved.textContent()).toContain('Seller next move');
    await shot(page, 'edit-3-saved');
    await page.click('.modal-card .bk-close');
    await page.locator('#modal-layer').waitFor({ state: 'hidden' });
    await delivered();

    // Jordan's DM was changed in place: the new move, an Edited line naming the one field, the same buttons.
    await actAs(page, ae.id);
    await openPlace(page, `D${ae.id}`);
    expect(await page.locator('article.message', { hasText: 'Adventure Works' }).count()).toBe(1);
    const dm = message(page, 'Adventure Works');
    await dm.getByText(after).waitFor();
    const text = await dm.textContent();
    expect(text).not.toContain(before);
    expect(text).toMatch(/Edited [^·]*: Seller next move ·/);
    await shot(page, 'edit-3-ae-dm-edited');
    await acceptInPage(page, dm.locator(ACCEPT));
    await dm.getByText('Accepted', { exact: false }).first().waitFor();
    expect(await dm.locator(ACCEPT).count()).toBe(0);
    expect(await dm.textContent()).toContain(after);
    await shot(page, 'edit-4-ae-accepted');
    await page.close();
  });

  it("Pat's App Home, What you sent: View and Edit while the AE has not answered, View and a note to the AE once Jordan accepts", async () => {
    const page = await newPage();
    const id = await sendToJordan(page, 'Wingtip Toys', 'OPP-80221');
    const row = page.locator(`.home [data-block-id="handoff_open_${id}"]`);
    const line = `#${id} Wingtip Toys (via Meridian Cloud Consulting):`;

    await openPlace(page, 'home');
    await row.locator(EDIT).waitFor();
    expect(await row.locator(VIEW).count()).toBe(1);
    expect(await page.locator('.home').textContent()).toContain(`${line} with @Jordan Seller, answer due`);
    await shot(page, 'home-1-pat-undecided');

    await actAs(page, ae.id);
    await openPlace(page, `D${ae.id}`);
    const dm = message(page, 'Wingtip Toys');
    await acceptInPage(page, dm.locator(ACCEPT));
    await dm.getByText('Accepted', { exact: false }).first().waitFor();
    await delivered();

    await actAs(page, author.id);
    await openPlace(page, 'home');
    await page.locator('.home', { hasText: `${line} accepted by @Jordan Seller` }).waitFor();
    await row.locator(VIEW).waitFor();
    expect(await row.locator('button').allTextContents()).toEqual(['View', 'Note to the AE']);
    await shot(page, 'home-2-pat-accepted');
    await page.close();
  });

  it('answers only its own page: JSON bodies, its own Host, no foreign Origin', async () => {
    const api = `${world.sandbox.url}api/clock`;
    const json = { 'content-type': 'application/json' };
    const body = JSON.stringify({ user: author.id, businessDays: 1 });
    const before = world.sandbox.clock.now().getTime();
    // A page elsewhere can send text/plain without a preflight: refused.
    expect(
      (await fetch(api, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })).status,
    ).toBe(415);
    expect(
      (await fetch(api, { method: 'POST', headers: { ...json, origin: 'http://evil.example' }, body }))
        .status,
    ).toBe(403);
    // fetch() will not send another Host (a browser after DNS rebinding does): a plain HTTP request does.
    expect(await statusFor(api, { ...json, host: 'evil.example' }, body)).toBe(421);
    expect(world.sandbox.clock.now().getTime() - before).toBeLessThan(60_000);
    // Bad input gets a message, not a crash.
    const bad = await fetch(api, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ user: author.id, businessDays: 'x' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/whole number/);
    expect((await fetch(api, { method: 'POST', headers: json, body: '{not json' })).status).toBe(400);
  });
});
