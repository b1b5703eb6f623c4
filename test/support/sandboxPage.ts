import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import {
  ACCEPT_BLOCK_ID,
  AGREED_IN_WRITING_OPTION,
  CALLBACK_ID,
  ON_PRIORITY_LIST_OPTION,
  PACKET_BLOCK_ID,
  PACKET_FORM_BLOCK_ID,
} from '../../src/blocks/ids.js';
import { first, tablesOf } from '../../src/db/engine.js';
import { waitFor } from './harness.js';

/**
 * The sandbox page in Debian's Chromium (installed by scripts/ensure-browser.sh), as the browser tests drive it: a
 * page as one person, who they are, where they look, a packet typed in and sent, and a wait for the app's outbox.
 */

const { author } = sandboxUsers;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The one Chromium of the run's browser tests (test/e2e/globalSetup.ts): where to connect to it. */
    chromiumEndpoint: string | undefined;
  }
}

/** How the tests start headless Chromium (CHROMIUM_PATH, or Debian's). */
export const CHROMIUM_OPTIONS = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  // Chromium's own sandbox needs user namespaces, which containers (and root) usually lack.
  args: ['--no-sandbox'],
};

/**
 * The run's one Chromium (test/e2e/globalSetup.ts), connected to: each file has its own connection, whose pages and
 * contexts are its own, and closing it disconnects without stopping the browser. Outside that setup (another
 * configuration), a Chromium of the file's own.
 */
export function launchChromium(): Promise<Browser> {
  const endpoint = inject('chromiumEndpoint');
  return endpoint ? chromium.connect(endpoint) : chromium.launch(CHROMIUM_OPTIONS);
}

/**
 * A screenshot for a person to look at (`E2E_SHOTS=1 npm test`, into test-results/): the browser tests' walks are
 * written to be read as pictures, but nothing asserts on them, and the ~80 of a run cost Chromium about 20 s of CPU.
 * Without E2E_SHOTS, a locator's shot is the wait for its element the screenshot made, and a page's is nothing.
 */
export async function screenshot(
  target: Page | Locator,
  options: {
    path: string;
    fullPage?: boolean;
    clip?: { x: number; y: number; width: number; height: number };
  },
): Promise<void> {
  if (process.env.E2E_SHOTS) {
    await target.screenshot(options);
    return;
  }
  if ('waitFor' in target) await target.waitFor();
}

/**
 * In a browser test file: the run's Chromium, connected before the file's tests and closed after them; `newPage()`
 * opens the page of `world`'s sandbox, and `shot` saves a full-page screenshot into `shots`.
 */
export function sandboxBrowser(world: { sandbox: Sandbox }, shots: string) {
  let browser: Browser | undefined;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  return {
    newPage: () => openSandboxPage(browser as Browser, world.sandbox),
    shot: (page: Page, name: string) =>
      screenshot(page, { path: join(shots, `${name}.png`), fullPage: true }),
  };
}

/**
 * In a browser test file: `world`'s sandbox open in one page of the run's Chromium (as Pat, dialogs accepted) before
 * the file's tests, handed to `opened`, and closed after them; `shots` is made for the file's screenshots.
 */
export function sandboxPageFor(
  world: { sandbox: Sandbox },
  shots: string,
  opened: (page: Page) => void,
): void {
  let browser: Browser | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
    page = await openSandboxPage(browser, world.sandbox);
    opened(page);
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
  });
}

/**
 * What a browser test does on its one page (`page()`, once sandboxPageFor opened it): the open modal's title, text,
 * buttons and screenshots (`shots`), the App Home's buttons, a button clicked or a modal saved with the app's answer
 * waited for, and what a person reads in a place.
 */
export function pageKit(page: () => Page, shots: string) {
  /** Posts `what` (a click or a save) and waits for the app's 200 from `path`: inline errors fail here. */
  const answered = async (path: string, what: () => Promise<void>) => {
    const answer = page().waitForResponse(
      (r) => new URL(r.url()).pathname === path && r.request().method() === 'POST',
    );
    await what();
    expect(await (await answer).json()).toEqual({ status: 200 });
  };
  /** How many messages each person had read in each place: what is new since. */
  const seen = new Map<string, number>();
  return {
    modalTitle: (title: string) => page().locator('.modal-card .bk-modal-title', { hasText: title }),
    // biome-ignore lint/performance/useDomNodeTextContent: what the person reads, line by line (the sentences are lines)
    modalText: async () => (await page().locator('.modal-card .bk-modal-body').innerText()).trim(),
    /** A button of the App Home or the open modal, by its action id (or its prefix) and value. */
    homeButton: (actionId: string, value: string) =>
      page().locator(`#pane .home button[data-action-id^="${actionId}"][data-value="${value}"]`),
    modalButton: (actionId: string, value: string) =>
      page().locator(`.modal-card button[data-action-id^="${actionId}"][data-value="${value}"]`),
    /** The open modal, top to bottom as a person scrolls it: <name>-1.png, -2.png… */
    async shotModal(name: string): Promise<void> {
      const body = page().locator('.modal-card .bk-modal-body');
      const { height, screen } = await body.evaluate((el) => ({
        height: el.scrollHeight,
        screen: el.clientHeight,
      }));
      for (let part = 1, top = 0; ; part += 1, top += screen - 60) {
        await body.evaluate((el, y) => el.scrollTo(0, y), top);
        await screenshot(page().locator('.modal-card'), { path: join(shots, `${name}-${part}.png`) });
        if (top + screen >= height) break;
      }
      await body.evaluate((el) => el.scrollTo(0, 0));
    },
    /**
     * Clicks a button and waits for the app's answer to the block action: Playwright's click returns once the browser
     * dispatched it, before the page's request reached the app, so a wait for the outbox right after could find it
     * empty because the click's own rows were not written yet.
     */
    click: (button: Locator) => answered('/api/action', () => button.click()),
    /** Saves the open modal and waits for the app's answer. */
    save: () => answered('/api/submit', () => page().click('.modal-card .bk-submit')),
    async closeModal(): Promise<void> {
      await page().click('.modal-card .bk-close');
      await page().locator('#modal-layer').waitFor({ state: 'hidden' });
    },
    /**
     * What a person reads in a place, as the page shows it (the app's edits included): all of it, and what came since
     * they last looked there.
     */
    async read(userId: string, place: string): Promise<{ all: string; fresh: string[] }> {
      await actAs(page(), userId);
      await openPlace(page(), place);
      const texts = await page().locator('#pane article.message').allInnerTexts();
      const key = `${userId}:${place}`;
      const fresh = texts.slice(seen.get(key) ?? 0);
      seen.set(key, texts.length);
      return { all: texts.join('\n'), fresh };
    },
  };
}

/** A page of the sandbox as Pat, with dialogs accepted; closing it fails the test if the page threw. */
export async function openSandboxPage(browser: Browser, sandbox: Sandbox): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  page.on('close', () => expect(errors).toEqual([]));
  await page.goto(`${sandbox.url}?as=${author.id}`);
  await page.locator('#who option').first().waitFor({ state: 'attached' });
  return page;
}

/** Waits until the app's outbox has delivered everything it queued (Slack pacing included). */
export async function outboxDelivered(sandbox: Sandbox): Promise<void> {
  const { db } = sandbox.database;
  const { outbox } = tablesOf(db);
  const pending = () => db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'));
  await waitFor(async () => (await pending()).length === 0, 20_000, 'the outbox to drain');
}

export async function actAs(page: Page, userId: string): Promise<void> {
  await page.selectOption('#who', userId);
  const person = Object.values(sandboxUsers).find((u) => u.id === userId);
  await page.locator('#whoami', { hasText: person?.real_name ?? userId }).waitFor();
}

export async function openPlace(page: Page, place: string): Promise<void> {
  await page.click(`[data-place="${place}"]`);
  await page.locator(`[data-place="${place}"].current`).waitFor();
}

/** The input of a block of the open modal. */
export const field = (block: string) => `.modal-card [data-block-id="${block}"] [data-input]`;
/** A day so many days from today (real time), YYYY-MM-DD. */
export const day = (daysFromNow: number) => DateTime.now().plus({ days: daysFromNow }).toISODate() ?? '';

/** Types /handoff in the internal channel and fills the packet as partner marketing would. */
export async function fillPacket(
  page: Page,
  opts: { account: string; crm: string; aeId: string; nextMoveDate: string; days?: string },
): Promise<void> {
  await openPlace(page, sandboxChannels.internal.id);
  await page.fill('#command', '/handoff');
  await page.press('#command', 'Enter');
  await page.locator('.modal-card form[data-callback-id="handoff_packet"]').waitFor();
  const b = PACKET_BLOCK_ID;
  const text: [string, string][] = [
    [b.accountName, opts.account],
    // A CRM id of its own: the same one on two handoffs is a duplicate the review asks about.
    [b.crmOpportunity, `${opts.crm} (stage 2, expansion)`],
    [b.partnerOrg, 'Meridian Cloud Consulting'],
    // One input for the contact and their role (issue 20): split on the first comma.
    [b.partnerContactName, 'Dana Reyes, Alliances lead'],
    [b.whyPartner, `Meridian ran ${opts.account}'s data platform migration last quarter.`],
    [
      b.customerTrigger,
      'At the quarterly review the ops director asked about automating invoice reconciliation.',
    ],
    [
      b.jointValue,
      'We run the reconciliation workflow; Meridian implements it on the platform they operate.',
    ],
    [b.warmPath, 'Dana meets the ops team monthly and can introduce the AE at the next session.'],
    [b.sellerNextMove, 'Accept the introduction and bring the demo.'],
    [b.partnerNextMove, 'Dana confirms the meeting and shares the review notes.'],
    [b.riskNote, 'No reseller registered; direct deal.'],
    [b.evidenceUrl, 'https://docs.example.com/qbr-notes'],
    [b.responseWindowDays, opts.days ?? '3'],
    [b.partnerNextMoveDate, opts.nextMoveDate],
  ];
  for (const [block, value] of text) await page.fill(field(block), value);
  // Both confirmations are one checkbox group; the attribution dates are asked on the review when needed.
  await page.check(`${field(PACKET_FORM_BLOCK_ID.confirmations)} input[value="${ON_PRIORITY_LIST_OPTION}"]`);
  await page.check(`${field(PACKET_FORM_BLOCK_ID.confirmations)} input[value="${AGREED_IN_WRITING_OPTION}"]`);
  await page.selectOption(field(b.aeUserId), opts.aeId);
  await page.selectOption(field(b.ownerUserId), author.id);
  await page.selectOption(field(b.partnerChannelId), sandboxChannels.partner.id);
}

/** Review, then Send: the modal closes once the app has stored and sent the handoff. */
export async function reviewAndSend(page: Page): Promise<void> {
  await page.click('.modal-card .bk-submit');
  const review = page.locator('.modal-card form[data-callback-id="handoff_review"]');
  await review.waitFor();
  await page.click('.modal-card .bk-submit');
  await page.locator('#modal-layer').waitFor({ state: 'hidden' });
}

/** The accept modal (issue 51 item 1) on the page: Accept opens it; submitting it records the accept. */
export const ACCEPT_MODAL = `.modal-card form[data-callback-id="${CALLBACK_ID.accept}"]`;

/** What the AE changes in the accept modal before submitting it; each left out keeps the modal's default. */
export interface AcceptTyped {
  /** The first step, as the partner reads it. */
  step?: string;
  /** YYYY-MM-DD. */
  due?: string;
  /** As typed in the number input. */
  estimatedValue?: string;
}

/** Clicks an Accept button (in a DM or the App Home) and waits for the accept modal, its defaults ready. */
export async function openAcceptModal(page: Page, accept: Locator): Promise<Locator> {
  await accept.click();
  const modal = page.locator(ACCEPT_MODAL);
  await modal.waitFor();
  return modal;
}

/**
 * Submits the open accept modal as the AE, with what `typed` changes, and waits for the app's answer: the accept is
 * recorded before it (an answer with errors fails here), then the modal closes.
 */
export async function submitAcceptModal(page: Page, typed: AcceptTyped = {}): Promise<void> {
  const input = (block: string) => `${ACCEPT_MODAL} [data-block-id="${block}"] [data-input]`;
  if (typed.step !== undefined) await page.fill(input(ACCEPT_BLOCK_ID.step), typed.step);
  if (typed.due !== undefined) await page.fill(input(ACCEPT_BLOCK_ID.due), typed.due);
  if (typed.estimatedValue !== undefined) {
    await page.fill(input(ACCEPT_BLOCK_ID.value), typed.estimatedValue);
  }
  const answered = page.waitForResponse(
    (response) =>
      new URL(response.url()).pathname === '/api/submit' && response.request().method() === 'POST',
  );
  await page.click(`${ACCEPT_MODAL} .bk-submit`);
  // The sandbox answers 200 with the app's own status in its body, and the errors it sent if any.
  expect(await (await answered).json()).toEqual({ status: 200 });
  await page.locator('#modal-layer').waitFor({ state: 'hidden' });
}

/** Accepts as the AE does: Accept, then the accept modal submitted (its defaults, or what `typed` changes). */
export async function acceptInPage(page: Page, accept: Locator, typed: AcceptTyped = {}): Promise<void> {
  await openAcceptModal(page, accept);
  await submitAcceptModal(page, typed);
}

/** The bot's latest message in the current conversation that contains `text`. */
export const message = (page: Page, text: string) =>
  page.locator('article.message', { hasText: text }).last();

/** The number the app gave the latest handoff of this account (the list, the Home and View name it `#<id>`). */
export async function latestHandoffId(sandbox: Sandbox, account: string): Promise<number> {
  const { db } = sandbox.database;
  const { handoffs } = tablesOf(db);
  const row = await first(
    db
      .select({ id: handoffs.id })
      .from(handoffs)
      .where(eq(handoffs.accountName, account))
      .orderBy(desc(handoffs.id))
      .limit(1),
  );
  if (!row) throw new Error(`no handoff for ${account}`);
  return row.id;
}

/** A person's message in the current conversation whose own text (not a reply's) reads `text`. */
export const personMessage = (page: Page, text: string) =>
  page
    .locator('#pane article.message.person')
    .filter({ has: page.locator(':scope > .fallback', { hasText: text }) })
    .last();

/**
 * Writes a plain message in the current channel as the current person, as in Slack's composer; with `inThreadOf`, a
 * reply in that message's thread ("Reply in thread" on its hover tools first). The ts the fake Slack gave it.
 */
export async function postMessage(page: Page, text: string, inThreadOf?: Locator): Promise<string> {
  if (inThreadOf) {
    await inThreadOf.locator(':scope > .meta').hover();
    await inThreadOf.locator(':scope > .message-tools [data-reply-in-thread]').click();
    await page.locator('#replying').waitFor();
  }
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/message');
  await page.fill('#command', text);
  await page.press('#command', 'Enter');
  const answer = (await (await answered).json()) as { ts?: string; error?: string };
  expect(answer.error).toBeUndefined();
  expect(answer.ts).toMatch(/^\d+\.\d{6}$/);
  return answer.ts ?? '';
}

/** Opens a message's "More actions" menu: the ⋯ of its hover tools. The menu. */
export async function openMoreActions(page: Page, message: Locator): Promise<Locator> {
  await message.locator(':scope > .meta').hover();
  await message.locator(':scope > .message-tools [data-more-actions]').click();
  const menu = page.locator('#message-menu');
  await menu.waitFor();
  return menu;
}

/** The names of the app's shortcuts an open "More actions" menu lists. */
export const shortcutNames = (menu: Locator) => menu.locator('[data-shortcut] .menu-name').allTextContents();

/**
 * Picks a shortcut by name in the open menu: the sandbox sends the app Slack's `message_action`. Its answer to the
 * page: the app's HTTP status, and the shortcut's callback id.
 */
export async function chooseShortcut(
  page: Page,
  menu: Locator,
  name: string,
): Promise<{ status: number; callback_id: string }> {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/shortcut');
  await menu.locator('[data-shortcut]', { hasText: name }).click();
  return (await (await answered).json()) as { status: number; callback_id: string };
}
