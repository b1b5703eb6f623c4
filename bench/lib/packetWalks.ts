import type { Page } from 'playwright-core';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import {
  AGREED_IN_WRITING_OPTION,
  ON_PRIORITY_LIST_OPTION,
  PACKET_BLOCK_ID,
  PACKET_FORM_BLOCK_ID,
} from '../../src/blocks/ids.js';
import { SUGGESTIONS_BLOCK_ID } from '../../src/blocks/packetSuggestions.js';
import { joinAccount, joinContact } from '../../src/domain/packet.js';
import { northwind } from '../../test/support/payloads.js';
import { type CountedAuthor, countedAuthor, type WalkCount } from './walkAuthor.js';

/**
 * The two ways to a strong packet that issue 52 compares, played by a counted author on the sandbox page:
 * today's `/handoff` with every field typed, and "Hand off this deal" on Dana's message in #ext-meridian.
 */

const b = PACKET_BLOCK_ID;
const PACKET_FORM = '.modal-card form[data-callback-id="handoff_packet"]';
const REVIEW_FORM = '.modal-card form[data-callback-id="handoff_review"]';
/** The start of Dana's seeded message in #ext-meridian (sandbox/cast.ts). */
export const DANAS_MESSAGE = 'Northwind (northwind.example) is moving their EU warehouses';

/** The input of a block of the open modal (its action id may be `value~N` after a suggestion). */
export const field = (block: string) => `.modal-card [data-block-id="${block}"] [data-input]`;
const confirmation = (option: string) =>
  `${field(PACKET_FORM_BLOCK_ID.confirmations)} input[value="${option}"]`;

/** What a walk ends with: its counts, the review's header and its score lines. */
export interface WalkResult {
  count: WalkCount;
  /** What the page flagged as breaking Slack's rules in the packet form or the review (Slack would refuse it). */
  flagged: string[];
  /** The review's header ("18/18 · Ready to hand off"). */
  header: string;
  score: number;
  /** The review's score lines, one per component ("✅ Target account 2/2: …"). */
  components: string[];
  /** The review's readiness items not met ("⬜ The channel-conflict check is done and noted"). */
  readinessOpen: string[];
}

/** The packet values a walk types: the Northwind example of test/support/payloads.ts, as the form takes them. */
export const NORTHWIND_TYPED = {
  account: joinAccount(northwind.accountName, northwind.accountDomain),
  crmOpportunity: northwind.crmOpportunity ?? '',
  partnerOrg: northwind.partnerOrg,
  contact: joinContact(northwind.partnerContactName, northwind.partnerContactRole),
  riskNote: northwind.riskNote ?? '',
  customerTrigger: northwind.customerTrigger,
  jointValue: northwind.jointValue,
  whyPartner: northwind.whyPartner,
  warmPath: northwind.warmPath,
  evidenceUrl: northwind.evidenceUrl ?? '',
  sellerNextMove: northwind.sellerNextMove,
  partnerNextMove: northwind.partnerNextMove,
  partnerNextMoveDate: northwind.partnerNextMoveDate ?? '',
};

/** Types a text input only when it does not hold that text already, as a person would. */
async function typeIfDifferent(author: CountedAuthor, page: Page, block: string, text: string, what: string) {
  if ((await page.inputValue(field(block))) === text) return;
  await author.type(field(block), text, what);
}

/** Chooses in a select only when it does not show that choice already. */
async function chooseIfDifferent(
  author: CountedAuthor,
  page: Page,
  block: string,
  value: string,
  what: string,
) {
  if ((await page.inputValue(field(block))) === value) return;
  await author.choose(field(block), value, what);
}

/** Ticks both confirmations (the account is on Jordan's priority list; Dana agreed her move in writing). */
async function tickConfirmations(author: CountedAuthor): Promise<void> {
  await author.tick(confirmation(ON_PRIORITY_LIST_OPTION), "tick: on the AE's priority list");
  await author.tick(confirmation(AGREED_IN_WRITING_OPTION), 'tick: the partner agreed in writing');
}

/** What the author types in `/handoff` in #partner-marketing, every field, in the form's order. */
async function typeEveryField(author: CountedAuthor, page: Page): Promise<void> {
  const t = NORTHWIND_TYPED;
  const text: [string, string, string][] = [
    [b.accountName, t.account, 'account (with its domain)'],
    [b.crmOpportunity, t.crmOpportunity, 'CRM opportunity'],
    [b.partnerOrg, t.partnerOrg, 'partner organization'],
    [b.partnerContactName, t.contact, 'partner contact, role'],
    [b.riskNote, t.riskNote, 'risk note'],
    [b.customerTrigger, t.customerTrigger, 'customer trigger'],
    [b.jointValue, t.jointValue, 'joint value'],
    [b.whyPartner, t.whyPartner, 'why this partner'],
    [b.warmPath, t.warmPath, 'warm path'],
    [b.evidenceUrl, t.evidenceUrl, 'evidence link'],
    [b.sellerNextMove, t.sellerNextMove, 'seller next move'],
    [b.partnerNextMove, t.partnerNextMove, 'partner next move'],
    [b.partnerNextMoveDate, t.partnerNextMoveDate, 'partner next move date'],
    [b.responseWindowDays, northwind.responseWindowDays ?? '', 'response window'],
  ];
  for (const [block, value, what] of text) await typeIfDifferent(author, page, block, value, what);
  await chooseIfDifferent(author, page, b.partnerChannelId, sandboxChannels.partner.id, 'partner channel');
  await chooseIfDifferent(author, page, b.aeUserId, sandboxUsers.ae.id, 'account executive');
  await chooseIfDifferent(author, page, b.ownerUserId, sandboxUsers.author.id, 'owner');
  await tickConfirmations(author);
}

/** The reasons of the red boxes on the open modal: Block Kit that Slack would refuse (sandbox/web/render.ts). */
export async function flaggedOnModal(page: Page): Promise<string[]> {
  const boxes = await page.locator('.modal-card [data-invalid]').all();
  const reasons = await Promise.all(boxes.map((box) => box.getAttribute('data-invalid')));
  return reasons.filter((reason): reason is string => reason !== null);
}

type ReviewRead = Omit<WalkResult, 'count' | 'flagged'>;

/** The review's header and score lines, read as the author reads them. */
async function readReview(page: Page): Promise<ReviewRead> {
  const review = page.locator(REVIEW_FORM);
  await review.waitFor();
  const header = ((await review.locator('.bk-header-text').first().textContent()) ?? '').trim();
  const blocks = await review.locator('.bk-block').allInnerTexts();
  const text = blocks.flatMap((block) => block.split('\n')).map((line) => line.trim());
  const components = text.filter((line) => /^\S+ .+ [0-2]\/2: /u.test(line));
  const readinessOpen = text.filter((line) => line.startsWith('⬜'));
  return { header, score: Number(/^(\d+)\/18/.exec(header)?.[1] ?? Number.NaN), components, readinessOpen };
}

/**
 * Review, then Send, counted: the packet's Review (an error round if the app answers with errors, which the
 * scripted author cannot fix: the walk then stops, so the table shows it), the review read, then Send.
 */
async function reviewAndSend(author: CountedAuthor, page: Page, flagged: string[]): Promise<WalkResult> {
  const packetErrors = await author.submit('Review');
  if (packetErrors) throw new Error(`the packet was refused: ${JSON.stringify(packetErrors)}`);
  const review = await readReview(page);
  flagged.push(...(await flaggedOnModal(page)));
  const sendErrors = await author.submit('Send to AE');
  if (sendErrors) throw new Error(`the review was refused: ${JSON.stringify(sendErrors)}`);
  await page.locator('#modal-layer').waitFor({ state: 'hidden', timeout: 15_000 });
  return { count: author.count, flagged: [...new Set(flagged)], ...review };
}

/** Opens a conversation from the sidebar (not counted: the author is there already when the deal comes up). */
export async function openPlace(page: Page, place: string): Promise<void> {
  await page.click(`[data-place="${place}"]`);
  await page.locator(`[data-place="${place}"].current`).waitFor();
}

/** Types `/handoff` in the composer and sends it: the packet modal opens. */
async function typeHandoffCommand(author: CountedAuthor, page: Page): Promise<void> {
  await author.type('#command', '/handoff', '/handoff in the composer');
  await page.press('#command', 'Enter');
  await page.locator(PACKET_FORM).waitFor();
}

/** Path A, today's: `/handoff` typed in #partner-marketing, every field by hand, Review, Send. */
export async function walkByHand(page: Page): Promise<WalkResult> {
  const author = countedAuthor(page);
  await openPlace(page, sandboxChannels.internal.id);
  await typeHandoffCommand(author, page);
  const flagged = await flaggedOnModal(page);
  await typeEveryField(author, page);
  return reviewAndSend(author, page, flagged);
}

/** Dana's seeded message in #ext-meridian, on the page. */
const danasMessage = (page: Page) =>
  page
    .locator('#pane article.message.person')
    .filter({ has: page.locator(':scope > .fallback', { hasText: DANAS_MESSAGE }) })
    .last();

/** ⋯ on Dana's message, then "Hand off this deal": the loading view, then the prefilled packet. */
async function handOffDanasMessage(author: CountedAuthor, page: Page): Promise<void> {
  const message = danasMessage(page);
  await message.waitFor();
  await message.locator(':scope > .meta').hover();
  const more = message.locator(':scope > .message-tools [data-more-actions]');
  await author.click(more, 'More actions (⋯) on the message');
  await author.click('#message-menu [data-shortcut]:has-text("Hand off this deal")', 'Hand off this deal');
  await page.locator(PACKET_FORM).waitFor({ timeout: 15_000 });
}

/** The suggestion line's "Use all", when the author has sent a packet for this partner before. */
export async function useAllSuggestions(author: CountedAuthor, page: Page): Promise<boolean> {
  const useAll = `.modal-card [data-block-id="${SUGGESTIONS_BLOCK_ID}"] [data-action="button"]:has-text("Use all")`;
  if ((await page.locator(useAll).count()) === 0) return false;
  await author.click(useAll, 'Use all (the last packet for Meridian)');
  // Every suggestion used: the app's views.update takes the line and its buttons away.
  await page
    .locator(`.modal-card .bk-block[data-block-id="${SUGGESTIONS_BLOCK_ID}"]`)
    .waitFor({ state: 'detached' });
  return true;
}

/**
 * What is left for a strong packet once the form is prefilled (and the suggestions used, if any): why this
 * partner, the two next moves and the partner's date, the confirmations; and the joint value and warm path when no
 * suggestion filled them.
 */
async function typeWhatIsLeft(author: CountedAuthor, page: Page): Promise<void> {
  const t = NORTHWIND_TYPED;
  const left: [string, string, string][] = [
    [b.jointValue, t.jointValue, 'joint value'],
    [b.whyPartner, t.whyPartner, 'why this partner'],
    [b.warmPath, t.warmPath, 'warm path'],
    [b.sellerNextMove, t.sellerNextMove, 'seller next move'],
    [b.partnerNextMove, t.partnerNextMove, 'partner next move'],
    [b.partnerNextMoveDate, t.partnerNextMoveDate, 'partner next move date'],
  ];
  for (const [block, value, what] of left) {
    // A suggestion's value stays as it is: the author keeps what their last packet said.
    if ((await page.inputValue(field(block))) !== '') continue;
    await author.type(field(block), value, what);
  }
  await tickConfirmations(author);
}

/** Path B: as Pat in #ext-meridian, ⋯ on Dana's message → Hand off this deal → Use all → what is left → Send. */
export async function walkFromMessage(page: Page): Promise<WalkResult & { suggested: boolean }> {
  const author = countedAuthor(page);
  await openPlace(page, sandboxChannels.partner.id);
  await handOffDanasMessage(author, page);
  const flagged = await flaggedOnModal(page);
  const suggested = await useAllSuggestions(author, page);
  await typeWhatIsLeft(author, page);
  return { ...(await reviewAndSend(author, page, flagged)), suggested };
}

/**
 * Pat's earlier packet for Meridian (not counted), so the shortcut has suggestions: another account, with a joint
 * value and warm path that name no account, sent with `/handoff` in #partner-marketing.
 */
export async function sendEarlierMeridianPacket(page: Page): Promise<void> {
  const author = countedAuthor(page);
  await openPlace(page, sandboxChannels.internal.id);
  await typeHandoffCommand(author, page);
  const earlier: [string, string][] = [
    [b.accountName, 'Fabrikam Retail (fabrikam.example)'],
    [b.partnerOrg, northwind.partnerOrg],
    [b.partnerContactName, NORTHWIND_TYPED.contact],
    [b.customerTrigger, 'The CFO asked for faster month-end close across their 40 stores.'],
    [b.jointValue, northwind.jointValue],
    [b.whyPartner, 'Meridian ran Fabrikam’s ERP migration last year.'],
    [b.warmPath, "Dana meets the customer's ops team monthly and can introduce the AE at the next session."],
    [b.sellerNextMove, 'Book the discovery call with the CFO.'],
    [b.partnerNextMove, 'Dana sends the CFO the intro email.'],
  ];
  for (const [block, value] of earlier) await author.type(field(block), value, block);
  await author.choose(field(b.partnerChannelId), sandboxChannels.partner.id, 'partner channel');
  await author.choose(field(b.aeUserId), sandboxUsers.otherAe.id, 'account executive');
  await reviewAndSend(author, page, []);
}
