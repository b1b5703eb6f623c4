import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import { SANDBOX_POLICY_FILE } from '../../sandbox/sandbox.js';
import {
  ACTION_ID,
  CALLBACK_ID,
  levelBlockId,
  MY_DAYS_BLOCK_ID,
  OUTCOME_ACTION_PREFIX,
  PACKET_BLOCK_ID,
  PROGRAM_BLOCK_ID,
  settingBlockId,
} from '../../src/blocks/ids.js';
import { first, tablesOf } from '../../src/db/engine.js';
import {
  acceptInPage,
  actAs,
  field,
  fillPacket,
  latestHandoffId,
  openPlace,
  outboxDelivered,
  pageKit,
  reviewAndSend,
  sandboxPageFor,
  screenshot,
} from '../support/sandboxPage.js';
import { sandboxWorld } from '../support/sandboxWorld.js';

/**
 * Issue 53's "Done when", walked in one sandbox page (Chromium) by the people who run the program, without a file
 * edited or a restart. First its partners and settings: Riley (admin) names each partner's manager on the Partners
 * page (Riley for Meridian, told of decisions and outcomes; Jordan for Tailspin, told of decisions only), and on the
 * Settings page makes "Need more time" given at once and an outcome final at once. Pat sends Jordan a Meridian deal
 * and Sam a Tailspin one: Jordan's "Need more time" is given at once, each partner's manager reads the decisions (and
 * Riley the outcome) in their DMs, and neither partner channel reads who manages or follows.
 * Then its pools and policies: Riley makes the EMEA backup pool with its manager, and a policy for Meridian whose
 * second level reassigns to it; Jordan, Sam and Riley each say whose public holidays count for them (the US, Bavaria,
 * England); then Pat sends Jordan a Meridian packet, the clock moves to the due time and 4 business hours past it,
 * and the handoff goes to Sam, the next AE of the pool. What each person reads is checked after each step.
 * Screenshots in /tmp/program-shots/.
 */

const SHOTS = '/tmp/program-shots';
const { admin: riley, author: pat, ae: jordan, otherAe: sam, partner: dana } = sandboxUsers;
const PARTNER = sandboxChannels.partner.id;
const INTERNAL = sandboxChannels.internal.id;
const TAILSPIN_CHANNEL = sandboxChannels.rival.id;
const ZONE = 'America/New_York';
/** Monday 30 November 2026, 10:00 in New York: a week without a public holiday in the US, Bavaria or England. */
const START = DateTime.fromISO('2026-11-30T10:00', { zone: ZONE });
const MERIDIAN = 'Meridian Cloud Consulting';
const TAILSPIN = 'Tailspin Integrators';
const CONTOSO = 'Contoso Freight';
const LITWARE = 'Litware Health';
const ACCOUNT = 'Fabrikam Robotics';
const POLICY = 'Meridian EMEA';
const FIRST_STEP = 'Intro call with the Fabrikam ops director and Dana';
const EDITOR = `.modal-card form[data-callback-id="${CALLBACK_ID.programPart}"]`;
const MY_DAYS = `.modal-card form[data-callback-id="${CALLBACK_ID.myDays}"]`;
/** What a program page must never read: ids, file keys, escaped characters. */
const RAW = /\bU0[A-Z0-9]+\b|\bC0[A-Z0-9]+\b|&amp;|&lt;|&gt;|\\n|undefined|null\b/;
/** What a person must never read on a program page: the file's keys and numbered steps. */
const FILE_WORDS =
  /\bstep \d|\bpool:[a-z]|\bchannel:[A-Z]|\bdue\+|emea-backup|account-executives|\bnotify\b|\bU0[A-Z0-9]+\b/i;
/** What a partner channel must never read: who manages the partner or follows its deals, and how they hear. */
const WATCHING = /Riley|partner manager|manag|follow|decisions only|decisions and outcomes|you are told/i;
/** What the partner must never read: who is internal to the program, and how it decides. */
const INTERNAL_WORDS =
  /EMEA|pool|escalation|policy|round robin|Jordan|Pat Marketer|Riley|expired|did not answer|owner|moved|reassign/i;

let page: Page;
let contoso: number;
let litware: number;
/** The handoff Pat sends to be escalated. */
let handoff: number;
/**
 * Jordan's due time, as stored when Pat sent it: the sandbox's clock runs in real time from START, so how many seconds
 * the steps before took decides its minute (under load, 10:01 rather than 10:00). Every time the people read is said
 * from it.
 */
let due: DateTime;
/** The minute the sweep acts on a moment: the next whole minute (its cron runs every minute). */
const sweepMinute = (at: DateTime) =>
  at.second === 0 && at.millisecond === 0 ? at : at.startOf('minute').plus({ minutes: 1 });
const clockTime = (at: DateTime, zone = ZONE) => at.setZone(zone).toFormat('h:mm a');
const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The policy file the sandbox starts with, which nobody edits: its hash, read before the start. */
const policyFileHash = hashOf(SANDBOX_POLICY_FILE);
const world = sandboxWorld('program', { startAt: START.toJSDate() });

sandboxPageFor(world, SHOTS, (opened) => {
  page = opened;
});

const { modalTitle, modalText, homeButton, modalButton, shotModal, click, save, closeModal, read } = pageKit(
  () => page,
  SHOTS,
);
const radio = (block: string, value: string) => `${field(block)} input[type="radio"][value="${value}"]`;

async function openProgramPage(name: string, title: string): Promise<void> {
  await actAs(page, riley.id);
  await openPlace(page, 'home');
  const open = homeButton(ACTION_ID.programOpen, name);
  await open.waitFor();
  await click(open);
  await modalTitle(title).waitFor();
}
/** A moment of today, as a DM says it (the sandbox's clock runs in real time). */
const TODAY_AT = 'today at \\d{1,2}:\\d\\d [AP]M';
const dm = (user: { id: string }) => read(user.id, `D${user.id}`);

async function partnerId(name: string): Promise<number> {
  const { partners } = tablesOf(world.sandbox.database.db);
  const row = await first(
    world.sandbox.database.db.select({ id: partners.id }).from(partners).where(eq(partners.name, name)),
  );
  if (!row) throw new Error(`no partner ${name}`);
  return row.id;
}

/** A handoff's due time, as stored: the sandbox's clock runs in real time, so its minute is read, never assumed. */
async function dueOf(id: number): Promise<DateTime> {
  const { handoffs } = tablesOf(world.sandbox.database.db);
  const row = await first(
    world.sandbox.database.db.select({ dueAt: handoffs.dueAt }).from(handoffs).where(eq(handoffs.id, id)),
  );
  return DateTime.fromJSDate(row?.dueAt as Date, { zone: ZONE });
}

/** A button of the newest message in a person's DM that names the account. */
async function dmButton(userId: string, account: string, actionId: string): Promise<Locator> {
  await actAs(page, userId);
  await openPlace(page, `D${userId}`);
  const button = page
    .locator('#pane article.message', { hasText: account })
    .locator(`button[data-action-id="${actionId}"]`)
    .last();
  await button.waitFor();
  return button;
}
const MY_DAYS_LINE = '#pane .home .bk-section[data-block-id="home_my_days"]';
const myDaysLine = () => page.locator(MY_DAYS_LINE);

/**
 * A part of the page as it is now. The page may draw the App Home again at any moment (the app publishes it on
 * app_home_opened, after the page showed the last one), so the part is found, scrolled to and measured in one step
 * inside the page: a located element can be replaced between two of Playwright's steps.
 */
async function clipShot(selector: string, name: string): Promise<void> {
  const box = await page.evaluate((css) => {
    const el = document.querySelector(css);
    if (!el) return null;
    el.scrollIntoView({ block: 'nearest' });
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }, selector);
  expect(box, `${selector} is on the page`).not.toBeNull();
  if (box) await screenshot(page, { path: join(SHOTS, `${name}.png`), clip: box });
}

/**
 * Closes a pushed editor, back to its page. The editor may carry its page's title (the calendar's does), so the page
 * is known back only once the editor's form is gone.
 */
async function closeEditor(page_: string): Promise<void> {
  await page.click('.modal-card .bk-close');
  await page.locator(EDITOR).waitFor({ state: 'detached' });
  await modalTitle(page_).waitFor();
}

/**
 * The person's App Home as the page shows it once the app's publishes of it are delivered: a Home published again
 * while a step reads it is drawn anew, and an element the step held is gone (a Node 22 run lost the section it was
 * scrolling to that way).
 */
async function openHome(): Promise<Locator> {
  await openPlace(page, 'home');
  await outboxDelivered(world.sandbox);
  const home = page.locator('#pane .home');
  await home.waitFor();
  return home;
}

/** "Next due" in the page's header, as anyone there moves the clock; the moment it moved to. */
async function nextDue(): Promise<DateTime> {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/clock');
  await page.click('[data-advance="next"]');
  const answer = (await (await answered).json()) as { movedTo?: string; error?: string };
  expect(answer.error).toBeUndefined();
  await outboxDelivered(world.sandbox);
  return DateTime.fromISO(answer.movedTo ?? '', { zone: ZONE });
}

describe("an admin names the partners' managers and edits a setting in Slack; the next handoffs follow them", {
  timeout: 90_000,
}, () => {
  it("Riley names each partner's manager on the Partners page: Riley for Meridian, Jordan for Tailspin (decisions only)", async () => {
    await openProgramPage('partners', 'Partners');
    const before = await modalText();
    expect(before).toContain(MERIDIAN);
    expect(before).toContain(TAILSPIN);
    expect(before).toContain('Partner managers: none named');
    expect(before).not.toMatch(RAW);
    await shotModal('partners-page-before');

    const choices = [
      { name: MERIDIAN, manager: riley, notify: 'all', reads: 'decisions and outcomes' },
      { name: TAILSPIN, manager: jordan, notify: 'decisions', reads: 'decisions only' },
    ];
    for (const c of choices) {
      await click(modalButton(ACTION_ID.programEdit, `partner:${await partnerId(c.name)}`));
      await page.locator(EDITOR).waitFor();
      await modalTitle('Partner').waitFor();
      expect(await modalText()).toContain(c.name);
      await page.selectOption(field(PROGRAM_BLOCK_ID.managers), [c.manager.id]);
      await page.check(radio(PROGRAM_BLOCK_ID.notify, c.notify));
      if (c.notify === 'decisions') await shotModal('partner-editor');
      await save();
      await page.locator('.modal-card', { hasText: `@${c.manager.real_name}, told of ${c.reads}` }).waitFor();
      expect(await page.locator(EDITOR).count()).toBe(0);
    }
    const after = await modalText();
    expect(after).toMatch(
      new RegExp(`${MERIDIAN}\\s+Partner managers: @Riley Ops, told of decisions and outcomes`),
    );
    expect(after).toMatch(
      new RegExp(`${TAILSPIN}\\s+Partner managers: @Jordan Seller, told of decisions only`),
    );
    expect(after).not.toMatch(RAW);
    await shotModal('partners-page');
    await closeModal();
  });

  it('Riley opens Settings and makes "Need more time" given at once and an outcome final at once', async () => {
    await openProgramPage('settings', 'Settings');
    const before = await modalText();
    expect(before).toContain('Before and after the decision');
    expect(before).toMatch(/More time is: approved by the owner, with one click/);
    expect(before).not.toMatch(RAW);
    await shotModal('settings-page-before');

    await click(modalButton(ACTION_ID.programEdit, 'settings:decisions'));
    await page.locator(EDITOR).waitFor();
    await modalTitle('Around the decision').waitFor();
    await page.check(radio(settingBlockId('moreTimeApproval'), 'auto'));
    await page.fill(field(settingBlockId('outcomeUndoSeconds')), '0');
    await shotModal('settings-editor');
    await save();
    await page.locator('.modal-card', { hasText: 'More time is: given at once' }).waitFor();
    const after = await modalText();
    expect(after).toContain('Undo an outcome: 0 seconds');
    expect(after).not.toMatch(RAW);
    await shotModal('settings-page');
    await closeModal();
  });

  it('Pat sends Jordan a Meridian deal and Sam a Tailspin one: a packet sent is no news to the managers', async () => {
    await actAs(page, pat.id);
    await fillPacket(page, {
      account: CONTOSO,
      crm: '006CONTOSO0001',
      aeId: jordan.id,
      nextMoveDate: '2026-12-10',
    });
    await reviewAndSend(page);
    await outboxDelivered(world.sandbox);
    contoso = await latestHandoffId(world.sandbox, CONTOSO);

    // The same packet, for Tailspin, in #ext-tailspin.
    await fillPacket(page, {
      account: LITWARE,
      crm: '006LITWARE0001',
      aeId: sam.id,
      nextMoveDate: '2026-12-10',
    });
    await page.fill(field(PACKET_BLOCK_ID.partnerOrg), TAILSPIN);
    await page.fill(field(PACKET_BLOCK_ID.partnerContactName), 'Lee Park, Partner lead');
    await page.fill(
      field(PACKET_BLOCK_ID.whyPartner),
      `Tailspin integrated ${LITWARE}'s clinic scheduling systems.`,
    );
    await page.fill(field(PACKET_BLOCK_ID.partnerNextMove), 'Lee confirms the meeting and shares the notes.');
    await page.selectOption(field(PACKET_BLOCK_ID.partnerChannelId), TAILSPIN_CHANNEL);
    await reviewAndSend(page);
    await outboxDelivered(world.sandbox);
    litware = await latestHandoffId(world.sandbox, LITWARE);

    expect((await dm(riley)).fresh).toEqual([]);
    const jordanDm = await dm(jordan);
    expect(jordanDm.fresh).toHaveLength(1);
    expect(jordanDm.fresh[0]).toContain(`${CONTOSO} · via ${MERIDIAN}`);
    expect(jordanDm.all).not.toContain(LITWARE);
    const samDm = await dm(sam);
    expect(samDm.fresh).toHaveLength(1);
    expect(samDm.fresh[0]).toContain(`${LITWARE} · via ${TAILSPIN}`);
    await dm(pat);
  });

  it('Jordan\'s "Need more time" is given at once, as the setting now says: his due time moves, Pat is told', async () => {
    const was = await dueOf(contoso);
    await click(await dmButton(jordan.id, CONTOSO, ACTION_ID.askMoreTime));
    await outboxDelivered(world.sandbox);
    const now = await dueOf(contoso);
    // Thursday 3 December plus 2 business days: Monday 7 December, the same time of day.
    expect(was.toFormat('ccc d LLL')).toBe('Thu 3 Dec');
    expect(now.toMillis()).toBe(was.plus({ days: 4 }).toMillis());
    const by = `${now.toFormat('LLL d')} at ${clockTime(now)}`;
    const jordanDm = await dm(jordan);
    expect(jordanDm.fresh).toEqual([
      expect.stringContaining(
        `📆 You have 2 more business days, given at once, on handoff #${contoso} ${CONTOSO} (via ${MERIDIAN}). Please answer by ${by}.`,
      ),
    ]);
    // His packet says the new time in place.
    expect(jordanDm.all).toContain(`please answer by ${by} (5 business days)`);
    const patDm = await dm(pat);
    expect(patDm.fresh).toHaveLength(1);
    expect(patDm.fresh[0]).toMatch(
      new RegExp(
        `📆 @Jordan Seller asked for 2 more business days to answer handoff #${contoso} ${CONTOSO} \\(via ${MERIDIAN}\\): given at once today at \\d{1,2}:\\d\\d [AP]M\\.`,
      ),
    );
    expect(patDm.fresh[0]).toContain(`@Jordan Seller now has until ${by}`);
    // Nobody was asked to give it.
    expect(patDm.fresh[0]).not.toContain('Give');
    expect(await page.locator(`#pane button[data-action-id="${ACTION_ID.grantMoreTime}"]`).count()).toBe(0);
    // More time is no news to a partner's manager.
    expect((await dm(riley)).fresh).toEqual([]);
  });

  it("each accept is news to its partner's manager, in their own DMs, saying why they are told", async () => {
    await acceptInPage(page, await dmButton(jordan.id, CONTOSO, ACTION_ID.accept));
    await outboxDelivered(world.sandbox);
    await acceptInPage(page, await dmButton(sam.id, LITWARE, ACTION_ID.accept));
    await outboxDelivered(world.sandbox);
    const rileyDm = await dm(riley);
    expect(rileyDm.fresh).toHaveLength(1);
    expect(rileyDm.fresh[0]).toMatch(
      new RegExp(
        `#${contoso} ${CONTOSO} \\(via ${MERIDIAN}\\)\\n✅ Accepted by @Jordan Seller, first step: Accept the introduction and bring the demo by Thu 3 Dec · ${TODAY_AT}`,
      ),
    );
    expect(rileyDm.fresh[0]).toContain(
      `👀 You are a partner manager of ${MERIDIAN} (told of decisions and outcomes).`,
    );
    const jordanDm = await dm(jordan);
    expect(jordanDm.fresh).toHaveLength(1);
    expect(jordanDm.fresh[0]).toMatch(
      new RegExp(
        `#${litware} ${LITWARE} \\(via ${TAILSPIN}\\)\\n✅ Accepted by @Sam Closer, first step: Accept the introduction and bring the demo by Thu 3 Dec · ${TODAY_AT}`,
      ),
    );
    expect(jordanDm.fresh[0]).toContain(
      `👀 You are a partner manager of ${TAILSPIN} (told of decisions only).`,
    );
    // The AE who accepted is not told of his own accept as a manager; the owner hears it as the owner.
    expect((await dm(sam)).fresh.join('\n')).not.toContain('partner manager');
    const patDm = await dm(pat);
    expect(patDm.fresh).toHaveLength(2);
    expect(patDm.fresh.join('\n')).not.toContain('partner manager');
  });

  it("a meeting held is news to Meridian's manager (decisions and outcomes), not to Tailspin's (decisions only)", async () => {
    // An outcome is final at once now (Undo an outcome: 0 seconds): the DMs leave with it.
    await click(await dmButton(jordan.id, CONTOSO, `${OUTCOME_ACTION_PREFIX}meeting_held`));
    await outboxDelivered(world.sandbox);
    await click(await dmButton(sam.id, LITWARE, `${OUTCOME_ACTION_PREFIX}meeting_held`));
    await outboxDelivered(world.sandbox);
    const rileyDm = await dm(riley);
    expect(rileyDm.fresh).toHaveLength(1);
    expect(rileyDm.fresh[0]).toMatch(
      new RegExp(
        `#${contoso} ${CONTOSO} \\(via ${MERIDIAN}\\)\\n🤝 Meeting held by @Jordan Seller · ${TODAY_AT}`,
      ),
    );
    expect((await dm(jordan)).fresh).toEqual([]);
  });

  it('neither partner channel reads who manages the partner or follows its deals', async () => {
    const meridian = await read(dana.id, PARTNER);
    expect(meridian.all).toContain(`${CONTOSO}: Jordan Seller met the customer.`);
    expect(meridian.all).not.toMatch(WATCHING);
    // #ext-tailspin, as anyone in it reads it: Jordan manages Tailspin, and is never named there.
    const tailspin = await read(pat.id, TAILSPIN_CHANNEL);
    expect(tailspin.all).toContain(`${LITWARE}: Sam Closer met the customer.`);
    expect(tailspin.all).not.toMatch(WATCHING);
    expect(tailspin.all).not.toContain('Jordan');
    await screenshot(page, { path: join(SHOTS, 'tailspin-channel.png') });
  });

  it('nothing was restarted: the Partners page has their channels now, and the history names each edit', async () => {
    expect(world.logs.filter((l) => l.includes('handoff app listening'))).toHaveLength(1);
    await openProgramPage('partners', 'Partners');
    const partners = await modalText();
    expect(partners).toContain('Slack Connect: #ext-meridian');
    expect(partners).toContain('Slack Connect: #ext-tailspin');
    await closeModal();
    await openProgramPage('history', 'Program history');
    const history = await modalText();
    for (const line of [
      '@Riley Ops · settings: More time is: approved by the owner, with one click → given at once',
      `@Riley Ops · the partner managers of ${TAILSPIN}: +@Jordan Seller, hear decisions and outcomes → decisions only`,
      `@Riley Ops · the partner managers of ${MERIDIAN}: +@Riley Ops`,
    ])
      expect(history).toContain(line);
    expect(history).not.toMatch(RAW);
    await closeModal();
  });
});

describe('an admin sets up a program in Slack, and a handoff runs through it', { timeout: 60_000 }, () => {
  it('Riley opens the program from the App Home and makes the EMEA backup pool, with a cap and a manager', async () => {
    await actAs(page, riley.id);
    const home = await openHome();
    const open = homeButton(ACTION_ID.programOpen, 'pools');
    await open.waitFor();
    const section = home.locator('.bk-section', { hasText: 'The program' });
    expect(await section.textContent()).toMatch(/1 pool · 1 escalation policy · 0 closure days · 1 admin/);
    // Scrolled to as it is drawn now: a locator finds the section again if the Home was drawn anew meanwhile.
    await section.evaluate((element) => element.scrollIntoView({ block: 'nearest' }));
    const from = await page.locator('#pane').boundingBox();
    const top = await section.boundingBox();
    const bottom = await homeButton(ACTION_ID.programOpen, 'history').boundingBox();
    if (from && top && bottom)
      await screenshot(page, {
        path: join(SHOTS, 'home-program-section.png'),
        clip: {
          x: from.x,
          y: top.y - 120,
          width: from.width,
          height: bottom.y + bottom.height + 16 - (top.y - 120),
        },
      });

    await click(open);
    await modalTitle('Pools').waitFor();
    expect(await modalText()).toContain('Account executives');
    await click(modalButton(ACTION_ID.programEdit, 'pool:'));
    await page.locator(EDITOR).waitFor();
    await modalTitle('New pool').waitFor();
    await page.fill(field(PROGRAM_BLOCK_ID.id), 'emea-backup');
    await page.fill(field(PROGRAM_BLOCK_ID.name), 'EMEA backup');
    await page.selectOption(field(PROGRAM_BLOCK_ID.members), [jordan.id, sam.id]);
    await page.fill(field(PROGRAM_BLOCK_ID.cap), '5');
    await page.selectOption(field(PROGRAM_BLOCK_ID.managers), [pat.id]);
    await shotModal('pool-editor');
    await save();

    // Saved: the editor closes on the Pools page, which shows the new pool.
    await page.locator('.modal-card', { hasText: 'EMEA backup' }).waitFor();
    expect(await page.locator(EDITOR).count()).toBe(0);
    const pools = await modalText();
    expect(pools).toMatch(
      /EMEA backup\s+Members: @Jordan Seller, @Sam Closer\s+At most 5 open handoffs each\s+Managed by @Pat Marketer/,
    );
    expect(pools).not.toMatch(FILE_WORDS);
    await shotModal('pools-page');
    await closeModal();
  });

  it(`Riley writes the ${POLICY} policy: the owner told at the due time, the EMEA backup pool 4 business hours later`, async () => {
    await click(homeButton(ACTION_ID.programOpen, 'policies'));
    await modalTitle('Escalation policies').waitFor();
    await click(modalButton(ACTION_ID.programEdit, 'policy:'));
    await modalTitle('New policy').waitFor();
    // Meridian follows the imported policy now: its choice says so.
    const partners = page.locator(field(PROGRAM_BLOCK_ID.partners));
    expect(await partners.locator('option').allInnerTexts()).toEqual([
      `${MERIDIAN} (now: Meridian partners)`,
      'Tailspin Integrators',
    ]);
    // Only internal channels to post in: the partners' Slack Connect channels are not offered.
    expect(
      await page
        .locator(field(levelBlockId(0, 'channels')))
        .locator('option')
        .allInnerTexts(),
    ).toEqual(['partner-marketing']);
    await page.fill(field(PROGRAM_BLOCK_ID.id), 'meridian-emea');
    await page.fill(field(PROGRAM_BLOCK_ID.name), POLICY);
    await page.selectOption(field(levelBlockId(0, 'when')), 'due');
    await page.selectOption(field(levelBlockId(0, 'action')), 'notify');
    await page.selectOption(field(levelBlockId(0, 'to')), ['owner']);
    await page.selectOption(field(levelBlockId(1, 'when')), 'due+4h');
    await page.selectOption(field(levelBlockId(1, 'action')), 'reassign');
    await page.selectOption(field(levelBlockId(1, 'to')), ['pool:emea-backup']);
    await partners.selectOption([MERIDIAN]);
    await shotModal('policy-editor');
    await save();

    await page.locator('.modal-card', { hasText: POLICY }).waitFor();
    const policies = await modalText();
    // Each level a sentence; Meridian's handoffs follow the new policy, no longer the imported one.
    const mine = policies.slice(policies.indexOf(POLICY));
    expect(mine).toContain(
      '• At the due time: tell the owner\n• 4 business hours after the due time: reassign to the next AE of the EMEA backup pool\n',
    );
    expect(mine).toContain(`Followed by ${MERIDIAN}'s handoffs.`);
    const imported = policies.slice(policies.indexOf('Meridian partners'), policies.indexOf(POLICY));
    expect(imported).toContain('Followed by no handoff yet.');
    expect(policies).not.toMatch(FILE_WORDS);
    await shotModal('policies-page');

    // The editor again, as saved: each level's sentence above its inputs.
    await click(modalButton(ACTION_ID.programEdit, 'policy:meridian-emea'));
    await modalTitle('Edit policy').waitFor();
    const editor = await modalText();
    expect(editor).toContain('At the due time: tell the owner');
    expect(editor).toContain(
      '4 business hours after the due time: reassign to the next AE of the EMEA backup pool',
    );
    expect(editor).not.toMatch(FILE_WORDS);
    expect(
      await page.locator(field(PROGRAM_BLOCK_ID.partners)).locator('option:checked').allInnerTexts(),
    ).toEqual([MERIDIAN]);
    await shotModal('policy-editor-saved');
    await closeEditor('Escalation policies');
    await closeModal();
  });

  it('Jordan, Sam and Riley each say whose public holidays count for them, in their own App Home', async () => {
    const people = [
      {
        who: jordan,
        typed: 'US',
        says: 'Public holidays of United States (US) count for you: you chose them.',
      },
      { who: sam, typed: 'de-by', says: 'Public holidays of Germany, DE-BY count for you: you chose them.' },
      {
        who: riley,
        typed: 'GB-ENG',
        says: 'Public holidays of United Kingdom, GB-ENG count for you: you chose them.',
      },
    ];
    for (const { who, typed, says } of people) {
      await actAs(page, who.id);
      const home = await openHome();
      await click(home.locator(`button[data-action-id="${ACTION_ID.myDays}"]`));
      await page.locator(MY_DAYS).waitFor();
      await page.fill(field(MY_DAYS_BLOCK_ID.regions), typed);
      await save();
      await page.locator('#modal-layer').waitFor({ state: 'hidden' });
      await myDaysLine().filter({ hasText: says }).waitFor();
    }
    // Each one's App Home says theirs, and the pools they are in.
    await actAs(page, sam.id);
    await openHome();
    expect(await myDaysLine().textContent()).toContain('Your pools: Account executives and EMEA backup.');
    await clipShot(MY_DAYS_LINE, 'sam-your-days');
    await actAs(page, riley.id);
    await openHome();
    expect(await myDaysLine().textContent()).toContain('You are in no pool.');
  });

  it('Pat sends Jordan a Meridian packet: Jordan has it, Pat owns it, the partner hears nothing yet', async () => {
    // What the walk above left in each place is read: only what this handoff brings is fresh.
    for (const [who, place] of [
      [pat.id, `D${pat.id}`],
      [jordan.id, `D${jordan.id}`],
      [sam.id, `D${sam.id}`],
      [riley.id, INTERNAL],
      [dana.id, PARTNER],
    ] as const)
      await read(who, place);
    await actAs(page, pat.id);
    await fillPacket(page, {
      account: ACCOUNT,
      crm: '006FABRIKAM0001',
      aeId: jordan.id,
      nextMoveDate: '2026-12-10',
      days: '2',
    });
    await reviewAndSend(page);
    await outboxDelivered(world.sandbox);
    handoff = await latestHandoffId(world.sandbox, ACCOUNT);
    due = await dueOf(handoff);
    // Monday at 10:00 and a few seconds or minutes: Wednesday then.
    expect(due.toFormat('ccc d LLL HH')).toBe('Wed 2 Dec 10');

    const patDm = await read(pat.id, `D${pat.id}`);
    expect(patDm.fresh).toHaveLength(1);
    expect(patDm.fresh[0]).toContain(
      `Handoff #${handoff} ${ACCOUNT} (via ${MERIDIAN}) is with @Jordan Seller.`,
    );
    expect(patDm.fresh[0]).toContain(`They have until Dec 2 at ${clockTime(due)}`);
    const jordanDm = await read(jordan.id, `D${jordan.id}`);
    expect(jordanDm.fresh).toHaveLength(1);
    expect(jordanDm.fresh[0]).toContain(`please answer by Dec 2 at ${clockTime(due)} (2 business days)`);
    expect(jordanDm.fresh[0]).toMatch(/\nAccept\nDecline\n/);
    expect((await read(sam.id, `D${sam.id}`)).fresh).toEqual([]);
    // The partner hears of it once an AE accepts; #partner-marketing hears nothing of it.
    expect((await read(dana.id, PARTNER)).all).not.toContain(ACCOUNT);
    expect((await read(riley.id, INTERNAL)).all).not.toContain(ACCOUNT);
  });

  it(`at the due time the ${POLICY} policy tells Pat (its first level), and nobody else`, async () => {
    const swept = await nextDue();
    // Jordan's 2 business days from Monday 10:00 (no reminder: the policy has no level before the due time).
    expect(swept.toMillis()).toBe(sweepMinute(due).toMillis());
    const patDm = await read(pat.id, `D${pat.id}`);
    expect(patDm.fresh).toHaveLength(1);
    expect(patDm.fresh[0]).toContain(`⌛ @Jordan Seller did not answer handoff #${handoff} ${ACCOUNT}`);
    expect(patDm.fresh[0]).toContain(
      `🔄 The ${POLICY} escalation policy gives it to the next AE of the EMEA backup pool who can take it (round robin) 4 business hours after the due time: today at ${clockTime(due.plus({ hours: 4 }))}`,
    );
    expect(patDm.fresh[0]).not.toMatch(FILE_WORDS);
    // The imported Meridian policy would have told #partner-marketing too: it no longer applies to Meridian.
    expect((await read(riley.id, INTERNAL)).fresh).toEqual([]);
    expect((await read(jordan.id, `D${jordan.id}`)).fresh).toEqual([]);
    expect((await read(sam.id, `D${sam.id}`)).fresh).toEqual([]);
    expect((await read(dana.id, PARTNER)).fresh).toEqual([]);
  });

  it("4 business hours later the handoff is Sam's, the next AE of the EMEA backup pool: Sam, Pat and Jordan read why", async () => {
    const moved = await nextDue();
    expect(moved.toMillis()).toBe(sweepMinute(due.plus({ hours: 4 })).toMillis());
    const samDm = await read(sam.id, `D${sam.id}`);
    expect(samDm.fresh).toHaveLength(1);
    const packet = samDm.fresh[0] ?? '';
    expect(packet).toContain(`${ACCOUNT} · via ${MERIDIAN}`);
    // In Sam's own time: 10:00 in New York is 16:00 in Berlin, and his 2 business days end Friday.
    expect(packet).toContain(
      `🔄 Moved to you from @Jordan Seller by the ${POLICY} escalation policy, 4 business hours after the due time: @Jordan Seller did not answer by today at ${clockTime(due, 'Europe/Berlin')}. You are the next AE of the EMEA backup pool (round robin).`,
    );
    expect(packet).toContain('please answer by Dec 7 at 9:00 AM (2 business days)');
    expect(packet).toMatch(/\nAccept\nDecline\n/);
    expect(packet).not.toMatch(FILE_WORDS);

    const patDm = await read(pat.id, `D${pat.id}`);
    expect(patDm.fresh).toHaveLength(1);
    expect(patDm.fresh[0]).toContain(
      `🔄 Handoff #${handoff} ${ACCOUNT} (via ${MERIDIAN}) moved from @Jordan Seller to @Sam Closer`,
    );
    expect(patDm.fresh[0]).toContain(
      `Moved by the ${POLICY} escalation policy, 4 business hours after the due time: @Jordan Seller did not answer by today at ${clockTime(due)}; @Sam Closer is the next AE of the EMEA backup pool (round robin).`,
    );
    // Jordan's packet says it is no longer his, in place: its buttons are gone.
    const jordanDm = await read(jordan.id, `D${jordan.id}`);
    expect(jordanDm.fresh).toEqual([]);
    expect(jordanDm.all).toContain('Reassigned to @Sam Closer. Nothing more is needed from you.');
    expect(await page.locator('#pane button[data-action-id="handoff_accept"]').count()).toBe(0);
    expect((await read(riley.id, INTERNAL)).fresh).toEqual([]);
    expect((await read(dana.id, PARTNER)).fresh).toEqual([]);
  });

  it('Sam accepts; Dana reads the acceptance in #ext-meridian, with nothing of the program in it', async () => {
    await actAs(page, sam.id);
    await openPlace(page, `D${sam.id}`);
    const packet = page.locator('#pane article.message', { hasText: ACCOUNT }).last();
    await acceptInPage(page, packet.locator('button[data-action-id="handoff_accept"]'), {
      step: FIRST_STEP,
      due: '2026-12-09',
    });
    await outboxDelivered(world.sandbox);
    // When Sam clicked, by the sandbox's clock (real time after the move): said in his own time, Berlin's.
    const { handoffs } = tablesOf(world.sandbox.database.db);
    const row = await first(
      world.sandbox.database.db
        .select({ decidedAt: handoffs.decidedAt })
        .from(handoffs)
        .where(eq(handoffs.id, handoff)),
    );
    const accepted = DateTime.fromJSDate(row?.decidedAt as Date, { zone: ZONE });
    const samDm = await read(sam.id, `D${sam.id}`);
    expect(samDm.all).toContain(
      `✅ Accepted by you today at ${clockTime(accepted, 'Europe/Berlin')}. The owner and #ext-meridian have been told.`,
    );
    expect(samDm.all).toContain(`Next: ${FIRST_STEP} by Wed 9 Dec.`);
    const patDm = await read(pat.id, `D${pat.id}`);
    expect(patDm.fresh).toHaveLength(1);
    expect(patDm.fresh[0]).toContain(
      `✅ @Sam Closer accepted handoff #${handoff} ${ACCOUNT} (via ${MERIDIAN}).`,
    );
    expect((await read(jordan.id, `D${jordan.id}`)).fresh).toEqual([]);
    expect((await read(riley.id, INTERNAL)).fresh).toEqual([]);

    const channel = await read(dana.id, PARTNER);
    // The post, and its thread's reply (the page lists the reply on its own too).
    expect(channel.fresh.length).toBeGreaterThanOrEqual(1);
    const seenByDana = channel.fresh.join('\n');
    expect(seenByDana).toContain('Status: ✅ Accepted · our AE: Sam Closer');
    expect(seenByDana).toContain(`Next from Sam Closer: ${FIRST_STEP} by Wed 9 Dec`);
    // Nothing of the program (the pool, the policy, who had it before and why), nor of the packet's internal fields.
    expect(seenByDana).not.toMatch(INTERNAL_WORDS);
    expect(seenByDana).not.toMatch(/006FABRIKAM|stage 2|reseller|reconciliation workflow|Why /i);
    await screenshot(page, { path: join(SHOTS, 'dana-channel.png') });
  });

  it('nothing was restarted and no file edited: the history names each edit and who made it; the handoff ran under the new policy', async () => {
    expect(hashOf(SANDBOX_POLICY_FILE)).toBe(policyFileHash);
    expect(world.logs.filter((l) => l.includes('handoff app listening'))).toHaveLength(1);
    await actAs(page, riley.id);
    await openHome();
    await click(homeButton(ACTION_ID.programOpen, 'history'));
    await modalTitle('Program history').waitFor();
    const history = await modalText();
    for (const line of [
      // Each edit with what it changed (the version before it: none here).
      '@Riley Ops · the EMEA backup pool: added (2 members, cap 5)',
      `@Riley Ops · the ${POLICY} escalation policy: added (2 levels)`,
      '@Jordan Seller · their own days: added (regions US)',
      '@Sam Closer · their own days: added (regions DE-BY)',
      '@Riley Ops · their own days: added (regions GB-ENG)',
    ])
      expect(history).toContain(line);
    expect(history).not.toMatch(FILE_WORDS);
    await shotModal('history-page');
    await closeModal();
    // The calendar's editor shows the workspace's choice, each person's own regions coming on top of it.
    await click(homeButton(ACTION_ID.programOpen, 'calendar'));
    await modalTitle('Closures and holidays').waitFor();
    expect(await modalText()).toContain(
      "Public holidays: each person's country, from their Slack time zone (or their own).",
    );
    await click(modalButton(ACTION_ID.programEdit, 'calendar:-'));
    await page.locator(EDITOR).waitFor();
    expect(
      await page
        .locator(`${field(PROGRAM_BLOCK_ID.holidays)} input[type="radio"]:checked`)
        .getAttribute('value'),
    ).toBe('by_zone');
    await shotModal('calendar-editor');
    await closeEditor('Closures and holidays');
    await closeModal();
    // Pinned to the version of the policy in force when Pat sent it.
    const pinned = world.sandbox.database.sqlite
      .prepare(
        `SELECT h.policy_version AS version, (SELECT max(id) FROM program_log WHERE kind = 'policy' AND key = 'meridian-emea') AS saved FROM handoffs h WHERE h.id = ?`,
      )
      .get(handoff) as { version: number; saved: number };
    expect(pinned.version).toBe(pinned.saved);
  });
});
