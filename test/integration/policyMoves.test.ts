import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { account } from '../support/crmFlow.js';
import type { StoredMessage } from '../support/fakeSlack.js';
import { editHandoff, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, startHarness, waitFor } from '../support/harness.js';
import {
  buttonsOf,
  dmOf,
  handoffRow,
  json,
  outboxDrained,
  QUIET,
  sweepAt,
  waitForDm,
} from '../support/ownerFlow.js';
import { people } from '../support/people.js';

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

function policyFile(pool: string[], limits?: Record<string, number>) {
  const dir = mkdtempSync(join(tmpdir(), 'policy-moves-'));
  const file = join(dir, 'policies.json');
  writeFileSync(
    file,
    JSON.stringify({
      pools: { backup: { name: 'Enterprise backup', users: pool } },
      policies: {
        // The name people read (issue 50 item 20): the messages say it, never the id `meridian`.
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
    }),
  );
  return { dir, file };
}

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
  let dir: string;
  let id: number;

  beforeAll(async () => {
    const made = policyFile([ae, sam, mo]);
    dir = made.dir;
    h = await startHarness({ env: { ...QUIET, ESCALATION_POLICY_FILE: made.file } });
    const { handoff } = await sendHandoff(h, {
      ...account('Litware Moves'),
      sellerNextMove: 'Dana will bring Jordan to the ops review.',
    });
    id = handoff.id;
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

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

    // Pat (owner and author): Jordan's expiry and the move of the same sweep are one message (issue 31, item 4): who
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
    const { dir, file } = policyFile([ae, sam, pat, people.gone.id, mo]);
    const h = await startHarness({ env: { ...QUIET, ESCALATION_POLICY_FILE: file } });
    try {
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
    } finally {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a level that runs hours after the expiry', () => {
  it('tells the owner in a message of its own, why, and the owner’s buttons move to it', async () => {
    const { dir, file } = policyFile([ae]);
    const h = await startHarness({ env: { ...QUIET, ESCALATION_POLICY_FILE: file } });
    try {
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
      // for a click it cannot take, and says where the buttons are (issue 50 item 20).
      const expiry = dmOf(h, pat).find((m) => json(m.blocks).includes('It has *expired*'));
      expect(buttonsOf(expiry)).toEqual([]);
      expect(json(expiry?.blocks)).not.toContain('Reassign it');
      expect(json(expiry?.blocks)).toContain(
        'You can reassign it to another AE, give more time, or withdraw it from your newest message about it.',
      );
    } finally {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    }
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
