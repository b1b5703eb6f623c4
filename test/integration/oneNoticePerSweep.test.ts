import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { account } from '../support/crmFlow.js';
import type { StoredMessage } from '../support/fakeSlack.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness } from '../support/harness.js';
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
import { accept } from '../support/partnerFlow.js';
import { people } from '../support/people.js';

/**
 * One notice per event per person (issue 31, items 2 and 4), through the real app and the sweep job: when a window
 * expires and the policy's reassigning level moves it in the same run, the owner gets one message that says both,
 * with their buttons once; the away notice says what the policy will do instead of asking the owner to act when a
 * level of the policy will move it; and what people read names the policy's level in plain words, not "step 3".
 */
const jordan = people.ae.id;
const sam = people.otherAe.id;
const pat = people.author.id;

/** The sandbox's Meridian policy: a reminder at half the window, the owner and the channel at the due time, the pool. */
function policyFile(levels?: unknown[]) {
  const dir = mkdtempSync(join(tmpdir(), 'one-notice-'));
  const file = join(dir, 'policies.json');
  writeFileSync(
    file,
    JSON.stringify({
      pools: { 'account-executives': { users: [jordan, sam] } },
      policies: {
        meridian: levels ?? [
          { at: '50%', action: 'remind' },
          { at: 'due', action: 'notify', to: ['owner', 'channel:C0INTERNAL'] },
          { at: 'due+4h', action: 'reassign', to: ['pool:account-executives'] },
        ],
      },
      routes: [{ partner: 'Meridian Cloud Consulting', policy: 'meridian' }],
    }),
  );
  return { dir, file };
}

/** The messages in a person's DM about one handoff (each a chat.postMessage the fake Slack recorded, as updated). */
const about = (h: Harness, user: string, id: number) =>
  dmOf(h, user).filter((m) => json(m.blocks).includes(`#${id} `));

const withOwnerButtons = (messages: StoredMessage[]) =>
  messages.filter((m) => buttonsOf(m).includes(ACTION_ID.reassign)).length;

describe('Jordan away, the window expires and the policy moves it to the pool in the same sweep', () => {
  let h: Harness;
  let dir: string;
  let id: number;
  let awayNotice: StoredMessage;

  beforeAll(async () => {
    const made = policyFile();
    dir = made.dir;
    h = await startHarness({ env: { ...QUIET, ESCALATION_POLICY_FILE: made.file } });
    const { handoff } = await sendHandoff(h, account('Litware Sweep'));
    id = handoff.id;
    // Jordan goes on vacation: the sweep an hour later sees it and tells Pat.
    h.slack.setStatus(jordan, { text: 'Vacation', emoji: ':palm_tree:', expiration: null });
    await sweepAt(h, handoff.sentAt.getTime() + 3_600_000);
    awayNotice = await waitForDm(h, pat, 'is away', 'the away notice');
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the away notice says what the policy will do, and does not ask Pat to reassign or extend', () => {
    const text = json(awayNotice.blocks);
    // Jordan is named one way, an @mention, both times (as in Pat's other notices).
    expect(text).toContain(`*<@${jordan}> is away*`);
    expect(text).toContain(`If <@${jordan}> has not answered by *<!date^`);
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
    expect(text).toContain(`<@${jordan}> was away (status: :palm_tree: Vacation)`);
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
      `*Moved to you from* <@${jordan}> by the *Meridian* escalation policy, 4 business hours after the due time:`,
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
    const { dir, file } = policyFile([{ at: 'due', action: 'notify', to: ['owner'] }]);
    const h = await startHarness({ env: { ...QUIET, ESCALATION_POLICY_FILE: file } });
    try {
      const { handoff } = await sendHandoff(h, account('Fabrikam Alone'));
      h.slack.setStatus(jordan, { text: 'Vacation', emoji: ':palm_tree:', expiration: null });
      await sweepAt(h, handoff.sentAt.getTime() + 3_600_000);
      const notice = await waitForDm(h, pat, 'is away', 'the away notice');
      expect(json(notice.blocks)).toContain('Reassign it');
      expect(buttonsOf(notice)).toContain(ACTION_ID.reassign);
    } finally {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the expiry notice when the policy moves it hours later', () => {
  it('says what the policy will do and when instead of asking; once the level could not move it, it asks where the buttons are', async () => {
    const { dir, file } = policyFile([
      { at: 'due', action: 'notify', to: ['owner'] },
      { at: 'due+4h', action: 'reassign', to: ['pool:account-executives'] },
    ]);
    const h = await startHarness({ env: { ...QUIET, ESCALATION_POLICY_FILE: file } });
    try {
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
      // Jordan's packet says the same of what will happen, and all the owner may do meanwhile (issue 50 item 20).
      await outboxDrained(h);
      const packet = json((await waitForDm(h, jordan, '*Expired*', "Jordan's packet")).blocks);
      expect(packet).toContain(
        `The owner <@${pat}> has been told. The *Meridian* escalation policy gives it to the next AE of the *Account executives* pool who can take it (round robin) 4 business hours after the due time: *<!date^`,
      );
      expect(packet).toContain('Until then the owner may still reassign, extend or withdraw it.');

      const step = (await handoffRow(h, handoff.id)).escalationSteps?.at(-1)?.at as number;
      await sweepAt(h, step);
      await waitForDm(h, pat, 'could not give handoff', 'the policy’s own notice');
      const now = about(h, pat, handoff.id).find((m) => json(m.blocks).includes('It has *expired*'));
      expect(json(now?.blocks)).not.toContain('You need not do anything');
      // It asks, pointing at the policy's own notice, which has the buttons now (issue 50 item 20): not for a click
      // on buttons it lost.
      expect(buttonsOf(now)).toEqual([]);
      expect(json(now?.blocks)).toContain(
        'You can reassign it to another AE, give more time, or withdraw it from your newest message about it.',
      );
    } finally {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an owner who is not the author, in the same sweep', () => {
  it('the owner gets one message (the expiry and the move); the author, who had no expiry notice, one move notice', async () => {
    const olu = people.owner.id;
    const { dir, file } = policyFile();
    const h = await startHarness({ env: { ...QUIET, ESCALATION_POLICY_FILE: file } });
    try {
      const { handoff } = await sendHandoff(h, { ...account('Northwind Owner'), ownerUserId: olu });
      await outboxDrained(h);
      const owner = about(h, olu, handoff.id).length;
      const author = about(h, pat, handoff.id).length;
      const step = (await handoffRow(h, handoff.id)).escalationSteps?.find((s) => s.level === 2)
        ?.at as number;
      await sweepAt(h, step);
      expect((await handoffRow(h, handoff.id)).aeUserId).toBe(sam);
      const olus = about(h, olu, handoff.id);
      expect(olus).toHaveLength(owner + 1);
      expect(json(olus.at(-1)?.blocks)).toContain('It has *expired*');
      expect(json(olus.at(-1)?.blocks)).toContain(`gave it to <@${sam}>`);
      expect(withOwnerButtons(olus)).toBe(1);
      const pats = about(h, pat, handoff.id);
      expect(pats).toHaveLength(author + 1);
      expect(json(pats.at(-1)?.blocks)).toContain(`moved from <@${jordan}> to <@${sam}>`);
    } finally {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
