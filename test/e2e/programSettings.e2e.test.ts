import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sandboxChannels, sandboxUsers } from '../../sandbox/cast.js';
import {
  ACTION_ID,
  CALLBACK_ID,
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
 * Issue 53's "Done when", its partners and settings, walked in the sandbox page (Chromium) without a file edited or a
 * restart: Riley (admin) names each partner's manager on the Partners page (Riley for Meridian, told of decisions and
 * outcomes; Jordan for Tailspin, told of decisions only), and on the Settings page makes "Need more time" given at
 * once and an outcome final at once. Then Pat sends Jordan a Meridian deal and Sam a Tailspin one: Jordan's "Need
 * more time" is given at once, each partner's manager reads the decisions (and Riley the outcome) in their DMs, and
 * neither partner channel reads who manages or follows. Screenshots in /tmp/program-shots/ (with programSetup's).
 */

const SHOTS = '/tmp/program-shots';
const { admin: riley, author: pat, ae: jordan, otherAe: sam, partner: dana } = sandboxUsers;
const MERIDIAN_CHANNEL = sandboxChannels.partner.id;
const TAILSPIN_CHANNEL = sandboxChannels.rival.id;
const ZONE = 'America/New_York';
/** Monday 30 November 2026, 10:00 in New York: a week without a public holiday in the US or Germany. */
const START = DateTime.fromISO('2026-11-30T10:00', { zone: ZONE });
const MERIDIAN = 'Meridian Cloud Consulting';
const TAILSPIN = 'Tailspin Integrators';
const CONTOSO = 'Contoso Freight';
const LITWARE = 'Litware Health';
const EDITOR = `.modal-card form[data-callback-id="${CALLBACK_ID.programPart}"]`;
/** What a program page must never read: ids, file keys, escaped characters. */
const RAW = /\bU0[A-Z0-9]+\b|\bC0[A-Z0-9]+\b|&amp;|&lt;|&gt;|\\n|undefined|null\b/;
/** What a partner channel must never read: who manages the partner or follows its deals, and how they hear. */
const WATCHING = /Riley|partner manager|manag|follow|decisions only|decisions and outcomes|you are told/i;

const world = sandboxWorld('program-settings', { startAt: START.toJSDate() });
let page: Page;
let contoso: number;
let litware: number;

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

const clockTime = (at: DateTime) => at.setZone(ZONE).toFormat('h:mm a');
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
    const meridian = await read(dana.id, MERIDIAN_CHANNEL);
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
