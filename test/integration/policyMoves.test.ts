import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, COVER_BLOCK_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { APPLIED_NOTE } from '../../src/program/program.js';
import { account } from '../support/crmFlow.js';
import type { StoredMessage } from '../support/fakeSlack.js';
import { editHandoff, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, startHarness, waitFor } from '../support/harness.js';
import {
  authorUser,
  buttonsOf,
  dmOf,
  handoffRow,
  json,
  openOwnerModal,
  outboxDrained,
  QUIET,
  reassignSubmission,
  type SlackUser,
  sweepAt,
  waitForDm,
} from '../support/ownerFlow.js';
import { accept } from '../support/partnerFlow.js';
import { viewSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';
import { declineInDm } from '../support/revopsFlow.js';

const start = harnessPerTest();

/**
 * What a policy's moves tell each person, through the real app, the sweep and a stepped clock (issue 31, items 2 to
 * 4): one notice per event per person (an expiry is one message to the owner, with the buttons once); the policy
 * keeps acting after a reassignment, up to its limit, and when nobody can take it the owner is told why each member
 * was skipped; the AE who receives a moved handoff is told how it came and what the partner has heard, the owner who
 * or what moved it, and the author which fields of the packet still name the AE it moved from.
 */
const ae = people.ae.id;
const sam = people.otherAe.id;
const mo = people.member.id;
const pat = people.author.id;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The env of a harness whose escalation policy file holds `policy` (removed after the file's tests). */
function policyEnv(policy: object) {
  const dir = mkdtempSync(join(tmpdir(), 'policy-moves-'));
  dirs.push(dir);
  const file = join(dir, 'policies.json');
  writeFileSync(file, JSON.stringify(policy));
  return { ...QUIET, ESCALATION_POLICY_FILE: file };
}

/** A named policy: the owner and the channel at the due time, the backup pool 4 business hours later. */
const policyFile = (pool: string[], limits?: Record<string, number>) =>
  policyEnv({
    pools: { backup: { name: 'Enterprise backup', users: pool } },
    policies: {
      // The name people read: the messages say it, never the id `meridian`.
      meridian: {
        name: 'Meridian partners',
        levels: [
          { at: 'due', action: 'notify', to: ['owner', 'channel:C0INTERNAL'] },
          { at: 'due+4h', action: 'reassign', to: ['pool:backup'] },
        ],
      },
    },
    routes: [{ partner: 'Meridian Cloud Consulting', policy: 'meridian' }],
    ...(limits ? { limits } : {}),
  });

/**
 * The sandbox's Meridian policy, unnamed (people read "Meridian" and "Account executives" from the ids): a reminder
 * at half the window, the owner and the channel at the due time, the pool.
 */
const sandboxPolicy = (levels?: unknown[]) =>
  policyEnv({
    pools: { 'account-executives': { users: [ae, sam] } },
    policies: {
      meridian: levels ?? [
        { at: '50%', action: 'remind' },
        { at: 'due', action: 'notify', to: ['owner', 'channel:C0INTERNAL'] },
        { at: 'due+4h', action: 'reassign', to: ['pool:account-executives'] },
      ],
    },
    routes: [{ partner: 'Meridian Cloud Consulting', policy: 'meridian' }],
  });

/** The sweep at the reassigning step of the current window: its expiry and the step, in one sweep. */
async function silenceAndStep(h: Harness, id: number): Promise<HandoffRow> {
  const before = await handoffRow(h, id);
  await sweepAt(h, before.escalationSteps?.[0]?.at as number);
  return await handoffRow(h, id);
}

/** The messages in a person's DM about one handoff. */
const about = (h: Harness, user: string, id: number) =>
  dmOf(h, user).filter((m) => json(m.blocks).includes(`#${id} `));

/** How many messages of a person's DM about the handoff carry the owner's Reassign button. */
const withOwnerButtons = (messages: StoredMessage[]) =>
  messages.filter((m) => buttonsOf(m).includes(ACTION_ID.reassign)).length;

describe('the policy keeps acting after a reassignment, up to its limit; one notice per expiry', () => {
  let h: Harness;
  let id: number;

  beforeAll(async () => {
    h = await startHarness({ env: policyFile([ae, sam, mo]) });
    const { handoff } = await sendHandoff(h, {
      ...account('Litware Moves'),
      sellerNextMove: 'Dana will bring Jordan to the ops review.',
    });
    id = handoff.id;
  });
  afterAll(() => h.stop());

  it('the new AE is told how it came and what the partner has heard; the owner who moved it; the author what names Jordan', async () => {
    // Jordan goes on vacation during the window: the sweep sees it (the owner is told once).
    h.slack.setStatus(ae, { text: 'Vacation', emoji: ':palm_tree:', expiration: null });
    const sent = await handoffRow(h, id);
    await sweepAt(h, sent.sentAt.getTime() + 3_600_000);
    await waitForDm(h, pat, 'is away', 'the away notice');

    const moved = await silenceAndStep(h, id);
    expect(moved).toMatchObject({ aeUserId: sam, assignment: 2, status: 'sent' });

    // Sam's packet: from whom, why (Jordan's silence while away), how (the pool's round robin), the partner so far.
    const packet = await waitForDm(h, sam, 'Moved to you', "Sam's packet");
    const told = json(packet.blocks);
    expect(told).toContain(
      `*Moved to you from* <@${ae}> by the *Meridian partners* escalation policy, 4 business hours after the due time: <@${ae}> did not answer`,
    );
    expect(told).toContain(`<@${ae}> did not answer by`);
    expect(told).toContain('while away (status: :palm_tree: Vacation)');
    expect(told).toContain('You are the next AE of the *Enterprise backup* pool (round robin)');
    expect(told).toContain(
      'When it moved, Meridian Cloud Consulting had heard nothing of this handoff from us. They hear your name only once you accept.',
    );

    // Pat (owner and author): Jordan's expiry and the move of the same sweep are one message: who
    // moved it, and the packet's field that still names Jordan, with Edit.
    const notice = await waitForDm(h, pat, `gave it to <@${sam}>`, 'the expiry notice, with the move');
    expect(json(notice.blocks)).toContain(
      'The *Meridian partners* escalation policy, 4 business hours after the due time, gave it to',
    );
    expect(json(notice.blocks)).toContain(
      `<@${sam}>, the next AE of the *Enterprise backup* pool (round robin)`,
    );
    expect(json(notice.blocks)).toContain(
      `The packet still names Jordan Seller in *Seller next move*. <@${sam}> reads it as written`,
    );
    expect(buttonsOf(notice)).toContain(ACTION_ID.edit);
    // The owner's buttons are on one message of their DM: the newest.
    expect(withOwnerButtons(about(h, pat, id))).toBe(1);
    expect(buttonsOf(notice)).toContain(ACTION_ID.reassign);

    // The author edits the wording: the flag and its Edit go.
    const edited = await editHandoff(h, id, { sellerNextMove: 'Dana will bring Sam to the ops review.' });
    expect(edited.saved?.response_action).toBe('update');
    await waitFor(
      () => {
        const now = dmOf(h, pat).find((m) => json(m.blocks).includes(`gave it to <@${sam}>`));
        return now && !json(now.blocks).includes('still names') && !buttonsOf(now).includes(ACTION_ID.edit);
      },
      8000,
      'the flag gone after the edit',
    );
  });

  it('after Sam’s silence the same level moves it again: to the next AE of the pool who never had it', async () => {
    const before = await handoffRow(h, id);
    const moved = await silenceAndStep(h, id);
    expect(moved).toMatchObject({ aeUserId: mo, assignment: 3, status: 'sent' });
    const packet = await waitForDm(h, mo, 'Moved to you', "Mo's packet");
    expect(json(packet.blocks)).toContain(
      `*Moved to you from* <@${sam}> by the *Meridian partners* escalation policy, 4 business hours after the due time: <@${sam}> did not answer by`,
    );
    // Sam's expiry told Pat once.
    const expiries = about(h, pat, id).filter((m) =>
      json(m.blocks).includes(`<@${sam}> did not answer handoff`),
    );
    expect(expiries).toHaveLength(1);
    expect(before.cycle).toBeLessThan(moved.cycle);
    // Nobody reads the policy's id: every message names it as the file does.
    for (const user of [ae, sam, mo, pat])
      for (const m of dmOf(h, user)) expect(`${m.text} ${json(m.blocks)}`).not.toMatch(/\bmeridian\b/);
  });

  it('at the limit (2 moves by default) the owner is told in the expiry notice, once, with the buttons once', async () => {
    const earlier = about(h, pat, id).length;
    const stayed = await silenceAndStep(h, id);
    expect(stayed).toMatchObject({ aeUserId: mo, assignment: 3, status: 'expired' });
    await outboxDrained(h);
    const mine = about(h, pat, id);
    // One message for Mo's expiry, saying why the policy stopped: no second "Silence" or "could not" message.
    expect(mine).toHaveLength(earlier + 1);
    const expiry = mine.filter((m) => json(m.blocks).includes(`<@${mo}> did not answer handoff`));
    expect(expiry).toHaveLength(1);
    expect(json(expiry[0]?.blocks)).toContain(
      'The *Meridian partners* escalation policy, 4 business hours after the due time, did not move handoff',
    );
    expect(json(expiry[0]?.blocks)).toContain('have moved it 2 times, the most they may');
    expect(mine.filter((m) => json(m.blocks).includes('*Silence*'))).toEqual([]);
    expect(withOwnerButtons(mine)).toBe(1);
    expect(buttonsOf(expiry[0])).toContain(ACTION_ID.reassign);
  });
});

describe('nobody in the pool can take it: the owner is told why each member was skipped', () => {
  it('its AE now, already had it, the owner, deactivated, away: in the one expiry notice', async () => {
    const h = await start({ env: policyFile([ae, sam, pat, people.gone.id, mo]) });
    const { handoff } = await sendHandoff(h, account('Fabrikam Nobody'));
    const moved = await silenceAndStep(h, handoff.id);
    expect(moved.aeUserId).toBe(sam);
    h.slack.setStatus(mo, { text: 'Out sick', emoji: ':face_with_thermometer:', expiration: null });
    const earlier = about(h, pat, handoff.id).length;
    const stayed = await silenceAndStep(h, handoff.id);
    expect(stayed).toMatchObject({ aeUserId: sam, status: 'expired' });

    const mine = about(h, pat, handoff.id);
    expect(mine).toHaveLength(earlier + 1);
    const expiry = mine.filter((m) => json(m.blocks).includes(`<@${sam}> did not answer handoff`));
    expect(expiry).toHaveLength(1);
    const text = json(expiry[0]?.blocks);
    expect(text).toContain('could not give handoff');
    expect(text).toContain('nobody in the *Enterprise backup* pool can take it now');
    expect(text).toContain(`<@${sam}>: its AE now`);
    expect(text).toContain(`<@${ae}>: already had it`);
    expect(text).toContain(`<@${pat}>: the owner`);
    expect(text).toContain(`<@${people.gone.id}>: deactivated`);
    expect(text).toContain(`<@${mo}>: away (:face_with_thermometer: Out sick)`);
    // No second message for the same moment; the buttons once.
    expect(mine.filter((m) => json(m.blocks).includes('*Silence*'))).toEqual([]);
    expect(withOwnerButtons(mine)).toBe(1);
  });
});

describe('a level that runs hours after the expiry', () => {
  it('tells the owner in a message of its own, why, and the owner’s buttons move to it', async () => {
    const h = await start({ env: policyFile([ae]) });
    const { handoff } = await sendHandoff(h, account('Tailspin Later'));
    await sweepAt(h, handoff.dueAt);
    await waitForDm(h, pat, 'It has *expired*', 'the expiry notice');
    const step = (await handoffRow(h, handoff.id)).escalationSteps?.[0]?.at as number;
    await sweepAt(h, step);
    const notice = await waitForDm(h, pat, 'could not give handoff', 'the policy’s notice');
    expect(json(notice.blocks)).toContain(
      `The *Meridian partners* escalation policy, 4 business hours after the due time, could not give handoff #${handoff.id} *Tailspin Later*`,
    );
    expect(json(notice.blocks)).toContain(
      `nobody in the *Enterprise backup* pool can take it now (<@${ae}>: its AE now)`,
    );
    expect(json(notice.blocks)).not.toContain('*Silence*');
    expect(buttonsOf(notice)).toContain(ACTION_ID.reassign);
    expect(withOwnerButtons(about(h, pat, handoff.id))).toBe(1);
    // The expiry notice, still about the handoff as it is, lost its buttons to the newer notice: it no longer asks
    // for a click it cannot take, and says where the buttons are.
    const expiry = dmOf(h, pat).find((m) => json(m.blocks).includes('It has *expired*'));
    expect(buttonsOf(expiry)).toEqual([]);
    expect(json(expiry?.blocks)).not.toContain('Reassign it');
    expect(json(expiry?.blocks)).toContain(
      'You can reassign it to another AE, give more time, or withdraw it from your newest message about it.',
    );
  });
});

describe('the default policy: an expiry is one message to the owner', () => {
  it('a manager who owns the handoff gets the expiry notice only, not the escalation too', async () => {
    const h = await start({
      env: { ...QUIET, ESCALATION_MANAGERS: `${ae}=${pat}`, ESCALATION_CHANNEL_ID: 'C0INTERNAL' },
    });
    const { handoff } = await sendHandoff(h, account('Contoso Once'));
    await outboxDrained(h);
    const earlier = about(h, pat, handoff.id).length;
    await sweepAt(h, handoff.dueAt);
    expect((await handoffRow(h, handoff.id)).status).toBe('expired');
    const mine = about(h, pat, handoff.id);
    expect(mine).toHaveLength(earlier + 1);
    expect(json(mine.at(-1)?.blocks)).toContain('It has *expired*');
    expect(mine.filter((m) => json(m.blocks).includes('*Silence*'))).toEqual([]);
    expect(withOwnerButtons(about(h, pat, handoff.id))).toBe(1);
    // The escalation elsewhere stays: the channel hears of the silence.
    expect(
      h.slack.messages('C0INTERNAL').filter((m) => json(m.blocks).includes('Contoso Once')),
    ).toHaveLength(1);
  });
});

describe('Jordan away, the window expires and the policy moves it to the pool in the same sweep', () => {
  let h: Harness;
  let id: number;
  let awayNotice: StoredMessage;

  beforeAll(async () => {
    h = await startHarness({ env: sandboxPolicy() });
    const { handoff } = await sendHandoff(h, account('Litware Sweep'));
    id = handoff.id;
    // Jordan goes on vacation: the sweep an hour later sees it and tells Pat.
    h.slack.setStatus(ae, { text: 'Vacation', emoji: ':palm_tree:', expiration: null });
    await sweepAt(h, handoff.sentAt.getTime() + 3_600_000);
    awayNotice = await waitForDm(h, pat, 'is away', 'the away notice');
  });
  afterAll(() => h.stop());

  it('the away notice says what the policy will do, and does not ask Pat to reassign or extend', () => {
    const text = json(awayNotice.blocks);
    // Jordan is named one way, an @mention, both times (as in Pat's other notices).
    expect(text).toContain(`*<@${ae}> is away*`);
    expect(text).toContain(`If <@${ae}> has not answered by *<!date^`);
    expect(text).not.toContain('Jordan Seller');
    expect(text).toContain(
      'the *Meridian* escalation policy gives it to the next AE of the *Account executives* pool',
    );
    expect(text).toContain('4 business hours after the due time');
    // Nothing to do, unless it cannot wait: Reassign is on the notice. The window does not pause while Jordan is away.
    expect(text).toContain(
      '(round robin). You need not do anything; if it cannot wait, Reassign gives it to someone now. If it expires while they are away, the metrics do not count it as their silence.',
    );
    expect(buttonsOf(awayNotice)).toContain(ACTION_ID.reassign);
    expect(text).not.toContain('Reassign it');
    expect(text).not.toContain('Extend the window');
    expect(text).not.toContain('step 3');
  });

  it('the expiry and the move are one message to Pat: both facts, what the partner heard, the buttons once', async () => {
    const before = about(h, pat, id).length;
    const step = (await handoffRow(h, id)).escalationSteps?.find((s) => s.level === 2)?.at as number;
    await sweepAt(h, step);
    expect(await handoffRow(h, id)).toMatchObject({ aeUserId: sam, assignment: 2, status: 'sent' });

    const mine = about(h, pat, id);
    expect(mine).toHaveLength(before + 1);
    const notice = mine.at(-1);
    const text = json(notice?.blocks);
    // It expired while Jordan was away (not their silence) …
    expect(text).toContain(`<@${ae}> was away (status: :palm_tree: Vacation)`);
    expect(text).toContain('it does not count as their silence');
    // … the policy gave it to Sam, from the pool by round robin, in plain words …
    expect(text).toContain(
      'The *Meridian* escalation policy, 4 business hours after the due time, gave it to',
    );
    expect(text).toContain(`<@${sam}>, the next AE of the *Account executives* pool (round robin)`);
    expect(text).not.toContain('step 3');
    // … and what the partner has been told so far.
    expect(text).toContain('Meridian Cloud Consulting had heard nothing of this handoff from us');
    // Nothing asks Pat to do what the policy did.
    expect(text).not.toContain('Reassign it to another AE');
    // The owner's buttons once in Pat's DM, on this message.
    expect(withOwnerButtons(mine)).toBe(1);
    expect(buttonsOf(notice)).toContain(ACTION_ID.reassign);
    // Sam's packet says how it came, in the same plain words.
    const packet = await waitForDm(h, sam, 'Moved to you', "Sam's packet");
    expect(json(packet.blocks)).toContain(
      `*Moved to you from* <@${ae}> by the *Meridian* escalation policy, 4 business hours after the due time:`,
    );
  });

  it('the one message is a view of the handoff: once Sam answers it says what happened, and where it stands now', async () => {
    await accept(h, id, { id: sam, team_id: people.otherAe.team_id });
    expect((await handoffRow(h, id)).status).toBe('accepted');
    await outboxDrained(h);
    const mine = about(h, pat, id);
    const notice = mine.find((m) => json(m.blocks).includes('gave it to'));
    expect(notice).toBeDefined();
    expect(json(notice?.blocks)).toContain('*Now:* accepted by');
    expect(buttonsOf(notice)).not.toContain(ACTION_ID.reassign);
  });
});

describe('the away notice when nothing will act', () => {
  it('asks the owner to reassign or extend when the policy has no reassigning level', async () => {
    const h = await start({ env: sandboxPolicy([{ at: 'due', action: 'notify', to: ['owner'] }]) });
    const { handoff } = await sendHandoff(h, account('Fabrikam Alone'));
    h.slack.setStatus(ae, { text: 'Vacation', emoji: ':palm_tree:', expiration: null });
    await sweepAt(h, handoff.sentAt.getTime() + 3_600_000);
    const notice = await waitForDm(h, pat, 'is away', 'the away notice');
    expect(json(notice.blocks)).toContain('Reassign it');
    expect(buttonsOf(notice)).toContain(ACTION_ID.reassign);
  });
});

describe('the expiry notice when the policy moves it hours later', () => {
  it('says what the policy will do and when instead of asking; once the level could not move it, it asks where the buttons are', async () => {
    const h = await start({
      env: sandboxPolicy([
        { at: 'due', action: 'notify', to: ['owner'] },
        { at: 'due+4h', action: 'reassign', to: ['pool:account-executives'] },
      ]),
    });
    // Sam is out sick: nobody in the pool but Jordan, its AE, could take it when the level runs.
    h.slack.setStatus(sam, { text: 'Out sick', emoji: ':face_with_thermometer:', expiration: null });
    const { handoff } = await sendHandoff(h, account('Tailspin Plan'));
    await sweepAt(h, handoff.dueAt);
    const expiry = await waitForDm(h, pat, 'It has *expired*', 'the expiry notice');
    const said = json(expiry.blocks);
    expect(said).toContain(
      'The *Meridian* escalation policy gives it to the next AE of the *Account executives* pool who can take it (round robin) 4 business hours after the due time: *<!date^',
    );
    expect(said).toContain('You need not do anything.');
    expect(said).not.toContain('Reassign it to another AE');
    // Jordan's packet says the same of what will happen, and all the owner may do meanwhile.
    await outboxDrained(h);
    const packet = json((await waitForDm(h, ae, '*Expired*', "Jordan's packet")).blocks);
    expect(packet).toContain(
      `The owner <@${pat}> has been told. The *Meridian* escalation policy gives it to the next AE of the *Account executives* pool who can take it (round robin) 4 business hours after the due time: *<!date^`,
    );
    expect(packet).toContain('Until then the owner may still reassign, extend or withdraw it.');

    const step = (await handoffRow(h, handoff.id)).escalationSteps?.at(-1)?.at as number;
    await sweepAt(h, step);
    await waitForDm(h, pat, 'could not give handoff', 'the policy’s own notice');
    const now = about(h, pat, handoff.id).find((m) => json(m.blocks).includes('It has *expired*'));
    expect(json(now?.blocks)).not.toContain('You need not do anything');
    // It asks, pointing at the policy's own notice, which has the buttons now: not for a click
    // on buttons it lost.
    expect(buttonsOf(now)).toEqual([]);
    expect(json(now?.blocks)).toContain(
      'You can reassign it to another AE, give more time, or withdraw it from your newest message about it.',
    );
  });
});

describe('an owner who is not the author, in the same sweep', () => {
  it('the owner gets one message (the expiry and the move); the author, who had no expiry notice, one move notice', async () => {
    const olu = people.owner.id;
    const h = await start({ env: sandboxPolicy() });
    const { handoff } = await sendHandoff(h, { ...account('Northwind Owner'), ownerUserId: olu });
    await outboxDrained(h);
    const owner = about(h, olu, handoff.id).length;
    const author = about(h, pat, handoff.id).length;
    const step = (await handoffRow(h, handoff.id)).escalationSteps?.find((s) => s.level === 2)?.at as number;
    await sweepAt(h, step);
    expect((await handoffRow(h, handoff.id)).aeUserId).toBe(sam);
    const olus = about(h, olu, handoff.id);
    expect(olus).toHaveLength(owner + 1);
    expect(json(olus.at(-1)?.blocks)).toContain('It has *expired*');
    expect(json(olus.at(-1)?.blocks)).toContain(`gave it to <@${sam}>`);
    expect(withOwnerButtons(olus)).toBe(1);
    const pats = about(h, pat, handoff.id);
    expect(pats).toHaveLength(author + 1);
    expect(json(pats.at(-1)?.blocks)).toContain(`moved from <@${ae}> to <@${sam}>`);
  });
});

/**
 * Moves by hand and covers: the AE who receives a handoff the owner or an admin moved is told from whom, why and what
 * the partner has heard; the owner's notice names who moved it; a person named as cover is told, with the dates (and
 * a cover replaced, that it ended).
 */
const adminUser: SlackUser = { id: mo, team_id: TEAM };

function coverSubmission(cover: string, until: string, user: SlackUser) {
  return viewSubmission({
    callbackId: CALLBACK_ID.cover,
    user,
    privateMetadata: '{}',
    values: {
      [COVER_BLOCK_ID.cover]: { [ACTION_ID.value]: { type: 'users_select', selected_user: cover } },
      [COVER_BLOCK_ID.until]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: until } },
    },
  });
}

async function reassignAs(h: Harness, id: number, user: SlackUser, to: string) {
  const modal = await openOwnerModal(h, 'reassign', id, user);
  const response = await h.interact(
    reassignSubmission({ privateMetadata: modal.private_metadata, newAeUserId: to, user }),
  );
  expect(response.status).toBe(200);
  await outboxDrained(h);
}

describe('a move by hand', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { ...QUIET, ADMIN_USER_IDS: mo } });
  });
  afterAll(() => h.stop());

  it('by an admin after a decline: the new AE reads who moved it, why, and that the partner heard it was not taken forward', async () => {
    const { handoff, dm } = await sendHandoff(h, account('Declined Then Moved'));
    await declineInDm(h, handoff, dm, 'timing');
    await outboxDrained(h);
    await reassignAs(h, handoff.id, adminUser, sam);

    const packet = await waitForDm(h, sam, 'Moved to you', "Sam's packet");
    const told = json(packet.blocks);
    expect(told).toContain(`*Moved to you from* <@${ae}> by <@${mo}> (an admin): <@${ae}> declined it (`);
    expect(told).toContain(
      'When it moved, Meridian Cloud Consulting had last been told that it was not taken forward (no AE named)',
    );
    // The partner's wording is quoted whole, with its own full stop and none after the quote.
    expect(told).toContain('(no AE named): \\"The timing is not right for this account yet.\\" They hear');
    const notice = await waitForDm(h, pat, `moved from <@${ae}> to <@${sam}>`, 'the owner notice');
    expect(json(notice.blocks)).toContain(`Moved by <@${mo}> (an admin): <@${ae}> declined it`);
  });

  it('by the owner while it is open: "Moved by you", and the new AE reads the owner moved it', async () => {
    const { handoff } = await sendHandoff(h, account('Moved While Open'));
    await reassignAs(h, handoff.id, authorUser, sam);
    const packet = await waitFor(
      () =>
        dmOf(h, sam).find(
          (m) => json(m.blocks).includes('Moved While Open') && json(m.blocks).includes('Moved to you'),
        ),
      8000,
      "Sam's packet",
    );
    expect(json(packet.blocks)).toContain(
      `*Moved to you from* <@${ae}> by <@${pat}> (the owner): <@${ae}> had not answered yet.`,
    );
    expect(json(packet.blocks)).toContain('had heard nothing of this handoff from us');
    const notice = await waitFor(
      () =>
        dmOf(h, pat).find(
          (m) => json(m.blocks).includes('Moved While Open') && json(m.blocks).includes('moved from'),
        ),
      8000,
      'the owner notice',
    );
    expect(json(notice.blocks)).toContain(`Moved by you: <@${ae}> had not answered yet`);
  });
});

describe('naming a cover', () => {
  it('tells the person named, with the dates; a cover replaced is told it ended', async () => {
    const h = await start({ env: QUIET });
    const aeUser = { id: ae, team_id: TEAM };
    const named = await h.interact(coverSubmission(sam, '2026-12-04', aeUser));
    expect(named.status).toBe(200);
    const told = await waitForDm(h, sam, 'named you to answer for them', 'the cover told');
    expect(json(told.blocks)).toContain(
      `<@${ae}> named you to answer for them from *2026-11-23* until *2026-12-04* (the last day)`,
    );

    const replaced = await h.interact(coverSubmission(mo, '2026-12-11', aeUser));
    expect(replaced.status).toBe(200);
    await waitForDm(h, mo, 'until *2026-12-11*', 'the new cover told');
    const ended = await waitForDm(h, sam, 'you no longer cover for them', 'the old cover told');
    expect(json(ended.blocks)).toContain(`<@${ae}> named someone else to answer for them`);
  });
});

/**
 * Issue 53, "Policies pinned per handoff": a handoff runs under the version of its policy in force when it was sent.
 * An edit (here the reassignment four hours after the due time becomes a notice) applies to handoffs sent after it;
 * "apply to open handoffs" moves the open ones to it, audited in the program's history. Each escalation the touch
 * log records names the version that acted.
 */
const REASSIGNS = [
  { at: 'due+2h', action: 'notify', to: ['channel:C0INTERNAL'] },
  { at: 'due+4h', action: 'reassign', to: ['pool:backup'] },
];
const NOTIFIES = [
  { at: 'due+2h', action: 'notify', to: ['channel:C0INTERNAL'] },
  { at: 'due+4h', action: 'notify', to: ['channel:C0INTERNAL'] },
];
const POLICY = {
  pools: { backup: { users: [people.otherAe.id, people.member.id] } },
  policies: { strategic: REASSIGNS },
  routes: [{ partner: 'Meridian Cloud Consulting', policy: 'strategic' }],
};

async function events(h: Harness, handoffId: number) {
  const { handoffEvents } = h.tables;
  return h.database.db
    .select()
    .from(handoffEvents)
    .where(eq(handoffEvents.handoffId, handoffId))
    .orderBy(asc(handoffEvents.id));
}

/** The escalations the touch log holds for a handoff: which level, what it did, and the version that acted. */
async function escalations(h: Harness, handoffId: number) {
  return (await events(h, handoffId))
    .filter((e) => e.type === 'escalated')
    .map((e) => {
      const d = e.detail as { policyLevel: number; action: string; policyVersion?: number };
      return { level: d.policyLevel, action: d.action, version: d.policyVersion };
    });
}

describe('a policy edited while a handoff’s window is open', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: policyEnv(POLICY) });
  });
  afterAll(() => h.stop());

  it('does not change that handoff; a handoff sent after it follows the edit; apply to open moves the first, audited', async () => {
    const { program } = h.app;
    const imported = program.policyVersion('strategic') as number;
    expect(imported).toBeGreaterThan(0);
    const { handoff: first } = await sendHandoff(h, account('Northwind Pinned'));
    expect(await handoffRow(h, first.id)).toMatchObject({
      escalationPolicy: 'strategic',
      policyVersion: imported,
    });

    // RevOps turns the reassignment into a notice.
    const edited = await program.edit({
      actor: 'U0REVOPS',
      kind: 'policy',
      key: 'strategic',
      body: NOTIFIES,
    });
    expect(edited).toMatchObject({ ok: true, changed: true });
    const version = edited.ok ? edited.version : 0;
    expect(program.policyVersion('strategic')).toBe(version);
    const { handoff: second } = await sendHandoff(h, account('Contoso Pinned'));
    const sent = await handoffRow(h, second.id);
    expect(sent).toMatchObject({ escalationPolicy: 'strategic', policyVersion: version });

    // Both are silent past their due time: each level acts as its own version says.
    const steps = (await handoffRow(h, first.id)).escalationSteps ?? [];
    expect(steps.map((s) => s.level)).toEqual([0, 1]);
    expect(sent.escalationSteps?.map((s) => s.at)).toEqual(steps.map((s) => s.at));
    await sweepAt(h, sent.dueAt);
    await sweepAt(h, steps[0]?.at as number);
    await sweepAt(h, steps[1]?.at as number);
    // The first: its pinned version reassigns it to the pool.
    const moved = await handoffRow(h, first.id);
    expect(moved).toMatchObject({ status: 'sent', aeUserId: people.otherAe.id, policyVersion: imported });
    expect(await escalations(h, first.id)).toEqual([{ level: 1, action: 'notify', version: imported }]);
    expect((await events(h, first.id)).map((e) => e.type)).toEqual([
      'sent',
      'expired',
      'escalated',
      'reassigned',
    ]);
    // The second: the edited version tells the channel instead, and it stays with its AE.
    expect(await handoffRow(h, second.id)).toMatchObject({ status: 'expired', aeUserId: people.ae.id });
    expect(await escalations(h, second.id)).toEqual([
      { level: 1, action: 'notify', version },
      { level: 2, action: 'notify', version },
    ]);

    // "Apply to open handoffs": an explicit choice, written to the program's history.
    const appliedIds = await program.applyToOpen('U0ADMIN', 'strategic');
    expect(appliedIds).toContain(first.id);
    const { programLog } = h.tables;
    const [applied] = await h.database.db
      .select()
      .from(programLog)
      .where(eq(programLog.kind, 'policy'))
      .orderBy(asc(programLog.id))
      .then((rows) => rows.slice(-1));
    expect(applied).toMatchObject({ key: 'strategic', actor: 'U0ADMIN', note: APPLIED_NOTE });
    expect(applied?.body).toEqual(NOTIFIES);
    expect(applied?.id).toBeGreaterThan(version);
    expect(program.policyVersion('strategic')).toBe(applied?.id);
    expect((await handoffRow(h, first.id)).policyVersion).toBe(applied?.id);

    // The first handoff's new window now runs under the applied version: a notice where it was a reassignment.
    const again = await handoffRow(h, first.id);
    const next = again.escalationSteps ?? [];
    await sweepAt(h, again.dueAt);
    await sweepAt(h, next[0]?.at as number);
    await sweepAt(h, next[1]?.at as number);
    expect(await handoffRow(h, first.id)).toMatchObject({ aeUserId: people.otherAe.id, status: 'expired' });
    expect((await escalations(h, first.id)).slice(1)).toEqual([
      { level: 1, action: 'notify', version: applied?.id },
      { level: 2, action: 'notify', version: applied?.id },
    ]);
  });
});
